"""Tables in an Excel workbook: one sheet per table, read into the same rows of text a CSV
gives, so that load_csv.py validates both the same way.

A sheet is laid out exactly like the CSV: the header in row 1 (the dimension columns, then
`value`), one row per cell below it. What only a workbook can get wrong is checked here, each
problem naming the workbook, the sheet and the cell:

* formulas: their results as Excel last saved them are read (openpyxl's data_only); a formula
  with no saved result (a workbook written by a program and never opened in Excel) is refused;
* dates, true/false values, error values (#DIV/0!) and percentage-formatted cells where a
  number is expected, and numbers stored as text (Excel's own SUM skips them, so a total
  worked out in the workbook would not match);
* dates where a category is expected (Excel turns "April 2021" into a date);
* merged cells, hidden sheets, hidden rows and columns (hidden data would be published
  without anyone seeing it), and anything written outside the table's columns.

Blank rows are skipped, as in a CSV, so trailing blank rows do not matter.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import NOT_APPLICABLE, NOT_AVAILABLE
from .problems import Problems

SUFFIX = ".xlsx"
MAX_SHEET_NAME = 31  # Excel's limit


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_place(sheet: str, row: int, column: int | None = None) -> str:
    """'sheet legal_status, cell B4', or 'sheet legal_status, row 4' for a whole row
    (column is 1-based)."""
    if column is None:
        return f"sheet {sheet}, row {row}"
    return f"sheet {sheet}, cell {column_letter(column)}{row}"


@dataclass
class Workbook:
    path: Path
    values: Any  # openpyxl workbook with formulas' saved results
    formulas: Any  # the same workbook with formulas as written

    @property
    def sheetnames(self) -> list[str]:
        return list(self.values.sheetnames)


def open_workbook(path: Path, problems: Problems) -> Workbook | None:
    """The workbook, or None with a problem if it is not a readable .xlsx file."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it does not read (data validation, styles);
            # none of them changes a cell's value.
            warnings.simplefilter("ignore", UserWarning)
            values = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        problems.add(path, f"the file cannot be read as an Excel workbook ({type(exc).__name__})",
                     "save it from Excel as 'Excel Workbook (*.xlsx)'; older .xls files, and CSV "
                     "files renamed to .xlsx, cannot be read")
        return None
    return Workbook(path, values, formulas)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _cells(sheet: Any, formulas: Any, last_row: int, last_col: int) -> Iterator[tuple[Any, Any]]:
    for row, frow in zip(sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_col),
                         formulas.iter_rows(min_row=1, max_row=last_row, max_col=last_col),
                         strict=True):
        yield from zip(row, frow, strict=True)


def _extent(sheet: Any, formulas: Any) -> tuple[int, int]:
    """The last row and column holding a value or a formula. Only the cells the file stores
    are visited: a formatted empty cell at row 1,048,576 makes max_row that large, and
    walking every position up to it took 38 s and 1.1 GB (openpyxl keeps the stored cells
    in a dict; it has no public way to visit only those)."""
    stored = getattr(sheet, "_cells", None)
    stored_formulas = getattr(formulas, "_cells", None)
    if stored is None or stored_formulas is None:  # another openpyxl: walk the positions
        cells = ((c.row, c.column, c.value, f.data_type)
                 for c, f in _cells(sheet, formulas, sheet.max_row, sheet.max_column))
    else:
        cells = ((row, column, cell.value, stored_formulas[(row, column)].data_type
                  if (row, column) in stored_formulas else "n")
                 for (row, column), cell in stored.items())
    last_row = last_col = 0
    for row, column, value, data_type in cells:
        if not _blank(value) or data_type == "f":
            last_row, last_col = max(last_row, row), max(last_col, column)
    return last_row, last_col


# Reports a problem at a cell of the sheet: (row, 1-based column or None, message, hint).
_Add = Callable[[int, "int | None", str, str], None]


def read_sheet(book: Workbook, name: str, columns: list[str], problems: Problems
               ) -> tuple[list[tuple[int, list[str]]], set[tuple[int, int]]] | None:
    """The sheet's rows as text, numbered as Excel numbers them, cut to the table's columns,
    and the (row, column index) of cells already reported as wrong. None if the sheet cannot
    be used at all (hidden, or empty)."""
    path = book.path
    sheet = book.values[name]
    formulas = book.formulas[name]

    def add(row: int, column: int | None, message: str, hint: str) -> None:
        problems.add(path, message, hint, cell=cell_place(name, row, column))

    if sheet.sheet_state != "visible":
        problems.add(path, "the sheet is hidden", "unhide it (right-click a sheet tab, Unhide) and "
                     "check what it holds: hidden data would be published without anyone seeing "
                     "it", cell=f"sheet {name}")
        return None
    width = len(columns)
    last_row, last_col = _extent(sheet, formulas)
    if not last_row:
        problems.add(path, "the sheet is empty", "add the header row (" + ", ".join(columns)
                     + ") and one row per cell of the table, as in the template",
                     cell=f"sheet {name}")
        return None
    bad = _merged_and_hidden(sheet, last_row, max(last_col, width), add)
    rows: dict[int, list[str]] = {}
    for cell, fcell in _cells(sheet, formulas, last_row, max(last_col, width)):
        row, col = cell.row, cell.column - 1
        value = cell.value
        if col >= width:
            if not _blank(value) or fcell.data_type == "f":
                add(row, col + 1, f"cell {column_letter(col + 1)}{row} is outside the table",
                    f"the table has {width} columns, A to {column_letter(width)} "
                    f"({', '.join(columns)}); delete this cell, or put notes in the table's "
                    "'note' in period.yaml")
            continue
        text = "" if (row, col) in bad else _cell_text(cell, fcell, col == width - 1, add, bad)
        rows.setdefault(row, [""] * width)[col] = text
    return [(row, rows.get(row, [""] * width)) for row in range(1, last_row + 1)], bad


def _merged_and_hidden(sheet: Any, last_row: int, last_col: int, add: _Add) -> set[tuple[int, int]]:
    """Merged cells (each cell of a merge is then bad: (row, 0-based column)), hidden rows and
    hidden columns up to `last_row` and `last_col`, each a problem."""
    bad: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        add(merged.min_row, merged.min_col, f"cells {merged.coord} are merged",
            "unmerge them (Home, Merge & Center, Unmerge Cells) and write the category in every "
            "row: each row stands for one cell of the table, as in a CSV")
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                bad.add((row, col - 1))
    for index, dim in sorted(sheet.row_dimensions.items()):
        if dim.hidden and index <= last_row:
            add(index, None, f"row {index} is hidden", "unhide it (select the rows either side, "
                "right-click, Unhide) and check it: hidden rows are read and published like any "
                "other, so nothing may be hidden")
    for dim in sheet.column_dimensions.values():
        low, high = dim.min or 0, dim.max or 0
        if dim.hidden and low <= last_col:
            span = column_letter(low) + (f" to {column_letter(high)}" if high > low else "")
            add(1, low, f"column {span} is hidden", "unhide it (select the columns either side, "
                "right-click, Unhide) and check it: nothing in a table's sheet may be hidden")
    return bad


def _cell_text(cell: Any, fcell: Any, is_value: bool, add: _Add, bad: set[tuple[int, int]]) -> str:
    """A cell of the table as text: a category, or the value as typed. A cell that cannot be
    read so (an unsaved formula, an error, a true/false, a date, a percentage format, a number
    stored as text) is a problem, is added to `bad`, and reads as ''."""
    row, col, value = cell.row, cell.column - 1, cell.value
    what = "a number" if is_value else "a category (text)"
    if fcell.data_type == "f" and value is None:
        add(row, col + 1, "the cell holds a formula whose result was not saved",
            "open the workbook in Excel and save it (Excel saves each formula's result), or "
            "type the value instead of the formula")
    elif cell.data_type == "e":
        add(row, col + 1, f"the cell holds the error {value}",
            "correct the formula, or type the value")
    elif isinstance(value, bool):
        add(row, col + 1, f"the cell holds {str(value).upper()} (a true/false value), not "
            f"{what}", "type the value" if is_value else "type the category as text")
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        shown = value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
        if is_value:
            add(row, col + 1, f"the cell holds a date ({shown}), not a number",
                "format the cell as Number (Format Cells, Number) and type the value")
        else:
            add(row, col + 1, f"the cell holds a date ({shown}), but categories are text",
                "format the column as Text (Format Cells, Text) and type the category again "
                "exactly as the template has it; Excel turns text such as 'April 2021' into "
                "dates unless the cell is Text")
    elif isinstance(value, (int, float)):
        if not (is_value and "%" in (cell.number_format or "")):
            return _number_text(value)
        add(row, col + 1, f"the cell is formatted as a percentage (it holds {value:g}, "
            f"shown as {value * 100:g}%)", "format the cell as Number and type the "
            "value itself (a count as a whole number; a percentage as 58.1, not 0.581): the "
            "site adds any % sign itself")
    elif value is not None:
        text = str(value).strip()
        if not (is_value and text not in (NOT_AVAILABLE, NOT_APPLICABLE) and _is_number_text(text)):
            return text
        add(row, col + 1, f"the number {text} is stored as text",
            "convert it to a number (select the cell, click the warning sign beside it, "
            "Convert to Number): Excel leaves numbers stored as text out of its sums")
    else:
        return ""
    bad.add((row, col))
    return ""
