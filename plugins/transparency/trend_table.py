"""A metric followed through a report's periods, as one published table: the series a trend
chart draws (breaks, changes of definition and its target marked) and a trend page lists."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import replace

from .published import PublishedMetric, PublishedPeriod, PublishedSite, PublishedTable, PublishedTarget, Value

_WHEN = re.compile(r"\b(on|at|as at|at the end of|in) (<date> ?)+")
_DATES = re.compile(r"\b(\d{1,2} )?(January|February|March|April|May|June|July|August|September|"
                    r"October|November|December)( \d{4})?\b|\b(19|20)\d\d(/\d\d)?\b")


def definition_key(text: str) -> str:
    """A measure's definition without its dates: "at 31 March 2022" and "at 31 March 2021"
    are one definition; "children in care" and "children in care, excluding respite" two."""
    return " ".join(_WHEN.sub("<when>", _DATES.sub("<date>", text)).casefold().split())


def definition_letters(metrics: list[PublishedMetric]) -> dict[str, str]:
    """Each distinct definition (definition_key) a letter, A first, in order of appearance."""
    letters: dict[str, str] = {}
    for metric in metrics:
        letters.setdefault(definition_key(metric.definition), chr(ord("A") + len(letters)))
    return letters


def trend_table(site: PublishedSite, period: PublishedPeriod, name: str) -> PublishedTable:
    """A metric's published values in every period of the report up to this one. Periods of
    a different length (for flows) or kind start a new segment, drawn as a separate line so
    the series shows a break rather than a misleading join."""
    points = _points(site, period, name)
    periods = [p for p, _ in points]
    cells: dict[tuple[str, ...], Value] = {}
    first = period.values[name]
    ends = [m.date or p.end for p, m in points]
    gaps = {b for a, b in itertools.pairwise(ends) if (b - a).days > 400}
    start_period, start_metric = points[0]
    span = (f"{start_metric.date.day} {start_metric.date:%B %Y}" if start_metric.date
            else f"{start_period.start:%B %Y}") + f" to {_when(period, name)}"
    note = ("There are no figures for some years: the line breaks there." if gaps else "")
    # Only like with like is joined: points under different definitions are separate series.
    letters = definition_letters([m for _, m in points])
    if len(letters) > 1:
        note = (note + " The definition changed: each definition is its own series, and "
                "points under different definitions are not joined.").strip()
    previous_end = None
    times: dict[str, dt.date] = {}
    for (p, metric), end in zip(points, ends, strict=True):
        months = p.months
        # Counts over periods of different lengths are separate series; a rate or average
        # over a period is comparable across lengths, and a snapshot is a point in time.
        segment = ("Snapshot on the date shown" if metric.date
                   else "Over each period" if first.value.unit != "count"
                   else f"{months}-month period{'s' if months != 1 else ''}")
        if len(letters) > 1:
            segment += f", definition {letters[definition_key(metric.definition)]}"
        if end in gaps and previous_end is not None:
            # Snapshots: between two dates. Flows: the months no report covers.
            gap = (f"No figures between {previous_end:%b %Y} and {end:%b %Y}" if metric.date else
                   f"No figures {previous_end + dt.timedelta(days=1):%b %Y} to "
                   f"{p.start - dt.timedelta(days=1):%b %Y}")
            cells[(gap, segment)] = Value(None, "x", first.value.unit, first.value.decimals)
            times[gap] = previous_end + (end - previous_end) / 2
        label = (f"{metric.date.day} {metric.date:%b %Y}" if metric.date else p.period_label)
        cells[(label, segment)] = metric.value
        times[label] = end
        previous_end = end
    return PublishedTable(
        name=f"trend_{name}", title=f"{first.label}, {span}",
        dimensions={"period": "Period", "series": "Series"}, measure=first.label,
        unit=first.value.unit, counts=first.counts if first.value.unit == "count" else "none",
        source="each period's report", note=note, sensitive=False, comparator=False, date=None,
        cells=cells, trend=True, target=_series_target([p.values[name] for p in periods
                                                         if name in p.values]),
        times=times)


def _points(site: PublishedSite, period: PublishedPeriod, name: str
            ) -> list[tuple[PublishedPeriod, PublishedMetric]]:
    """The readings of a measure in every period of the report up to `period`, oldest first:
    the measure itself, and for a snapshot, figures declared readings of it at other dates
    (`series: <name>`; they take the measure's definition, as the data says they share it).
    Two readings of one date: the latest period's."""
    first = period.values[name]
    periods = [p for p in site.by_report(period.report) if p.end <= period.end]
    points = [(p, p.values[name]) for p in periods if name in p.values]
    if first.date is None:
        return points
    taken = {m.date for _, m in points}
    for p in sorted(periods, key=lambda p: p.end, reverse=True):
        for metric in p.values.values():
            if metric.series == name and metric.date is not None and metric.date not in taken:
                taken.add(metric.date)
                points.append((p, replace(metric, definition=first.definition)))
    return sorted(points, key=lambda point: (point[1].date or point[0].end, point[0].end))


def _series_target(metrics: list[PublishedMetric]) -> PublishedTarget | None:
    """The target a series is measured against, drawn on its chart: where every period in it
    states the same target (an aim that changed, or was set part way, is not drawn as if it
    had always held)."""
    targets = [m.target for m in metrics]
    if any(t is None for t in targets) or len({t.text for t in targets if t}) != 1:
        return None
    return metrics[-1].target


def _when(period: PublishedPeriod, name: str) -> str:
    """A series end in words: the snapshot date, else the month the period ends ("April 2015
    to March 2022", not "April 2015 to March 2016 to April 2021 to March 2022")."""
    metric = period.values[name]
    if metric.date:
        return f"{metric.date.day} {metric.date:%B %Y}"
    return f"{period.end:%B %Y}"
