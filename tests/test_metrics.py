"""Metrics computed on small raw frames: value, sum, percent, ratio and where-selectors."""

from __future__ import annotations

import datetime as dt

import pytest

from support import fig, make_figure, make_period, make_table, metric, tab
from transparency import metrics
from transparency.model import Selector

T = "Total"
END = dt.date(2022, 3, 31)


@pytest.fixture
def period():
    legal = make_table("legal_status", ["legal_status"], {
        ("Care order",): 845, ("Interim care order",): 281, ("Placement order",): 86,
        ("Remand",): 2, (T,): 1214}, date=END)
    ages = make_table("age_gender", ["age", "gender"], {
        ("Under 1", "Female"): 42, ("Under 1", "Male"): 57, ("Under 1", T): 99,
        ("1 to 4", "Female"): 43, ("1 to 4", "Male"): 50, ("1 to 4", T): 93,
        (T, "Female"): 85, (T, "Male"): 107, (T, T): 192})
    codes = make_table("participation", ["code"], {
        ("PN0",): 784, ("PN1",): 897, ("PN2",): 14, ("PN3",): 0, ("PN7",): 100}, counts="records")
    gaps = make_table("gaps", ["stage"], {("Stage 1",): "x", ("Stage 2",): 12, (T,): 40})
    fte = make_table("staff", ["team"], {("North",): 7.5, ("South",): 6.5, (T,): 14.0},
                     unit="fte", counts="none", date=END)
    figures = [
        make_figure("reviews_held", 3560, counts="records"),
        make_figure("reviews_on_time", 3482, counts="records"),
        make_figure("iro_fte", 21, unit="fte", counts="none", date=END),
        make_figure("cases", 1470, counts="children", date=END),
        make_figure("not_given", None, counts="children"),
        make_figure("zero", 0, counts="children"),
    ]
    return make_period(figures=figures, tables=[legal, ages, codes, gaps, fte])


def compute(period, spec):
    return metrics.compute(period, spec)


# --- selectors ------------------------------------------------------------------------

def test_select_figure(period) -> None:
    part = metrics.select(period, fig("reviews_held"))
    assert part.value == 3560
    assert part.figure == "reviews_held"
    assert part.table is None
    assert (part.unit, part.counts) == ("count", "records")


def test_select_table_total_uses_the_total_row(period) -> None:
    part = metrics.select(period, tab("legal_status"))
    assert part.value == 1214
    assert part.cells == ((T,),)
    assert part.date == END


def test_select_2d_table_total_uses_the_grand_total(period) -> None:
    part = metrics.select(period, tab("age_gender"))
    assert part.value == 192
    assert part.cells == ((T, T),)


def test_select_table_without_a_total_sums_its_cells(period) -> None:
    part = metrics.select(period, tab("participation"))
    assert part.value == 784 + 897 + 14 + 0 + 100
    assert set(part.cells) == {("PN0",), ("PN1",), ("PN2",), ("PN3",), ("PN7",)}


def test_select_where_one_category(period) -> None:
    part = metrics.select(period, tab("legal_status", legal_status="Remand"))
    assert part.value == 2
    assert part.cells == (("Remand",),)


def test_select_where_a_list_of_categories(period) -> None:
    part = metrics.select(period, tab("participation", code=["PN1", "PN2", "PN3"]))
    assert part.value == 897 + 14 + 0
    assert set(part.cells) == {("PN1",), ("PN2",), ("PN3",)}


def test_select_where_in_2d_sums_the_cells_not_the_totals(period) -> None:
    part = metrics.select(period, tab("age_gender", gender="Female"))
    assert part.value == 42 + 43
    assert set(part.cells) == {("Under 1", "Female"), ("1 to 4", "Female")}


def test_select_where_on_both_dimensions(period) -> None:
    part = metrics.select(period, tab("age_gender", age="1 to 4", gender="Male"))
    assert part.value == 50
    assert part.cells == (("1 to 4", "Male"),)


def test_select_where_a_total_category_is_named(period) -> None:
    part = metrics.select(period, tab("age_gender", gender=T))
    assert part.value == 99 + 93


def test_select_with_an_unavailable_cell_is_unavailable(period) -> None:
    assert metrics.select(period, tab("gaps", stage=["Stage 1", "Stage 2"])).value is None
    assert metrics.select(period, tab("gaps", stage="Stage 2")).value == 12
    # The published total is still available.
    assert metrics.select(period, tab("gaps")).value == 40


def test_select_unavailable_figure(period) -> None:
    assert metrics.select(period, fig("not_given")).value is None


# --- metric types ---------------------------------------------------------------------

def test_value_metric(period) -> None:
    res = compute(period, metric("children_in_care", "value", of=[tab("legal_status")]))
    assert res.value == 1214
    assert res.unit == "count" and res.counts == "children"
    assert res.decimals == 0
    assert res.date == END


def test_value_metric_of_a_figure_keeps_its_unit(period) -> None:
    res = compute(period, metric("staff", "value", of=[fig("iro_fte")]))
    assert res.value == 21
    assert res.unit == "fte" and res.counts == "none"
    assert res.decimals == 0  # a whole number of FTE is shown as "21 FTE", not "21.0 FTE"


def test_sum_metric(period) -> None:
    res = compute(period, metric("orders", "sum", of=[
        tab("legal_status", legal_status="Care order"),
        tab("legal_status", legal_status="Interim care order")]))
    assert res.value == 845 + 281
    assert len(res.parts) == 2


def test_sum_metric_with_an_unavailable_part_is_unavailable(period) -> None:
    res = compute(period, metric("s", "sum", of=[fig("cases"), fig("not_given")]))
    assert res.value is None


def test_sum_of_flows_and_snapshots_has_no_date(period) -> None:
    res = compute(period, metric("s", "sum", of=[fig("cases"), fig("reviews_held")]))
    assert res.value == 1470 + 3560
    assert res.date is None
    assert res.counts == "records"  # mixed children and records


def test_percent_metric(period) -> None:
    res = compute(period, metric("timeliness", "percent", numerator=fig("reviews_on_time"),
                                 denominator=fig("reviews_held")))
    assert res.value == pytest.approx(3482 / 3560 * 100)
    assert round(res.value, 1) == 97.8
    assert res.unit == "percent" and res.counts == "none"
    assert res.decimals == 1
    assert res.numerator is not None and res.numerator.value == 3482
    assert res.denominator is not None and res.denominator.value == 3560


def test_percent_metric_with_where_selectors(period) -> None:
    res = compute(period, metric(
        "participation_rate", "percent",
        numerator=tab("participation", code=["PN1", "PN2", "PN3"]),
        denominator=tab("participation", code=["PN1", "PN2", "PN3", "PN7"]), decimals=2))
    assert res.value == pytest.approx(911 / 1011 * 100)
    assert res.decimals == 2


def test_percent_of_zero_is_unavailable(period) -> None:
    res = compute(period, metric("p", "percent", numerator=fig("cases"), denominator=fig("zero")))
    assert res.value is None


def test_percent_with_unavailable_numerator_is_unavailable(period) -> None:
    res = compute(period, metric("p", "percent", numerator=fig("not_given"),
                                 denominator=fig("cases")))
    assert res.value is None


def test_percent_of_two_snapshots_on_one_date_keeps_the_date(period) -> None:
    res = compute(period, metric("p", "percent", numerator=tab("legal_status", legal_status="Remand"),
                                 denominator=tab("legal_status")))
    assert res.date == END
    flows = compute(period, metric("q", "percent", numerator=fig("reviews_on_time"),
                                   denominator=fig("reviews_held")))
    assert flows.date is None


def test_ratio_metric(period) -> None:
    res = compute(period, metric("caseload", "ratio", numerator=fig("cases"),
                                 denominator=fig("iro_fte")))
    assert res.value == pytest.approx(1470 / 21)
    assert res.value == pytest.approx(70.0)
    assert res.unit == "mean"
    assert res.decimals == 1


def test_ratio_of_table_totals(period) -> None:
    res = compute(period, metric("r", "ratio", numerator=tab("legal_status"),
                                 denominator=tab("staff")))
    assert res.value == pytest.approx(1214 / 14)


def test_sensitive_parts_make_a_sensitive_result() -> None:
    table = make_table("health", ["need"], {("A",): 20, ("B",): 30, (T,): 50}, sensitive=True)
    period = make_period(tables=[table])
    assert compute(period, metric("m", "value", of=[tab("health")])).sensitive
    plain = make_period(tables=[make_table("health", ["need"], {("A",): 20, (T,): 20})])
    assert not compute(plain, metric("m", "value", of=[tab("health")])).sensitive


def test_compute_all_computes_every_metric(period) -> None:
    period.metrics = {m.name: m for m in [
        metric("a", "value", of=[tab("legal_status")]),
        metric("b", "percent", numerator=fig("reviews_on_time"), denominator=fig("reviews_held"))]}
    results = metrics.compute_all(period)
    assert set(results) == {"a", "b"}
    assert results["a"].value == 1214


def test_selector_describe() -> None:
    assert Selector(figure="x").describe() == "figure 'x'"
    assert Selector(table="t").describe() == "total of table 't'"
    assert tab("t", code=["A", "B"]).describe() == "table 't' where code is A or B"


# --- helpers --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (2.5, 0, 3.0), (3.5, 0, 4.0), (0.5, 0, 1.0), (97.84, 1, 97.8), (6.25, 1, 6.3), (1.005, 0, 1.0),
    (12.5, 0, 13.0), (2.675, 2, 2.68), (0.125, 2, 0.13), (-2.5, 0, -3.0),
    (3910 / 4000 * 100, 1, 97.8), (99.94999, 1, 99.9),
])
def test_numbers_round_half_away_from_zero_as_written(value: float, decimals: int,
                                                       expected: float) -> None:
    # Python's round gives 2, 4, 0, 97.8, 6.2, 1, 12, 2.67, 0.12, -2, 97.7 for these.
    from transparency.printed import format_number, plain_number, round_half_up

    assert round_half_up(value, decimals) == expected
    assert plain_number(value, decimals) == f"{expected:.{decimals}f}"
    assert format_number(value, "percent", decimals) == f"{expected:,.{decimals}f}%"
    assert format_number(12345.5, "count", 0) == "12,346"


def test_percent_change() -> None:
    assert metrics.percent_change(1446, 1352) == pytest.approx(94 / 1352 * 100)
    assert metrics.percent_change(5, 2) == pytest.approx(150.0)
    assert metrics.percent_change(50, 100) == pytest.approx(-50.0)
    assert metrics.percent_change(10, 0) is None


def test_a_rate_is_per_10000_of_its_population(period) -> None:
    # Issue 14: children in care per 10,000 children; the DfE prints these as whole numbers.
    period.figures["child_population"] = make_figure("child_population", 148200,
                                                     counts="children", date=END)
    result = compute(period, metric("cic_rate", "rate", numerator=tab("legal_status"),
                                    denominator=fig("child_population")))
    assert result.value == pytest.approx(1214 / 148200 * 10000)
    assert (result.unit, result.decimals, result.counts) == ("rate_per_10000", 0, "none")
    assert compute(period, metric("cic_rate", "rate", numerator=tab("legal_status"),
                                  denominator=fig("child_population"), decimals=1)).decimals == 1
