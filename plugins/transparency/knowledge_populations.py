"""Tables of one population: tables that count the same children (at one date, or over one
span, in any period or report) agree on their grand totals and their shared margins, and a
table by a group is the table by its members. knowledge.py adds these within a period and
across periods."""

from __future__ import annotations

from itertools import combinations

from .classifications import age_kind
from .knowledge_model import Model, group_relation, linear
from .published import PublishedTable, Ref
from .terms import PEOPLE, TOTAL


def add_populations(model: Model, tables: list[tuple[str, str, PublishedTable]],
                     across: bool = False) -> None:
    """Tables of one population (at one date, or over one span) describe the same children,
    in any period or report: their grand totals agree, and so do their margins over the
    dimensions they share, for every combination of categories both have. `tables` holds
    (version, the span a flow covers, table)."""
    groups: dict[tuple[str, str], list[tuple[str, PublishedTable]]] = {}
    for version, span, table in tables:
        if table.population and (table.of_people or covers_its_people(table)):
            when = table.date.isoformat() if table.date else span
            groups.setdefault((table.population, when), []).append((version, table))
    for (population, _), members in groups.items():
        for (va, a), (vb, b) in combinations(members, 2):
            if across and va == vb:
                continue  # within one period: already linked by _add_period
            # One dimension in both: the same name, or the same label ('order' and
            # 'legal_status' both "Legal status"); categories match whatever their capitals.
            pairs = _shared_dimensions(a, b)
            cats = [{same_label(c) for c in a.categories(da)} & {same_label(c) for c in b.categories(db)}
                    - {same_label(TOTAL)} for da, db in pairs]
            grand, combos = _sums(model, ((va, a), (vb, b)), pairs, cats)
            why = f"'{a.name}' ({va}) and '{b.name}' ({vb}) count the same {population}"
            # Categories may differ (one table collapsed, or coarser): the grand totals agree
            # whatever they are.
            by = ", ".join(da for da, _ in pairs)
            for (left, right), what in [(grand, ""), *((c, f" by {by}") for c in combos.values())]:
                if left and right:
                    model.relations.append(linear(why + what, [*((1.0, r) for r in left),
                                                                *((-1.0, r) for r in right)]))
            for (vg, g_table), (vm, m_table) in (((va, a), (vb, b)), ((vb, b), (va, a))):
                _add_groups_across(model, why, vg, g_table, vm, m_table)


Sides = tuple[list[Ref], list[Ref]]


def _sums(model: Model, tables: tuple[tuple[str, PublishedTable], tuple[str, PublishedTable]],
          pairs: list[tuple[str, str]], cats: list[set[str]],
          ) -> tuple[Sides, dict[tuple[str, ...], Sides]]:
    """Each table's cells making its grand total, and its margin for each combination of the
    shared dimensions' categories both have. A sum holding a count the reader does not have
    (an [x] in a percentage table) is left out."""
    combos: dict[tuple[str, ...], Sides] = {}
    grand: Sides = ([], [])
    unknown: set[tuple[str, ...]] = set()  # sums a reader cannot make: an [x] in them
    for side, (version, table) in enumerate(tables):
        dims = [pair[side] for pair in pairs]
        for key in table.cells:
            if TOTAL in key:
                continue
            ref: Ref = (version, cell_kind(table), table.name, key)
            combo = tuple(same_label(key[table.dims.index(d)]) for d in dims)
            if ref not in model.quantities:
                unknown |= {(), ("combo", *combo)}
            grand[side].append(ref)
            if pairs and all(c in cats[i] for i, c in enumerate(combo)):
                combos.setdefault(combo, ([], []))[side].append(ref)
    for combo in [c for c in combos if ("combo", *c) in unknown]:
        del combos[combo]
    return (([], []) if () in unknown else grand), combos


def cell_kind(table: PublishedTable) -> str:
    """Where the audit keeps a table's counts: its cells, or the counts behind a percentage
    table's shares ('implied')."""
    return "table" if table.of_people else "implied"


def covers_its_people(table: PublishedTable) -> bool:
    """A percentage table of children or records with a base, whose shares cover all of them
    (along a dimension whose lines add up to 100%, or all together): the counts behind it are
    a table of its population, linked to the count tables of the same population like any
    other (a red team read 4 young women not in touch off shares by gender beside counts by
    activity). A table of some shares only (the percentage in education, by gender) covers
    part of its people, and is not linked."""
    return (table.unit == "percent" and table.counts in PEOPLE and bool(table.bases)
            and bool(table.partitions or table.whole))


def same_label(label: str) -> str:
    """A category as a reader compares it: 'Placement Order' is 'Placement order'."""
    return " ".join(label.casefold().split())


def _shared_dimensions(a: PublishedTable, b: PublishedTable) -> list[tuple[str, str]]:
    """The dimensions two tables share, as (a's name, b's name): by name, else by label."""
    pairs: list[tuple[str, str]] = []
    for da in a.dims:
        db = da if da in b.dims else next(
            (d for d in b.dims if same_label(b.dimensions[d]) == same_label(a.dimensions[da])), None)
        if db is not None and db not in (p[1] for p in pairs):
            pairs.append((da, db))
    return pairs


def _cells_where(version: str, table: PublishedTable, labels: set[str]) -> list[Ref]:
    """The non-total cells of a table with one of `labels` in any dimension."""
    return [(version, cell_kind(table), table.name, key) for key in table.cells
            if TOTAL not in key and labels & set(key)]


def _add_groups_across(model: Model, why: str, vg: str, g_table: PublishedTable, vm: str,
                       m_table: PublishedTable) -> None:
    """Two tables of one population, one by a group and the other by its members: the group's
    margin is its members' margin (as in one table)."""
    for hierarchy in model.hierarchies:
        group, members, exact = hierarchy.group, hierarchy.members, hierarchy.declared
        g_dims = [d for d in g_table.dims if hierarchy.applies_to(g_table, d)]
        m_dims = [d for d in m_table.dims if hierarchy.applies_to(m_table, d)]
        if hierarchy.ages:  # one age in both ('age' now is not 'age_at_entry')
            kinds = ({age_kind(d, g_table.dimensions[d]) for d in g_dims}
                     & {age_kind(d, m_table.dimensions[d]) for d in m_dims})
            g_dims = [d for d in g_dims if age_kind(d, g_table.dimensions[d]) in kinds]
            m_dims = [d for d in m_dims if age_kind(d, m_table.dimensions[d]) in kinds]
        present = {m for m in members if any(m in m_table.categories(d) for d in m_dims)}
        if not present or not any(group in g_table.categories(d) for d in g_dims):
            continue
        if any(group in m_table.categories(d) for d in m_dims) or any(
                m in g_table.categories(d) for d in g_dims for m in members):
            continue  # the group beside its members in one table: not a different level
        group_relation(model, f"{why}: {group} is made of {', '.join(sorted(present))}",
                        _cells_where(vg, g_table, {group}), _cells_where(vm, m_table, present),
                        not exact or len(present) == len(members))
