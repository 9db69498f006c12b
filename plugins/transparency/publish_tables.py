"""Suppressing one table for publication: the line rule's primary and secondary suppression,
percentage tables suppressed on the counts they imply, and the cells a reader who knows how
complements are chosen could still narrow. Part of the publishing step (publish.py); reads
the raw model and returns `published.PublishedTable`s."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .metrics import Part
from .model import TOTAL, Table
from .published import Issuer, PublishedTable, Value
from .settings import Config
from .suppress import (
    Key,
    Rule,
    cells_the_choice_reveals,
    collapse_groups,
    lines_of,
    rule_for,
    secondary,
    suppress_table,
)


def table_cells(table: Table) -> tuple[dict[Key, float], dict[Key, str]]:
    values: dict[Key, float] = {}
    symbols: dict[Key, str] = {}
    for key, value, symbol, _ in table.rows:
        values[key] = value
        symbols[key] = symbol
    return values, symbols


@dataclass
class TableResult:
    published: PublishedTable
    hidden: set[Key]
    values: dict[Key, float]


def column_decimals(values: Iterable[float], unit: str) -> int:
    """Decimal places for a table's column: none for counts, else as many as its most
    precise value (NaN cells ignored)."""
    if unit == "count":
        return 0
    return max((len(f"{v:g}".partition(".")[2]) for v in values if v == v), default=0)


def _unrevealing(values: dict[Key, float], symbols: dict[Key, str], ndims: int, rule: Rule,
                 hidden: set[Key], min_range: int, above: frozenset[Key] = frozenset(),
                 ) -> set[Key]:
    """`hidden` (what suppress_table chose), with one more cell beside each hidden cell that
    knowing how complements are chosen would narrow (suppress.cells_the_choice_reveals): the
    smallest shown member of the lines through it, then the table's complements chosen again
    around them. One pass: the widened page has more hidden cells than the rule alone would
    choose, so a reader cannot replay the rule on it."""
    revealed = cells_the_choice_reveals(values, symbols, ndims, rule, hidden, min_range, above)
    lines = lines_of(values, ndims)
    extra = set()
    for cell in sorted(revealed):
        shown = sorted((k for line in lines if cell in line.members and line.total is not None
                        for k in line.members
                        if k not in hidden and not symbols.get(k) and values[k] > 0),
                       key=lambda k: (values[k], k))
        if shown:
            extra.add(shown[0])
    return secondary(values, symbols, hidden | extra, lines, rule) if extra else hidden


def _in_uncollapsed_groups(table: Table, collapsed: list[str], keys: set[Key]) -> set[Key]:
    """Of `keys`, the cells of the declared `collapse:` groups that were not collapsed: none
    of their members is small, or the group would have been merged."""
    out: set[Key] = set()
    for dim, groups in table.collapse.items():
        index = table.dims.index(dim)
        for label, olds in groups.items():
            if label not in collapsed:
                out |= {k for k in keys if k[index] in olds}
    return out


def publish_table(table: Table, config: Config, extra_hidden: set[Key] | None = None,
                   known_total: float | None = None,
                   collapse_anyway: frozenset[str] = frozenset()) -> TableResult:
    """One table as published: collapsed where a declared group would be suppressed (and
    the groups in `collapse_anyway`, which another version of the period collapses),
    primary and secondary suppression, the choice a reader could invert widened, and the
    cells in `extra_hidden` hidden too. `known_total`: a published figure equal to the
    table's sum, which counts as its total."""
    values, symbols = table_cells(table)
    synthetic: set[Key] = set()
    if known_total is not None and len(table.dims) == 1:
        # A published figure equals this table's sum: for suppression it is the table's total.
        synthetic = {(TOTAL,)}
        values[(TOTAL,)] = known_total
        symbols[(TOTAL,)] = ""
    rule = rule_for(table.counts, table.sensitive, config.suppression_threshold,
                    config.sensitive_threshold)
    collapsed: list[str] = []
    hidden: set[Key] = set()
    primary: set[Key] = set()
    by_rule: set[Key] = set()
    above: frozenset[Key] = frozenset()
    if rule is not None:
        for dim, groups in table.collapse.items():
            for label, olds in groups.items():
                before = set(values)
                values, symbols = collapse_groups(values, symbols, table.dims.index(dim),
                                                  {label: olds}, rule,
                                                  force=label in collapse_anyway)
                if set(values) != before:
                    collapsed.append(label)
        # Cells of declared groups left unmerged: a reader knows none of them is small.
        above = frozenset(_in_uncollapsed_groups(table, collapsed, set(values)))
        if table.base is not None:
            # Percentages of a known number of children: suppress on the counts they imply
            # ("0.6% of 331" is 2 children).
            hidden, primary = _suppress_percentages(table, values, symbols, rule)
        else:
            primary = {k for k, v in values.items() if not symbols.get(k) and rule.is_small(v)}
            by_rule = suppress_table(values, symbols, len(table.dims), rule)
            hidden = _unrevealing(values, symbols, len(table.dims), rule, by_rule,
                                  config.min_feasible_range, above)
        extra_hidden = {k for k in extra_hidden or () if k in values}
        if extra_hidden:
            # Complements the audit asked for: choose the table's other complements again
            # with them fixed, so that one chosen before them and no longer needed is shown.
            # Where the replay widened the rule's page, every cell hidden before stays
            # hidden: chosen again from the small counts alone, the page could be the rule's
            # own again (a tie broken the other way) without the widening (a cold review
            # found "3 [c], 2 [c], 20 [c], 20" shipped that way).
            widened = table.base is None and hidden != by_rule
            fixed = (hidden if table.base is not None or widened else primary) | extra_hidden
            hidden = secondary(values, symbols, fixed, lines_of(values, len(table.dims)), rule)
    else:
        # No rule for this table here, but another version of the period hides these cells
        # (its table counted children): they stay hidden in every version. Keys that differ
        # between versions (a category renamed or collapsed) cannot be matched and are left.
        hidden = {k for k in extra_hidden or () if k in values}
    for key in synthetic:
        del values[key], symbols[key]
    hidden -= synthetic
    decimals = column_decimals(values.values(), table.unit)
    cells: dict[Key, Value] = {}
    for key, value in values.items():
        if key in hidden:
            cells[key] = Value(None, "c", table.unit, decimals)
        elif symbols.get(key):
            cells[key] = Value(None, symbols[key], table.unit, decimals)
        else:
            cells[key] = Value(value, "", table.unit, decimals, issuer=ISSUED)
    published = PublishedTable(
        name=table.name, title=table.title, dimensions=dict(table.dimensions),
        measure=table.measure, unit=table.unit, counts=table.counts, source=table.source,
        note=table.note, sensitive=table.sensitive, comparator=table.comparator, date=table.date,
        cells=cells, collapsed=tuple(collapsed), population=table.population,
        known_total=known_total,
        bases=({k: b for k in cells if (b := table.base_for(k))} if table.base is not None
               and table.unit == "percent" else None),
        partitions=_partitions(table, values) if table.base is not None else (),
        primary_hidden=len(primary & hidden), order=table.order,
        total_computed=table.total == "computed",
        above_threshold=tuple(sorted(above & hidden)))
    return TableResult(published, hidden, values)


def _interior_lines(keys: Iterable[Key], dim: int) -> dict[Key, list[Key]]:
    """The lines of a table along `dim` among cells that are not totals, by the rest of their
    key: the lines whose printed shares may add up to 100%."""
    lines: dict[Key, list[Key]] = {}
    for key in keys:
        if TOTAL not in key:
            lines.setdefault(key[:dim] + key[dim + 1:], []).append(key)
    return lines


def _adds_to_whole(shares: list[float]) -> bool:
    """Printed percentages that add up to 100, allowing for rounding."""
    return 99 <= sum(shares) <= 101


def _partitions(table: Table, values: dict[Key, float]) -> tuple[int, ...]:
    """Dimensions along which every line of a percentage table adds up to 100% (to rounding):
    its cells are shares of one base, so a reader can subtract the visible ones from 100."""
    out = []
    for dim in range(len(table.dims)):
        lines = _interior_lines(values, dim).values()
        if lines and all(all(values[k] == values[k] for k in members)
                         and _adds_to_whole([values[k] for k in members]) for members in lines):
            out.append(dim)
    return tuple(out)


def _suppress_percentages(table: Table, values: dict[Key, float], symbols: dict[Key, str],
                          rule: Rule) -> tuple[set[Key], set[Key]]:
    """Suppress a percentage table on the counts it implies ("0.6% of 331" is 2 children);
    returns the hidden cells and, of them, those hidden for being small (primary).

    Where a line's percentages add up to 100 (allowing for rounding), the 100% is an implicit
    total a reader can subtract from, so it takes part in secondary suppression."""
    implied: dict[Key, float] = {}
    primary: set[Key] = set()
    for key, value in values.items():
        base = table.base_for(key)
        if value != value:
            implied[key] = value
            continue
        if not base:
            # An unknown base cannot be checked: the cell is treated as small, so it is hidden.
            implied[key] = 1.0
            primary.add(key)
            continue
        implied[key] = round(value * base / 100)
        # A printed percentage is rounded: "1.7% of 331" is anything from 5.46 to 5.79
        # children, so the smallest count it could stand for decides. "95% of 100" reveals the
        # 5 who were not: the difference counts too.
        half = 0.5 if float(value).is_integer() else 0.05
        low = max(0.0, (value - half) * base / 100)
        rest_low = max(0.0, base - (value + half) * base / 100)
        limit = rule.threshold + 0.5
        if (value > 0 and low < limit) or (TOTAL not in key and value < 100 and rest_low < limit):
            primary.add(key)
    synthetic: set[Key] = set()
    for dim in range(len(table.dims)):
        # Along every dimension, not only the last: shares of 40 children by age group add up
        # to 100% down a column as well as along a row.
        for rest, members in _interior_lines(values, dim).items():
            total_key = (*rest[:dim], TOTAL, *rest[dim:])
            printed = [values[k] for k in members if not symbols.get(k)]
            if total_key not in values and len(printed) == len(members) and _adds_to_whole(printed):
                implied[total_key] = float(sum(implied[k] for k in members))
                synthetic.add(total_key)
    hidden = secondary(implied, symbols, primary, lines_of(implied, len(table.dims)), rule)
    return hidden - synthetic, primary - synthetic


def part_is_safe(part: Part, tables: dict[str, TableResult], ndims: dict[str, int]) -> bool:
    """A sum of table cells may be published if it includes no hidden cell, or if it is
    exactly the members of a line whose total is printed (a headline equal to a printed
    margin tells nothing new), or, in a one-dimensional table with a printed total, all of its
    hidden cells."""
    if part.table is None:
        return True
    result = tables[part.table]
    if not result.hidden:
        return True
    cells = set(part.cells)
    if not cells & result.hidden:
        return True
    for line in lines_of(result.values, ndims[part.table]):
        if (line.total is not None and line.total not in result.hidden
                and set(line.members) == cells):
            return True
    if ndims[part.table] == 1:
        total = (TOTAL,)
        members_hidden = {k for k in result.hidden if k != total}
        return members_hidden <= cells and total in result.values and total not in result.hidden
    return False


ISSUED = Issuer.PUBLISH  # the publishing step's right to give a published value a number
