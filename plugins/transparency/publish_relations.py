"""A period's declared relations (stock and flow, a figure that is a cell, a rate of a
population) and the relations its percentage figures imply, as published facts over
published quantities for the disclosure audit. Part of the publishing step (publish.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from itertools import combinations, pairwise

from .balances import own_difference
from .change_figures import change_figures, change_tables
from .metrics import select
from .model import Figure, Period, Relation, RelationTerm, Site
from .population_parts import population_parts
from .published import Implied, PublishedRelation, Ref
from .quantities import Raw
from .terms import PEOPLE
from .time_spans import time_span


def relation_refs(period: Period, term: RelationTerm) -> tuple[tuple[float, Ref], ...]:
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


def stock_flow_why(period: Period, rel: Relation) -> str:
    """A stock and flow as the audit names it ("iro/2021-22: stock and flow of children in
    care (period.yaml line 36)"): its published relation, and the contradictions about it."""
    line = f" (period.yaml line {rel.where.line})" if rel.where.line else ""
    return f"{period.key}: stock and flow of {rel.label}{line}"


def period_relations(period: Period, raws: dict[str, Raw],
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
            terms = (*relation_refs(period, rel.start),
                     *(t for x in rel.inflow for t in relation_refs(period, x)),
                     *(t for x in rel.outflow for t in _negated(relation_refs(period, x))),
                     *_negated(relation_refs(period, rel.end)))
            out.append(PublishedRelation("linear", stock_flow_why(period, rel),
                                         terms=terms, tolerance=rel.tolerance, home=period.key,
                                         own_difference=own_difference(period, rel, site)))
        elif rel.kind == "same":
            figure, cells = (relation_refs(period, t) for t in rel.terms)
            out.append(PublishedRelation("linear", f"{where}'{rel.label}' is a cell or margin of "
                                         f"a table{line}", terms=(*figure, *_negated(cells)),
                                         home=period.key))
        else:
            assert rel.rate is not None and rel.population is not None
            rate = relation_refs(period, rel.rate)
            if len(rate) != 1:
                continue
            implied = Implied(f"rate:{rel.label}", f"the {rel.counts} behind the rate "
                              f"{rel.label}", rel.counts)
            out.append(PublishedRelation(
                "ratio", f"{where}{rel.label} is a rate per {rel.per:g} of a population{line}",
                value=rate[0][1], numerator=((1.0, (period.key, "implied", implied.name, ())),),
                denominator=relation_refs(period, rel.population), scale=rel.per,
                implied=(implied,), home=period.key))
    for name, fig in period.figures.items():
        if (fig.of is None and fig.part is None) or name not in raws:
            continue
        _percent_relations(period, name, fig, out)
    flows = {name: (table.counts, {key: value for key, value, symbol, _ in table.rows if not symbol})
             for name, table in period.tables.items()
             if table.date is None and table.unit == "count" and table.counts in PEOPLE
             and not table.comparator}
    out += _tilings(period, raws, flows)
    out += population_parts(period, site)
    out += change_figures(period, site)
    out += change_tables(period, site)
    return tuple(out)


MAX_TILINGS = 64  # ways to tile one figure's time tried; past it the audit is told of none more


def distinct_figures(period: Period) -> list[set[str | None]]:
    """The figures each `distinct` relation of the period names (a coincidence it settles)."""
    return [{t.selector.figure for t in rel.terms} for rel in period.relations
            if rel.kind == "distinct"]


MAX_UNREAD = 12  # counts whose `covers:` is not read, tried as parts of one whole, at most


def _tilings(period: Period, raws: dict[str, Raw],
             tables: Mapping[str, tuple[str, dict[tuple[str, ...], float]]] | None = None,
             ) -> list[PublishedRelation]:
    """Counts over parts of a time (their `covers`, read as months or quarters) that together
    cover exactly the time of another count of the same things, and add up to it: a reader
    adds them up (reviews on time from April to September and from October to March are the
    year's; red team 8, where the year's was hidden). The whole may be a figure or a cell of a
    table of flows over the period (red team 9: PN2 reviews over the year, in the
    participation table). A part whose `covers:` cannot be read ('the past six months') may be
    any part of the time, so it is tried with the others, up to four in all, by their sum
    alone (fail closed). Each such sum is a relation for the audit, unless a `distinct` names
    its counts. Only numbers that do add up are related, so nothing true is contradicted; the
    sum holds whether or not the source meant it. `tables`: the period's count tables of flows
    over the period (no date), their raw cells by key."""
    distinct = distinct_figures(period)
    whole_period = (period.start, period.end)

    def span(raw: Raw) -> tuple[dt.date, dt.date] | None:
        return time_span(raw.covers, period.start, period.end) if raw.covers else whole_period

    counted = {name: raw for name, raw in sorted(raws.items()) if raw.date is None
               and raw.unit == "count" and raw.counts in PEOPLE and raw.value is not None}
    flows = {name: (days, raw) for name, raw in counted.items() if (days := span(raw)) is not None}
    unread = [name for name, raw in counted.items() if name not in flows][:MAX_UNREAD]
    wholes: list[tuple[Ref, tuple[dt.date, dt.date], float, str, str]] = [
        ((period.key, "figure", name, ()), days, raw.value or 0.0, raw.counts, name)
        for name, (days, raw) in flows.items()]
    for name, (counts, cells) in (tables or {}).items():
        wholes += [((period.key, "table", name, key), whole_period, value, counts, "")
                   for key, value in sorted(cells.items()) if value == value and value > 0]
    out: list[PublishedRelation] = []
    for ref, days, value, counts, own in wholes:
        inside = sorted((d, name) for name, (d, r) in flows.items() if name != own
                        and r.counts == counts and days[0] <= d[0] and d[1] <= days[1] and d != days)
        ways = [parts for parts in _tile(inside, days[0], days[1], (), MAX_TILINGS) if len(parts) > 1]
        loose = [n for n in unread if n != own and counted[n].counts == counts]
        if loose:
            ways += [parts for size in range(2, 5)
                     for parts in combinations([n for _, n in inside] + loose, size)
                     if set(parts) & set(loose) and _apart([flows[p][0] for p in parts if p in flows])]
        for parts in ways:
            if sum(counted[p].value or 0.0 for p in parts) != value:
                continue
            if any({own, *parts} <= names for names in distinct):
                continue
            where = f"'{own}'" if own else f"the cell [{', '.join(ref[3])}] of '{ref[2]}'"
            out.append(PublishedRelation(
                "linear", f"{period.key}: {', '.join(repr(p) for p in parts)} cover the time of "
                f"{where} between them and add up to it",
                terms=((1.0, ref), *((-1.0, (period.key, "figure", p, ())) for p in parts)),
                home=period.key))
    return out


def _apart(spans: list[tuple[dt.date, dt.date]]) -> bool:
    """Whether no two of the spans share a day."""
    ordered = sorted(spans)
    return all(a[1] < b[0] for a, b in pairwise(ordered))


def _tile(spans: list[tuple[tuple[dt.date, dt.date], str]], start: dt.date, end: dt.date,
          chain: tuple[str, ...], limit: int) -> list[tuple[str, ...]]:
    """Every run of `spans` (sorted) that covers start..end exactly, one after another, up to
    `limit` runs."""
    if start > end:
        return [chain]
    found: list[tuple[str, ...]] = []
    for (first, last), name in spans:
        if first == start and last <= end and len(found) < limit:
            found += _tile(spans, last + dt.timedelta(days=1), end, (*chain, name), limit - len(found))
    return found


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
