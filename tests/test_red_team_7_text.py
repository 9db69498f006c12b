"""Red team 7, what the site says around its numbers: three ways text sized a hidden count
that the publish check let through, and a correction whose reworded category gave one away
(/work/redteam7/<folder>/FINDING.md). The text findings are replayed on small inputs, as the
build checks them (lint.check over markdown_passages, with the hidden categories of every
period in Knowns.hidden_labels), and must now be refused with their file and line; ordinary
text about the same categories must not be. The correction is a fixture council
(tests/fixtures/red_team/revision-reworded) whose build must stop naming the categories."""

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



def test_the_build_watches_site_pages_and_every_typed_setting_for_every_period(tmp_path):
    # narrative-site-page through the pipeline: a page under content/pages has no period, nor
    # does a report's description in the settings; both are checked against every period.
    from support import config, write_narrative, write_period
    from transparency import pipeline

    data, content = tmp_path / "data", tmp_path / "content"
    write_period(data, legal_status={"Care order": 845, "Interim care order": 281,
                                     "Placement order": 86, "Remand": 3, "Total": 1215})
    write_narrative(content, text="Title: T\n\nNothing yet.\n")
    page = content / "pages" / "about.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("Title: About\n\nThe number of children on remand is hidden, although it "
                    "was half the number a year earlier.\n", encoding="utf-8")
    conf = config(data, content, DATA_CACHE=str(tmp_path / "cache"), NARRATIVE_LINT_STRICT=True,
                  REPORTS={"iro": {"label": "IRO reports", "short_label": "IROs",
                                   "description": "Children remanded "
                                   "into care fell by half."}})
    published, problems = pipeline.prepare(conf)
    assert not problems, problems.report()
    found = pipeline.lint_narrative(conf, published).problems.items
    assert sorted((str(p.file).rsplit("/", 1)[-1], p.line) for p in found) == [
        ("TRANSPARENCY['REPORTS']['iro']['description']", 2), ("about.md", 3)], \
        [p.format() for p in found]
    assert all("which iro/2021-22 hides ([c])" in p.message for p in found)

# Finding 5 (revision-reworded) is a correction's data, not its words: a fixture council
# (tests/fixtures/red_team/revision-reworded, .NOTE.md) with the earlier version and the
# correction of one legal status table.
FIXTURE = Path(__file__).parent / "fixtures" / "red_team" / "revision-reworded"
CORRECTED = "iro/2022-23/legal_status.csv"
EARLIER = ("legal_status,value\nCare order,668\nInterim care order,201\nPlacement order,81\n"
           "Remand,3\nSection 20 – single placement,108\n")


def _publish(data: Path):
    from transparency.load import load_site
    from transparency.publish import publish_site
    from transparency.settings import resolve

    config = resolve({"DATA_PATH": str(data)}, data)
    site, problems = load_site(config.data_path, config.reports)
    return problems, (None if problems else publish_site(site, config))


def _corrected(tmp_path: Path, rows: str) -> Path:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    (data / CORRECTED).write_text(rows, encoding="utf-8")
    return data


def test_a_correction_that_rewords_and_adds_a_category_stops_the_build():
    # The finding: Remand = (1061 − 668 − 201 − 108) − 81 = 3 in both versions.
    problems, published = _publish(FIXTURE)
    assert published is None
    assert [p.format() for p in problems.items] == [
        f"{FIXTURE}/iro/2022-23/period.yaml, line 15, field 'revisions': the table "
        "'legal_status' has other categories of legal_status in the two versions: 'Placement "
        "order' only in the version before the 2023-09-14 correction; 'Placement order "
        "(section 21)', 'Section 20 – short breaks' only in the corrected data\n"
        "    How to fix: keep the categories, worded exactly as they were published, in the "
        "corrected table: a correction changes numbers, not names or shapes, so that the "
        "versions are protected cell by cell. Give a new breakdown (a category split, added "
        "or reworded) in the next period's data; see 'Revisions' in docs/data-format.md"]


@pytest.mark.parametrize(("rows", "only"), [
    # Added: the Total rises by exactly the new, hidden count (1064 − 1061 = 3).
    (EARLIER + "Section 20 – short breaks,3\nTotal,1064\n",
     "'Section 20 – short breaks' only in the corrected data"),
    # Removed: the Total falls by exactly the removed count, hidden in the earlier version.
    (EARLIER.replace("Remand,3\n", "") + "Total,1058\n",
     "'Remand' only in the version before the 2023-09-14 correction"),
])
def test_a_correction_that_adds_or_removes_a_category_stops_the_build(tmp_path, rows, only):
    problems, published = _publish(_corrected(tmp_path, rows))
    assert published is None
    assert [p.line for p in problems.items] == [15]
    assert f"other categories of legal_status in the two versions: {only}" in \
        problems.items[0].message


def test_a_correction_that_keeps_the_categories_is_published_consistently(tmp_path):
    # The same categories with numbers changed: published, both versions hiding the same
    # cells, and the changed cells marked [r].
    problems, published = _publish(_corrected(tmp_path, EARLIER.replace("Care order,668",
                                              "Care order,640").replace("Placement order,81",
                                              "Placement order,109") + "Total,1061\n"))
    assert not problems, problems.report()
    period = published.periods["iro/2022-23"]
    now = {k: v for k, v in period.tables["legal_status"].cells.items()}
    then = period.revisions[0].tables["legal_status"].cells
    assert {k for k, v in now.items() if v.suppressed} == {k for k, v in then.items()
                                                           if v.suppressed}
    assert now[("Care order",)].revised and not now[("Interim care order",)].revised


def test_a_typed_number_hidden_in_another_period_of_the_report_is_refused():
    # The kind of narrative-other-period, for numbers: a secondary-suppressed 30 of 2021/22
    # typed in the 2022/23 narrative ("30 a year earlier") gives it away.
    hidden = {"iro/2021-22": frozenset({30.0}), "iro/2022-23": frozenset(),
              "cp/2022-23": frozenset({41.0})}
    passages = markdown_passages(Path("n.md"), HEAD + "Remand rose from 30 a year earlier.\n",
                                 MARKDOWN, "iro/2022-23")
    found = check(passages, SENSITIVE, None, Knowns(hidden=hidden))
    assert [p.line for p in found.problems.items] == [3], found.problems.report()
    assert "30 is a number this site hides in another period of this report" in \
        found.problems.items[0].message
    # Another report's number, or one an allowance reads as a date, is not refused.
    passages = markdown_passages(Path("n.md"), HEAD + "We held 41 meetings by 30 June.\n",
                                 MARKDOWN, "iro/2022-23")
    assert not check(passages, SENSITIVE, None, Knowns(hidden=hidden)).problems


def test_a_hidden_reference_after_a_sentence_naming_another_periods_category_keeps_every_word():
    # Bradford's "IROs can also challenge partner agencies … {{ x }} such challenges, all
    # about education": the first sentence names a Challenge hidden in another period, and
    # its narrower list must not replace the full one the [c] beside "all" needs.
    passages = markdown_passages(
        Path("n.md"), HEAD + "IROs can also challenge schools. There have been {{ x }} such "
        "challenges, all about education.\n", MARKDOWN, "iro/2022-23",
        hides=lambda ref: True)
    hidden = {"iro/2016-17": frozenset({("Challenge",)}), "iro/2022-23": frozenset()}
    found = check(passages, SENSITIVE, None, Knowns(hidden_labels=hidden))
    assert len(found.problems.items) == 1, found.problems.report()
    assert "'all' sizes or compares a figure this page hides ([c])" in \
        found.problems.items[0].message
