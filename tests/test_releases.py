"""Integration: a draft period and a corrected period through real preview and publish builds of
the fictional fixture council's site (tests/fixtures/council/)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from sites import build, copy_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The fixture council with iro/2022-23 as a draft and iro/2021-22 corrected once."""
    project = copy_project(tmp_path_factory.mktemp("releases"))
    with (project / "pelicanconf.py").open("a") as conf:
        conf.write('\nTRANSPARENCY["CONTACT_EMAIL"] = "reports@example.gov.uk"\n')
    draft = project / "data/iro/2022-23/period.yaml"
    # A draft not yet given a publication date (the line `invoke new` leaves out).
    draft.write_text(re.sub(r"\npublished: [0-9-]+", "\nstatus: draft", draft.read_text(), count=1)
                     # Two more children in care at the end of 2021/22 (the correction below):
                     # 2022/23's stock and flow is 2 further from balancing, as the build says.
                     .replace("    tolerance: 3\n", "    tolerance: 5\n", 1))
    result = subprocess.run([sys.executable, "-m", "invoke", "revise", "iro/2021-22"], cwd=project,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    today = dt.date.today().isoformat()
    assert f"data/iro/2021-22/revisions/{today}" in result.stdout
    legal = project / "data/iro/2021-22/legal_status.csv"
    legal.write_text(legal.read_text().replace("Placement order,74", "Placement order,76"))
    period = project / "data/iro/2021-22/period.yaml"
    period.write_text(period.read_text() + f"revisions:\n  - date: {today}\n    note: Placement "
                      "orders made in March were recorded late and have been added.\n")
    # Totals must still add up: find and correct the total if the table has one.
    text = legal.read_text()
    if "\nTotal," in text:
        total = int(text.split("\nTotal,")[1].split()[0])
        legal.write_text(text.replace(f"\nTotal,{total}", f"\nTotal,{total + 2}"))
    return project


def _page(site, path):
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_preview_shows_the_draft_with_a_banner_and_the_correction(project, tmp_path):
    site = tmp_path / "preview"
    result = build(site, "pelicanconf.py", project)
    assert result.returncode == 0, result.stdout + result.stderr
    # Progress: one line per stage, then the warnings summary.
    log = result.stdout + result.stderr
    # Pelican's summary says "0 drafts" (its own): the engine's line counts the periods'.
    for stage in ("] data: 5 report periods", "1 of them draft(s), built with a draft banner",
                  "] charts: ", "from cache)", "] pages: ",
                  "] downloads: ", "] output audit: passed", "] search index: built"):
        assert stage in log, stage
    assert "CONTACT_EMAIL" not in log and "] no warnings" in log
    assert _page(site, "").select_one('footer a[href="mailto:reports@example.gov.uk"]')
    # Each report says where to report a mistake in it (issue 14).
    mistake = next(row.dd for row in _page(site, "iro/2021-22").select(".app-summary-list__row")
                   if row.dt.get_text(strip=True) == "Found a mistake?")
    assert mistake.a["href"].startswith("mailto:reports@example.gov.uk?subject=Mistake%20in%20")
    draft = _page(site, "iro/2022-23")
    assert "Draft for preview" in draft.select_one(".app-warning").get_text()
    # Not "Published 1 January 1" (a new user's draft showed that, issue 16).
    published = next(row.dd for row in draft.select(".app-summary-list__row")
                     if row.dt.get_text(strip=True) == "Published")
    assert published.get_text(strip=True) == "Not yet published (a draft)"
    assert "1 January 1" not in _page(site, "").get_text() + _page(site, "iro").get_text()
    assert draft.find("meta", attrs={"name": "robots", "content": "noindex"})
    corrected = _page(site, "iro/2021-22")
    log = corrected.find(id="corrections").find_parent("section").get_text(" ", strip=True)
    assert "Placement orders made in March were recorded late" in log
    assert "Children in care by legal status" in log
    cell = next(td for td in corrected.select("td") if td.get_text(strip=True).startswith("76"))
    revised = cell.select_one(".app-revised")
    assert revised.select_one('[aria-hidden="true"]').get_text() == "[r]"  # shown
    assert revised.select_one(".app-visually-hidden").get_text(strip=True) == "revised"  # said
    assert "[r]" in corrected.select_one(".app-symbol-key").get_text()
    today = dt.date.today().isoformat()
    before = site / f"data/iro/2021-22/revisions/{today}/legal_status.csv"
    assert "Placement order,74" in before.read_text()
    assert corrected.find("a", href=f"/data/iro/2021-22/revisions/{today}/legal_status.csv")
    package = json.loads((site / "data/datapackage.json").read_text())
    assert any(r["path"] == f"iro/2021-22/revisions/{today}/legal_status.csv"
               for r in package["resources"])


def test_publish_build_leaves_the_draft_out_entirely(project, tmp_path):
    site = tmp_path / "published"
    result = build(site, "publishconf.py", project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "] data: 4 report periods" in result.stderr and "1 draft period(s) left out" in result.stderr
    assert not (site / "iro/2022-23").exists()
    assert not (site / "data/iro/2022-23").exists()
    package = json.loads((site / "data/datapackage.json").read_text())
    paths = [r["path"] for r in package["resources"]]
    assert paths and not [p for p in paths if p.startswith("iro/2022-23/")]
    assert not [r["name"] for r in package["resources"] if r["name"].startswith("iro-2022-23-")]
    static_pages = {p.stem for p in (project / "content/pages").glob("*.md")}
    for html in site.rglob("*.html"):
        if html.parent.name in static_pages:
            continue  # hand-written pages (about the data) may name the year
        text = html.read_text(encoding="utf-8")
        assert "/iro/2022-23/" not in text, html
        assert "April 2022 to March 2023" not in text, html
    # The search index holds only what was built.
    assert not any("2022-23" in p.name for p in (site / "pagefind").rglob("*"))
    # The corrected period is published with its log.
    assert _page(site, "iro/2021-22").find(id="corrections")


def test_check_for_publishing_says_which_drafts_it_left_out(project):
    result = subprocess.run([sys.executable, "-m", "invoke", "check", "--publish"], cwd=project,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "OK: 4 report periods" in result.stdout
    assert "Not checked: iro/2022-23, a draft that publish builds leave out" in result.stdout
