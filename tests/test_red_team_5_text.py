"""Red team 5, the narrative lint: four ways text gave away a hidden count that the publish
check let through (/work/redteam5/<folder>/FINDING.md). Each is replayed on a copy of the
fixture council with `invoke check --publish`, as a council would run it, and must now stop
it with the file and the line. The unit tests of each rule are in tests/test_lint.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sites import copy_project

NARRATIVE = "content/iro/2022-23.md"
PERIOD = "data/iro/2022-23/period.yaml"
# The fixture's Legal status paragraph, to which each finding added a sentence.
LEGAL_STATUS = ("Most children in care are on a care order made by a court. The number of "
                "children in care on remand is hidden, because it is small.")
# The figure the narrative-next-sentence finding declared: the Remand cell, hidden ([c]).
REMAND_METRIC = """  children_on_remand:
    label: Children in care on remand
    definition: Children in care on remand or committed for trial or sentence on 31 March 2023.
    type: value
    of: {table: legal_status, where: {legal_status: Remand}}
"""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _check(project: Path) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "invoke", "check", "--publish"], cwd=project,
                            capture_output=True, text=True, check=False)
    return result.returncode, result.stdout + result.stderr


def _line(project: Path, relative: str, words: str) -> int:
    lines = (project / relative).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if words in line)


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture council, checked once as it is: none of the new rules flags its text."""
    project = copy_project(tmp_path_factory.mktemp("council"))
    code, out = _check(project)
    assert code == 0, out
    return project


@pytest.fixture
def project(council: Path, tmp_path: Path) -> Path:
    return copy_project(tmp_path, council)


def test_a_link_address_the_pdf_prints_is_read(project):
    # pdf-link-address: print.css prints the address after the link; it said "three".
    _replace(project / NARRATIVE, LEGAL_STATUS, LEGAL_STATUS + " The council's [press release "
             "on remand](https://www.northmoor.example/news/2023/three-young-people-remanded-"
             "into-care) explains how the youth court decides.")
    code, out = _check(project)
    line = _line(project, NARRATIVE, "three-young-people")
    assert code == 1
    assert f"content/iro/2022-23.md, line {line}: 'news 2023 three young people" in out, out
    assert "three is a number typed by hand" in out


def test_a_link_address_with_a_reviewed_mark_is_logged(project):
    _replace(project / NARRATIVE, LEGAL_STATUS, LEGAL_STATUS + " The council's [page on the "
             "youth court](https://www.northmoor.example/three-courts) explains how it decides. "
             "<!-- reviewed: the page's address names three courts, not children -->")
    code, out = _check(project)
    assert code == 0, out
    assert "the page's address names three courts, not children" in out


def test_next_update_is_read(project):
    # unlinted-next-update: `next_update` is shown beside the published date.
    _replace(project / PERIOD, "next_update: June 2024\n", "next_update: June 2024, after the 3 "
             "young people now on remand have been sentenced\n")
    code, out = _check(project)
    line = _line(project, PERIOD, "next_update:")
    assert code == 1
    assert (f"data/iro/2022-23/period.yaml, line {line}, field 'next_update': 'June 2024, after "
            "the 3 young people") in out, out


def test_the_sentence_after_a_hidden_reference_is_read(project):
    # narrative-next-sentence: "{{ children_on_remand }} …. That is half the number a year
    # earlier." (Remand was 6 at 31 March 2022: 3.)
    _replace(project / PERIOD, "\nmetrics:\n", "\nmetrics:\n" + REMAND_METRIC)
    _replace(project / NARRATIVE, LEGAL_STATUS, "Most children in care are on a care order made "
             "by a court. On 31 March 2023, {{ children_on_remand }} children in care were on "
             "remand. That is half the number a year earlier.")
    code, out = _check(project)
    line = _line(project, NARRATIVE, "That is half")
    assert code == 1
    assert (f"content/iro/2022-23.md, line {line}: '") in out and (
        "'half' sizes or compares a figure this page hides ([c])") in out, out


def test_a_hidden_category_named_in_words_and_sized_is_refused(project):
    # narrative-halved: no reference at all; "on remand" names the hidden cell, and the next
    # sentence halves it.
    _replace(project / NARRATIVE, LEGAL_STATUS, LEGAL_STATUS + " It has halved since 31 March "
             "2022.")
    code, out = _check(project)
    line = _line(project, NARRATIVE, "It has halved")
    assert code == 1
    assert (f"content/iro/2022-23.md, line {line}: '") in out and (
        "'halved' sizes or compares 'remand', which this period hides ([c])") in out, out


def test_a_hidden_category_sized_with_a_true_reviewed_reason_is_logged(project):
    _replace(project / NARRATIVE, LEGAL_STATUS, LEGAL_STATUS + "\nRemand hearings moved to a "
             "larger court in 2022. <!-- reviewed: the size of the court, not of the number on "
             "remand -->")
    code, out = _check(project)
    assert code == 0, out
    assert "the size of the court, not of the number on remand" in out
