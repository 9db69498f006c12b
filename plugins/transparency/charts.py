"""Chart builders: published tables in, `alt.Chart` out. Rendering happens elsewhere.

Charts are built only from `PublishedTable` values, so a suppressed cell reaches the spec
as a gap with a "[c]" label, never as a number. Total rows are never charted and bars are
never stacked, so no total can expose a hidden segment.

A trend's series, the table its chart draws, is built in trend_table.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import altair as alt
import pandas as pd

from .classifications import is_age_dimension
from .printed import format_number
from .published import PublishedPeriod, PublishedTable, PublishedTarget, Value
from .terms import TOTAL

THEME = "app"
BLUE = "#1d70b8"  # 5.2:1 on white
DARK = "#0b0c0c"
# The Analysis Function categorical palette: every colour at least 3:1 against white and
# against the colour before it (dark and light alternate).
SERIES_COLOURS = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
SERIES_DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [10, 2]]
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
TIME_WORDS = re.compile(
    rf"^(\d{{4}}([-/ ]\d{{2,4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|({MONTHS})[a-z]*\.?(\s*\d{{2,4}})?)$",
    re.IGNORECASE)
CHART_TYPES = ("bar", "line")


@alt.theme.register(THEME, enable=True)
def app_theme() -> alt.theme.ThemeConfig:
    """One registered theme: high-contrast text, no chart border, and Arial (or Liberation
    Sans, its metric twin on Linux): the SVG's text is measured when it is rendered, so the
    font the reader's browser uses must be as wide as the one measured, or labels run past
    the chart's edge and are clipped ("ritish Asian", issue 14). System fonts differ from
    one reader to the next; Arial's widths do not."""
    font = "Arial, 'Liberation Sans', Helvetica, sans-serif"
    return {
        "config": {
            "font": font,
            "background": "white",
            "view": {"stroke": None},
            "axis": {"labelColor": DARK, "titleColor": DARK, "labelFontSize": 13,
                     "titleFontSize": 13, "gridColor": "#b1b4b6", "domainColor": DARK,
                     "tickColor": DARK, "labelLimit": 260},
            "header": {"labelColor": DARK, "labelFontSize": 13, "titleFontSize": 13},
            "legend": {"labelColor": DARK, "titleColor": DARK, "labelFontSize": 13},
            "bar": {"color": BLUE},
            "line": {"color": BLUE, "strokeWidth": 3},
            "point": {"color": BLUE, "size": 50, "filled": True},
            "text": {"color": DARK, "fontSize": 13},
        }
    }


@dataclass(frozen=True)
class ChartInput:
    table: PublishedTable
    period: PublishedPeriod
    kind: str
    title: str


def _time_like(table: PublishedTable, dim: str, minimum: int = 4) -> bool:
    labels = [c for c in table.categories(dim) if c != TOTAL]
    return len(labels) >= minimum and all(TIME_WORDS.match(c) for c in labels)


def chart_kind(table: PublishedTable, requested: str | None) -> str:
    if requested:
        return requested
    return "line" if _time_like(table, _category_dim(table), 3) else "bar"


def _transposed(table: PublishedTable) -> bool:
    """Tables whose second dimension is time (area by year, performance area by month) are
    drawn with time along the axis: one line per area."""
    if len(table.dims) != 2:
        return False
    return table.comparator or (_time_like(table, table.dims[1], 3)
                                and not _time_like(table, table.dims[0], 3))


def chart_frame(table: PublishedTable) -> pd.DataFrame:
    """One row per charted cell: category, series, value (None when hidden) and its label."""
    rows = []
    for key, value in table.cells.items():
        if TOTAL in key:
            continue
        if _transposed(table):
            key = (key[1], key[0])
        series = " – ".join(key[1:]) if len(key) > 1 else ""
        when = table.times.get(key[0]) if table.times else None
        rows.append({"category": key[0], "series": series,
                     "value": value.number, "label": value.text(),
                     "tip": f"{key[0]}{' – ' + series if series else ''}: {value.text()}",
                     "when": when.isoformat() if when else None})
    return pd.DataFrame(rows, columns=["category", "series", "value", "label", "tip", "when"])


def _category_dim(table: PublishedTable) -> str:
    return table.dims[1] if _transposed(table) else table.dims[0]


def _listed(table: PublishedTable) -> list[str]:
    return [c for c in table.categories(_category_dim(table)) if c != TOTAL]


# Categories that are what is left over, or not known: last, whatever their size.
RESIDUAL = re.compile(r"^(other\b|any other|not known|not recorded|not stated|unknown|"
                      r"information not|refused|declined|missing)", re.IGNORECASE)


def is_ordered(table: PublishedTable, labels: list[str]) -> bool:
    """Whether the categories have an order of their own, kept on a chart: declared
    (`order: listed`), or read from them: times, ages, numbered codes or stages (every label
    has a digit), and ethnic groups (the DfE's standard order)."""
    if table.order:
        return table.order == "listed"
    dim = _category_dim(table)
    name, label = dim, table.dimensions.get(dim, dim)
    return (table.trend or table.comparator or _time_like(table, dim, 2)
            or is_age_dimension(name, label) or "ethnic" in f"{name} {label}".lower()
            or all(re.search(r"\d", c) for c in labels))


def category_order(table: PublishedTable) -> list[str]:
    """The order of a chart's categories: as listed where they are ordered (is_ordered);
    otherwise largest first, by published numbers only (the category's Total where it is
    shown, else the sum of its cells where all are shown), the others (a hidden cell and no
    shown Total) after them in their listed order, and leftovers ("Other", "Not known") last,
    so a hidden number's size never decides a place."""
    labels = _listed(table)
    if is_ordered(table, labels):
        return labels
    dim = table.dims.index(_category_dim(table))
    size: dict[str, float] = {}
    margin: dict[str, float] = {}
    partial: set[str] = set()  # a category with a cell not shown: its size is not known
    for key, value in table.cells.items():
        category = key[dim]
        if category == TOTAL:
            continue
        if all(k == TOTAL for i, k in enumerate(key) if i != dim) and len(key) > 1:
            if value.number is not None:
                margin[category] = value.number
        elif TOTAL not in key:
            if value.number is None:
                partial.add(category)
            else:
                size[category] = size.get(category, 0.0) + value.number
    for category in partial:
        size.pop(category, None)
    size.update(margin)

    def rank(item: tuple[int, str]) -> tuple[int, float, int]:
        index, category = item
        if RESIDUAL.match(category):
            return (2, 0.0, index)
        if category not in size:
            return (1, 0.0, index)
        return (0, -size[category], index)

    return [c for _, c in sorted(enumerate(labels), key=rank)]


def _value_axis(table: PublishedTable) -> alt.Axis:
    if table.unit == "count":
        return alt.Axis(format=",~f", tickMinStep=1)
    if table.unit == "percent":
        return alt.Axis(format=",~f", labelExpr="datum.label + '%'")
    return alt.Axis(format=",~f")


FACET_WIDTH = 220  # pixels per small chart
HEADER_CHARACTERS = 26  # a facet header line at 11px fits FACET_WIDTH at this length


def wrap_label(label: str, width: int = HEADER_CHARACTERS) -> list[str]:
    """A label as lines of at most `width` characters (a longer word stands alone)."""
    import textwrap

    return textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False) or [label]


def wrapped_labels(labels: list[str], width: int = HEADER_CHARACTERS) -> str:
    """A Vega expression giving each facet header as lines, so that a long category name
    wraps inside its small chart instead of running into its neighbours and off the SVG."""
    import json

    table = {label: wrap_label(label, width) for label in labels}
    return f"({json.dumps(table, ensure_ascii=False)})[datum.value] || datum.value"


NARROW_WIDTH = 230  # pixels of bar in a chart for a phone: with its labels, within 290
NARROW_HEADER_CHARACTERS = 36  # a category label line above a bar at 13px fits in 260


def _bar_layers(base: alt.Chart, y: alt.Y | None, x: alt.X) -> alt.LayerChart:
    """Bars, and each bar's printed value (or symbol) at its end. Each mark carries its tip
    ("Foster care: 561") as its description, which the SVG keeps as a hover title
    (chart_render.accessible_svg); the value labels carry it too, since a hidden cell has no
    bar, only its "[c]"."""
    where = {"y": y} if y is not None else {}
    # Without a y channel (one bar per row of a narrow chart) a bar's height must be given.
    bars = (base.mark_bar() if y is not None else base.mark_bar(height=14)).encode(
        x=x, description="tip:N", **where)
    labels = base.mark_text(align="left", dx=4, baseline="middle").encode(
        x=alt.X("plotted:Q"), text="label:N", description="tip:N", **where).transform_calculate(
        plotted="isValid(datum.value) ? datum.value : 0")
    # LayerChart itself rather than alt.layer, which may hoist facet channels into a FacetChart:
    # these layers have none, so the two are the same chart, and this one's type says so.
    return alt.LayerChart(layer=[bars, labels])


def _narrow_bars(frame: pd.DataFrame, order: list[str], top: float,
                 width: int) -> alt.FacetChart:
    """One bar per row under its category's label, for a phone's width (issue 14)."""
    x = alt.X("value:Q", title=None, axis=None, scale=alt.Scale(domain=[0, top or 1]))
    rows = alt.Row("category:N", sort=order, title=None, header=alt.Header(
        labelAngle=0, labelAlign="left", labelOrient="top", labelAnchor="start", labelLimit=0,
        labelPadding=2, labelExpr=wrapped_labels(order, NARROW_HEADER_CHARACTERS)))
    return (_bar_layers(alt.Chart(frame), None, x)
            .properties(width=width, height=18).facet(row=rows, spacing=10))


def bar_chart(table: PublishedTable, title: str, subtitle: str,
              narrow: bool = False, width: int | None = None) -> alt.TopLevelMixin:
    """Horizontal bars of a table's categories (one small chart per series of a two-way
    table, never stacked). `narrow`: a layout for a phone, each label above its bar and the
    series' charts one under another; `width`: its bars' greatest length in pixels."""
    width = width or NARROW_WIDTH
    frame = chart_frame(table)
    order = category_order(table)
    series = [s for s in dict.fromkeys(frame["series"]) if s]
    chart: alt.TopLevelMixin
    if narrow:
        top = float(frame["value"].max()) if frame["value"].notna().any() else 1.0
        if series:
            chart = alt.vconcat(*[
                _narrow_bars(frame[frame["series"] == s], order, top, width).properties(
                    title=alt.TitleParams(wrap_label(s, NARROW_HEADER_CHARACTERS - 4),
                                          anchor="start", fontSize=13))
                for s in series], spacing=16)
        else:
            chart = _narrow_bars(frame, order, top, width)
        return chart.properties(description=f"{title}. {subtitle}")
    y = alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    x = alt.X("value:Q", title=table.measure, axis=_value_axis(table))
    layered = _bar_layers(alt.Chart(frame), y, x)
    if series:
        # One small chart per series, never colour alone, never stacked.
        chart = layered.properties(width=FACET_WIDTH, height=alt.Step(22)).facet(
            column=alt.Column("series:N", sort=series, title=table.dimensions[table.dims[1]]
                              if len(table.dims) > 1 else None,
                              header=alt.Header(labelExpr=wrapped_labels(series), labelLimit=0)))
    else:
        chart = layered.properties(width=360, height=alt.Step(24))
    return chart.properties(description=f"{title}. {subtitle}")


NARROW_LINE_WIDTH = 240  # pixels of plot in a line chart for a phone
WIDE_LINE_WIDTH = 500  # pixels of plot: with its axis, a line chart prints on A4 at its size
NARROW_LABEL_LIMIT = 130  # pixels of a time label on a phone's line chart


def line_chart(table: PublishedTable, title: str, subtitle: str,
               narrow: bool = False, width: int | None = None) -> alt.LayerChart:
    """A line per series along the categories (times), gaps where a value is hidden or
    missing. `narrow`: the same, fitted to a phone's width; `width`: its plot's width."""
    width = width or NARROW_LINE_WIDTH
    frame = chart_frame(table)
    order = _listed(table)  # a line joins its categories in their own order
    series = [s for s in dict.fromkeys(frame["series"]) if s]
    if len(series) == 1 and table.trend:
        series = []  # one unbroken segment: no legend needed
        frame["series"] = ""
    # On a phone, labels run straight down, so a long one ("No figures between Dec 2016 and
    # Sep 2020") takes height, not width, and stops at NARROW_LABEL_LIMIT pixels.
    if table.times:
        # Time to scale: three and a half years between two reports are not drawn as the six
        # months between two others (issue 14). Each point is at its date; the table under
        # the chart names each period.
        x = alt.X("when:T", title=None, scale=alt.Scale(nice="year", padding=8),
                  axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1},
                                labelAngle=0, labelOverlap=True, grid=False))
    else:
        x = alt.X("category:N", sort=order,
                  title=None if narrow else table.dimensions[_category_dim(table)],
                  axis=alt.Axis(labelAngle=-90, labelLimit=NARROW_LABEL_LIMIT) if narrow
                  else alt.Axis(labelAngle=-45, labelLimit=0))
    y = alt.Y("value:Q", title=None, axis=_value_axis(table))  # the subtitle names the measure
    encode: dict[str, alt.X | alt.Y | alt.Color | alt.StrokeDash] = {"x": x, "y": y}
    if series:
        # On a phone a long series name wraps onto lines within the chart's width.
        narrow_labels = {"labelExpr": wrapped_labels(series, max(12, (width - 40) // 7)),
                         "labelLimit": 0} if narrow else {"labelLimit": 0}
        legend = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3,
                            symbolSize=400, columns=1, labelFontSize=13, **narrow_labels)
        encode["color"] = alt.Color("series:N", sort=series, legend=legend, scale=alt.Scale(
            domain=series, range=SERIES_COLOURS[:len(series)]))
        # Dashes as well as colours: colour is never the only way to tell series apart.
        encode["strokeDash"] = alt.StrokeDash("series:N", sort=series, legend=legend, scale=alt.Scale(
            domain=series, range=SERIES_DASHES[:len(series)]))
    base = alt.Chart(frame)
    line = base.mark_line(invalid="break-paths-show-domains", aria=False).encode(**encode)
    # Each point carries its tip as its description: a hover title in the SVG.
    points = base.mark_point().encode(description="tip:N",
                                      **{k: v for k, v in encode.items() if k != "strokeDash"})
    # Gap labels sit on the axis line, where they cannot be read as values.
    gaps = base.transform_filter("!isValid(datum.value)").mark_text(dy=-4, baseline="bottom").encode(
        x=x, y=alt.value(240), text="label:N", description="tip:N")
    layers: list[alt.Chart] = [line, points, gaps]
    if table.target is not None and table.target.low is not None:
        layers[:0] = _target_layers(table.target)
    return alt.LayerChart(layer=layers).properties(
        width=width if narrow else WIDE_LINE_WIDTH, height=240,
        description=f"{title}. {subtitle}")


TARGET_COLOUR = "#505a5f"


def _target_layers(target: PublishedTarget) -> list[alt.Chart]:
    """A target drawn behind a trend's line: a dashed rule at an aim (98%), or a shaded band
    for a range (50 to 70), labelled in words at its left end."""
    low, high = target.low, target.high
    assert low is not None and high is not None
    word = "Range" if high != low else "Target"
    frame = pd.DataFrame([{"low": low, "high": high, "text": f"{word}: {target.text}"}])
    base = alt.Chart(frame)
    if high != low:
        shape = base.mark_rect(color=TARGET_COLOUR, opacity=0.12, aria=False).encode(
            y="low:Q", y2="high:Q")
    else:
        shape = base.mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=2,
                               aria=False).encode(y="low:Q")
    label = base.mark_text(align="left", baseline="bottom", dx=4, dy=-3, x=0, fontSize=13,
                           color=TARGET_COLOUR, aria=False).encode(y="high:Q", text="text:N")
    return [shape, label]




def span_words(start: dt.date, end: dt.date) -> str:
    """A period in words, by month: "April 2021 to March 2022", or "March 2022" for one month."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


def subtitle_for(table: PublishedTable, period: PublishedPeriod) -> str:
    """Measure, geography and when: the snapshot date ("at 31 March 2022"), or the span the
    counts cover ("April 2021 to March 2022"), whatever the title says (a narrative's own
    title states a finding, not a date). Comparators, trends and tables by month have their
    times along an axis instead."""
    area = f", {period.area}" if period.area else ""
    if table.trend:
        return f"{table.measure}{area}, each period the council has reported. {table.note}".strip()
    if table.comparator:
        return f"{table.measure}: {period.area or 'the council'} and comparator areas"
    if table.date:
        return f"{table.measure}{area}, at {table.date.day} {table.date:%B %Y}"
    if _time_like(table, _category_dim(table), 2):
        return f"{table.measure}{area}"  # the times are along the axis
    return f"{table.measure}{area}, {span_words(period.start, period.end)}"


NARROW_MAX = 290  # pixels: a narrow chart fits a 320px screen less the page's margins


def build(table: PublishedTable, period: PublishedPeriod, kind: str | None = None,
          title: str | None = None, narrow: bool = False,
          narrow_width: int | None = None) -> alt.TopLevelMixin:
    """The chart of a published table: bars or lines (chart_kind); `narrow` for a phone, its
    plot `narrow_width` pixels wide (chart_pages narrows it where labels make it too wide)."""
    kind = chart_kind(table, kind)
    title = title or table.title
    subtitle = subtitle_for(table, period)
    if kind == "line":
        return line_chart(table, title, subtitle, narrow, narrow_width)
    return bar_chart(table, title, subtitle, narrow, narrow_width)


def describe(table: PublishedTable, kind: str) -> str:
    """A plain-English description built from published values only."""
    frame = chart_frame(table)
    shown = frame.dropna(subset=["value"])
    hidden = int((frame["label"] == "[c]").sum())
    missing = int(frame["label"].isin(["[x]", "[z]"]).sum())
    measure = table.measure
    unit_text = measure[:1].lower() + measure[1:] if measure[1:2].islower() else measure
    parts: list[str] = []
    if shown.empty:
        return "All values in this chart are hidden ([c]) or not available ([x])."

    def fmt(v: float) -> str:
        decimals = 0 if table.unit == "count" or float(v).is_integer() else 1
        return format_number(v, table.unit, decimals)

    if kind == "line":
        series_list = [s for s in dict.fromkeys(shown["series"])] or [""]
        for series in series_list:
            rows = shown[shown["series"] == series]
            if rows.empty:
                continue
            first, last = rows.iloc[0], rows.iloc[-1]
            top = rows.loc[rows["value"].idxmax()]
            low = rows.loc[rows["value"].idxmin()]
            if len(series_list) > 1:
                # Several lines: one short sentence each.
                if len(rows) == 1:
                    parts.append(f"{series}: {fmt(first['value'])} {_at(first['category'])}.")
                else:
                    parts.append(f"{series}: from {fmt(first['value'])} {_at(first['category'])} "
                                 f"to {fmt(last['value'])} {_at(last['category'])}.")
                continue
            name = ""
            if len(rows) == 1:
                parts.append(f"{name}{unit_text} was {fmt(first['value'])} {_at(first['category'])}.")
                continue
            parts.append(f"{name}{unit_text} went from {fmt(first['value'])} {_at(first['category'])} "
                         f"to {fmt(last['value'])} {_at(last['category'])}; the highest was "
                         f"{fmt(top['value'])} {_at(top['category'])} and the lowest "
                         f"{fmt(low['value'])} {_at(low['category'])}.")
    else:
        for series in [s for s in dict.fromkeys(shown["series"])] or [""]:
            rows = shown[shown["series"] == series].sort_values("value", ascending=False)
            if rows.empty:
                continue
            top = rows.iloc[0]
            total = _published_total(table, series)
            of_total = f" of {fmt(total.number)}" if total is not None and total.number is not None else ""
            name = f"For {series}, " if series else ""
            text = f"{name}{top['category']} was the largest, with {fmt(top['value'])}{of_total}"
            if len(rows) > 1:
                second = rows.iloc[1]
                text += f", followed by {second['category']} ({fmt(second['value'])})"
            parts.append(text + ".")
    if table.target is not None and table.target.low is not None:
        ranged = table.target.high != table.target.low
        label = table.target.label
        label = label[:1].lower() + label[1:] if label[1:2].islower() else label
        parts.append(f"The {'shaded band' if ranged else 'dashed line'} is the {label}, "
                     f"{table.target.text}.")
    if hidden:
        parts.append(f"{hidden} value{'s are' if hidden != 1 else ' is'} hidden ([c]) to protect "
                     "children's privacy and shown as gaps.")
    if missing:
        parts.append(f"{missing} value{'s are' if missing != 1 else ' is'} not available in the "
                     "source ([x]) and shown as gaps.")
    return " ".join(p[0].upper() + p[1:] for p in parts)


def _at(category: str) -> str:
    """'at 31 Mar 2016' for a date, 'in May' or 'in 2019' otherwise."""
    return f"at {category}" if re.match(r"^\d{1,2} [A-Za-z]", category) else f"in {category}"


def _published_total(table: PublishedTable, series: str) -> Value | None:
    key = (TOTAL, *series.split(" – ")) if series else (TOTAL,)
    return table.cells.get(key)
