"""An eleventh red-team pass: a value that says it counts no one (`counts: none`: a percentage
or rate comparator with a `not_people:` reason, or a mean per member of staff) times a base the
site publishes (the children in care, the child population, the IROs in post) pins a hidden
count its label names (tests/fixtures/red_team/<name>/.NOTE.md). Each must now stop the build
naming the value, the base and the cell."""

from __future__ import annotations

import pytest
from test_red_team_7_alike import assert_stops

STOPS_11 = {
    # 0.3% of the 1,061 children in care is 3: Remand, then Placement order = 81.
    "percent-comparator-counts-none": "the cell [Northmoor, 2023] of 'remand_share' (0.3 percent) "
    "of ",
    # 0.2 per 10,000 of the 148,200 children (a mid-2022 estimate, for 2023's rate) is 3.
    "rate-comparator-counts-none": "the cell [Northmoor, 2023] of 'remand_rate' (0.2 "
    "rate_per_10000) of 'child_population' (cp/2022-10-to-2023-09) (iro/2022-23) is 3, the cells "
    "[Remand] of 'legal_status'",
    # 0.19 on remand per IRO of 16 IROs is 3.
    "mean-per-staff-counts-none": "'remand_per_iro' (0.19 mean) of 'iro_fte' (iro/2022-23) "
    "(iro/2022-23) is 3, the cells [Remand] of 'legal_status'",
}


@pytest.mark.parametrize("name", sorted(STOPS_11))
def test_red_team_11_values_that_count_no_one_stop_the_build(name, tmp_path):
    described = assert_stops(name, STOPS_11[name], tmp_path)
    if name == "percent-comparator-counts-none":
        assert any("is 3, the cells [Remand] of 'legal_status'" in d for d in described), described
