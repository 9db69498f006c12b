"""The raw data model: what the data files say, before any suppression.

Nothing in this module may reach a template, a download or a chart. The only way
out is `publish.publish_site()`, which returns the published model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from . import terms
from .terms import Counts, MetricType, Unit, months_covered

# The raw model's vocabulary, re-exported for its users (renderers take it from terms).
UNITS = terms.UNITS
COUNTS = terms.COUNTS
PEOPLE = terms.PEOPLE
METRIC_TYPES = terms.METRIC_TYPES
# Metric types computed from a numerator and a denominator (the others from `of`).
TWO_PART = ("percent", "ratio", "rate")
TOTAL = terms.TOTAL
NOT_AVAILABLE = terms.NOT_AVAILABLE
NOT_APPLICABLE = terms.NOT_APPLICABLE


@dataclass(frozen=True)
class Where:
    """Where a thing was declared, for messages."""

    file: Path
    line: int | None = None


@dataclass(frozen=True)
class Source:
    file: str
    title: str
    publisher: str
    date: dt.date
    presented_to: str = ""
    url: str = ""  # where the council publishes the source document, when known


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    value: float | None  # None: not available in the source ([x])
    unit: Unit
    counts: Counts
    source: str
    where: Where
    date: dt.date | None = None
    note: str = ""
    sensitive: bool = False
    covers: str = ""  # the time a flow covers when it is not the whole period, e.g. "July 2020"
    # For a snapshot: the measure of its report it is a reading of, named otherwise (a stock at
    # another date: children_in_care_september_2019 of children_in_care), for trend pages.
    series: str | None = None
    # For a percentage: the count figure it is a percentage of (reviews on time of
    # `reviews_held`). The audit then protects the counts it implies, and what is left.
    of: str | None = None
    # For a percentage: the count figure that is its numerator, when the period has one
    # (`reviews_on_time` of `reviews_held`). The audit then knows the two are one number.
    part: str | None = None
    # Why a figure that says `counts: none` does not count children or records, where the
    # loader cannot take that on trust (a percentage tied to no count): a reason for a reviewer.
    not_people: str = ""
    # Shown as a headline card (as a metric's `headline:`), with this definition (a standard
    # figure's, presets.py, unless the data words it; else the label).
    headline: bool = False
    definition: str = ""


RelationKind = Literal["stock_flow", "same", "rate", "distinct", "hierarchy"]
RELATION_KINDS: tuple[RelationKind, ...] = get_args(RelationKind)


@dataclass(frozen=True)
class RelationTerm:
    """A figure, metric or table selection in a relation; `previous` when it is in the period
    this one names as `previous`."""

    selector: Selector
    previous: bool = False
    # The previous period's name when it is not the period's `previous:` (a shipped identity
    # joins the period that ends the day before this one starts).
    period: str | None = None


@dataclass(frozen=True)
class Relation:
    """A fact the data declares, that a reader can use to combine published numbers.

    stock_flow: start + sum(inflow) - sum(outflow) = end, within `tolerance`.
    same: `terms[0]` (a figure) is the same number as `terms[1]` (a table cell or margin).
    rate: `rate` (per `per`) is a count of `counts` over `population`."""

    kind: RelationKind
    label: str
    where: Where
    start: RelationTerm | None = None
    inflow: tuple[RelationTerm, ...] = ()
    outflow: tuple[RelationTerm, ...] = ()
    end: RelationTerm | None = None
    tolerance: float = 0.0
    terms: tuple[RelationTerm, ...] = ()
    rate: RelationTerm | None = None
    population: RelationTerm | None = None
    per: float = 10000.0  # the loader sets it from the rate's unit where the data leaves it out
    counts: Counts = "children"
    # hierarchy: the group (label) is made of exactly these member categories.
    members: tuple[str, ...] = ()

    def all_terms(self) -> list[RelationTerm]:
        """Every figure or table selection the relation names."""
        return [*self.inflow, *self.outflow, *self.terms,
                *(t for t in (self.start, self.end, self.rate, self.population) if t)]


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    unit: Unit
    source: str
    where: Where
    value: float | None = None
    direction: str = "higher"
    range: tuple[float, float] | None = None


@dataclass
class Table:
    """A tidy table: one row per cell; dimension columns, `value` (float, NaN when not
    available or not applicable) and `symbol` ('' , 'x' or 'z'; a comparator may also keep its
    source's 'c', 'low' or 'u': terms.SOURCE_SYMBOLS)."""

    name: str
    title: str
    dimensions: dict[str, str]
    measure: str
    unit: Unit
    counts: Counts
    source: str
    where: Where
    frame: pd.DataFrame
    file: Path | None = None
    date: dt.date | None = None
    population: str | None = None
    note: str = ""
    sensitive: bool = False
    collapse: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    comparator: bool = False
    # For percentage tables of children or records: the count they are percentages of, either
    # one number or per category of one dimension: {"age_group": {"4 to 6": 77}}.
    # 'unknown' when the source does not say: every cell is then treated as small.
    base: float | str | dict[str, dict[str, float]] | None = None
    sheet: str | None = None  # the sheet of `file`, when the table is in an Excel workbook
    # Why a table that says `counts: none` is not about children or records, where its
    # dimensions describe people or its values are all whole numbers.
    not_people: str = ""
    # Categories that equal the sum of the other categories of their line yet are not totals:
    # {category: why}.
    not_total: dict[str, str] = field(default_factory=dict)
    # How a chart orders the categories: 'listed' (as in the file: grades, stages), 'value'
    # (largest first), or '' to let the engine choose (charts.category_order).
    order: str = ""
    # 'computed' where the source prints no Total and the file's Total rows are the sum of
    # its rows, worked out for this site (the page says so); 'printed' otherwise.
    total: str = "printed"

    def base_for(self, key: tuple[str, ...]) -> float | None:
        if self.base is None or isinstance(self.base, str):
            return None
        if isinstance(self.base, float):
            return self.base
        for dim, bases in self.base.items():
            return bases.get(key[self.dims.index(dim)])
        return None

    @property
    def dims(self) -> list[str]:
        return list(self.dimensions)

    @cached_property
    def rows(self) -> list[tuple[tuple[str, ...], float, str, int]]:
        """(key, value, symbol, CSV row) for every cell, read from the frame once."""
        columns = [self.frame[c].tolist() for c in (*self.dims, "value", "symbol", "row")]
        n = len(self.dims)
        return [(tuple(str(k) for k in r[:n]), float(r[n]), str(r[n + 1]), int(r[n + 2]))
                for r in zip(*columns, strict=True)]


@dataclass(frozen=True)
class Selector:
    """A figure name, a table's total, or the sum of a table's matching cells."""

    figure: str | None = None
    table: str | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def describe(self) -> str:
        if self.figure:
            return f"figure '{self.figure}'"
        if not self.where:
            return f"total of table '{self.table}'"
        parts = "; ".join(f"{d} is {' or '.join(v)}" for d, v in self.where)
        return f"table '{self.table}' where {parts}"


@dataclass(frozen=True)
class MetricSpec:
    name: str
    label: str
    definition: str
    type: MetricType
    where: Where
    of: tuple[Selector, ...] = ()
    numerator: Selector | None = None
    denominator: Selector | None = None
    decimals: int | None = None
    target: str | None = None
    headline: bool = False
    covers: str = ""

    def selectors(self) -> list[Selector]:
        if self.type in TWO_PART:
            return [s for s in (self.numerator, self.denominator) if s is not None]
        return list(self.of)


@dataclass(frozen=True)
class Printed:
    quote: str
    where_in_source: str
    value: float
    decimals: int
    change: str  # value | change | percent
    where: Where
    metric: str | None = None
    of: Selector | None = None
    source_error: bool = False


@dataclass(frozen=True)
class Revision:
    date: dt.date
    note: str
    previous: Period  # the whole period as published before this correction
    line: int | None = None


@dataclass
class Period:
    report: str
    period: str
    title: str
    period_label: str
    start: dt.date
    end: dt.date
    published: dt.date
    source: Source
    summary: str
    folder: Path
    previous: str | None = None
    notes: list[str] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    metrics: dict[str, MetricSpec] = field(default_factory=dict)
    printed: list[Printed] = field(default_factory=list)
    previous_line: int | None = None
    # A draft is built for preview only; publish builds leave it out (INCLUDE_DRAFTS).
    draft: bool = False
    # When the next report is due, in words ("June 2024", "not planned"), when known.
    next_update: str = ""
    # Corrections after publication, oldest first, each with the data as it was before it.
    revisions: list[Revision] = field(default_factory=list)
    # Tables declared in period.yaml whose CSV could not be read (already reported).
    unreadable: set[str] = field(default_factory=set)
    # Declared relations between figures and tables (stock and flow, same, rate).
    relations: list[Relation] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.report}/{self.period}"

    @property
    def months(self) -> int:
        """Length in months, to the nearest month (1 April to 1 December is 8)."""
        return months_covered(self.start, self.end)

    def preceding(self, periods: dict[str, Period]) -> Period | None:
        """The period this one follows: its `previous:`, or else the period of the same report
        that ends the day before this one starts."""
        if self.previous:
            return periods.get(f"{self.report}/{self.previous}")
        day_before = self.start - dt.timedelta(days=1)
        return next((p for p in periods.values()
                     if p.report == self.report and p.end == day_before and p is not self), None)

    def names(self) -> dict[str, str]:
        """Every name the period offers, mapped to what it is."""
        out: dict[str, str] = {}
        for kind, group in (("figure", self.figures), ("target", self.targets),
                            ("table", self.tables), ("metric", self.metrics)):
            for name in group:
                out[name] = kind
        return out


@dataclass
class Site:
    periods: dict[str, Period]  # keyed by "report/period"

    def by_report(self, report: str) -> list[Period]:
        """A report's periods, oldest first (by end, then start)."""
        return sorted((p for p in self.periods.values() if p.report == report),
                      key=lambda p: (p.end, p.start))
