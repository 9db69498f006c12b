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
    # Shown as [c]; said as words, not "left bracket c right bracket" (issue 14).
    hospital = rows["Hospital"]
    assert hospital.find(attrs={"aria-hidden": "true"}).get_text() == "[c]"
    assert hospital.find(class_="app-visually-hidden").get_text(strip=True) == (
        "hidden to protect privacy")
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


def test_csv_downloads_open_in_excel_and_declare_their_encoding(tmp_path):
    """Issue 13 item 4: Excel reads a CSV without a byte-order mark as the Windows code page,
    so an en dash shows as "â€“". Every download starts with the mark, and the data package
    declares the encoding that reads it back to the schema's field names exactly."""
    label = "Asian/British Asian – Bangladeshi"
    table = raw_table("ethnicity", ["ethnicity"], {(label,): 40, ("White",): 60, (T,): 100})
    site = publish_site(site_of(raw_period([table])), CONFIG)
    write_downloads(site, tmp_path)
    data = tmp_path / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    csvs = sorted(data.rglob("*.csv"))
    assert {p.relative_to(data).as_posix() for p in csvs} == {r["path"] for r in package["resources"]}
    for path in csvs:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    assert {r["encoding"] for r in package["resources"]} == {"utf-8-sig"}
    raw = (data / "iro/2021-22/ethnicity.csv").read_bytes()
    assert "–".encode() in raw and raw.decode("utf-8-sig").splitlines()[1] == f"{label},40"
    # What Excel would show without the mark is what the issue reported:
    assert "â€“" in raw[3:].decode("cp1252", errors="replace")
    assert audit_downloads(data, 5) == []


def test_download_audit_refuses_an_untrue_encoding_or_header(site, tmp_path):
    write_downloads(site, tmp_path)
    data = tmp_path / "data"
    package_path = data / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["path"].endswith("placement.csv"))
    resource["encoding"] = "utf-8"  # read so, the mark becomes part of the first field's name
    package_path.write_text(json.dumps(package), encoding="utf-8")
    path = data / resource["path"]
    assert audit_downloads(data, 5) == [
        f"{path}: read as 'utf-8', its header ['\\ufeffplacement', 'value'] is not its schema's "
        "fields ['placement', 'value']"]
    resource["encoding"] = "utf-16"
    package_path.write_text(json.dumps(package), encoding="utf-8")
    [finding] = audit_downloads(data, 5)
    assert finding.startswith(f"{path}: ")
    resource["encoding"] = "utf-8-sig"
    package_path.write_text(json.dumps(package), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8-sig").replace("placement,value", "place,value"),
                    encoding="utf-8-sig")
    assert audit_downloads(data, 5) == [
        f"{path}: read as 'utf-8-sig', its header ['place', 'value'] is not its schema's fields "
        "['placement', 'value']"]


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


def test_a_rate_table_says_its_unit_once_not_in_every_cell():
    # Issue 14: "per 10,000" in every cell of a comparator table wrapped each value onto three
    # lines on a phone. The unit is in the header and the caption; cells hold the number.
    import dataclasses

    rates = raw_table("entering_rate", ["area"], {("Council",): 38.0, ("England",): 24.0},
                      counts="none")
    rates = dataclasses.replace(rates, measure="Children entering care", unit="rate_per_10000",
                                not_people="rates per 10,000 children, not counts")
    published = publish_site(site_of(raw_period([rates])), CONFIG)
    period = published.periods["iro/2021-22"]
    soup = BeautifulSoup(render_table(period.tables["entering_rate"], period), "html.parser")
    assert [td.get_text(strip=True) for td in soup.tbody.find_all("td")] == ["38", "24"]
    assert soup.thead.find_all("th")[-1].get_text(strip=True) == (
        "Children entering care (per 10,000 children)")
    assert "Figures are rates per 10,000 children." in soup.find("figcaption").get_text()


def test_months_before_and_the_build_date(monkeypatch):
    import datetime as dt

    from transparency.templating import months_before
    from transparency.time_spans import build_date

    assert months_before(dt.date(2023, 3, 31), dt.date(2026, 11, 29)) == 43
    assert months_before(dt.date(2023, 3, 31), dt.date(2024, 6, 30)) == 14
    assert months_before(dt.date(2023, 3, 31), dt.date(2024, 7, 1)) == 15
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023
    assert build_date() == dt.date(2023, 11, 14)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() == dt.date.today()
