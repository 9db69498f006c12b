"""Disclosure audit: could a reader work out any suppressed cell from what is published?

Everything a period publishes is turned into linear constraints over unknowns (the
suppressed cells): table lines and their totals, tables of the same population sharing
margins, headline metrics as sums of cells, and percentages at their printed precision.
Integer linear programming (scipy HiGHS) then finds each unknown's feasible range. A range
narrower than MIN_FEASIBLE_RANGE whole numbers is a disclosure.

The site says [c] stands for a small count, so a reader may also assume every hidden cell of a
table of children (other than a total) is one (1 to the threshold; 0 to the sensitive
threshold where zeros are hidden too). Where the published figures allow that reading, the
ranges are solved again under it, and must still be wide enough: two hidden cells beside a
total that leaves 10 would otherwise both read as 5. Where the figures rule that reading out,
the reader knows some hidden cell is larger, and the first ranges stand.

The audit reads only the published site: it sees what an attacker sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.optimize import linprog

from .model import TOTAL
from .published import PublishedMetric, PublishedPeriod, PublishedSite, PublishedTable, Term
from .suppress import lines_of

BIG = 10**7  # an upper bound no count of children reaches; keeps the programme bounded


@dataclass(frozen=True)
class Finding:
    period: str
    table: str
    cell: tuple[str, ...]
    low: float
    high: float

    def describe(self) -> str:
        cell = ", ".join(self.cell) if self.cell else "(figure)"
        high = "no upper limit" if self.high >= BIG else f"{self.high:g}"
        return (f"{self.period}: suppressed cell [{cell}] of '{self.table}' can be narrowed to "
                f"{self.low:g} to {high} from what is published")


class _System:
    """Linear equalities and inequalities over constants and unknowns."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str, tuple[str, ...]], int] = {}
        self.lower: list[float] = []
        self.eq: list[tuple[dict[int, float], float]] = []
        self.le: list[tuple[dict[int, float], float]] = []

    def var(self, term: tuple[str, str, tuple[str, ...]], lower: float) -> int:
        if term not in self.index:
            self.index[term] = len(self.lower)
            self.lower.append(lower)
        return self.index[term]

    def add(self, coeffs: dict[int, float], const: float, kind: str) -> None:
        """sum(coeffs[i] * x_i) + const (== or <=) 0."""
        coeffs = {i: c for i, c in coeffs.items() if c}
        if not coeffs:
            return
        (self.eq if kind == "eq" else self.le).append((coeffs, -const))


def _linear(terms: list[tuple[str, str, tuple[str, ...]]], period: PublishedPeriod, system: _System,
            bounds: dict[str, float]) -> tuple[dict[int, float], float] | None:
    """A sum of terms as (coefficients on unknowns, constant); None if a term is unusable."""
    coeffs: dict[int, float] = {}
    const = 0.0
    for kind, name, key in terms:
        if kind == "figure":
            value = period.values[name].value
        else:
            table = period.tables[name]
            value = table.cells.get(key)  # type: ignore[assignment]
            if value is None:
                return None
        if value.number is not None:
            const += value.number
        elif value.symbol == "c":
            i = system.var((kind, name, key), bounds.get(f"{kind}:{name}", 1))
            coeffs[i] = coeffs.get(i, 0) + 1
        else:
            return None  # x or z: no information either way
    return coeffs, const


def _add_equal(left_terms: list[Term], right_terms: list[Term], period: PublishedPeriod,
               system: _System, bounds: dict[str, float]) -> None:
    """The published fact that two sums of cells are equal (a line and its total)."""
    left = _linear(left_terms, period, system, bounds)
    right = _linear(right_terms, period, system, bounds)
    if left is None or right is None:
        return
    coeffs = dict(left[0])
    for i, c in right[0].items():
        coeffs[i] = coeffs.get(i, 0) - c
    system.add(coeffs, left[1] - right[1], "eq")


def _table_constraints(table: PublishedTable, period: PublishedPeriod, system: _System,
                       bounds: dict[str, float]) -> None:
    if table.known_total is not None:
        members = _linear([("table", table.name, k) for k in table.cells], period, system, bounds)
        if members is not None:
            system.add(members[0], members[1] - table.known_total, "eq")
    for line in lines_of(table.cells, len(table.dims)):
        if line.total is None:
            continue
        _add_equal([("table", table.name, k) for k in line.members],
                   [("table", table.name, line.total)], period, system, bounds)


def _percent_constraints(table: PublishedTable, system: _System, lower: float) -> None:
    """A percentage table of a known number of children, as counts: along each line with a
    printed 100% total, the hidden cells' counts add up to the base less the visible cells'
    counts, each known only to its printed precision."""
    bases = table.bases or {}
    for line in lines_of(table.cells, len(table.dims)):
        total = table.cells.get(line.total) if line.total is not None else None
        if total is None or total.number is None or abs(total.number - 100) > 1:
            continue
        line_bases = {bases.get(k) for k in line.members}
        if len(line_bases) != 1 or None in line_bases:
            continue  # percentages of different numbers do not add up to one base
        base = line_bases.pop()
        coeffs: dict[int, float] = {}
        low = high = base
        for key in line.members:
            value = table.cells[key]
            if value.symbol == "c":
                coeffs[system.var(("pcount", table.name, key), lower)] = 1
            elif value.number is not None:
                half = 0.5 * 10 ** (-value.decimals)
                low -= (value.number + half) * base / 100
                high -= (value.number - half) * base / 100
            else:
                coeffs = {}
                break  # [x] or [z]: the line says nothing
        if coeffs:
            system.add(dict(coeffs), -high, "le")  # sum <= high
            system.add({i: -c for i, c in coeffs.items()}, low, "le")  # sum >= low


def _population_constraints(period: PublishedPeriod, system: _System, bounds: dict[str, float]) -> None:
    groups: dict[str, list[PublishedTable]] = {}
    for table in period.tables.values():
        if table.population and table.unit == "count":
            groups.setdefault(table.population, []).append(table)
    for tables in groups.values():
        for a, b in combinations(tables, 2):
            if len(a.dims) > len(b.dims):
                a, b = b, a
            shared = [d for d in a.dims if d in b.dims]
            # Grand totals agree; and where a's dimensions are all in b, a's cells are b's margins.
            grand_a = [("table", a.name, k) for k in a.cells if all(x != TOTAL for x in k)]
            grand_b = [("table", b.name, k) for k in b.cells if all(x != TOTAL for x in k)]
            pairs = [(grand_a, grand_b)]
            if shared == a.dims:
                for key in a.cells:
                    if TOTAL in key:
                        continue
                    match = [("table", b.name, k) for k in b.cells if all(x != TOTAL for x in k)
                             and all(k[b.dims.index(d)] == key[a.dims.index(d)] for d in a.dims)]
                    if match:
                        pairs.append(([("table", a.name, key)], match))
            for left_terms, right_terms in pairs:
                _add_equal(left_terms, right_terms, period, system, bounds)


def _metric_constraints(metric: PublishedMetric, period: PublishedPeriod, system: _System,
                        bounds: dict[str, float]) -> None:
    formula = metric.formula
    value = metric.value
    if formula is None or value.number is None:
        return
    if formula.kind == "sum":
        expr = _linear(list(formula.terms), period, system, bounds)
        if expr is not None:
            system.add(expr[0], expr[1] - value.number, "eq")
        return
    num = _linear(list(formula.numerator), period, system, bounds)
    den = _linear(list(formula.denominator), period, system, bounds)
    if num is None or den is None:
        return
    scale = 100 if formula.kind == "percent" else 1
    half = 0.5 * 10 ** (-value.decimals)
    for bound, sign in ((value.number + half, 1), (value.number - half, -1)):
        # sign * (scale*num - bound*den) <= 0
        coeffs: dict[int, float] = {}
        for i, c in num[0].items():
            coeffs[i] = coeffs.get(i, 0) + sign * scale * c
        for i, c in den[0].items():
            coeffs[i] = coeffs.get(i, 0) - sign * bound * c
        system.add(coeffs, sign * (scale * num[1] - bound * den[1]), "le")


def _components(system: _System) -> list[tuple[list[int], list[int], list[int]]]:
    """Independent groups of unknowns: (unknowns, equality rows, inequality rows). Each is
    solved on its own, which keeps every programme small."""
    parent = list(range(len(system.lower)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for coeffs, _ in (*system.eq, *system.le):
        first, *rest = coeffs
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[int, tuple[list[int], list[int], list[int]]] = {}
    for i in range(len(system.lower)):
        groups.setdefault(find(i), ([], [], []))[0].append(i)
    for r, (coeffs, _) in enumerate(system.eq):
        groups[find(next(iter(coeffs)))][1].append(r)
    for r, (coeffs, _) in enumerate(system.le):
        groups[find(next(iter(coeffs)))][2].append(r)
    return list(groups.values())


def _matrix(rows: list[tuple[dict[int, float], float]], chosen: list[int],
            column: dict[int, int]) -> tuple[np.ndarray | None, np.ndarray | None]:
    if not chosen:
        return None, None
    a = np.zeros((len(chosen), len(column)))
    b = np.zeros(len(chosen))
    for r, row in enumerate(chosen):
        coeffs, rhs = rows[row]
        for i, c in coeffs.items():
            a[r, column[i]] = c
        b[r] = rhs
    return a, b


def _solve_ranges(system: _System, upper: dict[int, float] | None = None,
                  ) -> list[tuple[float, float] | None]:
    """The smallest and largest whole value each unknown can take. With `upper` (bounds for
    some unknowns: the small-count reading), a component the published figures rule out under
    those bounds gives None for its unknowns."""
    ranges: list[tuple[float, float] | None] = [(low, BIG) for low in system.lower]
    for unknowns, eq_rows, le_rows in _components(system):
        if not eq_rows and not le_rows:
            if upper is not None:  # nothing published constrains it: the reading adds nothing
                for i in unknowns:
                    ranges[i] = None
            continue  # anything from its lower bound up
        column = {i: k for k, i in enumerate(unknowns)}
        a_eq, b_eq = _matrix(system.eq, eq_rows, column)
        a_ub, b_ub = _matrix(system.le, le_rows, column)
        bounds = [(system.lower[i], (upper or {}).get(i, BIG)) for i in unknowns]
        integrality = np.ones(len(unknowns))
        for i in unknowns:
            found = []
            for sense in (1, -1):
                c = np.zeros(len(unknowns))
                c[column[i]] = sense
                res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds,
                              integrality=integrality, method="highs")
                if res.status == 2 and upper is not None:
                    break  # the small-count reading is impossible here
                if res.status != 0:
                    raise AuditError(f"the disclosure audit could not solve its constraints "
                                     f"({res.message}); the published figures may be inconsistent")
                found.append(res.x[column[i]])
            if len(found) < 2:
                for j in unknowns:
                    ranges[j] = None
                break
            ranges[i] = (round(found[0]), round(found[1]))
    return ranges


class AuditError(Exception):
    pass


def audit_period(period: PublishedPeriod, min_range: int,
                 small: tuple[int, int] | None = None) -> list[Finding]:
    """Findings for one period. `small` is (threshold, sensitive threshold): with it, the
    ranges are also checked under the reading that every hidden cell is a small count."""
    system = _System()
    bounds: dict[str, float] = {}
    for name, table in period.tables.items():
        bounds[f"table:{name}"] = 0 if table.sensitive else 1
    for name in period.values:
        bounds[f"figure:{name}"] = 1
    for table in period.tables.values():
        if table.counts != "none" and table.unit == "percent" and table.bases:
            _percent_constraints(table, system, 0 if table.sensitive else 1)
        if table.counts != "none" and table.unit == "count":
            for key, value in table.cells.items():
                if value.symbol == "c":
                    system.var(("table", table.name, key), bounds[f"table:{table.name}"])
            _table_constraints(table, period, system, bounds)
    _population_constraints(period, system, bounds)
    for metric in period.values.values():
        _metric_constraints(metric, period, system, bounds)
    findings = []
    terms = {i: term for term, i in system.index.items()}
    readings = [_solve_ranges(system)]
    if small is not None:
        base = readings[0]
        upper: dict[int, float] = {}
        for (kind, name, key), i in system.index.items():
            if kind in ("table", "pcount"):
                if TOTAL in key:
                    continue  # a reader expects a hidden total to be large
                bound = small[1] if period.tables[name].sensitive else small[0]
            else:  # a hidden count figure: [c] reads as a small count there too
                metric = period.values[name]
                if metric.value.unit != "count":
                    continue
                bound = small[1] if metric.sensitive else small[0]
            # A cell the figures already show to be larger is read as larger: the reading
            # applies to the rest, so one large cell does not excuse its neighbours.
            found = base[i]
            if found is not None and found[0] <= bound:
                upper[i] = float(bound)
        readings.append(_solve_ranges(system, upper))
    seen: set[int] = set()
    for ranges in readings:
        for i, found in enumerate(ranges):
            if found is None or i in seen:
                continue
            low, high = found
            if high - low + 1 < min_range:
                seen.add(i)
                _, name, key = terms[i]
                findings.append(Finding(period.key, name, key, low, high))
    return findings


def audit_site(site: PublishedSite, min_range: int) -> list[Finding]:
    findings: list[Finding] = []
    for key in sorted(site.periods):
        findings.extend(audit_period(site.periods[key], min_range,
                                     (site.threshold, site.sensitive_threshold)))
    return findings
