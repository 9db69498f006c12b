"""The single choke point between raw data and every output.

`publish_site()` takes the raw `model.Site`, computes metrics and changes on raw values,
applies suppression, and returns a `published.PublishedSite` holding no raw value of any
suppressed figure. The raw site is not kept anywhere reachable by templates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import pickle
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, ValuesView
from dataclasses import dataclass, field, replace
from itertools import combinations, product
from typing import NamedTuple

from .audit import Finding, audit_period, audit_site
from .balances import own_difference, unbalanced
from .knowledge import current_version, same_label
from .metrics import MetricResult, Part, compute_all, percent_change, select
from .model import PEOPLE, TOTAL, Figure, Period, Relation, RelationTerm, Selector, Site, Table
from .published import (
    Formula,
    Implied,
    Issuer,
    PublishedChange,
    PublishedGeography,
    PublishedMetric,
    PublishedPeriod,
    PublishedRelation,
    PublishedRevision,
    PublishedSite,
    PublishedSource,
    PublishedTable,
    PublishedTarget,
    Ref,
    Value,
    format_date,
    format_number,
    round_half_up,
)
from .settings import Config
from .suppress import (
    Key,
    Rule,
    collapse_groups,
    derived_is_disclosive,
    lines_of,
    lines_the_choice_reveals,
    rule_for,
    secondary,
    suppress_table,
)


@dataclass
class _Raw:
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


def _table_cells(table: Table) -> tuple[dict[Key, float], dict[Key, str]]:
    values: dict[Key, float] = {}
    symbols: dict[Key, str] = {}
    for key, value, symbol, _ in table.rows:
        values[key] = value
        symbols[key] = symbol
    return values, symbols


@dataclass
class _TableResult:
    published: PublishedTable
    hidden: set[Key]
    values: dict[Key, float]


def _decimals(values: Iterable[float], unit: str) -> int:
    """Decimal places for a table's column: none for counts, else as many as its most
    precise value (NaN cells ignored)."""
    if unit == "count":
        return 0
    return max((len(f"{v:g}".partition(".")[2]) for v in values if v == v), default=0)


def _unrevealing(values: dict[Key, float], symbols: dict[Key, str], ndims: int, rule: Rule,
                 hidden: set[Key], min_range: int) -> set[Key]:
    """`hidden`, with one more cell in each line where knowing how complements are chosen
    would narrow its two hidden cells (suppress.lines_the_choice_reveals): the line's smallest
    other shown member, then the table's complements chosen again around it."""
    for _ in range(len(values)):
        lines = lines_the_choice_reveals(values, symbols, ndims, rule, hidden, min_range)
        extra = set()
        for line in lines:
            shown = sorted((k for k in line.members if k not in hidden and not symbols.get(k)
                            and values[k] > 0), key=lambda k: (values[k], k))
            if shown:
                extra.add(shown[0])
        if not extra:
            return hidden
        hidden = secondary(values, symbols, hidden | extra, lines_of(values, ndims), rule)
    return hidden


def _publish_table(table: Table, config: Config, extra_hidden: set[Key] | None = None,
                   known_total: float | None = None) -> _TableResult:
    values, symbols = _table_cells(table)
    synthetic: set[Key] = set()
    if known_total is not None and len(table.dims) == 1:
        # A published figure equals this table's sum: for suppression it is the table's total.
        synthetic = {(TOTAL,)}
        values[(TOTAL,)] = known_total
        symbols[(TOTAL,)] = ""
    rule = rule_for(table.counts, table.sensitive, config.suppression_threshold,
                    config.sensitive_threshold)
    collapsed: list[str] = []
    hidden: set[Key] = set()
    primary: set[Key] = set()
    if rule is not None:
        for dim, groups in table.collapse.items():
            for label, olds in groups.items():
                before = set(values)
                values, symbols = collapse_groups(values, symbols, table.dims.index(dim),
                                                  {label: olds}, rule)
                if set(values) != before:
                    collapsed.append(label)
        if table.base is not None:
            # Percentages of a known number of children: suppress on the counts they imply
            # ("0.6% of 331" is 2 children).
            hidden, primary = _suppress_percentages(table, values, symbols, rule)
        else:
            primary = {k for k, v in values.items() if not symbols.get(k) and rule.is_small(v)}
            hidden = suppress_table(values, symbols, len(table.dims), rule)
            hidden = _unrevealing(values, symbols, len(table.dims), rule, hidden,
                                  config.min_feasible_range)
        extra_hidden = {k for k in extra_hidden or () if k in values}
        if extra_hidden:
            # Complements the audit asked for: choose the table's other complements again
            # with them fixed (a count table), so that one chosen before them and no longer
            # needed is shown; the line rule keeps every line safe either way.
            fixed = (primary if table.base is None else hidden) | extra_hidden
            hidden = secondary(values, symbols, fixed, lines_of(values, len(table.dims)), rule)
    else:
        # No rule for this table here, but another version of the period hides these cells
        # (its table counted children): they stay hidden in every version. Keys that differ
        # between versions (a category renamed or collapsed) cannot be matched and are left.
        hidden = {k for k in extra_hidden or () if k in values}
    for key in synthetic:
        del values[key], symbols[key]
    hidden -= synthetic
    decimals = _decimals(values.values(), table.unit)
    cells: dict[Key, Value] = {}
    for key, value in values.items():
        if key in hidden:
            cells[key] = Value(None, "c", table.unit, decimals)
        elif symbols.get(key):
            cells[key] = Value(None, symbols[key], table.unit, decimals)
        else:
            cells[key] = Value(value, "", table.unit, decimals, issuer=ISSUED)
    published = PublishedTable(
        name=table.name, title=table.title, dimensions=dict(table.dimensions),
        measure=table.measure, unit=table.unit, counts=table.counts, source=table.source,
        note=table.note, sensitive=table.sensitive, comparator=table.comparator, date=table.date,
        cells=cells, collapsed=tuple(collapsed), population=table.population,
        known_total=known_total,
        bases=({k: b for k in cells if (b := table.base_for(k))} if table.base is not None
               and table.unit == "percent" else None),
        partitions=_partitions(table, values) if table.base is not None else (),
        primary_hidden=len(primary & hidden), order=table.order,
        total_computed=table.total == "computed")
    return _TableResult(published, hidden, values)


def _interior_lines(keys: Iterable[Key], dim: int) -> dict[Key, list[Key]]:
    """The lines of a table along `dim` among cells that are not totals, by the rest of their
    key: the lines whose printed shares may add up to 100%."""
    lines: dict[Key, list[Key]] = {}
    for key in keys:
        if TOTAL not in key:
            lines.setdefault(key[:dim] + key[dim + 1:], []).append(key)
    return lines


def _adds_to_whole(shares: list[float]) -> bool:
    """Printed percentages that add up to 100, allowing for rounding."""
    return 99 <= sum(shares) <= 101


def _partitions(table: Table, values: dict[Key, float]) -> tuple[int, ...]:
    """Dimensions along which every line of a percentage table adds up to 100% (to rounding):
    its cells are shares of one base, so a reader can subtract the visible ones from 100."""
    out = []
    for dim in range(len(table.dims)):
        lines = _interior_lines(values, dim).values()
        if lines and all(all(values[k] == values[k] for k in members)
                         and _adds_to_whole([values[k] for k in members]) for members in lines):
            out.append(dim)
    return tuple(out)


def _counts(raw: _Raw) -> str:
    """What a published value counts, for the audit: a count figure's own `counts`; a metric
    summing counts takes theirs."""
    if raw.unit != "count":
        return "none"
    return raw.counts


def _suppress_percentages(table: Table, values: dict[Key, float], symbols: dict[Key, str],
                          rule: Rule) -> tuple[set[Key], set[Key]]:
    """Suppress a percentage table on the counts it implies ("0.6% of 331" is 2 children);
    returns the hidden cells and, of them, those hidden for being small (primary).

    Where a line's percentages add up to 100 (allowing for rounding), the 100% is an implicit
    total a reader can subtract from, so it takes part in secondary suppression."""
    implied: dict[Key, float] = {}
    primary: set[Key] = set()
    for key, value in values.items():
        base = table.base_for(key)
        if value != value:
            implied[key] = value
            continue
        if not base:
            # An unknown base cannot be checked: the cell is treated as small, so it is hidden.
            implied[key] = 1.0
            primary.add(key)
            continue
        implied[key] = round(value * base / 100)
        # A printed percentage is rounded: "1.7% of 331" is anything from 5.46 to 5.79
        # children, so the smallest count it could stand for decides. "95% of 100" reveals the
        # 5 who were not: the difference counts too.
        half = 0.5 if float(value).is_integer() else 0.05
        low = max(0.0, (value - half) * base / 100)
        rest_low = max(0.0, base - (value + half) * base / 100)
        limit = rule.threshold + 0.5
        if (value > 0 and low < limit) or (TOTAL not in key and value < 100 and rest_low < limit):
            primary.add(key)
    synthetic: set[Key] = set()
    for dim in range(len(table.dims)):
        # Along every dimension, not only the last: shares of 40 children by age group add up
        # to 100% down a column as well as along a row.
        for rest, members in _interior_lines(values, dim).items():
            total_key = (*rest[:dim], TOTAL, *rest[dim:])
            printed = [values[k] for k in members if not symbols.get(k)]
            if total_key not in values and len(printed) == len(members) and _adds_to_whole(printed):
                implied[total_key] = float(sum(implied[k] for k in members))
                synthetic.add(total_key)
    hidden = secondary(implied, symbols, primary, lines_of(implied, len(table.dims)), rule)
    return hidden - synthetic, primary - synthetic


def _part_is_safe(part: Part, tables: dict[str, _TableResult], ndims: dict[str, int]) -> bool:
    """A sum of table cells may be published if it includes no hidden cell, or if it is
    exactly the members of a line whose total is printed (a headline equal to a printed
    margin tells nothing new), or, in a one-dimensional table with a printed total, all of its
    hidden cells."""
    if part.table is None:
        return True
    result = tables[part.table]
    if not result.hidden:
        return True
    cells = set(part.cells)
    if not cells & result.hidden:
        return True
    for line in lines_of(result.values, ndims[part.table]):
        if (line.total is not None and line.total not in result.hidden
                and set(line.members) == cells):
            return True
    if ndims[part.table] == 1:
        total = (TOTAL,)
        members_hidden = {k for k in result.hidden if k != total}
        return members_hidden <= cells and total in result.values and total not in result.hidden
    return False


def _describe(period: Period, sel: Selector) -> str:
    if sel.figure:
        return period.figures[sel.figure].label
    table = period.tables[sel.table or ""]
    if not sel.where:
        return f"total of “{table.title}”"
    cats = "; ".join(", ".join(v) for _, v in sel.where)
    return f"{cats} in “{table.title}”"


def _raw_quantities(period: Period, results: dict[str, MetricResult]) -> dict[str, _Raw]:
    out: dict[str, _Raw] = {}
    for name, fig in period.figures.items():
        out[name] = _raw_figure(fig)
    for name, res in results.items():
        spec = res.spec
        if spec.type in ("percent", "ratio"):
            assert spec.numerator is not None and spec.denominator is not None
            source = f"{_describe(period, spec.numerator)} divided by {_describe(period, spec.denominator)}"
        else:
            source = " plus ".join(_describe(period, s) for s in spec.of)
        covers = spec.covers or next((period.figures[p.figure].covers for p in res.parts
                                      if p.figure and period.figures[p.figure].covers), "")
        out[name] = _Raw(name, spec.label, spec.definition, res.value, res.unit, res.counts,
                         res.decimals, res.date, res.sensitive, source, spec.headline, "metric",
                         spec.target, result=res, covers=covers)
    return out


def _terms(part: Part) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    if part.figure is not None:
        return (("figure", part.figure, ()),)
    return tuple(("table", part.table or "", key) for key in part.cells)


def _formula(res: MetricResult | None) -> Formula | None:
    if res is None:
        return None
    if res.numerator is not None and res.denominator is not None:
        num, den = res.numerator, res.denominator
        subset = den.counts if (res.spec.type == "percent" and num.unit == den.unit == "count"
                                and num.counts in PEOPLE and den.counts in PEOPLE
                                and num.value is not None and den.value is not None
                                and num.value <= den.value) else ""
        return Formula(res.spec.type, numerator=_terms(num), denominator=_terms(den),
                       subset=subset)
    return Formula("sum", terms=tuple(t for p in res.parts for t in _terms(p)))


def _raw_figure(fig: Figure) -> _Raw:
    decimals = 0 if fig.value is None or fig.value == int(fig.value) else 1
    return _Raw(fig.name, fig.label, fig.definition or fig.label, fig.value, fig.unit,
                fig.counts, decimals, fig.date, fig.sensitive, fig.source, fig.headline, "figure",
                note=fig.note, covers=fig.covers)


def _rule(raw: _Raw, config: Config, counts: str | None = None) -> Rule | None:
    return rule_for(counts or raw.counts, raw.sensitive, config.suppression_threshold,
                    config.sensitive_threshold)


def _is_disclosive(raw: _Raw, config: Config, tables: dict[str, _TableResult],
                   ndims: dict[str, int]) -> bool:
    if raw.value is None:
        return False
    res = raw.result
    if res is not None:
        ratio = res.numerator is not None and res.denominator is not None
        # A sum over some hidden cells gives their total away; a percentage or ratio of such a
        # sum is left to the disclosure audit, which hides it only if its printed precision
        # narrows a hidden count (2,773 of 2,792 is 99.3% whatever a hidden cell holds).
        if not ratio and not all(_part_is_safe(p, tables, ndims) for p in res.parts):
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
            rule = _rule(raw, config, counts)
            return bool(rule and counts in PEOPLE and derived_is_disclosive(parts, rule))
    rule = _rule(raw, config)
    # A percentage 'of' a count is protected through that count (publish._relations); its own
    # value being small says nothing.
    return bool(rule and raw.unit == "count" and rule.is_small(raw.value))


def _with_derived(hidden: set[str], raws: dict[str, _Raw]) -> set[str]:
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


def _value(raw: _Raw, hidden: bool) -> Value:
    if raw.value is None:
        return Value(None, "x", raw.unit, raw.decimals)
    if hidden:
        return Value(None, "c", raw.unit, raw.decimals)
    return Value(raw.value, "", raw.unit, raw.decimals, issuer=ISSUED)


def _basis(raw: _Raw, period: Period) -> str:
    if raw.date:
        return f"at {format_date(raw.date)}"
    return raw.covers or period.period_label


def _change(cur: _Raw, cur_hidden: bool, prev: _Raw, prev_hidden: bool, period: Period,
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
    prev_value = _value(prev, prev_hidden)
    if cur.value is None or prev.value is None:
        return PublishedChange(True, "", prev_period.period, prev_period.period_label, prev_value,
                               Value(None, "x", cur.unit, cur.decimals), None, prev.date)
    diff = cur.value - prev.value
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
        pct = percent_change(cur.value, prev.value)
        if pct is not None:
            percent = Value(None, "c", "percent", 1) if hide else Value(pct, "", "percent", 1,
                                                                        issuer=ISSUED)
    return PublishedChange(True, "", prev_period.period, prev_period.period_label, prev_value,
                           difference, percent, prev.date)


def _target(period: Period, name: str | None) -> PublishedTarget | None:
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


def _status(period: Period, raw: _Raw, value: Value) -> str:
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


MAX_AUDIT_ROUNDS = 100
ISSUED = Issuer.PUBLISH  # the publishing step's right to give a published value a number


def _relation_refs(period: Period, term: RelationTerm) -> tuple[tuple[float, Ref], ...]:
    """A declared term as published quantities: a figure or metric, or the table cells (or
    margin) a selection covers."""
    version = (f"{period.report}/{term.period or period.previous}" if term.previous
               else period.key)
    sel = term.selector
    if sel.figure is not None:
        return ((1.0, (version, "figure", sel.figure, ())),)
    if term.previous:
        return ()  # tables of the previous period: not supported (the loader refuses them)
    part = select(period, sel)
    return tuple((1.0, (version, "table", part.table or "", key)) for key in part.cells)


def _negated(terms: tuple[tuple[float, Ref], ...]) -> tuple[tuple[float, Ref], ...]:
    return tuple((-c, r) for c, r in terms)


def _stock_flow_why(period: Period, rel: Relation) -> str:
    """A stock and flow as the audit names it ("iro/2021-22: stock and flow of children in
    care (period.yaml line 36)"): its published relation, and the contradictions about it."""
    line = f" (period.yaml line {rel.where.line})" if rel.where.line else ""
    return f"{period.key}: stock and flow of {rel.label}{line}"


def _relations(period: Period, raws: dict[str, _Raw],
               site: Site) -> tuple[PublishedRelation, ...]:
    """The period's declared relations, and those its figures' definitions imply, as
    published facts over published quantities (structure only, but for a stock and flow's
    own difference, which only the audit reads). `site`: to read `previous.NAME` terms."""
    out: list[PublishedRelation] = []
    where = f"{period.key}: "
    for rel in period.relations:
        line = f" (period.yaml line {rel.where.line})" if rel.where.line else ""
        if rel.kind in ("distinct", "hierarchy"):
            continue  # a coincidence settled; category groups go in PublishedPeriod.hierarchies
        if rel.kind == "stock_flow":
            assert rel.start is not None and rel.end is not None
            terms = (*_relation_refs(period, rel.start),
                     *(t for x in rel.inflow for t in _relation_refs(period, x)),
                     *(t for x in rel.outflow for t in _negated(_relation_refs(period, x))),
                     *_negated(_relation_refs(period, rel.end)))
            out.append(PublishedRelation("linear", _stock_flow_why(period, rel),
                                         terms=terms, tolerance=rel.tolerance, home=period.key,
                                         own_difference=own_difference(period, rel, site)))
        elif rel.kind == "same":
            figure, cells = (_relation_refs(period, t) for t in rel.terms)
            out.append(PublishedRelation("linear", f"{where}'{rel.label}' is a cell or margin of "
                                         f"a table{line}", terms=(*figure, *_negated(cells)),
                                         home=period.key))
        else:
            assert rel.rate is not None and rel.population is not None
            rate = _relation_refs(period, rel.rate)
            if len(rate) != 1:
                continue
            implied = Implied(f"rate:{rel.label}", f"the {rel.counts} behind the rate "
                              f"{rel.label}", rel.counts)
            out.append(PublishedRelation(
                "ratio", f"{where}{rel.label} is a rate per {rel.per:g} of a population{line}",
                value=rate[0][1], numerator=((1.0, (period.key, "implied", implied.name, ())),),
                denominator=_relation_refs(period, rel.population), scale=rel.per,
                implied=(implied,), home=period.key))
    for name, fig in period.figures.items():
        if (fig.of is None and fig.part is None) or name not in raws:
            continue
        _percent_relations(period, name, fig, out)
    return tuple(out)


def _percent_relations(period: Period, name: str, fig: Figure,
                       out: list[PublishedRelation]) -> None:
    """A percentage figure tied to its counts: `of` (the whole) and `part` (the share), either
    a figure of the period or, where the period does not give it, a count the percentage
    implies. What is left of the whole is implied too."""
    where = f"{period.key}: "
    tied = period.figures[fig.of or fig.part or ""]
    counts, sensitive = tied.counts, tied.sensitive or fig.sensitive
    implied: list[Implied] = []

    def ref(figure: str | None, role: str, label: str) -> Ref:
        if figure is not None:
            return (period.key, "figure", figure, ())
        implied.append(Implied(f"{name}:{role}", label, counts, sensitive))
        return (period.key, "implied", f"{name}:{role}", ())

    part_ref = ref(fig.part, "count", f"the {counts} '{name}' is a percentage of")
    whole_ref = ref(fig.of, "whole", f"the {counts} '{name}' is a percentage of, all of them")
    rest = Implied(f"{name}:rest", f"the {counts} of '{fig.of or name + ':whole'}' outside "
                   f"'{fig.part or name}'", counts, sensitive)
    rest_ref: Ref = (period.key, "implied", rest.name, ())
    why = (f"{where}'{name}' is a percentage of '{fig.of}'" if fig.of
           else f"{where}'{name}' is the percentage '{fig.part}' is of a whole")
    out.append(PublishedRelation("ratio", why, value=(period.key, "figure", name, ()),
                                 numerator=((1.0, part_ref),), denominator=((1.0, whole_ref),),
                                 scale=100.0, implied=tuple(implied)))
    out.append(PublishedRelation("linear", why, terms=((1.0, part_ref), (1.0, rest_ref),
                                                       (-1.0, whole_ref)), implied=(rest,)))


def _build_period(period: Period, raws: dict[str, _Raw], hidden: set[str],
                  tables: dict[str, _TableResult], changes: dict[str, PublishedChange],
                  site: Site) -> PublishedPeriod:
    values: dict[str, PublishedMetric] = {}
    for name, raw in raws.items():
        value = _value(raw, name in hidden)
        values[name] = PublishedMetric(
            name=name, label=raw.label, definition=raw.definition, value=value,
            date=raw.date, basis=_basis(raw, period), source=raw.source,
            headline=raw.headline, target=_target(period, raw.target),
            status=_status(period, raw, value), change=changes.get(name), kind=raw.kind,
            note=raw.note, formula=_formula(raw.result), sensitive=raw.sensitive,
            counts=_counts(raw))
    return PublishedPeriod(
        report=period.report, period=period.period, title=period.title,
        period_label=period.period_label, start=period.start, end=period.end,
        published=period.published, summary=period.summary,
        source=PublishedSource(period.source.file, period.source.title, period.source.publisher,
                               period.source.date, period.source.presented_to, period.source.url),
        next_update=period.next_update,
        notes=tuple(period.notes), previous=period.previous, values=values,
        targets={n: t for n in period.targets if (t := _target(period, n))},
        tables={n: r.published for n, r in tables.items()}, draft=period.draft,
        relations=_relations(period, raws, site),
        hierarchies=tuple((r.label, r.members) for r in period.relations if r.kind == "hierarchy"))


def _complement_for(result: _TableResult, ndims: int, cell: Key) -> Key | None:
    """The smallest positive visible cell sharing a line with `cell` (totals last); failing
    that, with any hidden cell of the table. Each call hides one more cell, so repeated
    rounds end, at worst with the whole table hidden."""
    return (_smallest_visible(result, ndims, lambda keys: cell in keys)
            or _smallest_visible(result, ndims, lambda keys: bool(result.hidden & set(keys))))


def _smallest_visible(result: _TableResult, ndims: int, wanted: Callable[[list[Key]], bool]) -> Key | None:
    best: tuple[tuple[int, float], Key] | None = None
    for line in lines_of(result.values, ndims):
        keys = [*line.members, *([line.total] if line.total else [])]
        if not wanted(keys):
            continue
        for key in keys:
            value = result.values[key]
            if key in result.hidden or value != value or value <= 0:
                continue
            if result.published.cells[key].symbol:
                continue
            rank = (1 if TOTAL in key else 0, value)
            if best is None or rank < best[0]:
                best = (rank, key)
    return best[1] if best else None


class Suppressed(NamedTuple):
    """A period (or one earlier version of it) suppressed and audited."""

    raws: dict[str, _Raw]  # its figures and metrics, raw
    hidden: set[str]  # the figures and metrics hidden
    tables: dict[str, _TableResult]  # its tables, with the cells hidden in each
    findings: list[Finding]  # what the audit can still narrow (empty: safe to publish)


def _hideable(kind: str, name: str, key: Key, result: Suppressed, extra: dict[str, set[Key]],
              extra_metrics: set[str]) -> bool:
    """Whether a published number of a suppressed period can still be hidden as a complement:
    a figure not hidden yet, or a table cell not hidden yet holding a positive number (a zero
    is always shown, so hiding one would mislead; a symbol hides nothing)."""
    raws, hidden, tables, _ = result
    if kind == "figure":
        return name in raws and name not in hidden | extra_metrics
    if kind != "table" or name not in tables:
        return False
    value = tables[name].values.get(key)
    return (value is not None and value == value and value > 0 and key not in tables[name].hidden
            and key not in extra.get(name, set()))


COMPLEMENT_TRIALS = 4


def _about_small_count(finding: Finding, result: Suppressed, config: Config) -> bool:
    """Whether a finding is about a count hidden for being small (not a complement)."""
    raws, _, tables, _ = result
    if finding.kind == "table" and finding.table in tables:
        value = tables[finding.table].values.get(finding.cell)
    elif finding.kind == "figure" and finding.table in raws:
        value = raws[finding.table].value
    else:
        return False
    return value is not None and value == value and 0 < value <= config.suppression_threshold


def _hide(ref: Ref, key_of: str, extra: dict[str, set[Key]], extra_metrics: set[str]) -> set[Ref]:
    """Add a published number to the cells (`extra`) or figures (`extra_metrics`) to hide;
    returns it as a reference in version `key_of`."""
    _, kind, name, key = ref
    if kind == "table":
        extra.setdefault(name, set()).add(key)
    else:
        extra_metrics.add(name)
    return {(key_of, kind, name, key)}


def _complement_that_widens(finding: Finding, result: Suppressed, extra: dict[str, set[Key]],
                            extra_metrics: set[str],
                            attempt: Callable[[dict[str, set[Key]], set[str]], Suppressed],
                            ) -> Ref | None:
    """Of the first COMPLEMENT_TRIALS numbers the audit ranks as tied to `finding` (least
    information first), the first whose hiding alone settles it, tried by publishing and
    auditing the period again: a number that is only in the same relations (a 5 to 9 beside
    'Under 5' = 'Under 1' + '1 to 4') would be hidden for nothing. None when none does; the
    caller then hides the first usable one, and the next round goes on from there."""
    hideable = [ref for ref in finding.complements
                if _hideable(ref[1], ref[2], ref[3], result, extra, extra_metrics)]
    if len(hideable) < 2:
        return None  # no choice to make
    same = (finding.period, finding.table, finding.cell)
    for ref in hideable[:COMPLEMENT_TRIALS]:
        trial_extra = {name: set(keys) for name, keys in extra.items()}
        trial_metrics = set(extra_metrics)
        _hide(ref, "", trial_extra, trial_metrics)
        if not any((f.period, f.table, f.cell) == same for f in attempt(trial_extra, trial_metrics).findings):
            return ref
    return None


def _hide_complement(finding: Finding, result: Suppressed, key_of: str,
                     extra: dict[str, set[Key]], extra_metrics: set[str],
                     ndims: dict[str, int]) -> set[Ref]:
    """Hide one more published number so that `finding` widens: the first usable of the
    numbers the audit names as tied to it (a cell or a figure), else a cell sharing a line with
    it, else the derived figures that use its table. Returns what it hid (nothing when nothing
    is left to hide)."""
    raws, hidden, tables, _ = result
    for ref in finding.complements:
        if _hideable(ref[1], ref[2], ref[3], result, extra, extra_metrics):
            return _hide(ref, key_of, extra, extra_metrics)
    if finding.kind == "table" and finding.table in tables:
        complement = _complement_for(tables[finding.table], ndims[finding.table], finding.cell)
        if complement is not None:
            extra.setdefault(finding.table, set()).add(complement)
            return {(key_of, "table", finding.table, complement)}
    names = {name for name, raw in raws.items() if name not in hidden | extra_metrics
             and raw.result is not None and any(p.table == finding.table for p in raw.result.parts)}
    extra_metrics |= names
    return {(key_of, "figure", name, ()) for name in names}


def _known_totals(period: Period, raws: dict[str, _Raw], config: Config) -> dict[str, float]:
    """Count tables without Total rows whose sum a published figure or metric gives away: a
    reader could subtract, so the sum counts as the table's total (for a one-dimensional
    table, in secondary suppression too; for more, the audit links it)."""
    published = {r.value for r in raws.values() if r.unit == "count" and r.value is not None
                 and not r.sensitive and r.value > config.suppression_threshold}
    known: dict[str, float] = {}
    for name, table in period.tables.items():
        frame = table.frame
        if (table.unit != "count" or table.counts not in PEOPLE
                or any((frame[d] == TOTAL).any() for d in table.dims)
                or frame["symbol"].ne("").any()):
            continue
        total = float(frame["value"].sum())
        if total in published:
            known[name] = total
    return known


def _suppress_period(period: Period, config: Config, forced: dict[str, set[Key]] | None = None,
                     forced_metrics: set[str] | None = None, reasons: list[str] | None = None,
                     *, site: Site,
                     ) -> Suppressed:
    """Suppress one period, then audit it as an attacker would and hide further cells (or
    derived figures) until no hidden cell can be narrowed: covers linked tables, metrics
    and patterns the line-by-line rule misses."""

    ndims = {name: len(t.dims) for name, t in period.tables.items()}
    raws = _raw_quantities(period, compute_all(period))
    known = _known_totals(period, raws, config)

    def attempt(extra: dict[str, set[Key]], extra_metrics: set[str]) -> Suppressed:
        """Publish the period with `extra` cells and figures hidden besides the rule's, and
        audit it."""
        tables = {name: _publish_table(t, config, extra.get(name, set()), known.get(name))
                  for name, t in period.tables.items()}
        hidden = _with_derived(extra_metrics | {n for n, r in raws.items()
                                                if _is_disclosive(r, config, tables, ndims)},
                               raws)
        return Suppressed(raws, hidden, tables, audit_period(
            _build_period(period, raws, hidden, tables, {}, site), config.min_feasible_range,
            (config.suppression_threshold, config.sensitive_threshold)))

    # Cells and figures hidden in another version of this period start hidden here.
    extra: dict[str, set[Key]] = {name: set(keys) for name, keys in (forced or {}).items()}
    extra_metrics: set[str] = set(forced_metrics or ()) & set(raws)
    for _ in range(MAX_AUDIT_ROUNDS):
        result = attempt(extra, extra_metrics)
        raws, hidden, tables, findings = result
        if not findings:
            return result
        touched: set[Ref] = set()
        # Small counts first: protecting one can make an earlier complement unneeded (shown
        # again when its table's complements are chosen anew), which settles a finding about
        # that complement without hiding more.
        small = [f for f in findings if _about_small_count(f, result, config)]
        for finding in small or findings:
            if touched & set(finding.complements):
                continue  # this round already hid a number tied to it: audit again first
            chosen = _complement_that_widens(finding, result, extra, extra_metrics, attempt)
            hid = (_hide(chosen, period.key, extra, extra_metrics) if chosen else
                   _hide_complement(finding, result, period.key, extra, extra_metrics, ndims))
            touched |= hid
            if reasons is not None:
                reasons += [f"{period.key}: {_what(ref)} hidden, as {finding.describe()}"
                            for ref in sorted(hid)]
        if not touched:
            break
    # Give up: return what we have with its findings; the pipeline reports them and the
    # build stops.
    return Suppressed(raws, hidden, tables, findings)


def _what(ref: Ref) -> str:
    """A published number in words, for `invoke check`: "'legal_status' [Remand]"."""
    return f"'{ref[2]}'" + (f" [{', '.join(ref[3])}]" if ref[3] else "")


def _suppress_versions(period: Period, config: Config, forced: dict[str, set[Key]] | None = None,
                       forced_metrics: set[str] | None = None, reasons: list[str] | None = None,
                       *, site: Site) -> tuple[Suppressed, list[Suppressed]]:
    """Suppress a period and its earlier versions consistently: whatever is hidden in one
    version is hidden in all, repeated until nothing more is hidden, so that comparing two
    versions cannot reveal a value either of them hides. `forced`: cells and figures the
    site-wide audit asked to hide."""
    versions = [period] + [r.previous for r in period.revisions]
    forced = {name: set(keys) for name, keys in (forced or {}).items()}
    forced_metrics = set(forced_metrics or ())
    while True:
        found: list[str] = []
        results = [_suppress_period(v, config, forced, forced_metrics, found, site=site)
                   for v in versions]
        union: dict[str, set[Key]] = {name: set(keys) for name, keys in forced.items()}
        for _, _, tables, _ in results:
            for name, result in tables.items():
                union.setdefault(name, set()).update(result.hidden)
        union_metrics = forced_metrics.union(*(hidden for _, hidden, _, _ in results))
        if len(versions) == 1 or (union == forced and union_metrics == forced_metrics):
            if reasons is not None:
                reasons[:] = list(dict.fromkeys(found))
            return results[0], results[1:]
        forced, forced_metrics = union, union_metrics


def _same_number(a: float, b: float) -> bool:
    """Equal, or both not a number ([x] or [z] in both versions)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def _mark_revised(current: PublishedPeriod, earlier: list[PublishedPeriod],
                  raw_current: dict[str, _TableResult],
                  raw_earlier: list[dict[str, _TableResult]]) -> PublishedPeriod:
    """Mark [r] on every value and cell that differs from what an earlier version published,
    and on a hidden cell whose hidden number changed: a reader may take an unmarked cell to be
    the same number in every version, and the audit does."""
    def differs(value: Value, olds: list[Value | None]) -> bool:
        return any(old is not None and old.shown != value.shown for old in olds)

    def raw_differs(name: str, key: Key) -> bool:
        now = raw_current[name].values.get(key) if name in raw_current else None
        for tables in raw_earlier:
            then = tables[name].values.get(key) if name in tables else None
            if then is not None and now is not None and not _same_number(then, now):
                return True
        return False

    values = {}
    for name, metric in current.values.items():
        olds = [p.values[name].value if name in p.values else None for p in earlier]
        values[name] = (replace(metric, value=replace(metric.value, revised=True))
                        if differs(metric.value, olds) else metric)
    tables = {}
    for name, table in current.tables.items():
        cells = {}
        for key, value in table.cells.items():
            olds = [p.tables[name].cells.get(key) if name in p.tables else None for p in earlier]
            changed = differs(value, olds) or (value.suppressed and raw_differs(name, key))
            cells[key] = replace(value, revised=True) if changed else value
        tables[name] = replace(table, cells=cells)
    return replace(current, values=values, tables=tables)


def _changes_between(old: PublishedPeriod, new: PublishedPeriod) -> tuple[str, ...]:
    """What a correction changed, as readers know it: figure labels and table titles."""
    out = [m.label for n, m in new.values.items()
           if n in old.values and old.values[n].value.shown != m.value.shown]
    out += [t.title for n, t in new.tables.items() if n in old.tables and
            {k: v.shown for k, v in old.tables[n].cells.items()}
            != {k: v.shown for k, v in t.cells.items()}]
    return tuple(out)


def _with_revisions(period: Period, current: PublishedPeriod, computed: Suppressed,
                    earlier: list[Suppressed], site: Site) -> PublishedPeriod:
    if not period.revisions:
        return current
    olds = [_build_period(r.previous, raws, hidden, tables, {}, site)
            for r, (raws, hidden, tables, _) in zip(period.revisions, earlier, strict=True)]
    chain = [*olds, current]
    log = tuple(PublishedRevision(date=r.date, note=r.note,
                                  changed=_changes_between(chain[i], chain[i + 1]),
                                  tables=olds[i].tables)
                for i, r in enumerate(period.revisions))
    return replace(_mark_revised(current, olds, computed.tables, [e.tables for e in earlier]),
                   revisions=log)


MAX_SITE_ROUNDS = 20


@dataclass(frozen=True)
class _Known:
    """A count of people as the publish step knows it: its place, raw number and whether it is
    hidden."""

    ref: Ref
    value: float
    hidden: bool
    counts: str
    date: object = None  # a snapshot's date
    # When it counts: ('at', date) for a snapshot, ('over', span) for a flow. Two numbers can
    # be the same count only if they count at the same time.
    when: tuple[str, object] = ("", None)
    # A figure, or a table's grand total: what a stock or a flow is (a cell is part of one).
    whole: bool = True


def _known(period: Period, result: Suppressed) -> list[_Known]:
    """Every count of people a period publishes or hides: figures, metrics, hidden cells, and
    tables' grand totals (which a reader may take for a stock or a flow)."""
    raws, hidden, tables, _ = result

    def when(date: object, covers: str = "") -> tuple[str, object]:
        return ("at", date) if date else ("over", f"{period.start}..{period.end} {covers}")

    out = [_Known((period.key, "figure", name, ()), raw.value, name in hidden, raw.counts,
                  raw.date, when(raw.date, raw.covers), True)
           for name, raw in raws.items()
           if raw.value is not None and raw.unit == "count" and raw.counts in PEOPLE]
    for name, table in tables.items():
        published = table.published
        if not published.of_people:
            continue
        grand = tuple(TOTAL for _ in published.dims)
        for key, value in table.values.items():
            if value != value or value is None or not (key in table.hidden or key == grand):
                continue
            if key in table.hidden and value <= 0:
                continue
            out.append(_Known((period.key, "table", name, key), value, key in table.hidden,
                              published.counts, published.date, when(published.date),
                              whole=key == grand))
    return out


def _declared(period: Period) -> list[set[Ref]]:
    """The places each declared relation ties together. (A metric's formula settles nothing:
    that a figure and a hidden cell are both terms of one percentage does not say they are
    the same number.)"""
    return [{ref for t in rel.all_terms() for _, ref in _relation_refs(period, t)}
            for rel in period.relations]


def _place(known: _Known, site: Site) -> str:
    """A place in words, and how to name it in a relation."""
    version, kind, name, key = known.ref
    if kind == "figure":
        return f"'{name}' ({version})"
    table = site.periods[version].tables[name]
    where = ", ".join(f"{d}: {c}" for d, c in zip(table.dims, key, strict=True))
    what = "the hidden cell" if known.hidden else "the cell"
    return f"{what} [{', '.join(key)}] of '{name}' ({version}; {{table: {name}, where: {{{where}}}}})"


MAX_FLOWS = 3  # flows in a stock and flow the look-alike check tries (in and out together)


def _signed_sums(flows: list[_Known], size: int) -> dict[float, list[tuple[tuple[int, float], ...]]]:
    """Every way to add or subtract `size` distinct flows, by the sum it makes."""
    out: dict[float, list[tuple[tuple[int, float], ...]]] = {}
    for chosen in combinations(range(len(flows)), size):
        for signs in product((1.0, -1.0), repeat=size):
            total = sum(s * flows[i].value for i, s in zip(chosen, signs, strict=True))
            out.setdefault(total, []).append(tuple(zip(chosen, signs, strict=True)))
    return out


def _stock_flow_lookalikes(period: Period, known: list[_Known], before: list[_Known], site: Site,
                           is_settled: Callable[[list[_Known]], bool]) -> list[Finding]:
    """Counts that fit start + in − out = end with a hidden one among them, and no declaration
    that settles them: the stocks on the day before the period starts and on its last day
    (figures, metrics or tables' grand totals, in this period or the one it follows), and up to
    MAX_FLOWS flows over the period, either sign."""
    found: list[Finding] = []
    key = period.key
    day_before = period.start - dt.timedelta(days=1)
    for counts in PEOPLE:
        wholes = [k for k in known + before if k.whole and k.counts == counts]
        starts = [k for k in wholes if k.date == day_before]
        ends = [k for k in wholes if k.date == period.end and k.ref[0] == key]
        flows = [k for k in wholes if k.date is None and k.ref[0] == key]
        if not any(k.hidden for k in starts + ends + flows):
            continue
        sums = {n: _signed_sums(flows, n) for n in range(1, MAX_FLOWS + 1)}
        for start in starts:
            for end in ends:
                for n in range(1, MAX_FLOWS + 1):
                    for chosen in sums[n].get(end.value - start.value, ()):
                        parts = [start, end, *(flows[i] for i, _ in chosen)]
                        if not any(k.hidden for k in parts) or is_settled(parts):
                            continue
                        signed = "".join(f" {'+' if sign > 0 else '−'} {_place(flows[i], site)}"
                                         for i, sign in chosen)
                        found.append(Finding(key, end.ref[2], (), 0, 0, "undeclared", through=(
                            f"{_place(start, site)}{signed} = {_place(end, site)}, with a hidden "
                            f"count among them; {_HINT}",)))
                        break
    return found


_HINT = ("declare which it is under 'relations:': 'same' (or 'stock_flow') if they count the "
         "same children, 'distinct' if they do not (with a 'reason:' a reviewer can check)")


def _unnamed_populations(site: Site) -> list[Finding]:
    """Two count tables of children or records at one date, in any periods or reports, whose
    grand totals are equal and which share a dimension (by name or label) and at least two of
    its categories look like the same children. Unless both name their `population` (one name
    if they are the same children, two if not), the audit cannot link them, and one could
    give away what the other hides (a red-team finding: a report left out `population:`)."""
    tables = []
    for key, period in sorted(site.periods.items()):
        for table in period.tables.values():
            if table.unit != "count" or table.counts not in PEOPLE or table.date is None:
                continue
            frame = table.frame
            totals = frame[table.dims] == TOTAL
            is_total = totals.all(axis=1)
            total = (float(frame.loc[is_total, "value"].iloc[0]) if is_total.any()
                     else float(frame.loc[~totals.any(axis=1), "value"].sum()))
            if total != total:
                continue
            cats = {d: {same_label(str(c)) for c in frame[d]} - {same_label(TOTAL)}
                    for d in table.dims}
            tables.append((key, table, total, cats))
    found = []
    for (ka, a, total_a, cats_a), (kb, b, total_b, cats_b) in combinations(tables, 2):
        if a.date != b.date or total_a != total_b or (a.population and b.population):
            continue
        shared = [(da, db) for da in a.dims for db in b.dims
                  if (da == db or same_label(a.dimensions[da]) == same_label(b.dimensions[db]))
                  and len(cats_a[da] & cats_b[db]) >= 2]
        if not shared:
            continue
        missing = " and ".join(f"'{t.name}' ({k})" for k, t in ((ka, a), (kb, b))
                               if not t.population)
        found.append(Finding(kb, b.name, (), 0, 0, "undeclared", through=(
            f"'{a.name}' ({ka}) and '{b.name}' ({kb}) look like the same children: both at "
            f"{a.date}, both {total_a:g} in all, both by {a.dimensions[shared[0][0]]}; "
            f"{missing} declare{'s' if ' and ' not in missing else ''} no 'population'. Give "
            "both tables a 'population:' name, the same one if they count the same children "
            "(they are then protected together) and different ones if they do not",)))
    return found


def _undeclared(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[Finding]:
    """Fail closed where the data looks related but declares nothing: a published count equal
    to a hidden count of the same time (in any report), or counts that fit a stock and flow
    with one of them hidden. Each is a problem until a `same`, `stock_flow` or `distinct`
    relation says which it is (docs/data-format.md, Relations)."""
    known = {key: _known(site.periods[key], versions[key][0]) for key in site.periods}
    settled = {key: _declared(site.periods[key]) for key in site.periods}

    alone = {ref for key, period in site.periods.items() for rel in period.relations
             if rel.kind == "distinct" and len(rel.terms) == 1
             for _, ref in _relation_refs(period, rel.terms[0])}

    # A metric that is one cell (children in care: the legal status Total) is that cell.
    same: dict[Ref, Ref] = {}
    for key in site.periods:
        for name, raw in versions[key][0].raws.items():
            terms = [t for p in raw.result.parts for t in _terms(p)] if raw.result else []
            if len(terms) == 1 and raw.result is not None and raw.result.numerator is None:
                kind, n, k = terms[0]
                same[(key, kind, n, k)] = (key, "figure", name, ())

    def canonical(refs: Iterable[Ref]) -> set[Ref]:
        return {same.get(r, r) for r in refs}

    def is_settled(parts: list[_Known]) -> bool:
        """Declared together in one relation, or every hidden one declared distinct alone."""
        refs = canonical(k.ref for k in parts)
        if all(k.ref in alone for k in parts if k.hidden):
            return True
        keys = {current_version(r[0]) for r in refs}
        return any(refs <= canonical(group) for k in keys for group in settled.get(k, ()))

    findings: list[Finding] = []
    everything = [k for items in known.values() for k in items]
    hidden_by_value: dict[float, list[_Known]] = {}
    for item in everything:
        if item.hidden:
            hidden_by_value.setdefault(item.value, []).append(item)
    # Published figures, and tables' printed grand totals (a population of its own: the 12
    # children on placement orders beside a hidden Placement order cell).
    for shown in (k for k in everything if not k.hidden and k.whole):
        for hidden in hidden_by_value.get(shown.value, ()):
            if hidden.when == shown.when and not is_settled([shown, hidden]):
                findings.append(Finding(
                    shown.ref[0], shown.ref[2], (), 0, 0, "undeclared",
                    through=(f"{_place(shown, site)} is the same number as "
                             f"{_place(hidden, site)}; {_HINT}",)))
    for key, period in site.periods.items():
        before = period.preceding(site.periods)
        findings += _stock_flow_lookalikes(period, known[key], known[before.key] if before else [],
                                           site, is_settled)
    return findings


def _assemble(site: Site, config: Config,
              versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> dict[str, PublishedPeriod]:
    computed = {key: current for key, (current, _) in versions.items()}
    periods: dict[str, PublishedPeriod] = {}
    for key, period in site.periods.items():
        raws, hidden, tables, _ = computed[key]
        prev_period = site.periods.get(f"{period.report}/{period.previous}") if period.previous else None
        changes: dict[str, PublishedChange] = {}
        if prev_period is not None:
            prev_raws, prev_hidden, _, _ = computed[prev_period.key]
            for name, raw in raws.items():
                if name in prev_raws:
                    changes[name] = _change(raw, name in hidden, prev_raws[name],
                                            name in prev_hidden, period, prev_period, config)
        periods[key] = _with_revisions(
            period, _build_period(period, raws, hidden, tables, changes, site), computed[key],
            versions[key][1], site)
    return periods


def _site_cure(findings: list[Finding], site: Site,
               versions: dict[str, tuple[Suppressed, list[Suppressed]]],
               forced: dict[str, tuple[dict[str, set[Key]], set[str]]],
               reasons: list[str]) -> set[str]:
    """Hide one more published number for each site-wide finding (what ties periods together:
    stock and flow, the same snapshot twice, corrections). Returns the periods to redo, and
    adds to `reasons` what was hidden and which relation required it."""
    redo: set[str] = set()
    touched: set[Ref] = set()
    for finding in findings:
        if touched & set(finding.complements):
            continue  # this round already hid a number tied to it: audit again first
        for version, kind, name, key in finding.complements:
            period_key = current_version(version)
            if period_key not in versions:
                continue
            cells, metrics = forced.setdefault(period_key, ({}, set()))
            if not _hideable(kind, name, key, versions[period_key][0], cells, metrics):
                continue
            touched |= _hide((version, kind, name, key), version, cells, metrics)
            redo.add(period_key)
            reasons.append(f"{period_key}: {_what((version, kind, name, key))} hidden, as "
                           f"{finding.describe()}")
            break
    return redo


def _unbalanced(site: Site, found: Iterable[Finding]) -> list[Finding]:
    """Stock-and-flow relations whose raw figures are further from balancing than their
    tolerance: the declaration contradicts the numbers, even where a hidden flow would let
    the published ones fit. Those the audit `found` from the published numbers alone are
    not reported twice."""
    reported = {r for f in found if f.kind == "contradiction" for r in f.relations}
    out = []
    for period, rel, difference in unbalanced(site):
        why = _stock_flow_why(period, rel)
        if why in reported:
            continue
        declared = (f"its tolerance of {rel.tolerance:g}" if rel.tolerance else
                    "no tolerance (they must balance exactly)")
        out.append(Finding(period.key, "", (), 0, 0, "contradiction", through=(
            f"{why.removeprefix(f'{period.key}: ')}: start + in − out − end on the source's own "
            f"figures is {difference:g} from balancing, but the relation declares {declared}",),
            relations=(why,)))
    return out


def _geography(config: Config) -> PublishedGeography | None:
    """The council in the DfE's open data, when the settings give it (resolve has checked
    that they give all of it or none)."""
    if not config.old_la_code:
        return None
    return PublishedGeography(config.la_code, config.old_la_code, config.la_name,
                              config.region_code, config.region_name)


class _Reading(dict[str, Period]):
    """A site's periods that note which of them are read: what one period's suppression
    depends on besides the period itself (a `previous.NAME` term reads another period)."""

    def __init__(self, periods: dict[str, Period]) -> None:
        super().__init__(periods)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Period:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Period | None = None) -> Period | None:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def _all(self) -> None:
        self.read.update(super().keys())

    def __iter__(self) -> Iterator[str]:
        self._all()
        return super().__iter__()

    # A view, not dict's own view type: what is read is noted when the view is asked for.
    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self._all()
        return super().keys()

    def values(self) -> ValuesView[Period]:  # type: ignore[override]
        self._all()
        return super().values()

    def items(self) -> ItemsView[str, Period]:  # type: ignore[override]
        self._all()
        return super().items()


def _digest(value: object) -> str:
    return hashlib.sha256(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


@dataclass
class SuppressionMemo:
    """Each period's own suppression and audit (with its earlier versions), kept by a
    long-lived process (the preview) between builds: reused only while the period, every
    period it read and the settings are exactly as they were (compared by a hash of their
    pickled form). The site-wide audit is never kept: it runs on every publication."""

    # period key -> (its digest with the settings', {period read: its digest},
    #                the pickled (result, reasons))
    entries: dict[str, tuple[str, dict[str, str], bytes]] = field(default_factory=dict)


def _settings_digest(config: Config) -> str:
    return _digest(repr(sorted((k, str(v)) for k, v in vars(config).items())))


def _suppress_remembered(site: Site, config: Config, memo: SuppressionMemo | None,
                         reasons: dict[str, list[str]]) -> dict[str, tuple[Suppressed,
                                                                           list[Suppressed]]]:
    """_suppress_versions for every period, reusing `memo`'s where nothing it depends on
    changed, and keeping the new ones in it."""
    if memo is None:
        return {key: _suppress_versions(period, config, reasons=reasons[key], site=site)
                for key, period in site.periods.items()}
    settings = _settings_digest(config)
    digests = {key: _digest(period) for key, period in site.periods.items()}
    out: dict[str, tuple[Suppressed, list[Suppressed]]] = {}
    kept: dict[str, tuple[str, dict[str, str], bytes]] = {}
    for key, period in site.periods.items():
        own = digests[key] + settings
        entry = memo.entries.get(key)
        if entry is not None and entry[0] == own and all(
                digests.get(read) == digest for read, digest in entry[1].items()):
            out[key], reasons[key][:] = pickle.loads(entry[2])  # noqa: S301 - made here
            kept[key] = entry
            continue
        reading = _Reading(site.periods)
        out[key] = _suppress_versions(period, config, reasons=reasons[key], site=Site(reading))
        depends = {read: digests.get(read, "absent") for read in reading.read}
        kept[key] = (own, depends, pickle.dumps((out[key], reasons[key]),
                                                protocol=pickle.HIGHEST_PROTOCOL))
    memo.entries = kept
    return out


def publish_site(site: Site, config: Config, memo: SuppressionMemo | None = None) -> PublishedSite:
    """Compute, suppress and publish every period. The only way raw data reaches output.

    Each period (with its earlier versions) is suppressed and audited on its own first (or
    taken from `memo`, where nothing it depends on changed); then the whole site is audited
    as one reader's knowledge (`knowledge.reader_model`), always, and what ties periods
    together hides more, period by period, until nothing can be narrowed."""
    forced: dict[str, tuple[dict[str, set[Key]], set[str]]] = {}
    # What each period's own cure hid beyond its tables' line rule, and why.
    in_period: dict[str, list[str]] = {key: [] for key in site.periods}
    versions = _suppress_remembered(site, config, memo, in_period)
    findings: list[Finding] = []
    reasons: list[str] = []
    for _ in range(MAX_SITE_ROUNDS):
        published = PublishedSite(
            periods={key: replace(period, area=config.area)
                     for key, period in _assemble(site, config, versions).items()},
            reports={k: dict(v) for k, v in config.reports.items()},
            organisation=config.organisation, service=config.service,
            contact_email=config.contact_email, threshold=config.suppression_threshold,
            sensitive_threshold=config.sensitive_threshold,
            min_feasible_range=config.min_feasible_range, geography=_geography(config))
        findings = audit_site(published, config.min_feasible_range)
        redo = _site_cure(findings, site, versions, forced, reasons) if findings else set()
        if not redo:
            break
        for key in redo:
            versions[key] = _suppress_versions(site.periods[key], config, *forced[key],
                                               reasons=in_period[key], site=site)
    return replace(published, findings=tuple(findings) + tuple(_undeclared(site, versions))
                   + tuple(_unnamed_populations(site)) + tuple(_unbalanced(site, findings)),
                   combined=tuple(r for key in sorted(in_period) for r in in_period[key])
                   + tuple(reasons))


def hidden_numbers(site: Site, published: PublishedSite) -> dict[str, frozenset[float]]:
    """The true numbers behind each period's [c], for the narrative lint: a number typed by
    hand that equals one of them undoes the suppression (lint.py). Keyed by period
    ("iro/2021-22"); values are table cells, figures and metrics as published would give
    them (metrics rounded to their decimals). Never part of the published site."""
    out: dict[str, frozenset[float]] = {}
    for key, shown in published.periods.items():
        period = site.periods.get(key)
        if period is None:
            continue
        numbers: set[float] = set()
        for name, table in shown.tables.items():
            if name not in period.tables:
                continue
            values, _ = _table_cells(period.tables[name])
            numbers |= {values[cell] for cell, value in table.cells.items()
                        if value.symbol == "c" and cell in values and not math.isnan(values[cell])}
        results = compute_all(period)
        for name, metric in shown.values.items():
            if metric.value.symbol != "c":
                continue
            if name in period.figures and period.figures[name].value is not None:
                numbers.add(float(period.figures[name].value or 0))
            elif name in results and (number := results[name].value) is not None:
                numbers.add(round_half_up(float(number), results[name].decimals))
        out[key] = frozenset(numbers)
    return out
