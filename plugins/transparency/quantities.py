"""A period's figures and metrics before and as published: their raw values, whether one
gives away a hidden count, what is hidden with it, and the change on the previous period and
the status against a target worked out on raw values. Part of the publishing step
(publish.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .metrics import MetricResult, Part, percent_change
from .model import PEOPLE, TWO_PART, Figure, Period, Selector
from .printed import format_date, format_number, round_half_up
from .publish_tables import ISSUED, TableResult, part_is_safe
from .published import Formula, PublishedChange, PublishedTarget, Value
from .settings import Config
from .suppress import Rule, derived_is_disclosive, rule_for


@dataclass
class Raw:
    """One quantity before publication (a metric or a figure)."""

    name: str
    label: str
    definition: str
    value: float | None
    unit: str
    counts: str
    decimals: int
    date: dt.date | None
    sensitive: bool
    source: str
    headline: bool
    kind: str
    target: str | None = None
    note: str = ""
    result: MetricResult | None = None
    covers: str = ""
    series: str | None = None


def counts_of(raw: Raw) -> str:
    """What a published value counts, for the audit: a count figure's own `counts`; a metric
    summing counts takes theirs."""
    if raw.unit != "count":
        return "none"
    return raw.counts


def _describe(period: Period, sel: Selector) -> str:
    if sel.figure:
        return period.figures[sel.figure].label
    table = period.tables[sel.table or ""]
    if not sel.where:
        return f"total of “{table.title}”"
    cats = "; ".join(", ".join(v) for _, v in sel.where)
    return f"{cats} in “{table.title}”"


def raw_quantities(period: Period, results: dict[str, MetricResult]) -> dict[str, Raw]:
    out: dict[str, Raw] = {}
    for name, fig in period.figures.items():
        out[name] = _raw_figure(fig)
    for name, res in results.items():
        spec = res.spec
        if spec.type in TWO_PART:
            assert spec.numerator is not None and spec.denominator is not None
            per = " per 10,000 of " if spec.type == "rate" else " divided by "
            source = f"{_describe(period, spec.numerator)}{per}{_describe(period, spec.denominator)}"
        else:
            source = " plus ".join(_describe(period, s) for s in spec.of)
        covers = spec.covers or next((period.figures[p.figure].covers for p in res.parts
                                      if p.figure and period.figures[p.figure].covers), "")
        out[name] = Raw(name, spec.label, spec.definition, res.value, res.unit, res.counts,
                         res.decimals, res.date, res.sensitive, source, spec.headline, "metric",
                         spec.target, result=res, covers=covers)
    return out


def terms_of(part: Part) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    if part.figure is not None:
        return (("figure", part.figure, ()),)
    return tuple(("table", part.table or "", key) for key in part.cells)


def formula_of(res: MetricResult | None) -> Formula | None:
    if res is None:
        return None
    if res.numerator is not None and res.denominator is not None:
        num, den = res.numerator, res.denominator
        subset = den.counts if (res.spec.type == "percent" and num.unit == den.unit == "count"
                                and num.counts in PEOPLE and den.counts in PEOPLE
                                and num.value is not None and den.value is not None
                                and num.value <= den.value) else ""
        return Formula(res.spec.type, numerator=terms_of(num), denominator=terms_of(den),
                       subset=subset)
    return Formula("sum", terms=tuple(t for p in res.parts for t in terms_of(p)))


def figure_decimals(fig: Figure) -> int:
    """The decimal places a figure is printed with: none for a whole number, else one."""
    return 0 if fig.value is None or fig.value == int(fig.value) else 1


def _raw_figure(fig: Figure) -> Raw:
    decimals = figure_decimals(fig)
    return Raw(fig.name, fig.label, fig.definition or fig.label, fig.value, fig.unit,
                fig.counts, decimals, fig.date, fig.sensitive, fig.source, fig.headline, "figure",
                note=fig.note, covers=fig.covers, series=fig.series)


def rule_of(raw: Raw, config: Config, counts: str | None = None) -> Rule | None:
    return rule_for(counts or raw.counts, raw.sensitive, config.suppression_threshold,
                    config.sensitive_threshold)


def _uses_hidden_share(res: MetricResult, tables: dict[str, TableResult]) -> bool:
    """Whether a metric is computed from a hidden cell of a table that is not of counts (a
    percentage or a rate): the audit cannot turn such a cell back into a count, so it cannot
    model the metric either (a red team read a hidden 0.4% of 1,061, 4 children, off a
    ratio of percentage cells printed as 1.972)."""
    for part in (*res.parts, *(p for p in (res.numerator, res.denominator) if p)):
        table = tables.get(part.table or "")
        if (table is not None and table.published.unit != "count"
                and set(part.cells) & table.hidden):
            return True
    return False


def is_disclosive(raw: Raw, config: Config, tables: dict[str, TableResult],
                  ndims: dict[str, int]) -> bool:
    """Whether a figure or metric must be hidden on its own account: a small count; a sum
    over some hidden cells of a line; a metric of a hidden cell of a percentage or rate
    table; a percentage or ratio whose numerator, denominator or their difference counts a
    small number of people. (What the audit can model is left to it.)"""
    if raw.value is None:
        return False
    res = raw.result
    if res is not None:
        if _uses_hidden_share(res, tables):
            return True
        ratio = res.numerator is not None and res.denominator is not None
        # A sum over some hidden cells gives their total away; a percentage or ratio of such a
        # sum is left to the disclosure audit, which hides it only if its printed precision
        # narrows a hidden count (2,773 of 2,792 is 99.3% whatever a hidden cell holds).
        if not ratio and not all(part_is_safe(p, tables, ndims) for p in res.parts):
            return True
        if res.numerator is not None and res.denominator is not None:
            num, den = res.numerator, res.denominator
            # Only the parts that count people are tested: "300 children per 4 FTE" hides
            # nothing about a child. The difference matters only when both count people.
            parts: list[float | None] = []
            for part in (num, den):
                if part.counts in PEOPLE:
                    parts.append(part.value)
            if num.counts in PEOPLE and den.counts in PEOPLE and None not in (num.value, den.value):
                parts.append((den.value or 0) - (num.value or 0))
            counts = num.counts if num.counts in PEOPLE else den.counts
            rule = rule_of(raw, config, counts)
            return bool(rule and counts in PEOPLE and derived_is_disclosive(parts, rule))
    rule = rule_of(raw, config)
    # A percentage 'of' a count is protected through that count (publish_relations.period_relations); its own
    # value being small says nothing.
    return bool(rule and raw.unit == "count" and rule.is_small(raw.value))


def with_derived(hidden: set[str], raws: dict[str, Raw]) -> set[str]:
    """`hidden` and the metrics that would show what it hides: a metric that is the value of
    a hidden figure (it is the same number), and one computed from a hidden figure that is not
    a count of people (a percentage or rate: the audit can read a count's relations, but not
    a hidden share's). A red team showed a headline quoting a hidden 98.5% of 200 reviews."""
    out = set(hidden)
    changed = True
    while changed:
        changed = False
        for name, raw in raws.items():
            res = raw.result
            if name in out or res is None:
                continue
            parts = [*res.parts, *(p for p in (res.numerator, res.denominator) if p)]
            for part in parts:
                if part.figure is None or part.figure not in out:
                    continue
                source = raws.get(part.figure)
                copies = res.spec.type == "value"
                unmodelled = source is not None and (source.unit != "count"
                                                     or source.counts not in PEOPLE)
                if copies or unmodelled:
                    out.add(name)
                    changed = True
                    break
    return out


def published_value(raw: Raw, hidden: bool) -> Value:
    if raw.value is None:
        return Value(None, "x", raw.unit, raw.decimals)
    if hidden:
        return Value(None, "c", raw.unit, raw.decimals)
    return Value(raw.value, "", raw.unit, raw.decimals, issuer=ISSUED)


def basis_of(raw: Raw, period: Period) -> str:
    if raw.date:
        return f"at {format_date(raw.date)}"
    return raw.covers or period.period_label


def change_of(cur: Raw, cur_hidden: bool, prev: Raw, prev_hidden: bool, period: Period,
            prev_period: Period, config: Config) -> PublishedChange:
    def not_comparable(reason: str) -> PublishedChange:
        return PublishedChange(False, reason, prev_period.period, prev_period.period_label,
                               None, None, None, None)

    if (cur.covers or prev.covers) and not (cur.date and prev.date):
        return not_comparable("a figure covers only part of its period")
    if cur.unit != prev.unit:
        return not_comparable(f"the unit changed from {prev.unit} to {cur.unit}")
    if bool(cur.date) != bool(prev.date):
        return not_comparable("one figure is a snapshot on a date and the other covers a period")
    # Counts over periods of different lengths are not comparable; rates and percentages are.
    if not cur.date and cur.unit == "count" and period.months != prev_period.months:
        return not_comparable(f"this period covers {period.months} months and "
                              f"{prev_period.period_label} covers {prev_period.months}")
    prev_value = published_value(prev, prev_hidden)
    if cur.value is None or prev.value is None:
        return PublishedChange(True, "", prev_period.period, prev_period.period_label, prev_value,
                               Value(None, "x", cur.unit, cur.decimals), None, prev.date)
    # From the ends as printed: "up 1.9" from 20.02% and 21.96% printed as 20.0% and 22.0%
    # told a reader more than either end (a red-team finding); 22.0 − 20.0 is 2.0.
    cur_printed = round_half_up(cur.value, cur.decimals)
    prev_printed = round_half_up(prev.value, prev.decimals)
    diff = cur_printed - prev_printed
    # A difference is hidden only with an end: beside both ends, anyone can subtract, so a
    # hidden difference would pretend to protect what is published. A small change in a count
    # is a net change, not a count of children; where the flows behind it are published too,
    # the stock-and-flow relations make the audit protect them.
    hide = cur_hidden or prev_hidden
    decimals = max(cur.decimals, prev.decimals)
    difference = Value(None, "c", cur.unit, decimals) if hide else Value(diff, "", cur.unit, decimals,
                                                                      issuer=ISSUED)
    percent = None
    if cur.unit != "percent":
        pct = percent_change(cur_printed, prev_printed)
        if pct is not None:
            percent = Value(None, "c", "percent", 1) if hide else Value(pct, "", "percent", 1,
                                                                        issuer=ISSUED)
    return PublishedChange(True, "", prev_period.period, prev_period.period_label, prev_value,
                           difference, percent, prev.date)


def target_of(period: Period, name: str | None) -> PublishedTarget | None:
    if not name:
        return None
    target = period.targets[name]
    if target.range:
        low, high = target.range
        text = f"{format_number(low, target.unit, 0)} to {format_number(high, target.unit, 0)}"
    else:
        low = high = target.value or 0.0
        text = format_number(low, target.unit, 0 if low % 1 == 0 else 1)
    return PublishedTarget(name, target.label, text, target.source, low=low, high=high)


def status_of(period: Period, raw: Raw, value: Value) -> str:
    if not raw.target or value.number is None:
        return ""
    target = period.targets[raw.target]
    number = round_half_up(value.number, value.decimals)
    if target.range:
        low, high = target.range
        if low <= number <= high:
            return "within range"
        return "above range" if number > high else "below range"
    assert target.value is not None
    met = number >= target.value if target.direction == "higher" else number <= target.value
    return "met" if met else "not met"
