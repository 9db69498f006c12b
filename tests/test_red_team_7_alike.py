"""A seventh red-team pass, look-alikes and known totals: a second table of the same children
that shows a cell the first hides (with no comparable total), a sensitive figure that gives a
sensitive table's sum, and a stock and flow with four flows
(tests/fixtures/red_team/<name>/.NOTE.md gives each leak's arithmetic). Each must now either
stop the build with a problem naming both places and the declaration that settles it, or
publish nothing from which the leaked count can be worked out (checked by the engine's own
audit and by the independent attacker over the downloads)."""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import pytest
from attacker import attack
from test_red_team import FIXTURES, shown

from transparency.audit import audit_site
from transparency.downloads import write_downloads
from transparency.load import load_site
from transparency.publish import publish_site
from transparency.settings import resolve
from transparency.signed_sums import signed_fits

PERIOD = "iro/2022-23"

STOPS_7 = {
    # Placement order 81 in the second table, hidden in the first: Remand = 1061 − 668 − 201
    # − 81 − 108 = 3. The second table has no Total and an `x`, so no grand totals compare.
    "second-table-x-cell": "the cell [Placement order] of 'placement_stability_legal' "
                           "(iro/2022-23; {table: placement_stability_legal, where: "
                           "{legal_status: Placement order}}) is shown and the hidden cell "
                           "[Placement order] of 'legal_status' (iro/2022-23; {table: "
                           "legal_status, where: {legal_status: Placement order}})",
    # 20 + 15 + x − 10 − 7 = 22: two flows in and two out, x = 4.
    "stock-flow-four-flows": "'uasc_start' (iro/2022-23) + 'uasc_transfer_in' (iro/2022-23) + "
                             "'uasc_arrived_in_area' (iro/2022-23) − 'uasc_turned_18' "
                             "(iro/2022-23) − 'uasc_left_otherwise' (iro/2022-23) = "
                             "'uasc_end' (iro/2022-23), with a hidden count among them",
}


def _publish(data: Path):
    config = resolve({"DATA_PATH": str(data)}, data.parent)
    site, problems = load_site(config.data_path, config.reports)
    assert not problems, problems.report()
    return publish_site(site, config)


def _copy(name: str, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / name, data)
    return data


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _stops(published, expected: str) -> None:
    described = [f.describe() for f in published.findings]
    assert any(expected in d for d in described), described
    assert {f.kind for f in published.findings} == {"undeclared"}


def assert_stops(name: str, expected: str, tmp_path: Path) -> list[str]:
    """Publish the fixture `name`: some finding's description holds `expected`. Returns them."""
    described = [f.describe() for f in _publish(_copy(name, tmp_path)).findings]
    assert any(expected in d for d in described), described
    return described


def _protected(published, tmp_path: Path) -> None:
    assert [f.describe() for f in published.findings] == []
    assert audit_site(published, 3) == []
    write_downloads(published, tmp_path / "out")
    assert attack(tmp_path / "out" / "data") == []


@pytest.mark.parametrize("name", sorted(STOPS_7))
def test_look_alikes_stop_the_build(name, tmp_path):
    _stops(_publish(_copy(name, tmp_path)), STOPS_7[name])


def test_second_table_with_its_remand_row_left_out_stops_the_build(tmp_path):
    data = _copy("second-table-x-cell", tmp_path)
    _edit(data / PERIOD / "placement_stability_legal.csv", "Remand,x\n", "")
    _stops(_publish(data), STOPS_7["second-table-x-cell"])


def test_second_table_worded_otherwise_stops_on_the_same_number(tmp_path):
    """Another measure and another word for the category: the shown 81 equals the hidden 81."""
    data = _copy("second-table-x-cell", tmp_path)
    _edit(data / PERIOD / "placement_stability_legal.csv", "Placement order,",
          "Placement order (section 21),")
    _edit(data / PERIOD / "period.yaml", "    measure: Children in care\n    unit: count\n"
          "    counts: children\n    date: 2023-03-31\n    source: Table 9",
          "    measure: Looked after children\n    unit: count\n    counts: children\n"
          "    date: 2023-03-31\n    source: Table 9")
    published = _publish(data)
    _stops(published, "is shown and the hidden cell [Placement order] of 'legal_status'")
    assert any("the same number" in f.describe() for f in published.findings)


def test_second_table_named_as_the_same_population_is_protected_with_the_first(tmp_path):
    data = _copy("second-table-x-cell", tmp_path)
    _edit(data / PERIOD / "period.yaml", "    source: Table 9",
          "    population: children_in_care\n    source: Table 9")
    published = _publish(data)
    assert shown(published, PERIOD, "placement_stability_legal")["Placement order"] == "[c]"
    _protected(published, tmp_path)


def test_second_table_declared_distinct_is_taken_at_its_word(tmp_path):
    data = _copy("second-table-x-cell", tmp_path)
    with (data / PERIOD / "period.yaml").open("a", encoding="utf-8") as f:
        f.write("relations:\n  - distinct:\n"
                "      - {table: placement_stability_legal, where: {legal_status: Placement order}}\n"
                "      - {table: legal_status, where: {legal_status: Placement order}}\n"
                "    reason: the placement stability section counts other children\n")
    assert _publish(data).findings == ()


def test_tables_measuring_different_things_with_different_numbers_are_no_look_alike(tmp_path):
    """Referrals audited (shown) and referrals described as inappropriate (hidden) by who made
    the referral, as on the Bradford site: a shown 10 beside a hidden 5 reads as nothing."""
    data = _copy("second-table-x-cell", tmp_path)
    _edit(data / PERIOD / "placement_stability_legal.csv", "Placement order,81",
          "Placement order,90")
    _edit(data / PERIOD / "period.yaml", "    measure: Children in care\n    unit: count\n"
          "    counts: children\n    date: 2023-03-31\n    source: Table 9",
          "    measure: Children in stable placements\n    unit: count\n    counts: children\n"
          "    date: 2023-03-31\n    source: Table 9")
    assert _publish(data).findings == ()


def test_sensitive_figure_gives_a_sensitive_tables_total(tmp_path):
    """43 disabled children beside Autism 18, Learning disability 15, Sensory impairment [c]:
    the 43 is the table's total, so a second cell is hidden."""
    published = _publish(_copy("sensitive-figure-gives-the-sum", tmp_path))
    cells = shown(published, PERIOD, "disability_type")
    assert cells["Sensory impairment"] == cells["Learning disability"] == "[c]"
    _protected(published, tmp_path)


def _figure_in_another_report(tmp_path, figures=lambda figure: figure, tail=""):
    """The sensitive-figure fixture with its figure moved to a CP period of the same dates:
    `figures` rewrites the figure's YAML, `tail` is added after it."""
    data = _copy("sensitive-figure-gives-the-sum", tmp_path)
    yaml = data / PERIOD / "period.yaml"
    text = yaml.read_text(encoding="utf-8")
    head, _, rest = text.partition("figures:\n")
    figure, _, tables = rest.partition("tables:\n")
    yaml.write_text(head + "tables:\n" + tables, encoding="utf-8")
    other = data / "cp" / "2022-23"
    other.mkdir(parents=True)
    (other / "period.yaml").write_text(head.replace("report: iro", "report: cp")
                                       + "figures:\n" + figures(figure) + tail,
                                       encoding="utf-8")
    return data


def test_sensitive_figure_of_another_report_gives_the_total_too(tmp_path):
    published = _publish(_figure_in_another_report(tmp_path))
    cells = shown(published, PERIOD, "disability_type")
    assert cells["Sensory impairment"] == cells["Learning disability"] == "[c]"
    assert [f.describe() for f in published.findings] == []


def test_a_metric_equal_to_a_one_way_tables_unprinted_sum_stops_the_build(tmp_path):
    """A metric of another report (not a figure, so not a known total) at the table's date
    equal to its sum (25 disabled boys + 18 disabled girls): fail closed, naming the sum as
    the margin to declare."""
    data = _figure_in_another_report(
        tmp_path,
        lambda figure: "".join(figure.replace("disabled_children_in_care", name)
                               .replace("43", value)
                               for name, value in (("disabled_boys", "25"),
                                                   ("disabled_girls", "18"))),
        "metrics:\n  disabled:\n    label: Children in care with a disability\n"
        "    definition: Boys and girls in care with a disability.\n"
        "    type: sum\n    of: [disabled_boys, disabled_girls]\n")
    _stops(_publish(data), "the margin [Total] of 'disability_type' that the table does not "
                           "print")


def test_four_flows_declared_as_a_stock_and_flow_are_protected(tmp_path):
    data = _copy("stock-flow-four-flows", tmp_path)
    with (data / PERIOD / "period.yaml").open("a", encoding="utf-8") as f:
        f.write("relations:\n  - stock_flow: unaccompanied asylum-seeking children\n"
                "    start: uasc_start\n    in: [uasc_transfer_in, uasc_arrived_in_area]\n"
                "    out: [uasc_turned_18, uasc_left_otherwise]\n    end: uasc_end\n")
    published = _publish(data)
    hidden = [n for n, v in shown(published, PERIOD).items() if v == "[c]"]
    assert "uasc_arrived_in_area" in hidden and len(hidden) >= 2
    _protected(published, tmp_path)


def test_signed_fits_are_every_signed_subset_sum():
    """Against trying every combination, on random small lists."""
    rng = random.Random(7)
    for _ in range(300):
        values = [rng.randint(0, 12) for _ in range(rng.randint(0, 7))]
        must = frozenset(i for i in range(len(values)) if rng.random() < 0.4)
        target = rng.randint(-20, 20)
        expected = {tuple((i, s) for i, s in enumerate(signs) if s)
                    for signs in itertools.product((0, 1, -1), repeat=len(values))
                    if sum(s * v for s, v in zip(signs, values, strict=True)) == target
                    and any(s and i in must for i, s in enumerate(signs))}
        found = list(signed_fits(values, target, must))
        assert len(found) == len(set(found)) and set(found) == expected


def test_signed_fits_of_many_flows_are_affordable():
    """Forty flows (3^40 combinations to enumerate): the first fit comes at once."""
    values = [97 + 13 * i for i in range(40)]
    fit = next(signed_fits(values, values[3] + values[17] - values[29] + values[38] - 1
                           + 1, frozenset({17})))
    assert sum(s * values[i] for i, s in fit) == values[3] + values[17] - values[29] + values[38]
    assert 17 in {i for i, _ in fit}
