"""Load and validate data/<report>/<period>/ folders into the raw model.

Every problem is collected (with file, line or CSV row, field and a hint) rather than
stopping at the first, so `invoke check` can list them all.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import pickle
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from . import presets
from .metrics import select
from .model import (
    COUNTS,
    METRIC_TYPES,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    PEOPLE,
    RELATION_KINDS,
    TOTAL,
    UNITS,
    Figure,
    MetricSpec,
    Period,
    Printed,
    Relation,
    RelationTerm,
    Selector,
    Site,
    Source,
    Table,
    Target,
    Where,
)
from .problems import Problems, read_text
from .revisions import REVISIONS_DIR, parse_revisions
from .terms import ALL_BUT, PEOPLE_DIMENSIONS, SOURCE_SYMBOLS, TOTAL_WORDS, Counts, Unit
from .workbook import MAX_SHEET_NAME, Workbook, cell_place, open_workbook, read_sheet
from .workbook import SUFFIX as XLSX
from .yamlio import LinedDict, LinedList, YamlReadError, read_yaml

PERIOD_FILE = "period.yaml"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PERIOD_RE = re.compile(r"^[0-9]{4}-[0-9]{2}(-to-[0-9]{4}-[0-9]{2})?$")
FORMAT_DOC = "docs/data-format.md"
STATUSES = ("published", "draft")
SECTIONS = ("figures", "targets", "comparators", "tables", "metrics")
# What `invoke new` writes where the officer must fill something in. Any text starting with it,
# anywhere in period.yaml or in a table's category, is refused until it is replaced, so an
# unfilled figure can never be published (as 0 or as anything else).
PLACEHOLDER = "FILL IN"
TOP_FIELDS = {"report", "period", "title", "period_label", "period_start", "period_end",
              "status", "published", "previous", "source", "summary", "notes", "printed",
              "next_update",
              "revisions", "relations", *SECTIONS}


def is_placeholder(value: object) -> bool:
    # In capitals only, as the narrative lint: "Fill in a questionnaire" may be a real label.
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


# One of a fixed set of words (a Literal type of terms.py, or a tuple of str).
Word = TypeVar("Word", bound=str)


class _Ctx:
    """Field access on one YAML mapping that records problems instead of raising."""

    def __init__(self, problems: Problems, file: Path, mapping: LinedDict, path: str) -> None:
        self.problems = problems
        self.file = file
        self.m = mapping
        self.path = path

    def line(self, key: str | None = None) -> int:
        return self.m.line_of(key) if key else self.m.line

    def fieldname(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str | None, message: str, hint: str = "") -> None:
        self.problems.add(self.file, message, hint, line=self.line(key),
                          field=self.fieldname(key) if key else (self.path or None))

    def unknown_keys(self, allowed: set[str]) -> None:
        for key in self.m:
            if key not in allowed:
                self.problem(key, f"'{key}' is not a known field here",
                             f"remove it, or check its spelling; known fields: "
                             f"{', '.join(sorted(allowed))} (see {FORMAT_DOC})")

    def text(self, key: str, required: bool = True) -> str:
        value = self.m.get(key)
        if is_placeholder(value):
            return ""  # reported by _report_placeholders
        if value is None:
            if required:
                self.problem(key, f"the required field '{key}' is missing",
                             f"add '{key}:' (see {FORMAT_DOC})")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            self.problem(key, f"'{key}' must be text", f"write it as plain text after '{key}:'")
            return ""
        return str(value).strip()

    def choice(self, key: str, options: tuple[Word, ...], default: Word | None = None) -> Word:
        value = self.m.get(key, default)
        if is_placeholder(value):
            return options[0]
        if value is None:
            self.problem(key, f"the required field '{key}' is missing",
                         f"add '{key}:' with one of: {', '.join(options)}")
            return options[0]
        if value not in options:
            self.problem(key, f"'{value}' is not a valid {key}",
                         f"use one of: {', '.join(options)}")
            return options[0]
        return options[options.index(value)]  # the option itself: typed as one of `options`

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self.m.get(key)
        if is_placeholder(value):
            return None
        if value is None:
            if required:
                self.problem(key, f"the required date '{key}' is missing",
                             f"add '{key}: YYYY-MM-DD'")
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(key, f"'{value}' is not a date", "write dates as YYYY-MM-DD, e.g. 2022-03-31")
            return None

    def boolean(self, key: str) -> bool:
        value = self.m.get(key, False)
        if is_placeholder(value):
            return False
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' must be true or false", f"write '{key}: true' or remove it")
            return False
        return value

    def number(self, key: str, *, allow_x: bool = False, whole: bool = False,
               required: bool = True) -> float | None:
        value = self.m.get(key)
        if is_placeholder(value):
            return None
        if value is None:
            if required:
                self.problem(key, f"the required number '{key}' is missing", f"add '{key}:'")
            return None
        if allow_x and value == NOT_AVAILABLE:
            return None
        if isinstance(value, str) and GROUPED.fullmatch(value.strip()):
            value = float(ungrouped(value.strip()))
            value = int(value) if value == int(value) else value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            self.problem(key, f"'{value}' is not a number",
                         "write digits only (1232 or 1,232), without % signs"
                         + (" (or x if the source does not give it)" if allow_x else ""))
            return None
        if value < 0:
            self.problem(key, f"{value} is negative", "figures here cannot be negative")
            return None
        if whole and value != int(value):
            self.problem(key, f"{value} is not a whole number", "counts of children or records "
                         "are whole numbers")
            return None
        return float(value)

    def mapping(self, key: str, required: bool = False) -> LinedDict | None:
        value = self.m.get(key)
        if is_placeholder(value):
            return None
        if value is None:
            if required:
                self.problem(key, f"the required section '{key}' is missing", f"add '{key}:'")
            return None
        if not isinstance(value, LinedDict):
            self.problem(key, f"'{key}' must be a set of 'name: value' entries",
                         "indent its entries under it, one per line")
            return None
        return value

    def sub(self, key: str, value: LinedDict) -> _Ctx:
        return _Ctx(self.problems, self.file, value, self.fieldname(key))


NUMBER_KEYS = {"value", "values", "range", "base"}


def _report_placeholders(node: Any, path: Path, field: str, line: int, problems: Problems) -> None:
    """One problem for every placeholder left in period.yaml, wherever it is. The field
    readers then treat a placeholder as absent without a second message."""
    if isinstance(node, LinedDict):
        for key, value in node.items():
            _report_placeholders(value, path, f"{field}.{key}" if field else key,
                                 node.line_of(key), problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            item_line = node.line_of(i) if isinstance(node, LinedList) else line
            _report_placeholders(value, path, f"{field}[{i + 1}]", item_line, problems)
    elif is_placeholder(node):
        last = field.rsplit(".", 1)[-1].split("[")[0]
        if last in NUMBER_KEYS or (field.startswith("comparators.") and ".values." in field):
            hint = ("fill in the figure from the new report: a number without commas or % signs, "
                    "or x if the report does not give it")
        elif last in ("date", "period_start", "period_end", "published"):
            hint = "fill in the date, as YYYY-MM-DD"
        else:
            hint = "fill in the text for the new period"
        problems.add(path, f"not filled in yet (it says '{str(node).strip()}')",
                     hint + "; replace the whole placeholder, FILL IN included",
                     line=line, field=field)


def _unit_counts(ctx: _Ctx, percent_table: bool = False, has_base: bool = False,
                 percent_of: bool = False) -> tuple[Unit, Counts]:
    """The unit and what it counts. `percent_of`: a figure, whose percentage may be of children
    or records (then it says `of:` which count) or of no one (then it is tied to its counts or
    says why not: `_parse_figure`, `_check_percent_ties`). `percent_table`: a table, whose
    percentages of children or records need a `base` (checked by the caller)."""
    unit = ctx.choice("unit", UNITS)
    counts = ctx.choice("counts", COUNTS)
    if percent_of and unit == "percent" and counts != "staff":
        return unit, counts
    if percent_table and unit == "percent" and counts != "staff":
        if has_base and counts == "none" and "counts" in ctx.m:
            ctx.problem("counts", "a percentage table with a 'base' describes children or records",
                        "set 'counts: children' or 'counts: records'")
        return unit, counts
    if unit == "count" and counts == "none" and "counts" in ctx.m:
        ctx.problem("counts", "a figure with unit 'count' must count children, records or staff",
                    "set 'counts: children' or 'counts: records' (counts of people are suppressed "
                    "when small), or 'counts: staff' for posts or people at work")
    if unit != "count" and counts == "staff" and "counts" in ctx.m:
        ctx.problem("counts", "'counts: staff' is for whole counts of posts or people at work",
                    "set 'unit: count', or 'counts: none' for FTE, rates and percentages")
    elif unit != "count" and counts != "none" and "counts" in ctx.m:
        ctx.problem("counts", f"a figure with unit '{unit}' is not a count of individuals",
                    "set 'counts: none'")
    return unit, counts


def _reason(ctx: _Ctx, key: str) -> str:
    """A reason given in words (`not_people: ...`), or '' when there is none."""
    value = ctx.m.get(key)
    if value is None or is_placeholder(value):
        return ""
    if not isinstance(value, str) or not value.strip():
        ctx.problem(key, f"'{key}' must say why, in words",
                    f"write the reason as text after '{key}:' (see {FORMAT_DOC})")
        return ""
    return " ".join(value.split())


def describes_people(dimensions: Mapping[str, str]) -> list[str]:
    """The dimensions whose name or label says their categories are people's characteristics
    (age, gender, ethnicity, legal status, placement ...: terms.PEOPLE_DIMENSIONS)."""
    found = []
    for name, label in dimensions.items():
        text = " " + " ".join(re.sub(r"[\W_]+", " ", f"{name} {label}".lower()).split()) + " "
        if any(f" {word} " in text for word in PEOPLE_DIMENSIONS):
            found.append(name)
    return found


NOT_PEOPLE_HINT = ("if it is about children or their records, say so ('counts: children' or "
                   "'counts: records'{base}) and small numbers are hidden; if it truly counts "
                   "no one, say why in words: 'not_people: <reason>' (e.g. 'caseloads per "
                   "full-time IRO: a workload of staff, not a number of children'; see 'Units "
                   "and what a number counts' in " + FORMAT_DOC + ")")


def _check_not_people(ctx: _Ctx, unit: str, counts: str, dimensions: Mapping[str, str],
                      values: list[float], not_people: str, what: str = "table") -> None:
    """`counts: none` switches small-number suppression off. On a table that looks like people
    (dimensions of people's characteristics, or nothing but whole numbers) it must say why."""
    if not_people and counts not in ("none", "staff"):
        ctx.problem("not_people", f"'not_people' is only for a {what} that says 'counts: none' "
                    "or 'counts: staff'",
                    "remove it: this one counts people, so its small numbers are hidden")
        return
    people = describes_people(dimensions)
    if counts == "staff" and people and not not_people:
        # Staff are people too, but not the ones suppression protects: a table of children
        # declared as staff would publish their small numbers (a red-team finding).
        ctx.problem("counts", f"this {what} says 'counts: staff', so nothing in it is "
                    "suppressed, but its dimensions describe people (" + ", ".join(
                        dimensions[d] for d in people) + ")",
                    "if it counts children or their records, say so ('counts: children' or "
                    "'counts: records') and small numbers are hidden; if it truly counts staff, "
                    "say whose characteristics these are in words: 'not_people: <reason>' (e.g. "
                    "'IROs by length of service') (see 'Units and what a number counts' in "
                    + FORMAT_DOC + ")")
        return
    if counts != "none" or not_people or unit == "count":
        return  # a count that says 'none' is refused by _unit_counts
    if unit in RATE_UNITS:
        return  # _check_rate_ties asks every rate to be tied to its population, or say why
    reasons = []
    if people:
        reasons.append("its dimensions describe people (" + ", ".join(
            f"{dimensions[d]}" for d in people) + ")")
    if values and all(v == int(v) for v in values):
        reasons.append("its values are all whole numbers")
    if unit == "percent" and not reasons:
        # A percentage is a share of some number: of reviews by quarter, say, beside the
        # reviews held gives the late ones (a red-team finding). As for a percentage figure.
        reasons.append("a percentage is a share of some count")
    if reasons:
        ctx.problem("counts", f"this {what} says 'counts: none' (unit '{unit}'), so nothing in it is "
                    f"suppressed, but {' and '.join(reasons)}",
                    NOT_PEOPLE_HINT.format(base=", and 'base:' for percentages"
                                           if unit == "percent" else ""))


def _figure_name(ctx: _Ctx, key: str, unit: str) -> str | None:
    """`of` or `part` of a percentage figure: the name of a count figure of the period."""
    value = ctx.m.get(key)
    if value is None or is_placeholder(value):
        return None
    if unit != "percent" or not isinstance(value, str):
        ctx.problem(key, f"'{key}' names the count figure a percentage is "
                    + ("of" if key == "of" else "the share of"),
                    f"use it on a 'unit: percent' figure: '{key}: "
                    + ("reviews_held'" if key == "of" else "reviews_on_time'"))
        return None
    return value


def _parse_figure(ctx: _Ctx, name: str) -> Figure:
    ctx.unknown_keys({"label", "value", "unit", "counts", "date", "source", "note", "sensitive",
                      "covers", "of", "part", "not_people", "headline", "definition"})
    unit, counts = _unit_counts(ctx, percent_of=True)
    of, part = (_figure_name(ctx, key, unit) for key in ("of", "part"))
    not_people = _reason(ctx, "not_people")
    if not_people and counts != "none":
        ctx.problem("not_people", "'not_people' is only for a figure that says 'counts: none'",
                    "remove it: this figure counts people, so it is protected when small")
    elif not_people and (of or part):
        ctx.problem("not_people", "a percentage tied to its counts ('of', 'part') is about them",
                    "remove 'not_people', or remove 'of' and 'part' if it truly counts no one")
    if unit == "percent" and counts in PEOPLE and not {"of", "part"} & set(ctx.m):
        ctx.problem("counts", f"a percentage of {counts} must say which count it is of",
                    "add 'of: <the count figure>' (the audit then protects the counts it "
                    "stands for), and 'part: <the count figure>' if the period also gives the "
                    "count it is the percentage of that")
    elif (unit == "percent" and counts == "none"
            and not {"of", "part", "not_people"} & set(ctx.m)):
        ctx.problem("counts", "a percentage that says 'counts: none' must be tied to the count it "
                    "is a percentage of, or say why it counts no one",
                    "if it is a share of children or records, name the count figure it is of "
                    "('of: reviews_held', and 'part: reviews_on_time' if the period gives the "
                    "count it is the share of that; the audit then protects both); if it truly "
                    "is no share of people (a target, a change between periods, a share whose "
                    "counts the source never gives), say why in words: 'not_people: <reason>' "
                    f"(see 'Figures' in {FORMAT_DOC})")
    return Figure(of=of, part=part, not_people=not_people,
        name=name, label=ctx.text("label"),
        value=ctx.number("value", allow_x=True, whole=unit == "count"),
        unit=unit, counts=counts, source=ctx.text("source"), where=Where(ctx.file, ctx.line()),
        date=ctx.date("date", required=False), note=ctx.text("note", required=False),
        sensitive=ctx.boolean("sensitive"), covers=ctx.text("covers", required=False),
        headline=ctx.boolean("headline"),
        definition=ctx.text("definition", required=False))


def _parse_target(ctx: _Ctx, name: str) -> Target:
    ctx.unknown_keys({"label", "value", "direction", "range", "unit", "source", "note"})
    unit = ctx.choice("unit", UNITS)
    value = None
    rng = None
    if "range" in ctx.m:
        raw = ctx.m["range"]
        if is_placeholder(raw) or (isinstance(raw, list) and any(is_placeholder(v) for v in raw)):
            pass  # reported by _report_placeholders
        elif (not isinstance(raw, list) or len(raw) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw)
                or raw[0] > raw[1]):
            ctx.problem("range", "'range' must be two numbers, low then high",
                        "write it as 'range: [50, 70]'")
        else:
            rng = (float(raw[0]), float(raw[1]))
        if "value" in ctx.m:
            ctx.problem("value", "a target has either 'value' or 'range', not both",
                        "remove one of them")
    else:
        value = ctx.number("value")
    return Target(name=name, label=ctx.text("label"), unit=unit, source=ctx.text("source"),
                  where=Where(ctx.file, ctx.line()), value=value,
                  direction=ctx.choice("direction", ("higher", "lower"), default="higher"),
                  range=rng)


VALUE_HINT = ("a non-negative number without % signs (1232 or 1,232), or x (not available) or z "
              "(not applicable)")


GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def ungrouped(text: str) -> str:
    """`text` without thousands separators when it is a number written with them as Excel's
    number format writes them ('1,232' or '12,345.5'); otherwise `text` unchanged ('1,5' and
    '12,34' are not read as numbers)."""
    return text.replace(",", "") if GROUPED.fullmatch(text) else text


# How other publishers, and Excel, write what is not a number, and what to write instead.
SUPPRESSION_MARKS = frozenset({"*", "c", "[c]", "~", "<5", "< 5", "s", "supp", "suppressed",
                               "[u]", "[low]", "low"})
DASHES = frozenset({"-", "\u2013", "\u2014", "\u2212"})
MISSING_MARKS = frozenset({"..", "...", ":", "n/a", "na", "#n/a", "null", "none", "-9"})


def _value_hint(text: str, unit: str) -> str:
    """What to write instead of `text`, a value cell that is not a number, in words that fit
    what it looks like."""
    mark = text.strip().lower()
    if mark in SUPPRESSION_MARKS:
        return ("write the true figure: the site hides small numbers itself, publishes only "
                "[c] and proves the hidden figure cannot be worked out, so the true figure is "
                "never published; if the source gives only the hidden mark, write x (not "
                "available)")
    if mark in DASHES:
        return ("a dash can mean none, not applicable or not available: write 0, z or x, as "
                "the source means it")
    if mark in MISSING_MARKS:
        return "write x if the figure is not available, or z if it does not apply"
    return "write " + VALUE_HINT + ("; counts are whole numbers" if unit == "count" else "")


def _parse_value_cell(text: str, unit: str) -> tuple[float, str, str | None]:
    """Return (value, symbol, error) for one CSV value cell. The symbols x and z may also be
    written as the GSS write them in spreadsheets, `[x]` and `[z]`, in either case."""
    text = text.strip()
    symbol = text.lower().removeprefix("[").removesuffix("]") if text.startswith("[") else text.lower()
    if symbol in (NOT_AVAILABLE, NOT_APPLICABLE) and len(text) in (1, 3):
        return math.nan, symbol, None
    if text == "":
        return math.nan, "", "the value is empty: fill it in"
    try:
        value = float(ungrouped(text))
    except ValueError:
        return math.nan, "", f"'{text}' is not a number"
    if math.isnan(value) or math.isinf(value):
        return math.nan, "", f"'{text}' is not a number"
    if value < 0:
        return math.nan, "", f"{text} is negative"
    if unit == "count" and value != int(value):
        return math.nan, "", f"{text} is not a whole number"
    return value, "", None


def _read_text(path: Path, problems: Problems) -> str | None:
    return read_text(path, problems, save_as="'CSV UTF-8' (in Excel: Save As, CSV UTF-8)",
                     empty_hint="add a header row and the data rows, or remove the file and its "
                                "table entry")


# Where a problem in a table's rows is: kwargs for Problems.add, given a row number and a
# 0-based column index (None for the whole row).
Place = Callable[[int, "int | None"], dict[str, Any]]


def _csv_place(columns: list[str]) -> Place:
    def place(row: int, column: int | None) -> dict[str, Any]:
        where: dict[str, Any] = {"line": row, "row_label": "row"}
        if column is not None:
            where["field"] = columns[column]
        return where
    return place


def _sheet_place(sheet: str) -> Place:
    def place(row: int, column: int | None) -> dict[str, Any]:
        return {"cell": cell_place(sheet, row, None if column is None else column + 1)}
    return place


def table_frame(path: Path, rows: list[tuple[int, list[str]]], dims: list[str], unit: str,
                problems: Problems, place: Place, *, width_hint: str = "",
                bad: set[tuple[int, int]] | frozenset[tuple[int, int]] = frozenset()
                ) -> pd.DataFrame | None:
    """Validate a table's rows of text (the header first) the same way whatever file they came
    from: header, categories, values, duplicates. `bad` holds (row, column) cells the reader
    has already reported. Returns the tidy frame, or None if anything is wrong."""
    expected = [*dims, "value"]
    rows = _without_empty_trailing_columns(rows)
    header_row, header = rows[0] if rows else (1, [])
    header = [h.strip() for h in header]
    if header != expected:
        problems.add(path, f"the header is '{','.join(header)}' but the table declares "
                     f"'{','.join(expected)}'", _header_hint(header, expected),
                     **place(header_row, None))
        return None
    records = []
    seen: dict[tuple[str, ...], int] = {}
    ok = True
    empty_values: list[int] = []
    for number, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(expected):
            problems.add(path, f"the row has {len(row)} cells but the header has {len(expected)}",
                         width_hint, **place(number, None))
            ok = False
            continue
        # As a reader sees it: a non-breaking space, a tab or two spaces read as one space.
        key = tuple(" ".join(cell.split()) for cell in row[:-1])
        for col, (dim, cell) in enumerate(zip(dims, key, strict=True)):
            if (number, col) in bad:
                ok = False
            elif not cell:
                problems.add(path, f"the '{dim}' cell is empty", "every row needs a category "
                             "in every dimension column", **place(number, col))
                ok = False
            elif is_placeholder(cell):
                problems.add(path, f"the category is not filled in yet ('{cell}')",
                             "fill in the category as the new report has it (replace the whole "
                             "placeholder, FILL IN included)", **place(number, col))
                ok = False
        if key in seen:
            problems.add(path, f"this row repeats the categories of row {seen[key]} "
                         f"({', '.join(key)})", "remove the duplicate row, or correct its "
                         "categories", **place(number, None))
            ok = False
            continue
        seen[key] = number
        if (number, len(dims)) in bad:
            ok = False
            continue
        if not row[-1].strip():
            empty_values.append(number)
            ok = False
            continue
        value, symbol, error = _parse_value_cell(row[-1], unit)
        if error:
            problems.add(path, error, _value_hint(row[-1], unit), **place(number, len(dims)))
            ok = False
        records.append((*key, value, symbol, number))
    if empty_values and len(empty_values) == len(seen):
        # A template straight from `invoke new`: one problem, not one per row.
        problems.add(path, f"no value is filled in yet (rows {empty_values[0]} to "
                     f"{empty_values[-1]})", "fill in the 'value' column from the new report: "
                     + VALUE_HINT, **place(empty_values[0], len(dims)))
    else:
        for number in empty_values:
            problems.add(path, "the value is empty: fill it in", "fill in " + VALUE_HINT,
                         **place(number, len(dims)))
    if not records and not empty_values and ok:
        problems.add(path, "the file has a header but no data rows", "add the table's rows",
                     **place(header_row, None))
        return None
    ok = _same_but_for_case(path, records, dims, problems, place) and ok
    if not ok:
        return None
    return pd.DataFrame.from_records(records, columns=[*dims, "value", "symbol", "row"])


def _without_empty_trailing_columns(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """`rows` without columns at the right that have no header and no value in any row: Excel
    writes them (`a,b,,`) when cells beyond the table were ever formatted."""
    width = max((len(row) for _, row in rows), default=0)
    while width and all(len(row) < width or not row[width - 1].strip() for _, row in rows):
        width -= 1
    return [(number, row[:width]) for number, row in rows]


def _header_hint(header: list[str], expected: list[str]) -> str:
    hint = "make the first row the dimension names from period.yaml, in order, then 'value'"
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "semicolons" if ";" in header[0] else "tabs"
        return (f"the file's columns are separated by {separator}, not commas: in Excel, save "
                "it with Save As, CSV UTF-8 (Comma delimited)")
    if [h.casefold() for h in header] == [e.casefold() for e in expected]:
        return hint + " (they differ only in capital letters; write them as period.yaml does)"
    return hint


def _same_but_for_case(path: Path, records: list[tuple[Any, ...]], dims: list[str],
                       problems: Problems, place: Place) -> bool:
    """False, with a problem, where two categories of one dimension differ only in capitals
    ('Care order' and 'care order'): a reader takes them for one, the site would not."""
    ok = True
    for col, dim in enumerate(dims):
        first: dict[str, tuple[str, int]] = {}
        for record in records:
            label, number = record[col], record[-1]
            seen = first.setdefault(label.casefold(), (label, number))
            if seen[0] != label:
                problems.add(path, f"'{label}' and '{seen[0]}' (row {seen[1]}) differ only in "
                             "capital letters", f"spell the '{dim}' category one way in every "
                             "row", **place(number, col))
                first[label.casefold()] = (label, number)  # one problem per spelling
                ok = False
    return ok


def read_table_csv(path: Path, dims: list[str], unit: str, problems: Problems) -> pd.DataFrame | None:
    """Read a tidy CSV; validate header, values and duplicates. Rows are numbered as in a
    spreadsheet (the header is row 1)."""
    text = _read_text(path, problems)
    if text is None:
        return None
    rows = list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    return table_frame(path, rows, dims, unit, problems, _csv_place([*dims, "value"]),
                       width_hint="check for a missing or extra comma (quote text that contains "
                                  "commas)")


def read_table_sheet(book: Workbook, sheet: str, dims: list[str], unit: str,
                     problems: Problems) -> pd.DataFrame | None:
    """Read one sheet of a workbook into the same frame as the equivalent CSV (see workbook.py
    for the checks only a workbook needs)."""
    read = read_sheet(book, sheet, [*dims, "value"], problems)
    if read is None:
        return None
    rows, bad = read
    return table_frame(book.path, rows, dims, unit, problems, _sheet_place(sheet), bad=bad)


TOTAL_HINT = ("write Total (exactly so, with a capital T): it is the site's own label for a total, "
              "which is checked against its cells, kept out of charts and protected with them; "
              "if the row is truly a category, give it a label that does not read as a total")


def total_like(category: str) -> bool:
    """Whether a category label reads as a total without being `Total`: 'Grand Total' (Excel
    pivot tables), 'TOTAL', 'All children', 'Total in care', 'Overall', 'Sum', 'Totl'. A total
    the table reads as one more category becomes a chart bar and a part of its own line, so a
    reader could subtract from it while the audit could not. Case, spaces and punctuation do
    not matter."""
    import difflib

    if category.strip() == TOTAL:
        return False
    text = " ".join(re.sub(r"[\W_]+", " ", category.lower()).split())
    words = text.split()
    if not words:
        return False
    return (text in TOTAL_WORDS or words[0] in ("total", "totals") or words[-1] in ("total", "totals")
            or text.startswith(("grand total", "overall total", "sum of "))
            or (words[0] == "all" and len(words) > 1 and words[1] not in ALL_BUT)
            or difflib.SequenceMatcher(None, text, "total").ratio() >= 0.8)


NOT_TOTAL_HINT = ("if it is the total of its line, write Total as its category (the site's own "
                  "total label, checked against its cells); if it truly is a category that only "
                  "happens to equal the others' sum, say so under the table in period.yaml: "
                  "'not_total: {\"%s\": <why it is not a total>}' (see 'Tables' in "
                  + FORMAT_DOC + ")")


def _total_lookalikes(table: Table) -> dict[tuple[int, str], tuple[int, float, int]]:
    """Categories of a count table that equal the sum of the other categories of their line,
    in every line where that can be checked: {(dimension index, category): (first CSV row,
    value, number of other categories)}. A line is checked when it has at least three
    categories besides any Total, none of them x or z, and the category and at least two of
    the others are above zero, so that 0 = 0 + 0 and 5 = 5 + 0 are no evidence."""
    if table.unit != "count":
        return {}
    found: dict[tuple[int, str], tuple[int, float, int]] = {}
    for d in range(len(table.dims)):
        lines: dict[tuple[str, ...], list[tuple[str, float, str, int]]] = {}
        for key, value, symbol, row in table.rows:
            if key[d] != TOTAL:
                lines.setdefault(key[:d] + key[d + 1:], []).append((key[d], value, symbol, row))
        verdicts: dict[str, list[bool]] = {}
        for line in lines.values():
            if len(line) < 3 or any(symbol for _, _, symbol, _ in line):
                continue
            whole = sum(value for _, value, _, _ in line)
            for category, value, _, row in line:
                others = [v for c, v, _, _ in line if c != category]
                if value <= 0 or sum(1 for v in others if v > 0) < 2:
                    continue
                equal = math.isclose(value, whole - value)
                verdicts.setdefault(category, []).append(equal)
                if equal and (d, category) not in found:
                    found[(d, category)] = (row, value, len(others))
        for category, results in verdicts.items():
            if not all(results):
                found.pop((d, category), None)
    return found


def check_totals(table: Table, problems: Problems) -> None:
    """Every Total row must equal the sum of the cells of its line; a total must be labelled
    Total, and a row that is the sum of the others of its line must be a Total or say why not."""
    path = table.file or table.where.file
    place = _sheet_place(table.sheet) if table.sheet else _csv_place([*table.dims, "value"])
    dims = table.dims
    cells = {key: (value, symbol, row) for key, value, symbol, row in table.rows}
    misnamed: set[tuple[int, str]] = set()
    for key, (_, _, row) in cells.items():
        for d, category in enumerate(key):
            if (d, category) not in misnamed and total_like(category):
                misnamed.add((d, category))
                problems.add(path, f"'{category}' looks like a total but is not spelt 'Total'",
                             TOTAL_HINT, **place(row, d))
    for (d, category), (row, value, others) in _total_lookalikes(table).items():
        if (d, category) in misnamed or category in table.not_total:
            continue
        label = table.dimensions[dims[d]]
        problems.add(path, f"'{category}' ({value:g}) is the sum of the other {others} "
                     f"categories of its line ({label}): is it a total?",
                     NOT_TOTAL_HINT % category, **place(row, d))
    for d, dim in enumerate(dims):
        members: dict[tuple[str, ...], list[tuple[float, str]]] = {}
        for key, (value, symbol, _) in cells.items():
            if key[d] != TOTAL:
                members.setdefault(key[:d] + key[d + 1:], []).append((value, symbol))
        for key, (expected, symbol, row) in cells.items():
            if key[d] != TOTAL:
                continue
            line = members.get(key[:d] + key[d + 1:], [])
            if not line or symbol or any(s for _, s in line):
                continue  # a line with unavailable cells cannot be checked
            found = sum(v for v, _ in line)
            if not math.isclose(expected, found, abs_tol=0.51 if table.unit != "count" else 0):
                where_text = ", ".join(f"{o} = {key[i]}" for i, o in enumerate(dims) if o != dim)
                problems.add(path, f"the cells add up to {found:g} but the Total row says "
                             f"{expected:g}" + (f" ({where_text})" if where_text else ""),
                             "check each cell against the source; if the source's own total is "
                             "wrong, write the correct total and record the source's figure in the "
                             "table's 'note'", **place(int(row), len(dims)))


def _parse_where(ctx: _Ctx, key: str, raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    if not isinstance(raw, Mapping) or not raw:
        ctx.problem(key, "'where' must map a dimension to a category or a list of categories",
                    "e.g. where: {code: [PN1, PN2]}")
        return None
    out = []
    for dim, values in raw.items():
        if isinstance(values, (str, int, float)):
            values = [values]
        if not isinstance(values, list) or not values:
            ctx.problem(key, f"the categories for '{dim}' must be text or a list",
                        "e.g. where: {code: [PN1, PN2]}")
            return None
        out.append((str(dim), tuple(str(v) for v in values)))
    return tuple(out)


def _parse_selector(ctx: _Ctx, key: str, raw: Any) -> Selector | None:
    if isinstance(raw, str):
        return Selector(figure=raw)
    if isinstance(raw, Mapping) and "table" in raw and set(raw) <= {"table", "where"}:
        where: tuple[tuple[str, tuple[str, ...]], ...] = ()
        if "where" in raw:
            parsed = _parse_where(ctx, key, raw["where"])
            if parsed is None:
                return None
            where = parsed
        return Selector(table=str(raw["table"]), where=where)
    ctx.problem(key, f"'{key}' must be a figure name or {{table: name, where: {{...}}}}",
                f"see 'Metrics' in {FORMAT_DOC}")
    return None


def _apply_preset(ctx: _Ctx, report: str, section: str, name: str) -> None:
    """Fill in what a standard measure of the report kind (presets.py) leaves out; a standard
    figure given another unit, or counting something else, is a problem: it measures
    something else and takes its own name."""
    measure = presets.for_section(report, section).get(name)
    if measure is None:
        return
    for key, value in presets.defaults(measure, section).items():
        given = ctx.m.get(key)
        if given is None:
            ctx.m[key] = value
        elif key in ("unit", "counts") and given != value:
            ctx.problem(key, f"'{name}' is a standard {report} measure with {key} '{value}', "
                        f"not '{given}'", f"remove '{key}:' to use the standard measure, or give "
                        "this figure a name of its own: a standard name means one thing on "
                        "every site (see docs/report-kinds.md)")


def _parse_metric(ctx: _Ctx, name: str) -> MetricSpec | None:
    ctx.unknown_keys({"label", "definition", "type", "of", "numerator", "denominator",
                      "decimals", "target", "headline", "covers"})
    mtype = ctx.choice("type", METRIC_TYPES)
    of: list[Selector] = []
    numerator = denominator = None
    if mtype in ("percent", "ratio"):
        for key in ("numerator", "denominator"):
            if key not in ctx.m:
                ctx.problem(key, f"a '{mtype}' metric needs '{key}'", f"add '{key}:' with a selector")
        numerator = _parse_selector(ctx, "numerator", ctx.m["numerator"]) if "numerator" in ctx.m else None
        denominator = (_parse_selector(ctx, "denominator", ctx.m["denominator"])
                       if "denominator" in ctx.m else None)
    else:
        raw = ctx.m.get("of")
        if raw is None:
            ctx.problem("of", f"a '{mtype}' metric needs 'of'", "add 'of:' with a selector")
        else:
            items = raw if (isinstance(raw, list) and mtype == "sum") else [raw]
            for item in items:
                sel = _parse_selector(ctx, "of", item)
                if sel:
                    of.append(sel)
    decimals = ctx.m.get("decimals")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)
                                 or not 0 <= decimals <= 3):
        ctx.problem("decimals", "'decimals' must be a whole number from 0 to 3", "e.g. decimals: 1")
        decimals = None
    target = ctx.m.get("target")
    return MetricSpec(name=name, label=ctx.text("label"), definition=ctx.text("definition"),
                      type=mtype, where=Where(ctx.file, ctx.line()), of=tuple(of),
                      numerator=numerator, denominator=denominator, decimals=decimals,
                      target=str(target) if target is not None else None,
                      headline=ctx.boolean("headline"), covers=ctx.text("covers", required=False))


@dataclass
class _Books:
    """The workbooks a period's tables read, each opened once, and the sheets read from each."""

    opened: dict[Path, Workbook | None] = field(default_factory=dict)
    used: dict[Path, set[str]] = field(default_factory=dict)

    def open(self, path: Path, problems: Problems) -> Workbook | None:
        if path not in self.opened:
            self.opened[path] = open_workbook(path, problems)
            self.used[path] = set()
        return self.opened[path]

    def check_unused(self, problems: Problems) -> None:
        for path, book in self.opened.items():
            for sheet in book.sheetnames if book else []:
                if sheet not in self.used[path]:
                    problems.add(path, "this sheet is not declared by any table in period.yaml",
                                 f"declare it under 'tables:' with 'file: {path.name}' and "
                                 f"'sheet: {sheet}', or delete the sheet", cell=f"sheet {sheet}")


def _read_table_file(ctx: _Ctx, folder: Path, file_name: str, dims: list[str], unit: str,
                     name: str, books: _Books) -> tuple[pd.DataFrame | None, Path | None, str | None]:
    """The table's frame, its file and (for a workbook) its sheet."""
    path = folder / file_name
    suffix = Path(file_name).suffix.lower()
    sheet = ctx.text("sheet", required=False) or None
    if Path(file_name).name != file_name or suffix not in (".csv", XLSX):
        ctx.problem("file", f"'{file_name}' must be a .csv or {XLSX} file name in the period folder",
                    "write just the file name, e.g. placement_type.csv")
        return None, None, None
    if sheet and suffix != XLSX:
        ctx.problem("sheet", "'sheet' is only for tables in an Excel workbook",
                    f"remove it, or name an {XLSX} file")
    if not path.is_file():
        ctx.problem("file", f"the file '{file_name}' does not exist in {folder.name}/",
                    "create it, or correct the file name")
        return None, None, None
    if suffix == ".csv":
        return (read_table_csv(path, dims, unit, ctx.problems) if dims else None), path, None
    sheet = sheet or name
    book = books.open(path, ctx.problems)
    if book is None:
        return None, path, sheet
    books.used[path].add(sheet)
    if sheet not in book.sheetnames:
        long = (f" (Excel sheet names have at most {MAX_SHEET_NAME} characters, so add "
                "'sheet:' with a shorter name)" if len(sheet) > MAX_SHEET_NAME else "")
        ctx.problem("sheet" if "sheet" in ctx.m else "file",
                    f"the workbook '{file_name}' has no sheet named '{sheet}'",
                    f"add the sheet{long}, or name one of its sheets with 'sheet:': "
                    f"{', '.join(book.sheetnames)}")
        return None, path, sheet
    return (read_table_sheet(book, sheet, dims, unit, ctx.problems) if dims else None), path, sheet


def _parse_not_total(ctx: _Ctx) -> dict[str, str]:
    """`not_total: {category: why}`: categories that equal the sum of the rest of their line
    and are not totals."""
    raw = ctx.m.get("not_total")
    if raw is None or is_placeholder(raw):
        return {}
    if not isinstance(raw, Mapping) or not raw or not all(
            isinstance(v, str) and v.strip() for v in raw.values()):
        ctx.problem("not_total", "'not_total' maps each category to why it is not a total",
                    "e.g. not_total: {\"Foster care\": \"a placement type, equal to the others "
                    "by chance\"}")
        return {}
    return {str(k): " ".join(str(v).split()) for k, v in raw.items()}


def _parse_table(ctx: _Ctx, name: str, folder: Path, books: _Books) -> tuple[Table | None, Path | None]:
    ctx.unknown_keys({"file", "sheet", "title", "dimensions", "measure", "unit", "counts", "date",
                      "population", "source", "note", "sensitive", "collapse", "base",
                      "not_people", "not_total", "order", "total"})
    base: float | str | dict[str, dict[str, float]] | None = None
    raw_base = ctx.m.get("base")
    unfilled_base = is_placeholder(raw_base) or (isinstance(raw_base, Mapping) and any(
        is_placeholder(n) for v in raw_base.values() if isinstance(v, Mapping) for n in v.values()))
    if unfilled_base:
        base = "unknown"  # reported by _report_placeholders; nothing is published meanwhile
    elif isinstance(raw_base, Mapping):
        ok = len(raw_base) == 1 and all(
            isinstance(v, Mapping) and v and all(isinstance(n, int) and not isinstance(n, bool)
                                                 and n > 0 for n in v.values())
            for v in raw_base.values())
        if ok:
            base = {str(d): {str(k): float(n) for k, n in v.items()} for d, v in raw_base.items()}
        else:
            ctx.problem("base", "'base' per category must map one dimension to "
                        "{category: number of children}", "e.g. base: {age_group: {4 to 6: 77}}")
    elif raw_base == "unknown":
        base = "unknown"
    else:
        base = ctx.number("base", whole=True, required=False)
    if base is not None and ctx.m.get("unit") != "percent":
        ctx.problem("base", "'base' is only for tables of percentages",
                    "remove it, or set 'unit: percent'")
    unit, counts = _unit_counts(ctx, percent_table=True, has_base=base is not None)
    if unit == "percent" and counts in PEOPLE and base is None:
        ctx.problem("base" if "base" in ctx.m else "counts",
                    f"a percentage table of {counts} needs 'base': the number of {counts} the "
                    "percentages are of", "add 'base:' with that number (or one per category of "
                    "one dimension, see 'Tables' in " + FORMAT_DOC + "), so that the counts the "
                    "percentages stand for are protected; if the source does not give it, "
                    "'base: unknown' hides every cell")
    not_people = _reason(ctx, "not_people")
    not_total = _parse_not_total(ctx)
    dims_raw = ctx.mapping("dimensions", required=True)
    dims: dict[str, str] = {}
    reserved = False
    if dims_raw is not None:
        for dim, label in dims_raw.items():
            if not NAME_RE.match(dim) or dim in RESERVED_COLUMNS:
                ctx.problem("dimensions", f"'{dim}' is not a valid dimension name",
                            "use lower-case snake_case, and none of "
                            f"{', '.join(RESERVED_COLUMNS)} (the engine's own columns)")
                reserved = True
            dims[dim] = str(label)
        if not 1 <= len(dims) <= 3:
            ctx.problem("dimensions", f"a table has 1 to 3 dimensions, not {len(dims)}",
                        "split the table, or move a dimension into separate tables")
    file_name = ctx.text("file")
    title = ctx.text("title")
    collapse: dict[str, dict[str, list[str]]] = {}
    raw_collapse = ctx.m.get("collapse")
    if raw_collapse is not None:
        if not isinstance(raw_collapse, Mapping):
            ctx.problem("collapse", "'collapse' must map a dimension to {new label: [old labels]}",
                        f"see {FORMAT_DOC}")
        else:
            for dim, groups in raw_collapse.items():
                if dim not in dims or not isinstance(groups, Mapping) or not all(
                        isinstance(v, list) and v for v in groups.values()):
                    ctx.problem("collapse", f"'collapse' for '{dim}' must name a dimension and "
                                "map new labels to lists of old labels", f"see {FORMAT_DOC}")
                    continue
                collapse[dim] = {str(k): [str(x) for x in v] for k, v in groups.items()}
    path = frame = sheet = None
    if file_name:
        frame, path, sheet = _read_table_file(ctx, folder, file_name, list(dims), unit, name, books)
    where = Where(ctx.file, ctx.line())
    if frame is None or reserved:  # a table with an unusable column is not built: its problem says why
        return None, path
    table = Table(name=name, title=title, dimensions=dims, measure=ctx.text("measure"), unit=unit,
                  counts=counts, source=ctx.text("source"), where=where, frame=frame, file=path,
                  date=ctx.date("date", required=False),
                  population=ctx.text("population", required=False) or None,
                  note=ctx.text("note", required=False), sensitive=ctx.boolean("sensitive"),
                  collapse=collapse, base=base, sheet=sheet, not_people=not_people,
                  not_total=not_total,
                  order=ctx.choice("order", ORDERS) if "order" in ctx.m else "",
                  total=ctx.choice("total", TOTAL_KINDS) if "total" in ctx.m else "printed")
    if table.total == "computed" and not (frame[list(dims)] == TOTAL).any().any():
        ctx.problem("total", "'total: computed' says the file's Total rows are worked out, but "
                    "it has none", "remove 'total: computed', or add the Total rows")
    if base is None:
        _check_not_people(ctx, unit, counts, dims,
                          [float(v) for v in frame["value"] if v == v], not_people)
    if table.population and counts not in PEOPLE:
        ctx.problem("population", f"'population: {table.population}' names a group of people, "
                    f"but the table says 'counts: {counts}'",
                    "a table of a population counts children or records ('counts: children'); "
                    "if it truly counts no one, remove 'population'")
    present = {str(c) for dim in dims for c in frame[dim]}
    for category in not_total:
        if category not in present:
            ctx.problem("not_total", f"'{category}' is not a category of this table",
                        "write the category exactly as in the table's file")
    if isinstance(base, dict):
        for dim, bases in base.items():
            if dim not in dims:
                ctx.problem("base", f"'{dim}' is not a dimension of this table",
                            f"use one of: {', '.join(dims)}")
            elif set(frame[dim]) - {TOTAL} - set(bases):
                missing = sorted(set(frame[dim]) - {TOTAL} - set(bases))
                ctx.problem("base", f"'base' gives no number for: {', '.join(missing)}",
                            "give the number of children for every category")
    for dim, groups in collapse.items():
        present = set(frame[dim])
        for old in (v for vs in groups.values() for v in vs):
            if old not in present:
                ctx.problem("collapse", f"'{old}' is not a category of '{dim}' in {file_name}",
                            "use the category exactly as in the CSV")
    check_totals(table, ctx.problems)
    return table, path


SOURCE_SYMBOLS_HINT = ("x (not available), z (not applicable), c (confidential), low (rounds to 0 "
                       "but is not 0) or u (low reliability)")


# Columns the engine adds to every table's frame: no dimension may take their names.
RESERVED_COLUMNS = ("value", "symbol", "row")


def _parse_comparator(ctx: _Ctx, name: str) -> Table | None:
    ctx.unknown_keys({"title", "unit", "counts", "source", "years", "values", "note", "date",
                      "not_people"})
    unit = ctx.choice("unit", UNITS)
    if unit == "count" and ctx.m.get("counts", "none") == "none" and not is_placeholder(
            ctx.m.get("counts")):
        # No default: a count of whom decides whether small numbers are hidden.
        ctx.problem("counts", "a comparator with unit 'count' must say what it counts",
                    "add 'counts: children' or 'counts: records' (small numbers are then hidden), "
                    "or 'counts: staff' for posts or people at work")
        counts: Counts = "children"  # until it says, treated as the strictest
    else:
        counts = ctx.choice("counts", COUNTS, default="none")
    not_people = _reason(ctx, "not_people")
    years = ctx.m.get("years")
    values = ctx.mapping("values", required=True)
    if years is not None and not is_placeholder(years) and (not isinstance(years, list) or not years):
        ctx.problem("years", "'years' must be a list", 'e.g. years: ["2019", "2020"]')
        return None
    if values is None:
        return None
    records = []
    for area, raw in values.items():
        items = raw if isinstance(raw, list) else [raw]
        if any(is_placeholder(item) for item in items) or is_placeholder(years):
            return None  # reported by _report_placeholders
        assert years is None or isinstance(years, list)  # anything else was refused above
        if years is not None and len(items) != len(years):
            ctx.problem("values", f"'{area}' has {len(items)} values but there are {len(years)} years",
                        "give one value per year, in order")
            return None
        if years is None and isinstance(raw, list):
            ctx.problem("values", f"'{area}' has a list of values but no 'years'",
                        "add 'years:' or give a single value")
            return None
        for i, item in enumerate(items):
            if isinstance(item, str) and item in SOURCE_SYMBOLS:
                # The source's own symbol (the DfE's c, z, low ...): kept, with its meaning.
                value, symbol = math.nan, item
            elif isinstance(item, (int, float)) and not isinstance(item, bool) and item >= 0:
                value, symbol = float(item), ""
            else:
                ctx.problem("values", f"'{item}' for '{area}' is not a non-negative number",
                            "write digits only, or the source's symbol: " + SOURCE_SYMBOLS_HINT)
                return None
            key = (str(area),) if years is None else (str(area), str(years[i]))
            records.append((*key, value, symbol, values.line_of(area)))
    dims = {"area": "Area"} if years is None else {"area": "Area", "year": "Year"}
    for area in values:
        if total_like(str(area)) or str(area) == TOTAL:
            ctx.problems.add(ctx.file, f"'{area}' reads as a total, not an area",
                             "name the area the figures are for (the council's area, England, ...); "
                             "a comparator has no total", line=values.line_of(area),
                             field=ctx.fieldname("values"))
    _check_not_people(ctx, unit, counts, dims, [r[-3] for r in records if r[-2] == ""],
                      not_people, what="comparator")
    frame = pd.DataFrame.from_records(records, columns=[*dims, "value", "symbol", "row"])
    return Table(name=name, title=ctx.text("title"), dimensions=dims, measure=ctx.text("title"),
                 unit=unit, counts=counts, source=ctx.text("source"),
                 where=Where(ctx.file, ctx.line()), frame=frame, note=ctx.text("note", required=False),
                 date=ctx.date("date", required=False), comparator=True, not_people=not_people)


def _parse_printed(ctx: _Ctx, raw: LinedList) -> list[Printed]:
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, LinedDict):
            ctx.problems.add(ctx.file, "each 'printed' entry must be a set of fields",
                             f"see 'Printed figures' in {FORMAT_DOC}", line=raw.line_of(i),
                             field="printed")
            continue
        sub = _Ctx(ctx.problems, ctx.file, item, f"printed[{i + 1}]")
        sub.unknown_keys({"quote", "where", "metric", "of", "change", "value", "source_error"})
        value_raw = item.get("value")
        value = sub.number("value")
        decimals = 0
        if value is not None:
            text = repr(value_raw) if isinstance(value_raw, float) else str(value_raw)
            decimals = len(text.split(".")[1]) if "." in text else 0
        metric = item.get("metric")
        of = _parse_selector(sub, "of", item["of"]) if "of" in item else None
        if (metric is None) == (of is None):
            sub.problem(None, "a printed entry names either 'metric' or 'of'", "give exactly one")
        out.append(Printed(quote=sub.text("quote"), where_in_source=sub.text("where"),
                           value=value or 0.0, decimals=decimals,
                           change=sub.choice("change", ("value", "change", "percent"), "value"),
                           where=Where(ctx.file, item.line), metric=str(metric) if metric else None,
                           of=of, source_error=sub.boolean("source_error")))
    return out


def load_period(folder: Path, report: str, problems: Problems,
                version_of: str | None = None) -> Period | None:
    """Parse one period folder; return None if it cannot be used at all."""
    path = folder / PERIOD_FILE
    if not path.is_file():
        problems.add(folder, f"the period folder has no {PERIOD_FILE}",
                     f"create {PERIOD_FILE} (see {FORMAT_DOC}), or remove the folder")
        return None
    try:
        data = read_yaml(path)
    except YamlReadError as exc:
        problems.add(path, exc.message, exc.hint, line=exc.line)
        return None
    if not isinstance(data, LinedDict):
        problems.add(path, "the file must be a set of 'field: value' lines",
                     f"start from the example in {FORMAT_DOC}", line=1)
        return None
    _report_placeholders(data, path, "", data.line, problems)
    ctx = _Ctx(problems, path, data, "")
    ctx.unknown_keys(TOP_FIELDS)
    kind = ctx.text("report")
    if kind and kind != report:
        ctx.problem("report", f"report is '{kind}' but the folder is data/{report}/",
                    "make them the same, or move the folder")
    name = ctx.text("period")
    # A previous version (revisions/<date>/) is named by its date; its period is the parent's.
    expected = version_of or folder.name
    if name and name != expected:
        ctx.problem("period", f"period is '{name}' but the folder is named '{expected}'",
                    "make them the same")
    start = ctx.date("period_start")
    end = ctx.date("period_end")
    if start and end and end < start:
        ctx.problem("period_end", f"the period ends ({end}) before it starts ({start})",
                    "check the two dates; the end must not be before the start")
    status = ctx.choice("status", STATUSES, default="published")
    draft = status == "draft"
    # A draft may carry its planned publication date; a published period must say when.
    published = ctx.date("published", required=not draft)
    source_map = ctx.mapping("source", required=True)
    source = None
    if source_map is not None:
        sctx = ctx.sub("source", source_map)
        sctx.unknown_keys({"file", "title", "publisher", "date", "presented_to", "url"})
        url = sctx.text("url", required=False)
        if url and not re.match(r"https?://[^\s/]+\.[^\s]+$", url):
            sctx.problem("url", f"'{url}' is not a web address",
                         "give the address of the document on the council's site, starting "
                         "https://, or leave 'url' out")
            url = ""
        source = Source(file=sctx.text("file"), title=sctx.text("title"),
                        publisher=sctx.text("publisher"), date=sctx.date("date") or dt.date.min,
                        presented_to=sctx.text("presented_to", required=False), url=url)
    notes_raw = data.get("notes", [])
    if not isinstance(notes_raw, list) or not all(isinstance(n, str) for n in notes_raw):
        ctx.problem("notes", "'notes' must be a list of text lines", "start each note with '- '")
        notes_raw = []
    period = Period(report=report, period=expected, title=ctx.text("title"),
                    period_label=ctx.text("period_label"), start=start or dt.date.min,
                    end=end or dt.date.min, published=published or dt.date.min, draft=draft,
                    source=source or Source("", "", "", dt.date.min), summary=ctx.text("summary"),
                    folder=folder, previous=ctx.text("previous", required=False) or None,
                    notes=list(notes_raw),
                    previous_line=data.line_of("previous") if "previous" in data else None,
                    next_update=ctx.text("next_update", required=False))
    declared_files: set[Path] = set()
    books = _Books()
    seen_names: dict[str, str] = {}
    for section in SECTIONS:
        entries = ctx.mapping(section)
        if entries is None:
            continue
        for entry_name, entry in entries.items():
            field = f"{section}.{entry_name}"
            if not NAME_RE.match(entry_name):
                problems.add(path, f"'{entry_name}' is not a valid name", "use lower-case "
                             "snake_case: letters, digits and underscores, starting with a letter",
                             line=entries.line_of(entry_name), field=field)
                continue
            if entry_name in seen_names:
                problems.add(path, f"the name '{entry_name}' is already used in "
                             f"'{seen_names[entry_name]}'", "names must be unique within a "
                             "period; rename one", line=entries.line_of(entry_name), field=field)
                continue
            seen_names[entry_name] = section
            if not isinstance(entry, LinedDict):
                problems.add(path, f"'{entry_name}' must be a set of fields",
                             f"indent its fields under it (see {FORMAT_DOC})",
                             line=entries.line_of(entry_name), field=field)
                continue
            sub = ctx.sub(field, entry)
            sub.path = field
            _apply_preset(sub, report, section, entry_name)
            if section == "figures":
                period.figures[entry_name] = _parse_figure(sub, entry_name)
            elif section == "targets":
                period.targets[entry_name] = _parse_target(sub, entry_name)
            elif section == "comparators":
                table = _parse_comparator(sub, entry_name)
                if table is not None:
                    period.tables[entry_name] = table
                else:
                    period.unreadable.add(entry_name)
            elif section == "tables":
                table, file_path = _parse_table(sub, entry_name, folder, books)
                if file_path is not None:
                    declared_files.add(file_path.resolve())
                if table is not None:
                    period.tables[entry_name] = table
                else:
                    period.unreadable.add(entry_name)
            else:
                metric = _parse_metric(sub, entry_name)
                if metric is not None:
                    period.metrics[entry_name] = metric
    printed_raw = data.get("printed")
    if printed_raw is not None:
        if isinstance(printed_raw, LinedList):
            period.printed = _parse_printed(ctx, printed_raw)
        else:
            ctx.problem("printed", "'printed' must be a list", "start each entry with '- quote:'")
    books.check_unused(problems)
    if "relations" in data:
        period.relations = _parse_relations(ctx, data["relations"])
    if version_of is None:
        period.revisions = parse_revisions(ctx, data.get("revisions"), folder, report, load_period)
    for child in sorted(folder.iterdir()):
        # "~$tables.xlsx" is the lock file Excel keeps beside a workbook while it is open.
        if child.name == PERIOD_FILE or child.name.startswith((".", "~$")):
            continue
        if child.name == REVISIONS_DIR and child.is_dir() and version_of is None:
            continue  # checked by parse_revisions
        if child.resolve() not in declared_files:
            problems.add(child, "this file is not declared by any table in period.yaml",
                         "declare it under 'tables:' with 'file: " + child.name + "', or move it "
                         "out of the data folder")
    _check_references(period, problems)
    return period


def _check_selector(period: Period, sel: Selector, where: Where, field: str,
                    problems: Problems) -> None:
    if sel.figure is not None:
        if sel.figure not in period.figures:
            problems.add(where.file, f"there is no figure named '{sel.figure}'",
                         f"use one of: {', '.join(sorted(period.figures)) or '(none)'}",
                         line=where.line, field=field)
        return
    table = period.tables.get(sel.table or "")
    if table is None and sel.table in period.unreadable:
        return  # its CSV problem is already reported; a second message would mislead
    if table is None:
        problems.add(where.file, f"there is no table named '{sel.table}'",
                     f"use one of: {', '.join(sorted(period.tables)) or '(none)'}",
                     line=where.line, field=field)
        return
    for dim, values in sel.where:
        if dim not in table.dimensions:
            problems.add(where.file, f"table '{table.name}' has no dimension '{dim}'",
                         f"use one of: {', '.join(table.dims)}", line=where.line, field=field)
            continue
        present = set(table.frame[dim])
        for value in values:
            if value not in present:
                problems.add(where.file, f"'{value}' is not a category of '{dim}' in table "
                             f"'{table.name}'", "write the category exactly as in the CSV",
                             line=where.line, field=field)


ORDERS = ("listed", "value")  # a table's `order:` (model.Table.order)
TOTAL_KINDS = ("printed", "computed")  # a table's `total:` (model.Table.total)
RELATION_HINT = "see 'Relations' in " + FORMAT_DOC
_RELATION_FIELDS = {
    "stock_flow": {"stock_flow", "start", "in", "out", "end", "tolerance"},
    "same": {"same", "as"},
    "rate": {"rate", "population", "per", "counts"},
    "distinct": {"distinct", "reason"},
    "hierarchy": {"hierarchy", "members"},
}


def _relation_term(ctx: _Ctx, key: str, raw: Any) -> RelationTerm | None:
    previous = isinstance(raw, str) and raw.startswith("previous.")
    sel = _parse_selector(ctx, key, raw[len("previous."):] if previous else raw)
    return RelationTerm(sel, previous) if sel is not None else None


def _relation_terms(ctx: _Ctx, key: str) -> tuple[RelationTerm, ...]:
    raw = ctx.m.get(key, [])
    items = raw if isinstance(raw, list) else [raw]
    return tuple(t for item in items if (t := _relation_term(ctx, key, item)) is not None)


def _parse_relations(ctx: _Ctx, raw: Any) -> list[Relation]:
    """The `relations:` list of a period.yaml: facts a reader can combine (docs/data-format.md)."""
    if not isinstance(raw, LinedList):
        ctx.problem("relations", "'relations' must be a list", "start each relation with '- '")
        return []
    out: list[Relation] = []
    for index, entry in enumerate(raw):
        line = raw.line_of(index)
        field = f"relations[{index + 1}]"
        kinds = [k for k in RELATION_KINDS if isinstance(entry, Mapping) and k in entry]
        if not isinstance(entry, LinedDict) or len(kinds) != 1:
            ctx.problems.add(ctx.file, "each relation starts with one of: "
                             + ", ".join(RELATION_KINDS), RELATION_HINT, line=line, field=field)
            continue
        kind = kinds[0]
        sub = ctx.sub(field, entry)
        sub.path = field
        sub.unknown_keys(_RELATION_FIELDS[kind])
        where = Where(ctx.file, line)
        if kind == "stock_flow":
            start, end = (_relation_term(sub, k, entry.get(k)) if k in entry else None
                          for k in ("start", "end"))
            if start is None or end is None:
                sub.problem(None, "a stock_flow relation needs 'start' and 'end' (and 'in' and "
                            "'out')", RELATION_HINT)
                continue
            tolerance = sub.number("tolerance", required=False) or 0.0
            out.append(Relation(kind, str(entry["stock_flow"]), where, start=start, end=end,
                                inflow=_relation_terms(sub, "in"),
                                outflow=_relation_terms(sub, "out"), tolerance=tolerance))
        elif kind == "same":
            figure = _relation_term(sub, "same", entry["same"])
            cell = _relation_term(sub, "as", entry.get("as"))
            if figure is None or cell is None or figure.selector.figure is None:
                sub.problem("same", "a 'same' relation names a figure, and 'as' the table cell "
                            "or margin it equals", RELATION_HINT)
                continue
            out.append(Relation(kind, figure.selector.figure, where, terms=(figure, cell)))
        elif kind == "hierarchy":
            group, members = entry.get("hierarchy"), entry.get("members")
            if (not isinstance(group, str) or not isinstance(members, list) or not members
                    or not all(isinstance(m, str) for m in members)):
                sub.problem("members", "a 'hierarchy' relation names a group category and lists "
                            "its 'members' (categories)", RELATION_HINT)
                continue
            out.append(Relation(kind, group, where, members=tuple(members)))
        elif kind == "distinct":
            terms = _relation_terms(sub, "distinct")
            if not terms:
                sub.problem("distinct", "a 'distinct' relation lists the figures or table "
                            "selections it is about", RELATION_HINT)
                continue
            reason = _reason(sub, "reason")
            if not reason:
                # It switches a fail-closed check off: a reviewer must be able to check why.
                sub.problem("reason", "a 'distinct' relation must say why the numbers are not "
                            "related", "add 'reason: <why>' in words (e.g. 'children who "
                            "identify as trans are some of those who entered, not a flow of "
                            "their own'); " + RELATION_HINT)
                continue
            out.append(Relation(kind, reason, where, terms=terms))
        else:
            rate = _relation_term(sub, "rate", entry["rate"])
            population = _relation_term(sub, "population", entry.get("population"))
            if rate is None or population is None:
                sub.problem("population", "a 'rate' relation needs the rate and the "
                            "'population' it is per", RELATION_HINT)
                continue
            per = sub.number("per", required=False) or 0.0  # 0: as the rate's unit says
            counts = sub.choice("counts", PEOPLE, default="children")
            out.append(Relation(kind, rate.selector.describe(), where, rate=rate,
                                population=population, per=per, counts=counts))
    return out


def _check_relations(period: Period, problems: Problems) -> None:
    for index, relation in enumerate(period.relations):
        field = f"relations[{index + 1}]"
        for term in relation.all_terms():
            sel = term.selector
            if term.previous:
                if sel.figure is None:
                    problems.add(relation.where.file, "'previous.' names a figure of the "
                                 "previous period, not a table", RELATION_HINT,
                                 line=relation.where.line, field=field)
                if not period.previous:
                    problems.add(relation.where.file, "'previous.' needs the period's "
                                 "'previous' field", "add 'previous: <period>'",
                                 line=relation.where.line, field=field)
                continue  # checked against the previous period when the site is published
            if sel.figure is not None and sel.figure in period.metrics:
                continue
            _check_selector(period, sel, relation.where, field, problems)
    for name, fig in period.figures.items():
        _check_percent_ties(period, name, fig, problems)
    _check_rate_ties(period, problems)


RATE_UNITS = {"rate_per_10000": 10000.0}  # a rate's unit, and the `per` it is a count over
PER = {**RATE_UNITS, "percent": 100.0}


def _check_rate_ties(period: Period, problems: Problems) -> None:
    """A rate per 10,000 children is a count of children per 10,000 of a population: beside
    that population (published here, or public anywhere) it gives the count, 0.3 per 10,000
    of 125,400 children is 4 (red-team findings). So:

    * a `rate` relation names one rate (a figure, or one cell of a table), per what its unit
      says, of a population the period gives as a number;
    * a rate figure that says `counts: none` is the rate of a relation, or says why no count
      of children can be worked out from it (`not_people:`);
    * so is every cell of a rate table; in a comparator, every year of each area one of whose
      cells is tied (the council's own: other areas' rates are of other children)."""
    tied: dict[str | None, set[tuple[str, ...]]] = {}
    for index, rel in enumerate(period.relations):
        if rel.kind != "rate" or rel.rate is None or rel.rate.previous:
            continue
        line, at = rel.where.line, f"relations[{index + 1}]"
        sel = rel.rate.selector
        if sel.figure is not None:
            fig = period.figures.get(sel.figure)
            tied.setdefault(None, set()).add((sel.figure,))
            unit = fig.unit if fig is not None else None
        else:
            table = period.tables.get(sel.table or "")
            if table is None:
                continue  # reported by _check_selector
            cells = select(period, sel).cells  # the cells a reader would take it for
            if len(cells) != 1:
                problems.add(rel.where.file, f"the rate names {len(cells)} cells of "
                             f"'{table.name}'; a rate relation is about one rate, per one "
                             "population", "name one cell ('where:' with a category of every "
                             "dimension, e.g. the council and one year), and give each other "
                             "year its own relation and that year's population; "
                             + RELATION_HINT, line=line, field=at)
                continue
            tied.setdefault(table.name, set()).update(cells)
            unit = table.unit
        if unit in PER and rel.per and rel.per != PER[unit]:
            problems.add(rel.where.file, f"'per: {rel.per:g}' but the rate is in '{unit}', "
                         f"per {PER[unit]:,.0f}", "remove 'per' (it follows the unit), or "
                         "correct the rate's unit; " + RELATION_HINT, line=line, field=at)
        elif not rel.per:
            period.relations[index] = replace(rel, per=PER.get(unit or "", 10000.0))
        population = (period.figures.get(rel.population.selector.figure or "")
                      if rel.population is not None and not rel.population.previous else None)
        if population is not None and population.value is None:
            problems.add(rel.where.file, f"the population '{population.name}' is not given "
                         "([x]), but a child population is public anyway (ONS mid-year "
                         "estimates), so the rate still gives its count away",
                         "give the population as a figure with its source (e.g. 'source: ONS "
                         "mid-year estimates 2021'); the audit then protects the count behind "
                         "the rate", line=line, field=at)
    hint = ("if a population it is per is published, or public (the ONS mid-year estimate of "
            "the children living in the area), declare each rate under 'relations:' ('- rate: "
            "<the rate>', 'population: <the figure>', 'counts: children'), and the audit "
            "protects the count behind it; if no count of children can be worked out from it "
            "(a rate the DfE publishes for the whole council area, of counts in the hundreds), "
            f"say why in words: 'not_people: <reason>' (see 'Relations' in {FORMAT_DOC})")
    for name, fig in period.figures.items():
        if (fig.unit in RATE_UNITS and fig.counts == "none" and not fig.not_people
                and (name,) not in tied.get(None, set())):
            problems.add(fig.where.file, "a rate per 10,000 children is a count of children "
                         "over a population: it must be tied to the population or say why "
                         "no count can be worked out from it", hint,
                         line=fig.where.line, field=f"figures.{name}.counts")
    for name, table in period.tables.items():
        if table.unit not in RATE_UNITS or table.counts != "none" or table.not_people:
            continue
        section = "comparators" if table.comparator else "tables"
        keys = [key for key, _, _, _ in table.rows if TOTAL not in key]
        done = tied.get(name, set())
        areas = {k[0] for k in done}
        need = [k for k in keys if k[0] in areas] if table.comparator else keys
        untied = [k for k in need if k not in done]
        if done and not untied:
            continue
        what = (f"'{name}' gives rates per 10,000 children, counts of children over a "
                "population: " + ("it must be tied to the population or say why no count "
                                  "can be worked out from it" if not done else
                                  "every rate of " + ("the area it ties" if table.comparator
                                                      else "it") + " must be tied to its "
                                  "population, but " + ", ".join(
                                      "[" + ", ".join(k) + "]" for k in untied[:4])
                                  + (" …" if len(untied) > 4 else "") + " is not"))
        problems.add(table.where.file, what, hint, line=table.where.line,
                     field=f"{section}.{name}.counts")


def _half_of_last_digit(value: float) -> float:
    """Half a unit of a printed number's last decimal place: 97.8 is 97.75 to 97.85."""
    for decimals in range(4):
        if math.isclose(value, round(value, decimals), abs_tol=1e-9):
            return 0.5 * 10.0 ** -decimals
    return 0.5e-4


def _share_matches(percent: float, part: float, whole: float) -> bool:
    return whole > 0 and abs(part / whole * 100 - percent) <= _half_of_last_digit(percent) + 1e-9


def _check_percent_ties(period: Period, name: str, fig: Figure, problems: Problems) -> None:
    """A percentage's `of` and `part` name count figures of the period that it is the share
    of; and where the period has a count that is the share, `part` must name it (or a
    `distinct` relation say it is another count), so the audit knows they are one number."""
    whole = period.figures.get(fig.of) if fig.of else None
    if fig.of is not None and (whole is None or whole.unit != "count" or whole.counts not in PEOPLE):
        problems.add(fig.where.file, f"'of: {fig.of}' must name a count figure of children or "
                     "records in this period", "see 'Figures' in " + FORMAT_DOC,
                     field=f"figures.{name}.of", line=fig.where.line)
        whole = None
    if fig.part is not None:
        part = period.figures.get(fig.part)
        if part is None or part.unit != "count" or part.counts not in PEOPLE or fig.part == fig.of:
            problems.add(fig.where.file, f"'part: {fig.part}' must name a count figure of children "
                         "or records in this period, other than 'of'", "see 'Figures' in "
                         + FORMAT_DOC, field=f"figures.{name}.part", line=fig.where.line)
        elif whole is not None and part.counts != whole.counts:
            problems.add(fig.where.file, f"'part: {fig.part}' counts {part.counts} but 'of: "
                         f"{fig.of}' counts {whole.counts}", "a share and its whole count the "
                         "same things; check both names", field=f"figures.{name}.part", line=fig.where.line)
        elif (whole is None and fig.value is not None and part.value is not None
              and (part.value > 0) != (fig.value > 0)):
            problems.add(fig.where.file, f"'{fig.part}' is {part.value:g} but the percentage "
                         f"is {fig.value:g}%", "check both against the source: a share of none "
                         "is 0% and 0% is a share of none", field=f"figures.{name}.part", line=fig.where.line)
        elif (whole is not None and fig.value is not None and part.value is not None
              and whole.value is not None
              and not _share_matches(fig.value, part.value, whole.value)):
            problems.add(fig.where.file, f"'{fig.part}' ({part.value:g}) is "
                         f"{part.value / whole.value * 100 if whole.value else 0:.2f}% of "
                         f"'{fig.of}' ({whole.value:g}), not {fig.value:g}%",
                         "check the three figures against the source: the percentage, as "
                         "printed, must be 'part' out of 'of'", field=f"figures.{name}.part",
                         line=fig.where.line)
        return
    if whole is None or fig.value is None or whole.value is None:
        return
    settled = {frozenset(t.selector.figure for t in r.terms if t.selector.figure)
               for r in period.relations if r.kind == "distinct"}
    for other_name, other in period.figures.items():
        if (other_name == fig.of or other.unit != "count" or other.counts != whole.counts
                or other.value is None or other.value > whole.value or other.value <= 0
                or other.date != fig.date or other.covers != fig.covers
                or any({name, other_name} <= names for names in settled)
                or not _share_matches(fig.value, other.value, whole.value)):
            continue
        problems.add(fig.where.file, f"'{other_name}' ({other.value:g}) is {fig.value:g}% of "
                     f"'{fig.of}' ({whole.value:g}): is it the count this percentage is the "
                     "share of?", f"if it is, add 'part: {other_name}' to the figure, so the "
                     "audit knows they are one number; if it is another count that happens to "
                     f"match, say so under 'relations:': '- distinct: [{name}, {other_name}]' with "
                     "'reason: <why>'",
                     field=f"figures.{name}", line=fig.where.line)


def _check_references(period: Period, problems: Problems) -> None:
    _check_relations(period, problems)
    for metric in period.metrics.values():
        for sel in metric.selectors():
            _check_selector(period, sel, metric.where, f"metrics.{metric.name}", problems)
        if metric.target and metric.target not in period.targets:
            problems.add(metric.where.file, f"there is no target named '{metric.target}'",
                         f"add it under 'targets:' or use one of: "
                         f"{', '.join(sorted(period.targets)) or '(none)'}",
                         line=metric.where.line, field=f"metrics.{metric.name}.target")
    for i, printed in enumerate(period.printed):
        if printed.metric and printed.metric not in period.metrics and printed.metric not in period.figures:
            problems.add(printed.where.file, f"there is no metric or figure named '{printed.metric}'",
                         "name a metric from 'metrics:'", line=printed.where.line,
                         field=f"printed[{i + 1}].metric")
        if printed.of:
            _check_selector(period, printed.of, printed.where, f"printed[{i + 1}].of", problems)


def _check_populations(period: Period, problems: Problems) -> None:
    totals: dict[str, tuple[float, Table]] = {}
    for table in period.tables.values():
        if not table.population:
            continue
        frame = table.frame
        grand = frame
        for dim in table.dims:
            grand = grand[grand[dim] == TOTAL]
        if len(grand) != 1 or grand["symbol"].iloc[0]:
            continue
        total = float(grand["value"].iloc[0])
        if table.population in totals and totals[table.population][0] != total:
            other = totals[table.population][1]
            problems.add(table.where.file, f"table '{table.name}' has total {total:g} but table "
                         f"'{other.name}' of the same population '{table.population}' has "
                         f"{totals[table.population][0]:g}", "tables of one population must agree "
                         "on their total; check both, or give them different populations",
                         line=table.where.line, field=f"tables.{table.name}.population")
        totals.setdefault(table.population, (total, table))


def _identities(period: Period, periods: Mapping[str, Period],
                spec: Mapping[str, Any]) -> list[Relation]:
    """The stock-and-flow identities a report kind ships (TRANSPARENCY['REPORTS'][kind]
    ['identities']), for a period holding every figure they name (`previous.NAME` in the period
    it follows: its `previous:`, or the one ending the day before it starts): applied without
    being declared, so a new council's standard figures are protected from the start. A period's own
    stock_flow relation with the same label replaces it (to give a tolerance, say)."""
    out = []
    previous = period.preceding(dict(periods))
    declared = {r.label for r in period.relations if r.kind == "stock_flow"}
    for identity in spec.get("identities", ()):
        if identity["stock_flow"] in declared:
            continue  # the period declares its own, with its tolerance
        names = [identity["start"], identity["end"], *identity.get("in", ()),
                 *identity.get("out", ())]
        def holds(p: Period | None, name: str) -> bool:
            return p is not None and (name in p.figures or name in p.metrics)

        if not all(holds(previous, n.removeprefix("previous.")) if n.startswith("previous.")
                   else holds(period, n) for n in names):
            continue

        def term(name: str) -> RelationTerm:
            before = name.startswith("previous.")
            return RelationTerm(Selector(figure=name.removeprefix("previous.")), before,
                                previous.period if before and previous else None)

        out.append(Relation("stock_flow", identity["stock_flow"], Where(Path("REPORTS")),
                            start=term(identity["start"]), end=term(identity["end"]),
                            inflow=tuple(term(n) for n in identity.get("in", ())),
                            outflow=tuple(term(n) for n in identity.get("out", ())),
                            tolerance=float(identity.get("tolerance", 0))))
    return out


@dataclass
class LoadMemo:
    """Each period folder as load_period read it, kept by a long-lived process (the preview):
    by the folder, its report and a hash of every file in it (names and bytes). Kept pickled,
    so that what load_site adds to a period afterwards never reaches the memo."""

    entries: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _load_remembered(folder: Path, report: str, problems: Problems,
                     memo: LoadMemo | None, kept: dict[tuple[str, str], tuple[str, bytes]],
                     ) -> Period | None:
    if memo is None:
        return load_period(folder, report, problems)
    key, digest = (str(folder), report), _folder_digest(folder)
    entry = memo.entries.get(key)
    if entry is None or entry[0] != digest:
        found = Problems()
        period = load_period(folder, report, found)
        entry = (digest, pickle.dumps((period, found.items), protocol=pickle.HIGHEST_PROTOCOL))
    kept[key] = entry
    period, items = pickle.loads(entry[1])  # noqa: S301 - pickled here, by this process
    problems.items.extend(items)
    return period  # type: ignore[no-any-return]


def load_site(data_path: Path, reports: Mapping[str, Any],
              memo: LoadMemo | None = None) -> tuple[Site, Problems]:
    """Load every period under data_path; return the site and every problem found. With a
    `memo`, a period folder whose files did not change is not read again."""
    kept: dict[tuple[str, str], tuple[str, bytes]] = {}
    problems = Problems()
    periods: dict[str, Period] = {}
    if not data_path.is_dir():
        problems.add(data_path, "the data folder does not exist", "create it, or set "
                     "TRANSPARENCY['DATA_PATH']")
        return Site(periods), problems
    for report_dir in sorted(data_path.iterdir()):
        if report_dir.name.startswith("."):
            continue
        if not report_dir.is_dir():
            problems.add(report_dir, "a file is in the wrong place: the data folder holds only "
                         "report folders", f"move it into data/<report>/<period>/ "
                         f"(reports: {', '.join(reports)})")
            continue
        if report_dir.name not in reports:
            problems.add(report_dir, f"'{report_dir.name}' is not a known report kind",
                         f"use one of: {', '.join(reports)} (or add it to TRANSPARENCY['REPORTS'])")
            continue
        for folder in sorted(report_dir.iterdir()):
            if folder.name.startswith("."):
                continue
            if not folder.is_dir():
                problems.add(folder, "a file is in the wrong place: a report folder holds only "
                             "period folders", "move it into a period folder, "
                             f"data/{report_dir.name}/<period>/")
                continue
            if not PERIOD_RE.match(folder.name):
                problems.add(folder, f"'{folder.name}' is not a valid period folder name",
                             "use 2021-22 for April to March years, or 2019-10-to-2020-09")
                continue
            period = _load_remembered(folder, report_dir.name, problems, memo, kept)
            if period is not None:
                periods[period.key] = period
                _check_populations(period, problems)
    for period in periods.values():
        period.relations += _identities(period, periods, reports.get(period.report, {}))
        if period.previous:
            prev = periods.get(f"{period.report}/{period.previous}")
            path = period.folder / PERIOD_FILE
            if prev is None:
                problems.add(path, f"previous period '{period.previous}' does not exist in "
                             f"data/{period.report}/", "name an existing period folder, or remove "
                             "'previous'", line=period.previous_line, field="previous")
            elif prev.end >= period.end:
                problems.add(path, f"previous period '{period.previous}' does not end before this "
                             "one", "'previous' must name an earlier period",
                             line=period.previous_line, field="previous")
    if memo is not None:
        memo.entries = kept
    return Site(periods), problems
