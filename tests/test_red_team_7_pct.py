"""A seventh red-team pass, its findings about percentages (tests/fixtures/red_team/<name>/
.NOTE.md gives each leak's arithmetic): a percentage table and a count table of one
population never linked, shares of one base that add up to 100% only as a whole, an [x]
that switched off the audit of every line of a percentage table, a percentage comparator
that said it counted children, and a percentage figure whose count is a hidden complement.
Each now either stops the build with a problem naming the places and how to settle them, or
publishes nothing from which the hidden count can be narrowed below 3 values (the engine's
own audit, which reads the bases a percentage table is of)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from test_red_team import FIXTURES, assert_protected, publish, shown

from transparency.audit import audit_site
from transparency.load import load_site
from transparency.publish import publish_site
from transparency.settings import resolve

PERIOD = "iro/2022-23"


def _c(published, table: str) -> dict[str, str]:
    return shown(published, PERIOD, table)


# Protected: published with more hidden, and nothing narrows.
PROTECTED_7 = {
    # Shares by gender (F 28, M 32) beside counts by activity of the same care leavers: men not
    # in touch 21.9% of 32 = 7, so women not in touch = 11 − 7 = 4.
    "percent-table-and-counts-of-one-population": lambda p: (
        _c(p, "leavers_gender_activity")["Female, Not in touch"] == "[c]"
        and "[c]" in (_c(p, "leavers_by_activity")["Not in touch"],
                      _c(p, "leavers_gender_activity")["Male, Not in touch"])),
    # Six shares of all 60, adding up to 100% only together: 100 − 93.4 = 6.6% of 60 = 4.
    "percent-table-shares-of-the-whole": lambda p: list(
        _c(p, "leavers_activity").values()).count("[c]") >= 2,
    # A Total of shares of the same base is its members' count: 16.7% of 60 = 10, and two
    # hidden shares beside it are "5 and 5".
    "percent-table-total-of-shares": lambda p: _c(p, "leavers_activity")[
        "Not in touch, Total"] == "[c]",
    # The young women's row adds up to 100% although the young men's has an [x]: two hidden
    # shares of 31.2% of 32 = 10 are "5 and 5" to a reader of [c].
    "percent-table-x-in-another-line": lambda p: [
        k for k, v in _c(p, "leavers_accommodation").items()
        if k.startswith("Female") and v == "[c]"].__len__() >= 3,
}


@pytest.mark.parametrize("name", sorted(PROTECTED_7))
def test_percentage_tables_a_reader_combines_are_protected(name, tmp_path):
    assert_protected(name, PROTECTED_7, tmp_path)


# Fail closed: the build stops, naming the places, until the data says what they are.
STOPS_7 = {
    # 7.6% of 1,061 children in care is 81 placement orders; Remand = 84 − 81 = 3.
    "percent-comparator-of-children": (
        "comparators.placement_order_share.counts",
        "'placement_order_share' gives percentages, counts of children over a population: it "
        "must be tied to the population"),
    # The same share as a figure `of: children_in_care`.
    "percent-figure-is-a-hidden-complement": (
        "figures.placement_orders_percent",
        "'placement_orders_percent' (7.6% of 'children_in_care', 1061) is 81 children or "
        "records, exactly the cell [Placement order] of 'legal_status'"),
}


@pytest.mark.parametrize("name", sorted(STOPS_7))
def test_a_share_of_children_that_could_be_a_hidden_cell_stops_the_build(name):
    _, problems, _ = publish(name)
    field, message = STOPS_7[name]
    found = [p for p in problems.items if p.field == field]
    assert [p for p in found if message in p.message], problems.report()
    assert all(p.hint for p in found)


def _copy(name: str, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / name, data)
    return data, data / "iro" / "2022-23" / "period.yaml"


def _publish(data: Path, tmp_path: Path):
    config = resolve({"DATA_PATH": str(data)}, tmp_path)
    site, problems = load_site(config.data_path, config.reports)
    assert not problems, problems.report()
    return publish_site(site, config)


def _problems(data: Path, tmp_path: Path):
    config = resolve({"DATA_PATH": str(data)}, tmp_path)
    return load_site(config.data_path, config.reports)[1]


def test_a_percentage_figure_declared_as_its_cell_protects_the_complement(tmp_path):
    data, path = _copy("percent-figure-is-a-hidden-complement", tmp_path)
    text = path.read_text().replace("    of: children_in_care\n", "    of: children_in_care\n"
                                    "    part: placement_orders\n")
    text = text.replace("tables:\n", "  placement_orders:\n    label: Placement orders\n"
                        "    value: 81\n    unit: count\n    counts: children\n"
                        "    date: 2023-03-31\n    source: Table 3\ntables:\n", 1)
    path.write_text(text + "relations:\n  - same: placement_orders\n"
                    "    as: {table: legal_status, where: {legal_status: Placement order}}\n")
    published = _publish(data, tmp_path)
    assert published.findings == ()
    cells = _c(published, "legal_status")
    assert cells["Remand"] == "[c]" and list(cells.values()).count("[c]") >= 2
    assert audit_site(published, 3) == []


def test_a_percentage_figure_declared_distinct_from_the_cell_publishes(tmp_path):
    data, path = _copy("percent-figure-is-a-hidden-complement", tmp_path)
    path.write_text(path.read_text() + "relations:\n  - distinct: [placement_orders_percent, "
                    "{table: legal_status, where: {legal_status: Placement order}}]\n"
                    "    reason: the percentage is of another date's children\n")
    assert not _problems(data, tmp_path)


def test_a_tied_percentage_comparator_whose_count_is_a_cell_stops_the_build(tmp_path):
    # Tied to its population, the comparator's count is modelled, but the audit cannot know it
    # is the Placement order cell: the build names both.
    data, path = _copy("percent-comparator-of-children", tmp_path)
    path.write_text(path.read_text() + "relations:\n"
                    "  - rate: {table: placement_order_share, where: {area: Northmoor}}\n"
                    "    population: children_in_care\n")
    problems = _problems(data, tmp_path)
    assert [p.message for p in problems.items] and all(
        "exactly the cell [Placement order] of 'legal_status'" in p.message
        for p in problems.items), problems.report()
    # The council's own value left out ('c'): the other areas' shares count other children.
    path.write_text(path.read_text().split("relations:")[0].replace(
        "Northmoor: 7.6", "Northmoor: c").replace(
        "    counts: children\n    source: Table 4a", "    counts: none\n    not_people: other "
        "areas' shares; the council's own is left out\n    source: Table 4a"))
    published = _publish(data, tmp_path)
    assert published.findings == ()


def test_a_rate_per_10000_that_says_it_counts_children_must_be_tied(tmp_path):
    data, path = _copy("percent-comparator-of-children", tmp_path)
    path.write_text(path.read_text().replace("unit: percent", "unit: rate_per_10000"))
    problems = _problems(data, tmp_path)
    assert any("gives rates per 10,000 children" in p.message and "counts: children" in p.message
               for p in problems.items), problems.report()


# Unit tests on small frames: which dimensions of a percentage table are shares of one base.

def _pct_table(rows: list[tuple[str, str, float]], base):
    import pandas as pd

    from transparency.model import Table, Where

    frame = pd.DataFrame([{"a": a, "b": b, "value": v, "symbol": "x" if v != v else "",
                           "row": i + 2} for i, (a, b, v) in enumerate(rows)])
    return Table(name="t", title="t", dimensions={"a": "A", "b": "B"}, measure="m",
                 unit="percent", counts="children", source="s", where=Where(Path("f")),
                 frame=frame, base=base)


def test_a_line_with_an_x_does_not_stop_the_others_being_read_as_whole_lines():
    from transparency.publish_tables import _partitions, table_cells

    nan = math.nan
    table = _pct_table([("F", "p", 50.0), ("F", "q", 50.0), ("M", "p", 40.0), ("M", "q", nan)],
                       {"a": {"F": 10.0, "M": 10.0}})
    assert _partitions(table, table_cells(table)[0]) == (1,)
    # A line that does not add up still does.
    table = _pct_table([("F", "p", 50.0), ("F", "q", 40.0), ("M", "p", 40.0), ("M", "q", nan)],
                       {"a": {"F": 10.0, "M": 10.0}})
    assert _partitions(table, table_cells(table)[0]) == ()


def test_shares_of_one_base_adding_up_only_as_a_whole_are_read_as_such():
    from transparency.publish_tables import _whole, table_cells

    whole = _pct_table([("F", "p", 30.0), ("F", "q", 20.0), ("M", "p", 40.0), ("M", "q", 10.0)],
                       60.0)
    assert _whole(whole, table_cells(whole)[0])
    by_row = _pct_table([("F", "p", 60.0), ("F", "q", 40.0), ("M", "p", 50.0), ("M", "q", 50.0)],
                        {"a": {"F": 10.0, "M": 10.0}})
    assert not _whole(by_row, table_cells(by_row)[0])


def test_a_share_matches_a_count_at_its_printed_precision():
    from transparency.load_shares import is_share

    assert is_share(7.6, 81, 1061, 100.0)
    assert not is_share(7.6, 84, 1061, 100.0)
    assert is_share(3.8, 3, 7900, 10000.0)
    assert not is_share(100.0, 1061, 1061, 100.0)  # the whole itself is no part of it
