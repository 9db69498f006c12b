"""Tables of one period whose numbers show that one population is made of others: separate
tables for girls and for boys beside one of all children entering care, by age (red team
12: 46 aged 16 and over in all, less 42 boys, is 4 girls, the girls' table hiding them).

Each table names its own `population` (girls and boys are different children), so the
links between tables of one population do not join them. A reader does: where two or three
count tables of the same shape (the same dimensions, categories, unit, counts and time) add
up, cell by cell and Total by Total, to another, each cell's sum is a relation for the
audit; where a table is, cell by cell, the slice of a table with one more dimension at one of
its categories (a girls' table beside an age-by-gender table; a period's table beside a
table of this year and last, by year, in the same or another period), each cell is the same
number as that slice's. Only numbers that do add up (or match) are related, using the true values,
so nothing true is contradicted; the relations hold whether or not the source meant them.
Part of the publishing step (publish_relations.py). Independent of Pelican."""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import combinations

from .model import TOTAL, Period, Site, Table
from .published import PublishedRelation, Ref
from .terms import PEOPLE

MAX_PARTS = 3  # tables tried as the parts of one whole, at most
MAX_TABLES = 24  # tables of one shape tried against each other, at most (fail closed past it:
# the look-alike checks still compare their equal cells)

Cells = dict[tuple[str, ...], float]


def _cells(table: Table) -> Cells:
    """The table's available cells (Totals included), by key."""
    return {key: value for key, value, symbol, _ in table.rows
            if not symbol and not math.isnan(value)}


def _shape(table: Table) -> tuple[object, ...]:
    return (tuple(table.dims), table.unit, table.counts, table.date)


def _counted(period: Period) -> dict[str, Table]:
    return {name: table for name, table in sorted(period.tables.items())
            if table.unit == "count" and table.counts in PEOPLE and not table.comparator}


def _sums(period: Period, tables: dict[str, Table]) -> Iterator[PublishedRelation]:
    groups: dict[tuple[object, ...], list[str]] = {}
    for name, table in tables.items():
        groups.setdefault(_shape(table), []).append(name)
    for names in groups.values():
        names = names[:MAX_TABLES]
        cells = {name: _cells(tables[name]) for name in names}
        for whole in names:
            keys = set(cells[whole])
            others = [n for n in names if n != whole and set(cells[n]) == keys]
            for size in range(2, MAX_PARTS + 1):
                for parts in combinations(others, size):
                    if not all(sum(cells[p][k] for p in parts) == cells[whole][k] for k in keys):
                        continue
                    why = (f"{period.key}: the tables {', '.join(repr(p) for p in parts)} add "
                           f"up to '{whole}', cell by cell")
                    for key in sorted(keys):
                        yield PublishedRelation("linear", why, terms=(
                            (1.0, _ref(period, whole, key)),
                            *((-1.0, _ref(period, p, key)) for p in parts)), home=period.key)


def _slices(period: Period, tables: dict[str, Table],
            narrow: list[tuple[str, str, Table]]) -> Iterator[PublishedRelation]:
    for version, name, table in narrow:
        cells = _cells(table)
        if not cells:
            continue
        for wide_name, wide in tables.items():
            if ((version, wide_name) == (period.key, name) or len(wide.dims) != len(table.dims) + 1
                    or not set(table.dims) <= set(wide.dims)
                    or (wide.unit, wide.counts, wide.date) != (table.unit, table.counts, table.date)):
                continue
            extra = next(d for d in wide.dims if d not in table.dims)
            at = wide.dims.index(extra)
            order = [table.dims.index(d) for d in wide.dims if d != extra]
            wide_cells = _cells(wide)
            categories = {key[at] for key in wide_cells if key[at] != TOTAL}
            for category in sorted(categories):
                widened = {key: _widen(key, order, at, category) for key in cells}
                if not all(wide_cells.get(widened[k]) == v for k, v in cells.items()):
                    continue
                named = name if version == period.key else f"{name}' of {version} '"
                why = (f"{period.key}: the table '{named}' is the "
                       f"{wide.dimensions[extra].lower()} '{category}' of '{wide_name}', cell by "
                       "cell")
                for key in sorted(cells):
                    yield PublishedRelation("linear", why, terms=(
                        (1.0, (version, "table", name, key)),
                        (-1.0, _ref(period, wide_name, widened[key]))), home=period.key)


def _widen(key: tuple[str, ...], order: list[int], at: int, category: str) -> tuple[str, ...]:
    """A narrow table's key as the wide table's: its categories in the wide table's order,
    with `category` of the extra dimension at position `at`."""
    ordered = [key[i] for i in order]
    return (*ordered[:at], category, *ordered[at:])


def _ref(period: Period, table: str, key: tuple[str, ...]) -> Ref:
    return (period.key, "table", table, key)


def population_parts(period: Period, site: Site) -> list[PublishedRelation]:
    """The relations between count tables of children or records that the module docstring
    describes: one per cell (Totals included) of a table of `period` that two or three tables
    of its shape add up to, and one per cell of a table of any period of `site` that is the
    slice of a table of `period` with one more dimension (a table of this year and last, by
    year, beside each year's own table: red team 12). Each relation's description names the
    tables."""
    tables = _counted(period)
    narrow = [(other.key, name, table) for other in site.periods.values()
              for name, table in _counted(other).items()]
    return [*_sums(period, tables), *_slices(period, tables, narrow)]
