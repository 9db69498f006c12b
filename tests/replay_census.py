"""How often the rule withholds a table, and whether any page it publishes can be inverted by a
reader who replays the whole rule: a census over random one-way lines, by brute force.

    python tests/replay_census.py --checks 2 --lines 300 [--seed 5]

For each random line of 4 to 6 counts with a small one (threshold 5), the page is published
by `replay.rule_page` with the given number of checks. For every page with a complement that
is not withheld, every split of the hidden cells' sum (the total is shown) is published the
same way; a hidden cell left fewer than 3 values among the splits that give the same page is
printed as a leak. Prints the counts measured; docs/disclosure.md quotes them. Not a test:
it takes minutes."""

from __future__ import annotations

import argparse
import collections
import itertools
import random
import time

from transparency.replay import Procedure, decide, rule_page
from transparency.suppress import Key, Rule

TOTAL = "Total"


def _line(cells: list[int]) -> dict[Key, float]:
    values = {(f"k{i}",): float(v) for i, v in enumerate(cells)}
    values[(TOTAL,)] = float(sum(cells))
    return values


def leaks(cells: list[int], procedure: Procedure) -> dict[Key, list[int]]:
    """The hidden cells of `cells`' page left fewer than 3 values by a brute-force replay."""
    values = _line(cells)
    hidden = rule_page(values, {}, procedure)
    unknown = sorted(hidden)
    left = int(sum(values[k] for k in unknown))
    seen: dict[Key, set[int]] = {k: set() for k in unknown}
    for head in itertools.product(range(1, left + 1), repeat=len(unknown) - 1):
        split = [*head, left - sum(head)]
        if split[-1] < 1:
            continue
        table = {**values, **{k: float(v) for k, v in zip(unknown, split, strict=True)}}
        if rule_page(table, {}, procedure) == hidden:
            for key, value in zip(unknown, split, strict=True):
                seen[key].add(value)
    return {k: sorted(v) for k, v in seen.items() if len(v) < 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=2)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    chance = random.Random(args.seed)
    rule = Rule(5)
    procedure = Procedure(1, rule, 3, checks=args.checks)
    counts: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()
    for _ in range(args.lines):
        cells = [chance.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 40])
                 for _ in range(chance.randint(4, 6))]
        if not any(rule.is_small(v) for v in cells):
            continue
        counts["lines with a small count"] += 1
        values = _line(cells)
        hidden, withheld = decide(values, {}, procedure)
        if withheld:
            counts["withheld"] += 1
            continue
        if all(rule.is_small(values[k]) for k in hidden):
            continue  # no complement: nothing to replay (the audit's readings)
        counts["pages with a complement, replayed"] += 1
        found = leaks(cells, procedure)
        if found:
            counts["invertible"] += 1
            print("invertible:", cells, found)
    print(f"checks={args.checks}:", dict(counts), f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
