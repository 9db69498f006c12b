"""A ninth red-team pass, on the engine after red team 8's fixes: a published count, a rate's
count, a percentage's count or a percentage table's share that is a sum of cells with a hidden
one among them; a comparator whose years are written as "March 2023"; parts of a period
written as quarters, or whose whole is a table cell; and a total and an average of days
(tests/fixtures/red_team/<name>/.NOTE.md gives each leak's arithmetic). Each must now stop the
build with a problem naming the places and the declaration that settles it, or be related by
the audit so that nothing hidden is worked out."""

from __future__ import annotations

import datetime as dt

import pytest
from test_red_team_7_alike import _copy, _protected, _publish, assert_stops
from test_red_team_8 import PERIOD, _add_relations, _relations

STOPS_9 = {
    # 749 on a care order or a placement order − Care order 668 = Placement order 81, then
    # Remand = 1,061 − 668 − 201 − 108 − 81 = 3.
    "count-figure-is-a-sum-of-cells": "'care_or_placement_order' (iro/2022-23) is 749, the cells "
                                      "[Care order; Placement order] of 'legal_status'",
    # 65 girls aged under 5 entering care − 38 under 1 = 27 aged 1 to 4; then 16 and over = 4.
    "count-figure-of-an-age-group": "'girls_under_5_entering' (iro/2022-23) is 65, the cells "
                                    "[Under 1, Female; 1 to 4, Female] of 'entering_care_age_gender'",
    # 32.6 per 10,000 of 58,000 is 189: Placement order + Section 20.
    "rate-count-is-a-sum-of-cells": "'placement_order_or_section_20_rate' (32.6 per 10000 of "
                                    "'child_population', 58000) (iro/2022-23) is 189, the cells "
                                    "[Placement order; Section 20 – single placement]",
    # 70.6% of 1,061 (no date of its own: its `of:` is dated) is 749.
    "percent-figure-without-a-date-sum": "'care_or_placement_order_percent' (70.6% of "
                                         "'looked_after_31_march', 1061) (iro/2022-23) is 749",
    "percent-table-share-is-a-sum": "the share [On a care order or a placement order] of "
                                    "'permanence' (70.6% of 1061) (iro/2022-23) is 749",
    # A comparator's year "March 2023" was read as no year and compared with nothing.
    "comparator-year-in-words": "the cell [Northmoor, March 2023] of 'placement_orders'",
    # Quarters: 350 + 141 − 115 − x = 373.
    "stock-flow-quarters": "− 'plans_transferred_second_half' (cp/2022-10-to-2023-09) = ",
    # 123 days on remand, added together, and 41 on average: 3 young people.
    "total-and-mean-of-days": "'remand_days_total' (123 days) divided by "
                              "'remand_days_average' (41 days), of the same time (iro/2022-23), "
                              "is 3",
}


@pytest.mark.parametrize("name", sorted(STOPS_9))
def test_red_team_9_look_alikes_stop_the_build(name, tmp_path):
    assert_stops(name, STOPS_9[name], tmp_path)


@pytest.mark.parametrize(("name", "relation"), [
    # Reviews on time in "Q1 and Q2 2022/23" and "Q3 and Q4 2022/23" are the year's.
    ("part-period-quarters", "iro/2022-23: 'reviews_on_time_first_half', "
     "'reviews_on_time_second_half' cover the time of 'reviews_on_time' between them"),
    # PN2 reviews from April to September (19) and October to March (hidden, 3) are the year's
    # cell of the participation table (22).
    ("part-period-parts-of-a-table-cell", "iro/2022-23: 'pn2_first_half', 'pn2_second_half' "
     "cover the time of the cell [PN2] of 'participation' between them"),
])
def test_parts_of_a_period_are_related_when_written_as_quarters_or_of_a_cell(name, relation, tmp_path):
    published = _publish(_copy(name, tmp_path))
    assert any(r.startswith(relation) for r in _relations(published)), _relations(published)
    _protected(published, tmp_path)


def test_a_sum_declared_as_those_cells_is_protected(tmp_path):
    data = _copy("count-figure-is-a-sum-of-cells", tmp_path)
    _add_relations(data / PERIOD / "period.yaml", (
        "  - same: care_or_placement_order\n"
        "    as: {table: legal_status, where: {legal_status: [Care order, Placement order]}}\n"))
    _protected(_publish(data), tmp_path)


def test_a_sum_declared_distinct_is_settled(tmp_path):
    data = _copy("count-figure-is-a-sum-of-cells", tmp_path)
    _add_relations(data / PERIOD / "period.yaml", (
        "  - distinct: [care_or_placement_order, {table: legal_status, where: {legal_status: "
        "[Care order, Placement order]}}]\n    reason: the section 3.3 count is of other children\n"))
    assert not [f for f in _publish(data).findings if "care_or_placement_order" in f.describe()]


@pytest.mark.parametrize(("label", "named"), [
    ("Children in care on a care order or a placement order", ["Care order", "Placement order"]),
    # "care order" does not stand together in "children in care on a placement order".
    ("Children in care on a placement order or accommodated under section 20",
     ["Placement order", "Section 20 – single placement"]),
    ("Children on remand", ["Remand"]),
    ("Children looked after", []),
])
def test_a_label_names_the_categories_whose_words_stand_together_in_it(label, named):
    from transparency.lookalike_sums import mentioned

    line = tuple(((c,), 1.0) for c in ("Care order", "Interim care order", "Placement order",
                                       "Remand", "Section 20 – single placement"))
    assert [k[0] for k, _ in mentioned(line, 0, ("legal_status", "Legal status"), label)] == named


def test_a_label_names_the_age_bands_that_make_up_its_own():
    from transparency.classifications import age_band_in
    from transparency.lookalike_sums import mentioned

    line = tuple(((c, "Female"), 1.0) for c in ("Under 1", "1 to 4", "5 to 10", "16 and over"))
    age = ("age", "Age on entering care")
    assert [k[0] for k, _ in mentioned(line, 0, age, "Girls aged under 5 entering care")] == [
        "Under 1", "1 to 4"]
    assert mentioned(line, 0, age, "Girls aged under 3") == ()  # no bands make it up
    assert age_band_in("Reviews held in 2022") is None
    assert age_band_in("Young people aged sixteen and over") == (16, float("inf"))


def test_years_in_words_and_quarters_are_read():
    from transparency.time_spans import ANY_YEAR, time_span
    from transparency.time_spans import years_named as _years

    assert _years("March 2023") == {2023}
    assert _years("2022/23") == {2022, 2023}
    assert _years("latest") == ANY_YEAR  # no year read: compared with counts of any time
    year = (dt.date(2022, 4, 1), dt.date(2023, 3, 31))
    assert time_span("Q1 and Q2 2022/23", *year) == (dt.date(2022, 4, 1), dt.date(2022, 9, 30))
    assert time_span("Q3-Q4 2022-23", *year) == (dt.date(2022, 10, 1), dt.date(2023, 3, 31))
    assert time_span("Q1 2023", *year) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    assert time_span("June and July 2022", *year) == (dt.date(2022, 6, 1), dt.date(2022, 7, 31))
    assert time_span("June and August 2022", *year) is None
