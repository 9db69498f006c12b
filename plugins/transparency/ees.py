"""Comparators from the Department for Education's own figures: read an Explore Education
Statistics (EES) open-data file and write a period's `comparators:` from it.

An EES data file is tidy CSV: the time and geography columns first (`time_period`,
`time_identifier`, `geographic_level`, `country_code`, `country_name`, `region_code`,
`region_name`, `new_la_code`, `old_la_code`, `la_name`), then filter columns, then indicator
columns. Its `<name>.meta.csv` says which columns are filters and which indicators, with each
indicator's label and unit. A cell holds a number or one of the DfE's symbols (SYMBOLS), which
are kept as symbols with their meaning, never read as numbers and never dropped.

For each indicator asked for, the comparator gives the council (TRANSPARENCY['LA_CODE']), its
region, its statistical neighbours (TRANSPARENCY['STATISTICAL_NEIGHBOURS'], ten codes: their
figure is the mean of the ten, or `x` with a note where any of them is a symbol) and England,
over the period's year and the two before it (or the years asked for). Every problem is
collected, with the file, row and column and a hint, and nothing is written while any remains.

The comparators go into the period's own period.yaml, the one file the loader reads, each entry
marked with a check of its text: a re-import replaces an entry only while it is exactly as it
was imported, so an officer's edits are never overwritten without `replace=True`.

Independent of Pelican (docs/comparators.md; `invoke comparators`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from .load_fields import NAME_RE, PERIOD_FILE, is_placeholder
from .problems import Problems, read_text
from .settings import Config
from .terms import (
    EES_GEOGRAPHY,
    EES_META_COLUMNS,
    EES_TIME,
    NEW_LA_CODE_PATTERN,
    OLD_LA_CODE_PATTERN,
    UNITS,
)
from .yamlio import LinedDict, YamlReadError, read_yaml

DOC = "docs/comparators.md"

# The DfE's symbols (its open data standards, after the GSS's shorthand) and what they mean.
SYMBOLS = {
    "c": "confidential, suppressed by the DfE",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to 0, but is not 0",
    "u": "low reliability",
}
# Older files' symbols, read as the one that replaced them (with a note saying so).
OLD_SYMBOLS = {":": "x", "~": "low", "k": "low"}
SYMBOLS_HINT = ("a number (digits, a decimal point, no commas) or one of the DfE's symbols: "
                + ", ".join(f"{s} ({m})" for s, m in SYMBOLS.items())
                + "; older files also use : (not available), ~ and k (rounds to 0)")

TIME = EES_TIME
GEOGRAPHY = EES_GEOGRAPHY
META_COLUMNS = EES_META_COLUMNS
NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"
# A children's services council: a unitary (E06), metropolitan district (E08), London borough
# (E09) or county (E10), or its three-digit old code.
NEW_LA_CODE = re.compile(NEW_LA_CODE_PATTERN)
OLD_LA_CODE = re.compile(OLD_LA_CODE_PATTERN)
OTHER_CODES = {"E92": "England", "E12": "a region", "E13": "Inner or Outer London",
               "E07": "a district council, which has no children's services"}
# Yearly time identifiers: the digits of their time_period, and the month their year starts.
YEARLY = {"Reporting year": (4, 1), "Calendar year": (4, 1), "Financial year": (6, 4),
          "Tax year": (6, 4), "Academic year": (6, 9)}
NEIGHBOURS = 10
NEIGHBOURS_LABEL = "Statistical neighbours"
# A comparator's unit from the meta file's indicator_unit; '' (a number) is told from the name.
META_UNITS = {"%": "percent"}
RATE_WORDS = re.compile(r"per[\s_]*10[,_]?000|per_10k|rate_per", re.IGNORECASE)
COUNT_WORDS = re.compile(r"(^|_)(count|number|num|total)$|^number of\b", re.IGNORECASE)
MARK = "# Imported by 'invoke comparators' from"
MARK_RE = re.compile(r"^\s*# Imported by 'invoke comparators' from .*\(check ([0-9a-f]{12})\)")
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")
# Sections that come after comparators in period.yaml (docs/data-format.md's order).
AFTER = ("tables", "metrics", "printed", "relations", "revisions")
YAML11_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
MANY = 10  # problems of one kind listed before "and N more"


@dataclass(frozen=True)
class Indicator:
    """An indicator column as the meta file describes it."""

    name: str
    label: str
    unit: str  # the meta's indicator_unit as written ('' for a number)
    dp: int | None
    row: int  # its row in the meta file


@dataclass
class Release:
    """One EES data file and its meta file, read and checked."""

    path: Path
    meta_path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells by column)
    indicators: dict[str, Indicator]
    time_identifier: str
    meta_filters: set[str] = field(default_factory=set)  # the columns the meta calls filters

    @property
    def filters(self) -> list[str]:
        """Every column that is neither time, geography nor an indicator: what a row is for
        besides its place and year (meta files leave out filters with a single value)."""
        return [c for c in self.header if c not in TIME and c not in GEOGRAPHY
                and c not in self.indicators]


@dataclass(frozen=True)
class Cell:
    """One indicator value: a number, or the DfE's symbol; `written` as the file has it."""

    number: float | None
    symbol: str
    written: str
    row: int


@dataclass
class Imported:
    """What an import made: the comparators as period.yaml holds them, every problem found
    (nothing is written while there is one), and what was done to period.yaml."""

    comparators: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    changes: list[str] = field(default_factory=list)
    period_yaml: Path | None = None


# --- reading --------------------------------------------------------------------------------

def parse_cell(text: str) -> tuple[float | None, str, str]:
    """(number, symbol, error) for one indicator cell. An older symbol is read as the one
    that replaced it (':' is x, '~' and 'k' are low)."""
    text = text.strip()
    if text in SYMBOLS:
        return None, text, ""
    if text in OLD_SYMBOLS:
        return None, OLD_SYMBOLS[text], ""
    if not text:
        return None, "", "the cell is empty"
    try:
        number = float(text)
    except ValueError:
        return None, "", f"'{text}' is neither a number nor one of the DfE's symbols"
    if not math.isfinite(number) or not re.fullmatch(r"[0-9.eE+-]+", text):
        return None, "", f"'{text}' is neither a number nor one of the DfE's symbols"
    if number < 0:
        return None, "", f"{text} is negative: a comparator is a count, rate or percentage"
    return number, "", ""


def meta_path_for(path: Path) -> Path:
    """The meta file beside a data file: x.csv has x.meta.csv."""
    return path.with_name(path.name.removesuffix(".csv") + ".meta.csv")


def _csv_rows(path: Path, problems: Problems, what: str) -> list[list[str]] | None:
    text = read_text(path, problems, save_as="UTF-8 CSV, as the DfE publishes it (download it "
                     "again rather than saving it from Excel)",
                     empty_hint=f"download the {what} again from Explore Education Statistics")
    if text is None:
        return None
    return list(csv.reader(io.StringIO(text, newline="")))


class _Capped:
    """Problems of one kind, listed up to MANY and then counted."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.seen: dict[str, int] = {}
        self.last: dict[str, tuple[Path, str]] = {}

    def add(self, kind: str, path: Path, message: str, hint: str, **where: Any) -> None:
        self.seen[kind] = self.seen.get(kind, 0) + 1
        if self.seen[kind] <= MANY:
            self.problems.add(path, message, hint, **where)
        self.last[kind] = (path, hint)

    def close(self) -> None:
        for kind, count in self.seen.items():
            if count > MANY:
                path, hint = self.last[kind]
                self.problems.add(path, f"and {count - MANY} more rows like those above", hint)


def _read_meta(release_path: Path, problems: Problems) -> tuple[Path, dict[str, Indicator],
                                                                 set[str]] | None:
    meta_path = meta_path_for(release_path)
    if not meta_path.is_file():
        problems.add(meta_path, "the data file's meta file is missing",
                     f"download the data file's '{meta_path.name}' from Explore Education "
                     "Statistics and put it beside the data file: it says which columns are "
                     "indicators and what their units are")
        return None
    rows = _csv_rows(meta_path, problems, "meta file")
    if rows is None:
        return None
    header = [h.strip() for h in rows[0]]
    missing = [c for c in META_COLUMNS if c not in header]
    for column in missing:
        problems.add(meta_path, f"the meta file has no '{column}' column: it is not an EES meta "
                     "file", "use the .meta.csv file published with the data file, unchanged; "
                     f"its columns are {', '.join(META_COLUMNS)}", line=1, row_label="row",
                     field=column)
    if missing:
        return None
    indicators: dict[str, Indicator] = {}
    filters: set[str] = set()
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row = dict(zip(header, (c.strip() for c in raw), strict=False))
        name, kind = row.get("col_name", ""), row.get("col_type", "")
        if kind == "Filter":
            filters.add(name)
        elif kind == "Indicator":
            dp_text = row.get("indicator_dp", "")
            dp = int(dp_text) if dp_text.isdigit() else None
            indicators[name] = Indicator(name, row.get("label", "") or name,
                                         row.get("indicator_unit", ""), dp, number)
        else:
            problems.add(meta_path, f"col_type is '{kind}', not Filter or Indicator",
                         "use the meta file as published, unchanged", line=number,
                         row_label="row", field="col_type")
    return meta_path, indicators, filters


def read_release(path: Path, problems: Problems) -> Release | None:
    """Read and check an EES data file and its meta file; None (with problems) if either
    cannot be used at all."""
    path = Path(path)
    if path.name.endswith(".meta.csv"):
        problems.add(path, "this is a meta file, not a data file",
                     f"give the data file ('{path.name.removesuffix('.meta.csv')}.csv'); its "
                     "meta file is read from beside it")
        return None
    if not path.is_file():
        problems.add(path, "the data file does not exist", "give the path of the CSV file "
                     "downloaded from Explore Education Statistics")
        return None
    meta = _read_meta(path, problems)
    rows = _csv_rows(path, problems, "data file")
    if rows is None or meta is None:
        return None
    meta_path, indicators, meta_filters = meta
    header = [h.strip() for h in rows[0]]
    missing = [c for c in (*TIME, *GEOGRAPHY) if c not in header]
    for column in missing:
        problems.add(path, f"the file has no '{column}' column, so it is not an EES file with "
                     "local-authority figures", "use the release's data file that gives figures "
                     "by local authority, region and England, as downloaded (the standard "
                     f"columns are {', '.join((*TIME, *GEOGRAPHY))})", line=1, row_label="row",
                     field=column)
    for name, indicator in indicators.items():
        if name not in header:
            problems.add(meta_path, f"the meta file describes an indicator '{name}' that the "
                         f"data file ({path.name}) does not have", "the two files are of "
                         "different releases: download both again from the same release",
                         line=indicator.row, row_label="row", field="col_name")
    if missing:
        return None
    capped = _Capped(problems)
    records: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            capped.add("width", path, f"the row has {len(raw)} cells but the header has "
                       f"{len(header)}", "download the file again: it has been changed or cut "
                       "short", line=number, row_label="row")
            continue
        records.append((number, dict(zip(header, (c.strip() for c in raw), strict=True))))
    identifiers = {row["time_identifier"] for _, row in records}
    identifier = next((row["time_identifier"] for _, row in records), "")
    for number, row in records:
        if row["time_identifier"] != identifier:
            capped.add("time_identifier", path, f"time_identifier is '{row['time_identifier']}' "
                       f"but earlier rows say '{identifier}'", "an EES file has one kind of year; "
                       "use the file as published", line=number, row_label="row",
                       field="time_identifier")
    if identifier not in YEARLY and len(identifiers) == 1:
        problems.add(path, f"the file's time_identifier is '{identifier}', which is not a year",
                     "comparators are yearly figures: use a file whose time_identifier is one of "
                     + ", ".join(YEARLY), line=records[0][0], row_label="row",
                     field="time_identifier")
    elif identifier in YEARLY:
        digits = YEARLY[identifier][0]
        for number, row in records:
            if not _valid_time_period(row["time_period"], digits):
                capped.add("time_period", path, f"time_period '{row['time_period']}' is not a "
                           f"{identifier.lower()} ({'2022' if digits == 4 else '202122'})",
                           "use the file as published, unchanged", line=number,
                           row_label="row", field="time_period")
    capped.close()
    if not records:
        problems.add(path, "the file has a header but no data rows",
                     "download the data file again from Explore Education Statistics")
        return None
    return Release(path, meta_path, header, records, indicators, identifier, meta_filters)


def _valid_time_period(text: str, digits: int) -> bool:
    if not text.isdigit() or len(text) != digits:
        return False
    # A six-digit year is two consecutive years: 202122, not 202023.
    return digits == 4 or (int(text[:4]) + 1) % 100 == int(text[4:])


def year_label(time_period: str) -> str:
    """A DfE time_period as the site shows a year: 2022, or 2021/22 for a six-digit year."""
    return time_period if len(time_period) == 4 else f"{time_period[:4]}/{time_period[4:]}"


def period_year(identifier: str, end: dt.date) -> str:
    """The DfE year a period ending on `end` belongs to: the reporting or calendar year of its
    last day, or the financial, tax or academic year its last day falls in."""
    digits, first_month = YEARLY[identifier]
    if digits == 4:
        return str(end.year)
    first = end.year if end.month >= first_month else end.year - 1
    return f"{first}{(first + 1) % 100:02d}"


# --- choosing rows --------------------------------------------------------------------------

def parse_filters(texts: Iterable[str], problems: Problems) -> dict[str, str]:
    """`--filter col=value` options as a mapping; each malformed one is a problem."""
    out: dict[str, str] = {}
    for text in texts:
        column, sep, value = text.partition("=")
        if not sep or not column.strip() or not value.strip():
            problems.add("--filter", f"'{text}' is not COLUMN=VALUE",
                         "write each filter as the column's name, '=' and the value, e.g. "
                         "--filter characteristic=Total")
            continue
        out[column.strip()] = value.strip()
    return out


def _code_problem(code: str) -> str:
    """Why a code cannot be a children's services council's, or '' if it can."""
    if NEW_LA_CODE.fullmatch(code) or OLD_LA_CODE.fullmatch(code):
        return ""
    other = OTHER_CODES.get(code[:3])
    if other and re.fullmatch(r"E\d{8}", code):
        return f"'{code}' is the code of {other}, not of a council with children's services"
    return (f"'{code}' is not a local-authority code: the DfE's new codes are E06, E08, E09 or "
            "E10 and six digits (E08000032), its old codes three digits (380)")


@dataclass
class _Council:
    code: str
    role: str  # "the council" or "statistical neighbour 3"
    setting: str  # its place in the settings, for messages
    name: str = ""
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _councils(config: Config, settings_file: str, problems: Problems) -> list[_Council]:
    """The council and its neighbours from the settings, each code checked; the number of
    neighbours, duplicates and the council among its own neighbours are problems too."""
    key = "TRANSPARENCY"
    out: list[_Council] = []
    if not config.la_code:
        problems.add(settings_file, "the council's code is not set",
                     f"set {key}['LA_CODE'] to the council's code in the DfE's statistics, e.g. "
                     f"'E08000032' or '380' (see {DOC})", field=f"{key}['LA_CODE']")
    else:
        out.append(_Council(config.la_code, "the council", f"{key}['LA_CODE']"))
    neighbours = config.statistical_neighbours
    if len(neighbours) != NEIGHBOURS:
        problems.add(settings_file, f"there are {len(neighbours)} statistical neighbours, not "
                     f"{NEIGHBOURS}", f"list the {NEIGHBOURS} codes the DfE's children's services "
                     f"statistical neighbour benchmarking tool gives for the council, in "
                     f"{key}['STATISTICAL_NEIGHBOURS'] (see {DOC})",
                     field=f"{key}['STATISTICAL_NEIGHBOURS']")
    seen: dict[str, str] = {}
    for i, code in enumerate(neighbours, start=1):
        setting = f"{key}['STATISTICAL_NEIGHBOURS'][{i - 1}]"
        if code == config.la_code:
            problems.add(settings_file, f"'{code}' is the council's own code, not a neighbour's",
                         "list the council's neighbours only", field=setting)
            continue
        if code in seen:
            problems.add(settings_file, f"'{code}' is listed twice (also as {seen[code]})",
                         "list each neighbour once", field=setting)
            continue
        seen[code] = f"neighbour {i}"
        out.append(_Council(code, f"statistical neighbour {i}", setting))
    for council in out:
        why = _code_problem(council.code)
        if why:
            problems.add(settings_file, why, "copy the code from the DfE's statistics or its "
                         f"benchmarking tool (see {DOC})", field=council.setting)
    return [c for c in out if not _code_problem(c.code)]


def _choose_filters(release: Release, given: Mapping[str, str],
                    problems: Problems) -> dict[str, str] | None:
    """The value of every filter column: as given, else its 'Total' where the column has
    several values, else a problem asking which."""
    ok = True
    for column, value in given.items():
        if column not in release.filters:
            problems.add(release.path, f"the file has no filter column '{column}'",
                         "name one of its filter columns: " + (", ".join(release.filters)
                                                               or "(it has none)"),
                         line=1, row_label="row", field=column)
            ok = False
        elif not any(row[column] == value for _, row in release.rows):
            values = _distinct(row[column] for _, row in release.rows)
            problems.add(release.path, f"no row has '{value}' in '{column}'",
                         f"use one of: {_listing(values)} (spelt exactly so)", line=1,
                         row_label="row", field=column)
            ok = False
    if not ok:
        return None
    chosen = dict(given)
    pool = [row for _, row in release.rows
            if row["geographic_level"] in (NATIONAL, REGIONAL, LOCAL)
            and all(row[c] == v for c, v in given.items())]
    for column in release.filters:
        if column in chosen:
            continue
        values = _distinct(row[column] for row in pool)
        if len(values) <= 1:
            continue
        total = next((v for v in values if v.lower() == "total"), None)
        if total is None:
            unnamed = ("" if column in release.meta_filters else " (the meta file does not "
                       "name it, so check the two files are of one release)")
            problems.add(release.path, f"the rows differ by '{column}', which has no Total",
                         f"say which to compare: --filter {column}=VALUE, with one of: "
                         f"{_listing(values)}{unnamed}", line=1, row_label="row", field=column)
            ok = False
            continue
        chosen[column] = total
        pool = [row for row in pool if row[column] == total]
    return chosen if ok else None


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _listing(values: Sequence[str]) -> str:
    shown = ", ".join(f"'{v}'" for v in values[:12])
    return shown + (f" and {len(values) - 12} more" if len(values) > 12 else "")


def _select(rows: Iterable[tuple[int, dict[str, str]]], filters: Mapping[str, str],
            level: str, **match: str) -> list[tuple[int, dict[str, str]]]:
    return [(n, row) for n, row in rows
            if row["geographic_level"] == level and all(row[c] == v for c, v in filters.items())
            and all(row[c] == v for c, v in match.items())]


def _by_year(rows: list[tuple[int, dict[str, str]]]) -> dict[str, list[tuple[int, dict[str, str]]]]:
    out: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in rows:
        out.setdefault(row["time_period"], []).append((number, row))
    return out


@dataclass
class _Area:
    label: str
    what: str  # for messages: "the council (E09999001)", "the region (E12999001)"
    rows: dict[str, list[tuple[int, dict[str, str]]]]  # by time_period


def _one_row(release: Release, area: _Area, year: str, problems: Problems
             ) -> tuple[int, dict[str, str]] | None:
    rows = area.rows.get(year, [])
    if not rows:
        problems.add(release.path, f"{area.what} has no row for {year_label(year)}",
                     f"use the release that covers {year_label(year)}, or choose the years to "
                     "compare with --year", field="time_period")
        return None
    if len(rows) > 1:
        numbers = ", ".join(str(n) for n, _ in rows[:6])
        problems.add(release.path, f"{len(rows)} rows match {area.what} in {year_label(year)} "
                     f"(rows {numbers})", "they differ in a column that is not a filter the "
                     "meta file names; check this is the DfE's file as published",
                     line=rows[1][0], row_label="row")
        return None
    return rows[0]


# --- the comparators ------------------------------------------------------------------------

def _unit(release: Release, indicator: Indicator, unit: str | None, problems: Problems) -> str:
    if unit:
        return unit
    if indicator.unit in META_UNITS:
        return META_UNITS[indicator.unit]
    if indicator.unit:
        problems.add(release.meta_path, f"'{indicator.name}' is in '{indicator.unit}', which the "
                     "site does not publish", "comparators are counts, rates per 10,000 and "
                     "percentages: choose another indicator", line=indicator.row, row_label="row",
                     field="indicator_unit")
        return ""
    words = f"{indicator.name} {indicator.label}"
    if RATE_WORDS.search(words):
        return "rate_per_10000"
    if COUNT_WORDS.search(indicator.name) or COUNT_WORDS.search(indicator.label):
        return "count"
    problems.add(release.meta_path, f"the meta file gives '{indicator.name}' no unit, and its "
                 f"name and label ('{indicator.label}') do not say whether it is a count or a rate",
                 "say which with --unit count, --unit rate_per_10000 or --unit percent",
                 line=indicator.row, row_label="row", field="indicator_unit")
    return ""


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _mean(written: Sequence[str], unit: str) -> int | float:
    """The mean of figures as the file writes them, worked out exactly and rounded half up:
    counts to a whole number, others to one decimal place finer than the finest of them."""
    numbers = [Decimal(text) for text in written]
    finest = max(max(0, -int(n.as_tuple().exponent)) for n in numbers)
    places = 0 if unit == "count" else finest + 1
    mean = (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return _number(float(mean))


REASONS = {
    "rate_per_10000": "A rate per 10,000 children that the Department for Education publishes "
                      "for whole council areas, regions and England: public already, and no "
                      "count of children in any group of this report can be worked out from it.",
    "percent": "A percentage that the Department for Education publishes for whole council "
               "areas, regions and England: public already, and no count of children in any "
               "group of this report can be worked out from it.",
}


def comparators_from(release: Release, indicators: Sequence[str], filters: Mapping[str, str],
                     config: Config, years: Sequence[str] | None, period_end: dt.date | None,
                     problems: Problems, *, unit: str | None = None, counts: str = "children",
                     name: str | None = None, settings_file: str = "pelicanconf.py"
                     ) -> dict[str, dict[str, Any]]:
    """The comparators for `indicators` from a release, as period.yaml holds them: the
    council, its region, its statistical neighbours (their mean) and England. Every problem
    goes to `problems` (as many as can be found at once); what is returned is empty unless
    there are none."""
    councils = _councils(config, settings_file, problems)
    wanted: list[Indicator] = []
    for indicator_name in indicators:
        if indicator_name in release.indicators:
            if indicator_name in release.header:  # else the meta's own problem says so
                wanted.append(release.indicators[indicator_name])
        else:
            problems.add(release.meta_path, f"the file has no indicator '{indicator_name}'",
                         "this file is of another release, or the name is misspelt; its "
                         f"indicators are: {_listing(list(release.indicators)) or '(none)'}",
                         field="col_name")
    if name is not None and len(indicators) != 1:
        problems.add("--name", "a name can be given only when one indicator is imported",
                     "import the indicators one at a time to name each")
    if unit is not None and unit not in UNITS:
        problems.add("--unit", f"'{unit}' is not a unit", "use one of: " + ", ".join(UNITS))
        unit = None
    units = {i.name: _unit(release, i, unit, problems) for i in wanted}
    # The council and its neighbours, by new or old code.
    found: list[_Council] = []
    for council in councils:
        council.rows = [(n, row) for n, row in release.rows if row["geographic_level"] == LOCAL
                        and council.code in (row["new_la_code"], row["old_la_code"])]
        if not council.rows:
            problems.add(release.path, f"{council.role}'s code '{council.code}' is not in the file",
                         f"no local-authority row has it as new_la_code or old_la_code: check "
                         f"{council.setting} against the DfE's list, or use the release that "
                         f"covers that council (see {DOC})", field="new_la_code")
            continue
        codes = _distinct(f"{row['new_la_code']}/{row['old_la_code']}" for _, row in council.rows)
        if len(codes) > 1:
            names = _distinct(row["la_name"] for _, row in council.rows)
            problems.add(release.path, f"'{council.code}' ({council.role}) matches more than one "
                         f"council: {', '.join(names)}", "give the council's nine-character new "
                         "code", line=council.rows[0][0], row_label="row", field="new_la_code")
            continue
        council.rows.sort(key=lambda numbered: numbered[1]["time_period"])
        council.name = council.rows[-1][1]["la_name"] or council.code
        found.append(council)
    needed = _years(release, years, period_end, problems)
    chosen = _choose_filters(release, filters, problems)
    if chosen is None:
        return {}
    # The areas, each with its rows by year.
    areas: list[_Area] = []
    the_council = found[0] if found and found[0].role == "the council" else None
    if the_council is not None:
        areas.append(_Area(the_council.name, f"the council ({the_council.code}, "
                           f"{the_council.name})", _by_year(_select(the_council.rows, chosen,
                                                                     LOCAL))))
        number, latest = the_council.rows[-1]
        if latest["region_code"]:
            areas.append(_Area(latest["region_name"] or latest["region_code"],
                               f"the region ({latest['region_code']}, {latest['region_name']})",
                               _by_year(_select(release.rows, chosen, REGIONAL,
                                                region_code=latest["region_code"]))))
        else:
            problems.add(release.path, "the council's row gives no region_code", "use the DfE's "
                         "file as published", line=number, row_label="row", field="region_code")
    national = _select(release.rows, chosen, NATIONAL)
    england = national[-1][1]["country_name"] if national else "England"
    areas.append(_Area(england, f"{england} (the National rows)", _by_year(national)))
    neighbour_areas = [_Area(n.name, f"{n.role} ({n.code}, {n.name})",
                             _by_year(_select(n.rows, chosen, LOCAL)))
                       for n in found if n is not the_council]
    labels = [a.label for a in areas] + [NEIGHBOURS_LABEL]
    if len(set(labels)) != len(labels):
        problems.add(release.path, f"two areas have one name: {', '.join(labels)}",
                     "a comparator names each area once; report this as a bug")
    rows: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    for area in [*areas, *neighbour_areas]:
        for year in needed:
            found_row = _one_row(release, area, year, problems)
            if found_row is not None:
                rows[(area.what, year)] = found_row
    capped = _Capped(problems)
    values: dict[str, dict[tuple[str, str], Cell]] = {}
    for indicator in wanted:
        values[indicator.name] = {}
        for (what, year), (number, row) in rows.items():
            value, symbol, error = parse_cell(row[indicator.name])
            if error:
                capped.add("value", release.path, error, f"a value is {SYMBOLS_HINT}",
                           line=number, row_label="row", field=indicator.name)
            else:
                values[indicator.name][(what, year)] = Cell(value, symbol, row[indicator.name],
                                                            number)
    capped.close()
    for indicator in wanted:
        entry_name = name or indicator.name
        if not NAME_RE.match(entry_name):
            problems.add("--name" if name else release.meta_path, f"'{entry_name}' cannot name "
                         "a comparator", "give a name in lower-case snake_case with --name "
                         "(letters, digits and underscores, starting with a letter)",
                         field=None if name else "col_name")
    if not problems and not needed:
        problems.add(release.path, "there are no years to compare", "name them with --year, or "
                     "give the period's 'period_end'", field="time_period")
    if problems or len(areas) != 3 or len(neighbour_areas) != NEIGHBOURS or not wanted:
        assert problems, "an import without comparators says why"
        return {}
    return {name or i.name: _entry(release, i, units[i.name], counts, chosen, needed, areas,
                                   neighbour_areas, values[i.name])
            for i in wanted}


def _years(release: Release, years: Sequence[str] | None, period_end: dt.date | None,
           problems: Problems) -> list[str]:
    """The years to compare: as asked, else the period's own and the two before it that the
    file has. A year the file lacks is a problem."""
    in_file = sorted({row["time_period"] for _, row in release.rows})
    identifier = release.time_identifier
    if years:
        needed = sorted({re.sub(r"[/-]", "", str(y)) for y in years})
        for year in needed:
            if year not in in_file:
                problems.add(release.path, f"the file has no figures for {year_label(year)}",
                             f"its years are {', '.join(year_label(y) for y in in_file)}: "
                             "choose from them, or use the release that covers "
                             f"{year_label(year)}", field="time_period")
        return [y for y in needed if y in in_file]
    if period_end is None or identifier not in YEARLY:
        return []
    own = period_year(identifier, period_end)
    if own not in in_file:
        problems.add(release.path, f"the file has no figures for {year_label(own)}, the "
                     f"{identifier.lower()} of this period (it ends {period_end.day} "
                     f"{period_end:%B %Y})", f"its latest year is {year_label(in_file[-1])}: "
                     f"use the release that covers {year_label(own)}, or name the years to "
                     f"compare with --year (e.g. --year {in_file[-1]})", field="time_period")
        return []
    return [y for y in in_file if y <= own][-3:]


def _entry(release: Release, indicator: Indicator, unit: str, counts: str,
           chosen: Mapping[str, str], years: Sequence[str], areas: list[_Area],
           neighbours: list[_Area], cells: Mapping[tuple[str, str], Cell]) -> dict[str, Any]:
    """One comparator: the council and its region, the neighbours' average, then England."""
    notes: list[str] = []
    values: dict[str, list[Any]] = {}
    older: list[str] = []

    def shown(cell: Cell, area: _Area, year: str) -> Any:
        if cell.symbol and cell.written != cell.symbol:
            older.append(f"'{cell.written}' for {area.label} in {year_label(year)}")
        if cell.symbol:
            return cell.symbol
        assert cell.number is not None  # parse_cell gives a number wherever it gives no symbol
        # As precise as the file: 8.0 stays 8.0, so the table shows the DfE's decimal places.
        return float(cell.written) if "." in cell.written else _number(cell.number)

    for area in areas[:2]:
        values[area.label] = [shown(cells[(area.what, y)], area, y) for y in years]
    averages: list[Any] = []
    for year in years:
        ten = [(n, cells[(n.what, year)]) for n in neighbours]
        symbols = [(n, c) for n, c in ten if c.symbol]
        if symbols:
            averages.append("x")
            notes.append(f"The statistical neighbours' average for {year_label(year)} cannot be "
                         "worked out, so it is shown as x: " + "; ".join(
                             f"{n.label} is {c.symbol} ({SYMBOLS[c.symbol]})" for n, c in symbols)
                         + " in the DfE's figures.")
        else:
            averages.append(_mean([c.written for _, c in ten], unit))
    values[NEIGHBOURS_LABEL] = averages
    values[areas[2].label] = [shown(cells[(areas[2].what, y)], areas[2], y) for y in years]
    names = ", ".join(n.label for n in neighbours)
    notes.insert(0, "Statistical neighbours: the average (mean) of the DfE's figures for the "
                 f"council's statistical neighbours ({names}), rounded"
                 + (" to a whole number." if unit == "count" else "."))
    if older:
        notes.append("The DfE's file writes older symbols, shown as the ones that replaced them: "
                     + "; ".join(older) + ".")
    filters_text = ", ".join(f"{v}" for c, v in chosen.items() if v.lower() != "total")
    span = (year_label(years[0]) if len(years) == 1
            else f"{year_label(years[0])} to {year_label(years[-1])}")
    entry: dict[str, Any] = {
        "title": f"{indicator.label}{f' ({filters_text})' if filters_text else ''}, {span}",
        "unit": unit,
        "counts": counts if unit == "count" else "none",
    }
    if unit != "count":
        entry["not_people"] = REASONS.get(unit, REASONS["percent"].replace(
            "A percentage", "A figure"))
    entry["source"] = (f"Department for Education, Explore Education Statistics: {release.path.name}, "
                       f"indicator {indicator.name}"
                       + "".join(f", {c} = {v}" for c, v in chosen.items() if v.lower() != "total"))
    entry["note"] = " ".join(notes)
    entry["years"] = [year_label(y) for y in years]
    entry["values"] = values
    return entry


# --- writing period.yaml --------------------------------------------------------------------

def _scalar(text: str) -> str:
    """Text as a YAML scalar: plain where that reads back as the same text, else quoted."""
    if (re.fullmatch(r"[A-Za-z][\w ,'()&./-]*", text) and text.lower() not in YAML11_WORDS
            and not text.endswith(" ")):
        return text
    return json.dumps(text, ensure_ascii=False)


def _item(value: Any) -> str:
    if isinstance(value, str):
        return value  # a symbol: c, x, z, low, u
    return str(value) if isinstance(value, int) else repr(value)


def render_entry(name: str, entry: Mapping[str, Any], indent: int = 2) -> list[str]:
    """The lines of one comparator entry (without its mark), at `indent` spaces."""
    pad, inner = " " * indent, " " * (indent + 2)
    lines = [f"{pad}{name}:"]
    for key, value in entry.items():
        if key == "years":
            lines.append(f"{inner}years: [{', '.join(json.dumps(y) for y in value)}]")
        elif key == "values":
            lines.append(f"{inner}values:")
            for area, items in value.items():
                lines.append(f"{inner}  {_scalar(area)}: [{', '.join(_item(v) for v in items)}]")
        else:
            lines.append(f"{inner}{key}: {_scalar(str(value))}")
    return lines


def _check(lines: Iterable[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class _Section:
    start: int | None  # the `comparators:` line (index), or None when there is none
    end: int  # the index after its last line
    indent: int
    entries: dict[str, tuple[int, int]]  # name -> (first line, end) of its block, mark excluded


def _section(lines: list[str]) -> _Section | str:
    tops = [(i, m.group(1), m.group(2)) for i, line in enumerate(lines)
            if (m := TOP_KEY.match(line))]
    found = [(i, rest) for i, key, rest in tops if key == "comparators"]
    if not found:
        after = next((i for i, key, _ in tops if key in AFTER), len(lines))
        return _Section(None, after, 2, {})
    start, rest = found[0]
    if rest.split("#")[0].strip() not in ("", "{}"):
        return "'comparators:' is written on one line; write its entries as a block, one per line"
    end = next((i for i, _, _ in tops if i > start), len(lines))
    body = [i for i in range(start + 1, end)
            if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    indent = len(lines[body[0]]) - len(lines[body[0]].lstrip()) if body else 2
    heads = [i for i in body if len(lines[i]) - len(lines[i].lstrip()) == indent]
    entries = {}
    for k, head in enumerate(heads):
        nxt = heads[k + 1] if k + 1 < len(heads) else end
        last = max(i for i in body if head <= i < nxt)
        entries[lines[head].strip().split(":")[0].strip("'\"")] = (head, last + 1)
    # A block ends at its last line of content: blank lines and comments after it stay.
    end_of_section = max((b for _, b in entries.values()), default=start + 1)
    return _Section(start, end_of_section, indent, entries)


def _unfilled(block: list[str]) -> bool:
    """Whether an entry is the template `invoke new` carries forward (every value FILL IN):
    nothing in it was typed from a source, so the import fills it in without asking."""
    import textwrap

    import yaml

    try:
        entry = next(iter(yaml.safe_load(textwrap.dedent("\n".join(block))).values()))
        values = [v for vs in entry["values"].values() for v in (vs if isinstance(vs, list)
                                                                 else [vs])]
    except (yaml.YAMLError, AttributeError, KeyError, StopIteration, TypeError):
        return False
    return bool(values) and all(is_placeholder(v) for v in values)


def merge_into(text: str, comparators: Mapping[str, Mapping[str, Any]], source_name: str,
               replace: bool) -> tuple[str, list[str], list[tuple[str, str, str]]]:
    """period.yaml's text with the comparators added or replaced, everything else as it was.
    Returns (new text, what was done, refusals as (name, message, hint)). An entry already
    there is replaced only when it is exactly as an earlier import wrote it, or `replace`."""
    lines = text.splitlines()
    section = _section(lines)
    if isinstance(section, str):
        return text, [], [("comparators", section, "then run the import again")]
    done: list[str] = []
    refused: list[tuple[str, str, str]] = []
    replacements: list[tuple[int, int, list[str]]] = []
    additions: list[str] = []
    for name, entry in comparators.items():
        block = render_entry(name, entry, section.indent)
        mark = f"{' ' * section.indent}{MARK} {source_name} (check {_check(block)})"
        if name in section.entries:
            first, end = section.entries[name]
            current = lines[first:end]
            has_mark = MARK_RE.match(lines[first - 1]) if first > 0 else None
            untouched = has_mark is not None and has_mark.group(1) == _check(current)
            if [line.rstrip() for line in current] == block and untouched:
                done.append(f"comparators.{name}: unchanged")
                continue
            template = not untouched and _unfilled(current)
            if not untouched and not template and not replace:
                how = ("has been edited since it was imported" if has_mark
                       else "was written by hand (or by another tool)")
                refused.append((name, f"comparators.{name} is already in period.yaml and {how}",
                                "to keep it, import this one under another name with --name; to "
                                "replace it with the DfE's figures, run again with --replace"))
                continue
            replacements.append((first - 1 if has_mark else first, end, [mark, *block]))
            done.append(f"comparators.{name}: replaced" + (
                "" if untouched else " (the template 'invoke new' left, with no figure filled "
                "in)" if template else " (it had been edited by hand)"))
        else:
            additions += [mark, *block]
            done.append(f"comparators.{name}: added")
    if refused:
        return text, [], refused
    for first, end, new in sorted(replacements, reverse=True):
        lines[first:end] = new
    if additions:
        # Entries already there stay where they were; new ones go after them.
        at = section.end + sum(len(new) - (end - first) for first, end, new in replacements
                               if first < section.end)
        if section.start is None:
            lines[at:at] = ["comparators:", *additions]
        else:
            if lines[section.start].split("#")[0].strip().endswith("{}"):
                lines[section.start] = "comparators:"
            lines[at:at] = additions
    newline = "\r\n" if "\r\n" in text else "\n"  # as the file has them (Windows editors)
    return newline.join(lines) + newline, done, []


def _period_end(folder: Path, problems: Problems) -> tuple[Path, dt.date | None]:
    path = folder / PERIOD_FILE
    if not path.is_file():
        problems.add(folder, f"there is no period here: {PERIOD_FILE} is missing",
                     "give a period as REPORT/PERIOD, e.g. iro/2022-23; start a new one with "
                     "'invoke new'")
        return path, None
    try:
        data = read_yaml(path)
    except YamlReadError as exc:
        problems.add(path, exc.message, exc.hint, line=exc.line)
        return path, None
    end = data.get("period_end") if isinstance(data, LinedDict) else None
    try:
        return path, dt.date.fromisoformat(str(end))
    except ValueError:
        problems.add(path, "the period has no valid 'period_end', so the years it needs are not "
                     "known", "fill in 'period_end: YYYY-MM-DD', or name the years with --year",
                     line=data.line_of("period_end") if isinstance(data, LinedDict) else None,
                     field="period_end")
        return path, None


def import_comparators(ees_csv: Path, indicators: list[str], filters: dict[str, str],
                       config: Config, period_folder: Path, *, years: Sequence[str] = (),
                       unit: str | None = None, counts: str = "children", name: str | None = None,
                       replace: bool = False, write: bool = True,
                       settings_file: str = "pelicanconf.py") -> Imported:
    """Read an EES data file (and its meta file beside it) and put the comparators for
    `indicators` into the period's period.yaml: the council, its region, its statistical
    neighbours and England, for the period's year and the two before it (or `years`).

    `filters` picks the rows (a filter not given is taken at its Total); `unit` overrides the
    meta file's; `counts` is what a count counts (children or records); `name` names the
    comparator when there is one indicator. Nothing is written while any problem remains,
    nor when `write` is False; an entry already in period.yaml is replaced only when it is as
    an earlier import left it, or with `replace`."""
    result = Imported()
    problems = result.problems
    if counts not in ("children", "records"):
        problems.add("--counts", f"'{counts}' is not what a count of people counts",
                     "use --counts children or --counts records")
    if not indicators:
        problems.add("--indicator", "no indicator is named",
                     "name the indicator column(s) to import: --indicator NAME")
    path, end = _period_end(Path(period_folder), problems)
    result.period_yaml = path
    release = read_release(Path(ees_csv), problems)
    if release is None:
        _councils(config, settings_file, problems)  # all at once: the settings' problems too
        return result
    comparators = comparators_from(release, indicators, filters, config, years or None, end,
                                   problems, unit=unit, counts=counts, name=name,
                                   settings_file=settings_file)
    if problems:
        return result
    with path.open(encoding="utf-8-sig", newline="") as handle:  # its line endings as they are
        text = handle.read()
    new_text, done, refused = merge_into(text, comparators, release.path.name, replace)
    for entry_name, message, hint in refused:
        problems.add(path, message, hint, field=f"comparators.{entry_name}")
    if problems:
        return result
    if write and new_text != text:
        # Written beside it first, and read back: never leave a period.yaml the loader would
        # read differently from what was imported.
        temporary = path.with_name(f".{path.name}.importing")
        temporary.write_text(new_text, encoding="utf-8", newline="")
        try:
            _check_round_trip(temporary, comparators, problems)
            if problems:
                return result
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    result.comparators, result.changes = comparators, done
    return result


def _check_round_trip(path: Path, comparators: Mapping[str, Mapping[str, Any]],
                      problems: Problems) -> None:
    """The new period.yaml must read back with exactly these comparators."""
    try:
        data = read_yaml(path)
    except YamlReadError as exc:
        problems.add(PERIOD_FILE, f"the updated file would not read as YAML ({exc.message}); "
                     "nothing was written", "report this as a bug, with the file")
        return
    read = data.get("comparators") if isinstance(data, dict) else None
    for name, entry in comparators.items():
        got = read.get(name) if isinstance(read, dict) else None
        if json.loads(json.dumps(got)) != json.loads(json.dumps(entry)):
            problems.add(PERIOD_FILE, f"comparators.{name} would read back differently; nothing "
                         "was written", "report this as a bug, with the file",
                         field=f"comparators.{name}")
