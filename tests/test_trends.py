"""Key measures and their trend pages' series, from the published fictional fixture council
(tests/fixtures/council/)."""

from __future__ import annotations

import pytest

from sites import COUNCIL
from transparency.pipeline import prepare
from transparency.settings import resolve
from transparency.trends import key_measures


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    config = resolve({"DATA_PATH": str(COUNCIL / "data"),
                      "DATA_CACHE": str(tmp_path_factory.mktemp("cache"))}, COUNCIL / "content")
    published, problems = prepare(config)
    assert not problems
    return published


def test_key_measures_are_headlines_with_a_series(site):
    trends = {f"{t.report}/{t.name}": t for t in key_measures(site)}
    assert {"iro/children_in_care", "iro/children_entering_care", "iro/children_leaving_care",
            "iro/review_timeliness", "iro/participation_rate"} <= set(trends)
    for trend in trends.values():
        assert len(trend.periods) >= 2
        assert any(trend.name in {m.name for m in p.headlines} for p in site.by_report(trend.report))
        ends = [p.end for p in trend.periods]
        assert ends == sorted(ends), "periods run oldest first"
        assert trend.latest is trend.periods[-1]
        assert trend.url == f"trends/{trend.report}/{trend.name.replace('_', '-')}/"
    # The child protection and audit reports have one period each: no series yet.
    assert not [k for k in trends if not k.startswith("iro/")]


def test_the_series_holds_every_period_and_marks_the_gap(site):
    trend = next(t for t in key_measures(site) if t.name == "children_in_care")
    assert [p.period for p in trend.periods] == ["2019-04-to-2019-12", "2021-22", "2022-23"]
    cells = trend.table.cells
    numbers = [v.number for v in cells.values() if v.number is not None]
    assert numbers == [p.values["children_in_care"].value.number for p in trend.periods]
    gaps = [k for k, v in cells.items() if v.symbol == "x"]
    assert [k[0] for k in gaps] == ["No figures between Dec 2019 and Mar 2022"]
    assert trend.table.title == "Children in care, 31 December 2019 to 31 March 2023"


def test_a_hidden_value_stays_hidden_in_the_series():
    # A fictional council: its participation rate is hidden one year (3 of 103 took part).
    import dataclasses
    import datetime as dt

    from factories import CONFIG
    from support import make_period, make_table, metric, tab
    from transparency.model import Site
    from transparency.publish import publish_site

    def period(name: str, start: dt.date, end: dt.date, took_part: int, did_not: int):
        table = make_table("participation", ["code"], {("PN1",): took_part, ("PN7",): did_not,
                                                        ("Total",): took_part + did_not})
        rate = dataclasses.replace(metric(
            "participation_rate", "percent", numerator=tab("participation", code="PN1"),
            denominator=tab("participation"), decimals=1), headline=True)
        return make_period(period=name, start=start, end=end, tables=[table], metrics=[rate])

    site = publish_site(Site({p.key: p for p in (
        period("2020-21", dt.date(2020, 4, 1), dt.date(2021, 3, 31), 3, 100),
        period("2021-22", dt.date(2021, 4, 1), dt.date(2022, 3, 31), 80, 20))}), CONFIG)
    trend = next(t for t in key_measures(site) if t.name == "participation_rate")
    hidden = [k for k, v in trend.table.cells.items() if v.symbol == "c"]
    assert [k[0] for k in hidden] == ["April 2020 to March 2021"]
    assert all(v.number is None for k, v in trend.table.cells.items() if k in hidden)
    # A rate over periods of different lengths is one series; counts are split (below).
    assert {k[1] for k in trend.table.cells} == {"Over each period"}
def test_counts_over_periods_of_different_lengths_are_separate_series(site):
    trend = next(t for t in key_measures(site) if t.name == "children_entering_care")
    series = {k[0]: k[1] for k in trend.table.cells}
    assert series["April to December 2019"] == "9-month periods"
    assert series["April 2022 to March 2023"] == "12-month periods"


def test_definitions_are_listed_with_the_periods_they_apply_to(site):
    for trend in key_measures(site):
        listed = [label for _, labels in trend.definitions for label in labels.split(", ")]
        assert sorted(listed) == sorted(p.period_label for p in trend.periods)
    participation = next(t for t in key_measures(site) if t.name == "participation_rate")
    assert [labels for _, labels in participation.definitions] == [
        "April to December 2019", "April 2021 to March 2022, April 2022 to March 2023"]


def test_a_definition_that_differs_only_by_its_date_is_one_definition(site):
    trend = next(t for t in key_measures(site) if t.name == "children_in_care")
    assert len(trend.definitions) == 1
    assert trend.definitions[0][1].count(",") == len(trend.periods) - 1


def test_a_trend_joins_only_points_with_one_definition(site):
    # Issue 14: a trend joined 2016's share of all challenges with 2021/22's stage 1 rate.
    # Under different definitions the points are separate series, and the note says why.
    participation = next(t for t in key_measures(site) if t.name == "participation_rate")
    series = {k[0]: k[1] for k in participation.table.cells}
    assert series["April to December 2019"] == "Over each period, definition A"
    assert series["April 2022 to March 2023"] == "Over each period, definition B"
    assert series["April 2021 to March 2022"] == "Over each period, definition B"
    assert "The definition changed" in participation.table.note
    # One definition (dates aside): one series, no letters.
    in_care = next(t for t in key_measures(site) if t.name == "children_in_care")
    assert {k[1] for k in in_care.table.cells if not k[0].startswith("No figures")} == {
        "Snapshot on the date shown"}


def test_definitions_are_compared_without_their_dates_case_or_spacing():
    from transparency.trend_table import definition_key

    assert definition_key("Children in care at 31 March 2022.") == definition_key(
        "Children in  care at 31 March 2023.")
    assert definition_key("Stage 1 challenges resolved") != definition_key(
        "All challenges resolved")


def test_readings_of_a_stock_at_other_dates_join_its_series():
    """Issue 14: the children-in-care trend said there were no figures between December 2016
    and September 2020 while the data held readings at September 2019 and March 2020 under
    other names. A figure that says `series: children_in_care` is a point of that series at
    its date, in date order, with the series' definition; a reading on a date the series
    already has is not repeated."""
    import dataclasses
    import datetime as dt

    from factories import CONFIG
    from support import make_figure, make_period
    from transparency.model import Site
    from transparency.publish import publish_site

    def stock(name: str, value: int, date: dt.date, series: str | None = None):
        figure = dataclasses.replace(make_figure(name, value, date=date), series=series,
                                     headline=name == "children_in_care")
        return figure

    first = make_period(period="2020-21", start=dt.date(2020, 4, 1), end=dt.date(2021, 3, 31), figures=[
        stock("children_in_care", 1352, dt.date(2021, 3, 31)),
        stock("children_in_care_start", 1246, dt.date(2020, 3, 31), "children_in_care"),
        stock("children_in_care_september", 1300, dt.date(2020, 9, 30), "children_in_care")])
    second = make_period(period="2021-22", figures=[
        stock("children_in_care", 1446, dt.date(2022, 3, 31)),
        # The same day as 2020-21's own reading: that one stands.
        stock("children_in_care_last_year", 1350, dt.date(2021, 3, 31), "children_in_care")])
    site = publish_site(Site({p.key: p for p in (first, second)}), CONFIG)
    trend = next(t for t in key_measures(site) if t.name == "children_in_care")
    assert [(k[0], v.number) for k, v in trend.table.cells.items()] == [
        ("31 Mar 2020", 1246), ("30 Sep 2020", 1300), ("31 Mar 2021", 1352), ("31 Mar 2022", 1446)]
    assert {k[1] for k in trend.table.cells} == {"Snapshot on the date shown"}
    assert trend.table.title == "Children in care, 31 March 2020 to 31 March 2022"
