"""Signed subset sums: every way to add or subtract some of a list of whole numbers to make a
target, for the stock-and-flow look-alike check (lookalikes.py): start + in − out = end with
any number of flows. Trying every combination of flows costs 3^n; this walks only the
combinations that fit, guided by the sums each tail of the list can make (a bit set per tail,
as Python integers: about n × (twice the sum of the numbers) bits), so a period with dozens of
flows costs milliseconds until a fit is found."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

Fit = tuple[tuple[int, int], ...]  # (index, +1 or -1) for each number used


def signed_fits(values: Sequence[int], target: int, must: frozenset[int],
                ) -> Iterator[Fit]:
    """Every choice of distinct `values`, each added or subtracted, that makes `target` and
    uses at least one index in `must` (at least one number at all when `must` holds every
    index), in the order of the list. Values are whole numbers (counts)."""
    n = len(values)
    size = [abs(v) for v in values]
    span = sum(size)
    if abs(target) > span or not must:
        return
    # any_[i]: sums the numbers from i on can make (bit span + s for sum s); need[i]: those
    # made using at least one index in `must`.
    any_ = [0] * (n + 1)
    need = [0] * (n + 1)
    any_[n] = 1 << span
    for i in range(n - 1, -1, -1):
        tail, v = any_[i + 1], size[i]
        moved = (tail << v) | (tail >> v)
        any_[i] = tail | moved
        with_need = need[i + 1]
        need[i] = with_need | (with_need << v) | (with_need >> v) | (moved if i in must else 0)

    def can(bits: int, total: int) -> bool:
        return -span <= total <= span and bool((bits >> (total + span)) & 1)

    chosen: list[tuple[int, int]] = []

    def walk(i: int, rest: int, needed: bool) -> Iterator[Fit]:
        if i == n:
            if rest == 0 and not needed:
                yield tuple(chosen)
            return
        for sign in (0, 1, -1):
            left = rest - sign * values[i]
            still = needed and not (sign and i in must)
            if not can(need[i + 1] if still else any_[i + 1], left):
                continue
            if sign:
                chosen.append((i, sign))
            yield from walk(i + 1, left, still)
            if sign:
                chosen.pop()

    yield from walk(0, target, True)
