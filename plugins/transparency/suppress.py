"""Small-number suppression rules: primary, secondary (complementary) and derived figures.

Pure functions over plain dicts; `publish.py` applies them at the single choke point.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from .terms import PEOPLE, TOTAL

Key = tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """Thresholds for one table or figure."""

    threshold: int
    hide_zero: bool = False

    def is_small(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if value == 0:
            return self.hide_zero
        return value <= self.threshold


def rule_for(counts: str, sensitive: bool, threshold: int, sensitive_threshold: int) -> Rule | None:
    """The rule that applies, or None for figures that are not counts of individuals."""
    if counts not in PEOPLE:
        return None
    if sensitive:
        return Rule(sensitive_threshold, hide_zero=True)
    return Rule(threshold)


@dataclass(frozen=True)
class Line:
    """Cells that add up to a total: members and the total's key (None if not published)."""

    members: tuple[Key, ...]
    total: Key | None


def lines_of(keys: Iterable[Key], ndims: int) -> list[Line]:
    """Every line of a table: for each dimension, the cells varying along it with the
    others held fixed (including fixed at Total, i.e. the margins)."""
    keys = list(keys)
    present = set(keys)
    lines: list[Line] = []
    for dim in range(ndims):
        groups: dict[Key, list[Key]] = {}
        for key in keys:
            if key[dim] == TOTAL:
                continue
            rest = key[:dim] + key[dim + 1:]
            groups.setdefault(rest, []).append(key)
        for rest, members in groups.items():
            total = (*rest[:dim], TOTAL, *rest[dim:])
            lines.append(Line(tuple(members), total if total in present else None))
    return lines


def secondary(values: dict[Key, float], symbols: dict[Key, str], hidden: set[Key],
              lines: list[Line], rule: Rule) -> set[Key]:
    """Hide complementary cells so that, in every line with a total, the hidden cells are at
    least two and (unless the total is hidden too) sum to more than the threshold: the fewest
    cells, then the least total value, found by integer programming (`optimal_secondary`);
    the greedy order below only if that cannot be solved."""
    found = optimal_secondary(values, symbols, hidden, lines, rule)
    return found if found is not None else greedy_secondary(values, symbols, hidden, lines, rule)


def optimal_secondary(values: dict[Key, float], symbols: dict[Key, str], hidden: set[Key],
                      lines: list[Line], rule: Rule) -> set[Key] | None:
    """The line rule of `secondary` as an integer programme, as τ-ARGUS's optimal method does
    for one table: a binary per cell (hidden or not), the cells already hidden fixed; in each
    line with a total, no hidden cell alone, and hidden members summing to more than the
    threshold unless the total is hidden; minimise the cells hidden, then their total value
    (totals count a little more, so a member is hidden before its total). Zeros and symbols
    are never complements. Returns the hidden keys, or None when HiGHS cannot solve it. Every
    result is still audited (audit.py); this only chooses the complements well."""
    import highspy
    import numpy as np

    from .solver import new_highs

    keys = [k for k in values if k in hidden or (not symbols.get(k) and values[k] > 0)]
    if not hidden or not keys:
        return set(hidden)
    column = {k: i for i, k in enumerate(keys)}
    h = new_highs()
    top = max((values[k] for k in keys if values[k] == values[k]), default=1.0) or 1.0
    n = len(keys)
    lower = np.array([1.0 if k in hidden else 0.0 for k in keys])
    h.addVars(n, lower, np.ones(n))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * n))
    for i, k in enumerate(keys):
        value = values[k] if values[k] == values[k] else 0.0
        h.changeColCost(i, 1.0 + 0.5 * (TOTAL in k) + 0.1 * value / (top * n))
    limit = rule.threshold + 1
    for line in lines:
        if line.total is None:
            continue
        members = [k for k in line.members if k in column]
        cells = members + ([line.total] if line.total in column else [])
        for c in cells:  # no hidden cell alone in its line: y_c <= sum of the others
            others = [column[k] for k in cells if k != c]
            idx = np.array([column[c], *others], dtype=np.int32)
            coef = np.array([1.0] + [-1.0] * len(others))
            h.addRow(-highspy.kHighsInf, 0.0, len(idx), idx, coef)
        for c in members:  # hidden members sum past the threshold, unless the total is hidden
            columns = [column[m] for m in members]
            weights = [values[m] for m in members]
            if line.total in column:
                columns.append(column[line.total])
                weights.append(float(limit))
            row = dict(zip(columns, weights, strict=True))
            row[column[c]] = row.get(column[c], 0.0) - limit
            h.addRow(0.0, highspy.kHighsInf, len(row), np.array(list(row), dtype=np.int32),
                     np.array(list(row.values())))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution().col_value
    return {k for k in keys if solution[column[k]] > 0.5} | set(hidden)


def greedy_secondary(values: dict[Key, float], symbols: dict[Key, str], hidden: set[Key],
                     lines: list[Line], rule: Rule) -> set[Key]:
    """Hide complementary cells until, in every line with a total, the hidden cells are at
    least two and sum to more than the threshold. Repeats to a fixed point."""
    hidden = set(hidden)

    def usable(key: Key) -> bool:
        return key not in hidden and not symbols.get(key) and values[key] > 0

    changed = True
    while changed:
        changed = False
        for line in lines:
            if line.total is None:
                continue
            unknowns = [k for k in (*line.members, line.total) if k in hidden]
            if not unknowns:
                continue
            member_hidden = [k for k in line.members if k in hidden]
            hidden_sum = sum(values[k] for k in member_hidden)
            if len(unknowns) >= 2 and (line.total in hidden or hidden_sum > rule.threshold):
                continue
            candidates = sorted((k for k in line.members if usable(k)), key=lambda k: (values[k], k))
            if candidates:
                hidden.add(candidates[0])
            elif line.total not in hidden:
                hidden.add(line.total)
            else:
                continue
            changed = True
    return hidden


def suppress_table(values: dict[Key, float], symbols: dict[Key, str], ndims: int,
                   rule: Rule) -> set[Key]:
    """Primary then secondary suppression of one table; returns the hidden keys."""
    primary = {k for k, v in values.items() if not symbols.get(k) and rule.is_small(v)}
    if not primary:
        return set()
    return secondary(values, symbols, primary, lines_of(values, ndims), rule)


def collapse_groups(values: dict[Key, float], symbols: dict[Key, str], dim: int,
                    groups: dict[str, list[str]], rule: Rule,
                    force: bool = False) -> tuple[dict[Key, float], dict[Key, str]]:
    """Merge the declared categories of one dimension where any of them would be suppressed
    (or, with `force`, in any case: another version of the table merged them)."""
    values = dict(values)
    symbols = dict(symbols)
    for new_label, olds in groups.items():
        hit = force or any(rule.is_small(v) for k, v in values.items()
                           if k[dim] in olds and not symbols.get(k))
        if not hit:
            continue
        merged: dict[Key, float] = {}
        merged_symbols: dict[Key, str] = {}
        for key in [k for k in values if k[dim] in olds]:
            new_key = (*key[:dim], new_label, *key[dim + 1:])
            value = values.pop(key)
            symbol = symbols.pop(key, "")
            if symbol or merged_symbols.get(new_key):
                merged_symbols[new_key] = symbol or merged_symbols[new_key]
                merged[new_key] = math.nan
            else:
                merged[new_key] = merged.get(new_key, 0.0) + value
                merged_symbols.setdefault(new_key, "")
        values.update(merged)
        symbols.update(merged_symbols)
    return values, symbols


def derived_is_disclosive(parts: Iterable[float | None], rule: Rule) -> bool:
    """A percentage, rate, mean or change is suppressed when a numerator, denominator or
    their difference is a small count (parts are those counts, already differenced)."""
    return any(p is not None and rule.is_small(abs(p)) for p in parts)


WITNESS_TRIES = 24  # tables tried per hidden cell before it is taken as narrowed
NEAR_VALUES = 4  # values either side of the truth tried, besides every small value


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
                   values: dict[Key, float]) -> list[tuple[dict[Key, tuple[float, float]],
                                                         dict[Key, float] | None]]:
    """The ways a table giving `cell` the value `value` is sought, most likely first: every
    other hidden cell keeping its part (a small count stays small, a complement large) with
    the difference spread; the complements kept as they are and the difference spread over
    the small counts; the difference spread freely; made up by one other cell."""
    free = {k: (lowest, math.inf) for k in unknown} | {cell: (value, value)}
    roles = {k: ((lowest, float(rule.threshold)) if rule.is_small(values[k])
                 else (rule.threshold + 1.0, math.inf)) for k in unknown} | {cell: (value, value)}
    kept = roles | {k: (values[k], values[k]) for k in unknown
                    if k != cell and not rule.is_small(values[k])}
    helper = next((k for k in unknown if k != cell), None)
    modes: list[tuple[dict[Key, tuple[float, float]], dict[Key, float] | None]] = [
        (roles, None), (kept, None), (free, None)]
    if helper is not None:
        modes.append((free, {k: (1.0 if k == helper else 10.0) for k in unknown}))
    return modes


def cells_the_choice_reveals(values: dict[Key, float], symbols: dict[Key, str], ndims: int,
                             rule: Rule, hidden: set[Key], min_range: int,
                             above: frozenset[Key] = frozenset()) -> set[Key]:
    """See `_choice_reveals`; the same table asked again (each suppression attempt of a
    period publishes its tables anew) is answered from a cache. `above`: cells a reader
    knows are above the threshold (members of a declared group that was not merged); no
    witness table may make them small."""
    key = (tuple(sorted((k, None if v != v else v) for k, v in values.items())),
           tuple(sorted((k, v) for k, v in symbols.items() if v)), ndims, rule,
           frozenset(hidden), min_range, frozenset(above))
    return set(_choice_reveals_cached(key))


@functools.lru_cache(maxsize=4096)
def _choice_reveals_cached(key: tuple[tuple[tuple[Key, float | None], ...],
                                      tuple[tuple[Key, str], ...], int, Rule,
                                      frozenset[Key], int, frozenset[Key]]) -> frozenset[Key]:
    items, symbol_items, ndims, rule, hidden, min_range, above = key
    values = {k: math.nan if v is None else v for k, v in items}
    return frozenset(_choice_reveals(values, dict(symbol_items), ndims, rule, set(hidden),
                                     min_range, above))


def _choice_reveals(values: dict[Key, float], symbols: dict[Key, str], ndims: int,
                    rule: Rule, hidden: set[Key], min_range: int,
                    above: frozenset[Key] = frozenset()) -> set[Key]:
    """Hidden cells a reader who knows this module's rules could narrow to fewer than
    `min_range` values by asking which true tables give the same page: "Section 20 [c],
    Remand [c], Placement order 6" leaves only 5 and 6, since a complement larger than 6
    would have been the 6 instead (a red-team finding).

    For each hidden cell, tables are sought (by integer programming, nearest the truth) that
    agree with every shown cell and total, give the cell another value, and that
    `suppress_table` hides exactly the same cells of: each is a page a reader cannot tell
    from this one, and proves the value possible. Every small value and values near the
    truth are tried, nearest first, each in the ways `_witness_modes` lists, up to
    WITNESS_TRIES tables per cell; a table found for one cell proves the values of all. A
    cell for which fewer than `min_range` values are proved is returned (fail closed: what
    is not proved possible is taken as ruled out). Cells in no line with a total are skipped
    (the page does not bound them). Only for a table hidden by these rules alone; `hidden`
    must be what `suppress_table` gives for `values`."""
    if all(not symbols.get(k) and rule.is_small(values[k]) and TOTAL not in k for k in hidden):
        # No complement was chosen: the page says only that each hidden cell is small, which
        # the audit's readings of [c] already assume; there is no choice to invert. (The
        # readings never take a margin for small, so a hidden small margin is replayed: a red
        # team's two hidden column totals of 10 were 5 and 5.)
        return set()
    unknown = sorted(k for k in hidden if not symbols.get(k) and values[k] == values[k])
    equations = _lines_as_equations(values, symbols, ndims, set(unknown))
    bound = {k for coefficients, _ in equations for k in coefficients}
    lowest = 0.0 if rule.hide_zero else 1.0
    seen: dict[Key, set[float]] = {k: {values[k]} for k in unknown}
    tried: set[tuple[float, ...]] = set()
    revealed: set[Key] = set()
    for cell in unknown:
        if cell not in bound:
            continue
        # Values near the truth, and every small value (a complement may read as a small
        # count, and a small count as another), nearest first.
        near = {values[cell] + d for d in range(-NEAR_VALUES, NEAR_VALUES + 1)}
        small = {float(v) for v in range(int(lowest), rule.threshold + 1)}
        candidates = sorted((v for v in near | small if v >= lowest and v != values[cell]),
                            key=lambda v: (abs(v - values[cell]), v))
        tries = 0
        for value in candidates:
            if len(seen[cell]) >= min_range or tries >= WITNESS_TRIES:
                break
            if value in seen[cell]:
                continue
            if cell in above and value <= rule.threshold:
                continue  # a reader knows it is not small
            for bounds, weights in _witness_modes(unknown, cell, value, lowest, rule, values):
                bounds = bounds | {k: (max(bounds[k][0], rule.threshold + 1.0), bounds[k][1])
                                   for k in unknown if k in above and k != cell}
                tries += 1
                table = _nearest_table(unknown, equations, bounds, values, weights)
                if table is None:
                    continue
                key = tuple(table[k] for k in unknown)
                if key in tried:
                    continue
                tried.add(key)
                if suppress_table({**values, **table}, symbols, ndims, rule) == hidden:
                    for k in unknown:
                        seen[k].add(table[k])
                    break
        if len(seen[cell]) < min_range:
            revealed.add(cell)
    return revealed
