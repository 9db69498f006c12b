"""Tables in an Excel workbook: the same tables as CSV, validated as strictly, each problem
naming the workbook, the sheet and the cell."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from test_load_bad_input import find_problem

import support
from sites import COUNCIL
from transparency import pipeline
from transparency.problems import Problems
from transparency.settings import resolve

BOOK = "tables.xlsx"


def _rows(csv_path: Path) -> list[list[object]]:
    """A CSV's rows as a spreadsheet holds them: numbers as numbers, x and z as text."""
    out: list[list[object]] = []
    for line in csv_path.read_text(encoding="utf-8").splitlines():
        cells: list[object] = line.split(",")
        if out:
            value = str(cells[-1])
            cells[-1] = int(value) if value.isdigit() else value
        out.append(cells)
    return out


def to_workbook(files: support.PeriodFiles, sheet_names: dict[str, str] | None = None) -> Path:
    """Move the period's two CSV tables into one workbook (one sheet per table) and point
    period.yaml at it; return the workbook's path."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for table, csv_path in (("legal_status", files.legal_status), ("age_gender", files.age_gender)):
        sheet = book.create_sheet((sheet_names or {}).get(table, table))
        for row in _rows(csv_path):
            sheet.append(row)
        support.replace_in(files.yaml, f"file: {csv_path.name}", f"file: {BOOK}"
                           + (f"\n    sheet: {sheet_names[table]}" if sheet_names and table in sheet_names
                              else ""))
        csv_path.unlink()
    path = files.folder / BOOK
    book.save(path)
    return path


def edit(path: Path, sheet: str = "legal_status") -> tuple[openpyxl.Workbook, Worksheet]:
    book = openpyxl.load_workbook(path)
    return book, book[sheet]


def load(files: support.PeriodFiles) -> Problems:
    _, problems = support.load_data(files.data)
    return problems


@pytest.fixture
def files(tmp_path: Path) -> support.PeriodFiles:
    return support.write_period(tmp_path / "data")


@pytest.fixture
def book(files: support.PeriodFiles) -> Path:
    return to_workbook(files)


# --- the same tables as CSV -----------------------------------------------------------

def test_a_workbook_loads_to_the_same_tables_as_the_csv_files(tmp_path: Path) -> None:
    as_csv = support.write_period(tmp_path / "csv")
    as_xlsx = support.write_period(tmp_path / "xlsx")
    to_workbook(as_xlsx)
    csv_site, problems = support.load_data(as_csv.data)
    assert not problems, problems.report()
    xlsx_site, problems = support.load_data(as_xlsx.data)
    assert not problems, problems.report()
    for name in ("legal_status", "age_gender"):
        from_csv = csv_site.periods["iro/2021-22"].tables[name]
        from_xlsx = xlsx_site.periods["iro/2021-22"].tables[name]
        assert from_xlsx.frame.equals(from_csv.frame), name
        assert from_xlsx.file == as_xlsx.folder / BOOK and from_xlsx.sheet == name
        for field in ("title", "dimensions", "measure", "unit", "counts", "date", "population",
                      "source", "rows"):
            assert getattr(from_xlsx, field) == getattr(from_csv, field), field


def test_sheet_names_a_sheet_other_than_the_table_name(files: support.PeriodFiles) -> None:
    to_workbook(files, {"legal_status": "Table 4"})
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    assert site.periods["iro/2021-22"].tables["legal_status"].sheet == "Table 4"


def test_formula_results_saved_by_excel_are_read(files: support.PeriodFiles, book: Path) -> None:
    # openpyxl cannot compute formulas, so write one with a saved result the way Excel does:
    # the <f> and its cached <v> side by side in the sheet's XML.
    workbook, sheet = edit(book)
    sheet["B6"] = "=SUM(B2:B5)"
    workbook.save(book)
    _with_cached_value(book, "B6", 1232)
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    table = site.periods["iro/2021-22"].tables["legal_status"]
    assert table.frame.loc[table.frame["legal_status"] == "Total", "value"].item() == 1232


def _with_cached_value(book: Path, cell: str, value: int) -> None:
    import re
    import zipfile

    with zipfile.ZipFile(book) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    xml, count = re.subn(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?',
                         rf"\1\2<v>{value}</v>", xml)
    assert count == 1, xml
    parts[name] = xml.encode()
    with zipfile.ZipFile(book, "w") as target:
        for part, data in parts.items():
            target.writestr(part, data)


def test_trailing_blank_rows_are_ignored(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["A20"] = "   "
    sheet["B30"] = ""
    workbook.save(book)
    assert not load(files), load(files).report()


def test_a_workbook_counts_as_declared_and_the_csv_files_it_replaced_do_not(
        files: support.PeriodFiles, book: Path) -> None:
    assert not load(files)
    support.write_csv(files.folder / "legal_status.csv", ["legal_status", "value"], [("A", 1)])
    find_problem(load(files), "legal_status.csv", "this file is not declared by any table")


def test_excels_lock_file_beside_an_open_workbook_is_not_a_stray_file(
        files: support.PeriodFiles, book: Path) -> None:
    (files.folder / f"~${BOOK}").write_bytes(b"\x0bofficer")
    assert not load(files), load(files).report()


def test_the_data_cache_sees_a_changed_workbook(files: support.PeriodFiles, book: Path,
                                                tmp_path: Path) -> None:
    content = tmp_path / "content"
    support.write_narrative(content)
    config = resolve({"DATA_PATH": str(files.data), "DATA_CACHE": str(tmp_path / "cache")}, content)
    before = pipeline._fingerprint(config)
    workbook, sheet = edit(book)
    sheet["B2"] = 846
    sheet["B6"] = 1233
    workbook.save(book)
    assert pipeline._fingerprint(config) != before
    published, problems = pipeline.prepare(config)
    assert not problems, problems.report()
    assert published.periods["iro/2021-22"].values["children_in_care"].value.number == 1233


# --- bad input: each names the workbook, the sheet and the cell ------------------------

def test_missing_workbook(files: support.PeriodFiles, book: Path) -> None:
    book.unlink()
    find_problem(load(files), "period.yaml", f"the file '{BOOK}' does not exist in 2021-22/",
                 field="tables.legal_status.file")


def test_a_file_that_is_not_a_workbook(files: support.PeriodFiles, book: Path) -> None:
    book.write_text("legal_status,value\n", encoding="utf-8")
    find_problem(load(files), BOOK, "cannot be read as an Excel workbook")


def test_missing_sheet(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet.title = "Legal status"
    workbook.save(book)
    problems = load(files)
    text = find_problem(problems, "period.yaml", f"the workbook '{BOOK}' has no sheet named "
                        "'legal_status'", field="tables.legal_status.file")
    assert "Legal status" in text  # the hint lists the sheets there are
    # ... and the renamed sheet is one no table reads.
    find_problem(problems, BOOK, "this sheet is not declared by any table")


def test_an_undeclared_sheet(files: support.PeriodFiles, book: Path) -> None:
    workbook, _ = edit(book)
    workbook.create_sheet("Notes")["A1"] = "Checked by the data team"
    workbook.save(book)
    text = find_problem(load(files), BOOK, "this sheet is not declared by any table")
    assert "sheet Notes" in text.splitlines()[0]


def test_wrong_header(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["A1"] = "status"
    workbook.save(book)
    text = find_problem(load(files), BOOK, "the header is 'status,value' but the table declares "
                        "'legal_status,value'")
    assert f"{BOOK}, sheet legal_status, row 1:" in text


def _problem_at(files: support.PeriodFiles, cell: str, phrase: str, sheet: str = "legal_status") -> str:
    text = find_problem(load(files), BOOK, phrase)
    assert f"{BOOK}, sheet {sheet}, cell {cell}:" in text.splitlines()[0], text
    return text


def test_non_numeric_value(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B4"] = "eighty-six"
    workbook.save(book)
    _problem_at(files, "B4", "'eighty-six' is not a number")


def test_negative_and_fractional_counts(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book, "age_gender")
    sheet["C3"] = -57
    sheet["C5"] = 42.5
    workbook.save(book)
    _problem_at(files, "C3", "-57 is negative", "age_gender")
    _problem_at(files, "C5", "42.5 is not a whole number", "age_gender")


def test_number_stored_as_text(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B4"] = "86"
    workbook.save(book)
    text = _problem_at(files, "B4", "the number 86 is stored as text")
    assert "Convert to Number" in text


def test_x_and_z_as_text_are_symbols(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B5"] = "x"
    workbook.save(book)
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    frame = site.periods["iro/2021-22"].tables["legal_status"].frame
    assert frame.loc[frame["legal_status"] == "Remand", "symbol"].item() == "x"


def test_date_where_a_number_is_expected(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B3"] = dt.datetime(2022, 3, 31)
    workbook.save(book)
    _problem_at(files, "B3", "the cell holds a date (2022-03-31), not a number")


def test_date_where_a_category_is_expected(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["A3"] = dt.datetime(2021, 4, 1)
    workbook.save(book)
    text = _problem_at(files, "A3", "the cell holds a date (2021-04-01), but categories are text")
    assert "Format Cells, Text" in text


def test_boolean_where_a_number_is_expected(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B2"] = True
    workbook.save(book)
    _problem_at(files, "B2", "the cell holds TRUE (a true/false value), not a number")


def test_percentage_formatted_cell(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B2"] = 0.5
    sheet["B2"].number_format = "0.0%"
    workbook.save(book)
    text = _problem_at(files, "B2", "the cell is formatted as a percentage")
    assert "type the value itself" in text


def test_formula_without_a_saved_result(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B6"] = "=SUM(B2:B5)"  # openpyxl saves no result, as a program that writes .xlsx may
    workbook.save(book)
    problems = load(files)
    text = _problem_at(files, "B6", "the cell holds a formula whose result was not saved")
    assert "save it" in text
    assert not any("empty" in p.message for p in problems.items), problems.report()


def test_error_value(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B6"] = "#DIV/0!"
    sheet["B6"].data_type = "e"
    workbook.save(book)
    _problem_at(files, "B6", "the cell holds the error #DIV/0!")


def test_merged_cells(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book, "age_gender")
    sheet.merge_cells("A2:A4")
    workbook.save(book)
    problems = load(files)
    text = _problem_at(files, "A2", "cells A2:A4 are merged", "age_gender")
    assert "Unmerge" in text
    assert not any("cell is empty" in p.message for p in problems.items), problems.report()


def test_hidden_row(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet.row_dimensions[4].hidden = True
    workbook.save(book)
    text = find_problem(load(files), BOOK, "row 4 is hidden")
    assert f"{BOOK}, sheet legal_status, row 4:" in text


def test_hidden_column(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet.column_dimensions["B"].hidden = True
    workbook.save(book)
    find_problem(load(files), BOOK, "column B is hidden")


def test_hidden_sheet(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet.sheet_state = "hidden"
    workbook.save(book)
    text = find_problem(load(files), BOOK, "the sheet is hidden")
    assert f"{BOOK}, sheet legal_status:" in text


def test_cells_outside_the_table(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["D3"] = "checked"
    workbook.save(book)
    text = _problem_at(files, "D3", "cell D3 is outside the table")
    assert "A to B (legal_status, value)" in text


def test_empty_cells_and_duplicates(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B3"] = None
    sheet["A5"] = "Placement order"
    workbook.save(book)
    problems = load(files)
    _problem_at(files, "B3", "the value is empty: fill it in")
    text = find_problem(problems, BOOK, "this row repeats the categories of row 4")
    assert f"{BOOK}, sheet legal_status, row 5:" in text


def test_totals_that_do_not_add_up_name_the_cell(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet["B6"] = 1233
    workbook.save(book)
    _problem_at(files, "B6", "the cells add up to 1232 but the Total row says 1233")


def test_empty_sheet(files: support.PeriodFiles, book: Path) -> None:
    workbook, sheet = edit(book)
    sheet.delete_rows(1, 10)
    workbook.save(book)
    find_problem(load(files), BOOK, "the sheet is empty")


def test_sheet_is_only_for_workbooks(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "file: legal_status.csv", "file: legal_status.csv\n    sheet: x")
    find_problem(load(files), "period.yaml", "'sheet' is only for tables in an Excel workbook",
                 field="tables.legal_status.sheet")


def test_the_fixture_councils_csv_data_still_loads(tmp_path: Path) -> None:
    shutil.copytree(COUNCIL / "data", tmp_path / "data")
    _, problems = support.load_data(tmp_path / "data")
    assert not problems, problems.report()


def test_a_formatted_empty_cell_at_the_last_row_does_not_set_the_extent(files, monkeypatch) -> None:
    # Issue 13: one formatted empty cell at row 1,048,576 made invoke check take 38 s and
    # 1.1 GB: the data's extent comes from cells that hold values, found without walking
    # every position up to the sheet's last row.
    from openpyxl.styles import Font

    from transparency import workbook

    walked: list[int] = []
    original = workbook._cells

    def counting(sheet, formulas, last_row, last_col):
        walked.append(last_row)
        return original(sheet, formulas, last_row, last_col)

    monkeypatch.setattr(workbook, "_cells", counting)

    path = to_workbook(files)
    book, sheet = edit(path)
    sheet.cell(row=1_048_576, column=1).font = Font(bold=True)
    book.save(path)
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    assert site.periods[files.key].tables["legal_status"].frame.shape[0] == 5
    assert max(walked, default=0) < 1_000, walked  # rows read are the table's, not a million
