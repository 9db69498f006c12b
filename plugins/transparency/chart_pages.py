"""Charts placed in the narrative: collect every `{{ chart … }}`, render them all at once
(cached, in parallel) before Pelican reads any page, and give the reader their HTML."""

from __future__ import annotations

import copy
import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import charts, references
from .cache import engine_digest, read_pickle, write_pickle
from .chart_render import RenderStats, accessible_svg, render_all
from .narrative import narrative_path
from .problems import Problems
from .published import PublishedPeriod, PublishedSite, PublishedTable
from .settings import Config
from .trend_table import trend_table
from .trends import Trend

ChartKey = tuple[str, str, str, str]  # period key, table name, kind, title


@dataclass(frozen=True)
class RenderedChart:
    key: ChartKey
    title: str
    subtitle: str
    description: str
    svg: str  # for a screen wider than a phone's, and for print
    svg_narrow: str  # for a phone (charts.build(narrow=True))
    counts: bool


WIDE, NARROW = "wide", "narrow"


def chart_key(period: PublishedPeriod, ref: references.Reference,
              site: PublishedSite | None = None) -> ChartKey:
    if ref.kind == "trend":
        assert site is not None
        table = trend_table(site, period, ref.name)
        return (period.key, f"trend:{ref.name}", "line", ref.options.get("title") or table.title)
    table = period.tables[ref.name]
    kind = charts.chart_kind(table, ref.options.get("type"))
    return (period.key, ref.name, kind, ref.options.get("title") or table.title)


def chart_tables(config: Config, site: PublishedSite,
                 trends: list[Trend]) -> dict[ChartKey, tuple[PublishedTable, PublishedPeriod]]:
    """The table (and period) of every chart the narratives place, and of each trend page's."""
    tables: dict[ChartKey, tuple[PublishedTable, PublishedPeriod]] = {}
    for period in site.periods.values():
        path = narrative_path(config.content_path, period.report, period.period)
        if not path.is_file():
            continue
        refs = references.parse(path.read_text(encoding="utf-8-sig"), path, Problems())
        for ref in refs:
            if ref.kind == "trend" and ref.name in period.values:
                tables[chart_key(period, ref, site)] = (
                    trend_table(site, period, ref.name), period)
            elif ref.kind == "chart" and ref.name in period.tables:
                tables[chart_key(period, ref)] = (period.tables[ref.name], period)
    for trend in trends:
        tables[trend_page_key(trend)] = (trend.table, trend.latest)
    return tables


# What charts.build returns depends on the table, its subtitle (all it reads of the period),
# the kind and the layout; building a spec (Altair validates it) costs more than drawing it.
SpecKey = tuple[str, str, str, bool, int | None]


class SpecMemo:
    """Vega-Lite specs (and chart descriptions) already built, by what they are built from
    (SpecKey): a long-lived process (the preview, preview.py) keeps one, so that a chart whose
    table did not change is not built again. Holds only what the latest site used."""

    def __init__(self) -> None:
        self.specs: dict[SpecKey, dict[str, Any]] = {}
        self.used: dict[SpecKey, dict[str, Any]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.described: dict[tuple[str, str], str] = {}
        self.digests: dict[int, tuple[PublishedTable, str]] = {}  # this round's, by id

    def _digest(self, table: PublishedTable) -> str:
        known = self.digests.get(id(table))
        if known is not None and known[0] is table:
            return known[1]
        # Its repr, not its pickle: a pickle also records which values are shared objects, so
        # equal tables built anew would seldom match. Every field of a published table is a
        # plain value whose repr is complete.
        digest = hashlib.sha256(repr(table).encode()).hexdigest()
        self.digests[id(table)] = (table, digest)
        return digest

    def spec(self, table: PublishedTable, period: PublishedPeriod, kind: str, narrow: bool,
             narrow_width: int | None = None) -> dict[str, Any]:
        """The spec of charts.build(table, period, kind, narrow=…, narrow_width=…)."""
        key = (self._digest(table), charts.subtitle_for(table, period), kind, narrow, narrow_width)
        spec = self.used.get(key) or self.specs.get(key)
        if spec is None:
            spec = charts.build(table, period, kind, narrow=narrow, narrow_width=narrow_width).to_dict()
        self.used[key] = spec
        # A copy: the caller's spec is its own to change.
        return copy.deepcopy(spec)

    def describe(self, table: PublishedTable, kind: str) -> str:
        """charts.describe(table, kind)."""
        key = (self._digest(table), kind)
        text = self.described.get(key) or self.descriptions.get(key)
        if text is None:
            text = charts.describe(table, kind)
        self.described[key] = text
        return text

    def settle(self) -> None:
        """Keep only what this round used."""
        self.specs, self.used = self.used, {}
        self.descriptions, self.described = self.described, {}
        self.digests = {}

    @staticmethod
    def _file(cache: Path) -> Path:
        import altair

        # Specs are what this engine's code and Altair's make of a table: either changed, none
        # is kept.
        return cache / f"specs-{engine_digest()}-{altair.__version__}.pickle"

    @classmethod
    def on_disk(cls, cache: Path) -> SpecMemo:
        """The specs and descriptions the last build in this project kept (save), or none."""
        memo = cls()
        kept = read_pickle(cls._file(cache))
        if isinstance(kept, tuple) and len(kept) == 2:
            memo.specs, memo.descriptions = kept
        return memo

    def save(self, cache: Path) -> None:
        """Keep this round's specs and descriptions (after settle) for the next build."""
        write_pickle(self._file(cache), (self.specs, self.descriptions), "specs-*.pickle")


def collect(tables: dict[ChartKey, tuple[PublishedTable, PublishedPeriod]],
            memo: SpecMemo | None = None) -> dict[tuple[ChartKey, str], dict[str, Any]]:
    """The Vega-Lite specs of the charts: two each, keyed (chart, WIDE) and (chart, NARROW)."""
    if memo is not None:
        return {(ck, variant): memo.spec(table, period, ck[2], variant == NARROW)
                for ck, (table, period) in tables.items() for variant in (WIDE, NARROW)}
    return {(ck, variant): charts.build(table, period, ck[2], narrow=variant == NARROW).to_dict()
            for ck, (table, period) in tables.items() for variant in (WIDE, NARROW)}


def trend_page_key(trend: Trend) -> ChartKey:
    """The chart on a key measure's trend page: its whole series, titled by the series."""
    return (trend.latest.key, f"trend:{trend.name}", "line", trend.table.title)


def _svg_size(svg: str, dimension: str) -> float:
    """An SVG's `width` or `height` in pixels, as vl-convert writes it (0 if it has none)."""
    match = re.search(rf'<svg\b[^>]*?\s{dimension}="([\d.]+)"', svg)
    return float(match.group(1)) if match else 0.0


FIT_PASSES = 3
MIN_PLOT = 100  # pixels: narrower than this, a chart scrolls rather than shrinks
# A printed A4 page leaves a chart 560px (210 − 2 × 16 mm is 672 at 96 per inch, less the
# page's own spacing; measured in the fixture council's PDFs). A wider chart is shrunk to fit:
# up to 600px, its 13px text still prints at 9.1pt or more; a wider one prints in its phone
# layout, unless that is taller than a page (PRINT_HEIGHT), which it could not be split over;
# then wide on a landscape page, as wide tables are (print.css).
PRINT_WIDTH = 600
PRINT_HEIGHT = 800


def _fit_narrow(svgs: dict[tuple[ChartKey, str], str],
                tables: dict[ChartKey, tuple[PublishedTable, PublishedPeriod]], config: Config,
                stats: RenderStats, memo: SpecMemo | None = None,
                drawn: dict[str, str] | None = None) -> None:
    """Narrow charts that labels made wider than a phone's screen (charts.NARROW_MAX) are
    drawn again with a plot narrower by the excess, up to FIT_PASSES times (a legend or
    slanted labels do not shrink with the plot), then left to scroll in their box."""
    widths = {ck: charts.NARROW_LINE_WIDTH if ck[2] == "line" else charts.NARROW_WIDTH
              for ck in tables}
    for _ in range(FIT_PASSES):
        redo: dict[tuple[ChartKey, str], dict[str, Any]] = {}
        for (ck, variant), svg in svgs.items():
            excess = _svg_size(svg, "width") - charts.NARROW_MAX
            if variant != NARROW or excess <= 0 or widths[ck] <= MIN_PLOT:
                continue
            widths[ck] = max(MIN_PLOT, int(widths[ck] - excess - 2))
            table, period = tables[ck]
            redo[(ck, variant)] = (
                memo.spec(table, period, ck[2], True, widths[ck]) if memo is not None else
                charts.build(table, period, ck[2], narrow=True, narrow_width=widths[ck]).to_dict())
        if not redo:
            return
        again, more = render_all(redo, config.chart_cache, config.chart_workers, drawn)
        svgs.update(again)
        stats.rendered += more.rendered
        stats.cached += more.cached


@dataclass
class ChartMemo:
    """What a long-lived process keeps between builds: built specs and drawn SVGs (by spec
    hash, as the chart cache on disk names them)."""

    specs: SpecMemo = field(default_factory=SpecMemo)
    drawn: dict[str, str] = field(default_factory=dict)


def prepare_charts(config: Config, site: PublishedSite, trends: list[Trend],
                   memo: ChartMemo | None = None,
                   ) -> tuple[dict[ChartKey, RenderedChart], RenderStats]:
    """Every chart the site shows, drawn (or from the caches: on disk, and `memo` in a
    long-lived process)."""
    tables = chart_tables(config, site, trends)
    # A build in a fresh process reads the specs the last build kept on disk (building a spec
    # costs more than drawing it); a long-lived one keeps them in `memo`.
    specs_memo = memo.specs if memo else SpecMemo.on_disk(config.chart_cache)
    specs = collect(tables, specs_memo)
    drawn = memo.drawn if memo else None
    svgs, stats = render_all(specs, config.chart_cache, config.chart_workers, drawn)
    _fit_narrow(svgs, tables, config, stats, specs_memo, drawn)
    out: dict[ChartKey, RenderedChart] = {}
    for ck, (table, period) in tables.items():
        out[ck] = RenderedChart(
            key=ck, title=ck[3], subtitle=charts.subtitle_for(table, period),
            description=specs_memo.describe(table, ck[2]),
            svg=svgs[(ck, WIDE)],
            svg_narrow=svgs[(ck, NARROW)], counts=table.of_people)
    specs_memo.settle()
    if memo is None:
        specs_memo.save(config.chart_cache)
    elif len(memo.drawn) > 4 * len(svgs):  # drawn for data since changed (the disk keeps them)
        memo.drawn.clear()
    return out, stats


def chart_html(chart: RenderedChart, number: int, table_html: str) -> str:
    e = html.escape
    ident = f"figure-{number}-{chart.key[1].replace(':', '-')}"
    label = f"Figure {number}: {chart.title}"
    svg_mark = ' data-disclosure="count-chart"' if chart.counts else ""
    graphics = [
        # On a phone the narrow layout shows (labels above bars, series one under another);
        # elsewhere and in print the wide one (main.css). A box that still overflows scrolls,
        # and is focusable so a keyboard can scroll it (charts.js drops the tab stop where the
        # chart fits).
        # The phone layout repeats the wide one's words: search indexes them once.
        f'<div class="app-chart__graphic app-chart__graphic--{variant}"{svg_mark} tabindex="0" '
        f'{"data-pagefind-ignore " if variant == NARROW else ""}'
        f'role="group" aria-label="Figure {number}, scrolls sideways">'
        f'{accessible_svg(svg, f"{ident}-{variant}", label, chart.description)}</div>'
        for variant, svg in ((WIDE, chart.svg), (NARROW, chart.svg_narrow))]
    # A chart wider than an A4 page's text would be shrunk to print, its labels under 9pt:
    # the phone layout prints instead, at its own size, or the wide one on a landscape page
    # where the phone layout is taller than a page (print.css).
    narrow_print = ""
    if _svg_size(chart.svg, "width") > PRINT_WIDTH:
        fits = _svg_size(chart.svg_narrow, "height") <= PRINT_HEIGHT
        narrow_print = " app-chart--print-narrow" if fits else " app-chart--print-landscape"
    return "\n".join([
        # Read once: the heading names the figure; the picture repeats what the description
        # and the table beside it say, so it is hidden from screen readers (accessible_svg).
        f'<figure class="app-chart{narrow_print}" id="{e(ident)}">',
        f'<h3 class="app-chart__title" id="{e(ident)}-heading">{e(label)}</h3>',
        f'<p class="app-chart__subtitle">{e(chart.subtitle)}</p>',
        *graphics,
        f'<p class="app-chart__description">{e(chart.description)}</p>',
        '<details class="app-details app-chart__data">',
        f'<summary class="app-details__summary">Figure {number} as a table</summary>',
        table_html,
        "</details>",
        "</figure>",
    ])
