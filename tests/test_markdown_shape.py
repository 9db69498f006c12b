"""Markdown that Python-Markdown would render otherwise than its writer sees it (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import config, write_narrative, write_period
from transparency import pipeline
from transparency.markdown_shape import shape_problems
from transparency.problems import Problems


def found(text: str) -> list[tuple[int | None, str]]:
    problems = Problems()
    shape_problems(Path("n.md"), text, 1, problems)
    return [(p.line, p.message.split(",")[0]) for p in problems.items]


def test_a_list_straight_after_a_sentence_is_found():
    assert found("The service plans to:\n- recruit IROs\n- train chairs\n") == [
        (2, "this list has no blank line above it")]
    assert found("Steps:\n1. ask\n2. review\n") == [(2, "this list has no blank line above it")]


def test_sub_items_indented_by_two_spaces_are_found():
    assert found("- first\n  - under first\n- second\n") == [
        (2, "this sub-item is indented by 2 space(s)")]


def test_a_heading_without_a_space_is_found():
    assert found("#Children in care\n") == [(1, "'#Children in care' has no space after the '#'")]


@pytest.mark.parametrize("text", [
    "The service plans to:\n\n- recruit IROs\n- train chairs\n",
    "- first\n    - under first\n- second\n",
    "## Children in care\n\n- a\n- b\n",
    "```\nexample:\n- not a list\n```\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "- a\n\n- b (a loose list)\n",
    "A sentence with a dash - in the middle.\n",
    "A #hashtag in a sentence.\n",
])
def test_what_renders_as_written_passes(text):
    assert found(text) == []


def test_the_build_reports_them_with_the_file_and_line(tmp_path):
    data, content = tmp_path / "data", tmp_path / "content"
    write_period(data)
    write_narrative(content, text="Title: T\n\nThere were {{ children_in_care }} children.\n"
                                  "Plans:\n- one\n- two\n")
    _, problems = pipeline.prepare(config(data, content, DATA_CACHE=str(tmp_path / "cache")))
    assert [(Path(p.file).name, p.line) for p in problems.items] == [("2021-22.md", 5)]
