"""Figures that are the change in a number between two periods, though no declaration says
so: "net change in children in care on a placement order since 31 March 2022: 7" beside
last year's 74 gives this year's hidden 81, and the legal-status line then gives Remand 3
(red team 13).

A count figure of children or records of a period whose label names a number (a table
cell's categories, as category_words reads them, or another figure's label) and whose value
is exactly the difference between that number in its period and in another period of its
report is related to them: figure = this period's − the other's, or the other way round.
Only numbers that do differ by exactly the figure are related, using the true values, so
nothing true is contradicted; the label must name the number, since small differences
between unrelated numbers are common (a figure of 4 is the change in a dozen cells of a
real council's tables). Part of the publishing step (publish_relations.py). Independent of
Pelican."""

from __future__ import annotations

import math

from .category_words import named, stands_in, words
from .model import TOTAL, Period, Site
from .population_parts import of_report
from .published import PublishedRelation, Ref
from .terms import PEOPLE

# The numbers of a period a change can be taken of: (kind, name, key) -> true value.
Numbers = dict[tuple[str, str, tuple[str, ...]], float]


def _numbers(period: Period) -> Numbers:
    out: Numbers = {}
    for name, table in period.tables.items():
        if table.unit != "count" or table.counts not in PEOPLE or table.comparator:
            continue
        for key, value, symbol, _ in table.rows:
            if not symbol and not math.isnan(value):
                out["table", name, key] = value
    for name, figure in period.figures.items():
        if figure.unit == "count" and figure.counts in PEOPLE and figure.value is not None:
            out["figure", name, ()] = figure.value
    return out


def _names(label: str, period: Period, kind: str, name: str, key: tuple[str, ...]) -> bool:
    """Whether a figure's `label` names the number: every category of a table cell but its
    Totals (a cell of Totals only: never), or all the words of another figure's label."""
    if kind == "figure":
        return stands_in(words(label), words(period.figures[name].label))
    table = period.tables[name]
    said = [(d, c) for d, c in zip(table.dims, key, strict=True) if c != TOTAL]
    return bool(said) and all(named([c], (d, table.dimensions[d]), label) == [0] for d, c in said)


def change_figures(period: Period, site: Site) -> list[PublishedRelation]:
    """One relation per count figure of `period` that is exactly the change in one of its
    numbers since (or until) another period of its report: figure = this − other (or other
    − this). Described with the figure, the number and both periods."""
    figures = {name: f.value for name, f in sorted(period.figures.items())
               if f.unit == "count" and f.counts in PEOPLE and f.value}
    if not figures:
        return []
    here = _numbers(period)
    out = []
    for other in of_report(site, period.report):
        if other.key == period.key:
            continue
        there = _numbers(other)
        for (kind, name, key), value in sorted(here.items()):
            then = there.get((kind, name, key))
            if then is None or then == value:
                continue
            for figure, size in figures.items():
                if kind == "figure" and name == figure:
                    continue
                if abs(value - then) != size or not _names(
                        period.figures[figure].label, period, kind, name, key):
                    continue
                sign = 1.0 if value > then else -1.0
                now: Ref = (period.key, kind, name, key)
                before: Ref = (other.key, kind, name, key)
                cell = f"[{', '.join(key)}] of '{name}'" if kind == "table" else f"'{name}'"
                out.append(PublishedRelation(
                    "linear", f"{period.key}: '{figure}' is the change in {cell} between "
                    f"{other.key} and {period.key}",
                    terms=((1.0, (period.key, "figure", figure, ())), (-sign, now),
                           (sign, before)), home=period.key))
    return out
