"""Unit tests for the modules that turn published tables into HTML and downloads, and for
YAML reading with line numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from factories import CONFIG, raw_period, raw_table, site_of
from transparency.downloads import table_csv, write_downloads
from transparency.output_audit import audit_downloads, audit_html
from transparency.publish import publish_site
from transparency.tables import render_table
from transparency.yamlio import LinedDict, YamlReadError, read_yaml

T = "Total"


@pytest.fixture
def site():
    table = raw_table("placement", ["placement"], {("Foster",): 561, ("Hospital",): 1,
                                                   ("Remand",): 5, ("Residential",): 145, (T,): 712})
    age = raw_table("age_gender", ["age", "gender"], {
        ("0-4", "F"): 40, ("0-4", "M"): 50, ("0-4", T): 90,
        ("5-9", "F"): 30, ("5-9", "M"): 20, ("5-9", T): 50,
        (T, "F"): 70, (T, "M"): 70, (T, T): 140})
    return publish_site(site_of(raw_period([table, age])), CONFIG)


def test_table_html_has_caption_scopes_numeric_cells_and_symbols(site):
    period = site.periods["iro/2021-22"]
    soup = BeautifulSoup(render_table(period.tables["placement"], period, "/site"), "html.parser")
    table = soup.find("table")
    assert table.caption.get_text(strip=True) == "placement"
    assert [th["scope"] for th in table.thead.find_all("th")] == ["col", "col"]
    rows = {tr.th.get_text(strip=True): tr.td for tr in table.tbody.find_all("tr")}
    assert rows["Hospital"].get_text(strip=True) == "[c]"
    assert rows["Foster"].get_text(strip=True) == "561"
    assert "app-table__cell--numeric" in rows["Foster"]["class"]
    assert rows["Foster"]["data-disclosure"] == "count"
    assert "app-table__row--total" in rows[T].parent["class"]
    notes = soup.find("figcaption").get_text(" ", strip=True)
    assert "[c] hidden to protect privacy" in notes
    assert soup.find("a", href="/site/data/iro/2021-22/placement.csv")


def test_two_way_table_puts_the_second_dimension_in_columns(site):
    period = site.periods["iro/2021-22"]
    soup = BeautifulSoup(render_table(period.tables["age_gender"], period), "html.parser")
    header = [th.get_text(strip=True) for th in soup.thead.find_all("th")]
    assert header == ["age", "F", "M", T]
    first = soup.tbody.find("tr")
    assert [td.get_text(strip=True) for td in first.find_all("td")] == ["40", "50", "90"]


def test_csv_downloads_use_c_and_the_data_package_marks_counts(site, tmp_path):
    text = table_csv(site.periods["iro/2021-22"].tables["placement"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["placement"]: r["value"] for r in rows}["Hospital"] == "c"
    assert rows[-1] == {"placement": T, "value": "712"}
    write_downloads(site, tmp_path)
    package = json.loads((tmp_path / "data/datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["path"].endswith("placement.csv"))
    assert resource["schema"]["missingValues"] == ["c", "x", "z"]
    assert resource["schema"]["fields"][-1]["disclosure"] == "count"
    assert audit_downloads(tmp_path / "data", 5) == []


def test_download_audit_finds_a_small_count(site, tmp_path):
    write_downloads(site, tmp_path)
    path = tmp_path / "data/iro/2021-22/placement.csv"
    path.write_text(path.read_text().replace("Hospital,c", "Hospital,1"))
    assert audit_downloads(tmp_path / "data", 5) == [f"{path}: row 3: a count of 1 is published"]


def test_html_audit_accepts_symbols_and_large_numbers_only(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<td data-disclosure="count">1,446</td><td data-disclosure="count">'
                    '<span class="app-symbol">[c]</span></td><td data-disclosure="count">0</td>')
    assert audit_html(page, 5) == []
    page.write_text('<td data-disclosure="count">5</td>')
    assert audit_html(page, 5) == [f"{page}: line 1: a count of 5 is shown"]


def test_yaml_keeps_line_numbers_and_reports_problems(tmp_path: Path):
    path = tmp_path / "period.yaml"
    path.write_text("report: iro\nfigures:\n  a:\n    value: 3\n")
    data = read_yaml(path)
    assert isinstance(data, LinedDict)
    assert data.line_of("figures") == 2 and data["figures"]["a"].line_of("value") == 4
    path.write_text("report: iro\nreport: cp\n")
    with pytest.raises(YamlReadError) as duplicate:
        read_yaml(path)
    assert duplicate.value.line == 2 and "appears twice" in duplicate.value.message
    path.write_text("report: [iro\n")
    with pytest.raises(YamlReadError) as broken:
        read_yaml(path)
    assert broken.value.line is not None
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(YamlReadError, match="not valid UTF-8"):
        read_yaml(path)
    path.write_text("  \n")
    with pytest.raises(YamlReadError, match="empty"):
        read_yaml(path)
