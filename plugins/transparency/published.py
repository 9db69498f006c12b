"""The published model: the only data that templates, references, tables, charts,
downloads and search ever see.

These types hold no raw value of a suppressed figure: a suppressed `Value` has
`number=None` and `symbol='c'`. They are built only by `publish.publish_site()`.
How their numbers, symbols and dates are printed is printed.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .printed import format_date, format_number, plain_number, round_half_up
from .terms import PEOPLE, TOTAL, months_covered

if TYPE_CHECKING:  # the audit reads the published model, so it is imported for types only
    from .audit import Finding


class Issuer(enum.Enum):
    """Who may give a published value a number: the publishing step (publish.py), after
    suppression. Renderers may not import it (tests/test_boundaries.py), so no renderer can
    make a number appear that suppression did not let through."""

    PUBLISH = "publish"


@dataclass(frozen=True)
class Value:
    number: float | None
    symbol: str = ""  # '', 'c', 'x' or 'z'; a comparator also 'low' or 'u' (terms.SOURCE_SYMBOLS)
    unit: str = "count"
    decimals: int = 0
    # Differs from what an earlier version of the period published: shown with [r].
    revised: bool = False
    issuer: Issuer | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.number is None) == (self.symbol == ""):
            raise ValueError("a published value has either a number or a symbol")
        if self.number is not None and self.issuer is not Issuer.PUBLISH:
            raise ValueError("only the publishing step gives a published value a number")
        if self.number is not None and self.number == self.number:
            # The number as printed, and no more: a chart's coordinates, a download or a
            # change worked out downstream can show only what the page prints (a red team
            # read 21.9636% off a trend line printed as 22.0%, and found a hidden 3).
            object.__setattr__(self, "number", round_half_up(self.number, self.decimals))

    @property
    def suppressed(self) -> bool:
        return self.symbol == "c"

    @property
    def shown(self) -> tuple[float | None, str]:
        """What a reader sees (number or symbol), whatever its formatting or [r] mark."""
        return self.number, self.symbol

    def text(self) -> str:
        """For HTML: '1,446', '97.8%', or '[c]'."""
        if self.number is None:
            return f"[{self.symbol}]"
        return format_number(self.number, self.unit, self.decimals)

    def plain(self) -> str:
        """For CSV: '1446', '97.8' or 'c'."""
        if self.number is None:
            return self.symbol
        return plain_number(self.number, self.decimals)


@dataclass(frozen=True)
class PublishedTable:
    name: str
    title: str
    dimensions: dict[str, str]
    measure: str
    unit: str
    counts: str
    source: str
    note: str
    sensitive: bool
    comparator: bool
    date: dt.date | None
    cells: dict[tuple[str, ...], Value]
    collapsed: tuple[str, ...] = ()
    population: str | None = None
    # Each collapsed category's members (a group the page names): a hierarchy to the audit.
    collapsed_members: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The table's sum where a published figure gives it away although no Total row is shown.
    known_total: float | None = None
    # A metric followed through a report's periods (trend_table.py), not a source table.
    trend: bool = False
    # Percentages of how many, per cell (None where unknown): what the audit turns the
    # percentages back into counts with.
    bases: dict[tuple[str, ...], float] | None = None
    # Dimensions (by index) along which a percentage table's lines add up to 100%: shares of
    # one base. Structure only; the audit reads each such line as a hidden total.
    partitions: tuple[int, ...] = ()
    # A percentage table whose cells add up to 100% only all together (shares of one base,
    # not of each line): the audit reads their counts as adding up to the base. Structure only.
    whole: bool = False
    # A trend's target, drawn on its chart (trend_table.py).
    target: PublishedTarget | None = None
    # A trend's time axis: each category's date (a snapshot's day, a period's last day, the
    # middle of a gap), so the chart draws time to scale.
    times: dict[str, dt.date] | None = None
    # Of the hidden cells, how many are hidden for being small (primary suppression); the rest
    # are complements (secondary): the information loss `invoke check` reports.
    primary_hidden: int = 0
    # How charts order the categories: 'listed', 'value' or '' (charts.category_order).
    order: str = ""
    # The Total rows are the sum of the rows, worked out for this site: the source prints none.
    total_computed: bool = False
    # Hidden cells of a declared `collapse:` group that was not collapsed: a group is merged
    # when any member is small, so a reader knows each of these is above the threshold (a
    # red team read Remand = 6 off "not merged" and a line leaving 7). Structure only.
    above_threshold: tuple[tuple[str, ...], ...] = ()

    @property
    def dims(self) -> list[str]:
        return list(self.dimensions)

    @property
    def of_people(self) -> bool:
        """Counts of children or of records about a child: what small-number suppression
        protects and the output audit checks."""
        return self.unit == "count" and self.counts in PEOPLE

    def value_field(self, name: str, title: str) -> dict[str, object]:
        """The data package schema of a column holding this table's values: its type, unit,
        and for a count of children or records the `disclosure: count` mark the output
        audit reads."""
        field: dict[str, object] = {
            "name": name, "title": title, "type": "integer" if self.unit == "count" else "number",
            "description": f"Unit: {self.unit}."}
        if self.of_people:
            field["disclosure"] = "count"
            field["description"] = (f"Count of {self.counts}. Values of 1 to the suppression "
                                    "threshold, and cells that would reveal them, are 'c'.")
        return field

    def categories(self, dim: str) -> list[str]:
        i = self.dims.index(dim)
        seen: list[str] = []
        for key in self.cells:
            if key[i] not in seen:
                seen.append(key[i])
        if TOTAL in seen:
            seen.remove(TOTAL)
            seen.append(TOTAL)
        return seen

    def symbols_used(self) -> set[str]:
        used = {v.symbol for v in self.cells.values() if v.symbol}
        if any(v.revised for v in self.cells.values()):
            used.add("r")
        if self.missing_cells():
            used.add("x")
        return used

    def missing_cells(self) -> list[tuple[str, ...]]:
        """Combinations of categories the source does not give (shown as [x])."""
        from itertools import product

        grid = product(*(self.categories(d) for d in self.dims))
        return [k for k in grid if k not in self.cells]


@dataclass(frozen=True)
class PublishedChange:
    comparable: bool
    reason: str  # why not comparable, or ''
    previous_period: str
    previous_label: str
    previous_value: Value | None
    difference: Value | None
    percent: Value | None
    previous_date: dt.date | None

    def words(self, current: Value) -> str:
        """'up 94 (7.0%) from 1,352 at 31 March 2021'."""
        if not self.comparable or self.previous_value is None or self.difference is None:
            return f"not comparable with {self.previous_label} ({self.reason})"
        when = (f"at {format_date(self.previous_date)}" if self.previous_date
                else f"in {self.previous_label}")
        if self.previous_value.suppressed:
            return f"the figure for {self.previous_label} is hidden ([c]), so no change is shown"
        if self.difference.suppressed or current.suppressed:
            return f"compared with {self.previous_value.text()} {when}"
        if self.difference.number is None:
            return f"compared with {self.previous_value.text()} {when} (change not available)"
        diff = round_half_up(self.difference.number, self.difference.decimals)
        if diff == 0:
            return f"unchanged from {self.previous_value.text()} {when}"
        direction = "up" if diff > 0 else "down"
        size = Value(abs(diff), "", self.difference.unit, self.difference.decimals,
                     issuer=Issuer.PUBLISH)
        amount = size.text()
        if current.unit == "percent":
            amount = amount.rstrip("%") + " percentage points"
        pct = ""
        if self.percent is not None:
            pct = f" ({self.percent.text()})" if self.percent.suppressed else (
                f" ({Value(abs(self.percent.number or 0), '', 'percent', 1, issuer=Issuer.PUBLISH).text()})")
        return f"{direction} {amount}{pct} from {self.previous_value.text()} {when}"


@dataclass(frozen=True)
class PublishedTarget:
    name: str
    label: str
    text: str  # '98%' or '50 to 70'
    source: str
    # What a chart draws: a line at `low` (low == high), or a band from `low` to `high`. A
    # target is a declared aim, not a count of anyone.
    low: float | None = None
    high: float | None = None


Term = tuple[str, str, tuple[str, ...]]  # ('table', name, key) or ('figure', name, ())
# A quantity anywhere on the site: (version, kind, name, key). The version is a period's key
# ("iro/2021-22") or an earlier version's ("iro/2021-22/revisions/2022-01-05"); the kind is
# 'table' (a cell), 'figure' (a figure or metric) or 'implied' (a count the site never prints
# but its relations imply, e.g. the reviews not held on time).
Ref = tuple[str, str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Implied:
    """A count no page prints but that published relations imply: protected like a hidden
    count when it is of children or records."""

    name: str
    label: str
    counts: str  # 'children' or 'records'
    sensitive: bool = False


@dataclass(frozen=True)
class PublishedRelation:
    """A fact a reader can use to combine published numbers: structure only, never values
    (but for `own_difference`, which only the audit reads).

    linear: |sum(coef * q) + constant| <= tolerance (stock and flow, a figure equal to a cell,
            a part of a period no larger than the whole, ...).
    ratio:  the printed `value` is scale * (sum(numerator) + num_constant)
            / (sum(denominator) + den_constant), to its printed precision (percentages of
            counts, rates per 10,000 of a population).
    `why` names the declaration or rule it comes from, for messages and the data package."""

    kind: str  # 'linear', 'bound' or 'ratio'
    why: str
    terms: tuple[tuple[float, Ref], ...] = ()
    constant: float = 0.0
    tolerance: float = 0.0
    value: Ref | None = None
    numerator: tuple[tuple[float, Ref], ...] = ()
    denominator: tuple[tuple[float, Ref], ...] = ()
    scale: float = 1.0
    implied: tuple[Implied, ...] = ()
    # bound: low <= sum(coef * q) + constant <= high
    low: float = 0.0
    high: float = 0.0
    # The period whose period.yaml declares it ('' when the engine derives it).
    home: str = ""
    # linear (stock and flow): how far the raw figures are from balancing, when all are
    # numbers. A raw value, read only by the audit (tests/test_boundaries.py), which bounds
    # the relation by it where it is tighter than the published `tolerance`; never printed.
    own_difference: float | None = None

    def refs(self) -> list[Ref]:
        out = [r for _, r in (*self.terms, *self.numerator, *self.denominator)]
        return out + ([self.value] if self.value is not None else [])


@dataclass(frozen=True)
class Formula:
    """How a published metric is computed: structure only, never values. The disclosure
    audit uses it to treat every published metric as an equation over table cells."""

    kind: str  # 'sum', 'percent', 'ratio' or 'rate' (per 10,000)
    terms: tuple[Term, ...] = ()
    numerator: tuple[Term, ...] = ()
    denominator: tuple[Term, ...] = ()
    # A percentage of a part of its denominator (reviews on time of reviews held): the rest
    # (the reviews not on time) is a count too, which the audit protects. What the rest
    # counts ('children' or 'records'), or '' when the numerator is not part of the denominator.
    subset: str = ""


@dataclass(frozen=True)
class PublishedMetric:
    name: str
    label: str
    definition: str
    value: Value
    date: dt.date | None
    basis: str  # 'at 31 March 2022' or 'April 2021 to March 2022'
    source: str  # what it is computed from
    headline: bool
    target: PublishedTarget | None = None
    status: str = ""  # 'met', 'not met', 'within range', 'above range', 'below range', ''
    change: PublishedChange | None = None
    kind: str = "metric"  # 'metric' or 'figure'
    note: str = ""
    formula: Formula | None = None
    sensitive: bool = False
    # What the figure counts: 'children', 'records', 'staff' or 'none'. A hidden count of
    # children or records is an unknown to the disclosure audit.
    counts: str = "children"
    # The measure of its report this snapshot is a reading of, named otherwise (Figure.series).
    series: str | None = None

    @property
    def of_people(self) -> bool:
        """A count of children or of records about a child: what suppression protects."""
        return self.value.unit == "count" and self.counts in PEOPLE


@dataclass(frozen=True)
class PublishedRevision:
    date: dt.date
    note: str
    changed: tuple[str, ...]  # labels of the figures and titles of the tables it changed
    tables: dict[str, PublishedTable]  # the tables as published before this correction


@dataclass(frozen=True)
class PublishedSource:
    file: str
    title: str
    publisher: str
    date: dt.date
    presented_to: str
    url: str = ""


@dataclass(frozen=True)
class PublishedPeriod:
    report: str
    period: str
    title: str
    period_label: str
    start: dt.date
    end: dt.date
    published: dt.date
    summary: str
    source: PublishedSource
    notes: tuple[str, ...]
    previous: str | None
    values: dict[str, PublishedMetric]  # metrics and figures by name
    targets: dict[str, PublishedTarget]
    tables: dict[str, PublishedTable]
    # Built for preview only (INCLUDE_DRAFTS); a publish build never holds a draft.
    draft: bool = False
    next_update: str = ""  # when the next report is due, in words, when known
    # Corrections log, oldest first: each with the tables as published before it.
    revisions: tuple[PublishedRevision, ...] = ()
    # What a reader can combine beyond table lines: declared in the data (stock and flow, a
    # figure that is a cell, rates of a population) or implied by a figure's definition.
    relations: tuple[PublishedRelation, ...] = ()
    # Declared category groups: (group, its member categories), for every table of the site.
    hierarchies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The area the figures are for, as charts name it (TRANSPARENCY["AREA"]).
    area: str = ""

    @property
    def key(self) -> str:
        return f"{self.report}/{self.period}"

    @property
    def months(self) -> int:
        """How many months the period covers, to the nearest month."""
        return months_covered(self.start, self.end)

    @property
    def last_updated(self) -> dt.date:
        """The latest correction's date, else the date the period was published."""
        return max((r.date for r in self.revisions), default=self.published)

    @property
    def headlines(self) -> list[PublishedMetric]:
        return [m for m in self.values.values() if m.headline]

    def rates_of(self, metric: PublishedMetric) -> list[PublishedMetric]:
        """The rates per 10,000 (metrics of type `rate`) whose numerator is `metric`'s
        count, to show beside it: 1,061 children in care, 85 per 10,000 children."""
        own = (metric.formula.terms if metric.formula is not None and metric.formula.kind == "sum"
               else (("figure", metric.name, ()),))
        return [m for m in self.values.values() if m.formula is not None
                and m.formula.kind == "rate" and m.formula.numerator in (own, (("figure", metric.name, ()),))]

    def names(self) -> dict[str, str]:
        out = {n: v.kind for n, v in self.values.items()}
        out.update({n: "target" for n in self.targets})
        out.update({n: ("comparator" if t.comparator else "table") for n, t in self.tables.items()})
        return out

    def symbols_used(self) -> set[str]:
        used = {v.value.symbol for v in self.values.values() if v.value.symbol}
        if any(v.value.revised for v in self.values.values()):
            used.add("r")
        for table in self.tables.values():
            used |= table.symbols_used()
        return used


@dataclass(frozen=True)
class PublishedGeography:
    """Where the council is in the Department for Education's open data (its settings
    LA_CODE, OLD_LA_CODE, LA_NAME, REGION_CODE and REGION_NAME): what the EES-format downloads
    write in their geography columns."""

    new_la_code: str
    old_la_code: str
    la_name: str
    region_code: str
    region_name: str


@dataclass(frozen=True)
class PublishedSite:
    periods: dict[str, PublishedPeriod]
    reports: dict[str, dict[str, str]]
    organisation: str
    service: str
    threshold: int
    sensitive_threshold: int
    # What the disclosure audit still finds after suppression (empty when safe to publish).
    findings: tuple[Finding, ...] = ()
    # Where readers report mistakes ('' until the council gives one).
    contact_email: str = ""
    # Draft periods left out of this build ("report/period"); their narratives are skipped.
    excluded_drafts: tuple[str, ...] = ()
    # The fewest whole values a hidden count must keep (MIN_FEASIBLE_RANGE), as audited.
    min_feasible_range: int = 3
    # What the audits hid beyond each table's own line rule (a period's linked tables and
    # figures, then what ties periods, reports and versions), each with the relation that
    # required it ('invoke check' lists them).
    combined: tuple[str, ...] = ()
    # The council in the DfE's open data, for the EES-format downloads (None: not written).
    geography: PublishedGeography | None = None
    # The hash of the data, settings and engine code this was published from
    # (pipeline._fingerprint): names the cached files that belong with it.
    fingerprint: str = ""

    @property
    def shown_reports(self) -> dict[str, dict[str, Any]]:
        """The report kinds this build publishes a period of (navigation, home page, search):
        a kind whose only periods are drafts left out of a publish build has no page to link."""
        held = {p.report for p in self.periods.values()}
        return {k: v for k, v in self.reports.items() if k in held}

    def by_report(self, report: str) -> list[PublishedPeriod]:
        """A report's periods, oldest first (by end, then start), as model.Site.by_report;
        pages listing them newest first reverse it."""
        return sorted((p for p in self.periods.values() if p.report == report),
                      key=lambda p: (p.end, p.start))

    def latest(self, report: str) -> PublishedPeriod | None:
        periods = self.by_report(report)
        return periods[-1] if periods else None

