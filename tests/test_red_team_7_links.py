"""Red team 7: links between tables of the same children (issue 10). Each fixture
(tests/fixtures/red_team/<name>/, with a .NOTE.md giving what leaked and the arithmetic)
published a count a reader could work out; each now stops the build with a problem naming
both tables and the declaration that settles it, or publishes nothing the engine's audit or
the independent attacker can narrow. Unit tests on small tables cover the general pieces."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from test_red_team import FIXTURES, assert_protected, publish, shown

from factories import published_period, published_table
from transparency.audit import audit_period
from transparency.classifications import age_groups
from transparency.load import load_site
from transparency.publish import publish_site
from transparency.settings import resolve

CASES = {
    # Under 5 by gender beside Under 1 and 1 to 4 by gender: 1 to 4 F = 35 − 20, 16+ F = 4.
    # Either way to 16+ F has a hidden term: Total F − Under 5 F − 5 to 10 F − 11 to 15 F, or
    # Aged 5 and over F − 5 to 10 F − 11 to 15 F.
    "age-group-by-gender": lambda p: "[c]" in [
        shown(p, "cp/2021-22", "under_fives")["Under 5, Female"],
        *(shown(p, "cp/2021-22", "age_gender")[f"{a}, Female"] for a in ("5 to 10", "11 to 15"))]
    and "[c]" in [shown(p, "cp/2021-22", "under_fives")["Aged 5 and over, Female"],
                  *(shown(p, "cp/2021-22", "age_gender")[f"{a}, Female"]
                    for a in ("5 to 10", "11 to 15"))]
    and shown(p, "cp/2021-22", "age_gender")["16 and over, Female"] == "[c]",
    # October in a quarter's table and in the nine months' table: 25 − 13 − 10 = 2.
    "part-period-month": lambda p: shown(p, "iro/2019-04-to-2019-12", "challenges_by_month")[
        "December 2019"] == "[c]" and shown(p, "iro/2019-10-to-2019-12", "challenges_by_month")[
        "October 2019"] == "[c]",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_linked_tables_that_leaked_are_now_protected(name, tmp_path):
    assert_protected(name, CASES, tmp_path)


def _publish_copy(tmp_path: Path, name: str, edit) -> tuple[object, object]:
    shutil.copytree(FIXTURES / name, tmp_path / name)
    edit(tmp_path / name)
    config = resolve({"DATA_PATH": str(tmp_path / name)}, tmp_path)
    site, problems = load_site(config.data_path, config.reports)
    assert not problems, problems.report()
    return site, publish_site(site, config)


def _declare(folder: Path) -> None:
    period = folder / "cp" / "2021-22" / "period.yaml"
    period.write_text(period.read_text() + """relations:
  - hierarchy: Care order (full or interim)
    members: [Care order, Interim care order]
  - hierarchy: Placement order (section 21)
    members: [Placement order]
  - hierarchy: Accommodated under section 20 or remanded
    members: [Section 20, Remand]
""")


def test_categories_worded_differently_stop_the_build_until_declared(tmp_path):
    # Legal status (Placement order [c], Remand [c]) beside a summary by type of legal order of
    # the same children ("Placement order (section 21)" 30): Remand = 323 − 290 − 30 = 3.
    _, problems, published = publish("legal-wording")
    assert not problems
    found = [f.describe() for f in published.findings]
    assert len(found) == 1, found
    assert found[0].startswith("cp/2021-22: 'legal_status' (cp/2021-22) and "
                               "'legal_order_summary' (cp/2021-22) count the same "
                               "children_in_care by Legal status and by Type of legal order")
    assert "'Placement order (section 21)' (legal_order_summary)" in found[0]
    assert "'hierarchy: Placement order (section 21)' with 'members: [Placement order]'" in found[0]
    # Declared, they are linked: the summary hides its placement order and remand rows too.
    from attacker import attack

    from transparency.audit import audit_site
    from transparency.downloads import write_downloads

    _, declared = _publish_copy(tmp_path, "legal-wording", _declare)
    assert [f.describe() for f in declared.findings] == []
    summary = shown(declared, "cp/2021-22", "legal_order_summary")
    assert summary["Placement order (section 21)"] == "[c]"
    assert audit_site(declared, 3) == []
    write_downloads(declared, tmp_path / "out")
    assert attack(tmp_path / "out" / "data") == []


def test_the_same_dimension_with_a_category_worded_otherwise_stops_the_build(tmp_path):
    def same_name(folder: Path) -> None:
        period = folder / "cp" / "2021-22" / "period.yaml"
        period.write_text(period.read_text().replace("order_type: Type of legal order",
                                                     "legal_status: Legal status"))
        csv = folder / "cp" / "2021-22" / "legal_order_summary.csv"
        csv.write_text(csv.read_text().replace("order_type,", "legal_status,"))

    _, published = _publish_copy(tmp_path, "legal-wording", same_name)
    found = [f.describe() for f in published.findings]
    assert len(found) == 1 and "by Legal status and by Legal status" in found[0], found


def test_bands_of_two_ages_labelled_alike_stop_the_build(tmp_path):
    # The red team's variant: 'age_at_entry' beside 'age', both "Age on entering care", are
    # two ages to the audit, so Under 5 was not related to Under 1 and 1 to 4 at all.
    def at_entry(folder: Path) -> None:
        period = folder / "cp" / "2021-22" / "period.yaml"
        text = period.read_text()
        head, tail = text.split("  under_fives:")
        period.write_text(head + "  under_fives:" + tail.replace("      age: Age", "      age_at_entry: Age"))
        csv = folder / "cp" / "2021-22" / "under_fives.csv"
        csv.write_text(csv.read_text().replace("age,", "age_at_entry,", 1))

    _, published = _publish_copy(tmp_path, "age-group-by-gender", at_entry)
    found = [f.describe() for f in published.findings]
    assert len(found) == 1 and "'Under 5' (under_fives)" in found[0], found
    assert ("give the dimensions one name ('age' and 'age_at_entry' are read as two ages); if "
            "they are two, name the age of the table of a flow by its event") in found[0]


def test_too_many_ways_to_tile_an_age_band_stop_the_build(monkeypatch):
    import transparency.knowledge as knowledge

    monkeypatch.setattr(knowledge, "MAX_AGE_TILINGS", 0)
    _, _, published = publish("age-group-by-gender")
    found = [f.describe() for f in published.findings]
    assert any("the age band 'Under 5' is the union of more than 0" in f for f in found), found


# General pieces, on small tables.

def test_age_groups_reports_a_band_with_more_ways_than_the_limit():
    labels = ["Under 5", "Under 1", "Aged 0", "Aged 1", "Aged 2", "Aged 3", "Aged 4",
              "1 to 2", "2 to 4", "3 to 4", "1 to 4"]
    crowded: list[str] = []
    groups = age_groups(labels, 8, crowded)
    assert crowded == ["Under 5"]
    assert len([g for g, _ in groups if g == "Under 5"]) == 8
    crowded = []
    age_groups(labels, 16, crowded)
    assert crowded == []


def test_a_group_in_another_table_is_its_members_along_every_other_dimension():
    age = published_table("age", ["age", "gender"], {
        ("Under 1", "Female"): 20, ("Under 1", "Male"): 22, ("Under 1", "Total"): 42,
        ("1 to 4", "Female"): None, ("1 to 4", "Male"): None, ("1 to 4", "Total"): 33,
        ("5 and over", "Female"): None, ("5 and over", "Male"): None,
        ("5 and over", "Total"): 121, ("Total", "Female"): 86, ("Total", "Male"): 110,
        ("Total", "Total"): 196}, population="entering")
    under_fives = published_table("under_fives", ["age", "gender"], {
        ("Under 5", "Female"): 35, ("Under 5", "Male"): 40, ("Under 5", "Total"): 75,
        ("Aged 5 and over", "Female"): 51, ("Aged 5 and over", "Male"): 70,
        ("Aged 5 and over", "Total"): 121, ("Total", "Female"): 86, ("Total", "Male"): 110,
        ("Total", "Total"): 196}, population="entering")
    found = audit_period(published_period([age, under_fives]), 3)
    narrowed = {(f.table, f.cell): (f.low, f.high) for f in found}
    assert narrowed[("age", ("1 to 4", "Female"))] == (15, 15)
    assert any("Under 5 is made of 1 to 4, Under 1 (female)" in w for f in found for w in f.through)


def test_tables_of_one_population_agree_on_a_margin_of_a_dimension_they_share():
    # Both by age and gender, bands that do not nest: only the gender margins tie them (the
    # grand totals leave Under 10 F + 10 and over M = 53).
    a = published_table("a", ["age", "gender"], {
        ("Under 10", "Female"): None, ("Under 10", "Male"): 40,
        ("10 and over", "Female"): 30, ("10 and over", "Male"): None}, population="in_care")
    b = published_table("b", ["age", "gender"], {
        ("Under 5", "Female"): 12, ("5 and over", "Female"): 21, ("Total", "Female"): 33,
        ("Under 5", "Male"): 45, ("5 and over", "Male"): 45, ("Total", "Male"): 90},
        population="in_care")
    found = audit_period(published_period([a, b]), 3)
    assert {(f.table, f.cell, f.low, f.high) for f in found} == {
        ("a", ("Under 10", "Female"), 3, 3), ("a", ("10 and over", "Male"), 50, 50)}


def test_time_spans_are_read_from_the_labels_of_months():
    from transparency.time_spans import time_dimensions, time_span

    start, end = dt.date(2019, 4, 1), dt.date(2019, 12, 31)
    october = (dt.date(2019, 10, 1), dt.date(2019, 10, 31))
    for label in ("October 2019", "Oct 2019", "Oct-19", "2019-10", "October", "oct. 2019"):
        assert time_span(label, start, end) == october, label
    assert time_span("April to June 2019", start, end) == (dt.date(2019, 4, 1),
                                                           dt.date(2019, 6, 30))
    assert time_span("October to March", dt.date(2019, 4, 1), dt.date(2020, 3, 31)) == (
        dt.date(2019, 10, 1), dt.date(2020, 3, 31))
    # A bare month a period holds twice, or not at all, is no span; nor are other labels.
    assert time_span("May", dt.date(2019, 4, 1), dt.date(2020, 9, 30)) is None
    assert time_span("January", start, end) is None
    for label in ("Total", "Under 5", "Placement order", "2019-13"):
        assert time_span(label, start, end) is None
    assert time_dimensions({"month": ["October 2019", "November 2019", "Total"],
                            "gender": ["Female", "Male"]}, start, end) == {"month"}
    assert time_dimensions({"month": ["October 2019", "January 2020"]}, start, end) == set()


def test_the_same_month_in_overlapping_periods_is_the_same_count():
    def by_month(period: str, start: dt.date, end: dt.date, cells):
        table = published_table("by_month", ["month"], cells)
        return replace(published_period([table]), period=period, start=start, end=end)

    from transparency.knowledge import _add_same_spans
    from transparency.knowledge_model import Model

    nine = by_month("2019-04-to-2019-12", dt.date(2019, 4, 1), dt.date(2019, 12, 31),
                    {("Oct-19",): None, ("Dec-19",): 10, ("Total",): 12})
    quarter = by_month("2019-10-to-2019-12", dt.date(2019, 10, 1), dt.date(2019, 12, 31),
                       {("October 2019",): None, ("December 2019",): None, ("Total",): 12})
    model = Model(5, 5)
    equal = _add_same_spans(model, nine, quarter)
    assert {(a[3], b[3]) for a, b in equal} >= {(("Oct-19",), ("October 2019",)),
                                                (("Dec-19",), ("December 2019",))}
    assert [r.why for r in model.relations] == [
        "iro/2019-04-to-2019-12 and iro/2019-10-to-2019-12 both count the months they share"] * 2
