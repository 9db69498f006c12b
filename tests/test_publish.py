"""Publishing: suppression of figures, tables and derived metrics, changes on the previous
period, and target status. Works on raw model objects built directly."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import support
from support import fig, make_figure, make_period, make_table, metric, tab
from transparency import publish
from transparency.model import Site, Target, Where
from transparency.published import Issuer, PublishedPeriod, PublishedSite, Value

T = "Total"
END = dt.date(2022, 3, 31)
PREV_END = dt.date(2021, 3, 31)


@pytest.fixture
def config(tmp_path: Path):
    return support.config(tmp_path / "data", tmp_path / "content")


def publish_one(config, period) -> PublishedPeriod:
    site = publish.publish_site(Site({period.key: period}), config)
    return site.periods[period.key]


def walk(obj: object, path: str = "") -> Iterator[tuple[str, object]]:
    """Every leaf of a published object (through dataclass fields, dicts and sequences),
    with its path; Value objects are yielded whole and also walked."""
    if isinstance(obj, Value):
        yield path, obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from walk(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from walk(value, f"{path}[{key!r}]")
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            yield from walk(value, f"{path}[{i}]")
    elif not isinstance(obj, Value):
        yield path, obj


def values_in(obj: object) -> list[tuple[str, Value]]:
    return [(p, v) for p, v in walk(obj) if isinstance(v, Value)]


def numbers_in(obj: object) -> list[tuple[str, float]]:
    """Every number held anywhere in a published object, except formatting settings."""
    out = []
    for path, leaf in walk(obj):
        if isinstance(leaf, Value):
            if leaf.number is not None:
                out.append((path + ".number", leaf.number))
        elif isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
            if not path.endswith((".decimals", ".threshold", ".sensitive_threshold")):
                out.append((path, float(leaf)))
    return out


def assert_nowhere(obj: object, raw: float, *, tolerance: float = 1e-9) -> None:
    found = [(p, n) for p, n in numbers_in(obj) if abs(n - raw) <= tolerance]
    assert not found, f"the raw value {raw} is published at {found}"


def test_assert_nowhere_finds_published_numbers(config) -> None:
    """The leak check used below is not vacuous: it finds visible numbers anywhere."""
    site = two_periods([make_figure("children_in_care", 1446, date=END)],
                       [make_figure("children_in_care", 1352, date=PREV_END)])
    published = publish.publish_site(site, config)
    # The change in percent is published as printed: 94 / 1,352 is 6.95%, printed 7.0%.
    for raw in (1446, 1352, 94, 7.0):
        with pytest.raises(AssertionError):
            assert_nowhere(published, raw)


# --- the published Value --------------------------------------------------------------

def test_value_has_either_a_number_or_a_symbol() -> None:
    with pytest.raises(ValueError):
        Value(None, "")
    with pytest.raises(ValueError):
        Value(3.0, "c")
    hidden = Value(None, "c")
    assert hidden.suppressed and hidden.text() == "[c]" and hidden.plain() == "c"
    shown = Value(1446.0, "", "count", 0, issuer=Issuer.PUBLISH)
    assert not shown.suppressed and shown.text() == "1,446" and shown.plain() == "1446"
    assert Value(97.8089, "", "percent", 1, issuer=Issuer.PUBLISH).text() == "97.8%"
    # A number comes only from the publishing step: a renderer cannot make one.
    with pytest.raises(ValueError, match="only the publishing step"):
        Value(3.0, "", "count", 0)


# --- tables ---------------------------------------------------------------------------

LEGAL = {("Care order",): 845, ("Interim care order",): 281, ("Placement order",): 86,
         ("Remand",): 3, (T,): 1215}


def test_table_cells_are_suppressed_with_a_complement(config) -> None:
    period = make_period(tables=[make_table("legal_status", ["legal_status"], LEGAL, date=END)])
    table = publish_one(config, period).tables["legal_status"]
    cells = table.cells
    assert cells[("Remand",)] == Value(None, "c", "count", 0)
    assert cells[("Placement order",)] == Value(None, "c", "count", 0)  # the complement
    assert cells[("Care order",)].number == 845
    # Totals are published as given, not recomputed from visible cells.
    assert cells[(T,)].number == 1215
    assert table.symbols_used() == {"c"}
    assert_nowhere(table, 3)
    assert_nowhere(table, 86)


def test_zero_cells_are_shown(config) -> None:
    rows = {("A",): 0, ("B",): 40, ("C",): 50, (T,): 90}
    table = publish_one(config, make_period(tables=[make_table("t", ["k"], rows)])).tables["t"]
    assert table.cells[("A",)].number == 0
    assert table.symbols_used() == set()


def test_sensitive_tables_hide_zero_and_up_to_ten(config) -> None:
    rows = {("A",): 0, ("B",): 9, ("C",): 40, ("D",): 55, (T,): 104}
    period = make_period(tables=[make_table("t", ["k"], rows, sensitive=True)])
    cells = publish_one(config, period).tables["t"].cells
    assert cells[("A",)].suppressed and cells[("B",)].suppressed
    assert cells[("C",)].suppressed  # the complement: 0 + 9 is not more than 10
    assert cells[("D",)].number == 55


def test_tables_not_counting_individuals_are_not_suppressed(config) -> None:
    rows = {("North",): 2.5, ("South",): 3.0, (T,): 5.5}
    period = make_period(tables=[make_table("staff", ["team"], rows, unit="fte", counts="none")])
    cells = publish_one(config, period).tables["staff"].cells
    assert cells[("North",)].number == 2.5
    assert cells[("North",)].decimals == 1


def test_unavailable_cells_keep_their_symbol(config) -> None:
    rows = {("A",): "x", ("B",): 40, ("C",): "z"}
    cells = publish_one(config, make_period(tables=[make_table("t", ["k"], rows)])).tables["t"].cells
    assert cells[("A",)] == Value(None, "x", "count", 0)
    assert cells[("C",)] == Value(None, "z", "count", 0)


def test_declared_collapse_merges_small_categories(config) -> None:
    rows = {("Foster care",): 500, ("Residential",): 4, ("Secure unit",): 3, ("Other",): 40,
            (T,): 547}
    table = make_table("placements", ["placement"], rows,
                       collapse={"placement": {"Residential or secure": ["Residential", "Secure unit"]}})
    published = publish_one(config, make_period(tables=[table])).tables["placements"]
    assert published.cells[("Residential or secure",)].number == 7
    assert ("Residential",) not in published.cells
    assert published.collapsed == ("Residential or secure",)
    assert published.symbols_used() == set()


def test_only_the_groups_actually_merged_are_listed_as_collapsed(config) -> None:
    rows = {("A",): 3, ("B",): 40, ("C",): 50, ("D",): 60, ("E",): 70, (T,): 223}
    table = make_table("t", ["k"], rows, collapse={"k": {"A or B": ["A", "B"], "C or D": ["C", "D"]}})
    published = publish_one(config, make_period(tables=[table])).tables["t"]
    assert ("C",) in published.cells and ("C or D",) not in published.cells
    assert published.collapsed == ("A or B",)


# --- figures and metrics --------------------------------------------------------------

def test_sensitive_figures_hide_zero_and_up_to_ten(config) -> None:
    period = make_period(figures=[make_figure("trans", 8, sensitive=True),
                                  make_figure("none", 0, sensitive=True),
                                  make_figure("many", 11, sensitive=True)])
    values = publish_one(config, period).values
    assert values["trans"].value.suppressed
    assert values["none"].value.suppressed
    assert values["many"].value.number == 11


def test_small_figure_is_suppressed_and_not_published_anywhere(config) -> None:
    period = make_period(figures=[make_figure("uasc_girls", 4), make_figure("uasc", 47)])
    published = publish_one(config, period)
    metric_ = published.values["uasc_girls"]
    assert metric_.value.number is None
    assert metric_.value.symbol == "c"
    assert metric_.status == ""
    assert published.values["uasc"].value.number == 47
    assert_nowhere(published, 4)
    assert published.symbols_used() == {"c"}


def test_the_threshold_comes_from_the_settings(tmp_path: Path) -> None:
    strict = support.config(tmp_path / "data", tmp_path / "content", SUPPRESSION_THRESHOLD=9,
                            SENSITIVE_THRESHOLD=12)
    period = make_period(figures=[make_figure("a", 9), make_figure("b", 10),
                                  make_figure("s", 12, sensitive=True)])
    values = publish_one(strict, period).values
    assert values["a"].value.suppressed
    assert values["b"].value.number == 10
    assert values["s"].value.suppressed


def test_small_figures_not_counting_people_are_shown(config) -> None:
    period = make_period(figures=[make_figure("iro_fte", 3, unit="fte", counts="none"),
                                  make_figure("none_left", 0)])
    values = publish_one(config, period).values
    assert values["iro_fte"].value.number == 3
    assert values["none_left"].value.number == 0


def test_unavailable_figure_is_x(config) -> None:
    values = publish_one(config, make_period(figures=[make_figure("f", None)])).values
    assert values["f"].value == Value(None, "x", "count", 0)


def test_metrics_of_hidden_cells_are_suppressed(config) -> None:
    table = make_table("legal_status", ["legal_status"], LEGAL, date=END)
    metrics = [
        metric("remand", "value", of=[tab("legal_status", legal_status="Remand")]),
        metric("placement", "value", of=[tab("legal_status", legal_status="Placement order")]),
        metric("hidden_pair", "sum", of=[tab("legal_status", legal_status=["Remand", "Placement order"])]),
        metric("children_in_care", "value", of=[tab("legal_status")]),
        metric("orders", "value", of=[tab("legal_status", legal_status=["Care order",
                                                                        "Interim care order"])]),
    ]
    published = publish_one(config, make_period(tables=[table], metrics=metrics))
    values = published.values
    assert values["remand"].value.symbol == "c"
    assert values["placement"].value.symbol == "c"  # a complement cannot be published alone
    assert values["children_in_care"].value.number == 1215
    assert values["orders"].value.number == 845 + 281
    # All the hidden cells together are total minus visible cells: no new information.
    assert values["hidden_pair"].value.number == 89
    for raw in (3, 86):
        assert_nowhere(published, raw)


def test_metric_of_a_hidden_cell_in_a_2d_table_is_suppressed(config) -> None:
    rows = {("Under 1", "F"): 2, ("Under 1", "M"): 57, ("Under 1", T): 59,
            ("1 to 4", "F"): 43, ("1 to 4", "M"): 50, ("1 to 4", T): 93,
            (T, "F"): 45, (T, "M"): 107, (T, T): 152}
    table = make_table("ages", ["age", "gender"], rows)
    metrics = [metric("babies_f", "value", of=[tab("ages", age="Under 1", gender="F")]),
               metric("girls", "value", of=[tab("ages", gender="F")]),
               metric("all", "value", of=[tab("ages")])]
    published = publish_one(config, make_period(tables=[table], metrics=metrics))
    assert published.values["babies_f"].value.suppressed
    # It sums hidden cells, but exactly those of a line whose total is printed: it tells nothing
    # the margin does not (issue 10: a headline equal to a printed margin is shown).
    assert published.tables["ages"].cells[(T, "F")].number == 45
    assert published.values["girls"].value.number == 45
    assert published.values["all"].value.number == 152
    assert_nowhere(published, 2)


def test_suppressed_value_dataclasses_hold_no_raw_number(config) -> None:
    """Inspect every field of every published value of a suppressed figure."""
    table = make_table("legal_status", ["legal_status"], LEGAL, date=END)
    period = make_period(
        tables=[table], figures=[make_figure("reviews_held", 3560, counts="records"),
                                 make_figure("late", 3, counts="records")],
        metrics=[metric("remand", "value", of=[tab("legal_status", legal_status="Remand")]),
                 metric("late_rate", "percent", numerator=fig("late"),
                        denominator=fig("reviews_held"))])
    published = publish_one(config, period)
    for name in ("remand", "late", "late_rate"):
        m = published.values[name]
        for path, value in values_in(m):
            if path in ("", ".value"):
                assert value.number is None and value.symbol == "c", (name, path)
        for f in dataclasses.fields(m.value):
            assert getattr(m.value, f.name) not in (3, 3.0, 3 / 3560 * 100), (name, f.name)
    assert_nowhere(published, 3)
    assert_nowhere(published, 3 / 3560 * 100)


@pytest.mark.parametrize(("numerator", "denominator", "why"), [
    (3, 100, "numerator is small"),
    (4, 4, "numerator and denominator are small"),
    (97, 100, "difference is small"),
    (100, 101, "difference is 1"),
    (1, 120, "numerator is 1"),
])
def test_percent_metric_is_suppressed_when_a_count_behind_it_is_small(
        config, numerator: int, denominator: int, why: str) -> None:
    period = make_period(
        figures=[make_figure("num", numerator, counts="records"),
                 make_figure("den", denominator, counts="records")],
        metrics=[metric("rate", "percent", numerator=fig("num"), denominator=fig("den"))])
    published = publish_one(config, period)
    value = published.values["rate"].value
    assert value.number is None and value.symbol == "c", why
    assert_nowhere(published.values["rate"], numerator / denominator * 100)


@pytest.mark.parametrize(("count", "shown"), [(3, "[c]"), (1061, "72 per 10,000")])
def test_a_rate_of_a_small_count_is_hidden_with_it(config, count: int, shown: str) -> None:
    # Issue 14's rates per 10,000 beside counts: 0.2 per 10,000 of 148,200 children is 3.
    period = make_period(
        figures=[make_figure("children", count, counts="children"),
                 make_figure("child_population", 148200, counts="children")],
        metrics=[metric("rate", "rate", numerator=fig("children"),
                        denominator=fig("child_population"), decimals=1 if count < 10 else 0)])
    published = publish_one(config, period)
    assert published.values["rate"].value.text() == shown
    assert published.values["rate"].formula.kind == "rate"


def test_percent_metric_denominator_small_from_a_table(config) -> None:
    rows = {("Yes",): 0, ("No",): 5, (T,): 5}
    period = make_period(tables=[make_table("t", ["answer"], rows)], metrics=[
        metric("rate", "percent", numerator=tab("t", answer="Yes"), denominator=tab("t"))])
    published = publish_one(config, period)
    assert published.values["rate"].value.suppressed


@pytest.mark.parametrize(("numerator", "denominator", "shown"), [
    (50, 100, "50.0%"), (0, 100, "0.0%"), (3482, 3560, "97.8%"), (94, 100, "94.0%"),
])
def test_percent_metric_is_shown_when_no_count_is_small(
        config, numerator: int, denominator: int, shown: str) -> None:
    period = make_period(
        figures=[make_figure("num", numerator, counts="records"),
                 make_figure("den", denominator, counts="records")],
        metrics=[metric("rate", "percent", numerator=fig("num"), denominator=fig("den"))])
    value = publish_one(config, period).values["rate"].value
    assert value.text() == shown


def test_ratio_of_figures_not_counting_people_is_not_suppressed(config) -> None:
    period = make_period(
        figures=[make_figure("fte_a", 3, unit="fte", counts="none"),
                 make_figure("fte_b", 4, unit="fte", counts="none")],
        metrics=[metric("r", "ratio", numerator=fig("fte_a"), denominator=fig("fte_b"))])
    # Published as printed (one decimal place): 3 / 4 is 0.75, shown as 0.8.
    assert publish_one(config, period).values["r"].value.number == 0.8


def test_ratio_with_a_denominator_that_is_not_a_count_of_people_is_not_suppressed(config) -> None:
    period = make_period(
        figures=[make_figure("cases", 300), make_figure("iro_fte", 4, unit="fte", counts="none")],
        metrics=[metric("caseload", "ratio", numerator=fig("cases"), denominator=fig("iro_fte"))])
    assert publish_one(config, period).values["caseload"].value.number == pytest.approx(75.0)


def test_ratio_with_a_small_count_numerator_is_suppressed(config) -> None:
    period = make_period(
        figures=[make_figure("cases", 3), make_figure("iro_fte", 20, unit="fte", counts="none")],
        metrics=[metric("caseload", "ratio", numerator=fig("cases"), denominator=fig("iro_fte"))])
    published = publish_one(config, period)
    assert published.values["caseload"].value.suppressed
    assert_nowhere(published, 3 / 20)


# --- change on the previous period ----------------------------------------------------

def two_periods(cur_figs, prev_figs, *, cur_metrics=(), prev_metrics=(), cur_targets=(),
                prev_start=dt.date(2020, 4, 1), prev_end=PREV_END, prev_name="2020-21"):
    prev = make_period(period=prev_name, start=prev_start, end=prev_end, figures=prev_figs,
                       metrics=prev_metrics)
    cur = make_period(previous=prev_name, figures=cur_figs, metrics=cur_metrics,
                      targets=cur_targets)
    return Site({prev.key: prev, cur.key: cur})


def test_change_on_previous_snapshot(config) -> None:
    site = two_periods([make_figure("children_in_care", 1446, date=END)],
                       [make_figure("children_in_care", 1352, date=PREV_END)])
    published = publish.publish_site(site, config)
    m = published.periods["iro/2021-22"].values["children_in_care"]
    change = m.change
    assert change is not None and change.comparable
    assert change.previous_value.number == 1352
    assert change.difference.number == 94
    assert change.percent.number == 7.0  # 6.95%, as printed (the number holds no more)
    assert change.words(m.value) == "up 94 (7.0%) from 1,352 at 31 March 2021"
    # The earlier period has nothing to compare with.
    assert published.periods["iro/2020-21"].values["children_in_care"].change is None


def test_change_on_previous_flow_going_down(config) -> None:
    site = two_periods([make_figure("reviews_held", 3560, counts="records")],
                       [make_figure("reviews_held", 3578, counts="records")])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["reviews_held"]
    assert m.change.difference.number == -18
    assert m.change.words(m.value) == "down 18 (0.5%) from 3,578 in April 2020 to March 2021"


def test_unchanged(config) -> None:
    site = two_periods([make_figure("reviews_held", 3560, counts="records")],
                       [make_figure("reviews_held", 3560, counts="records")])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["reviews_held"]
    assert m.change.words(m.value) == "unchanged from 3,560 in April 2020 to March 2021"


def test_change_of_a_percentage_is_in_percentage_points(config) -> None:
    spec = metric("rate", "percent", numerator=fig("num"), denominator=fig("den"))
    site = two_periods(
        [make_figure("num", 978, counts="records"), make_figure("den", 1000, counts="records")],
        [make_figure("num", 973, counts="records"), make_figure("den", 1000, counts="records")],
        cur_metrics=[spec], prev_metrics=[spec])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["rate"]
    assert m.change.percent is None
    assert m.change.difference.number == pytest.approx(0.5)
    assert m.change.words(m.value) == ("up 0.5 percentage points from 97.3% "
                                       "in April 2020 to March 2021")


def test_a_small_change_beside_both_its_ends_is_shown_not_pretended_hidden(config) -> None:
    # Issue 10, item 9: a [c] difference beside 1,446 and 1,443 hid nothing (anyone can
    # subtract). A net change in a stock is not a count of children; where the flows behind it
    # are published, stock-and-flow relations make the audit protect them.
    site = two_periods([make_figure("children_in_care", 1446, date=END)],
                       [make_figure("children_in_care", 1443, date=PREV_END)])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["children_in_care"]
    assert m.change.difference == Value(3.0, "", "count", 0, issuer=Issuer.PUBLISH)
    assert m.change.words(m.value) == "up 3 (0.2%) from 1,443 at 31 March 2021"


def test_a_change_with_a_hidden_end_is_hidden(config) -> None:
    site = two_periods([make_figure("children_in_care", 4, date=END)],
                       [make_figure("children_in_care", 40, date=PREV_END)])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["children_in_care"]
    assert m.value.suppressed and m.change.difference.suppressed and m.change.percent.suppressed
    assert_nowhere(m.change, 4)


def test_change_from_a_suppressed_previous_value_is_suppressed(config) -> None:
    site = two_periods([make_figure("uasc", 40)], [make_figure("uasc", 4)])
    published = publish.publish_site(site, config)
    m = published.periods["iro/2021-22"].values["uasc"]
    assert m.value.number == 40
    assert m.change.previous_value.suppressed
    assert m.change.difference.suppressed
    assert m.change.percent.suppressed
    assert "[c]" in m.change.words(m.value)
    assert_nowhere(published, 4)
    assert_nowhere(published, 36)
    assert_nowhere(published, 900)  # the percentage change


def test_change_to_a_suppressed_current_value_is_suppressed(config) -> None:
    site = two_periods([make_figure("uasc", 2)], [make_figure("uasc", 40)])
    published = publish.publish_site(site, config)
    m = published.periods["iro/2021-22"].values["uasc"]
    assert m.value.suppressed
    assert m.change.previous_value.number == 40
    assert m.change.difference.suppressed
    assert_nowhere(published, 2)
    assert_nowhere(published, 38)
    assert_nowhere(published, -38)


def test_change_when_the_current_value_is_not_available_does_not_say_unchanged(config) -> None:
    site = two_periods([make_figure("children_in_care", None, date=END)],
                       [make_figure("children_in_care", 1352, date=PREV_END)])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["children_in_care"]
    assert m.value.symbol == "x"
    assert "unchanged" not in m.change.words(m.value)


def test_change_when_the_previous_value_is_not_available_does_not_say_unchanged(config) -> None:
    site = two_periods([make_figure("children_in_care", 1446, date=END)],
                       [make_figure("children_in_care", None, date=PREV_END)])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["children_in_care"]
    assert "unchanged" not in m.change.words(m.value)


def test_change_keeps_the_decimals_the_difference_needs(config) -> None:
    site = two_periods([make_figure("staff", 21, unit="fte", counts="none")],
                       [make_figure("staff", 20.5, unit="fte", counts="none")])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["staff"]
    assert m.change.words(m.value).startswith("up 0.5 FTE")


def test_change_that_rounds_to_zero_reads_unchanged(config) -> None:
    spec = metric("rate", "percent", numerator=fig("num"), denominator=fig("den"))
    site = two_periods(
        [make_figure("num", 9781, counts="records"), make_figure("den", 10000, counts="records")],
        [make_figure("num", 9779, counts="records"), make_figure("den", 10000, counts="records")],
        cur_metrics=[spec], prev_metrics=[spec])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["rate"]
    assert m.value.text() == m.change.previous_value.text() == "97.8%"
    assert m.change.words(m.value).startswith("unchanged from 97.8%")


def test_flows_of_different_lengths_are_not_comparable(config) -> None:
    site = two_periods([make_figure("reviews_held", 3560, counts="records")],
                       [make_figure("reviews_held", 2500, counts="records")],
                       prev_start=dt.date(2020, 4, 1), prev_end=dt.date(2020, 12, 31),
                       prev_name="2020-04-to-2020-12")
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["reviews_held"]
    assert m.change is not None
    assert not m.change.comparable
    assert "12 months" in m.change.reason and "9" in m.change.reason
    assert m.change.difference is None and m.change.previous_value is None
    assert m.change.words(m.value).startswith("not comparable with April 2020 to December 2020")


def test_snapshots_in_periods_of_different_lengths_are_comparable(config) -> None:
    site = two_periods([make_figure("children_in_care", 1446, date=END)],
                       [make_figure("children_in_care", 1400, date=dt.date(2020, 12, 31))],
                       prev_end=dt.date(2020, 12, 31), prev_name="2020-04-to-2020-12")
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["children_in_care"]
    assert m.change.comparable
    assert m.change.difference.number == 46


def test_snapshot_and_flow_are_not_comparable(config) -> None:
    site = two_periods([make_figure("children_in_care", 1446, date=END)],
                       [make_figure("children_in_care", 1352)])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["children_in_care"]
    assert not m.change.comparable
    assert "snapshot" in m.change.reason


def test_change_of_a_different_unit_is_not_comparable(config) -> None:
    site = two_periods([make_figure("staff", 21, unit="fte", counts="none")],
                       [make_figure("staff", 20)])
    m = publish.publish_site(site, config).periods["iro/2021-22"].values["staff"]
    assert not m.change.comparable
    assert "unit changed" in m.change.reason


# --- targets --------------------------------------------------------------------------

def target(name="t", *, value=None, direction="higher", rng=None, unit="percent") -> Target:
    return Target(name=name, label="Aspiration", unit=unit, source="Section 4",
                  where=Where(Path("period.yaml"), 1), value=value, direction=direction, range=rng)


def rate_period(num: int, den: int, tgt: Target, *, kind: str = "percent", decimals: int = 1,
                counts: str = "records"):
    return make_period(
        figures=[make_figure("num", num, counts=counts), make_figure("den", den, counts=counts)],
        targets=[tgt],
        metrics=[metric("rate", kind, numerator=fig("num"), denominator=fig("den"),
                        decimals=decimals, target=tgt.name)])


@pytest.mark.parametrize(("num", "den", "goal", "direction", "status"), [
    (3482, 3560, 98, "higher", "not met"),   # 97.8%
    (990, 1000, 98, "higher", "met"),        # 99.0%
    (980, 1000, 98, "higher", "met"),        # exactly on target
    (9796, 10000, 98, "higher", "met"),      # 97.96% shows as 98.0%, and is met
    (150, 1000, 20, "lower", "met"),         # 15% against at most 20%
    (250, 1000, 20, "lower", "not met"),
])
def test_target_met_or_not(config, num, den, goal, direction, status) -> None:
    period = rate_period(num, den, target(value=goal, direction=direction))
    m = publish_one(config, period).values["rate"]
    assert m.status == status
    assert m.target is not None and m.target.text == f"{goal}%"


@pytest.mark.parametrize(("cases", "status"), [(1200, "within range"), (1400, "within range"),
                                               (1500, "above range"), (900, "below range")])
def test_target_range(config, cases, status) -> None:
    period = rate_period(cases, 20, target(rng=(50.0, 70.0), unit="mean"), kind="ratio",
                         decimals=0, counts="children")
    m = publish_one(config, period).values["rate"]
    assert m.status == status
    assert m.target.text == "50 to 70"


def test_suppressed_metric_has_no_target_status(config) -> None:
    period = rate_period(97, 100, target(value=98))  # the difference, 3, is small
    m = publish_one(config, period).values["rate"]
    assert m.value.suppressed
    assert m.status == ""
    assert m.target is not None  # the target itself is still shown


def test_published_site_carries_settings_and_targets(config) -> None:
    period = rate_period(990, 1000, target(value=98))
    site = publish.publish_site(Site({period.key: period}), config)
    assert isinstance(site, PublishedSite)
    assert site.threshold == 5 and site.sensitive_threshold == 10
    assert site.periods["iro/2021-22"].targets["t"].text == "98%"
    assert site.latest("iro").period == "2021-22"


# --- end to end from files ------------------------------------------------------------

def test_publish_from_the_minimal_period(tmp_path: Path) -> None:
    files = support.write_period(tmp_path / "data", legal_status={
        "Care order": 845, "Interim care order": 281, "Placement order": 86, "Remand": 2,
        "Total": 1214})
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    published = publish.publish_site(site, support.config(files.data, tmp_path / "content"))
    period = published.periods["iro/2021-22"]
    assert period.tables["legal_status"].cells[("Remand",)].suppressed
    assert period.tables["legal_status"].cells[("Placement order",)].suppressed
    assert period.values["children_in_care"].value.text() == "1,214"
    assert period.values["review_timeliness"].value.text() == "97.8%"
    assert period.values["review_timeliness"].status == "not met"
    assert {m.name for m in period.headlines} == {"children_in_care", "review_timeliness"}
    assert_nowhere(published, 2)
    assert_nowhere(published, 86)


def test_period_length_is_rounded_to_whole_months() -> None:
    import datetime as dt

    from factories import raw_period

    p = raw_period([])
    p.start, p.end = dt.date(2016, 4, 1), dt.date(2016, 12, 1)
    assert p.months == 8
    p.start, p.end = dt.date(2021, 4, 1), dt.date(2022, 3, 31)
    assert p.months == 12
    p.start, p.end = dt.date(2019, 10, 1), dt.date(2020, 9, 30)
    assert p.months == 12


def test_a_remembered_publication_equals_a_fresh_one_after_a_data_edit(tmp_path, monkeypatch):
    # The preview keeps each period's own suppression (publish.SuppressionMemo): after a data
    # edit to one period, what it publishes must be what a fresh publication gives, and only
    # the edited period and those that read it are suppressed again.
    import shutil

    import sites
    from transparency.load import load_site
    from transparency.settings import resolve

    data = tmp_path / "data"
    shutil.copytree(sites.COUNCIL / "data", data)
    config = resolve({"DATA_PATH": str(data), "ORGANISATION": "Northmoor"}, tmp_path / "content")

    def loaded() -> Site:
        site, problems = load_site(data, config.reports)
        assert not problems, problems.report()
        return site

    memo = publish.SuppressionMemo()
    publish.publish_site(loaded(), config, memo)
    assert set(memo.entries) == set(sites.periods())
    yaml = data / "iro" / "2022-23" / "period.yaml"
    yaml.write_text(yaml.read_text().replace("    value: 41\n", "    value: 47\n", 1))
    suppressed: list[str] = []
    real = publish.suppress_versions

    def counting(period, *args, **kwargs):
        suppressed.append(period.key)
        return real(period, *args, **kwargs)

    monkeypatch.setattr(publish, "suppress_versions", counting)
    remembered = publish.publish_site(loaded(), config, memo)
    assert "iro/2022-23" in suppressed and "cp/2022-10-to-2023-09" not in suppressed
    fresh = publish.publish_site(loaded(), config)
    assert remembered == fresh
    assert remembered.periods["iro/2022-23"].values["informal_challenges"].value.number == 47


def test_a_remembered_load_equals_a_fresh_one_and_rereads_only_the_edited_folder(tmp_path,
                                                                                 monkeypatch):
    import shutil

    import sites
    from transparency import load
    from transparency.settings import resolve

    data = tmp_path / "data"
    shutil.copytree(sites.COUNCIL / "data", data)
    config = resolve({"DATA_PATH": str(data), "ORGANISATION": "Northmoor"}, tmp_path / "content")
    memo = load.LoadMemo()
    load.load_site(data, config.reports, memo)
    read: list[str] = []
    real = load.load_period

    def counting(folder, *args, **kwargs):
        read.append(f"{folder.parent.name}/{folder.name}")
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(load, "load_period", counting)
    yaml = data / "iro" / "2022-23" / "period.yaml"
    original = yaml.read_text()
    yaml.write_text(original.replace("    value: 41\n", "    value: 47\n", 1))
    remembered, problems = load.load_site(data, config.reports, memo)
    assert read == ["iro/2022-23"] and not problems
    fresh, _ = load.load_site(data, config.reports)
    # Tables hold data frames, which do not compare with ==: compare what is published.
    assert publish.publish_site(remembered, config) == publish.publish_site(fresh, config)
    read.clear()
    yaml.write_text(original.replace("    value: 41\n", "    value: fourty\n", 1))
    _, problems = load.load_site(data, config.reports, memo)
    assert read == ["iro/2022-23"]
    _, fresh_problems = load.load_site(data, config.reports)
    assert problems.items == fresh_problems.items and "fourty" in problems.report()
