"""How far a stock-and-flow relation's own raw figures are from balancing.

A `stock_flow` relation may declare a `tolerance`: "the source's own figures differ by up to
N". The published tolerance is what a reader is told; the raw difference is the truth. A
reader who knows the definition (start + in − out = end, the DfE's own) assumes the figures
balance exactly, so a tolerance wider than the figures' own difference protects nothing: the
disclosure audit bounds the relation by the smaller of the two (red-team finding
`stock-flow-tolerance-wider-than-flows`). A difference larger than the tolerance is a
declaration that contradicts the numbers, and stops the build.

Reads the raw model only; the number it returns reaches the published model solely as
`PublishedRelation.own_difference`, which only the audit reads (tests/test_boundaries.py).
"""

from __future__ import annotations

from .metrics import compute, select
from .model import Period, Relation, RelationTerm, Site


def _raw_value(period: Period, term: RelationTerm, site: Site | None) -> float | None:
    """The raw number a relation term names: a figure, a metric or a table selection's sum,
    in the period or (for `previous.NAME`) in the period it follows. None when it is not a
    number ([x], [z], or a period the site does not hold)."""
    if term.previous:
        if site is None:
            return None
        period_name = term.period or period.previous
        found = site.periods.get(f"{period.report}/{period_name}")
        if found is None:
            return None
        period = found
    sel = term.selector
    if sel.figure is not None and sel.figure in period.metrics:
        return compute(period, period.metrics[sel.figure]).value
    if sel.figure is not None and sel.figure not in period.figures:
        return None
    if sel.table is not None and sel.table not in period.tables:
        return None
    return select(period, sel).value


def own_difference(period: Period, relation: Relation, site: Site | None) -> float | None:
    """start + sum(in) − sum(out) − end on the raw figures of a `stock_flow` relation, in the
    relation's unit (children, as a float); None when any term is not a number or the
    relation is not a stock and flow. 300 at the start, 34 in, 4 out and 330 at the end give
    0.0."""
    if relation.kind != "stock_flow" or relation.start is None or relation.end is None:
        return None
    signed = [(1.0, relation.start), *((1.0, t) for t in relation.inflow),
              *((-1.0, t) for t in relation.outflow), (-1.0, relation.end)]
    total = 0.0
    for sign, term in signed:
        value = _raw_value(period, term, site)
        if value is None:
            return None
        total += sign * value
    return total


def unbalanced(site: Site) -> list[tuple[Period, Relation, float]]:
    """Every stock_flow relation (declared or shipped) whose raw figures are further from
    balancing than its tolerance allows: (period, relation, the absolute difference)."""
    out = []
    for period in site.periods.values():
        for relation in period.relations:
            difference = own_difference(period, relation, site)
            if difference is not None and abs(difference) > relation.tolerance + 1e-9:
                out.append((period, relation, abs(difference)))
    return out
