"""A reader who replays the rule: which hidden cells of one table could be narrowed by asking
which true tables give the same page, and the table withheld where one can.

`suppress.py` says which cells a table hides; this module checks the choice those rules
made, as a reader who knows them would (docs/disclosure.md, "a reader who knows the rule").
Pure functions over plain dicts; `publish_tables.py` calls them for every table."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .suppress import Key, Rule, lines_of, percent_is_primary, secondary
from .terms import TOTAL

WITNESS_TRIES = 24  # tables tried per hidden cell before it is taken as narrowed
NEAR_VALUES = 4  # values either side of the truth tried, besides every small value
REARRANGEMENTS = 12  # other orders of a line's hidden numbers tried as witness tables
CHECKS = 2  # replays a page must pass before it is published; else the table is withheld


@dataclass(frozen=True)
class Procedure:
    """How one table's page is made from its numbers, as a reader may replay it.

    `ndims`, `rule`: the table's shape and threshold. `min_range`: the fewest whole values a
    hidden cell must keep (MIN_FEASIBLE_RANGE). `above`: cells a reader knows are above the
    threshold (members of a declared group that was not merged). `checks`: how many times the
    rule's choice is replayed before it is published (0: the line rule's choice alone; 1:
    the choice unless a reader who replays the choice could narrow a cell, and then the table
    withheld; 2: the same, replaying that rule; ...).

    For a percentage table with a `base`, the page is chosen on the counts the percentages
    imply: `shares_of` gives each cell's base, `decimals` the printed precision, and `printed`
    the true printed percentage of each cell with its implied count, so that the true table
    gives exactly the page published."""

    ndims: int
    rule: Rule
    min_range: int
    above: frozenset[Key] = frozenset()
    checks: int = 0
    shares_of: tuple[tuple[Key, float], ...] | None = None
    decimals: int = 1
    printed: tuple[tuple[Key, float, float], ...] = ()

    def primary(self, values: dict[Key, float], symbols: dict[Key, str]) -> set[Key]:
        """The cells hidden for being small (counts; for a percentage table, the implied
        counts in `values`)."""
        if self.shares_of is None:
            return {k for k, v in values.items() if not symbols.get(k) and self.rule.is_small(v)}
        bases = dict(self.shares_of)
        printed = {k: (count, share) for k, count, share in self.printed}
        out = set()
        for key, count in values.items():
            if key not in bases or symbols.get(key) or count != count:
                continue  # a total the shares imply, a symbol or a missing number
            base = bases[key]
            if not base:
                out.add(key)  # an unknown base cannot be checked: taken as small
                continue
            true = printed.get(key)
            share = true[1] if true and true[0] == count else round(100 * count / base,
                                                                     self.decimals)
            if percent_is_primary(share, base, key, self.rule):
                out.add(key)
        return out

    def choice(self, values: dict[Key, float], symbols: dict[Key, str]) -> set[Key]:
        """The line rule's page: the primary cells and their complements."""
        primary = self.primary(values, symbols)
        if not primary:
            return set()
        return secondary(values, symbols, primary, lines_of(values, self.ndims), self.rule)


def rule_page(values: dict[Key, float], symbols: dict[Key, str], procedure: Procedure) -> set[Key]:
    """The cells the rule hides in this table (`decide`)."""
    return decide(values, symbols, procedure)[0]


def decide(values: dict[Key, float], symbols: dict[Key, str], procedure: Procedure,
           ) -> tuple[set[Key], bool]:
    """The cells the rule hides in this table, and whether it is withheld: the line rule's
    choice, or, where a reader who replays the rule could narrow a hidden cell of it
    (`refused`), the table withheld (`withheld`).

    Widening the choice instead (hiding one more cell beside the narrowed one, as this
    engine once did) tells a reader the choice was narrow, which a red team replayed to 5 or
    6; on 259 random lines of 4-6 counts with a small one, widening once or twice saved none
    of the 8 pages that one check then refused."""
    choice = procedure.choice(values, symbols)
    if refused(values, symbols, choice, procedure):
        return withheld(values, symbols, choice, procedure), True
    return choice, False


def refused(values: dict[Key, float], symbols: dict[Key, str], choice: set[Key],
            procedure: Procedure) -> bool:
    """Whether the line rule's `choice` is refused: a reader who replays the rule could
    narrow one of its hidden cells (`cells_the_choice_reveals`), checked `procedure.checks`
    times over, each replaying the rule with one check fewer."""
    return bool(choice) and any(
        cells_the_choice_reveals(values, symbols, choice, replace(procedure, checks=depth))
        for depth in range(procedure.checks))


def withheld(values: dict[Key, float], symbols: dict[Key, str], choice: set[Key],
             procedure: Procedure) -> set[Key]:
    """A withheld table's hidden cells: whatever the line rule hides (`choice`), every cell that is not
    a total, and, where the rule hides a margin, the other totals of its line (two hidden
    column totals that leave 10 are "5 and 5" to a reader who reads both as small). The grand
    total and the margins of lines with no hidden margin stay shown: a grand total is nearly
    always printed elsewhere too (children in care is the legal status Total), and hiding it
    there as well hid half a test site; the withheld page is checked against them instead."""
    out = choice | {k for k, v in values.items()
                    if TOTAL not in k and not symbols.get(k) and v == v}
    for line in lines_of(values, procedure.ndims):
        if any(TOTAL in k for k in line.members) and choice & set(line.members):
            out |= {k for k in line.members if not symbols.get(k) and values[k] == values[k]}
    return out


def cells_the_choice_reveals(values: dict[Key, float], symbols: dict[Key, str],
                             hidden: set[Key], procedure: Procedure) -> set[Key]:
    """Hidden cells a reader who replays `procedure` could narrow to fewer than
    `procedure.min_range` values (see `_choice_reveals`). The same table asked again (each
    suppression attempt of a period publishes its tables anew, and each check replays the
    ones before it on every witness table) is answered from a cache."""
    key = (tuple(sorted((k, None if v != v else v) for k, v in values.items())),
           tuple(sorted((k, v) for k, v in symbols.items() if v)), frozenset(hidden), procedure)
    return set(_choice_reveals_cached(key))


@functools.lru_cache(maxsize=8192)
def _choice_reveals_cached(key: tuple[tuple[tuple[Key, float | None], ...],
                                      tuple[tuple[Key, str], ...], frozenset[Key],
                                      Procedure]) -> frozenset[Key]:
    items, symbol_items, hidden, procedure = key
    values = {k: math.nan if v is None else v for k, v in items}
    symbols = dict(symbol_items)
    return frozenset(_choice_reveals(values, symbols, set(hidden), procedure,
                                     lambda table: rule_page(table, symbols, procedure)))


def _lines_as_equations(values: dict[Key, float], symbols: dict[Key, str], ndims: int,
                        unknown: set[Key]) -> list[tuple[dict[Key, float], float]]:
    """Each line with a total that a reader can add up, as (coefficients of the unknown cells,
    the sum of its shown cells moved to the other side): members − total = 0."""
    out = []
    for line in lines_of(values, ndims):
        if line.total is None:
            continue
        terms = [(k, 1.0) for k in line.members] + [(line.total, -1.0)]
        if any(symbols.get(k) or values[k] != values[k] for k, _ in terms if k not in unknown):
            continue  # a symbol or a missing number: the line gives no equation
        coefficients: dict[Key, float] = {}
        rest = 0.0
        for key, sign in terms:
            if key in unknown:
                coefficients[key] = coefficients.get(key, 0.0) + sign
            else:
                rest -= sign * values[key]
        if coefficients:
            out.append((coefficients, rest))
    return out


def _nearest_table(unknown: list[Key], equations: list[tuple[dict[Key, float], float]],
                   bounds: dict[Key, tuple[float, float]], true: dict[Key, float],
                   weights: dict[Key, float] | None) -> dict[Key, float] | None:
    """Whole numbers for the hidden cells within `bounds` that agree with every equation and
    are as near the true ones as can be: by weighted total distance, or with `weights` None
    by the largest distance of any cell not fixed by its bounds (the difference spread over
    the others). None when there are none."""
    import highspy
    import numpy as np

    from .solver import new_highs

    n = len(unknown)
    column = {k: i for i, k in enumerate(unknown)}
    h = new_highs()
    # x (the cells), d (their distance from the truth: d >= x - t, d >= t - x), and the
    # largest distance of a free cell.
    lower = np.array([bounds[k][0] for k in unknown] + [0.0] * (n + 1))
    upper = np.array([bounds[k][1] for k in unknown] + [highspy.kHighsInf] * (n + 1))
    h.addVars(2 * n + 1, lower, upper)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * n))
    if weights is None:
        h.changeColCost(2 * n, 1.0)
    for i, k in enumerate(unknown):
        h.changeColCost(n + i, 0.01 if weights is None else weights.get(k, 1.0))
        pair = np.array([i, n + i], dtype=np.int32)
        h.addRow(-highspy.kHighsInf, true[k], 2, pair, np.array([1.0, -1.0]))
        h.addRow(true[k], highspy.kHighsInf, 2, pair, np.array([1.0, 1.0]))
        if weights is None and bounds[k][0] != bounds[k][1]:
            h.addRow(-highspy.kHighsInf, 0.0, 2, np.array([n + i, 2 * n], dtype=np.int32),
                     np.array([1.0, -1.0]))
    for coefficients, rest in equations:
        idx = np.array([column[k] for k in coefficients], dtype=np.int32)
        h.addRow(rest, rest, len(idx), idx, np.array(list(coefficients.values())))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution().col_value
    return {k: float(round(solution[i])) for i, k in enumerate(unknown)}


def _witness_modes(unknown: list[Key], cell: Key, value: float, lowest: float, rule: Rule,
                   values: dict[Key, float], small: set[Key],
                   ) -> list[tuple[dict[Key, tuple[float, float]], dict[Key, float] | None]]:
    """The ways a table giving `cell` the value `value` is sought, most likely first: every
    other hidden cell keeping its part (a small count stays small, a complement large) with
    the difference spread; the complements kept as they are and the difference spread over
    the small counts; the difference spread freely; made up by one other cell."""
    free = {k: (lowest, math.inf) for k in unknown} | {cell: (value, value)}
    roles = {k: ((lowest, float(rule.threshold)) if k in small
                 else (rule.threshold + 1.0, math.inf)) for k in unknown} | {cell: (value, value)}
    kept = roles | {k: (values[k], values[k]) for k in unknown if k != cell and k not in small}
    helper = next((k for k in unknown if k != cell), None)
    modes: list[tuple[dict[Key, tuple[float, float]], dict[Key, float] | None]] = [
        (roles, None), (kept, None), (free, None)]
    if helper is not None:
        modes.append((free, {k: (1.0 if k == helper else 10.0) for k in unknown}))
    return modes


def _rearranged(unknown: list[Key], values: dict[Key, float], ndims: int,
                ) -> list[dict[Key, float]]:
    """Witness tables to try first in a one-dimensional table: the hidden members' numbers
    in another order, which keeps every sum: each rotation (so that every cell takes every
    number of the line), then each swap of two, at most REARRANGEMENTS in all."""
    members = [k for k in unknown if TOTAL not in k]
    if ndims != 1 or len(members) < 2:
        return []
    numbers = [values[k] for k in members]
    orders = [numbers[i:] + numbers[:i] for i in range(1, len(numbers))]
    for i, j in itertools.combinations(range(len(numbers)), 2):
        swapped = list(numbers)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        orders.append(swapped)
    out: list[dict[Key, float]] = []
    for order in orders:
        table = dict(zip(members, order, strict=True))
        if order != numbers and table not in out:
            out.append(table)
    return out[:REARRANGEMENTS]


def _choice_reveals(values: dict[Key, float], symbols: dict[Key, str], hidden: set[Key],
                    procedure: Procedure, page: Callable[[dict[Key, float]], set[Key]],
                    ) -> set[Key]:
    """Hidden cells a reader who knows the rule could narrow to fewer than
    `procedure.min_range` values by asking which true tables give the same page: "Section 20
    [c], Remand [c], Placement order 6" leaves only 5 and 6, since a complement larger than 6
    would have been the 6 instead (a red-team finding).

    For each hidden cell, tables are sought (by integer programming, nearest the truth) that
    agree with every shown cell and total, give the cell another value, and that `page` (the
    whole rule, its earlier checks included) hides exactly the same cells of: each is a page
    a reader cannot tell from this one, and proves the value possible. Every small value and
    values near the truth are tried, nearest first, each in the ways `_witness_modes` lists,
    up to WITNESS_TRIES tables per cell; a table found for one cell proves the values of all.
    A cell for which fewer than `min_range` values are proved is returned (fail closed: what
    is not proved possible is taken as ruled out). Cells in no line with a total are skipped
    (the page does not bound them)."""
    small = procedure.primary(values, symbols)
    if hidden <= small and not any(TOTAL in k for k in hidden):
        # No complement was chosen: the page says only that each hidden cell is small, which
        # the audit's readings of [c] already assume; there is no choice to invert, and every
        # check passes it. (The readings never take a margin for small, so a hidden small
        # margin is replayed: a red team's two hidden column totals of 10 were 5 and 5.)
        return set()
    unknown = sorted(k for k in hidden if not symbols.get(k) and values[k] == values[k])
    search = _Search(values, hidden, procedure, page, unknown, small,
                     _lines_as_equations(values, symbols, procedure.ndims, set(unknown)))
    for table in _rearranged(unknown, values, procedure.ndims):
        # The same numbers in other cells: a withheld line is as likely one way round.
        if all(len(seen) >= procedure.min_range for seen in search.seen.values()):
            break
        if not any(table[k] <= procedure.rule.threshold for k in procedure.above if k in table):
            search.witness(table)
    bound = {k for coefficients, _ in search.equations for k in coefficients}
    return {cell for cell in unknown if cell in bound and not search.proves_range(cell)}


@dataclass
class _Search:
    """Witness tables for one page: the values each hidden cell is proved to take."""

    values: dict[Key, float]
    hidden: set[Key]
    procedure: Procedure
    page: Callable[[dict[Key, float]], set[Key]]
    unknown: list[Key]
    small: set[Key]
    equations: list[tuple[dict[Key, float], float]]
    seen: dict[Key, set[float]] = field(default_factory=dict)
    tried: set[tuple[float, ...]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.seen = {k: {self.values[k]} for k in self.unknown}

    def witness(self, table: dict[Key, float]) -> bool:
        """Whether `table` (numbers for the hidden cells) gives the same page; if so, every
        value of it is proved possible."""
        table = {k: table.get(k, self.values[k]) for k in self.unknown}  # a rotation keeps totals
        key = tuple(table[k] for k in self.unknown)
        if key in self.tried:
            return False
        self.tried.add(key)
        if self.page({**self.values, **table}) != self.hidden:
            return False
        for k in self.unknown:
            self.seen[k].add(table[k])
        return True

    def proves_range(self, cell: Key) -> bool:
        """Whether `min_range` values of `cell` are proved possible: values near the truth and
        every small value (a complement may read as a small count, and a small count as
        another), nearest first, each sought in the ways `_witness_modes` lists, up to
        WITNESS_TRIES tables."""
        rule, values, above = self.procedure.rule, self.values, self.procedure.above
        lowest = 0.0 if rule.hide_zero else 1.0
        near = {values[cell] + d for d in range(-NEAR_VALUES, NEAR_VALUES + 1)}
        smalls = {float(v) for v in range(int(lowest), rule.threshold + 1)}
        candidates = sorted((v for v in near | smalls if v >= lowest and v != values[cell]),
                            key=lambda v: (abs(v - values[cell]), v))
        tries = 0
        for value in candidates:
            if len(self.seen[cell]) >= self.procedure.min_range or tries >= WITNESS_TRIES:
                break
            if value in self.seen[cell] or (cell in above and value <= rule.threshold):
                continue  # proved already, or a reader knows it is not small
            for bounds, weights in _witness_modes(self.unknown, cell, value, lowest, rule,
                                                  values, self.small):
                bounds = bounds | {k: (max(bounds[k][0], rule.threshold + 1.0), bounds[k][1])
                                   for k in self.unknown if k in above and k != cell}
                tries += 1
                table = _nearest_table(self.unknown, self.equations, bounds, values, weights)
                if table is not None and self.witness(table):
                    break
        return len(self.seen[cell]) >= self.procedure.min_range
