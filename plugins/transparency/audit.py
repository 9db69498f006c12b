"""Disclosure audit: could a reader work out any hidden count from what the site publishes?

`knowledge.py` turns what is published into quantities and relations (one period, or the
whole site). This module turns them into integer linear constraints over the unknowns (hidden
counts, and counts the site never prints but implies) and finds each unknown's feasible range
with HiGHS (highspy, with no optimality gap), one independent component at a time.

A finding is a hidden count whose range holds fewer than MIN_FEASIBLE_RANGE whole numbers, or
an implied count (the reviews not on time; the children behind a rate) pinned that narrowly
where it could be a small count.

The site says [c] stands for a small count, so a reader may also assume that any one hidden
cell, or any two hidden cells of one line or relation, is 1 to the threshold (0 to the
sensitive threshold where zeros are hidden too). Each such reading the published figures allow
is solved too, and must leave every count it touches as wide: two [c] cells beside a total that
leaves 10 are "1 to 9 each" to the mathematics but "5 and 5" to a reader. A reading the
figures rule out teaches nothing and is skipped. Totals are never read as small.

The audit reads only the published site: it sees what an attacker sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

import highspy
import numpy as np

from .knowledge import period_model, reader_model
from .knowledge_model import BIG, BOUNDED, HIDDEN, IMPLIED, UNUSABLE, VISIBLE, Model, Quantity
from .published import PublishedPeriod, PublishedRelation, PublishedSite, Ref
from .solver import new_highs
from .terms import TOTAL

# A reading of one hidden cell is checked on the unknowns of relations with at most
# MAX_NEIGHBOUR_UNKNOWNS unknowns around it; a reading of two, for every pair of a relation's
# hidden cells that could be small, when there are at most MAX_PAIR_MEMBERS of them, on that
# relation's unknowns and the pair's neighbours. (A limit on the relation's length let a pair
# through in a line of 10 hidden cells, 8 of them large complements: a red-team finding.)
# The independent attacker in the tests reads every pair of every line and relation.
MAX_NEIGHBOUR_UNKNOWNS = 4
MAX_PAIR_MEMBERS = 16

__all__ = ["BIG", "AuditError", "Finding", "audit_model", "audit_period", "audit_site"]


FindingKind = Literal["table", "figure", "implied", "contradiction", "undeclared"]


@dataclass(frozen=True)
class Finding:
    """A hidden or implied count a reader can narrow to `low`..`high` whole values.

    period: the version it is in ('iro/2021-22', or 'iro/2021-22/revisions/<date>');
    table: the table, figure or implied count's name; cell: the table cell's key (() for a
    figure); assumption: the small-count reading under which it narrows ('' for none);
    through: what ties it to the published numbers (relations' descriptions)."""

    period: str
    table: str
    cell: tuple[str, ...]
    low: float
    high: float
    kind: FindingKind = "table"
    assumption: str = ""
    through: tuple[str, ...] = ()
    # Published numbers that, hidden, would widen it (most useful first): the cure's choices.
    complements: tuple[Ref, ...] = field(default=(), compare=False)
    # A contradiction: the relations it is about (their descriptions), to tell two reports
    # of one contradiction apart from two contradictions.
    relations: tuple[str, ...] = field(default=(), compare=False)

    def describe(self) -> str:
        if self.kind == "undeclared":
            return f"{self.period}: {self.through[0]}"
        if self.kind == "contradiction":
            return (f"{self.period}: the published figures contradict each other or a declared "
                    f"relation: {'; '.join(self.through)}")
        what = {"table": f"suppressed cell [{', '.join(self.cell)}] of '{self.table}'",
                "figure": f"suppressed figure '{self.table}'",
                "implied": f"the count '{self.table}'"
                + (f" [{', '.join(self.cell)}]" if self.cell else "")
                + " (never printed, but implied by what is)"}[self.kind]
        if self.low == self.high:
            text = (f"{self.period}: {what} can be worked out from what is published: it is "
                    f"{self.low:g}")
        else:
            high = "no upper limit" if self.high >= BIG else f"{self.high:g}"
            values = "" if self.high >= BIG else f" ({self.high - self.low + 1:g} possible values)"
            text = (f"{self.period}: {what} can be narrowed to between {self.low:g} and {high}"
                    f"{values} from what is published")
        if self.assumption:
            text += (f", by a reader who takes {self.assumption} to be small (as a [c] "
                     "usually is)")
        if self.through:
            text += "; through: " + "; ".join(self.through[:4])
        return text


class AuditError(Exception):
    """The published figures and the declared relations contradict each other."""


@dataclass
class _System:
    refs: list[Ref] = field(default_factory=list)
    index: dict[Ref, int] = field(default_factory=dict)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, bool]] = field(default_factory=list)  # (a, b, eq)
    why: list[str] = field(default_factory=list)
    visible: list[list[Ref]] = field(default_factory=list)  # published numbers in each row
    # relation -> (its version, how far the published numbers are outside it)
    contradictions: dict[str, tuple[str, float]] = field(default_factory=dict)


def _expression(model: Model, system: _System, terms: tuple[tuple[float, Ref], ...],
                seen: list[Ref]) -> tuple[dict[int, float], float] | None:
    coeffs: dict[int, float] = {}
    const = 0.0
    for coef, ref in terms:
        q = model.quantities.get(ref)
        if q is None or q.role == UNUSABLE:
            return None  # [x], [z] or a number not published: the relation says nothing
        if q.role == VISIBLE:
            const += coef * (q.value or 0.0)
            seen.append(ref)
        else:
            i = system.index[ref]
            coeffs[i] = coeffs.get(i, 0.0) + coef
    return coeffs, const


def _add_row(system: _System, coeffs: dict[int, float], rhs: float, eq: bool, why: str,
             seen: list[Ref], home: str = "") -> None:
    coeffs = {i: c for i, c in coeffs.items() if abs(c) > 1e-12}
    if coeffs:
        system.rows.append((coeffs, rhs, eq))
        system.why.append(why)
        system.visible.append(seen)
    elif (abs(rhs) > 1e-6 if eq else rhs < -1e-6) and seen:
        # Published numbers alone break the relation: the data contradicts its declaration.
        system.contradictions.setdefault(why, (home or seen[0][0], abs(rhs)))


def _add_relation(model: Model, system: _System, rel: PublishedRelation, tight: bool) -> None:
    seen: list[Ref] = []
    if rel.kind in ("linear", "bound"):
        expr = _expression(model, system, rel.terms, seen)
        if expr is None:
            return
        coeffs, const = expr
        const += rel.constant
        tolerance = rel.tolerance
        if tight and rel.kind == "linear" and rel.own_difference is not None:
            # A reader who knows the definition takes the figures to balance; a published
            # tolerance wider than the figures' own difference protects nothing.
            tolerance = min(tolerance, abs(rel.own_difference))
        if rel.kind == "linear" and tolerance == 0:
            _add_row(system, coeffs, -const, True, rel.why, seen, rel.home)
            return
        low, high = (-tolerance, tolerance) if rel.kind == "linear" else (rel.low, rel.high)
        _add_row(system, coeffs, high - const, False, rel.why, seen, rel.home)
        _add_row(system, {i: -c for i, c in coeffs.items()}, const - low, False, rel.why, seen,
                 rel.home)
        return
    assert rel.value is not None
    value = model.quantities.get(rel.value)
    if value is None or value.role != VISIBLE or value.value is None:
        return  # a hidden ratio says nothing
    seen.append(rel.value)
    num = _expression(model, system, rel.numerator, seen)
    den = _expression(model, system, rel.denominator, seen)
    if num is None or den is None:
        return
    half = 0.5 * 10 ** (-value.decimals)
    for bound, sign in ((value.value + half, 1.0), (value.value - half, -1.0)):
        # sign * (scale * num - bound * den) <= 0
        row: dict[int, float] = {}
        for i, c in num[0].items():
            row[i] = row.get(i, 0.0) + sign * rel.scale * c
        for i, c in den[0].items():
            row[i] = row.get(i, 0.0) - sign * bound * c
        const = sign * (rel.scale * num[1] - bound * den[1])
        _add_row(system, row, -const, False, rel.why, seen, rel.home)


def _is_loose(rel: PublishedRelation) -> bool:
    """A stock and flow whose published tolerance is wider than its figures' own difference."""
    return (rel.kind == "linear" and rel.own_difference is not None
            and abs(rel.own_difference) < rel.tolerance)


def _system(model: Model, tight: bool = False) -> _System:
    """The model's relations as rows over its unknowns; `tight`: stock-and-flow relations
    bounded by their figures' own difference instead of their published tolerance."""
    system = _System()
    for ref, q in model.quantities.items():
        if q.role in (HIDDEN, IMPLIED, BOUNDED):
            system.index[ref] = len(system.refs)
            system.refs.append(ref)
            system.lower.append(q.low)
            system.upper.append(q.high)
    for rel in (*model.lines, *model.relations):
        _add_relation(model, system, rel, tight)
    return system


def _components(system: _System) -> list[tuple[list[int], list[int]]]:
    """Independent groups of unknowns with the rows over them; each is solved on its own,
    which keeps every programme small."""
    parent = list(range(len(system.refs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for coeffs, _, _ in system.rows:
        first, *rest = coeffs
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(len(system.refs)):
        groups.setdefault(find(i), ([], []))[0].append(i)
    for r, (coeffs, _, _) in enumerate(system.rows):
        groups[find(next(iter(coeffs)))][1].append(r)
    return list(groups.values())


class _Component:
    """One component's integer programme in HiGHS, built once and solved for each unknown's
    least and greatest value under optional extra upper bounds (a reading of [c])."""

    def __init__(self, system: _System, unknowns: list[int], rows: list[int]) -> None:
        self.system = system
        self.unknowns = unknowns
        self.rows = rows
        self.column = {i: k for k, i in enumerate(unknowns)}
        # Unknowns sharing a short row (few unknowns) with each: where a reading of one can
        # narrow another. In a longer row the other hidden cells take up the slack.
        self.neighbours: dict[int, set[int]] = {i: {i} for i in unknowns}
        for r in rows:
            members = set(system.rows[r][0])
            if len(members) <= MAX_NEIGHBOUR_UNKNOWNS:
                for i in members:
                    self.neighbours[i] |= members
        h = new_highs()
        n = len(unknowns)
        h.addVars(n, np.array([system.lower[i] for i in unknowns], dtype=float),
                  np.array([system.upper[i] for i in unknowns], dtype=float))
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                np.array([highspy.HighsVarType.kInteger] * n))
        for r in rows:
            coeffs, rhs, eq = system.rows[r]
            cols = np.array([self.column[i] for i in coeffs], dtype=np.int32)
            vals = np.array(list(coeffs.values()), dtype=float)
            h.addRow(rhs if eq else -highspy.kHighsInf, rhs, len(cols), cols, vals)
        self.h = h
        self.costed: int | None = None
        self.bounded: dict[int, float] = {}
        # Whole-number solutions found so far (one row each, by column), and each unknown's
        # least and greatest value with no reading: a reading that a pooled solution already
        # satisfies, reaching that value, needs no new solve (it can only narrow a range).
        self.pool = np.empty((0, len(unknowns)))
        self.free: dict[tuple[int, float], float] = {}

    def _bounds(self, upper: dict[int, float]) -> bool:
        """Apply `upper` (and undo the previous call's); False when a bound is impossible."""
        for i in set(self.bounded) | set(upper):
            k = self.column[i]
            high = min(self.system.upper[i], upper.get(i, BIG))
            if self.system.lower[i] > high:
                return False
            self.h.changeColBounds(k, self.system.lower[i], high)
        self.bounded = dict(upper)
        return True

    def _pooled(self, upper: dict[int, float]) -> np.ndarray:
        """The pooled solutions that satisfy `upper`."""
        if not upper or not len(self.pool):
            return self.pool
        keep = np.ones(len(self.pool), dtype=bool)
        for j, high in upper.items():
            keep &= self.pool[:, self.column[j]] <= high + 1e-9
        return self.pool[keep]

    def feasible(self, upper: dict[int, float]) -> bool:
        """Whether some whole-number solution satisfies `upper`."""
        if len(self._pooled(upper)):
            return True
        return self.extreme(next(iter(upper)), 1.0, upper) is not None

    def extreme(self, i: int, sense: float, upper: dict[int, float]) -> float | None:
        """The least (sense 1) or greatest (sense -1) whole value of unknown i; None when the
        programme is infeasible under `upper`."""
        free = self.free.get((i, sense))
        if upper and free is not None:
            pooled = self._pooled(upper)
            if len(pooled) and np.any(np.abs(pooled[:, self.column[i]] - free) < 1e-9):
                return free  # reached with the reading holding: the reading changes nothing
        if not self._bounds(upper):
            return None
        if self.costed is not None:
            self.h.changeColCost(self.costed, 0.0)
        self.costed = self.column[i]
        self.h.changeColCost(self.costed, sense)
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise AuditError("the disclosure audit could not solve its constraints "
                             f"({self.h.modelStatusToString(status)})")
        solution = np.round(np.asarray(self.h.getSolution().col_value, dtype=float))
        self.pool = np.vstack([self.pool, solution])
        value = float(solution[self.costed])
        if not upper:
            self.free[(i, sense)] = value
        return value

    def range(self, i: int, upper: dict[int, float]) -> tuple[float, float] | None:
        low = self.extreme(i, 1.0, upper)
        if low is None:
            return None
        high = self.extreme(i, -1.0, upper)
        return None if high is None else (low, high)


def _is_finding(model: Model, q: Quantity, low: float, high: float, min_range: int) -> bool:
    if high - low + 1 >= min_range:
        return False
    if q.role == IMPLIED:  # pinned, and possibly a small count
        return low <= model.small_bound(q) and high >= model.lower(q.sensitive)
    return True


def _finding(model: Model, system: _System, comp: _Component, i: int, found: tuple[float, float],
             assumption: str) -> Finding:
    version, kind, name, key = system.refs[i]
    q = model.quantities[system.refs[i]]
    rows = [r for r in comp.rows if i in system.rows[r][0]]
    through = tuple(dict.fromkeys(system.why[r] for r in rows))
    # The published numbers in its relations, and (second) in the relations of the other
    # unknowns those hold: hiding a percentage beside a count can widen the count it implies.
    near = {j for r in rows for j in system.rows[r][0]}
    hop = [r for r in comp.rows if r not in rows and near & set(system.rows[r][0])]
    candidates: dict[Ref, tuple[int, int, int, int, int, float]] = {}
    for distance, group in ((0, rows), (1, hop)):
        for r in group:
            for ref in system.visible[r]:
                candidates.setdefault(ref, _complement_rank(model, ref, distance))
            for j in system.rows[r][0]:  # a visible percentage, known as its count
                bounded = model.quantities[system.refs[j]]
                if bounded.role == BOUNDED:
                    cell = (bounded.ref[0], "table", bounded.ref[2], bounded.ref[3])
                    candidates.setdefault(cell, (int(TOTAL in cell[3]), 0, 1, distance, 0,
                                                 bounded.low))
    ranked = sorted(candidates, key=lambda ref: candidates[ref])
    # A hidden percentage is a hidden cell of its table, known to the audit as its count.
    # (A Ref's kind is 'table', 'figure' or 'implied'.)
    kind_out: FindingKind = ("implied" if q.role == IMPLIED
                             else "figure" if kind == "figure" else "table")
    return Finding(version, name, key, found[0], found[1], kind_out, assumption, through,
                   tuple(ranked))


def _complement_rank(model: Model, ref: Ref, distance: int) -> tuple[int, int, int, int, int, float]:
    """Which published number to hide first: not a total, not a headline, a percentage or
    rate before a count, one in the finding's own relations before one a step away, a table
    cell before a figure, then the smallest (the least information lost)."""
    q = model.quantities[ref]
    return (int(q.total), int(q.headline), int(q.unit == "count"), distance,
            int(ref[1] != "table"), abs(q.value or 0.0))


def audit_model(model: Model, min_range: int, reading: bool = True) -> list[Finding]:
    """Every finding in a reader's model (see the module docstring). Where a stock and flow
    publishes a tolerance wider than its figures' own difference, two readers are audited:
    one who takes the tolerance at its word (the readings of [c] it allows), and one who
    knows the figures balance as the definition says."""
    found = _audit_system(model, _system(model), min_range, reading)
    if any(_is_loose(rel) for rel in model.relations):
        # One report per hidden number, and per contradicted relation.
        cells = {(f.period, f.table, f.cell) for f in found if f.kind != "contradiction"}
        relations = {r for f in found if f.kind == "contradiction" for r in f.relations}
        found += [f for f in _audit_system(model, _system(model, tight=True), min_range, reading)
                  if ((f.period, f.table, f.cell) not in cells if f.kind != "contradiction"
                      else not set(f.relations) & relations)]
    return found


def _audit_system(model: Model, system: _System, min_range: int,
                  reading: bool) -> list[Finding]:
    findings: dict[Ref, Finding] = {}
    for unknowns, rows in _components(system):
        reported = [i for i in unknowns
                    if model.quantities[system.refs[i]].role in (HIDDEN, IMPLIED)]
        if not reported or not rows:
            continue  # nothing published constrains them: anything from their lower bound up
        comp = _Component(system, unknowns, rows)
        base: dict[int, tuple[float, float]] = {}
        for i in reported:
            found = comp.range(i, {})
            if found is None:  # no value of the hidden numbers satisfies every relation
                whys = tuple(dict.fromkeys(system.why[r] for r in rows))
                findings[system.refs[i]] = Finding(system.refs[i][0], "", (), 0, 0,
                                                   "contradiction", through=whys, relations=whys)
                base = {}
                break
            base[i] = found
            if _is_finding(model, model.quantities[system.refs[i]], *found, min_range):
                findings.setdefault(system.refs[i], _finding(model, system, comp, i, found, ""))
        if reading and base:
            _readings(model, system, comp, base, min_range, findings)
    contradictions = [Finding(version, "", (), 0, 0, "contradiction",
                              through=(f"{why} (the published numbers are {off:g} outside it)",),
                              relations=(why,))
                      for why, (version, off) in system.contradictions.items()]
    return contradictions + list(findings.values())


def _readings(model: Model, system: _System, comp: _Component,
              base: dict[int, tuple[float, float]], min_range: int,
              findings: dict[Ref, Finding]) -> None:
    """The small-count readings of one hidden cell, of two in one relation, and of every
    hidden cell of a relation at once."""
    small: dict[int, float] = {}
    for i, (low, high) in base.items():
        q = model.quantities[system.refs[i]]
        bound = model.small_bound(q)
        if q.role == HIDDEN and not q.total and low <= bound < high:
            small[i] = bound  # the reading narrows it: worth solving

    def check(assumed: tuple[int, ...], targets: set[int]) -> None:
        upper = {i: small[i] for i in assumed}
        if not comp.feasible(upper):
            return  # the figures rule this reading out: it teaches nothing
        label = " and ".join(model.quantities[system.refs[i]].label for i in assumed)
        for j in sorted(targets):
            ref = system.refs[j]
            if j not in base or ref in findings:
                continue
            low, high = base[j]
            if high - low + 1 < min_range:
                continue
            found = comp.range(j, upper)
            if found is not None and _is_finding(model, model.quantities[ref], *found, min_range):
                findings[ref] = _finding(model, system, comp, j, found, label)

    for i in small:
        check((i,), comp.neighbours[i] & set(base))
    for r in comp.rows:
        members = [i for i in system.rows[r][0] if i in small]
        if len(members) > 2:
            # Every hidden cell of the relation read as small at once: three [c] beside a
            # total that leaves 15 are 5, 5 and 5 to a reader.
            check(tuple(sorted(members)), set(system.rows[r][0]) & set(base))
        if len(members) > MAX_PAIR_MEMBERS:
            continue
        for i, j in combinations(sorted(members), 2):
            check((i, j), (comp.neighbours[i] | comp.neighbours[j] | set(system.rows[r][0]))
                  & set(base))


def audit_period(period: PublishedPeriod, min_range: int,
                 small: tuple[int, int] | None = None) -> list[Finding]:
    """Findings for one period on its own. `small` is (threshold, sensitive threshold): with
    it, the small-count readings of [c] are solved too."""
    threshold, sensitive = small if small is not None else (0, 0)
    return audit_model(period_model(period, threshold, sensitive), min_range,
                       reading=small is not None)


def audit_site(site: PublishedSite, min_range: int) -> list[Finding]:
    """Findings for everything the site publishes together: every period, their earlier
    versions and the relations between them, with the small-count readings; and what the
    model cannot say (categories two tables of one population word differently), which stops
    the build until the data declares it."""
    model = reader_model(site)
    unmodelled = [Finding(version, table, (), 0, 0, "undeclared", through=(what,))
                  for version, table, what in dict.fromkeys(model.unmodelled)]
    return unmodelled + audit_model(model, min_range)
