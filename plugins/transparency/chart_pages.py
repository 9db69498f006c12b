"""Charts placed in the narrative: collect every `{{ chart … }}`, render them all at once
(cached, in parallel) before Pelican reads any page, and give the reader their HTML."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from . import charts, references
from .chart_render import RenderStats, accessible_svg, render_all
from .narrative import narrative_path
from .problems import Problems
from .published import PublishedPeriod, PublishedSite
from .settings import Config
from .trends import Trend

ChartKey = tuple[str, str, str, str]  # period key, table name, kind, title


@dataclass(frozen=True)
class RenderedChart:
    key: ChartKey
    title: str
    subtitle: str
    description: str
    svg: str
    spec: dict
    counts: bool


def chart_key(period: PublishedPeriod, ref: references.Reference,
              site: PublishedSite | None = None) -> ChartKey:
    if ref.kind == "trend":
        assert site is not None
        table = charts.trend_table(site, period, ref.name)
        return (period.key, f"trend:{ref.name}", "line", ref.options.get("title") or table.title)
    table = period.tables[ref.name]
    kind = charts.chart_kind(table, ref.options.get("type"))
    return (period.key, ref.name, kind, ref.options.get("title") or table.title)


def collect(config: Config, site: PublishedSite, trends: list[Trend]) -> dict[ChartKey, dict]:
    """The Vega-Lite spec of every chart the narratives place, and of each trend page's."""
    specs: dict[ChartKey, dict] = {}
    for period in site.periods.values():
        path = narrative_path(config.content_path, period.report, period.period)
        if not path.is_file():
            continue
        refs = references.parse(path.read_text(encoding="utf-8-sig"), path, Problems())
        for ref in refs:
            if ref.kind == "trend" and ref.name in period.values:
                ck = chart_key(period, ref, site)
                specs[ck] = charts.build(charts.trend_table(site, period, ref.name), period,
                                         "line").to_dict()
            elif ref.kind == "chart" and ref.name in period.tables:
                ck = chart_key(period, ref)
                specs[ck] = charts.build(period.tables[ref.name], period, ck[2]).to_dict()
    for trend in trends:
        specs[trend_page_key(trend)] = charts.build(trend.table, trend.latest, "line").to_dict()
    return specs


def trend_page_key(trend: Trend) -> ChartKey:
    """The chart on a key measure's trend page: its whole series, titled by the series."""
    return (trend.latest.key, f"trend:{trend.name}", "line", trend.table.title)


def prepare_charts(config: Config, site: PublishedSite,
                   trends: list[Trend]) -> tuple[dict[ChartKey, RenderedChart], RenderStats]:
    specs = collect(config, site, trends)
    svgs, stats = render_all(specs, config.chart_cache, config.chart_workers)
    out: dict[ChartKey, RenderedChart] = {}
    for ck, spec in specs.items():
        period = site.periods[ck[0]]
        table = (charts.trend_table(site, period, ck[1].removeprefix("trend:"))
                 if ck[1].startswith("trend:") else period.tables[ck[1]])
        out[ck] = RenderedChart(
            key=ck, title=ck[3], subtitle=charts.subtitle_for(table, period),
            description=charts.describe(table, ck[2]), svg=svgs[ck], spec=spec,
            counts=table.of_people)
    return out, stats


def chart_html(chart: RenderedChart, number: int, table_html: str) -> str:
    e = html.escape
    ident = f"figure-{number}-{chart.key[1].replace(':', '-')}"
    svg = accessible_svg(chart.svg, ident, f"Figure {number}: {chart.title}", chart.description)
    mark = ' data-disclosure="count-spec"' if chart.counts else ""
    svg_mark = ' data-disclosure="count-chart"' if chart.counts else ""
    spec = json.dumps(chart.spec, separators=(",", ":")).replace("</", "<\\/")
    return "\n".join([
        # Read once: the heading names the figure; the picture repeats what the description
        # and the table beside it say, so it is hidden from screen readers (accessible_svg).
        f'<figure class="app-chart" id="{e(ident)}">',
        f'<h3 class="app-chart__title" id="{e(ident)}-heading">Figure {number}: {e(chart.title)}</h3>',
        f'<p class="app-chart__subtitle">{e(chart.subtitle)}</p>',
        # On a phone the chart keeps its size and scrolls sideways: the box is focusable so
        # a keyboard can scroll it (charts.js drops the tab stop where the chart fits).
        f'<div class="app-chart__graphic"{svg_mark} tabindex="0" '
        f'role="group" aria-label="Figure {number}, scrolls sideways">{svg}</div>',
        f'<p class="app-chart__description">{e(chart.description)}</p>',
        '<details class="app-details app-chart__data">',
        f'<summary class="app-details__summary">Figure {number} as a table</summary>',
        table_html,
        "</details>",
        f'<script type="application/json" class="app-chart__spec"{mark}>{spec}</script>',
        "</figure>",
    ])


def write_bundle(output: Path) -> Path:
    """The self-contained Vega bundle (no CDN), served from our own site."""
    import vl_convert

    path = output / "theme" / "js" / "vega-bundle.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    return path
