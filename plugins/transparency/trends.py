"""Trend pages: one page per key measure, its whole published series across every period we hold.

A key measure is a value that some period of a report shows as a headline figure and that at
least two periods of that report publish, so there is a series to show. Independent of Pelican:
the adapter turns each `Trend` into a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from .published import PublishedMetric, PublishedPeriod, PublishedSite, PublishedTable
from .trend_table import definition_key, trend_table

MIN_PERIODS = 2


@dataclass(frozen=True)
class Trend:
    report: str
    name: str
    latest: PublishedPeriod  # the latest period publishing the measure; the series ends there
    periods: tuple[PublishedPeriod, ...]  # oldest first, every period publishing the measure
    table: PublishedTable  # the series, breaks marked (trend_table.py)

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")

    @property
    def url(self) -> str:
        """Relative to the site root, without a leading slash."""
        return f"trends/{self.report}/{self.slug}/"

    @property
    def metric(self) -> PublishedMetric:
        return self.latest.values[self.name]

    @property
    def label(self) -> str:
        return self.metric.label

    @property
    def definitions(self) -> list[tuple[str, str]]:
        """Each distinct definition with the periods it applies to, in the order of the
        letters the chart's series carry (trend_table.definition_letters), so a change of
        definition (a break in the series) is stated, not hidden."""
        out: dict[str, tuple[str, list[str]]] = {}
        for p in self.periods:
            text = p.values[self.name].definition
            # "at 31 March 2022" and "at 31 March 2021" are the same definition.
            out.setdefault(definition_key(text), (text, []))[1].append(p.period_label)
        return [(text, ", ".join(labels)) for text, labels in out.values()]

    @property
    def counts_split_by_length(self) -> bool:
        """Counts over periods of different lengths: drawn as separate series."""
        return self.metric.value.unit == "count" and self.metric.date is None


def key_measures(site: PublishedSite) -> list[Trend]:
    """Every key measure of every report, in report order, then by the measure's order on the
    latest period's page."""
    trends: list[Trend] = []
    for report in site.reports:
        periods = site.by_report(report)
        ordered: list[str] = []
        for p in reversed(periods):  # latest first: its headline order leads
            ordered += [m.name for m in p.headlines if m.name not in ordered]
        for name in ordered:
            holding = tuple(p for p in periods if name in p.values)
            if len(holding) < MIN_PERIODS:
                continue
            trends.append(Trend(report, name, holding[-1], holding,
                                trend_table(site, holding[-1], name)))
    return trends
