"""What a reader knows: every number the site publishes, as quantities and relations.

A reader does not stop at one table. They combine headline figures, table cells and margins,
percentages, rates, changes on the previous period, trend points (the same values again),
every period of a report and the earlier versions of corrected periods. This module turns the
whole published site into one model of that knowledge:

* a **quantity** for every published number (visible: a constant; `[c]`: an unknown; `[x]`,
  `[z]`: unusable), and for every count the site never prints but its figures imply (the
  reviews *not* held on time; the children a rate per 10,000 stands for);
* a **relation** for every fact that ties quantities together: table lines and their totals,
  tables of the same population sharing margins, metrics as sums or ratios of what they are
  computed from, declarations in the data (stock and flow, a figure that is a cell, rates of a
  population), the same snapshot published by two periods, a part of a period no larger than
  the whole, changes on the previous period, and the cells a correction left unchanged.

`audit.py` solves the model with integer programming; `downloads.py` publishes its relations
in the data package so anyone can re-run the attack. Reads only the published model.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import combinations, pairwise

from .classifications import SHIPPED, age_groups, age_kind, is_age_dimension
from .presets import PARTS
from .published import (
    Implied,
    PublishedMetric,
    PublishedPeriod,
    PublishedRelation,
    PublishedSite,
    PublishedTable,
    Ref,
    Term,
    Value,
    round_half_up,
)
from .suppress import lines_of
from .terms import PEOPLE, QUOTIENT_SCALES, TOTAL

BIG = 10**7  # an upper bound no count of children reaches; keeps every programme bounded

# What a quantity is to the audit.
VISIBLE = "visible"  # a published number: a constant
HIDDEN = "hidden"  # [c] on a count of children or records: must keep MIN_FEASIBLE_RANGE values
IMPLIED = "implied"  # never printed, implied by relations: must not be pinned to a small count
BOUNDED = "bounded"  # known only to a printed precision (the count behind a visible percentage)
UNUSABLE = "unusable"  # [x], [z], or a hidden number that is not a count: tells nothing


@dataclass
class Quantity:
    """One number as a reader knows it."""

    ref: Ref
    role: str
    label: str
    value: float | None = None  # VISIBLE only
    low: float = 0.0  # bounds of an unknown
    high: float = float(BIG)
    sensitive: bool = False
    total: bool = False  # a margin: a reader expects it to be large
    headline: bool = False
    decimals: int = 0
    counts: str = "none"
    unit: str = "count"


@dataclass(frozen=True)
class Hierarchy:
    """A category group and its members, as a reader knows them: shipped (the DfE ethnic
    groups), declared in a period (`hierarchy`), or age bands read from their labels, which
    hold only in dimensions of age (classifications.is_age_dimension)."""

    group: str
    members: tuple[str, ...]
    declared: bool
    ages: bool = False

    def applies_to(self, table: PublishedTable, dim: str) -> bool:
        return not self.ages or is_age_dimension(dim, table.dimensions[dim])


@dataclass
class Model:
    """Quantities by reference, the relations between them, and the thresholds of the rule."""

    threshold: int
    sensitive_threshold: int
    # Category groups a reader knows. A reader takes the members a table shows for the whole
    # of a shipped group; a declared group, or an age band, is exactly its members.
    hierarchies: list[Hierarchy] = field(default_factory=list)
    quantities: dict[Ref, Quantity] = field(default_factory=dict)
    relations: list[PublishedRelation] = field(default_factory=list)
    # Relations a reader derives from the tables themselves (lines and their Total rows); the
    # CSV downloads carry these, so the data package does not list them.
    lines: list[PublishedRelation] = field(default_factory=list)

    def small_bound(self, q: Quantity) -> float:
        return float(self.sensitive_threshold if q.sensitive else self.threshold)

    def lower(self, sensitive: bool) -> float:
        return 0.0 if sensitive else 1.0


def _value_quantity(model: Model, ref: Ref, value: Value, label: str, *, counts: str,
                    sensitive: bool, total: bool = False, headline: bool = False) -> None:
    if value.number is not None:
        role = VISIBLE
    elif value.symbol == "c" and value.unit == "count" and counts in PEOPLE:
        role = HIDDEN
    else:
        role = UNUSABLE
    # The number as a reader sees it: printed to its decimals (99.3, not 99.3197...).
    shown = None if value.number is None else round_half_up(value.number, value.decimals)
    model.quantities[ref] = Quantity(ref, role, label, shown, model.lower(sensitive),
                                     float(BIG), sensitive, total, headline, value.decimals, counts,
                                     value.unit)


def _linear(why: str, terms: Iterable[tuple[float, Ref]], constant: float = 0.0,
            tolerance: float = 0.0) -> PublishedRelation:
    return PublishedRelation("linear", why, terms=tuple(terms), constant=constant,
                             tolerance=tolerance)


def _describe_table(version: str, table: PublishedTable) -> str:
    return f"{version}: table '{table.name}'"


def _add_table(model: Model, version: str, table: PublishedTable) -> None:
    counted = table.counts in PEOPLE
    # Every cell is a quantity a relation may name (a rate in a comparator table, say); only
    # hidden counts of people are unknowns.
    for key, value in table.cells.items():
        _value_quantity(model, (version, "table", table.name, key), value,
                        f"{version}: '{table.name}' [{', '.join(key)}]", counts=table.counts,
                        sensitive=table.sensitive, total=TOTAL in key)
    for key in table.above_threshold:  # in a declared group that was not merged
        ref: Ref = (version, "table", table.name, key)
        q = model.quantities.get(ref)
        if q is not None and q.role == HIDDEN:
            model.quantities[ref] = replace(q, low=max(q.low, model.small_bound(q) + 1))
    if table.unit == "count":
        if not counted:
            return
        why = f"the lines and totals of {_describe_table(version, table)}"
        for line in lines_of(table.cells, len(table.dims)):
            if line.total is not None:
                model.lines.append(_linear(why, [
                    *((1.0, (version, "table", table.name, k)) for k in line.members),
                    (-1.0, (version, "table", table.name, line.total))]))
        _add_groups_in_table(model, version, table)
        if table.known_total is not None:
            model.relations.append(_linear(
                f"{_describe_table(version, table)} adds up to a published figure",
                ((1.0, (version, "table", table.name, k)) for k in table.cells),
                -table.known_total))
    elif table.unit == "percent" and counted and table.bases:
        _add_percent_table(model, version, table)


def _group_relation(model: Model, why: str, group: list[Ref], members: list[Ref],
                    exact: bool) -> None:
    """The group is its members (exact) or at least them. A reader takes the members a table
    shows for the whole group, unless the printed numbers show they are not."""
    terms = [*((1.0, r) for r in group), *((-1.0, r) for r in members)]
    quantities = [model.quantities.get(r) for r in (*group, *members)]
    if exact and all(q is not None and q.role == VISIBLE for q in quantities):
        exact = sum(c * (model.quantities[r].value or 0.0) for c, r in terms) == 0
    if exact:
        model.relations.append(_linear(why, terms))
    else:  # a group is at least the members a table shows
        model.relations.append(PublishedRelation("bound", why, terms=tuple(terms), low=0.0,
                                                 high=float(BIG)))


def _add_groups_in_table(model: Model, version: str, table: PublishedTable,
                         kind: str = "table") -> None:
    """A table giving a group and its members as categories of one dimension: along every
    line, the group's cell is its members' cells (only at least them where a declared group's
    members are not all shown, or the printed numbers show they are not the whole group)."""
    for d, dim in enumerate(table.dims):
        cats = set(table.categories(dim))
        if TOTAL in cats:
            continue  # a Total adds every category: they are siblings, not a group and members
        for hierarchy in model.hierarchies:
            if not hierarchy.applies_to(table, dim):
                continue
            group, members, exact = hierarchy.group, hierarchy.members, hierarchy.declared
            present = [m for m in members if m in cats]
            if group not in cats or not present:
                continue
            whole = not exact or len(present) == len(members)
            lines: dict[tuple[str, ...], tuple[list[Ref], list[Ref]]] = {}
            for key in table.cells:
                rest = key[:d] + key[d + 1:]
                ref: Ref = (version, kind, table.name, key)
                if ref not in model.quantities:
                    continue
                if key[d] == group:
                    lines.setdefault(rest, ([], []))[0].append(ref)
                elif key[d] in present:
                    lines.setdefault(rest, ([], []))[1].append(ref)
            why = f"{version}: in '{table.name}', {group} is made of {', '.join(present)}"
            for left, right in lines.values():
                if left and right:
                    _group_relation(model, why, left, right, whole)


def _add_percent_table(model: Model, version: str, table: PublishedTable) -> None:
    """The counts behind a percentage table of a known number of children: a visible
    percentage is its count to printed precision; a hidden one is an unknown count; along
    every dimension whose lines are shares of one base, the counts add up to the base."""
    bases = table.bases or {}
    for key, value in table.cells.items():
        base = bases.get(key)
        if base is None or TOTAL in key:
            continue
        ref: Ref = (version, "implied", table.name, key)
        label = f"{version}: the count behind '{table.name}' [{', '.join(key)}]"
        lower = model.lower(table.sensitive)
        if value.number is not None:
            # What a reader sees is the printed number: 45.3 is 45.25 to 45.35, whatever the
            # unrounded share was.
            shown = round_half_up(value.number, value.decimals)
            half = 0.5 * 10 ** (-value.decimals)
            low = max(0.0, math.ceil((shown - half) * base / 100 - 1e-9))
            high = math.floor((shown + half) * base / 100 + 1e-9)
            model.quantities[ref] = Quantity(ref, BOUNDED, label, None, low, max(low, high),
                                             table.sensitive, counts=table.counts)
        elif value.symbol == "c":
            model.quantities[ref] = Quantity(ref, HIDDEN, label, None, lower, base,
                                             table.sensitive, counts=table.counts)
    # A group row (all ages) of a percentage table is its members' counts, as in a count table.
    _add_groups_in_table(model, version, table, kind="implied")
    why = f"the percentages of {_describe_table(version, table)} are shares of one base"
    for line in lines_of(table.cells, len(table.dims)):
        if not line.members:
            continue
        dim = next(d for d in range(len(table.dims))
                   if len({k[d] for k in line.members}) == len(line.members))
        total = table.cells.get(line.total) if line.total is not None else None
        printed_whole = total is not None and total.number is not None and abs(total.number - 100) <= 1
        if dim not in table.partitions and not printed_whole:
            continue
        line_bases = {bases.get(k) for k in line.members}
        base = line_bases.pop() if len(line_bases) == 1 else None
        if base is None:
            continue
        refs = [(version, "implied", table.name, k) for k in line.members]
        if all(r in model.quantities for r in refs):
            model.lines.append(_linear(why, ((1.0, r) for r in refs), -float(base)))


def _terms(version: str, terms: Iterable[Term]) -> tuple[tuple[float, Ref], ...]:
    return tuple((1.0, (version, kind, name, key)) for kind, name, key in terms)


def _add_metric(model: Model, version: str, metric: PublishedMetric) -> None:
    ref: Ref = (version, "figure", metric.name, ())
    _value_quantity(model, ref, metric.value, f"{version}: '{metric.name}' ({metric.label})",
                    counts=metric.counts, sensitive=metric.sensitive, headline=metric.headline)
    formula = metric.formula
    if formula is None:
        return
    why = f"{version}: how '{metric.name}' is computed"
    if formula.kind == "sum":
        model.relations.append(_linear(why, (*_terms(version, formula.terms), (-1.0, ref))))
        return
    num, den = _terms(version, formula.numerator), _terms(version, formula.denominator)
    model.relations.append(PublishedRelation(
        "ratio", why, value=ref, numerator=num, denominator=den,
        scale=QUOTIENT_SCALES.get(formula.kind, 1.0)))
    if formula.subset:
        _add_rest(model, version, Implied(
            f"{metric.name}:rest", f"the rest of '{metric.name}' (denominator less numerator)",
            formula.subset, metric.sensitive), num, den,
            f"{version}: '{metric.name}' is a share of its denominator")


def _add_rest(model: Model, version: str, rest: Implied, part: tuple[tuple[float, Ref], ...],
              whole: tuple[tuple[float, Ref], ...], why: str) -> None:
    """What is left of `whole` once `part` is taken, a count never printed (`rest`): an
    unknown of at least 0 that the audit protects like any hidden count."""
    ref: Ref = (version, "implied", rest.name, ())
    model.quantities[ref] = Quantity(ref, IMPLIED, f"{version}: {rest.label}", low=0.0,
                                     sensitive=rest.sensitive, counts=rest.counts)
    model.relations.append(PublishedRelation(
        "linear", why, terms=(*part, (1.0, ref), *((-c, r) for c, r in whole)),
        implied=(rest,)))


def _add_parts(model: Model, version: str, period: PublishedPeriod) -> None:
    """A standard figure that is part of another (presets.PARTS), both published: what is
    left of the whole is a count too, protected like the rest of a percentage's denominator."""
    for part, whole in PARTS.get(period.report, ()):
        a, b = period.values.get(part), period.values.get(whole)
        if a is None or b is None or a.kind != "figure" or b.kind != "figure":
            continue
        if a.value.unit != "count" or b.value.unit != "count" or a.counts not in PEOPLE:
            continue
        _add_rest(model, version, Implied(f"{whole}:less:{part}", f"'{whole}' less '{part}'",
                                          a.counts, a.sensitive or b.sensitive),
                  ((1.0, (version, "figure", part, ())),), ((1.0, (version, "figure", whole, ())),),
                  f"{version}: '{part}' is part of '{whole}'")


def _add_declared(model: Model, relation: PublishedRelation) -> None:
    for implied in relation.implied:
        version = next(r[0] for r in relation.refs() if r[1] == "implied" and r[2] == implied.name)
        ref: Ref = (version, "implied", implied.name, ())
        model.quantities.setdefault(ref, Quantity(
            ref, IMPLIED, f"{version}: {implied.label}", low=0.0, sensitive=implied.sensitive,
            counts=implied.counts))
    model.relations.append(relation)


def _add_period(model: Model, period: PublishedPeriod) -> None:
    version = period.key
    for table in period.tables.values():
        _add_table(model, version, table)
    for metric in period.values.values():
        _add_metric(model, version, metric)
    _add_parts(model, version, period)
    for relation in period.relations:
        _add_declared(model, relation)
    span = f"{period.start}..{period.end}"
    _add_populations(model, [(version, span, t) for t in period.tables.values()])
    for revision in period.revisions:
        old = f"{version}/revisions/{revision.date.isoformat()}"
        for table in revision.tables.values():
            _add_table(model, old, table)
            _add_unchanged(model, old, table, period.tables.get(table.name))
        _add_populations(model, [(old, span, t) for t in revision.tables.values()])


def _add_unchanged(model: Model, old: str, table: PublishedTable,
                   current: PublishedTable | None) -> None:
    """A cell a correction did not change (no [r] mark) is the same number in both versions."""
    if current is None or not table.of_people:
        return
    why = f"cells of '{table.name}' not marked [r] are unchanged since {old}"
    for key, value in current.cells.items():
        if key in table.cells and not value.revised:
            model.relations.append(_linear(why, [(1.0, (old, "table", table.name, key)),
                                                 (-1.0, (current_version(old), "table",
                                                         table.name, key))]))


def current_version(version: str) -> str:
    """'iro/2021-22/revisions/2022-01-05' -> 'iro/2021-22'."""
    return version.split("/revisions/")[0]


def _add_populations(model: Model, tables: list[tuple[str, str, PublishedTable]],
                     across: bool = False) -> None:
    """Tables of one population (at one date, or over one span) describe the same children,
    in any period or report: their grand totals agree, and so do their margins over the
    dimensions they share, for every combination of categories both have. `tables` holds
    (version, the span a flow covers, table)."""
    groups: dict[tuple[str, str], list[tuple[str, PublishedTable]]] = {}
    for version, span, table in tables:
        if table.population and table.of_people:
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
            combos: dict[tuple[str, ...], tuple[list[Ref], list[Ref]]] = {}
            grand: tuple[list[Ref], list[Ref]] = ([], [])
            for version, table, side in ((va, a, 0), (vb, b, 1)):
                dims = [pair[side] for pair in pairs]
                for key in table.cells:
                    if TOTAL in key:
                        continue
                    ref: Ref = (version, "table", table.name, key)
                    grand[side].append(ref)
                    combo = tuple(same_label(key[table.dims.index(d)]) for d in dims)
                    if pairs and all(c in cats[i] for i, c in enumerate(combo)):
                        combos.setdefault(combo, ([], []))[side].append(ref)
            why = f"'{a.name}' ({va}) and '{b.name}' ({vb}) count the same {population}"
            # Categories may differ (one table collapsed, or coarser): the grand totals agree
            # whatever they are.
            by = ", ".join(da for da, _ in pairs)
            for (left, right), what in [(grand, ""), *((c, f" by {by}") for c in combos.values())]:
                if left and right:
                    model.relations.append(_linear(why + what, [*((1.0, r) for r in left),
                                                                *((-1.0, r) for r in right)]))
            for (vg, g_table), (vm, m_table) in (((va, a), (vb, b)), ((vb, b), (va, a))):
                _add_groups_across(model, why, vg, g_table, vm, m_table)


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
    return [(version, "table", table.name, key) for key in table.cells
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
        _group_relation(model, f"{why}: {group} is made of {', '.join(sorted(present))}",
                        _cells_where(vg, g_table, {group}), _cells_where(vm, m_table, present),
                        not exact or len(present) == len(members))


def _add_across_periods(model: Model, site: PublishedSite) -> None:
    """Relations between periods: tables of one population at one date or over one span (in
    any report); and, within a report, the same snapshot published twice, a flow over part
    of a period no larger than over the whole, and changes on the previous period."""
    # Tables of one population at one date, or over one span, in any periods and reports.
    _add_populations(model, [(p.key, f"{p.start}..{p.end}", t) for p in site.periods.values()
                             for t in p.tables.values()], across=True)
    for report in site.reports:
        periods = site.by_report(report)
        snapshots: dict[tuple[str, object], list[Ref]] = {}
        for p in periods:
            for name, metric in p.values.items():
                if metric.date is not None and metric.value.unit == "count":
                    snapshots.setdefault((name, metric.date), []).append((p.key, "figure", name, ()))
        for (name, date), refs in snapshots.items():
            for a, b in pairwise(refs):
                qa, qb = model.quantities[a], model.quantities[b]
                if qa.role == qb.role == VISIBLE:
                    continue  # both printed: a reader sees whether they agree
                model.relations.append(_linear(f"'{name}' at {date} is published by {a[0]} "
                                               f"and {b[0]}", [(1.0, a), (-1.0, b)]))
        for part, whole in ((a, b) for a in periods for b in periods if a is not b
                            and b.start <= a.start and a.end <= b.end
                            and (a.start, a.end) != (b.start, b.end)):
            _add_part_of(model, part, whole)
        for whole in periods:
            for tiling in _tilings(whole, periods):
                _add_tiling(model, whole, tiling)
        for p in periods:
            _add_changes(model, site, p)


def _tilings(whole: PublishedPeriod, periods: list[PublishedPeriod],
             limit: int = 16) -> list[list[PublishedPeriod]]:
    """Every way (up to `limit`) periods of a report tile `whole` end to end: two half-years
    of a year, or four quarters, whatever other periods the report also holds."""
    inside = sorted((p for p in periods if p is not whole and whole.start <= p.start
                     and p.end <= whole.end and (p.start, p.end) != (whole.start, whole.end)),
                    key=lambda p: (p.start, p.end))
    found: list[list[PublishedPeriod]] = []

    def extend(chain: list[PublishedPeriod], day: dt.date) -> None:
        if len(found) >= limit:
            return
        if day == whole.end + dt.timedelta(days=1):
            found.append(chain)
            return
        for step in (p for p in inside if p.start == day):
            extend([*chain, step], step.end + dt.timedelta(days=1))

    extend([], whole.start)
    return found


def _add_tiling(model: Model, whole: PublishedPeriod, parts: list[PublishedPeriod]) -> None:
    """A flow over periods that tile a whole one: records (reviews, conferences) add up to the
    whole exactly; children add up to at least the whole (a child may be counted in two)."""
    why = f"{', '.join(p.key for p in parts)} tile {whole.key}"
    cells: list[tuple[str, str, tuple[str, ...], str]] = [
        ("figure", name, (), metric.counts) for name, metric in whole.values.items()
        if metric.date is None and metric.of_people]
    cells += [("table", name, key, table.counts) for name, table in whole.tables.items()
              if table.date is None and table.of_people for key in table.cells]
    for kind, name, key, counts in cells:
        refs = [(p.key, kind, name, key) for p in parts]
        if not all(r in model.quantities for r in refs):
            continue
        terms = ((1.0, (whole.key, kind, name, key)), *((-1.0, r) for r in refs))
        if counts == "records":
            model.relations.append(_linear(why + ": records add up", terms))
        else:
            model.relations.append(PublishedRelation(
                "bound", why + ": a child may be counted in more than one part", terms=terms,
                low=-float(BIG), high=0.0))


def _add_part_of(model: Model, part: PublishedPeriod, whole: PublishedPeriod) -> None:
    why = f"{part.key} lies inside {whole.key}: a count over it is no larger"
    for name, metric in part.values.items():
        other = whole.values.get(name)
        if (other is not None and metric.date is None and other.date is None
                and metric.value.unit == other.value.unit == "count" and metric.counts in PEOPLE):
            model.relations.append(PublishedRelation(
                "bound", why, terms=((1.0, (part.key, "figure", name, ())),
                                     (-1.0, (whole.key, "figure", name, ()))),
                low=-float(BIG), high=0.0))
    for name, table in part.tables.items():
        other_table = whole.tables.get(name)
        if (other_table is None or table.date or other_table.date or not table.of_people
                or other_table.dims != table.dims):
            continue
        for key in table.cells:
            if key in other_table.cells:
                model.relations.append(PublishedRelation(
                    "bound", why, terms=((1.0, (part.key, "table", name, key)),
                                         (-1.0, (whole.key, "table", name, key))),
                    low=-float(BIG), high=0.0))


def _add_changes(model: Model, site: PublishedSite, period: PublishedPeriod) -> None:
    """A published change is the difference of its two ends."""
    for name, metric in period.values.items():
        change = metric.change
        if (change is None or not change.comparable or change.difference is None
                or change.difference.number is None):
            continue
        prev = (f"{period.report}/{change.previous_period}", "figure", name, ())
        if prev not in model.quantities:
            continue
        # Each end and the difference are printed rounded: the relation holds to their precision.
        halves = [0.5 * 10 ** -v.decimals for v in (metric.value, change.difference)
                  if v.unit != "count" or v.decimals]
        prev_value = model.quantities[prev]
        if prev_value.unit != "count" or prev_value.decimals:
            halves.append(0.5 * 10 ** -prev_value.decimals)
        model.relations.append(_linear(
            f"the change in '{name}' from {change.previous_label} to {period.period_label}",
            [(1.0, (period.key, "figure", name, ())), (-1.0, prev)],
            -round_half_up(change.difference.number, change.difference.decimals),
            tolerance=sum(halves)))


def _hierarchies(periods: Iterable[PublishedPeriod]) -> list[Hierarchy]:
    """The shipped classifications' groups, every group a period declares (exact), and the
    age bands of every age dimension that are unions of narrower bands (exact)."""
    periods = list(periods)
    out = [Hierarchy(group, members, False) for groups in SHIPPED.values()
           for group, members in groups.items()]
    for period in periods:
        out += [Hierarchy(group, members, True) for group, members in period.hierarchies]
    ages = {c for period in periods for versions in (period.tables.values(),
                                                    *(r.tables.values() for r in period.revisions))
            for table in versions for dim in table.dims
            if is_age_dimension(dim, table.dimensions[dim]) for c in table.categories(dim)}
    out += [Hierarchy(group, members, True, ages=True) for group, members in age_groups(ages)]
    return out


def period_model(period: PublishedPeriod, threshold: int, sensitive_threshold: int) -> Model:
    """What a reader knows from one period's page, downloads and earlier versions alone."""
    model = Model(threshold, sensitive_threshold, _hierarchies([period]))
    _add_period(model, period)
    return model


def reader_model(site: PublishedSite) -> Model:
    """What a reader knows from the whole site: every period, their earlier versions, and the
    relations between periods."""
    model = Model(site.threshold, site.sensitive_threshold, _hierarchies(site.periods.values()))
    for key in sorted(site.periods):
        _add_period(model, site.periods[key])
    _add_across_periods(model, site)
    return model
