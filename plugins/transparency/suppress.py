"""Small-number suppression rules: primary, secondary (complementary) and derived figures.

Pure functions over plain dicts; `publish.py` applies them at the single choke point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

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
    dim: int = field(default=0, compare=False)  # the dimension its members vary along


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
            lines.append(Line(tuple(members), total if total in present else None, dim))
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


def percent_is_primary(value: float, base: float, key: tuple[str, ...], rule: Rule) -> bool:
    """A printed percentage `value` of `base` children (or records) is hidden for being small:
    the smallest count it could stand for is small ("1.7% of 331" is anything from 5.46 to
    5.79), or, below 100% and outside a total, the smallest count of the rest of the base
    ("95% of 100" reveals the 5 who were not)."""
    half = 0.5 if float(value).is_integer() else 0.05
    low = max(0.0, (value - half) * base / 100)
    rest_low = max(0.0, base - (value + half) * base / 100)
    limit = rule.threshold + 0.5
    return (value > 0 and low < limit) or (TOTAL not in key and value < 100 and rest_low < limit)
