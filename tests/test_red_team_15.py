"""A fifteenth red-team pass, on the engine after red team 14's fixes (commit 6aae5f1)
(tests/fixtures/red_team/<name>/.NOTE.md; /work/redteam15/rate-in-words/FINDING.md for the
text): a table of changes between two years; a table of means beside a table of counts; a
total of days beside a `mean`; a table of rates per 10,000 of a published population; rates
per 10,000 typed in the narrative beside the population. Each must now be related and
protected, stop the build, or be refused by the narrative lint."""

from __future__ import annotations

import pytest
from test_red_team_7_alike import _copy, _protected, _publish, assert_stops
from test_red_team_8 import _relations
from test_red_team_12 import _problems
from test_red_team_12 import knowns as knowns  # the fixture council's, as the build makes them

STOPS_15 = {
    # 8 reviews of young people on remand, 2.7 per young person: 3.
    "table-of-means-beside-counts": "the cell [Remand] of 'reviews_by_legal_status' (8) divided "
                                    "by the cell [Remand] of 'reviews_per_child_by_legal_status' "
                                    "(2.7 mean), of the same time (iro/2022-23), is 3",
    # 123 days on remand added together, a mean of 41: 3.
    "total-in-days-and-a-mean": "'remand_days' (123 days) divided by 'remand_days_average' (41 "
                                "mean), of the same time (iro/2022-23), is 3",
    # 0.3 per 10,000 of 148,200 children is 4 or 5 on a plan for multiple categories.
    "rate-table-of-a-published-population": "the cell [Multiple categories] of "
                                            "'plans_rate_by_category' (0.3 rate_per_10000) of "
                                            "'child_population'",
}


@pytest.mark.parametrize("name", sorted(STOPS_15))
def test_red_team_15_look_alikes_stop_the_build(name, tmp_path):
    assert_stops(name, STOPS_15[name], tmp_path)


def test_a_table_of_changes_is_related_to_both_years_tables(tmp_path):
    # change-table: last year's hidden Remand (2) is this year's 9 less the change, 7.
    published = _publish(_copy("change-table-of-two-years", tmp_path))
    assert ("iro/2022-23: the table 'legal_status_change' is the change in 'legal_status' "
            "between iro/2021-22 and iro/2022-23, cell by cell") in _relations(published)
    _protected(published, tmp_path)


def test_rates_per_10000_typed_beside_the_population_are_refused(knowns):
    # rate-in-words: 0.27 and 0.74 per 10,000 of the 148,200 children are 4 and 11.
    found = _problems("Northmoor has {{ child_population }} children aged under 18. Per 10,000 "
                      "of them, 13.36 were on a plan for neglect, 0.74 for sexual abuse and 0.27 "
                      "for multiple categories.", knowns, period="cp/2022-10-to-2023-09")
    assert any("0.27 per 10,000 of 148,200 is 4" in message for message in found), found
    # A rate whose count is neither small nor hidden passes.
    assert _problems("Per 10,000 children, 13.36 were on a plan for neglect.", knowns,
                     period="cp/2022-10-to-2023-09") == []
