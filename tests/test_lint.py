"""Narrative lint: hand-typed small counts of people, and what it must not flag."""

from pathlib import Path

import pytest

from transparency.lint import lint_file, placeholder_lines, small_count_lines
from transparency.problems import Problems


@pytest.mark.parametrize("text", [
    "Since entering care there are 2 young people who identify as trans.",
    "Only 1 child was placed out of area.",
    "two young people left the service",
    "There were 3 looked-after children in the group.",
    "Four children were adopted.",
    "A single child was remanded.",
    "It affected 5 families.",
])
def test_flags_small_counts_of_people(text):
    assert small_count_lines(text, 5), text


@pytest.mark.parametrize("text", [
    "Reviews must happen within 20 working days.",
    "Stage 1 challenges rose.",
    "The team has 15 FTE IROs and 3 FTE fixed-term posts.",
    "Under section 20 children can be accommodated.",
    "Over the last 2 years the number rose.",
    "In 2021 there were {{ children_in_care }} children in care.",
    "Children aged 4 and over took part.",
    "Children aged 16 to 17 are supported.",
    "1,446 children were in care.",
    "12 children entered care on remand.",
    "one group of children",
    "one or more people",
    "2 young people left. <!-- reviewed: these are staff apprentices, named 'young people' by the source -->",
])
def test_does_not_flag_ordinary_numbers(text):
    assert small_count_lines(text, 5) == [], text


def test_reports_line_numbers():
    text = "Intro.\n\nThen 2 children moved.\n"
    assert small_count_lines(text, 5) == [(3, "2 children")]


@pytest.mark.parametrize("text", [
    "Only 2 audits were returned.",
    "3 challenges were escalated.",
    "29% (4/14) had a plan.",
    "1 (5%) had an EHC Plan",
    "5 of the boys were placed out of area.",
    "Four young women left care.",
])
def test_flags_small_counts_of_records_fractions_and_shares(text):
    assert small_count_lines(text, 5), text


@pytest.mark.parametrize("text", [
    "Table 13 gives stage 1, 2 and 3 challenges for 2021/22 only.",
    "there were no stage\n3 challenges in 2020/21",
    "more than one review",
    "counts of 1 to 5 children are hidden",
    "On 30/04/2020 the figure was checked.",
    "A challenge can raise several concerns. # reviewed: generic",
])
def test_does_not_flag_labels_ranges_or_dates(text):
    assert small_count_lines(text, 5) == [], text


@pytest.mark.parametrize("text", [
    "[Write about children in care, using {{ children_in_care }}.]",
    "{{ chart legal_status title=\"[Write a title that says what the chart shows]\" }}",
    "Summary: [write a one-sentence summary]",
    "The figure is FILL IN.",
])
def test_flags_placeholders_not_yet_written(text):
    assert placeholder_lines(text), text


@pytest.mark.parametrize("text", [
    "Hidden figures are shown as [c].",
    "\"[The young person's] mother came to the review.\"",
    "We wrote to every carer.",
    "See [the glossary](/glossary/).",
    "Viewpoint is an online questionnaire that children can fill in before their review.",
])
def test_does_not_flag_ordinary_brackets(text):
    assert placeholder_lines(text) == [], text


def test_placeholders_are_problems_with_their_line():
    problems = Problems()
    lint_file(Path("x.md"), "Title: T\n\n## A\n\n[Write about A.]\n", 5, problems)
    assert [p.line for p in problems.items] == [5]
    assert "is a placeholder: this text is not written yet" in problems.items[0].message
