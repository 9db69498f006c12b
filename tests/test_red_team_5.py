"""A fifth red-team pass: data that looks related but declares nothing, and age bands the
reader model did not read (tests/fixtures/red_team/<name>/.NOTE.md gives each leak's
arithmetic). Each must now either stop the build with a problem naming the places a reader
could combine, or publish nothing from which the leaked count can be worked out (checked by
the engine's own audit and by the independent attacker over the downloads)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_red_team import FIXTURES, assert_protected, publish, shown

from transparency.audit import audit_site
from transparency.load import load_site
from transparency.publish import publish_site
from transparency.settings import resolve

# Fail closed: the build stops, naming the places, until the data says what they are.
STOPS_5 = {
    # Two flow tables over one span, 352 in all, one without `population:`: Court order or
    # police protection = ICO + PP + EPO, so EPO = 185 − 139 − 41 = 5.
    "flow-tables-no-population": "'entering_care_legal_order' (iro/2022-23) and "
                                 "'entering_care_route' (iro/2022-23) look like the same "
                                 "children: both over 2022-04-01 to 2023-03-31, both 352 in all",
    # One shared category (Placement order 81) is enough: Remand = 1061 − 668 − 201 − 81 − 108.
    "snapshot-one-shared-category": "'legal_status' (iro/2022-23) and 'placement_orders' "
                                    "(iro/2022-23) look like the same children: both at "
                                    "2023-03-31, both 1061 in all, both by Legal status; "
                                    "'placement_orders' (iro/2022-23) declares no 'population'",
    # 156 girls = the Female margin the table does not print: 156 − 38 − 27 − 33 − 54 = 4.
    "headline-figure-margin": "'girls_entering_care' (iro/2022-23) is the same number as the "
                              "margin [Total, Female] of 'entering_care_age_gender' that the "
                              "table does not print, with a hidden cell among its cells "
                              "(iro/2022-23; {table: entering_care_age_gender, where: "
                              "{gender: Female}})",
    # The DfE's count for the council (38 placed for adoption in 2023) is the hidden
    # complement: Mother and baby unit = 1061 − 452 − 231 − 38 − 96 − 84 − 156 = 4.
    "comparator-count-row": "the cell [Northmoor, 2023] of 'placed_for_adoption' (iro/2022-23; "
                            "{table: placed_for_adoption, where: {area: Northmoor, year: 2023}}) "
                            "is the same number as the hidden cell [Placed for adoption] of "
                            "'placement_type'",
}


@pytest.mark.parametrize("name", sorted(STOPS_5))
def test_data_that_looks_related_but_declares_nothing_stops_the_build(name):
    _, problems, published = publish(name)
    assert not problems, problems.report()
    described = [f.describe() for f in published.findings]
    assert any(STOPS_5[name] in d for d in described), described
    assert {f.kind for f in published.findings} == {"undeclared"}


def _under_10_hidden(published) -> int:
    """How many of the bands that make Under 10 are hidden in 'age_in_care'."""
    cells = shown(published, "iro/2022-23", "age_in_care")
    return sum(cells[band] == "[c]" for band in ("Under 1", "1 to 4", "5 to 9"))


# Protected: published with more hidden, and nothing narrows.
PROTECTED_5 = {
    # A table without a Total row in qa, its sum (1,061) a figure of the same date in iro:
    # Mother and baby unit = 1061 − 452 − 231 − 38 − 96 − 84 − 156 = 4.
    "table-without-total-other-period": lambda p: list(
        shown(p, "qa/2023-04-to-2023-09", "children_in_care_placement").values()).count("[c]")
    >= 2,
    # `age` and `age_at_31_march` of one population on one date are one age: Under 10 is
    # Under 1 + 1 to 4 + 5 to 9, so Under 1 = 393 − 140 − 250 = 3 unless one more is hidden.
    "age-dimension-named-otherwise": lambda p: _under_10_hidden(p) >= 2,
    # "Under 10s" is the band Under 10.
    "age-label-under-10s": lambda p: _under_10_hidden(p) >= 2,
}


@pytest.mark.parametrize("name", sorted(PROTECTED_5))
def test_a_fifth_pass_leak_is_protected(name, tmp_path):
    assert_protected(name, PROTECTED_5, tmp_path)


def _copy(name: str, tmp_path: Path) -> tuple[Path, Path]:
    """The fixture copied to edit, and the period.yaml of its only iro period."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / name, data)
    return data, data / "iro/2022-23/period.yaml"


def _publish(data: Path, tmp_path: Path):
    config = resolve({"DATA_PATH": str(data), "AREA": "Northmoor"}, tmp_path)
    site, problems = load_site(config.data_path, config.reports)
    assert not problems, problems.report()
    return publish_site(site, config)


def test_tables_named_as_one_population_publish_and_as_two_are_taken_at_their_word(tmp_path):
    data, path = _copy("snapshot-one-shared-category", tmp_path)
    text = path.read_text()
    # The same children: linked, Placement order is hidden in both, nothing narrows.
    # A reader reads "Other orders and agreements" as every order but placement orders: a
    # category worded differently is declared (red team 7), or the build stops.
    path.write_text(text.replace("    source: Table 9\n",
                                 "    population: children_in_care\n    source: Table 9\n")
                    + "relations:\n  - hierarchy: Other orders and agreements\n    members: "
                    "[Care order, Interim care order, Remand, Section 20 – single placement]\n")
    published = _publish(data, tmp_path)
    assert published.findings == ()
    assert shown(published, "iro/2022-23", "placement_orders")["Placement order"] == "[c]"
    # Declared as other children, taken at the declaration's word.
    path.write_text(text.replace("    source: Table 9\n",
                                 "    population: adoption_cohort\n    source: Table 9\n"))
    assert _publish(data, tmp_path).findings == ()


def test_a_figure_declared_the_same_as_a_margin_is_protected(tmp_path):
    data, path = _copy("headline-figure-margin", tmp_path)
    path.write_text(path.read_text() + "relations:\n  - same: girls_entering_care\n"
                    "    as: {table: entering_care_age_gender, where: {gender: Female}}\n")
    published = _publish(data, tmp_path)
    assert published.findings == ()
    cells = shown(published, "iro/2022-23", "entering_care_age_gender")
    assert sum(v == "[c]" for k, v in cells.items() if k.endswith("Female")) >= 2


def test_a_comparator_cell_declared_the_same_as_a_table_cell_is_protected(tmp_path):
    data, path = _copy("comparator-count-row", tmp_path)
    path.write_text(path.read_text() + "relations:\n"
                    '  - same: {table: placed_for_adoption, where: {area: Northmoor, year: "2023"}}\n'
                    "    as: {table: placement_type, where: {placement_type: Placed for adoption}}\n")
    published = _publish(data, tmp_path)
    assert published.findings == ()
    cells = shown(published, "iro/2022-23", "placement_type")
    assert cells["Mother and baby unit"] == "[c]"
    assert list(cells.values()).count("[c]") >= 2
    # Another area's count equal to a hidden one is other children: no declaration is asked.
    path.write_text(path.read_text().split("relations:")[0].replace(
        "Northmoor: [29, 33, 38]", "Northmoor: [29, 33, 40]").replace(
        "Fictional Region: [412, 421, 433]", "Fictional Region: [412, 421, 38]"))
    assert _publish(data, tmp_path).findings == ()


@pytest.mark.parametrize(("label", "band"), [
    ("Under 10s", (0, 10)), ("Under-5s", (0, 5)), ("under 5's", (0, 5)), ("5-9s", (5, 10)),
    ("Ages 1 to 9", (1, 10)), ("16 & over", (16, float("inf"))), ("4 and under", (0, 5)),
    ("Aged 4 or younger", (0, 5)),
])
def test_age_bands_as_councils_also_write_them(label, band):
    from transparency.classifications import age_band

    assert age_band(label) == band


def test_age_on_the_tables_date_is_one_age_however_named_and_age_at_entry_another():
    from transparency.classifications import age_kind

    same = ["age", "age_band", "age_group", "age_at_31_march", "age_on_31st_march_2023",
            "current_age", "age_at_end_of_period", "age_on_census_day"]
    assert {age_kind(name) for name in same} == {"age"}
    assert age_kind("band", "Age on 31 March") == "age"
    assert age_kind("age_at_entry") == age_kind("band", "Age at entry") == "age_at_entry"
    assert age_kind("age_at_end_of_placement") != "age"


def test_flow_tables_named_as_one_population_with_their_group_declared_are_protected(tmp_path):
    # Named as one population, the route table's "Court order or police protection" is the
    # legal orders' group only once declared (the engine cannot read it from the words).
    data, path = _copy("flow-tables-no-population", tmp_path)
    text = path.read_text().replace("    source: Appendix B\n", "    population: "
                                    "children_entering_care\n    source: Appendix B\n")
    path.write_text(text + "relations:\n  - hierarchy: Court order or police protection\n"
                    "    members: [Interim care order, Police protection, Emergency protection "
                    "order]\n  - hierarchy: Section 20 (voluntary agreement)\n"
                    "    members: [Section 20]\n")
    published = _publish(data, tmp_path)
    assert published.findings == ()
    cells = shown(published, "iro/2022-23", "entering_care_legal_order")
    # 185 − 139 − 41 no longer gives EPO: one of the group's other members is hidden too.
    assert cells["Emergency protection order"] == "[c]"
    assert "[c]" in (cells["Interim care order"], cells["Police protection"])
    assert audit_site(published, 3) == []


def test_a_comparator_year_names_the_years_it_covers():
    from transparency.time_spans import years_named as _years

    assert _years("2023") == {2023}
    assert _years("2022-23") == _years("202223") == {2022, 2023}
    # Every year it names; one with none is compared with counts of any time (red team 9).
    assert _years("2022 to 2024") == {2022, 2023, 2024}
