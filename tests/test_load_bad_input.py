"""Bad input: each case breaks one thing in an otherwise valid data folder (or narrative)
and checks that the problem reported names the file, the problem, and the line or row."""

from __future__ import annotations

from pathlib import Path

import pytest

import support
from transparency import narrative, publish
from transparency.problems import Problem, Problems


def _where_and_message(problem: Problem) -> tuple[str, str]:
    first = problem.format().splitlines()[0]
    where, sep, message = first.partition(": ")
    assert sep, f"no ': ' separating place from message in {first!r}"
    return where, message


def find_problem(problems: Problems, file_end: str, phrase: str, *, line: int | None = None,
                 row: int | None = None, field: str | None = None) -> str:
    """Return the formatted text of the one problem about `file_end` containing `phrase`,
    checking the line (YAML) or row (CSV) and field it names."""
    matches = []
    for problem in problems.items:
        where, message = _where_and_message(problem)
        path_text = where.split(", ")[0]
        if Path(path_text).as_posix().endswith(file_end) and phrase in message:
            matches.append((problem, where))
    assert matches, (f"no problem about {file_end!r} saying {phrase!r}; found:\n"
                     + problems.report())
    at = [(problem, where) for problem, where in matches
          if (line is None or f", line {line}" in where) and (row is None or f", row {row}" in where)
          and (field is None or f"field '{field}'" in where)]
    assert at, (f"no problem saying {phrase!r} at line {line}, row {row}, field {field!r}; "
                f"found it at {[w for _, w in matches]}")
    # Exactly one at that place: a problem reported twice is a fault too.
    assert len(at) == 1, (f"{len(at)} problems about {file_end!r} say {phrase!r} at one place:\n"
                          + problems.report())
    problem, where = at[0]
    text = problem.format()
    assert "How to fix:" in text, f"no hint in {text!r}"
    return text


load = support.load_problems  # the `files` fixture is in conftest.py


# --- the baseline ---------------------------------------------------------------------

def test_the_minimal_period_is_valid(files: support.PeriodFiles) -> None:
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    period = site.periods["iro/2021-22"]
    assert set(period.figures) == {"reviews_held", "reviews_on_time"}
    assert set(period.tables) == {"legal_status", "age_gender"}
    assert set(period.metrics) == {"children_in_care", "review_timeliness"}
    assert set(period.targets) == {"review_timeliness_target"}


# --- period.yaml ----------------------------------------------------------------------

def test_malformed_yaml_gives_the_line(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "summary: Figures for", "summary: Note: figures for")
    line = support.line_of(files.yaml, "summary: Note:")
    problems = load(files)
    find_problem(problems, "iro/2021-22/period.yaml", "the YAML cannot be read", line=line)


def test_malformed_yaml_bad_indentation_gives_the_line(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "    label: Child in care reviews held on time",
                       "    label: Child in care reviews held on time\n   unit: count")
    line = support.line_of(files.yaml, "label: Child in care reviews held on time") + 1
    problems = load(files)
    find_problem(problems, "period.yaml", "the YAML cannot be read", line=line)


def test_unknown_report_kind_folder(files: support.PeriodFiles) -> None:
    support.write_period(files.data, report="xyz")
    problems = load(files)
    find_problem(problems, "data/xyz", "'xyz' is not a known report kind")
    # The valid report's period is unaffected.
    assert len(problems) == 1, problems.report()


def test_missing_required_field(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "summary: Figures for children in care and their reviews.\n", "")
    problems = load(files)
    find_problem(problems, "period.yaml", "the required field 'summary' is missing", field="summary")


def test_missing_required_field_in_a_figure(files: support.PeriodFiles) -> None:
    # A figure of the council's own (a standard one takes its label from presets.py).
    support.replace_in(files.yaml, "reviews_held", "reviews_chaired", count=2)
    support.replace_in(files.yaml, "    label: Child in care reviews chaired by IROs\n", "")
    problems = load(files)
    line = support.line_of(files.yaml, "reviews_chaired:") + 1
    find_problem(problems, "period.yaml", "the required field 'label' is missing",
                 line=line, field="figures.reviews_chaired.label")


def test_period_end_before_start(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "period_end: 2022-03-31", "period_end: 2021-03-31")
    problems = load(files)
    find_problem(problems, "period.yaml", "the period ends (2021-03-31) before it starts (2021-04-01)",
                 line=support.line_of(files.yaml, "period_end:"), field="period_end")


def test_empty_period_yaml(files: support.PeriodFiles) -> None:
    files.yaml.write_text("", encoding="utf-8")
    problems = load(files)
    find_problem(problems, "iro/2021-22/period.yaml", "the file is empty")


def test_period_yaml_in_latin1(files: support.PeriodFiles) -> None:
    text = files.yaml.read_text(encoding="utf-8").replace("Test Council", "Caf\xe9 Council")
    files.yaml.write_bytes(text.encode("latin-1"))
    problems = load(files)
    text = find_problem(problems, "iro/2021-22/period.yaml", "the file is not valid UTF-8 text")
    assert "UTF-8" in text.split("How to fix:")[1]


def test_duplicate_yaml_keys(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "summary: Figures", "title: A second title\nsummary: Figures")
    problems = load(files)
    find_problem(problems, "period.yaml", "the key 'title' appears twice",
                 line=support.line_of(files.yaml, "title: A second title"))


def test_duplicate_yaml_keys_nested(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "    value: 3482\n", "    value: 3482\n    value: 3483\n")
    problems = load(files)
    find_problem(problems, "period.yaml", "the key 'value' appears twice",
                 line=support.line_of(files.yaml, "value: 3483"))


def test_unknown_field(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "    source: Table 6\n", "    source: Table 6\n    colour: blue\n")
    problems = load(files)
    text = find_problem(problems, "period.yaml", "'colour' is not a known field here",
                        line=support.line_of(files.yaml, "colour: blue"),
                        field="tables.age_gender.colour")
    assert "measure" in text  # the hint lists the known fields


def test_unknown_top_level_field(files: support.PeriodFiles) -> None:
    support.append_yaml(files.yaml, "summery: A misspelt field.\n")
    problems = load(files)
    find_problem(problems, "period.yaml", "'summery' is not a known field here",
                 line=support.line_of(files.yaml, "summery:"), field="summery")


def test_metric_selecting_a_missing_category(files: support.PeriodFiles) -> None:
    support.append_yaml(files.yaml, """\
  remanded:
    label: Children remanded
    definition: Children remanded or committed for trial.
    type: value
    of: {table: legal_status, where: {legal_status: Remanded}}
""")
    problems = load(files)
    text = find_problem(problems, "period.yaml",
                        "'Remanded' is not a category of 'legal_status' in table 'legal_status'",
                        field="metrics.remanded")
    reported = int(text.split(", line ")[1].split(",")[0])
    first = support.line_of(files.yaml, "remanded:")
    last = support.line_of(files.yaml, "of: {table: legal_status, where")
    assert first <= reported <= last


def test_metric_naming_a_missing_figure(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "numerator: reviews_on_time", "numerator: reviews_in_time")
    problems = load(files)
    text = find_problem(problems, "period.yaml", "there is no figure named 'reviews_in_time'",
                        field="metrics.review_timeliness")
    assert "reviews_on_time" in text  # the hint lists the figures there are


_READING = ("  children_in_care_september:\n    label: Children in care at 30 September 2021\n"
            "    value: 1300\n    unit: count\n    counts: children\n    date: 2021-09-30\n"
            "    series: {series}\n    source: Section 2\n")


def test_a_reading_of_a_stock_names_it(files: support.PeriodFiles) -> None:
    # The minimal period's children_in_care is a value metric of the legal status table, which
    # has a date: a stock, so a reading at another date may name it.
    support.replace_in(files.yaml, "  reviews_held:\n",
                       _READING.format(series="children_in_care") + "  reviews_held:\n")
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    assert site.periods["iro/2021-22"].figures["children_in_care_september"].series == "children_in_care"


@pytest.mark.parametrize(("series", "phrase"), [
    ("children_in_kare", "no period of the report has a figure or metric of that name"),
    # reviews_held counts records over the period, not children on a date.
    ("reviews_held", "it is not a snapshot counting the same things in the same unit"),
])
def test_a_reading_of_an_unknown_or_other_measure(files: support.PeriodFiles, series: str,
                                                 phrase: str) -> None:
    support.replace_in(files.yaml, "  reviews_held:\n", _READING.format(series=series) + "  reviews_held:\n")
    problems = load(files)
    find_problem(problems, "period.yaml", f"'series: {series}' of 'children_in_care_september': {phrase}",
                 field="figures.children_in_care_september.series")


def test_a_reading_needs_a_date(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "  reviews_held:\n", _READING.format(series="children_in_care")
                       .replace("    date: 2021-09-30\n", "") + "  reviews_held:\n")
    problems = load(files)
    find_problem(problems, "period.yaml", "'series' names the measure a snapshot is a reading of, "
                 "but this figure has no 'date'", field="figures.children_in_care_september.series")


def test_previous_naming_a_missing_period(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "published:", "previous: 2020-21\npublished:")
    problems = load(files)
    find_problem(problems, "iro/2021-22/period.yaml", "previous period '2020-21' does not exist",
                 field="previous")


def test_previous_naming_a_missing_period_gives_the_line(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "published:", "previous: 2020-21\npublished:")
    problems = load(files)
    find_problem(problems, "iro/2021-22/period.yaml", "previous period '2020-21' does not exist",
                 line=support.line_of(files.yaml, "previous:"))


def test_previous_naming_a_later_period(files: support.PeriodFiles) -> None:
    support.write_period(files.data, period="2022-23", start="2022-04-01", end="2023-03-31")
    support.replace_in(files.yaml, "published:", "previous: 2022-23\npublished:")
    problems = load(files)
    find_problem(problems, "iro/2021-22/period.yaml", "previous period '2022-23' does not end "
                 "before this one", field="previous")


def test_report_field_disagrees_with_folder(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "report: iro", "report: cp")
    problems = load(files)
    find_problem(problems, "period.yaml", "report is 'cp' but the folder is data/iro/",
                 line=1, field="report")


# --- CSV files ------------------------------------------------------------------------

def test_non_numeric_count_in_csv(files: support.PeriodFiles) -> None:
    support.replace_in(files.legal_status, "Placement order,86", "Placement order,eighty-six")
    problems = load(files)
    find_problem(problems, "iro/2021-22/legal_status.csv", "'eighty-six' is not a number",
                 row=support.line_of(files.legal_status, "Placement order"), field="value")


def test_number_with_a_decimal_comma_in_csv(files: support.PeriodFiles) -> None:
    # "1,232" is read as Excel's thousands separator (tests/real_inputs); a comma that is not
    # one (a decimal comma, or a misplaced separator) is not a number.
    support.replace_in(files.legal_status, "Total,1232", 'Total,"1232,0"')
    support.replace_in(files.legal_status, "Remand,20", 'Remand,"2,0"')
    problems = load(files)
    find_problem(problems, "legal_status.csv", "'1232,0' is not a number",
                 row=support.line_of(files.legal_status, "Total"))
    find_problem(problems, "legal_status.csv", "'2,0' is not a number",
                 row=support.line_of(files.legal_status, "Remand"))


def test_negative_count_in_csv(files: support.PeriodFiles) -> None:
    support.replace_in(files.age_gender, "1 to 4,Male,50", "1 to 4,Male,-50")
    problems = load(files)
    find_problem(problems, "iro/2021-22/age_gender.csv", "-50 is negative",
                 row=support.line_of(files.age_gender, "1 to 4,Male"), field="value")


def test_fractional_count_in_csv(files: support.PeriodFiles) -> None:
    support.replace_in(files.legal_status, "Remand,20", "Remand,20.5")
    problems = load(files)
    find_problem(problems, "legal_status.csv", "20.5 is not a whole number",
                 row=support.line_of(files.legal_status, "Remand"))


def test_breakdown_not_summing_to_total_1d(files: support.PeriodFiles) -> None:
    support.replace_in(files.legal_status, "Total,1232", "Total,1233")
    problems = load(files)
    find_problem(problems, "iro/2021-22/legal_status.csv",
                 "the cells add up to 1232 but the Total row says 1233",
                 row=support.line_of(files.legal_status, "Total,1233"))


def test_breakdown_not_summing_to_total_2d(files: support.PeriodFiles) -> None:
    # Under 1 by gender: 42 + 57 = 99; say 100 instead. The overall totals still add up
    # along the age dimension only if 'Total,Total' changes too, so only one line is wrong.
    support.replace_in(files.age_gender, "Under 1,Total,99", "Under 1,Total,100")
    support.replace_in(files.age_gender, "Total,Total,192", "Total,Total,193")
    problems = load(files)
    text = find_problem(problems, "age_gender.csv", "the cells add up to 99 but the Total row says 100",
                        row=support.line_of(files.age_gender, "Under 1,Total"))
    assert "age = Under 1" in text
    # The grand total disagrees with the gender totals (85 + 107 = 192) too.
    find_problem(problems, "age_gender.csv", "the cells add up to 192 but the Total row says 193",
                 row=support.line_of(files.age_gender, "Total,Total"))


def test_duplicate_csv_rows(files: support.PeriodFiles) -> None:
    support.replace_in(files.legal_status, "Remand,20\n", "Remand,20\nRemand,20\n")
    problems = load(files)
    first = support.line_of(files.legal_status, "Remand")
    find_problem(problems, "legal_status.csv", f"this row repeats the categories of row {first}",
                 row=first + 1)


def test_duplicate_csv_rows_2d(files: support.PeriodFiles) -> None:
    support.replace_in(files.age_gender, "1 to 4,Female,43\n", "1 to 4,Female,43\n1 to 4,Female,43\n")
    problems = load(files)
    first = support.line_of(files.age_gender, "1 to 4,Female")
    find_problem(problems, "age_gender.csv", f"this row repeats the categories of row {first} "
                 "(1 to 4, Female)", row=first + 1)


def test_csv_with_wrong_header(files: support.PeriodFiles) -> None:
    support.replace_in(files.legal_status, "legal_status,value", "status,count")
    problems = load(files)
    find_problem(problems, "legal_status.csv",
                 "the header is 'status,count' but the table declares 'legal_status,value'", row=1)


def test_csv_with_columns_in_the_wrong_order(files: support.PeriodFiles) -> None:
    text = files.age_gender.read_text(encoding="utf-8").splitlines()
    swapped = ["gender,age,value"] + [
        ",".join([r.split(",")[1], r.split(",")[0], r.split(",")[2]]) for r in text[1:]]
    files.age_gender.write_text("\n".join(swapped) + "\n", encoding="utf-8")
    problems = load(files)
    find_problem(problems, "age_gender.csv", "the header is 'gender,age,value' but the table "
                 "declares 'age,gender,value'", row=1)


def test_stray_file_in_data_folder(files: support.PeriodFiles) -> None:
    (files.data / "stray.csv").write_text("a,value\nb,1\n", encoding="utf-8")
    problems = load(files)
    find_problem(problems, "data/stray.csv", "a file is in the wrong place")


def test_stray_file_in_report_folder(files: support.PeriodFiles) -> None:
    (files.data / "iro" / "notes.txt").write_text("notes\n", encoding="utf-8")
    problems = load(files)
    find_problem(problems, "data/iro/notes.txt", "a file is in the wrong place")


def test_undeclared_csv_in_period_folder(files: support.PeriodFiles) -> None:
    support.write_csv(files.folder / "placement_type.csv", ["placement_type", "value"],
                      [("Foster care", 561), ("Total", 561)])
    problems = load(files)
    text = find_problem(problems, "iro/2021-22/placement_type.csv",
                        "this file is not declared by any table in period.yaml")
    assert "file: placement_type.csv" in text


def test_badly_named_period_folder(files: support.PeriodFiles) -> None:
    support.write_period(files.data, period="2021_22")
    problems = load(files)
    find_problem(problems, "data/iro/2021_22", "'2021_22' is not a valid period folder name")


def test_table_file_that_does_not_exist(files: support.PeriodFiles) -> None:
    files.age_gender.unlink()
    problems = load(files)
    find_problem(problems, "period.yaml", "the file 'age_gender.csv' does not exist in 2021-22/",
                 line=support.line_of(files.yaml, "file: age_gender.csv"),
                 field="tables.age_gender.file")


def test_empty_csv(files: support.PeriodFiles) -> None:
    files.legal_status.write_text("", encoding="utf-8")
    problems = load(files)
    find_problem(problems, "iro/2021-22/legal_status.csv", "the file is empty")


def test_csv_with_header_only(files: support.PeriodFiles) -> None:
    files.legal_status.write_text("legal_status,value\n", encoding="utf-8")
    problems = load(files)
    find_problem(problems, "legal_status.csv", "the file has a header but no data rows", row=1)


def test_csv_in_latin1(files: support.PeriodFiles) -> None:
    files.legal_status.write_bytes(
        b"legal_status,value\nCare order,845\nInterim care order,281\nPlacement order,86\n"
        b"Remand caf\xe9,20\nTotal,1232\n")
    problems = load(files)
    text = find_problem(problems, "iro/2021-22/legal_status.csv", "the file is not valid UTF-8 text",
                        line=5)
    assert "byte 0xE9 at character 11 reads as 'é' in Windows-1252" in text
    assert "CSV UTF-8" in text


def test_csv_saved_by_excel_as_plain_csv(files: support.PeriodFiles) -> None:
    """Excel's 'CSV (Comma delimited)' writes Windows-1252: an en dash is the byte 0x96."""
    text = files.legal_status.read_text(encoding="utf-8").replace("Remand", "Remand \u2013 youth")
    files.legal_status.write_bytes(text.encode("cp1252"))
    problems = load(files)
    line = 1 + text.splitlines().index(next(ln for ln in text.splitlines() if "\u2013" in ln))
    message = find_problem(problems, "iro/2021-22/legal_status.csv",
                           "reads as '\u2013' in Windows-1252", line=line)
    assert "in Excel: Save As, CSV UTF-8" in message


def test_csv_with_a_missing_cell(files: support.PeriodFiles) -> None:
    support.replace_in(files.age_gender, "Under 1,Male,57", "Under 1,57")
    problems = load(files)
    find_problem(problems, "age_gender.csv", "the row has 2 cells but the header has 3",
                 row=support.line_of(files.age_gender, "Under 1,57"))


def test_tables_of_one_population_disagree(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "population: children_entering_care", "population: children_in_care")
    problems = load(files)
    find_problem(problems, "period.yaml", "has total 192 but table 'legal_status' of the same "
                 "population 'children_in_care' has 1232", field="tables.age_gender.population")


def test_a_bad_csv_gives_no_false_follow_on_problem(files: support.PeriodFiles) -> None:
    support.replace_in(files.legal_status, "Remand,20", "Remand,twenty")
    problems = load(files)
    find_problem(problems, "legal_status.csv", "'twenty' is not a number")
    assert not any("there is no table named 'legal_status'" in p.message for p in problems.items), (
        problems.report())


def test_period_folder_without_period_yaml(files: support.PeriodFiles) -> None:
    files.yaml.unlink()
    problems = load(files)
    find_problem(problems, "data/iro/2021-22", "the period folder has no period.yaml")


def test_invalid_date(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "published: 2022-06-06", "published: 2022-13-06")
    problems = load(files)
    find_problem(problems, "period.yaml", "'2022-13-06' is not a date",
                 line=support.line_of(files.yaml, "published:"), field="published")


def test_count_figure_must_count_people(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "    counts: records\n", "    counts: none\n")
    problems = load(files)
    find_problem(problems, "period.yaml",
                 "a figure with unit 'count' must count children, records or staff",
                 line=support.line_of(files.yaml, "counts: none"), field="figures.reviews_held.counts")


def test_staff_counts_are_whole_counts(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "figures:\n", "figures:\n  iro_fte_staff:\n"
                       "    label: IROs (full-time equivalent)\n    value: 11.2\n    unit: fte\n"
                       "    counts: staff\n    source: Section 2\n")
    problems = load(files)
    find_problem(problems, "period.yaml", "'counts: staff' is for whole counts of posts",
                 line=support.line_of(files.yaml, "counts: staff"),
                 field="figures.iro_fte_staff.counts")


def test_negative_figure_in_yaml(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "value: 3560", "value: -3560")
    problems = load(files)
    find_problem(problems, "period.yaml", "-3560 is negative",
                 line=support.line_of(files.yaml, "value: -3560"), field="figures.reviews_held.value")


def test_non_numeric_figure_in_yaml(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "value: 3560", "value: 35,60")
    problems = load(files)
    find_problem(problems, "period.yaml", "'35,60' is not a number",
                 line=support.line_of(files.yaml, "value: 35,60"), field="figures.reviews_held.value")


# --- all at once ----------------------------------------------------------------------

def test_all_problems_are_reported_at_once(files: support.PeriodFiles) -> None:
    support.replace_in(files.legal_status, "Total,1232", "Total,1233")
    support.replace_in(files.yaml, "    source: Table 6\n", "    source: Table 6\n    colour: blue\n")
    support.replace_in(files.age_gender, "1 to 4,Male,50", "1 to 4,Male,fifty")
    problems = load(files)
    find_problem(problems, "legal_status.csv", "the cells add up to 1232 but the Total row says 1233")
    find_problem(problems, "period.yaml", "'colour' is not a known field here")
    find_problem(problems, "age_gender.csv", "'fifty' is not a number")


def test_problems_in_several_periods_are_all_reported(files: support.PeriodFiles) -> None:
    other = support.write_period(files.data, report="cp", period="2019-10-to-2020-09",
                                 start="2019-10-01", end="2020-09-30")
    files.yaml.write_text("", encoding="utf-8")
    support.replace_in(other.age_gender, "Under 1,Female,42", "Under 1,Female,-42")
    (files.data / "stray.csv").write_text("x\n", encoding="utf-8")
    problems = load(files)
    find_problem(problems, "iro/2021-22/period.yaml", "the file is empty")
    find_problem(problems, "cp/2019-10-to-2020-09/age_gender.csv", "-42 is negative")
    find_problem(problems, "data/stray.csv", "a file is in the wrong place")
    assert problems.report().startswith(f"{len(problems)} problems found:")


# --- the narrative --------------------------------------------------------------------

@pytest.fixture
def content(tmp_path: Path) -> Path:
    path = tmp_path / "content"
    path.mkdir()
    return path


def check_narrative(files: support.PeriodFiles, content: Path) -> Problems:
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    config = support.config(files.data, content)
    published = publish.publish_site(site, config)
    narrative_problems = Problems()
    narrative.check_content(config.content_path, published, narrative_problems)
    return narrative_problems


def test_valid_narrative_has_no_problems(files: support.PeriodFiles, content: Path) -> None:
    support.write_narrative(content)
    problems = check_narrative(files, content)
    assert not problems, problems.report()


def test_unknown_name_in_narrative(files: support.PeriodFiles, content: Path) -> None:
    path = support.write_narrative(content, text=support.NARRATIVE.replace(
        "{{ children_in_care }}", "{{ children_in_kare }}"))
    problems = check_narrative(files, content)
    text = find_problem(problems, "content/iro/2021-22.md",
                        "'children_in_kare' is not a name in iro/2021-22",
                        line=support.line_of(path, "children_in_kare"))
    assert "did you mean 'children_in_care'?" in text


def test_misspelt_reference_kind(files: support.PeriodFiles, content: Path) -> None:
    path = support.write_narrative(content, text=support.NARRATIVE + "\nIt was {{ chnage x }}.\n")
    problems = check_narrative(files, content)
    text = find_problem(problems, "iro/2021-22.md", "'chnage' is not a kind of reference",
                        line=support.line_of(path, "chnage"))
    assert "did you mean 'change'?" in text


def test_unknown_chart_type(files: support.PeriodFiles, content: Path) -> None:
    path = support.write_narrative(
        content, text=support.NARRATIVE + "\n{{ chart legal_status type=pie }}\n")
    problems = check_narrative(files, content)
    find_problem(problems, "iro/2021-22.md", "'pie' is not a chart type",
                 line=support.line_of(path, "type=pie"))


def test_table_reference_not_alone_on_its_line(files: support.PeriodFiles, content: Path) -> None:
    path = support.write_narrative(
        content, text=support.NARRATIVE + "\nSee {{ table age_gender }} for ages.\n")
    problems = check_narrative(files, content)
    find_problem(problems, "iro/2021-22.md", "a table reference must stand alone on its line",
                 line=support.line_of(path, "See {{ table age_gender }}"))


def test_table_reference_not_in_its_own_paragraph(files: support.PeriodFiles,
                                                    content: Path) -> None:
    path = support.write_narrative(
        content, text=support.NARRATIVE + "\nThe ages of children entering care:\n"
                                          "{{ table age_gender }}\n")
    problems = check_narrative(files, content)
    find_problem(problems, "iro/2021-22.md", "table", line=support.line_of(path, "{{ table age_gender"))


def test_narrative_for_a_period_with_no_data(files: support.PeriodFiles, content: Path) -> None:
    support.write_narrative(content)
    support.write_narrative(content, period="2019-20")
    problems = check_narrative(files, content)
    find_problem(problems, "content/iro/2019-20.md", "there is no data for iro/2019-20")
    assert len(problems) == 1, problems.report()


def test_period_with_data_but_no_narrative(files: support.PeriodFiles, content: Path) -> None:
    (content / "iro").mkdir()
    problems = check_narrative(files, content)
    find_problem(problems, "content/iro/2021-22.md", "period iro/2021-22 has data but no narrative")


def test_narrative_in_the_wrong_place(files: support.PeriodFiles, content: Path) -> None:
    support.write_narrative(content)
    stray = content / "iro" / "old" / "2021-22.md"
    stray.parent.mkdir()
    stray.write_text("Title: Old\n\nText.\n", encoding="utf-8")
    problems = check_narrative(files, content)
    find_problem(problems, "content/iro/old/2021-22.md", "this file is in the wrong place")


def test_all_narrative_problems_are_reported_at_once(files: support.PeriodFiles,
                                                     content: Path) -> None:
    path = support.write_narrative(content, text=support.NARRATIVE
                                   + "\n{{ nosuch }} and {{ chnage children_in_care }}.\n"
                                     "\n{{ chart legal_status type=pie }}\n")
    problems = check_narrative(files, content)
    find_problem(problems, "2021-22.md", "'nosuch' is not a name", line=support.line_of(path, "nosuch"))
    find_problem(problems, "2021-22.md", "'chnage' is not a kind", line=support.line_of(path, "chnage"))
    find_problem(problems, "2021-22.md", "'pie' is not a chart type",
                 line=support.line_of(path, "type=pie"))


# YAML 1.2, not 1.1 (issue 13): what an officer typed is never another number.
@pytest.mark.parametrize(("typed", "read"), [("015", 15), ("090", 90), ("0o17", 15), ("3560", 3560)])
def test_numbers_are_read_as_typed(files, typed, read) -> None:
    support.replace_in(files.yaml, "value: 3560", f"value: {typed}")
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    assert site.periods[files.key].figures["reviews_held"].value == read


def test_a_time_like_value_is_refused_not_read_in_base_60(files) -> None:
    support.replace_in(files.yaml, "value: 3560", "value: 1:30")
    assert [p.message for p in load(files).items] == ["'1:30' is not a number"]


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO"])
def test_yes_no_on_off_are_words_not_true_or_false(files, word) -> None:
    support.replace_in(files.yaml, "    headline: true\n", f"    headline: {word}\n")
    assert "'headline' must be true or false" in [p.message for p in load(files).items]


def test_yes_and_no_as_categories_stay_words(tmp_path) -> None:
    from transparency.yamlio import read_yaml

    path = tmp_path / "x.yaml"
    path.write_text("categories: [Yes, No, Not known]\nflag: off\n", encoding="utf-8")
    assert read_yaml(path) == {"categories": ["Yes", "No", "Not known"], "flag": "off"}


@pytest.mark.parametrize("name", ["row", "symbol", "value"])
def test_a_dimension_named_like_an_engine_column_is_a_problem_not_a_crash(files, name) -> None:
    # Issue 13: a dimension named `row` crashed invoke check with a traceback.
    support.replace_in(files.yaml, "      legal_status: Legal status\n", f"      {name}: Legal status\n")
    files.legal_status.write_text(files.legal_status.read_text().replace("legal_status,value",
                                                                         f"{name},value"))
    messages = [p.message for p in load(files).items]
    assert f"'{name}' is not a valid dimension name" in messages


def test_a_computed_total_needs_total_rows(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "      legal_status: Legal status\n",
                       "      legal_status: Legal status\n    total: computed\n")
    assert not load(files)  # legal_status.csv has its Total row
    support.write_csv(files.legal_status, ["legal_status", "value"], [("Care order", 900)])
    find_problem(load(files), "period.yaml", "'total: computed' says the file's Total rows are "
                 "worked out, but it has none", field="tables.legal_status.total")


def test_a_chart_order_that_is_not_listed_or_value(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "      legal_status: Legal status\n",
                       "      legal_status: Legal status\n    order: alphabetical\n")
    text = find_problem(load(files), "period.yaml", "'alphabetical' is not a valid order",
                        line=support.line_of(files.yaml, "order: alphabetical"),
                        field="tables.legal_status.order")
    assert "use one of: listed, value" in text
    support.replace_in(files.yaml, "order: alphabetical", "order: listed")
    site, problems = support.load_data(files.data)
    assert not problems and site.periods["iro/2021-22"].tables["legal_status"].order == "listed"


RATE = """\
  cic_rate:
    label: Children in care per 10,000 children
    definition: Children in care per 10,000 children aged under 18.
    type: rate
    numerator: {table: legal_status}
    denominator: DENOMINATOR
"""


@pytest.mark.parametrize(("denominator", "extra", "message", "field"), [
    # A table is no population figure.
    ("{table: age_gender}", "", "the rate 'cic_rate' needs a figure as its denominator",
     "metrics.cic_rate.denominator"),
    # The population must count children.
    ("reviews_held", "", "the population 'reviews_held' of the rate 'cic_rate' is not a count "
     "of children", "metrics.cic_rate.denominator"),
])
def test_a_rate_needs_a_population_of_children(files: support.PeriodFiles, denominator, extra,
                                               message, field) -> None:
    support.replace_in(files.yaml, "metrics:\n", "metrics:\n" + RATE.replace("DENOMINATOR",
                                                                              denominator))
    problems = load(files)
    find_problem(problems, "period.yaml", message, line=support.line_of(files.yaml, "cic_rate:") + 1,
                 field=field)


def test_a_rate_of_records_is_refused(files: support.PeriodFiles) -> None:
    support.replace_in(files.yaml, "metrics:\n", "metrics:\n" + RATE.replace(
        "DENOMINATOR", "child_population").replace("{table: legal_status}", "reviews_held"))
    support.replace_in(files.yaml, "figures:\n", "figures:\n  child_population:\n    label: "
                       "Children aged under 18\n    value: 148200\n    unit: count\n    counts: "
                       "children\n    source: ONS mid-2021 estimates\n")
    problems = load(files)
    find_problem(problems, "period.yaml", "the rate 'cic_rate' is per 10,000 children, so its "
                 "numerator must be a count of children", field="metrics.cic_rate.numerator")


def test_a_rate_naming_what_the_period_lacks_is_a_problem_not_a_crash(
        files: support.PeriodFiles) -> None:
    # A cold review: a misspelt numerator table crashed the build (KeyError) and a
    # misspelt category published the rate as [x]; both are now problems with their line.
    support.replace_in(files.yaml, "metrics:\n", "metrics:\n" + RATE.replace(
        "DENOMINATOR", "child_population").replace("{table: legal_status}",
                                                   "{table: legal_stattus}"))
    support.replace_in(files.yaml, "figures:\n", "figures:\n  child_population:\n    label: "
                       "Children aged under 18\n    value: 148200\n    unit: count\n    counts: "
                       "children\n    source: ONS mid-2021 estimates\n")
    problems = load(files)
    assert problems, "a rate over a table the period lacks must be refused"
    assert any("legal_stattus" in p.message for p in problems.items), problems.report()
