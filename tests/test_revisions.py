"""Revisions: corrections after publication are marked [r], logged, and the previous version
stays downloadable, suppressed consistently with the current one."""

from __future__ import annotations

import dataclasses
import datetime as dt

from factories import CONFIG, published_period, published_table, raw_period, raw_table, site_of
from support import config, formatted, load_data, replace_in, write_narrative, write_period
from transparency.model import Revision
from transparency.pipeline import prepare
from transparency.publish import publish_site
from transparency.revisions import snapshot


def _revise(tmp_path, old: dict, new: dict, note: str = "Late returns were added."):
    """A period published with `old` legal-status counts, then corrected to `new`."""
    data, content = tmp_path / "data", tmp_path / "content"
    files = write_period(data, legal_status=old)
    write_narrative(content)
    snapshot(files.folder, dt.date(2023, 1, 10))
    write_period(data, legal_status=new)
    with files.yaml.open("a", encoding="utf-8") as handle:
        handle.write(f"revisions:\n  - date: 2023-01-10\n    note: {note}\n")
    return data, content, files


def _published(tmp_path, old: dict, new: dict):
    """The corrected period, published."""
    data, content, _ = _revise(tmp_path, old, new)
    site, problems = load_data(data)
    assert not problems, formatted(problems)
    return publish_site(site, config(data, content)).periods["iro/2021-22"]


OLD = {"Care order": 845, "Interim care order": 281, "Placement order": 86, "Remand": 20,
       "Total": 1232}


def test_a_corrected_value_is_marked_revised_and_logged(tmp_path):
    new = {**OLD, "Care order": 847, "Total": 1234}
    period = _published(tmp_path, OLD, new)
    cells = period.tables["legal_status"].cells
    assert cells[("Care order",)].revised and cells[("Care order",)].number == 847
    assert cells[("Total",)].revised
    assert not cells[("Placement order",)].revised
    assert period.values["children_in_care"].value.revised  # computed from the corrected total
    (revision,) = period.revisions
    assert revision.date == dt.date(2023, 1, 10)
    assert revision.note == "Late returns were added."
    assert "Children in care by legal status" in revision.changed
    assert "Children in care" in revision.changed
    before = revision.tables["legal_status"].cells
    assert before[("Care order",)].number == 845 and not before[("Care order",)].revised
    assert "r" in period.symbols_used()


def test_a_cell_hidden_in_any_version_is_hidden_in_all(tmp_path):
    # Before the correction, Remand was 3 (hidden, with a complement); after, 7 (visible on its
    # own). Showing 7 now beside the old table's other cells would not reveal the 3, but showing
    # the old complement beside the new total would: every version hides the same cells.
    old = {**OLD, "Remand": 3, "Total": 1215}
    new = {**OLD, "Remand": 7, "Total": 1219}
    period = _published(tmp_path, old, new)
    now = period.tables["legal_status"].cells
    before = period.revisions[0].tables["legal_status"].cells
    hidden_now = {k for k, v in now.items() if v.symbol == "c"}
    hidden_before = {k for k, v in before.items() if v.symbol == "c"}
    assert ("Remand",) in hidden_before
    assert hidden_now == hidden_before
    assert now[("Remand",)].number is None


def test_revision_problems_name_the_file_and_say_how_to_fix(tmp_path):
    data, _, files = _revise(tmp_path, OLD, {**OLD, "Care order": 846, "Total": 1233})
    # A listed revision whose previous version is missing.
    replace_in(files.yaml, "date: 2023-01-10", "date: 2023-02-01")
    _, problems = load_data(data)
    messages = formatted(problems)
    assert any("the data before the 2023-02-01 revision is missing" in m and
               "invoke revise iro/2021-22" in m and "period.yaml, line" in m for m in messages)
    # ... and the folder that is there but not listed.
    assert any("revisions/2023-01-10" in m and "not listed under 'revisions:'" in m for m in messages)
    replace_in(files.yaml, "date: 2023-02-01\n    note: Late returns were added.",
               "date: 2023-01-10\n    note: ''")
    _site, problems = load_data(data)
    messages = formatted(problems)
    assert any("a revision needs a 'note'" in m for m in messages)
    assert not any("not listed under 'revisions:'" in m for m in messages)  # one problem, once


def test_previous_versions_pass_the_disclosure_audit_through_the_pipeline(tmp_path):
    data, content, _ = _revise(tmp_path, OLD, {**OLD, "Care order": 847, "Total": 1234})
    site, problems = prepare(config(data, content, DATA_CACHE=str(tmp_path / "cache")))
    assert not problems, problems.report(tmp_path)
    assert site.periods["iro/2021-22"].revisions


def test_a_cell_hidden_now_stays_hidden_in_a_version_without_suppression():
    # Found in review: a version whose table had no suppression rule (here 'counts: none')
    # ignored the cells other versions hide, and republished them.
    cells = {("a",): 3, ("b",): 40, ("c",): 50, ("Total",): 93}
    current = raw_period([raw_table("t", ["k"], cells)])
    earlier = raw_period([raw_table("t", ["k"], cells, counts="none")])
    current.revisions = [Revision(dt.date(2023, 1, 10), "n", earlier)]
    site = publish_site(site_of(current), CONFIG)
    period = site.periods["iro/2021-22"]
    now = {k for k, v in period.tables["t"].cells.items() if v.symbol == "c"}
    before = {k for k, v in period.revisions[0].tables["t"].cells.items() if v.symbol == "c"}
    assert ("a",) in now and now == before


def test_a_finding_in_an_earlier_version_names_that_version_s_folder():
    from transparency.audit import audit_site
    from transparency.published import PublishedRevision, PublishedSite

    earlier = published_table("t", ["k"], {("a",): None, ("b",): 30, ("Total",): 33})
    period = dataclasses.replace(
        published_period([published_table("u", ["k"], {("a",): 40, ("Total",): 40})]),
        revisions=(PublishedRevision(dt.date(2023, 1, 10), "n", (), {"t": earlier}),))
    site = PublishedSite({period.key: period}, {"iro": {}}, "Council", "Service", 5, 10)
    assert [(f.period, f.cell, f.low, f.high) for f in audit_site(site, 3)] == [
        ("iro/2021-22/revisions/2023-01-10", ("a",), 3, 3)]


def test_a_hidden_cell_whose_number_changed_is_marked_revised():
    # A reader (and the audit) takes an unmarked cell for the same number in every version.
    cells = {("a",): 3, ("b",): 4, ("c",): 50, ("Total",): 57}
    current = raw_period([raw_table("t", ["k"], {**cells, ("a",): 2, ("Total",): 56})])
    earlier = raw_period([raw_table("t", ["k"], cells)])
    current.revisions = [Revision(dt.date(2023, 1, 10), "n", earlier)]
    table = publish_site(site_of(current), CONFIG).periods["iro/2021-22"].tables["t"]
    assert table.cells[("a",)].suppressed and table.cells[("a",)].revised
    assert table.cells[("b",)].suppressed and not table.cells[("b",)].revised
