"""Red team 7, the narrative lint: three ways text sized a hidden count that the publish check
let through (/work/redteam7/<folder>/FINDING.md), replayed on small inputs. Each finding's
sentence is checked as the build checks it (lint.check over markdown_passages, with the
hidden categories of every period in Knowns.hidden_labels) and must now be refused with its
file and line; ordinary text about the same categories must not be."""

from __future__ import annotations

from pathlib import Path

import pytest

from transparency.lint import Knowns, check
from transparency.reader_text import markdown_passages

MARKDOWN = {"extension_configs": {"markdown.extensions.extra": {},
                                  "markdown.extensions.toc": {"permalink": False},
                                  "markdown.extensions.smarty": {}},
            "output_format": "html5"}
SENSITIVE = 10
HEAD = "Title: T\n\n"  # the body starts on line 3
LEGAL = "Most children in care are on a care order made by a court."


def _lint(body: str, period: str, hidden: dict[str, frozenset[tuple[str, ...]]],
          path: str = "n.md"):
    passages = markdown_passages(Path(path), HEAD + body + "\n", MARKDOWN, period)
    return check(passages, SENSITIVE, None, Knowns(hidden_labels=hidden))


REMAND_2021_22 = {"iro/2021-22": frozenset({("Placement order",), ("Remand",)}),
                  "iro/2022-23": frozenset()}
REMAND_2022_23 = {"iro/2021-22": frozenset(), "iro/2022-23": frozenset({("Remand",)})}


def test_narrative_sizing_a_category_hidden_in_the_previous_period_is_refused():
    # narrative-other-period: 2022/23 shows Remand 6; 2021/22 hides it (3).
    found = _lint(f"{LEGAL} The number of young people on remand doubled over the year, after "
                  "a rise in serious youth violence in the borough.", "iro/2022-23",
                  REMAND_2021_22)
    assert [p.line for p in found.problems.items] == [3], found.problems.report()
    assert "'doubled' sizes or compares 'remand', which iro/2021-22 hides ([c])" in \
        found.problems.items[0].message


def test_any_period_of_the_same_report_is_watched_but_not_other_reports():
    hidden = {"iro/2019-20": frozenset({("Remand",)}), "iro/2022-23": frozenset(),
              "fostering/2022-23": frozenset({("Respite",)})}
    assert _lint("Remand rose over three years.", "iro/2022-23", hidden).problems
    # Another report's hidden category: a period's text does not compare with it.
    assert not _lint("Respite rose this year.", "iro/2022-23", hidden).problems


def test_a_site_page_sizing_a_hidden_category_is_refused():
    # narrative-site-page: content/pages/about-the-data.md has no period.
    body = ("## Why some figures are hidden\n\nSome numbers are hidden because they are small. "
            "For example, the number of children in care on remand on 31 March 2023 is hidden, "
            "although it was half the number a year earlier.")
    found = _lint(body, "", REMAND_2022_23, "content/pages/about-the-data.md")
    assert [p.line for p in found.problems.items] == [5], found.problems.report()
    assert "'half' sizes or compares 'remand', which iro/2022-23 hides ([c])" in \
        found.problems.items[0].message


def test_a_reviewed_mark_lets_a_site_page_sentence_through():
    body = ("The number of children on remand is hidden. It fell in 2020. "
            "<!-- reviewed: the court's sittings fell, not remands -->")
    found = _lint(body, "", REMAND_2022_23)
    assert not found.problems, found.problems.report()
    assert [e.reason for e in found.log] == ["the court's sittings fell, not remands"]


@pytest.mark.parametrize("word", ["remanded", "remands", "remanding", "Remanded"])
def test_a_hidden_category_named_by_another_form_of_its_word_is_watched(word):
    # narrative-remanded: "Half as many young people were remanded …" named Remand unwatched.
    found = _lint(f"{LEGAL} Half as many young people were {word} into the council's care by "
                  "the courts as a year earlier, as youth diversion work took effect.",
                  "iro/2022-23", REMAND_2022_23)
    assert [p.line for p in found.problems.items] == [3], (word, found.problems.report())
    assert "'Half' sizes or compares" in found.problems.items[0].message


@pytest.mark.parametrize(("label", "text"), [
    ("Placed for adoption", "Fewer children were placing for adoptions this year."),
    ("Neglect", "More children were neglected than in 2022."),
    ("Emergency protection order", "Emergency protections rose."),
    ("Physical abuse", "More children were physically abused."),
])
def test_word_forms_of_longer_labels_are_watched(label, text):
    assert _lint(text, "iro/2022-23", {"iro/2022-23": frozenset({(label,)})}).problems, text


# Common words that must stay quiet (false alarms): (period hiding the label, label, text).
QUIET = [
    # A short word has no forms ("plan" does not name "planned"), nor another word that
    # only begins like it.
    ("iro/2022-23", "Care plan – no care plan", "More care was planned for the winter."),
    ("iro/2022-23", "Remand", "More of the remainder were in foster care."),
    # Another period's category is named only by all its words ("no care plan"), and only
    # words that compare two numbers count there.
    ("iro/2021-22", "Care plan – no care plan", "The most common reason was the plan."),
    ("iro/2021-22", "Care plan – no care plan", "More plans were reviewed on time."),
    ("iro/2021-22", "Inadequate", "Inadequate means it falls well short of good."),
]


@pytest.mark.parametrize(("hidden_in", "label", "text"), QUIET)
def test_word_forms_and_other_periods_do_not_turn_common_words_into_alarms(hidden_in, label,
                                                                           text):
    # Guards, not findings: the old lint was quiet here too, and must stay so.
    hidden = {"iro/2022-23": frozenset(), hidden_in: frozenset({(label,)})}
    found = _lint(text, "iro/2022-23", hidden)
    assert not found.problems, (text, found.problems.report())


def test_the_line_of_a_list_item_is_its_own():
    # A list is one block: the word is found on the item's line, so a reviewed mark there
    # lets it through.
    body = ("* children on care orders fell from {{ a }} to {{ b }}\n"
            "* children on remand fell from {{ c }} <!-- reviewed: the earlier count is far "
            "above 5 -->")
    found = _lint(body, "iro/2022-23", REMAND_2022_23)
    assert not found.problems, found.problems.report()
    assert [e.line for e in found.log] == [4]
