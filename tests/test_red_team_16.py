"""A sixteenth red-team pass, on the engine after red team 15's fixes (commit ccec499): rank
words (/work/redteam16/<folder>/FINDING.md). Children leaving care by reason, 2022/23:
returned to parents 110, independence 104, adopted 26, other 30 shown; special guardianship
orders (25) and child arrangements orders (5) hidden, 30 between them. "Special guardianship
orders came fourth, behind adoption" and "adoption was the third most common reason" bound
the hidden two by the shown, and a reader taking one to be the small count finds 5. Both
must now be refused by the narrative lint; text that ranks nothing must not be."""

from __future__ import annotations

import pytest
from test_red_team_12 import PERIOD, _problems

from transparency.lint import Knowns
from transparency.lint_findings import HiddenLine

REASONS = (("Returned to parents", 110.0, False), ("Independence (aged 18)", 104.0, False),
           ("Special guardianship order", 25.0, True), ("Adopted", 26.0, False),
           ("Child arrangements order", 5.0, True), ("Other", 30.0, False))
KNOWNS = Knowns(lines={PERIOD: (HiddenLine("reason", "Reason for leaving care", REASONS),)},
                hidden_labels={PERIOD: frozenset({("Special guardianship order",),
                                                  ("Child arrangements order",)})})


@pytest.mark.parametrize(("sentence", "expected"), [
    # rankname: the hidden category ranked among the shown.
    ("Most children who left care returned home to their parents or reached 18. Special "
     "guardianship orders came fourth, behind adoption.",
     "'fourth' sizes or compares 'Special guardianship orders'"),
    # rank: a shown category ranked, which bounds the hidden ones.
    ("Adoption was the third most common reason children left care, after a return home to "
     "their parents and independence at 18.", "'third' ranks"),
    ("Independence at 18 was the least common reason children left care.", "'least' ranks"),
])
def test_a_rank_among_categories_of_a_line_with_hidden_cells_is_refused(sentence, expected):
    found = _problems(sentence, KNOWNS)
    assert any(expected in message for message in found), found


@pytest.mark.parametrize("sentence", [
    "Most children who left care returned home to their parents.",
    "IROs wanted to understand the issues behind them better.",
    "The third review was held within six months.",  # names no category of the line
])
def test_text_that_ranks_nothing_hidden_passes(sentence):
    assert _problems(sentence, KNOWNS) == []
