"""Reading a table's rows from its CSV file or workbook sheet, and checking its totals.

A CSV file and a sheet are validated the same way (header, categories, values, duplicates), and
every problem names the file and row (or sheet and cell). Independent of Pelican.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .load_fields import FORMAT_DOC, is_placeholder, ungrouped
from .model import (
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    TOTAL,
    Table,
)
from .problems import Problems, read_text
from .terms import ALL_BUT, TOTAL_WORDS
from .workbook import Workbook, cell_place, open_workbook, read_sheet

VALUE_HINT = ("a non-negative number without % signs (1232 or 1,232), or x (not available) or z "
              "(not applicable)")


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
    read = _Rows(path, dims, unit, problems, place, width_hint, bad)
    for number, row in rows[1:]:
        if any(cell.strip() for cell in row):
            read.row(number, row)
    read.report_empty_values()
    if not read.records and not read.empty_values and read.ok:
        problems.add(path, "the file has a header but no data rows", "add the table's rows",
                     **place(header_row, None))
        return None
    ok = _same_but_for_case(path, read.records, dims, problems, place) and read.ok
    if not ok:
        return None
    return pd.DataFrame.from_records(read.records, columns=[*dims, "value", "symbol", "row"])


@dataclass
class _Rows:
    """A table's data rows as table_frame reads them, one at a time: the records read, the
    categories seen (with their row), the rows whose value is empty, and whether all is well."""

    path: Path
    dims: list[str]
    unit: str
    problems: Problems
    place: Place
    width_hint: str
    bad: set[tuple[int, int]] | frozenset[tuple[int, int]]
    records: list[tuple[Any, ...]] = field(default_factory=list)
    seen: dict[tuple[str, ...], int] = field(default_factory=dict)
    empty_values: list[int] = field(default_factory=list)
    ok: bool = True

    def row(self, number: int, row: list[str]) -> None:
        """One row that is not empty: its width, categories, uniqueness and value."""
        path, dims, place = self.path, self.dims, self.place
        if len(row) != len(dims) + 1:
            self.problems.add(path, f"the row has {len(row)} cells but the header has "
                              f"{len(dims) + 1}", self.width_hint, **place(number, None))
            self.ok = False
            return
        # As a reader sees it: a non-breaking space, a tab or two spaces read as one space.
        key = tuple(" ".join(cell.split()) for cell in row[:-1])
        self._categories(number, key)
        if key in self.seen:
            self.problems.add(path, f"this row repeats the categories of row {self.seen[key]} "
                              f"({', '.join(key)})", "remove the duplicate row, or correct its "
                              "categories", **place(number, None))
            self.ok = False
            return
        self.seen[key] = number
        if (number, len(dims)) in self.bad:
            self.ok = False
            return
        if not row[-1].strip():
            self.empty_values.append(number)
            self.ok = False
            return
        value, symbol, error = _parse_value_cell(row[-1], self.unit)
        if error:
            self.problems.add(path, error, _value_hint(row[-1], self.unit),
                              **place(number, len(dims)))
            self.ok = False
        self.records.append((*key, value, symbol, number))

    def _categories(self, number: int, key: tuple[str, ...]) -> None:
        """A row's category cells: none empty or still a placeholder."""
        for col, (dim, cell) in enumerate(zip(self.dims, key, strict=True)):
            if (number, col) in self.bad:
                self.ok = False
            elif not cell:
                self.problems.add(self.path, f"the '{dim}' cell is empty", "every row needs a "
                                  "category in every dimension column", **self.place(number, col))
                self.ok = False
            elif is_placeholder(cell):
                self.problems.add(self.path, f"the category is not filled in yet ('{cell}')",
                                  "fill in the category as the new report has it (replace the "
                                  "whole placeholder, FILL IN included)", **self.place(number, col))
                self.ok = False

    def report_empty_values(self) -> None:
        """Rows with no value: one problem for a template straight from `invoke new` (no value
        in any row), else one per row."""
        empty, column = self.empty_values, len(self.dims)
        if empty and len(empty) == len(self.seen):
            self.problems.add(self.path, f"no value is filled in yet (rows {empty[0]} to "
                              f"{empty[-1]})", "fill in the 'value' column from the new report: "
                              + VALUE_HINT, **self.place(empty[0], column))
        else:
            for number in empty:
                self.problems.add(self.path, "the value is empty: fill it in",
                                  "fill in " + VALUE_HINT, **self.place(number, column))


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


@dataclass
class Workbooks:
    """The workbooks a period's tables read, each opened once, and the sheets read from each."""

    opened: dict[Path, Workbook | None] = field(default_factory=dict)
    used: dict[Path, set[str]] = field(default_factory=dict)

    def open(self, path: Path, problems: Problems) -> Workbook | None:
        """The workbook at `path`, opened once (None, with its problem, if it cannot be read)."""
        if path not in self.opened:
            self.opened[path] = open_workbook(path, problems)
            self.used[path] = set()
        return self.opened[path]

    def check_unused(self, problems: Problems) -> None:
        """A problem for every sheet of an opened workbook that no table reads."""
        for path, book in self.opened.items():
            for sheet in book.sheetnames if book else []:
                if sheet not in self.used[path]:
                    problems.add(path, "this sheet is not declared by any table in period.yaml",
                                 f"declare it under 'tables:' with 'file: {path.name}' and "
                                 f"'sheet: {sheet}', or delete the sheet", cell=f"sheet {sheet}")
