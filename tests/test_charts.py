"""Chart builders (via to_dict), descriptions, SVG rendering and its cache."""

from __future__ import annotations

import json

from factories import CONFIG, raw_period, raw_table, site_of
from transparency import charts
from transparency.chart_render import accessible_svg, render_all, spec_hash, texts_in
from transparency.publish import publish_site
from transparency.trend_table import trend_table

T = "Total"


def published_table(cells, dims=("a",), name="t"):
    site = publish_site(site_of(raw_period([raw_table(name, list(dims), cells)])), CONFIG)
    period = site.periods["iro/2021-22"]
    return period.tables[name], period


def datasets(spec):
    return [row for rows in spec["datasets"].values() for row in rows]


def test_bar_chart_spec_has_gaps_not_numbers_for_hidden_cells():
    table, period = published_table({("Foster",): 561, ("Hospital",): 1, ("Remand",): 5,
                                     ("Residential",): 145, (T,): 712})
    spec = charts.build(table, period).to_dict()
    rows = datasets(spec)
    assert {r["category"] for r in rows} == {"Foster", "Hospital", "Remand", "Residential"}
    hidden = [r for r in rows if r["label"] == "[c]"]
    assert len(hidden) == 2 and all(r["value"] is None for r in hidden)
    assert all(r["value"] not in (1, 5) for r in rows)
    assert "712" not in json.dumps(spec)  # totals are never charted
    assert spec["layer"][0]["mark"]["type"] == "bar"
    assert spec["layer"][0]["encoding"]["description"] == {"field": "tip", "type": "nominal"}
    assert {r["tip"] for r in hidden} == {"Hospital: [c]", "Remand: [c]"}


def test_two_way_tables_are_small_multiples_not_stacked_or_colour_coded():
    cells = {("0-4", "F"): 40, ("0-4", "M"): 50, ("0-4", T): 90, ("5-9", "F"): 30,
             ("5-9", "M"): 20, ("5-9", T): 50, (T, "F"): 70, (T, "M"): 70, (T, T): 140}
    table, period = published_table(cells, dims=("age", "gender"))
    spec = charts.build(table, period).to_dict()
    assert spec["facet"]["column"]["field"] == "series"
    inner = spec["spec"]["layer"][0]
    assert "color" not in inner["encoding"] and "stack" not in json.dumps(inner["encoding"]["x"])


def test_month_categories_make_a_line_chart_with_dashes_per_series():
    months = ["April", "May", "June", "July"]
    cells = {(m, y): 10 + i for i, m in enumerate(months) for y in ("2020-21", "2021-22")}
    table, period = published_table(cells, dims=("month", "year"))
    assert charts.chart_kind(table, None) == "line"
    spec = charts.build(table, period).to_dict()
    line = spec["layer"][0]
    assert line["mark"]["invalid"] == "break-paths-show-domains"
    assert line["encoding"]["strokeDash"]["field"] == "series"
    assert charts.chart_kind(table, "bar") == "bar"


def test_theme_is_registered_and_enabled():
    import altair as alt

    assert alt.theme.active == charts.THEME
    table, period = published_table({("a",): 10, ("b",): 20})
    config = charts.build(table, period).to_dict()["config"]
    assert config["bar"]["color"] == charts.BLUE


def test_description_is_built_from_published_values_only():
    table, _ = published_table({("Foster",): 561, ("Connected",): 394, ("Hospital",): 2,
                                     ("Remand",): 4, (T,): 961})
    text = charts.describe(table, "bar")
    assert text.startswith("Foster was the largest, with 561 of 961, followed by Connected (394).")
    assert "2 values are hidden ([c])" in text
    assert " 4" not in text.replace("2 values", "")


def test_svg_is_rendered_accessible_and_cached(tmp_path):
    table, period = published_table({("a",): 10, ("b",): 20, ("c",): 3, (T,): 33})
    spec = charts.build(table, period).to_dict()
    svgs, stats = render_all({"k": spec}, tmp_path, workers=1)
    assert stats.rendered == 1 and stats.cached == 0
    assert (tmp_path / f"{spec_hash(spec)}.svg").is_file()
    svg = accessible_svg(svgs["k"], "fig-1", "Figure 1: t", "A description.")
    # Hidden from screen readers: the heading, description and table beside it say it all.
    assert '<svg aria-hidden="true" focusable="false"' in svg and 'role="img"' not in svg
    assert '<title id="fig-1-title">Figure 1: t</title><desc id="fig-1-desc">A description.</desc>' in svg
    assert "aria-label=" not in svg
    assert "[c]" in texts_in([svg]) and "3" not in texts_in([svg])
    again, stats = render_all({"k": spec}, tmp_path, workers=1)
    assert stats.cached == 1 and stats.rendered == 0 and again == svgs


def test_parallel_rendering_matches_in_process_rendering(tmp_path):
    specs = {}
    for i in range(8):
        table, period = published_table({("a",): 10 + i, ("b",): 20, (T,): 30 + i})
        specs[f"k{i}"] = charts.build(table, period).to_dict()
    parallel, stats = render_all(specs, None, workers=2)
    assert stats.workers == 2 and stats.rendered == 8
    serial, _ = render_all({"k3": specs["k3"]}, None, workers=1)
    assert parallel["k3"] == serial["k3"]


def test_trend_follows_a_metric_through_the_report_and_marks_uneven_spacing():
    import datetime as dt

    from factories import sum_metric

    def period(name, start, end, value, previous=None):
        p = raw_period([raw_table("t", ["a"], {("x",): value, ("y",): 100, (T,): value + 100})],
                       [sum_metric("cic", "t")], period=name, previous=previous)
        p.start, p.end = start, end
        p.period_label = f"{start:%B %Y} to {end:%B %Y}"
        return p

    site = publish_site(site_of(
        period("2015-16", dt.date(2015, 4, 1), dt.date(2016, 3, 31), 800),
        period("2020-21", dt.date(2020, 4, 1), dt.date(2021, 3, 31), 1250),
        period("2021-22", dt.date(2021, 4, 1), dt.date(2022, 3, 31), 1346, previous="2020-21")), CONFIG)
    latest = site.periods["iro/2021-22"]
    trend = trend_table(site, latest, "cic")
    assert [k[0] for k in trend.cells] == ["April 2015 to March 2016", "No figures Apr 2016 to Mar 2020",
                                           "April 2020 to March 2021", "April 2021 to March 2022"]
    assert [v.number for v in trend.cells.values()] == [900, None, 1350, 1446]
    assert trend.cells[("No figures Apr 2016 to Mar 2020", "12-month periods")].symbol == "x"
    assert "the line breaks there" in trend.note
    earlier = trend_table(site, site.periods["iro/2020-21"], "cic")
    assert len(earlier.cells) == 3  # never shows periods after the page's own
    text = charts.describe(trend, "line")
    assert text.startswith("Cic went from 900 in April 2015 to March 2016 to 1,446 in April 2021")
    # Time is drawn to scale: each point at its period's end, the gap at its middle, on a
    # time axis (four years apart are not drawn as one).
    assert trend.times == {"April 2015 to March 2016": dt.date(2016, 3, 31),
                           "No figures Apr 2016 to Mar 2020": dt.date(2018, 9, 30),
                           "April 2020 to March 2021": dt.date(2021, 3, 31),
                           "April 2021 to March 2022": dt.date(2022, 3, 31)}
    for narrow in (False, True):
        spec = charts.build(trend, latest, "line", narrow=narrow).to_dict()
        line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
        assert line["encoding"]["x"]["field"] == "when"
        assert line["encoding"]["x"]["type"] == "temporal"
        assert sorted(r["when"] for r in datasets(spec) if r.get("when"))[0] == "2016-03-31"


def test_missing_combinations_are_shown_as_x_and_keyed():
    from transparency.tables import render_table

    cells = {("0-4", "F"): 40, ("0-4", "M"): 50, ("5-9", "F"): 30}
    table, period = published_table(cells, dims=("age", "gender"))
    assert table.missing_cells() == [("5-9", "M")]
    assert "x" in table.symbols_used()
    html = render_table(table, period)
    assert "[x]" in html and "–" not in html


def _luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_contrast_with_the_background_and_their_neighbours():
    assert _contrast(charts.BLUE, "#ffffff") >= 3
    for i, colour in enumerate(charts.SERIES_COLOURS):
        assert _contrast(colour, "#ffffff") >= 3, colour
        if i:
            assert _contrast(colour, charts.SERIES_COLOURS[i - 1]) >= 3, colour
    assert len(set(map(str, charts.SERIES_DASHES))) == len(charts.SERIES_DASHES)


def test_long_facet_headers_wrap_inside_their_small_chart():
    # Issue 13: facet headers with long placement names overlapped and were cut at both
    # edges of the SVG. Each header is now lines no wider than its small chart.
    import re

    from factories import published_period, published_table
    from transparency.chart_render import _render

    long = ["Foster placement with relative or friend – outside the local authority",
            "Placed with own parents or other person with parental responsibility", "Residential"]
    cells = {(age, s): float(40 + i + 10 * j) for i, age in enumerate(["Under 1", "1 to 4"])
             for j, s in enumerate(long)}
    table = published_table("placement_age", ["age", "placement"], cells)
    svg = _render(charts.build(table, published_period([table]), "bar").to_dict())
    headers = [m.group(1) for m in re.finditer(r"<text[^>]*>((?:<tspan[^>]*>[^<]*</tspan>)+)</text>", svg)]
    lines = [re.sub(r"<[^>]+>", "", t) for h in headers for t in re.findall(r"<tspan[^>]*>[^<]*</tspan>", h)]
    assert "Foster placement with" in lines and "authority" in lines
    # At 13px a character is at most about 0.6 of the size wide: each line fits its chart.
    assert max(len(line) for line in lines) * 13 * 0.6 <= charts.FACET_WIDTH
    assert all(line in " ".join(long) for line in lines)


def test_every_chart_subtitle_says_when():
    # A narrative's own title states a finding ("Most children are on care orders"), so the
    # subtitle carries the date or span (issue 14: 23 charts did not say when).
    table, period = published_table({("Foster",): 561, ("Residential",): 145, (T,): 706})
    assert charts.subtitle_for(table, period) == "Children, April 2021 to March 2022"
    import dataclasses
    import datetime as dt

    snapshot = dataclasses.replace(table, date=dt.date(2022, 3, 31))
    assert charts.subtitle_for(snapshot, period) == "Children, at 31 March 2022"
    spec = charts.build(table, period, title="Most live in foster care").to_dict()
    assert spec["description"] == "Most live in foster care. Children, April 2021 to March 2022"
    assert charts.span_words(dt.date(2022, 3, 1), dt.date(2022, 3, 31)) == "March 2022"
    months, period = published_table({("April 2021",): 40, ("May 2021",): 50, (T,): 90},
                                     dims=("month",))
    assert charts.subtitle_for(months, period) == "Children"  # the months are on the axis


def test_unordered_bars_are_largest_first_by_published_numbers_only():
    table, _ = published_table({("Other",): 90, ("Foster",): 561, ("Hospital",): 2,
                                ("Residential",): 145, ("Placed with parents",): 30, (T,): 828})
    # Hospital is hidden (2), and its complement too; hidden cells follow the shown ones in
    # their listed order, whatever their true size, and "Other" is last.
    hidden = [c for (c,), v in table.cells.items() if v.suppressed]
    assert "Hospital" in hidden
    order = charts.category_order(table)
    shown = [c for c in order if c not in hidden and c != "Other"]
    assert shown == sorted(shown, key=lambda c: -table.cells[(c,)].number)
    assert order[-1] == "Other" and order[len(shown):-1] == [
        c for c in ["Foster", "Hospital", "Residential", "Placed with parents"] if c in hidden]
    spec = charts.build(table, _).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == order


def test_ordered_categories_keep_their_order():
    import dataclasses

    ages = {("Under 1",): 10, ("1 to 4",): 50, ("5 to 9",): 30, (T,): 90}
    table, _ = published_table(ages, dims=("age",))
    assert charts.category_order(table) == ["Under 1", "1 to 4", "5 to 9"]
    codes, _ = published_table({("PN1",): 10, ("PN2",): 50, ("PN3",): 30, (T,): 90}, dims=("code",))
    assert charts.category_order(codes) == ["PN1", "PN2", "PN3"]
    grades, _ = published_table({("Outstanding",): 10, ("Good",): 50, ("Inadequate",): 30,
                                 (T,): 90}, dims=("grade",))
    assert charts.category_order(grades) == ["Good", "Inadequate", "Outstanding"]
    # Declared in the data: grades are listed best first; ages may be sorted by value.
    assert charts.category_order(dataclasses.replace(grades, order="listed")) == [
        "Outstanding", "Good", "Inadequate"]
    assert charts.category_order(dataclasses.replace(table, order="value")) == [
        "1 to 4", "5 to 9", "Under 1"]


def test_two_way_bars_are_ordered_by_their_category_totals():
    cells = {("Foster", "F"): 40, ("Foster", "M"): 50, ("Foster", T): 90,
             ("Residential", "F"): 60, ("Residential", "M"): 70, ("Residential", T): 130,
             (T, "F"): 100, (T, "M"): 120, (T, T): 220}
    table, _ = published_table(cells, dims=("placement", "gender"))
    assert charts.category_order(table) == ["Residential", "Foster"]


def test_narrow_bars_are_drawn_under_their_labels():
    import re

    import vl_convert

    table, period = published_table({("Foster care",): 561, ("Residential",): 145, (T,): 706})
    svg = vl_convert.vegalite_to_svg(charts.build(table, period, narrow=True).to_dict())
    groups = re.findall(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg)
    bars = [b for g in groups for b in re.findall(r'd="M0,[\d.]+h([\d.]+)v([\d.]+)h', g)]
    assert len(bars) == 2 and all(float(h) >= 10 for _, h in bars), bars  # visible, not 0 high
    assert float(bars[0][0]) > float(bars[1][0])  # 561 longer than 145
    assert float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1)) <= charts.NARROW_MAX


def test_category_order_by_published_numbers_in_awkward_tables():
    # A category with a hidden cell and no shown Total has no known size: it goes with the
    # hidden ones, not ranked by the part of it that is shown.
    cells = {("Foster", "F"): 400, ("Foster", "M"): 2, ("Residential", "F"): 60,
             ("Residential", "M"): 70, ("Secure", "F"): 40, ("Secure", "M"): 45}
    table, _ = published_table(cells, dims=("placement", "gender"))
    assert [k for k, v in table.cells.items() if v.suppressed] == [("Foster", "M")]
    # Foster's shown 400 would put it first; its size is not known, so it is last.
    assert charts.category_order(table) == ["Residential", "Secure", "Foster"]
    # Three dimensions, no Total anywhere: no crash, every category once.
    three = {(a, b, c): 10 + i for i, (a, b, c) in enumerate(
        [(a, b, c) for a in ("X", "Y") for b in ("F", "M") for c in ("p", "q")])}
    table3, _ = published_table(three, dims=("a", "b", "c"))
    assert sorted(charts.category_order(table3)) == ["X", "Y"]
    # A hidden margin: the category's cells decide where all are shown.
    margin = {("A", "F"): 30, ("A", "M"): 3, ("A", T): 33, ("B", "F"): 50, ("B", "M"): 60,
              ("B", T): 110, (T, "F"): 80, (T, "M"): 63, (T, T): 143}
    table_m, _ = published_table(margin, dims=("k", "gender"))
    assert charts.category_order(table_m)[0] == "B"
