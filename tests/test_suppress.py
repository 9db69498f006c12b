"""Unit tests of the small-number suppression rules on small dicts."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transparency import model
from transparency.replay import CHECKS, Procedure, cells_the_choice_reveals, rule_page
from transparency.suppress import (
    Key,
    Line,
    Rule,
    collapse_groups,
    derived_is_disclosive,
    lines_of,
    rule_for,
    secondary,
    suppress_table,
)

T = "Total"
NORMAL = Rule(5)
SENSITIVE = Rule(10, hide_zero=True)


def one_d(**cells: float) -> tuple[dict, dict]:
    """A 1-D table from keyword cells; the Total is added as their sum."""
    values = {(k.replace("_", " "),): float(v) for k, v in cells.items()}
    values[(T,)] = sum(values.values())
    return values, {k: "" for k in values}


def two_d(grid: dict[tuple[str, str], float]) -> tuple[dict, dict]:
    """A 2-D table with Total rows and columns (margins) added."""
    values = {k: float(v) for k, v in grid.items()}
    rows = sorted({r for r, _ in grid})
    cols = sorted({c for _, c in grid})
    for r in rows:
        values[(r, T)] = sum(grid[(r, c)] for c in cols)
    for c in cols:
        values[(T, c)] = sum(grid[(r, c)] for r in rows)
    values[(T, T)] = sum(grid.values())
    return values, {k: "" for k in values}


def assert_lines_protected(values: dict, hidden: set, ndims: int, rule: Rule) -> None:
    """In every line with a total: no hidden cell, or at least two hidden cells (counting
    the total) and, when the total is published, hidden cells adding to more than the
    threshold."""
    for line in lines_of(values, ndims):
        if line.total is None:
            continue
        hidden_members = [k for k in line.members if k in hidden]
        unknowns = len(hidden_members) + (line.total in hidden)
        if unknowns == 0:
            continue
        assert unknowns >= 2, f"a single hidden cell in {line}: it can be worked out"
        if line.total not in hidden:
            hidden_sum = sum(values[k] for k in hidden_members)
            assert hidden_sum > rule.threshold, (
                f"hidden cells {hidden_members} add to {hidden_sum} in {line}")


# --- rules ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_primary_hides_one_to_five(value: int) -> None:
    assert NORMAL.is_small(value)


@pytest.mark.parametrize("value", [0, 6, 7, 100])
def test_primary_shows_zero_and_six_upwards(value: int) -> None:
    assert not NORMAL.is_small(value)


def test_not_available_is_not_small() -> None:
    assert not NORMAL.is_small(math.nan)
    assert not SENSITIVE.is_small(math.nan)


@pytest.mark.parametrize("value", [0, 1, 5, 10])
def test_sensitive_rule_hides_zero_to_threshold(value: int) -> None:
    assert SENSITIVE.is_small(value)


def test_sensitive_rule_shows_above_threshold() -> None:
    assert not SENSITIVE.is_small(11)


def test_rule_for_chooses_by_counts_and_sensitivity() -> None:
    assert rule_for("none", False, 5, 10) is None
    assert rule_for("none", True, 5, 10) is None
    assert rule_for("children", False, 5, 10) == Rule(5)
    assert rule_for("records", False, 5, 10) == Rule(5)
    assert rule_for("children", True, 5, 10) == Rule(10, hide_zero=True)


def test_primary_in_a_table_without_total() -> None:
    values = {("A",): 3.0, ("B",): 0.0, ("C",): 40.0}
    symbols = {k: "" for k in values}
    # No Total row: nothing can be worked out by subtraction, so only primary applies.
    assert suppress_table(values, symbols, 1, NORMAL) == {("A",)}


def test_nothing_small_hides_nothing() -> None:
    values, symbols = one_d(A=10, B=0, C=40)
    assert suppress_table(values, symbols, 1, NORMAL) == set()


def test_sensitive_rule_hides_zero_in_a_table() -> None:
    values, symbols = one_d(A=0, B=50, C=60)
    hidden = suppress_table(values, symbols, 1, SENSITIVE)
    assert ("A",) in hidden
    assert_lines_protected(values, hidden, 1, SENSITIVE)


def test_not_available_cells_are_neither_hidden_nor_complements() -> None:
    values = {("A",): 3.0, ("B",): math.nan, ("C",): 40.0, ("D",): 50.0, (T,): math.nan}
    symbols = {("A",): "", ("B",): "x", ("C",): "", ("D",): "", (T,): "x"}
    hidden = suppress_table(values, symbols, 1, NORMAL)
    assert ("B",) not in hidden
    assert ("A",) in hidden


# --- secondary suppression ------------------------------------------------------------

def test_single_hidden_cell_gets_the_next_smallest_positive_complement() -> None:
    values, symbols = one_d(A=3, B=40, C=12, D=90)
    hidden = suppress_table(values, symbols, 1, NORMAL)
    assert hidden == {("A",), ("C",)}


def test_two_hidden_ones_get_a_third_complement() -> None:
    values, symbols = one_d(A=1, B=1, C=30, D=20, E=50)
    hidden = suppress_table(values, symbols, 1, NORMAL)
    # 1 + 1 = 2 is still a small number that the total would reveal.
    assert hidden == {("A",), ("B",), ("D",)}
    assert_lines_protected(values, hidden, 1, NORMAL)


def test_two_hidden_cells_adding_to_more_than_threshold_need_no_complement() -> None:
    values, symbols = one_d(A=2, B=5, C=30)
    assert suppress_table(values, symbols, 1, NORMAL) == {("A",), ("B",)}


def test_zeros_are_never_chosen_as_complements() -> None:
    values, symbols = one_d(A=2, B=0, C=0, D=30, E=45)
    hidden = suppress_table(values, symbols, 1, NORMAL)
    assert ("B",) not in hidden and ("C",) not in hidden
    assert hidden == {("A",), ("D",)}


def test_total_is_hidden_when_no_complement_is_possible() -> None:
    values, symbols = one_d(A=3, B=0)
    hidden = suppress_table(values, symbols, 1, NORMAL)
    assert hidden == {("A",), (T,)}


def test_secondary_does_not_change_its_inputs() -> None:
    values, symbols = one_d(A=3, B=40, C=12)
    primary = {("A",)}
    before = set(primary)
    secondary(values, symbols, primary, lines_of(values, 1), NORMAL)
    assert primary == before


def test_lines_of_a_2d_table_include_the_margins() -> None:
    values, _ = two_d({("a", "F"): 1, ("a", "M"): 2, ("b", "F"): 3, ("b", "M"): 4})
    lines = lines_of(values, 2)
    as_sets = {(frozenset(line.members), line.total) for line in lines}
    assert (frozenset({("a", "F"), ("a", "M")}), ("a", T)) in as_sets
    assert (frozenset({("a", "F"), ("b", "F")}), (T, "F")) in as_sets
    # The margins are lines too: the row totals add up to the grand total.
    assert (frozenset({("a", T), ("b", T)}), (T, T)) in as_sets
    assert (frozenset({(T, "F"), (T, "M")}), (T, T)) in as_sets
    assert len(lines) == 6


def test_lines_of_a_table_without_totals_have_no_total() -> None:
    lines = lines_of([("a",), ("b",)], 1)
    assert lines == [Line((("a",), ("b",)), None)]


def test_2d_table_with_margins_is_protected_in_every_line() -> None:
    grid = {
        ("Under 1", "F"): 3, ("Under 1", "M"): 40, ("Under 1", "U"): 0,
        ("1 to 4", "F"): 25, ("1 to 4", "M"): 2, ("1 to 4", "U"): 0,
        ("5 to 9", "F"): 30, ("5 to 9", "M"): 31, ("5 to 9", "U"): 1,
        ("10 plus", "F"): 60, ("10 plus", "M"): 75, ("10 plus", "U"): 0,
    }
    values, symbols = two_d(grid)
    hidden = suppress_table(values, symbols, 2, NORMAL)
    primary = {k for k, v in values.items() if 1 <= v <= 5}
    assert primary <= hidden
    assert_lines_protected(values, hidden, 2, NORMAL)
    assert not any(values[k] == 0 for k in hidden)


@st.composite
def grids(draw: st.DrawFn) -> dict[tuple[str, str], float]:
    rows = draw(st.integers(2, 4))
    cols = draw(st.integers(2, 4))
    cell = st.one_of(st.integers(0, 6), st.integers(0, 80))
    return {(f"r{r}", f"c{c}"): draw(cell) for r, c in itertools.product(range(rows), range(cols))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), sensitive=st.booleans())
def test_2d_tables_with_margins_are_protected_in_every_line(grid: dict, sensitive: bool) -> None:
    rule = SENSITIVE if sensitive else NORMAL
    values, symbols = two_d(grid)
    hidden = suppress_table(values, symbols, 2, rule)
    assert {k for k, v in values.items() if rule.is_small(v)} <= hidden
    assert_lines_protected(values, hidden, 2, rule)
    if not sensitive:
        assert not any(values[k] == 0 for k in hidden), "a zero was hidden"


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_1d_tables_with_a_total_are_protected(cells: list[int]) -> None:
    values, symbols = one_d(**{f"c{i}": v for i, v in enumerate(cells)})
    hidden = suppress_table(values, symbols, 1, NORMAL)
    assert {k for k, v in values.items() if 1 <= v <= 5} <= hidden
    assert_lines_protected(values, hidden, 1, NORMAL)


# --- collapsing categories ------------------------------------------------------------

def test_collapse_merges_declared_categories_when_one_would_be_suppressed() -> None:
    values, symbols = one_d(Foster=100, Residential=4, Secure=3, Other_=50)
    new_values, new_symbols = collapse_groups(values, symbols, 0,
                                              {"Residential or secure": ["Residential", "Secure"]},
                                              NORMAL)
    assert new_values[("Residential or secure",)] == 7
    assert ("Residential",) not in new_values and ("Secure",) not in new_values
    assert new_values[("Foster",)] == 100 and new_values[(T,)] == 157
    assert new_symbols[("Residential or secure",)] == ""


def test_collapse_leaves_categories_alone_when_none_would_be_suppressed() -> None:
    values, symbols = one_d(Foster=100, Residential=14, Secure=13)
    new_values, new_symbols = collapse_groups(values, symbols, 0,
                                              {"Residential or secure": ["Residential", "Secure"]},
                                              NORMAL)
    assert new_values == values
    assert new_symbols == symbols


def test_collapse_does_not_count_zero_as_small() -> None:
    values, symbols = one_d(Foster=100, Residential=14, Secure=0)
    new_values, _ = collapse_groups(values, symbols, 0, {"Other": ["Residential", "Secure"]},
                                    NORMAL)
    assert new_values == values


def test_collapse_does_not_change_its_inputs() -> None:
    values, symbols = one_d(Foster=100, Residential=4, Secure=3)
    before = dict(values)
    collapse_groups(values, symbols, 0, {"Other": ["Residential", "Secure"]}, NORMAL)
    assert values == before


def test_collapse_in_a_2d_table_merges_along_its_dimension_only() -> None:
    values, symbols = two_d({("a", "F"): 2, ("a", "M"): 30, ("b", "F"): 10, ("b", "M"): 20,
                             ("c", "F"): 40, ("c", "M"): 50})
    new_values, _ = collapse_groups(values, symbols, 0, {"a or b": ["a", "b"]}, NORMAL)
    assert new_values[("a or b", "F")] == 12
    assert new_values[("a or b", "M")] == 50
    assert new_values[("a or b", T)] == 62
    assert new_values[("c", "F")] == 40
    assert new_values[(T, T)] == values[(T, T)]
    assert not any(k[0] in ("a", "b") for k in new_values)


def test_collapse_of_an_unavailable_cell_is_unavailable() -> None:
    values = {("A",): 3.0, ("B",): math.nan, ("C",): 40.0}
    symbols = {("A",): "", ("B",): "x", ("C",): ""}
    new_values, new_symbols = collapse_groups(values, symbols, 0, {"A or B": ["A", "B"]}, NORMAL)
    assert math.isnan(new_values[("A or B",)])
    assert new_symbols[("A or B",)] == "x"


# --- derived figures ------------------------------------------------------------------

@pytest.mark.parametrize(("parts", "expected"), [
    ((3, 100, 97), True),      # numerator small
    ((97, 100, 3), True),      # difference small
    ((40, 3, None), True),     # denominator small
    ((40, 100, 60), False),
    ((0, 100, 100), False),    # zero is shown
    ((None, None, None), False),
    ((-4, 200, 20), True),     # a change of -4 is as small as +4
    ((6, 6, 0), False),
])
def test_derived_is_disclosive(parts: tuple, expected: bool) -> None:
    assert derived_is_disclosive(parts, NORMAL) is expected


def test_derived_is_disclosive_with_the_sensitive_rule() -> None:
    assert derived_is_disclosive((0, 40, 40), SENSITIVE)
    assert derived_is_disclosive((30, 40, 10), SENSITIVE)
    assert not derived_is_disclosive((30, 45, 15), SENSITIVE)


# --- optimal secondary suppression (issue 10) ---------------------------------------------

def _grid(rows: list[list[int]]) -> dict[tuple[str, str], float]:
    values = {}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            values[(f"r{r}", f"c{c}")] = float(v)
        values[(f"r{r}", "Total")] = float(sum(row))
    for c in range(len(rows[0])):
        values[("Total", f"c{c}")] = float(sum(row[c] for row in rows))
    values[("Total", "Total")] = float(sum(map(sum, rows)))
    return values


def _line_rule_holds(values, hidden, lines, rule) -> bool:
    for line in lines:
        if line.total is None:
            continue
        cells = [*line.members, line.total]
        hidden_here = [k for k in cells if k in hidden]
        if len(hidden_here) == 1:
            return False
        members = [k for k in line.members if k in hidden]
        if members and line.total not in hidden and sum(values[k] for k in members) <= rule.threshold:
            return False
    return True


def test_optimal_secondary_hides_fewer_cells_than_the_greedy_order():
    from transparency.suppress import greedy_secondary, optimal_secondary

    values = _grid([[6, 20, 15], [3, 8, 20], [12, 30, 20]])  # one small cell: 3
    lines = lines_of(values, 2)
    primary = {("r1", "c0")}
    optimal = optimal_secondary(values, {}, primary, lines, NORMAL)
    greedy = greedy_secondary(values, {}, primary, lines, NORMAL)
    assert len(optimal) == 4 and len(greedy) == 6
    assert _line_rule_holds(values, optimal, lines, NORMAL)
    assert secondary(values, {}, primary, lines, NORMAL) == optimal


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0, 1, 2, 3, 6, 8, 12, 20, 30]), min_size=3, max_size=3),
                min_size=2, max_size=4))
def test_optimal_secondary_keeps_the_line_rule_and_never_hides_more(rows):
    from transparency.suppress import greedy_secondary, optimal_secondary

    values = _grid(rows)
    lines = lines_of(values, 2)
    primary = {k for k, v in values.items() if NORMAL.is_small(v)}
    optimal = optimal_secondary(values, {}, primary, lines, NORMAL)
    assert optimal is not None and primary <= optimal
    assert _line_rule_holds(values, optimal, lines, NORMAL)
    assert len(optimal) <= len(greedy_secondary(values, {}, primary, lines, NORMAL))
    assert not any(values[k] == 0 for k in optimal - primary), "a zero is no complement"


def test_a_choice_of_complement_a_reader_can_invert_is_found():
    # Section 20 and Remand add to 11; the complement is the smallest shown cell, so only
    # 5 + 6 and 6 + 5 give this page (a red-team finding): a third cell must be hidden.
    values = {("Care order",): 120.0, ("Interim care order",): 40.0, ("Placement order",): 6.0,
              ("Section 20",): 6.0, ("Remand",): 5.0, ("Total",): 177.0}
    rule = Rule(5)
    hidden = suppress_table(values, {}, 1, rule)
    assert hidden == {("Remand",), ("Section 20",)} or hidden == {("Remand",), ("Placement order",)}
    assert cells_the_choice_reveals(values, {}, hidden, Procedure(1, rule, 3)) == hidden
    # With a larger gap to the next cell, many splits give the same page.
    roomy = {**values, ("Section 20",): 30.0, ("Placement order",): 40.0, ("Total",): 235.0}
    assert not cells_the_choice_reveals(roomy, {}, suppress_table(roomy, {}, 1, rule),
                                        Procedure(1, rule, 3))


def test_a_choice_among_three_hidden_cells_is_inverted_too():
    # 3 and 2 are small and add to 5, so a complement is needed: one of the two 20s. A reader
    # knows the complement is no larger than the 20 left shown and the two small counts add
    # to at most 5, so the complement is 20 exactly (issue 10: lines with three hidden
    # cells were not inverted). The table is withheld: every cell but the total hidden.
    values = {("A",): 3.0, ("B",): 2.0, ("C",): 20.0, ("D",): 20.0, ("Total",): 45.0}
    rule = Rule(5)
    hidden = suppress_table(values, {}, 1, rule)
    complement = next(iter(hidden - {("A",), ("B",)}))
    assert len(hidden) == 3
    assert cells_the_choice_reveals(values, {}, hidden, Procedure(1, rule, 3)) == {complement}
    assert rule_page(values, {}, Procedure(1, rule, 3, checks=1)) == set(values) - {(T,)}


def _replayed_by_enumeration(cells: list[int], procedure: Procedure) -> dict[Key, list[int]]:
    """A reader's replay of one line, by brute force: every split of the hidden cells' sum
    (the total is shown) published by `rule_page`; the hidden cells left with fewer than 3
    values among the splits that give the page published, with those values."""
    values = {(chr(65 + i),): float(v) for i, v in enumerate(cells)}
    values[(T,)] = float(sum(cells))
    hidden = rule_page(values, {}, procedure)
    if (T,) in hidden:
        return {}  # the total hidden: no sum to replay against
    unknown = sorted(hidden)
    lowest = 0 if procedure.rule.hide_zero else 1
    seen: dict[Key, set[int]] = {k: set() for k in unknown}
    left = int(sum(values[k] for k in unknown))
    for head in itertools.product(range(lowest, left + 1), repeat=len(unknown) - 1):
        split = [*head, left - sum(head)]
        if split[-1] < lowest:
            continue
        if rule_page({**values, **{k: float(v) for k, v in zip(unknown, split, strict=True)}},
                     {}, procedure) == hidden:
            for key, value in zip(unknown, split, strict=True):
                seen[key].add(value)
    return {k: sorted(v) for k, v in seen.items() if len(v) < 3}


def test_a_page_a_reader_replays_with_its_checks_gives_nothing_away():
    # A red team replayed the widening step this engine once took (hide the smallest shown
    # cell beside a narrowed one): Foster care 6, Connected person 6, Residential 5 as three
    # [c] beside 20, 9 and a Total of 46 were each 5 or 6, and widening again did not help.
    # The rule now publishes the line rule's choice only where replaying the rule, its own
    # checks included, leaves every hidden cell 3 values; else the table is withheld.
    rule = Rule(5)
    missing = [6, 6, 5, 20, 9]
    values = {(chr(65 + i),): float(v) for i, v in enumerate(missing)} | {(T,): 46.0}
    procedure = Procedure(1, rule, 3, checks=CHECKS)
    withheld = rule_page(values, {}, procedure)
    assert withheld == set(values) - {(T,)}
    # Its total stays shown (it is the headline elsewhere); the same numbers in another order
    # are withheld too, so the total narrows nothing.
    assert not cells_the_choice_reveals(values, {}, withheld, procedure)
    # Without the check, the line rule's own page is what the red team inverted.
    assert _replayed_by_enumeration(missing, Procedure(1, rule, 3, checks=0)) == {
        ("B",): [5, 6], ("C",): [5, 6]}


def test_no_page_the_rule_publishes_is_inverted_by_a_reader_who_replays_it():
    # Property: on random lines, the page published leaves every hidden cell at least 3
    # values among all the tables a reader who replays the whole rule cannot tell from it.
    import random

    chance = random.Random(23)
    tried = 0
    while tried < 12:
        rule = chance.choice([Rule(5), Rule(3)])
        cells = [chance.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 20])
                 for _ in range(chance.randint(3, 4))]
        if not any(rule.is_small(v) for v in cells) or sum(cells) > 30:
            continue
        tried += 1
        assert _replayed_by_enumeration(cells, Procedure(1, rule, 3, checks=CHECKS)) == {}, cells


def _choice_by_enumeration(values, hidden, rule):
    """The hidden members of a one-line table a reader who replays suppress_table narrows to
    fewer than 3 values, by trying every split of their sum (the total is shown)."""
    unknown = sorted(hidden)
    lowest = 0 if rule.hide_zero else 1
    seen = {k: set() for k in unknown}

    def splits(i, left):
        if i == len(unknown) - 1:
            if left >= lowest:
                yield [left]
            return
        for value in range(lowest, int(left) - lowest * (len(unknown) - i - 1) + 1):
            yield from ([value, *rest] for rest in splits(i + 1, left - value))

    for split in splits(0, sum(values[k] for k in unknown)):
        if suppress_table({**values, **dict(zip(unknown, map(float, split), strict=True))},
                          {}, 1, rule) == hidden:
            for key, value in zip(unknown, split, strict=True):
                seen[key].add(value)
    return {k for k, v in seen.items() if len(v) < 3}


def test_the_choice_check_misses_nothing_enumeration_finds():
    # Whatever a reader who replays the rule can narrow, by trying every split, the witness
    # search reports too (it may report more: what it cannot prove possible it takes as
    # ruled out). Tables whose hidden cells are all small are the audit's readings.
    import random

    chance = random.Random(11)
    narrowed = 0
    for _ in range(300):
        rule = chance.choice([Rule(5), Rule(3), Rule(10, hide_zero=True)])
        cells = [chance.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12])
                 for _ in range(chance.randint(3, 5))]
        values = {(chr(65 + i),): float(v) for i, v in enumerate(cells)}
        values[(T,)] = float(sum(cells))
        hidden = suppress_table(values, {}, 1, rule)
        if not hidden or (T,) in hidden or len(hidden) > 3 \
                or all(rule.is_small(values[k]) for k in hidden):
            continue
        truth = _choice_by_enumeration(values, hidden, rule)
        assert truth <= cells_the_choice_reveals(values, {}, hidden, Procedure(1, rule, 3)), (cells, rule)
        narrowed += bool(truth)
    assert narrowed >= 5, "the sample must hold tables a reader can narrow"


def test_a_replay_knows_an_unmerged_group_is_not_small():
    # A cold review: with "Remand or other: [Remand, Other]" declared and not merged, a
    # reader knows Remand is above 5; picked as the complement beside Other 7, with Section
    # 20 (3) and Remand adding to 9, it was 6 exactly. The replay now knows it, and the
    # table is withheld.
    from factories import CONFIG
    from support import make_table
    from transparency.publish_tables import publish_table

    table = make_table("legal", ["legal"], {("Section 20",): 3, ("Remand",): 6, ("Other",): 7,
                                            ("Care order",): 40, (T,): 56},
                       collapse={"legal": {"Remand or other": ["Remand", "Other"]}})
    result = publish_table(table, CONFIG)
    assert result.hidden == set(result.values) - {(T,)}
    assert set(result.published.above_threshold) == {("Remand",), ("Other",)}


def test_complements_the_audit_asks_for_keep_a_withheld_table_withheld():
    # A cold review: asked to hide one more cell, the table chose its complements again from
    # the small counts alone and shipped "3 [c], 2 [c], 20 [c], 20", the rule's own page,
    # which a reader replays (the complement is 20 exactly). What was hidden stays hidden.
    from factories import CONFIG
    from support import make_table
    from transparency.publish_tables import publish_table, table_cells

    table = make_table("t", ["a"], {("A",): 3, ("B",): 2, ("C",): 20, ("D",): 20, ("E",): 50,
                                    (T,): 95})
    alone = publish_table(table, CONFIG).hidden
    assert alone == set(table_cells(table)[0]) - {(T,)}
    assert publish_table(table, CONFIG, {("A",)}).hidden >= alone


def test_a_percentage_tables_choice_is_replayed_on_the_counts_it_implies():
    # Red team 6: challenges resolved by the social worker 58.5%, team manager 14.6%,
    # service manager [c], escalated [c] of 41 (24, 6, 6, 5): the hidden two add to 11, so one
    # is small and the complement no larger than the team manager's 6: each 5 or 6. A reader
    # who replays the rule on every split of the 11 must be left 3 values for each, or the
    # table withheld.
    import dataclasses

    from factories import CONFIG
    from support import make_table
    from transparency.publish_tables import publish_table

    def outcomes(counts: list[int]) -> model.Table:
        table = make_table("challenges", ["outcome"],
                           {(label,): round(100 * c / 41, 1)
                            for label, c in zip(labels, counts, strict=True)},
                           unit="percent", counts="records")
        return dataclasses.replace(table, base=41.0)

    labels = ["Social worker", "Team manager", "Service manager", "Escalated"]
    truth = [24, 6, 6, 5]
    hidden = publish_table(outcomes(truth), CONFIG).hidden
    assert {("Service manager",), ("Escalated",)} <= hidden
    # Splits of the 41 near the truth (enough: a value proved possible among some of the
    # tables a reader cannot tell apart is possible), published as the rule would.
    seen: dict[Key, set[int]] = {k: set() for k in hidden}
    for social, team, service in itertools.product(range(22, 27), range(3, 10), range(3, 10)):
        counts = [social, team, service, 41 - social - team - service]
        if counts[3] < 0 or any(counts[i] != truth[i] for i in range(4)
                                if (labels[i],) not in hidden):
            continue
        if publish_table(outcomes(counts), CONFIG).hidden == hidden:
            for label, count in zip(labels, counts, strict=True):
                if (label,) in hidden:
                    seen[(label,)].add(count)
    assert all(len(values) >= 3 for values in seen.values()), seen


def test_a_reviewers_pages_that_one_check_let_through_are_withheld():
    # A cold review: with the choice checked once, Care order 5, Placement order 10, Section
    # 20 9 published "[c], 10, [c]", and only (5, 10, 9) gives that page, because the
    # check (bounded, failing closed) refused its twins (4, 10, 10) and (9, 10, 5). With the
    # check checked too, it is withheld.
    rule = Rule(5)
    values = {("Care order",): 5.0, ("Placement order",): 10.0, ("Section 20",): 9.0,
              (T,): 24.0}
    choice = suppress_table(values, {}, 1, rule)
    assert rule_page(values, {}, Procedure(1, rule, 3, checks=1)) == choice
    assert rule_page(values, {}, Procedure(1, rule, 3, checks=CHECKS)) != choice


@pytest.mark.parametrize("cells", [{"Boys": 1, "Girls": 2}, {"Boys": 4, "Girls": 3, "Other": 0}])
def test_a_line_whose_total_is_hidden_is_replayed_without_a_crash(cells):
    # A cold review: rotating the hidden members as witnesses left the hidden Total out of
    # the witness table (KeyError) for every small line whose total is hidden too.
    from factories import CONFIG
    from support import make_table
    from transparency.publish_tables import publish_table

    rows = {(k,): v for k, v in cells.items()} | {(T,): sum(cells.values())}
    for sensitive in (False, True):
        result = publish_table(make_table("t", ["sex"], rows, sensitive=sensitive), CONFIG)
        assert ("Girls",) in result.hidden
