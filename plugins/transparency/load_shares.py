"""Shares that are table cells: a percentage of a count figure (`of:`), or a rate tied to its
population, whose count is exactly a count cell of a table of the same time. The audit knows
the count behind the share, but not that it is that cell: beside the table it gives the cell
away (7.6% of 1,061 children in care is 81 placement orders; with the other legal statuses
and the Total, the hidden Remand is 3; a red team's finding). So the build stops until the
data says which it is. Independent of Pelican; load_relations.check_relations calls it.
"""

from __future__ import annotations

import datetime as dt
import math

from .load_fields import FORMAT_DOC
from .metrics import select
from .model import PEOPLE, Figure, Period, Relation, Selector, Where
from .problems import Problems

Atom = tuple[str, ...]  # ('figure', name) or ('table', name, *key)


def _half_of_last_digit(value: float) -> float:
    for decimals in range(4):
        if math.isclose(value, round(value, decimals), abs_tol=1e-9):
            return 0.5 * 10.0 ** -decimals
    return 0.5e-4


def is_share(printed: float, count: float, whole: float, per: float) -> bool:
    """Whether `count` of `whole`, per `per`, prints as `printed` (at its precision)."""
    return (whole > 0 and 0 < count < whole
            and abs(count / whole * per - printed) <= _half_of_last_digit(printed) + 1e-9)


def _atoms(period: Period, sel: Selector) -> set[Atom]:
    if sel.figure is not None:
        return {("figure", sel.figure)}
    if sel.table not in period.tables:
        return set()
    try:
        return {("table", sel.table or "", *key) for key in select(period, sel).cells}
    except (KeyError, ValueError, IndexError):  # a bad selector is reported by check_selector
        return set()


def _settled(period: Period) -> list[set[Atom]]:
    """What each `distinct` relation names, cell by cell."""
    return [set().union(*(_atoms(period, t.selector) for t in r.terms))
            for r in period.relations if r.kind == "distinct"]


def _cells_of_share(period: Period, printed: float, whole: float, per: float, counts: str,
                    date: dt.date | None) -> list[tuple[str, str, tuple[str, ...], float]]:
    """Count cells of the period's tables (not comparators) of `counts` at `date` (or, with
    none, flows over the period) that `printed` per `per` of `whole` could be."""
    found = []
    for name, table in period.tables.items():
        if (table.comparator or table.unit != "count" or table.counts != counts
                or table.date != date):
            continue
        for key, value, symbol, _ in table.rows:
            if not symbol and value == value and is_share(printed, value, whole, per):
                found.append((name, ", ".join(key), key, value))
    return found


def integers_of_share(printed: float, whole: float, per: float) -> list[int]:
    """The whole numbers of `whole` that print as `printed` per `per` (17.8% of 1,061: 189
    only; 18%: 186 to 196)."""
    slack = _half_of_last_digit(printed) + 1e-9
    low = math.ceil((printed - slack) / per * whole - 1e-9)
    high = math.floor((printed + slack) / per * whole + 1e-9)
    return [n for n in range(max(low, 1), min(high, int(whole) - 1) + 1)]


def _where(period: Period, table: str, key: tuple[str, ...]) -> str:
    dims = period.tables[table].dims
    return "{" + ", ".join(f"{d}: {k}" for d, k in zip(dims, key, strict=True)) + "}"


def _report(period: Period, problems: Problems, where: Where, field: str, what: str,
            own: str, resolve: str, found: list[tuple[str, str, tuple[str, ...], float]],
            settled: list[set[Atom]], mine: set[Atom]) -> None:
    for table, label, key, value in found:
        cell: Atom = ("table", table, *key)
        if any(mine & names and cell in names for names in settled):
            continue
        selection = f"{{table: {table}, where: {_where(period, table, key)}}}"
        problems.add(where.file, f"{what} is {value:g} children or records, exactly the cell "
                     f"[{label}] of '{table}': beside that table, the share gives the cell "
                     "away, and a hidden cell of its line with it",
                     f"if it is that count, {resolve}; if it is another count that happens to "
                     f"match, say so under 'relations:': '- distinct: [{own}, {selection}]' "
                     f"with 'reason: <why>' (see 'Relations' in {FORMAT_DOC})",
                     line=where.line, field=field)


def _percent_figure(period: Period, name: str, fig: Figure, problems: Problems,
                    settled: list[set[Atom]]) -> None:
    whole = period.figures.get(fig.of or "")
    if (fig.part is not None or fig.unit != "percent" or whole is None or fig.value is None
            or whole.value is None or whole.unit != "count" or whole.counts not in PEOPLE
            or fig.covers):
        return
    found = _cells_of_share(period, fig.value, whole.value, 100.0, whole.counts, fig.date)
    what = f"'{name}' ({fig.value:g}% of '{fig.of}', {whole.value:g})"
    _report(period, problems, fig.where, f"figures.{name}", what, name,
            "give the cell as a count figure of its own (its value, tied to the cell by '- "
            "same: <that figure>' with 'as: <the cell>' under 'relations:') and name it here "
            "as 'part:', so the audit protects the cell", found, settled, {("figure", name)})


def _rate(period: Period, index: int, rel: Relation, problems: Problems,
          settled: list[set[Atom]]) -> None:
    if rel.rate is None or rel.population is None or rel.rate.previous or rel.population.previous:
        return
    population = period.figures.get(rel.population.selector.figure or "")
    if population is None or population.value is None or population.covers:
        return
    sel = rel.rate.selector
    try:
        value = select(period, sel).value
    except (KeyError, ValueError, IndexError):  # reported by check_selector
        return
    if value is None or value != value:
        return
    mine = _atoms(period, sel)
    found = _cells_of_share(period, value, population.value, rel.per, rel.counts,
                            population.date)
    _report(period, problems, rel.where, f"relations[{index + 1}]",
            f"the count behind the rate {rel.label} ({value:g} per {rel.per:g} of "
            f"'{population.name}', {population.value:g})", rel.label,
            "the rate gives it away whatever the audit does: leave the rate out (in a "
            "comparator, the source's 'c' for the council's value, with this relation "
            "removed)", found, settled, mine)


def check_shares_of_cells(period: Period, problems: Problems) -> None:
    """A percentage figure's `of:` or a rate relation whose count is a count cell of a table
    of the same time: the build stops until `part:` (with `same:`) or `distinct` says which."""
    settled = _settled(period)
    for name, fig in period.figures.items():
        _percent_figure(period, name, fig, problems, settled)
    for index, rel in enumerate(period.relations):
        if rel.kind == "rate":
            _rate(period, index, rel, problems, settled)
