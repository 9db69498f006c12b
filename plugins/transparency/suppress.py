"""Small-number suppression rules: primary, secondary (complementary) and derived figures.

Pure functions over plain dicts; `publish.py` applies them at the single choke point.
"""

from __future__ import annotations

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
                    groups: dict[str, list[str]], rule: Rule) -> tuple[dict[Key, float], dict[Key, str]]:
    """Merge the declared categories of one dimension where any of them would be suppressed."""
    values = dict(values)
    symbols = dict(symbols)
    for new_label, olds in groups.items():
        hit = any(rule.is_small(v) for k, v in values.items()
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
