"""What one version of a period says on its own: its tables (lines, totals, category groups,
the counts behind percentages), its figures and metrics (how each is computed, and the rest of
a share's denominator), the standard figures that are part of others, and the relations its
data declares. knowledge.py adds each version of each period through here."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

from .knowledge_model import (
    BIG,
    BOUNDED,
    HIDDEN,
    IMPLIED,
    UNUSABLE,
    VISIBLE,
    Model,
    Quantity,
    group_relation,
    linear,
)
from .presets import PARTS
from .printed import round_half_up
from .published import (
    Implied,
    PublishedMetric,
    PublishedPeriod,
    PublishedRelation,
    PublishedTable,
    Ref,
    Term,
    Value,
)
from .suppress import lines_of
from .terms import PEOPLE, QUOTIENT_SCALES, TOTAL


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


def _describe_table(version: str, table: PublishedTable) -> str:
    return f"{version}: table '{table.name}'"


def add_table(model: Model, version: str, table: PublishedTable) -> None:
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
                model.lines.append(linear(why, [
                    *((1.0, (version, "table", table.name, k)) for k in line.members),
                    (-1.0, (version, "table", table.name, line.total))]))
        _add_groups_in_table(model, version, table)
        if table.known_total is not None:
            model.relations.append(linear(
                f"{_describe_table(version, table)} adds up to a published figure",
                ((1.0, (version, "table", table.name, k)) for k in table.cells),
                -table.known_total))
    elif table.unit == "percent" and counted and table.bases:
        _add_percent_table(model, version, table)


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
                    group_relation(model, why, left, right, whole)


def _add_percent_table(model: Model, version: str, table: PublishedTable) -> None:
    """The counts behind a percentage table of a known number of children: a visible
    percentage is its count to printed precision; a hidden one is an unknown count; along
    every dimension whose lines are shares of one base, the counts add up to the base."""
    bases = table.bases or {}
    for key, value in table.cells.items():
        base = bases.get(key)
        if base is None:
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
                                             table.sensitive, TOTAL in key, counts=table.counts)
        elif value.symbol == "c":
            model.quantities[ref] = Quantity(ref, HIDDEN, label, None, lower, base,
                                             table.sensitive, TOTAL in key, counts=table.counts)
    # A group row (all ages) of a percentage table is its members' counts, as in a count table.
    _add_groups_in_table(model, version, table, kind="implied")
    why = f"the percentages of {_describe_table(version, table)} are shares of one base"
    for line in lines_of(table.cells, len(table.dims)):
        if not line.members:
            continue
        dim = next(d for d in range(len(table.dims))
                   if len({k[d] for k in line.members}) == len(line.members))
        _add_percent_total(model, version, table, line.members, line.total)
        if any(TOTAL in k for k in line.members):
            continue  # a line of margins: its Total relation is all a reader can rely on
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
            model.lines.append(linear(why, ((1.0, r) for r in refs), -float(base)))
    if table.whole:
        # Shares of one base across the whole table: together they add up to it.
        keys = [k for k in table.cells if TOTAL not in k]
        refs = [(version, "implied", table.name, k) for k in keys]
        if keys and all(r in model.quantities for r in refs):
            model.lines.append(linear(why + ", all together", ((1.0, r) for r in refs),
                                      -float(bases[keys[0]])))


def _add_percent_total(model: Model, version: str, table: PublishedTable,
                       members: Iterable[tuple[str, ...]], total: tuple[str, ...] | None) -> None:
    """A Total of shares of the same base as its line's (16.7% of all 60 care leavers not in
    touch, beside each gender's share of all 60) is the count of its members together: two
    hidden shares beside it that leave 10 are "5 and 5" to a reader of [c]."""
    bases = table.bases or {}
    keys = list(members)
    if total is None or not keys or {bases.get(k) for k in keys} != {bases.get(total)}:
        return
    refs = [(version, "implied", table.name, k) for k in (*keys, total)]
    if all(r in model.quantities for r in refs):
        model.lines.append(linear(f"the percentages of {_describe_table(version, table)} "
                                  "add up to their Total", [*((1.0, r) for r in refs[:-1]),
                                                            (-1.0, refs[-1])]))


def _terms(version: str, terms: Iterable[Term]) -> tuple[tuple[float, Ref], ...]:
    return tuple((1.0, (version, kind, name, key)) for kind, name, key in terms)


def add_metric(model: Model, version: str, metric: PublishedMetric) -> None:
    ref: Ref = (version, "figure", metric.name, ())
    _value_quantity(model, ref, metric.value, f"{version}: '{metric.name}' ({metric.label})",
                    counts=metric.counts, sensitive=metric.sensitive, headline=metric.headline)
    formula = metric.formula
    if formula is None:
        return
    why = f"{version}: how '{metric.name}' is computed"
    if formula.kind == "sum":
        model.relations.append(linear(why, (*_terms(version, formula.terms), (-1.0, ref))))
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


def add_parts(model: Model, version: str, period: PublishedPeriod) -> None:
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


def add_declared(model: Model, relation: PublishedRelation) -> None:
    for implied in relation.implied:
        version = next(r[0] for r in relation.refs() if r[1] == "implied" and r[2] == implied.name)
        ref: Ref = (version, "implied", implied.name, ())
        model.quantities.setdefault(ref, Quantity(
            ref, IMPLIED, f"{version}: {implied.label}", low=0.0, sensitive=implied.sensitive,
            counts=implied.counts))
    model.relations.append(relation)
