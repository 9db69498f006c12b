"""Cells of two count tables that look like the same children but are not linked: tables of
one time (one date, or flows over one span) sharing a dimension (by name or label) or a
category, that do not both name their `population`. The audit links tables only through a
`population`, so a cell one table shows where the other hides it ("Placement order 81" beside a
hidden Placement order), or a shown cell equal to a hidden one, can give the hidden one away
whatever the tables' totals (red team 7: a second legal-status table with no Total and its
remand row `x` gave Remand = 3). lookalikes.undeclared turns each pair into a problem unless a
declaration settles it. Part of the publishing step (publish.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from .knowledge_populations import same_label
from .model import TOTAL, Site
from .period_cure import Suppressed
from .publish_tables import TableResult
from .published import Ref
from .suppress import Key


@dataclass(frozen=True)
class CellPair:
    """A shown cell and a hidden cell of two unlinked tables of one time: `how` says why a
    reader would take one for the other."""

    shown: Ref
    shown_value: float
    hidden: Ref
    hidden_value: float
    how: str
    tables: tuple[tuple[str, str], tuple[str, str]]  # (version, table) of each


@dataclass(frozen=True)
class _Table:
    version: str
    when: tuple[object, ...]
    result: TableResult

    @property
    def name(self) -> str:
        return self.result.published.name


def _tables(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[_Table]:
    """Every published count table of children or records (comparators aside), with when it
    counts: ('at', date) for a snapshot, ('over', start, end) for a flow over its period."""
    out = []
    for key, period in sorted(site.periods.items()):
        if key not in versions:
            continue
        for _, result in sorted(versions[key][0].tables.items()):
            table = result.published
            if table.unit != "count" or not table.of_people or table.comparator:
                continue
            when = ("at", table.date) if table.date else ("over", period.start, period.end)
            out.append(_Table(key, when, result))
    return out


def _shared(a: TableResult, b: TableResult) -> list[tuple[str, str]]:
    """The dimensions two tables share, as (a's, b's): the same name or label, or at least one
    category in common (a reader compares "Male" with "Male" whatever the column is called)."""
    ta, tb = a.published, b.published
    pairs: list[tuple[str, str]] = []
    for da in ta.dims:
        cats_a = {same_label(c) for c in ta.categories(da)} - {same_label(TOTAL)}
        for db in tb.dims:
            if db in (p[1] for p in pairs):
                continue
            cats_b = {same_label(c) for c in tb.categories(db)} - {same_label(TOTAL)}
            if (da == db or same_label(ta.dimensions[da]) == same_label(tb.dimensions[db])
                    or cats_a & cats_b):
                pairs.append((da, db))
                break
    return pairs


def _cells(result: TableResult) -> Iterator[tuple[Key, float, bool]]:
    """Each cell with a number: (key, raw value, hidden). A symbol ([x], [z]) shows nothing."""
    cells = result.published.cells
    for key, value in result.values.items():
        if value != value or key not in cells:
            continue
        if key in result.hidden:
            if value > 0 or result.published.sensitive:
                yield key, value, True
        elif not cells[key].symbol:
            yield key, value, False


def _projected(result: TableResult, dims: list[str]) -> dict[tuple[str, ...], Key]:
    """The cells that stand for a combination of the shared dimensions' categories (every other
    dimension at its Total), by that combination as a reader compares it."""
    table = result.published
    index = [table.dims.index(d) for d in dims]
    out: dict[tuple[str, ...], Key] = {}
    for key in result.values:
        if all(c == TOTAL for i, c in enumerate(key) if i not in index):
            out[tuple(same_label(key[i]) for i in index)] = key
    return out


def _pairs_of(a: _Table, b: _Table) -> list[CellPair]:
    """The cells of `a` and `b` a reader could take for one another, one shown, one hidden:
    the same combination of shared categories (where the tables measure the same thing, or
    the two cells hold the same number), or the same number. Of two tables measuring
    different things ("Referrals audited" and "Referrals described as inappropriate", by who
    made the referral), a shown cell beside a hidden cell of another number in the same
    category is no reading of it: taking one for the other gives a wrong number."""
    pairs = _shared(a.result, b.result)
    if not pairs:
        return []
    alike = same_label(a.result.published.measure) == same_label(b.result.published.measure)
    tables = ((a.version, a.name), (b.version, b.name))
    cells = {id(t): {k: (v, h) for k, v, h in _cells(t.result)} for t in (a, b)}
    found: dict[tuple[Ref, Ref], CellPair] = {}
    keys_a = _projected(a.result, [p[0] for p in pairs])
    keys_b = _projected(b.result, [p[1] for p in pairs])
    for combo, ka in keys_a.items():
        kb = keys_b.get(combo)
        if kb is None or ka not in cells[id(a)] or kb not in cells[id(b)]:
            continue
        (va, ha), (vb, hb) = cells[id(a)][ka], cells[id(b)][kb]
        if ha != hb and (alike or va == vb):
            (shown, vs), (hidden, vh) = (((b, kb), vb), ((a, ka), va)) if ha else (
                ((a, ka), va), ((b, kb), vb))
            s_ref: Ref = (shown[0].version, "table", shown[0].name, shown[1])
            h_ref: Ref = (hidden[0].version, "table", hidden[0].name, hidden[1])
            found[(s_ref, h_ref)] = CellPair(s_ref, vs, h_ref, vh, "the same category", tables)
    for one, other in ((a, b), (b, a)):
        hidden_by_value: dict[float, list[Key]] = {}
        for k, (v, h) in cells[id(other)].items():
            if h:
                hidden_by_value.setdefault(v, []).append(k)
        for k, (v, h) in cells[id(one)].items():
            for hk in [] if h else hidden_by_value.get(v, []):
                s_ref = (one.version, "table", one.name, k)
                h_ref = (other.version, "table", other.name, hk)
                found.setdefault((s_ref, h_ref), CellPair(s_ref, v, h_ref, v, "the same number",
                                                          tables))
    return list(found.values())


def cell_lookalikes(site: Site,
                    versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[CellPair]:
    """Every shown cell a reader could take for a hidden cell of another table: both count
    tables of children (or of records) of one time, in any periods or reports, sharing a
    dimension or a category, and not both naming a `population` (one name: the audit links
    them; two: they are declared different children)."""
    by_time: dict[tuple[object, str], list[_Table]] = {}
    for table in _tables(site, versions):
        by_time.setdefault((table.when, table.result.published.counts), []).append(table)
    out: list[CellPair] = []
    for tables in by_time.values():
        for a, b in combinations(tables, 2):
            if a.result.published.population and b.result.published.population:
                continue
            if not (a.result.hidden or b.result.hidden):
                continue
            total = _grand_total(a.result)
            if total == total and total > 0 and total == _grand_total(b.result):
                continue  # lookalikes.unnamed_populations asks both to name their population
            out += _pairs_of(a, b)
    return out


def _grand_total(result: TableResult) -> float:
    """A table's grand total: its Total cell, or the sum of its cells (NaN with an `x`)."""
    grand = tuple(TOTAL for _ in result.published.dims)
    if grand in result.values:
        return result.values[grand]
    return float(sum(v for k, v in result.values.items() if TOTAL not in k))
