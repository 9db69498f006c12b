"""Downloads in the DfE's open data format (plugins/transparency/ees_downloads.py): each
period's tables as Explore Education Statistics (EES) data files with their `.meta.csv`,
written from the published site only, read back by our own EES importer (transparency.ees)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from test_ees import SYMBOL_COMPARATOR

from factories import published_period
from support import append_yaml, config, formatted, load_data, write_period
from transparency import ees_read
from transparency.downloads import table_csv, write_downloads
from transparency.ees_downloads import (
    COMPARATOR_REASON,
    EesFile,
    EesTime,
    cell_text,
    data_csv,
    ees_time,
    meta_csv,
    plan,
)
from transparency.output_audit import audit_downloads
from transparency.problems import Problems
from transparency.publish import publish_site
from transparency.published import (
    Issuer,
    PublishedGeography,
    PublishedSite,
    PublishedTable,
    Value,
)

# A fictional council in a fictional region (the codes of tests/fixtures/ees).
PLACE = {"AREA": "Fictional Borough", "LA_CODE": "E09999001", "OLD_LA_CODE": "999",
         "REGION_CODE": "E12999001", "REGION_NAME": "Fictional Region"}
GEOGRAPHY = PublishedGeography("E09999001", "999", "Fictional Borough", "E12999001",
                               "Fictional Region")
# Remand (3) is hidden, and Placement order with it, so that the Total cannot give it away.
LEGAL_STATUS = {"Care order": 845, "Interim care order": 281, "Placement order": 86,
                "Remand": 3, "Total": 1215}
# The same comparator the importer's tests publish, symbols and all.
COMPARATOR = SYMBOL_COMPARATOR


def publish(tmp_path: Path, place: dict | None = None, **period: object) -> PublishedSite:
    files = write_period(tmp_path / "data", legal_status=LEGAL_STATUS, **period)
    site, problems = load_data(files.data)
    assert not problems, formatted(problems)
    return publish_site(site, config(files.data, tmp_path / "content",
                                     **(PLACE if place is None else place)))


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- time -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2021-04-01", "2022-03-31", EesTime("202122", "Financial year")),
    ("2021-01-01", "2021-12-31", EesTime("2021", "Calendar year")),
    ("2021-09-01", "2022-08-31", EesTime("202122", "Academic year")),
    ("2021-04-06", "2022-04-05", EesTime("202122", "Tax year")),
    ("2021-10-01", "2021-12-31", EesTime("202122", "Financial year Q3")),
    ("2022-01-01", "2022-03-31", EesTime("202122", "Financial year Q4")),
    ("2021-04-01", "2021-09-30", EesTime("202122", "Part 1 (April to September)")),
    ("2021-10-01", "2022-03-31", EesTime("202122", "Part 2 (October to March)")),
    ("2020-02-01", "2020-02-29", EesTime("2020", "February")),
    # Twelve months that are none of the DfE's years: a reporting year, saying its months.
    ("2019-10-01", "2020-09-30", EesTime("2020", "Reporting year",
                                         "October 2019 to September 2020")),
    ("2020-03-01", "2021-02-28", EesTime("2021", "Reporting year", "March 2020 to February 2021")),
])
def test_a_periods_span_is_the_dfes_time_period_and_identifier(start, end, expected):
    assert ees_time(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == expected


@pytest.mark.parametrize(("start", "end"), [
    ("2016-04-01", "2016-12-31"),  # nine months
    ("2020-04-01", "2022-03-31"),  # two years
    ("2021-04-15", "2022-04-14"),  # a year, but not of whole months
    ("2021-05-01", "2021-07-31"),  # three months that are no quarter of a financial year
])
def test_a_span_the_format_cannot_name_is_refused_with_the_reason(start, end):
    why = ees_time(dt.date.fromisoformat(start), dt.date.fromisoformat(end), "the months")
    assert isinstance(why, str)
    assert why.startswith("the report covers the months, which is not a span that format can "
                          "name")


# --- the files ------------------------------------------------------------------------------

def test_each_table_is_an_ees_file_our_own_importer_reads_back(tmp_path):
    published = publish(tmp_path)
    write_downloads(published, tmp_path / "out")
    data = tmp_path / "out/data/iro/2021-22/ees/legal_status.csv"
    problems = Problems()
    release = ees_read.read_release(data, problems)
    assert not problems, problems.report()
    assert release is not None
    assert release.header[:10] == [*ees_read.TIME, *ees_read.GEOGRAPHY]
    assert release.time_identifier == "Financial year"
    # legal_status is a snapshot: its day is a one-value filter (not in the meta file).
    assert release.filters == ["date", "legal_status"] and release.meta_filters == {"legal_status"}
    assert {row["date"] for _, row in release.rows} == {"2022-03-31"}
    assert list(release.indicators) == ["legal_status_count"]
    indicator = release.indicators["legal_status_count"]
    assert (indicator.label, indicator.unit, indicator.dp) == ("Children in care", "", 0)
    places = {(*(row[c] for c in ees_read.GEOGRAPHY), row["time_period"])
              for _, row in release.rows}
    assert places == {("Local authority", "E92000001", "England", "E12999001", "Fictional Region",
                       "E09999001", "999", "Fictional Borough", "202122")}
    # The hidden count and its complement are c; every cell reads as a number or a symbol.
    cells = {row["legal_status"]: row["legal_status_count"] for _, row in release.rows}
    assert cells == {"Care order": "845", "Interim care order": "281", "Placement order": "c",
                     "Remand": "c", "Total": "1215"}
    assert all(not ees_read.parse_cell(text)[2] for text in cells.values())
    two_way = ees_read.read_release(data.with_name("age_gender.csv"), problems)
    assert not problems and two_way is not None
    assert two_way.filters == ["age", "gender"]  # a flow over the period: no date
    assert list(two_way.indicators) == ["age_gender_count"]


def test_the_ees_files_show_exactly_what_the_tables_csv_shows(tmp_path):
    # No number the page does not show: cell for cell the table's own download (the attacker
    # in tests/attacker.py reads those), and x where the table has no such cell (its [x]).
    published = publish(tmp_path, age_gender={("Under 1", "Female"): 42, ("Under 1", "Male"): 57,
                                              ("1 to 4", "Female"): 43})
    write_downloads(published, tmp_path / "out")
    period = published.periods["iro/2021-22"]
    assert period.tables["age_gender"].missing_cells() == [("1 to 4", "Male")]
    for table in period.tables.values():
        own = {tuple(r[d] for d in table.dims): r["value"]
               for r in csv.DictReader(io.StringIO(table_csv(table)))}
        written = {tuple(r[d] for d in table.dims): r[f"{table.name}_count"]
                   for r in rows_of(tmp_path / f"out/data/iro/2021-22/ees/{table.name}.csv")}
        assert {k: v for k, v in written.items() if k in own} == own
        assert {k: v for k, v in written.items() if k not in own} == {
            k: "x" for k in table.missing_cells()}


def test_the_meta_file_names_the_filters_and_the_indicator(tmp_path):
    percent = PublishedTable(
        name="reviews_on_time_percent", title="Reviews on time by age", measure="Reviews on time",
        dimensions={"age": "Age group", "setting": "Setting"}, unit="percent", counts="none",
        source="t", note="", sensitive=False, comparator=False, date=None,
        cells={("0 to 4", "Home"): Value(97.8, unit="percent", decimals=1, issuer=Issuer.PUBLISH),
               ("5 to 9", "Home"): Value(None, "z", unit="percent", decimals=1)})
    file = EesFile(percent, "x/ees/reviews_on_time_percent.csv",
                   "x/ees/reviews_on_time_percent.meta.csv", "reviews_on_time_percent")
    rows = list(csv.DictReader(io.StringIO(meta_csv(file))))
    assert list(rows[0]) == list(ees_read.META_COLUMNS)
    # One setting only: EES leaves a filter with one value out of the meta file.
    assert rows == [
        {"col_name": "age", "col_type": "Filter", "label": "Age group", "indicator_grouping": "",
         "indicator_unit": "", "indicator_dp": "", "filter_hint": "",
         "filter_grouping_column": ""},
        {"col_name": "reviews_on_time_percent", "col_type": "Indicator", "label": "Reviews on time",
         "indicator_grouping": "", "indicator_unit": "%", "indicator_dp": "1", "filter_hint": "",
         "filter_grouping_column": ""}]
    text = data_csv(file, EesTime("202122", "Financial year"), GEOGRAPHY)
    assert [r["reviews_on_time_percent"] for r in csv.DictReader(io.StringIO(text))] == ["97.8", "z"]


def test_our_symbols_are_the_dfes(tmp_path):
    cells = {("a",): Value(None, "c"), ("b",): Value(None, "x"), ("d",): Value(None, "z"),
             ("e",): Value(None, "low"), ("f",): Value(None, "u"),
             ("g",): Value(12.0, issuer=Issuer.PUBLISH, revised=True), ("Total",): Value(None, "c")}
    table = PublishedTable(
        name="need", title="Children by need", dimensions={"need": "Need"}, measure="Children",
        unit="count", counts="children", source="t", note="", sensitive=False, comparator=False,
        date=None, cells=cells)
    period = published_period([table])
    site = PublishedSite({period.key: period}, {"iro": {}}, "Council", "Service", 5, 10,
                         geography=GEOGRAPHY)
    [file] = plan(site, period).files
    (tmp_path / "need.csv").write_text(data_csv(file, EesTime("202122", "Financial year"),
                                                GEOGRAPHY), encoding="utf-8")
    (tmp_path / "need.meta.csv").write_text(meta_csv(file), encoding="utf-8")
    problems = Problems()
    release = ees_read.read_release(tmp_path / "need.csv", problems)
    assert not problems and release is not None
    read = {row["need"]: ees_read.parse_cell(row["need_count"])[:2] for _, row in release.rows}
    assert read == {"a": (None, "c"), "b": (None, "x"), "d": (None, "z"), "e": (None, "low"),
                    "f": (None, "u"), "g": (12.0, ""), "Total": (None, "c")}
    # A symbol the DfE's format does not have is refused, never written as a number or blank.
    with pytest.raises(ValueError, match="'r' has no symbol in the DfE's format"):
        cell_text(Value(None, "r"))


def test_a_dimension_named_like_a_standard_column_is_left_out_with_the_reason():
    table = PublishedTable(
        name="by_council", title="Children by council", dimensions={"la_name": "Council"},
        measure="Children", unit="count", counts="children", source="t", note="",
        sensitive=False, comparator=False, date=None,
        cells={("North",): Value(40.0, issuer=Issuer.PUBLISH)})
    period = published_period([table])
    site = PublishedSite({period.key: period}, {"iro": {}}, "Council", "Service", 5, 10,
                         geography=GEOGRAPHY)
    ees_plan = plan(site, period)
    assert ees_plan.files == ()
    assert ees_plan.left_out() == [("its dimension 'la_name' has the name of one of the format's "
                                    "own columns", ["Children by council"])]


def test_a_reporting_year_says_its_months_in_a_column(tmp_path):
    published = publish(tmp_path, period="2019-10-to-2020-09", start="2019-10-01",
                        end="2020-09-30")
    write_downloads(published, tmp_path / "out")
    data = tmp_path / "out/data/iro/2019-10-to-2020-09/ees/legal_status.csv"
    problems = Problems()
    release = ees_read.read_release(data, problems)
    assert not problems and release is not None
    assert release.time_identifier == "Reporting year"
    assert {(r["time_period"], r["reporting_period"]) for _, r in release.rows} == {
        ("2020", "October 2019 to September 2020")}
    # A column with one value is a filter EES leaves out of the meta file; the importer reads
    # it as a filter all the same.
    assert release.filters == ["reporting_period", "date", "legal_status"]
    assert release.meta_filters == {"legal_status"}


def test_a_period_the_format_cannot_name_has_no_ees_files_and_says_why(tmp_path):
    published = publish(tmp_path, period="2016-04-to-2016-12", start="2016-04-01",
                        end="2016-12-31")
    written = write_downloads(published, tmp_path / "out")
    assert not [p for p in written if "ees" in p.parts]
    period = published.periods["iro/2016-04-to-2016-12"]
    ees_plan = plan(published, period)
    assert ees_plan.files == ()
    assert ees_plan.reason == ("the report covers April 2016 to December 2016, which is not a "
                               "span that format can name: it names whole years (financial, "
                               "calendar, academic or any twelve months), quarters and halves "
                               "of a financial year, and months")
    # Its other downloads are as ever.
    assert (tmp_path / "out/data/iro/2016-04-to-2016-12/legal_status.csv").is_file()


def test_comparators_are_left_out_with_the_reason(tmp_path):
    files = write_period(tmp_path / "data")
    append_yaml(files.yaml, COMPARATOR)
    site, problems = load_data(files.data)
    assert not problems, formatted(problems)
    published = publish_site(site, config(files.data, tmp_path / "content", **PLACE))
    period = published.periods[files.key]
    ees_plan = plan(published, period)
    assert [f.table.name for f in ees_plan.files] == ["legal_status", "age_gender"]
    assert [(t.name, why) for t, why in ees_plan.skipped] == [
        ("entering_care_rate", COMPARATOR_REASON)]
    assert ees_plan.left_out() == [(COMPARATOR_REASON, [
        "Children entering care per 10,000 children, 2021 and 2022"])]
    write_downloads(published, tmp_path / "out")
    assert not (tmp_path / "out/data/iro/2021-22/ees/entering_care_rate.csv").exists()


def test_without_the_councils_codes_no_ees_file_is_written(tmp_path):
    published = publish(tmp_path, place={"AREA": "Fictional Borough", "LA_CODE": "E09999001"})
    assert published.geography is None
    written = write_downloads(published, tmp_path / "out")
    assert not [p for p in written if "ees" in p.parts]
    assert plan(published, published.periods["iro/2021-22"]).reason == ""
    package = json.loads((tmp_path / "out/data/datapackage.json").read_text())
    assert "ees/" not in package["description"]


# --- the data package and the output audit ----------------------------------------------------

def test_the_data_package_describes_the_ees_files_and_marks_their_counts(tmp_path):
    published = publish(tmp_path)
    write_downloads(published, tmp_path / "out")
    root = tmp_path / "out/data"
    package = json.loads((root / "datapackage.json").read_text())
    by_path = {r["path"]: r for r in package["resources"]}
    assert {p.relative_to(root).as_posix() for p in root.rglob("*.csv")} == set(by_path)
    assert "ees/ folder" in package["description"]
    data = by_path["iro/2021-22/ees/legal_status.csv"]
    fields = data["schema"]["fields"]
    assert [f["name"] for f in fields] == [*ees_read.TIME, *ees_read.GEOGRAPHY, "date", "legal_status",
                                           "legal_status_count"]
    assert fields[-1]["disclosure"] == "count" and fields[-1]["type"] == "integer"
    assert data["schema"]["missingValues"] == ["c", "x", "z"]
    assert data["schema"]["primaryKey"] == ["time_period", "time_identifier", "new_la_code",
                                            "legal_status"]
    meta = by_path["iro/2021-22/ees/legal_status.meta.csv"]
    assert [f["name"] for f in meta["schema"]["fields"]] == list(ees_read.META_COLUMNS)
    assert not any("disclosure" in f for f in meta["schema"]["fields"])
    assert audit_downloads(root, 5) == []


def test_the_output_audit_reads_the_ees_files(tmp_path):
    published = publish(tmp_path)
    write_downloads(published, tmp_path / "out")
    path = tmp_path / "out/data/iro/2021-22/ees/legal_status.csv"
    text = path.read_text()
    assert "Fictional Borough,2022-03-31,Remand,c\n" in text
    path.write_text(text.replace(",Remand,c\n", ",Remand,3\n"))
    assert audit_downloads(tmp_path / "out/data", 5) == [
        f"{path}: row 5: a count of 3 is published"]
