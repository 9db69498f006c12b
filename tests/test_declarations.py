"""Declarations that cannot quietly switch protection off (issue 11): a percentage table of
children without a base, a total under another label, a row that is the sum of its line,
`counts: none` on numbers that look like people, a comparator count that does not say whom it
counts, and a percentage "of no one". Each is a problem naming the file, the line (or CSV row,
or sheet cell), the field and a fix, listed with every other problem, never a traceback."""

from __future__ import annotations

import pytest
from test_load_bad_input import find_problem
from test_workbook import BOOK, edit, to_workbook

import support
from support import load_problems as load
from transparency.publish import publish_site


def add_table(files: support.PeriodFiles, name: str, yaml: str,
              header: list[str], rows: list[tuple[object, ...]]) -> None:
    """Declare one more table first under `tables:` and write its CSV."""
    support.replace_in(files.yaml, "tables:\n", f"tables:\n  {name}:\n    file: {name}.csv\n"
                       + yaml)
    support.write_csv(files.folder / f"{name}.csv", header, rows)


def add_figure(files: support.PeriodFiles, name: str, yaml: str) -> None:
    support.replace_in(files.yaml, "figures:\n", f"figures:\n  {name}:\n" + yaml)


# --- 1. a percentage table of children needs a base, never 'counts: none' -----------------

PERCENT_TABLE = """\
    title: Children entering care by age (percent)
    dimensions:
      age: Age
    measure: Percentage of children entering care
    unit: percent
    counts: children
    source: Table 7
"""


def test_a_percentage_table_of_children_without_a_base_is_refused(files) -> None:
    add_table(files, "entering_age_percent", PERCENT_TABLE, ["age", "value"],
              [("Under 1", 51.6), ("1 to 4", 48.4), ("Total", 100)])
    problems = load(files)
    text = find_problem(problems, "period.yaml", "a percentage table of children needs 'base'",
                        line=support.line_of(files.yaml, "    counts: children"),
                        field="tables.entering_age_percent.counts")
    assert "add 'base:'" in text
    # The old hint offered the way round: call the children no one.
    assert not any("counts: none" in p.hint for p in problems.items), problems.report()
    assert len(problems) == 1, problems.report()


def test_with_a_base_it_is_valid(files) -> None:
    add_table(files, "entering_age_percent", PERCENT_TABLE + "    base: 192\n", ["age", "value"],
              [("Under 1", 51.6), ("1 to 4", 48.4), ("Total", 100)])
    problems = load(files)
    assert not problems, problems.report()


# --- 2. a total is labelled Total ---------------------------------------------------------

TOTAL_LOOKALIKES = ["TOTAL", "total", "All", "All children", "Grand total", "Grand Total",
                    "Total children", "Overall", "Sum", "  Grand   Total ", "GRAND TOTAL:",
                    "Total in care", "Overall total", "All ages", "Totl", "Totals"]


@pytest.mark.parametrize("label", TOTAL_LOOKALIKES)
def test_a_total_under_another_label_is_refused(files, label) -> None:
    support.replace_in(files.legal_status, "Total,1232", f"{label},1232")
    problems = load(files)
    text = find_problem(problems, "iro/2021-22/legal_status.csv",
                        f"'{' '.join(label.split())}' looks like a total but is not spelt "
                        "'Total'",
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


# --- 3. counts: none on a table that looks like people -----------------------------------

def none_table(unit: str, dim: str = "age: Age group", not_people: str = "") -> str:
    return (f"    title: Average days by age\n    dimensions:\n      {dim}\n"
            f"    measure: Average\n    unit: {unit}\n    counts: none\n"
            + (f"    not_people: {not_people}\n" if not_people else "")
            + "    source: Table 9\n")


def test_a_rate_table_by_age_must_tie_each_rate_or_say_why(files) -> None:
    # Rates by age are counts of children of each age over that age's population: each is
    # tied, or the table says why no count can be worked out (rates have their own rule).
    add_table(files, "by_age", none_table("rate_per_10000"), ["age", "value"],
              [("Under 1", 12.5), ("1 to 4", 7.5)])
    text = find_problem(load(files), "period.yaml", "'by_age' gives rates per 10,000 children",
                        field="tables.by_age.counts")
    assert "not_people:" in text and "'- rate: <the rate>'" in text


@pytest.mark.parametrize("unit", ["fte", "days", "weeks", "mean", "percent"])
def test_counts_none_on_a_table_of_people_must_say_why(files, unit) -> None:
    add_table(files, "by_age", none_table(unit), ["age", "value"],
              [("Under 1", 12.5), ("1 to 4", 7.5)])
    problems = load(files)
    text = find_problem(problems, "period.yaml", f"this table says 'counts: none' (unit '{unit}'),"
                        " so nothing in it is suppressed, but its dimensions describe people "
                        "(Age group)", line=support.line_of(files.yaml, "counts: none"),
                        field="tables.by_age.counts")
    assert "not_people:" in text and "counts: children" in text


@pytest.mark.parametrize("dim", ["ethnicity: Ethnic group", "legal_status: Legal status",
                                 "placement_type: Placement", "gender: Sex",
                                 "disability: Disability", "category: Category of need"])
def test_dimensions_that_describe_people(files, dim) -> None:
    column = dim.split(":")[0]
    add_table(files, "by_group", none_table("mean", dim), [column, "value"],
              [("A", 12.5), ("B", 7.5)])
    find_problem(load(files), "period.yaml", "its dimensions describe people",
                 field="tables.by_group.counts")


def test_counts_none_on_whole_numbers_must_say_why(files) -> None:
    add_table(files, "caseload", none_table("mean", "month: Month end"), ["month", "value"],
              [("April 2021", 80), ("May 2021", 82)])
    find_problem(load(files), "period.yaml", "this table says 'counts: none' (unit 'mean'), so "
                 "nothing in it is suppressed, but its values are all whole numbers",
                 line=support.line_of(files.yaml, "counts: none"), field="tables.caseload.counts")


def test_a_reason_lets_it_through_and_is_kept(files) -> None:
    reason = "caseloads per full-time IRO, a workload of staff"
    add_table(files, "caseload", none_table("mean", "month: Month end", reason),
              ["month", "value"], [("April 2021", 80), ("May 2021", 82)])
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    assert site.periods["iro/2021-22"].tables["caseload"].not_people == reason


def test_a_percentage_table_of_no_one_always_says_why(files) -> None:
    # Fractions on dimensions that do not describe people once needed no reason; a red team
    # showed reviews on time by quarter, "of no one", beside the reviews held give the late
    # ones. A percentage is a share of some count: it says why that count is no one's.
    add_table(files, "moderation", none_table("percent", "outcome: Outcome of moderation"),
              ["outcome", "value"], [("Same grade", 62.5), ("Reduced", 37.5)])
    find_problem(load(files), "period.yaml", "but a percentage is a share of some count",
                 field="tables.moderation.counts")
    support.replace_in(files.yaml, "    counts: none\n", "    counts: none\n    not_people: how "
                       "grades changed on a second check of auditors' work\n")
    assert not load(files), load(files).report()


def test_not_people_is_refused_where_counts_are_people_and_when_empty(files) -> None:
    support.replace_in(files.yaml, "    population: children_in_care\n",
                       "    population: children_in_care\n    not_people: staff\n")
    find_problem(load(files), "period.yaml", "'not_people' is only for a table that says "
                 "'counts: none'", line=support.line_of(files.yaml, "not_people:"),
                 field="tables.legal_status.not_people")
    support.replace_in(files.yaml, "    not_people: staff\n", "")
    add_table(files, "caseload", none_table("mean", "month: Month end", '""'),
              ["month", "value"], [("April 2021", 80)])
    find_problem(load(files), "period.yaml", "'not_people' must say why, in words",
                 line=support.line_of(files.yaml, "not_people:"),
                 field="tables.caseload.not_people")


# --- 4. a comparator count says what it counts ---------------------------------------------

COMPARATOR = """\
comparators:
  adoptions_compared:
    title: Children adopted, 2021
    unit: count
{counts}    source: Table 10
    values:
      Northmoor: 70
      Statistical neighbours: 52
tables:
"""


def test_a_comparator_count_without_counts_is_refused(files) -> None:
    support.replace_in(files.yaml, "tables:\n", COMPARATOR.format(counts=""))
    problems = load(files)
    text = find_problem(problems, "period.yaml", "a comparator with unit 'count' must say what "
                        "it counts", line=support.line_of(files.yaml, "title: Children adopted"),
                        field="comparators.adoptions_compared.counts")
    assert "counts: children" in text


def test_a_comparator_count_of_none_is_refused(files) -> None:
    support.replace_in(files.yaml, "tables:\n", COMPARATOR.format(counts="    counts: none\n"))
    find_problem(load(files), "period.yaml", "a comparator with unit 'count' must say what it "
                 "counts", line=support.line_of(files.yaml, "counts: none"),
                 field="comparators.adoptions_compared.counts")


def test_a_comparator_count_of_children_is_valid(files) -> None:
    support.replace_in(files.yaml, "tables:\n", COMPARATOR.format(counts="    counts: children\n"))
    assert not load(files), load(files).report()


def test_a_comparator_rate_must_be_tied_to_its_population_or_say_why(files) -> None:
    # One message, about what a rate is (a count over a population), whatever its values:
    # "its values are all whole numbers" with a hint to say 'counts: children' misled a new
    # council's officer, since a rate is never a count.
    support.replace_in(files.yaml, "tables:\n", COMPARATOR.format(counts="").replace(
        "unit: count", "unit: rate_per_10000"))
    problems = load(files)
    text = find_problem(problems, "period.yaml", "'adoptions_compared' gives rates per 10,000 "
                        "children, counts of children over a population: it must be tied to the "
                        "population or say why", field="comparators.adoptions_compared.counts")
    assert "whole numbers" not in problems.report() and "not_people" in text


# --- 5. a percentage figure of no one is tied to its counts, or says why -----------------

PERCENT = """\
    label: Reviews held on time (percent)
    value: {value}
    unit: percent
    counts: none
{extra}    source: Section 4
"""


def percent_figure(files: support.PeriodFiles, extra: str = "", value: object = 97.8) -> None:
    add_figure(files, "reviews_on_time_percent", PERCENT.format(value=value, extra=extra))


def test_a_percentage_of_no_one_is_refused(files) -> None:
    percent_figure(files)
    problems = load(files)
    text = find_problem(problems, "period.yaml", "a percentage that says 'counts: none' must be "
                        "tied to the count it is a percentage of, or say why it counts no one",
                        line=support.line_of(files.yaml, "counts: none"),
                        field="figures.reviews_on_time_percent.counts")
    assert "of:" in text and "part:" in text and "not_people:" in text


def test_with_a_reason_it_is_taken_at_its_word(files) -> None:
    percent_figure(files, "    not_people: a share of reviews whose number the source never "
                   "gives\n")
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    assert site.periods["iro/2021-22"].figures["reviews_on_time_percent"].not_people


def test_tied_by_of_and_part_it_is_valid_and_audited_as_one_number(files, tmp_path) -> None:
    percent_figure(files, "    of: reviews_held\n    part: reviews_on_time\n")
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    figure = site.periods["iro/2021-22"].figures["reviews_on_time_percent"]
    assert (figure.of, figure.part) == ("reviews_held", "reviews_on_time")
    published = publish_site(site, support.config(files.data, tmp_path))
    ratio = next(r for r in published.periods["iro/2021-22"].relations
                 if r.kind == "ratio" and "reviews_on_time_percent" in r.why)
    assert ratio.numerator == ((1.0, ("iro/2021-22", "figure", "reviews_on_time", ())),)
    assert ratio.denominator == ((1.0, ("iro/2021-22", "figure", "reviews_held", ())),)


def test_of_without_the_part_the_period_gives_asks_for_it(files) -> None:
    # 3,482 of 3,560 is 97.8%: the period has the count this percentage is the share of.
    percent_figure(files, "    of: reviews_held\n")
    text = find_problem(load(files), "period.yaml", "'reviews_on_time' (3482) is 97.8% of "
                        "'reviews_held' (3560): is it the count this percentage is the share of?",
                        line=support.line_of(files.yaml, "label: Reviews held on time (percent)"),
                        field="figures.reviews_on_time_percent")
    assert "part: reviews_on_time" in text and "distinct: [reviews_on_time_percent, " \
        "reviews_on_time]" in text
    support.append_yaml(files.yaml, "relations:\n  - distinct: [reviews_on_time_percent, "
                        "reviews_on_time]\n")
    # A declaration that switches a check off must say why (a red-team finding).
    find_problem(load(files), "period.yaml", "a 'distinct' relation must say why")
    support.append_yaml(files.yaml, "    reason: the percentage is of a sample of reviews\n")
    assert not load(files), load(files).report()


def test_a_part_that_does_not_give_the_percentage_is_refused(files) -> None:
    percent_figure(files, "    of: reviews_held\n    part: reviews_on_time\n", value=50)
    find_problem(load(files), "period.yaml", "'reviews_on_time' (3482) is 97.81% of "
                 "'reviews_held' (3560), not 50%", field="figures.reviews_on_time_percent.part")


def test_part_alone_ties_it_when_the_source_gives_no_whole(files, tmp_path) -> None:
    percent_figure(files, "    part: reviews_on_time\n")
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    published = publish_site(site, support.config(files.data, tmp_path))
    ratio = next(r for r in published.periods["iro/2021-22"].relations
                 if r.kind == "ratio" and "reviews_on_time_percent" in r.why)
    assert [i.name for i in ratio.implied] == ["reviews_on_time_percent:whole"]


@pytest.mark.parametrize(("extra", "phrase", "field"), [
    ("    of: no_such_figure\n", "'of: no_such_figure' must name a count figure", "of"),
    ("    of: reviews_held\n    part: reviews_held\n", "'part: reviews_held' must name a count "
     "figure of children or records in this period, other than 'of'", "part"),
    ("    of: reviews_held\n    not_people: no one\n", "a percentage tied to its counts",
     "not_people"),
])
def test_bad_ties_are_refused(files, extra, phrase, field) -> None:
    percent_figure(files, extra)
    find_problem(load(files), "period.yaml", phrase,
                 field=f"figures.reviews_on_time_percent.{field}")


# --- all at once ---------------------------------------------------------------------------

def test_every_declaration_problem_is_listed_at_once(files) -> None:
    percent_figure(files)
    support.replace_in(files.legal_status, "Total,1232", "Grand Total,1232")
    support.replace_in(files.yaml, "tables:\n", COMPARATOR.format(counts=""))
    add_table(files, "by_age", none_table("mean"), ["age", "value"], [("Under 1", 1.5)])
    problems = load(files)
    fields = {p.field for p in problems.items}
    assert {"figures.reviews_on_time_percent.counts", "legal_status",
            "comparators.adoptions_compared.counts", "tables.by_age.counts"} <= fields, \
        problems.report()
