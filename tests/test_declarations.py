"""Declarations that cannot quietly switch protection off (issue 11): a percentage table of
children without a base, a total under another label, a row that is the sum of its line,
`counts: none` on numbers that look like people, a comparator count that does not say whom it
counts, and a percentage "of no one". Each is a problem naming the file, the line (or CSV row,
or sheet cell), the field and a fix, listed with every other problem, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_load_bad_input import find_problem
from test_workbook import BOOK, edit, to_workbook

import support
from transparency.problems import Problems
from transparency.publish import publish_site


@pytest.fixture
def files(tmp_path: Path) -> support.PeriodFiles:
    return support.write_period(tmp_path / "data")


def load(files: support.PeriodFiles) -> Problems:
    _, problems = support.load_data(files.data)
    return problems


def add_table(files: support.PeriodFiles, name: str, yaml: str,
              header: list[str], rows: list[tuple[object, ...]]) -> None:
    """Declare one more table first under `tables:` and write its CSV."""
    support.replace_in(files.yaml, "tables:\n", f"tables:\n  {name}:\n    file: {name}.csv\n"
                       + yaml)
    support.write_csv(files.folder / f"{name}.csv", header, rows)


def add_figure(files: support.PeriodFiles, name: str, yaml: str) -> None:
    support.replace_in(files.yaml, "figures:\n", f"figures:\n  {name}:\n" + yaml)


# --- 2. a total is labelled Total ---------------------------------------------------------

TOTAL_LOOKALIKES = ["TOTAL", "total", "All", "All children", "Grand total", "Grand Total",
                    "Total children", "Overall", "Sum", "  Grand   Total ", "GRAND TOTAL:",
                    "Total in care", "Overall total", "All ages", "Totl", "Totals"]


@pytest.mark.parametrize("label", TOTAL_LOOKALIKES)
def test_a_total_under_another_label_is_refused(files, label) -> None:
    support.replace_in(files.legal_status, "Total,1232", f"{label},1232")
    problems = load(files)
    text = find_problem(problems, "iro/2021-22/legal_status.csv",
                        f"'{label.strip()}' looks like a total but is not spelt 'Total'",
                        row=support.line_of(files.legal_status, ",1232"), field="legal_status")
    assert "write Total" in text
    # One problem for the row: not a second one asking whether the sum is a total.
    assert len([p for p in problems.items if "legal_status.csv" in str(p.file)]) == 1, \
        problems.report()


def test_a_total_label_in_any_dimension_is_one_problem_at_its_first_row(files) -> None:
    text = files.age_gender.read_text(encoding="utf-8").replace(",Total,", ",All genders,")
    files.age_gender.write_text(text, encoding="utf-8")
    problems = load(files)
    find_problem(problems, "age_gender.csv", "'All genders' looks like a total",
                 row=support.line_of(files.age_gender, "All genders"), field="gender")
    assert sum("All genders" in p.message for p in problems.items) == 1, problems.report()


def test_a_total_label_in_a_workbook_names_the_sheet_and_cell(files) -> None:
    path = to_workbook(files)
    book, sheet = edit(path)
    assert sheet["A6"].value == "Total"
    sheet["A6"] = "Grand Total"
    book.save(path)
    problems = load(files)
    assert any(p.format().startswith(f"{files.folder / BOOK}, sheet legal_status, cell A6: "
                                     "'Grand Total' looks like a total")
               and "write Total" in p.hint for p in problems.items), problems.report()


@pytest.mark.parametrize("label", ["All other orders", "Other", "Not known", "Allocated", "Summary order"])
def test_labels_that_only_resemble_a_total_pass(files, label) -> None:
    support.replace_in(files.legal_status, "Remand,20", f"{label},20")
    assert not load(files), load(files).report()


# --- 2. a row equal to the sum of its line ------------------------------------------------

def test_a_row_equal_to_the_sum_of_its_line_asks_whether_it_is_a_total(files) -> None:
    support.replace_in(files.legal_status, "Total,1232", "Children in care,1232")
    problems = load(files)
    text = find_problem(problems, "legal_status.csv",
                        "'Children in care' (1232) is the sum of the other 4 categories of its "
                        "line (Legal status): is it a total?",
                        row=support.line_of(files.legal_status, "Children in care"),
                        field="legal_status")
    assert "write Total" in text and "not_total:" in text


def test_a_pivot_total_column_is_found_in_a_two_dimensional_table(files) -> None:
    # 'Both' in every age line, and for all ages: 42 + 57 = 99, 43 + 50 = 93, 85 + 107 = 192.
    text = files.age_gender.read_text(encoding="utf-8").replace(",Total,", ",Both,")
    files.age_gender.write_text(text, encoding="utf-8")
    problems = load(files)
    find_problem(problems, "age_gender.csv", "'Both' (99) is the sum of the other 2 categories "
                 "of its line (Gender): is it a total?",
                 row=support.line_of(files.age_gender, "Under 1,Both"), field="gender")
    assert sum("'Both'" in p.message for p in problems.items) == 1, problems.report()


# Care order = 30 + 20 + 10, a real legal status: a coincidence the table declares.
COINCIDENCE = {"Care order": 60, "Interim care order": 30, "Placement order": 20, "Remand": 10,
               "Total": 120}
NOT_TOTAL = '    not_total: {"Care order": "a legal status, equal to the others by chance"}\n'


def test_a_category_equal_to_the_sum_by_chance_is_a_problem_until_declared(tmp_path) -> None:
    files = support.write_period(tmp_path / "data", legal_status=COINCIDENCE)
    problems = load(files)
    find_problem(problems, "legal_status.csv", "'Care order' (60) is the sum of the other 3 "
                 "categories", row=2, field="legal_status")
    support.replace_in(files.yaml, "    source: Table 4\n", "    source: Table 4\n" + NOT_TOTAL)
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    table = site.periods["iro/2021-22"].tables["legal_status"]
    assert table.not_total == {"Care order": "a legal status, equal to the others by chance"}
    # It stays a category of its line, which the printed Total (120) is checked against.
    published = publish_site(site, support.config(files.data, tmp_path))
    cells = published.periods["iro/2021-22"].tables["legal_status"].cells
    assert cells[("Care order",)].text() == "60" and cells[("Total",)].text() == "120"


def test_not_total_must_name_a_category_and_give_a_reason(tmp_path) -> None:
    files = support.write_period(tmp_path / "data", legal_status=COINCIDENCE)
    support.replace_in(files.yaml, "    source: Table 4\n", "    source: Table 4\n"
                       + NOT_TOTAL.replace('"Care order"', '"Care orders"'))
    problems = load(files)
    find_problem(problems, "period.yaml", "'Care orders' is not a category of this table",
                 line=support.line_of(files.yaml, "not_total:"),
                 field="tables.legal_status.not_total")
    support.replace_in(files.yaml, '"Care orders": "a legal status, equal to the others by '
                       'chance"', '"Care order": ""')
    find_problem(load(files), "period.yaml", "'not_total' maps each category to why it is not a "
                 "total", field="tables.legal_status.not_total")


@pytest.mark.parametrize("legal", [
    # Only one other part above zero: 20 = 20 + 0 + 0 is no evidence.
    {"Care order": 20, "Interim care order": 20, "Placement order": 0, "Remand": 0, "Total": 40},
    # Two categories besides the Total: every pair is "the sum of the other".
    {"Care order": 20, "Interim care order": 20, "Total": 40},
    # A line with a value not available cannot be checked.
    {"Care order": 60, "Interim care order": 30, "Placement order": 20, "Remand": "x",
     "Total": "x"},
])
def test_no_sum_problem_without_evidence(tmp_path, legal) -> None:
    files = support.write_period(tmp_path / "data", legal_status=legal)
    problems = load(files)
    assert not any("is the sum of the other" in p.message for p in problems.items), \
        problems.report()


def test_a_sum_in_one_line_only_is_a_coincidence_not_a_total(tmp_path) -> None:
    # Three genders; 'Unknown' equals Female + Male for under-1s only.
    ages = {("Under 1", "Female"): 2, ("Under 1", "Male"): 3, ("Under 1", "Unknown"): 5,
            ("1 to 4", "Female"): 43, ("1 to 4", "Male"): 50, ("1 to 4", "Unknown"): 7,
            ("Total", "Female"): 45, ("Total", "Male"): 53, ("Total", "Unknown"): 12}
    files = support.write_period(tmp_path / "data", age_gender=ages)
    problems = load(files)
    assert not any("is the sum of the other" in p.message for p in problems.items), \
        problems.report()
