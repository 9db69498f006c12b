"""Fail closed where the data looks related but declares nothing: a published count equal to
a hidden one of the same time, counts that fit a stock and flow with a hidden one among them,
two tables that look like the same children without a `population`, and stock-and-flow
declarations their own figures contradict. Part of the publishing step (publish.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations, product

from .audit import Finding
from .balances import unbalanced
from .knowledge import current_version, same_label
from .model import PEOPLE, TOTAL, Period, Site
from .period_cure import Suppressed
from .publish_relations import relation_refs, stock_flow_why
from .published import Ref
from .quantities import terms_of


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
    return [{ref for t in rel.all_terms() for _, ref in relation_refs(period, t)}
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


def unnamed_populations(site: Site) -> list[Finding]:
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


def undeclared(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[Finding]:
    """Fail closed where the data looks related but declares nothing: a published count equal
    to a hidden count of the same time (in any report), or counts that fit a stock and flow
    with one of them hidden. Each is a problem until a `same`, `stock_flow` or `distinct`
    relation says which it is (docs/data-format.md, Relations)."""
    known = {key: _known(site.periods[key], versions[key][0]) for key in site.periods}
    settled = {key: _declared(site.periods[key]) for key in site.periods}

    alone = {ref for key, period in site.periods.items() for rel in period.relations
             if rel.kind == "distinct" and len(rel.terms) == 1
             for _, ref in relation_refs(period, rel.terms[0])}

    # A metric that is one cell (children in care: the legal status Total) is that cell.
    same: dict[Ref, Ref] = {}
    for key in site.periods:
        for name, raw in versions[key][0].raws.items():
            terms = [t for p in raw.result.parts for t in terms_of(p)] if raw.result else []
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


def unbalanced_declarations(site: Site, found: Iterable[Finding]) -> list[Finding]:
    """Stock-and-flow relations whose raw figures are further from balancing than their
    tolerance: the declaration contradicts the numbers, even where a hidden flow would let
    the published ones fit. Those the audit `found` from the published numbers alone are
    not reported twice."""
    reported = {r for f in found if f.kind == "contradiction" for r in f.relations}
    out = []
    for period, rel, difference in unbalanced(site):
        why = stock_flow_why(period, rel)
        if why in reported:
            continue
        declared = (f"its tolerance of {rel.tolerance:g}" if rel.tolerance else
                    "no tolerance (they must balance exactly)")
        out.append(Finding(period.key, "", (), 0, 0, "contradiction", through=(
            f"{why.removeprefix(f'{period.key}: ')}: start + in − out − end on the source's own "
            f"figures is {difference:g} from balancing, but the relation declares {declared}",),
            relations=(why,)))
    return out
