"""Suppressing one table for publication: the line rule's primary and secondary suppression,
percentage tables suppressed on the counts they imply, and the cells a reader who knows how
complements are chosen could still narrow. Part of the publishing step (publish.py); reads
the raw model and returns `published.PublishedTable`s."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .metrics import Part
from .model import TOTAL, Table
from .published import Issuer, PublishedTable, Value
from .replay import CHECKS, Procedure, cells_the_choice_reveals, decide
from .settings import Config
from .suppress import Key, collapse_groups, lines_of, rule_for, secondary


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
    # Withheld: the line rule's choice could be replayed, so every cell but the totals is hidden.
    withheld: bool = False
    # Of a withheld table, cells still narrowed against its totals: the build stops
    # (period_cure.replay_findings).
    narrowed: frozenset[Key] = frozenset()


def column_decimals(values: Iterable[float], unit: str) -> int:
    """Decimal places for a table's column: none for counts, else as many as its most
    precise value (NaN cells ignored)."""
    if unit == "count":
        return 0
    return max((len(f"{v:g}".partition(".")[2]) for v in values if v == v), default=0)


def _replayed(values: dict[Key, float], symbols: dict[Key, str], procedure: Procedure,
              ) -> tuple[set[Key], set[Key], bool, set[Key]]:
    """The cells the rule hides (`replay.decide`: the line rule's choice, or every cell
    but the totals where a reader who replays the choice could narrow a cell); of them, those
    hidden for being small; whether the table is withheld for that reason; and, of a
    withheld table, the cells a reader who replays the rule could still narrow against its
    totals."""
    primary = procedure.primary(values, symbols)
    hidden, withheld = decide(values, symbols, procedure)
    narrowed = cells_the_choice_reveals(values, symbols, hidden, procedure) if withheld else set()
    return hidden, primary, withheld, narrowed


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
    primary and secondary suppression, the table withheld (every cell but its totals hidden)
    where a reader who replays the rule could invert its choice, and the cells in
    `extra_hidden` hidden too. `known_total`: a published figure equal to the
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
    withheld = False
    narrowed: set[Key] = set()
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
        procedure = Procedure(len(table.dims), rule, config.min_feasible_range, above, CHECKS)
        if table.base is not None:
            # Percentages of a known number of children: suppress on the counts they imply
            # ("0.6% of 331" is 2 children), and replay the choice on them too.
            implied, synthetic_totals, procedure = _implied_counts(table, values, symbols,
                                                                   procedure)
            hidden, primary, withheld, narrowed = _replayed(implied, symbols, procedure)
            hidden -= synthetic_totals
            primary -= synthetic_totals
        else:
            hidden, primary, withheld, narrowed = _replayed(values, symbols, procedure)
        extra_hidden = {k for k in extra_hidden or () if k in values}
        if extra_hidden:
            # Complements the audit asked for: choose the table's other complements again
            # with them fixed, so that one chosen before them and no longer needed is shown.
            # A withheld table stays withheld: chosen again from the small counts alone, the
            # page could be the rule's own again (a cold review found "3 [c], 2 [c], 20 [c],
            # 20" shipped that way).
            fixed = (hidden if table.base is not None or withheld else primary) | extra_hidden
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
        collapsed_members=tuple((label, tuple(olds)) for groups in table.collapse.values()
                                for label, olds in groups.items() if label in collapsed),
        known_total=known_total,
        bases=({k: b for k in cells if (b := table.base_for(k))} if table.base is not None
               and table.unit == "percent" else None),
        partitions=_partitions(table, values) if table.base is not None else (),
        whole=table.base is not None and table.unit == "percent" and _whole(table, values),
        primary_hidden=len(primary & hidden), order=table.order,
        total_computed=table.total == "computed",
        above_threshold=tuple(sorted(above & hidden)))
    return TableResult(published, hidden, values, withheld, frozenset(narrowed - synthetic))


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
    its cells are shares of one base, so a reader can subtract the visible ones from 100.
    A line with a cell the source does not give ([x]) cannot be checked and does not count
    against the dimension: one [x] in the young men's row does not stop a reader from reading
    the young women's row as adding up to 100% (a red team found "5 and 5" that way)."""
    out = []
    for dim in range(len(table.dims)):
        lines = [members for members in _interior_lines(values, dim).values()
                 if all(values[k] == values[k] for k in members)]
        if lines and all(_adds_to_whole([values[k] for k in members]) for members in lines):
            out.append(dim)
    return tuple(out)


def _whole(table: Table, values: dict[Key, float]) -> bool:
    """A percentage table of two or more dimensions whose cells, all shares of one base, add
    up to 100% only together (each a share of all 60 care leavers, not of a row): a reader
    subtracts the visible shares from 100, so the audit reads the cells' counts as adding up
    to the base."""
    cells = [k for k in values if TOTAL not in k]
    if len(table.dims) < 2 or not cells or any(values[k] != values[k] for k in cells):
        return False
    bases = {table.base_for(k) for k in cells}
    return len(bases) == 1 and None not in bases and _adds_to_whole([values[k] for k in cells])


def _implied_counts(table: Table, values: dict[Key, float], symbols: dict[Key, str],
                    procedure: Procedure) -> tuple[dict[Key, float], set[Key], Procedure]:
    """The counts a percentage table implies ("0.6% of 331" is 2 children), the totals its
    shares imply (keys added), and the procedure that chooses its hidden cells on them.

    Where a line's percentages add up to 100 (allowing for rounding), the 100% is an implicit
    total a reader can subtract from, so it takes part in secondary suppression. A reader is
    taken to know each shown count exactly (the printed share of a small base pins it; of a
    large one it is a little wider, and so this errs towards hiding)."""
    implied: dict[Key, float] = {}
    bases: dict[Key, float] = {}
    printed: list[tuple[Key, float, float]] = []
    for key, value in values.items():
        base = table.base_for(key)
        bases[key] = base or 0.0
        if value != value:
            implied[key] = value
        elif not base:
            implied[key] = 1.0  # an unknown base cannot be checked: hidden as small
        else:
            implied[key] = float(round(value * base / 100))
            printed.append((key, implied[key], value))
    synthetic: set[Key] = set()
    for dim in range(len(table.dims)):
        # Along every dimension, not only the last: shares of 40 children by age group add up
        # to 100% down a column as well as along a row.
        for rest, members in _interior_lines(values, dim).items():
            total_key = (*rest[:dim], TOTAL, *rest[dim:])
            shares = [values[k] for k in members if not symbols.get(k)]
            if total_key not in values and len(shares) == len(members) and _adds_to_whole(shares):
                implied[total_key] = float(sum(implied[k] for k in members))
                synthetic.add(total_key)
    return implied, synthetic, replace(
        procedure, shares_of=tuple(sorted(bases.items())),
        decimals=column_decimals(values.values(), table.unit), printed=tuple(sorted(printed)))


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
