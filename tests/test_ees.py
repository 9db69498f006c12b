"""DfE comparators from the source: reading Explore Education Statistics (EES) open-data files
(plugins/transparency/ees.py) into a period's `comparators:`, keeping the DfE's symbols."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sites import copy_project
from support import (
    REPORTS,
    append_yaml,
    config,
    formatted,
    load_data,
    replace_in,
    write_narrative,
    write_period,
)
from transparency import ees, ees_read, ees_select, pipeline, scaffold
from transparency.downloads import table_csv, write_downloads
from transparency.problems import Problems
from transparency.publish import publish_site
from transparency.tables import render_table

SYMBOL_COMPARATOR = """\
comparators:
  entering_care_rate:
    title: Children entering care per 10,000 children, 2021 and 2022
    unit: rate_per_10000
    counts: none
    not_people: Rates per 10,000 children published by the DfE for whole areas.
    source: DfE children looked after statistics
    years: ["2021", "2022"]
    values:
      Fictional Borough: [c, 31]
      Fictional Region: [low, 28.5]
      Statistical neighbours: [x, u]
      England: [z, 25]
"""


def test_a_comparator_keeps_the_sources_symbols(tmp_path: Path) -> None:
    files = write_period(tmp_path / "data")
    append_yaml(files.yaml, SYMBOL_COMPARATOR)
    site, problems = load_data(files.data)
    assert not problems, formatted(problems)
    write_narrative(tmp_path / "content")
    published = publish_site(site, config(files.data, tmp_path / "content"))
    cells = published.periods[files.key].tables["entering_care_rate"].cells
    shown = {key: value.text() for key, value in cells.items()}
    assert shown[("Fictional Borough", "2021")] == "[c]"
    assert shown[("Fictional Region", "2021")] == "[low]"
    assert shown[("Statistical neighbours", "2022")] == "[u]"
    assert shown[("England", "2021")] == "[z]"
    assert shown[("Fictional Region", "2022")] == "28.5 per 10,000"
    assert published.periods[files.key].tables["entering_care_rate"].symbols_used() == {
        "c", "low", "x", "u", "z"}


def test_a_comparator_refuses_a_word_that_is_no_symbol(tmp_path: Path) -> None:
    files = write_period(tmp_path / "data")
    append_yaml(files.yaml, SYMBOL_COMPARATOR.replace("[z, 25]", "[n/a, 25]"))
    _, problems = load_data(files.data)
    [text] = formatted(problems)
    assert "'n/a' for 'England' is not a non-negative number" in text
    assert "low (rounds to 0 but is not 0)" in text


# --- the fixture release: a fictional council ---------------------------------------------
# tests/fixtures/ees/cla_fictional.csv (and .meta.csv): children looked after, reporting years
# 2021 to 2023, for England, two fictional regions and twelve fictional councils: Fictional
# Borough (E09999001, old code 999) in Fictional Region (E12999001), its ten statistical
# neighbours E09999002 to E09999011 (old codes 998 to 989) and Other Borough, which is none of
# them. A `characteristic` filter (Total, Boys, Girls). The DfE's symbols sit in some cells.

FIXTURES = Path(__file__).parent / "fixtures" / "ees"
CLA = FIXTURES / "cla_fictional.csv"
CIN = FIXTURES / "cin_fictional.csv"
COUNCIL, OLD_CODE = "E09999001", "999"
NEIGHBOURS = [f"E09999{k:03d}" for k in range(2, 12)]
OLD_NEIGHBOURS = [str(999 - k) for k in range(1, 11)]
NEIGHBOUR_NAMES = ["Alderbrook", "Birchmoor", "Cresswell", "Dunmere", "Elmhurst", "Foxleigh",
                   "Greystone", "Hawkridge", "Ironwick", "Juniper Fields"]
ALL = ["cla_count", "cla_rate_per_10000", "cla_moved_percent", "uasc_percent"]
AREAS = ["Fictional Borough", "Fictional Region", "Statistical neighbours", "England"]


@pytest.fixture
def period(tmp_path: Path):
    """A fictional council's 2022/23 period (ends 31 March 2023: reporting year 2023)."""
    return write_period(tmp_path / "data", period="2022-23", start="2022-04-01", end="2023-03-31")


def settings_for(files, la_code: object = COUNCIL, neighbours: object = None, **extra: object):
    return config(files.data, files.data.parent / "content", LA_CODE=la_code,
                  STATISTICAL_NEIGHBOURS=NEIGHBOURS if neighbours is None else neighbours,
                  DATA_CACHE=str(files.data.parent / "cache"), **extra)


def run(files, indicators=ALL, filters=None, source: Path = CLA, **options) -> ees.Imported:
    options.setdefault("settings_file", "pelicanconf.py")
    cfg = options.pop("cfg", None) or settings_for(files)
    return ees.import_comparators(source, list(indicators), filters or {}, cfg, files.folder,
                                  **options)


def copy_release(tmp_path: Path, edit=None, meta_edit=None, name: str = "cla_fictional") -> Path:
    """A copy of the fixture release, its rows (dicts) passed through `edit` first."""
    folder = tmp_path / "release"
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, change in ((".csv", edit), (".meta.csv", meta_edit)):
        text = (FIXTURES / f"cla_fictional{suffix}").read_text(encoding="utf-8")
        if change is not None:
            rows = list(csv.DictReader(io.StringIO(text)))
            rows, header = change(rows, list(rows[0]))
            out = io.StringIO()
            writer = csv.DictWriter(out, header, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
            text = out.getvalue()
        (folder / f"{name}{suffix}").write_text(text, encoding="utf-8")
    return folder / f"{name}.csv"


def row_of(path: Path, **match: str) -> int:
    """The spreadsheet row number (header = 1) of the first row matching every column."""
    for number, row in enumerate(csv.DictReader(path.open(encoding="utf-8")), start=2):
        if all(row[k] == v for k, v in match.items()):
            return number
    raise AssertionError(match)


def problem_with(result_or_problems, *phrases: str):
    problems = getattr(result_or_problems, "problems", result_or_problems)
    found = [p for p in problems.items if all(ph in p.format() for ph in phrases)]
    assert found, f"no problem with {phrases}:\n" + "\n".join(p.format() for p in problems.items)
    return found[0]


# --- a clean import ---------------------------------------------------------------------

def test_a_clean_import_gives_the_council_its_region_neighbours_and_england(period) -> None:
    result = run(period)
    assert not result.problems, result.problems.report()
    assert result.changes == [f"comparators.{n}: added" for n in ALL]
    rate = result.comparators["cla_rate_per_10000"]
    assert rate["title"] == ("Children looked after at 31 March per 10,000 children, 2021 to 2023")
    assert (rate["unit"], rate["counts"]) == ("rate_per_10000", "none")
    assert rate["not_people"].startswith("A rate per 10,000 children that the Department for ")
    assert rate["source"] == ("Department for Education, Explore Education Statistics: "
                              "cla_fictional.csv, indicator cla_rate_per_10000")
    assert rate["years"] == ["2021", "2022", "2023"]
    assert list(rate["values"]) == AREAS
    # The council's u (low reliability) stays a symbol; the neighbours' figure is the mean of
    # the ten (50 + 3k + 1 for k = 1 to 10 in 2022: 67.5), one decimal place finer than theirs.
    assert rate["values"] == {"Fictional Borough": [50, 51, "u"], "Fictional Region": [61, 62, 63],
                              "Statistical neighbours": [66.5, 67.5, 68.5],
                              "England": [67, 69, 71]}
    count = result.comparators["cla_count"]
    assert (count["unit"], count["counts"]) == ("count", "children")
    assert "not_people" not in count
    # Counts' average is rounded to a whole number: (317 + 334 + ... + 470) / 10 = 393.5 -> 394.
    assert count["values"]["Statistical neighbours"] == [394, 406, 418]
    assert count["values"]["England"] == [80850, 81350, 81850]


def test_the_dfes_symbols_are_kept_with_their_meaning(period) -> None:
    result = run(period)
    moved = result.comparators["cla_moved_percent"]
    assert (moved["unit"], moved["counts"]) == ("percent", "none")
    assert moved["values"] == {"Fictional Borough": [8, "c", 8.6],
                               "Fictional Region": ["low", 9.4, 9.6],
                               "Statistical neighbours": [10.2, 10.5, "x"],
                               "England": [10.1, 10.4, 10.7]}
    # A neighbour's symbol leaves no average: x, with a note saying whose figure and why.
    assert ("The statistical neighbours' average for 2023 cannot be worked out, so it is shown "
            "as x: Cresswell is c (confidential, suppressed by the DfE) in the DfE's figures."
            ) in moved["note"]
    uasc = result.comparators["uasc_percent"]
    # z and x as the file has them; the older ~ is read as low and : as x, and the note says so.
    assert uasc["values"] == {"Fictional Borough": ["z", 3, 4], "Fictional Region": [4, "low", 6],
                              "Statistical neighbours": ["x", 4.5, 5.5], "England": ["x", 6, 7]}
    assert "Dunmere is x (not available)" in uasc["note"]
    assert "older symbols" in uasc["note"] and "'~' for Fictional Region in 2022" in uasc["note"]
    # The note names the ten neighbours, so a reader knows whose average it is.
    assert ", ".join(NEIGHBOUR_NAMES) in moved["note"]


@pytest.mark.parametrize("text, parsed", [
    ("67", (67.0, "", "")), ("10.45", (10.45, "", "")), ("c", (None, "c", "")),
    ("x", (None, "x", "")), ("z", (None, "z", "")), ("low", (None, "low", "")),
    ("u", (None, "u", "")), (":", (None, "x", "")), ("~", (None, "low", "")),
    ("k", (None, "low", "")), (" 5 ", (5.0, "", "")),
])
def test_a_cell_is_a_number_or_a_symbol(text: str, parsed: tuple) -> None:
    assert ees_read.parse_cell(text) == parsed


@pytest.mark.parametrize("text", ["", "1,234", "n/a", "*", "-3", "nan", "inf", "12%", "C"])
def test_anything_else_in_a_cell_is_an_error(text: str) -> None:
    number, symbol, error = ees_read.parse_cell(text)
    assert (number, symbol) == (None, "") and error


@pytest.mark.parametrize("written, unit, mean", [
    (["392", "393"], "count", 393),  # half up, not to even
    (["10.45", "10.5"], "percent", 10.475),  # exact: 10.475, not 10.474999...
    (["66", "67"], "rate_per_10000", 66.5),
    (["1e3", "2000"], "rate_per_10000", 1500),
])
def test_the_neighbours_mean_is_exact_and_rounds_half_up(written, unit, mean) -> None:
    assert ees_select.neighbours_mean(written, unit) == mean


def test_old_codes_find_the_same_councils(period) -> None:
    new = run(period, write=False).comparators
    old = run(period, write=False, cfg=settings_for(period, la_code=int(OLD_CODE),
                                                     neighbours=OLD_NEIGHBOURS)).comparators
    assert new == old


def test_a_filter_picks_the_rows_and_names_them(period) -> None:
    result = run(period, ["cla_count"], {"characteristic": "Boys"}, write=False)
    count = result.comparators["cla_count"]
    assert count["title"] == "Number of children looked after at 31 March (Boys), 2021 to 2023"
    assert count["source"].endswith("indicator cla_count, characteristic = Boys")
    assert count["values"]["Fictional Borough"] == [165, 172, 178]  # 55% of 300, 312, 324


def test_the_years_are_the_periods_and_the_two_before_or_as_asked(period, tmp_path) -> None:
    assert run(period, write=False).comparators["cla_count"]["years"] == ["2021", "2022", "2023"]
    asked = run(period, ["cla_count"], years=["2022", "2021"], write=False).comparators
    assert asked["cla_count"]["years"] == ["2021", "2022"]
    assert asked["cla_count"]["title"].endswith(", 2021 to 2022")
    earlier = write_period(tmp_path / "data2", period="2021-22")  # reporting year 2022
    assert run(earlier, write=False).comparators["cla_count"]["years"] == ["2021", "2022"]


def test_dfe_years_for_a_period() -> None:
    end = dt.date(2023, 3, 31)
    assert ees_read.period_year("Reporting year", end) == "2023"
    assert ees_read.period_year("Financial year", end) == "202223"
    assert ees_read.period_year("Financial year", dt.date(2023, 4, 30)) == "202324"
    assert ees_read.period_year("Academic year", dt.date(2023, 8, 31)) == "202223"
    assert ees_read.year_label("202223") == "2022/23" and ees_read.year_label("2023") == "2023"


def test_the_import_writes_period_yaml_and_marks_each_entry(period) -> None:
    before = period.yaml.read_text()
    run(period)
    text = period.yaml.read_text()
    # Everything else as it was; the comparators before the tables, as the format lists them.
    assert text.replace(text[text.index("comparators:"):text.index("tables:")], "") == before
    assert text.count("# Imported by 'invoke comparators' from cla_fictional.csv (check ") == 4
    assert "      Fictional Borough: [8.0, c, 8.6]\n" in text  # 8.0 as the file writes it
    assert '    years: ["2021", "2022", "2023"]\n' in text


# --- end to end: loaded, published, rendered, downloaded, linted ----------------------------

NARRATIVE_WITH_COMPARATORS = """\
Title: Independent Reviewing Officers annual report 2022/23
Summary: Test narrative.

## Children in care

There were {{ children_in_care }} children in care.

{{ table cla_rate_per_10000 }}

{{ table cla_moved_percent }}

{{ chart uasc_percent }}
"""


def test_imported_comparators_load_publish_and_pass_the_checks(period, tmp_path) -> None:
    assert not run(period).problems
    site, problems = load_data(period.data)
    assert not problems, formatted(problems)
    tables = site.periods[period.key].tables
    assert tables["cla_moved_percent"].comparator
    write_narrative(tmp_path / "content", period="2022-23", text=NARRATIVE_WITH_COMPARATORS)
    cfg = settings_for(period, NARRATIVE_LINT_STRICT=True)
    published, problems = pipeline.prepare(cfg)
    assert published is not None and not problems, problems.report()
    # The notes and titles the import wrote pass the strict narrative lint too.
    lint = pipeline.lint_narrative(cfg, published)
    assert not lint.problems, lint.problems.report()
    p = published.periods[period.key]
    moved = p.tables["cla_moved_percent"]
    shown = {key: value.text() for key, value in moved.cells.items()}
    assert shown[("Fictional Borough", "2022")] == "[c]"
    assert shown[("Fictional Region", "2021")] == "[low]"
    assert shown[("Statistical neighbours", "2023")] == "[x]"
    assert shown[("Statistical neighbours", "2022")] == "10.5%"
    assert p.tables["cla_rate_per_10000"].cells[("Fictional Borough", "2023")].text() == "[u]"
    assert p.tables["uasc_percent"].cells[("Fictional Borough", "2021")].text() == "[z]"
    # The table says what each symbol means; the download keeps them and says they are missing
    # values, never numbers.
    notes = BeautifulSoup(render_table(moved, p), "html.parser").find("figcaption").get_text(" ")
    assert "[low] rounds to 0 but is not 0" in notes and "[c] hidden to protect privacy" in notes
    rows = list(csv.DictReader(io.StringIO(table_csv(moved))))
    assert {(r["area"], r["year"]): r["value"] for r in rows}[("Fictional Region", "2021")] == "low"
    write_downloads(published, tmp_path / "out")
    package = json.loads((tmp_path / "out/data/datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["path"].endswith("cla_moved_percent.csv"))
    assert resource["schema"]["missingValues"] == ["c", "x", "z", "low"]
    rate = next(r for r in package["resources"] if r["path"].endswith("cla_rate_per_10000.csv"))
    assert rate["schema"]["missingValues"] == ["c", "x", "z", "u"]


def test_a_count_comparator_is_protected_like_any_count(period) -> None:
    # A count of children from the DfE goes through small-number suppression like our own.
    def small(rows, header):
        for row in rows:
            if row["la_name"] == "Fictional Borough" and row["characteristic"] == "Total":
                row["cla_count"] = "4" if row["time_period"] == "2021" else row["cla_count"]
        return rows, header

    source = copy_release(period.data.parent, small)
    assert not run(period, ["cla_count"], source=source).problems
    site, problems = load_data(period.data)
    assert not problems, formatted(problems)
    published = publish_site(site, settings_for(period))
    cells = published.periods[period.key].tables["cla_count"].cells
    assert cells[("Fictional Borough", "2021")].text() == "[c]"
    assert cells[("Fictional Borough", "2022")].text() == "312"


# --- officers' edits are never overwritten silently ----------------------------------------

def test_a_reimport_replaces_only_what_it_wrote(period) -> None:
    run(period)
    text = period.yaml.read_text()
    again = run(period)
    assert again.changes == [f"comparators.{n}: unchanged" for n in ALL]
    assert period.yaml.read_text() == text
    # Figures revised by the DfE: an entry as imported is replaced.
    def revised(rows, header):
        for row in rows:
            if row["geographic_level"] == "National" and row["characteristic"] == "Total":
                row["cla_count"] = str(int(row["cla_count"]) + 10)
        return rows, header

    newer = copy_release(period.data.parent, revised)
    result = run(period, ["cla_count"], source=newer)
    assert result.changes == ["comparators.cla_count: replaced"]
    assert "      England: [80860, 81360, 81860]\n" in period.yaml.read_text()


def test_an_edited_entry_is_not_replaced_without_replace(period) -> None:
    run(period)
    replace_in(period.yaml, "Fictional Borough: [50, 51, u]", "Fictional Borough: [50, 51, 52]")
    edited = period.yaml.read_text()
    result = run(period, ["cla_rate_per_10000"])
    problem = problem_with(result, "comparators.cla_rate_per_10000 is already in period.yaml "
                           "and has been edited since it was imported", "--replace")
    assert problem.field == "comparators.cla_rate_per_10000"
    assert period.yaml.read_text() == edited  # nothing written
    result = run(period, ["cla_rate_per_10000"], replace=True)
    assert result.changes == ["comparators.cla_rate_per_10000: replaced (it had been edited by hand)"]
    assert "Fictional Borough: [50, 51, u]" in period.yaml.read_text()
    assert not load_data(period.data)[1]


def test_a_hand_written_comparator_of_the_same_name_is_kept(period) -> None:
    append_yaml(period.yaml, SYMBOL_COMPARATOR.replace("entering_care_rate", "cla_count"))
    before = period.yaml.read_text()
    result = run(period, ["cla_count"])
    problem_with(result, "comparators.cla_count is already in period.yaml and was written by hand")
    assert period.yaml.read_text() == before
    result = run(period, ["cla_count"], name="cla_count_dfe")
    assert result.changes == ["comparators.cla_count_dfe: added"]
    text = period.yaml.read_text()
    assert text.startswith(before.rstrip("\n")) and "  cla_count_dfe:\n" in text
    assert not load_data(period.data)[1]


def test_a_file_with_windows_line_endings_keeps_them(period) -> None:
    period.yaml.write_bytes(period.yaml.read_bytes().replace(b"\n", b"\r\n"))
    assert not run(period, ["cla_count"]).problems
    raw = period.yaml.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") and b"  cla_count:\r\n" in raw
    assert not load_data(period.data)[1]


def test_the_next_periods_template_is_filled_in_without_asking(period, tmp_path) -> None:
    # `invoke new` carries the comparator forward with every value FILL IN: the import fills it
    # in, as nothing in it was typed from a source.
    assert not run(period, ["cla_rate_per_10000"]).problems
    write_narrative(tmp_path / "content", period="2022-23")
    scaffold.new_period(period.data, tmp_path / "content", REPORTS, "iro", "2023-24")
    later = dataclasses.replace(period, folder=period.data / "iro" / "2023-24",
                                yaml=period.data / "iro" / "2023-24" / "period.yaml")
    result = run(later, ["cla_rate_per_10000"], years=["2022", "2023"])
    assert result.changes == ["comparators.cla_rate_per_10000: replaced (the template 'invoke "
                              "new' left, with no figure filled in)"]
    text = later.yaml.read_text()
    assert "FILL IN" not in text[text.index("comparators:"):text.index("tables:")]
    # One figure typed in by hand: the entry is the officer's, and is kept.
    replace_in(later.yaml, "Fictional Borough: [51, u]", "Fictional Borough: [FILL IN, 52]")
    problem_with(run(later, ["cla_rate_per_10000"], years=["2022", "2023"]),
                 "comparators.cla_rate_per_10000 is already in period.yaml and has been edited")


def test_a_dry_run_writes_nothing(period) -> None:
    before = period.yaml.read_text()
    result = run(period, write=False)
    assert result.changes and period.yaml.read_text() == before


# --- problems, each with its place, all at once, never a traceback --------------------------

def test_the_councils_code_not_in_the_file(period) -> None:
    result = run(period, cfg=settings_for(period, la_code="E09999050"))
    problem = problem_with(result, "the council's code 'E09999050' is not in the file",
                           "TRANSPARENCY['LA_CODE']")
    assert Path(problem.file) == CLA and problem.field == "new_la_code"
    assert not result.comparators


def test_a_neighbours_code_not_in_the_file(period) -> None:
    codes = [*NEIGHBOURS[:9], "E09999077"]
    result = run(period, cfg=settings_for(period, neighbours=codes))
    problem_with(result, "statistical neighbour 10's code 'E09999077' is not in the file",
                 "TRANSPARENCY['STATISTICAL_NEIGHBOURS'][9]")
    assert len(result.problems) == 1


def test_unknown_codes_name_their_place_in_the_settings(period) -> None:
    codes = [*NEIGHBOURS[:7], "E12999001", "E0999901", "Dunmere"]
    result = run(period, cfg=settings_for(period, la_code="E92000001", neighbours=codes))
    texts = formatted(result.problems)
    assert texts[0].startswith("pelicanconf.py, field 'TRANSPARENCY['LA_CODE']': 'E92000001' is "
                               "the code of England, not of a council with children's services")
    problem_with(result, "TRANSPARENCY['STATISTICAL_NEIGHBOURS'][7]", "'E12999001' is the code of "
                 "a region")
    problem_with(result, "TRANSPARENCY['STATISTICAL_NEIGHBOURS'][8]", "'E0999901' is not a "
                 "local-authority code")
    problem_with(result, "TRANSPARENCY['STATISTICAL_NEIGHBOURS'][9]", "'Dunmere' is not a "
                 "local-authority code")


@pytest.mark.parametrize("count", [0, 9, 11])
def test_ten_neighbours_no_fewer_no_more(period, count: int) -> None:
    codes = [*NEIGHBOURS, "E09999012"][:count]
    result = run(period, cfg=settings_for(period, neighbours=codes))
    problem = problem_with(result, f"there are {count} statistical neighbours, not 10",
                           "benchmarking tool")
    assert problem.field == "TRANSPARENCY['STATISTICAL_NEIGHBOURS']"
    assert not result.comparators


def test_a_neighbour_twice_or_the_council_among_its_neighbours(period) -> None:
    codes = [*NEIGHBOURS[:8], NEIGHBOURS[0], COUNCIL]
    result = run(period, cfg=settings_for(period, neighbours=codes))
    problem_with(result, "'E09999002' is listed twice", "[8]")
    problem_with(result, "'E09999001' is the council's own code", "[9]")


def test_the_periods_year_missing(tmp_path) -> None:
    later = write_period(tmp_path / "data", period="2023-24", start="2023-04-01", end="2024-03-31")
    result = run(later)
    problem = problem_with(result, "the file has no figures for 2024, the reporting year of this "
                           "period (it ends 31 March 2024)", "its latest year is 2023",
                           "--year 2023")
    assert Path(problem.file) == CLA and problem.field == "time_period"


def test_a_year_asked_for_missing(period) -> None:
    problem_with(run(period, years=["2020", "2022"]), "the file has no figures for 2020",
                 "its years are 2021, 2022, 2023")


def test_an_area_missing_a_year_names_it(period) -> None:
    def without(rows, header):
        return [r for r in rows if not (r["la_name"] == "Dunmere" and r["time_period"] == "2022")
                and not (r["region_name"] == "Fictional Region" and r["geographic_level"]
                         == "Regional" and r["time_period"] == "2021")], header

    result = run(period, source=copy_release(period.data.parent, without))
    problem_with(result, "statistical neighbour 4 (E09999005, Dunmere) has no row for 2022")
    problem_with(result, "the region (E12999001, Fictional Region) has no row for 2021")
    assert len(result.problems) == 2


def test_a_file_of_another_release(period) -> None:
    result = run(period, ["cla_rate_per_10000"], source=CIN)
    problem = problem_with(result, "the file has no indicator 'cla_rate_per_10000'",
                           "this file is of another release", "'referrals_count', "
                           "'referrals_rate_per_10000'")
    assert Path(problem.file) == FIXTURES / "cin_fictional.meta.csv"
    # The other release's own indicators import as well.
    assert run(period, ["referrals_rate_per_10000"], source=CIN, years=["2023"],
               write=False).comparators["referrals_rate_per_10000"]["values"]["England"] == [544.5]


def test_a_file_without_the_local_authority_columns(period) -> None:
    def national_only(rows, header):
        return rows, [h for h in header if h not in ("new_la_code", "old_la_code", "la_name")]

    result = run(period, source=copy_release(period.data.parent, national_only))
    for column in ("new_la_code", "old_la_code", "la_name"):
        problem = problem_with(result, f"the file has no '{column}' column")
        assert (problem.line, problem.row_label, problem.field) == (1, "row", column)


def test_a_meta_file_of_another_release_or_none(period, tmp_path) -> None:
    def extra(rows, header):
        return [*rows, {"col_name": "adopted_count", "col_type": "Indicator",
                        "label": "Children adopted"}], header

    result = run(period, source=copy_release(tmp_path, meta_edit=extra))
    problem = problem_with(result, "the meta file describes an indicator 'adopted_count' that the "
                           "data file (cla_fictional.csv) does not have")
    assert (problem.line, problem.field) == (7, "col_name")
    assert not run(period, ["adopted_count"], source=tmp_path / "release" / "cla_fictional.csv",
                   write=False).comparators  # the problem above, not a traceback
    source = copy_release(tmp_path / "other", name="lonely")
    source.with_name("lonely.meta.csv").unlink()
    problem_with(run(period, source=source), "the data file's meta file is missing",
                 "lonely.meta.csv")


def test_a_value_neither_a_number_nor_a_symbol_names_its_row_and_column(period) -> None:
    def garbled(rows, header):
        for row in rows:
            if row["la_name"] == "Elmhurst" and row["characteristic"] == "Total":
                row["cla_rate_per_10000"] = {"2021": "n/a", "2022": "1,234"}.get(
                    row["time_period"], row["cla_rate_per_10000"])
        return rows, header

    source = copy_release(period.data.parent, garbled)
    result = run(period, source=source)
    problem = problem_with(result, "'n/a' is neither a number nor one of the DfE's symbols",
                           "low (rounds to 0, but is not 0)")
    assert problem.line == row_of(source, la_name="Elmhurst", time_period="2021",
                                  characteristic="Total")
    assert (problem.row_label, problem.field) == ("row", "cla_rate_per_10000")
    problem_with(result, "'1,234' is neither a number nor one of the DfE's symbols")
    assert formatted(result.problems)[0].startswith(
        f"{source}, row {problem.line}, field 'cla_rate_per_10000': 'n/a'")


def test_rows_that_differ_by_a_filter_without_total(period) -> None:
    def no_total(rows, header):
        return [r for r in rows if r["characteristic"] != "Total"], header

    result = run(period, source=copy_release(period.data.parent, no_total))
    problem_with(result, "the rows differ by 'characteristic', which has no Total",
                 "--filter characteristic=VALUE", "'Boys', 'Girls'")


def test_a_filter_that_is_not_in_the_file(period) -> None:
    result = run(period, filters={"gender": "Boys", "characteristic": "Lads"})
    problem_with(result, "the file has no filter column 'gender'", "characteristic")
    problem_with(result, "no row has 'Lads' in 'characteristic'", "'Total', 'Boys', 'Girls'")
    problems = Problems()
    assert ees_read.parse_filters(["characteristic=Boys", "oops"], problems) == {"characteristic": "Boys"}
    problem_with(problems, "'oops' is not COLUMN=VALUE")


def test_every_problem_at_once(period) -> None:
    codes = [*NEIGHBOURS[:8], "E09999077"]
    result = run(period, ["cla_count", "adopted_count"], years=["2020", "2021"],
                 cfg=settings_for(period, neighbours=codes))
    texts = "\n".join(formatted(result.problems))
    for phrase in ("there are 9 statistical neighbours, not 10",
                   "statistical neighbour 9's code 'E09999077' is not in the file",
                   "the file has no indicator 'adopted_count'",
                   "the file has no figures for 2020"):
        assert phrase in texts, texts
    assert not result.comparators and "comparators:" not in period.yaml.read_text()


def test_files_that_cannot_be_read_are_problems_not_tracebacks(period, tmp_path) -> None:
    source = copy_release(tmp_path)
    source.write_bytes("time_period,la_name\n2023,Caf\xe9\n".encode("cp1252"))
    problem_with(run(period, source=source), "not valid UTF-8")
    problem_with(run(period, source=tmp_path / "nowhere.csv"), "the data file does not exist")
    problem_with(run(period, source=CLA.with_name("cla_fictional.meta.csv")),
                 "this is a meta file, not a data file")
    problem_with(run(period, ["cla_count"], unit="pounds"), "'pounds' is not a unit")

    def termly(rows, header):
        for row in rows:
            row["time_identifier"] = "Spring term" if row["time_period"] != "2021" else ""
        return rows, header

    result = run(period, source=copy_release(tmp_path / "termly", termly))
    problem_with(result, "time_identifier is 'Spring term' but earlier rows say ''")
    spring = copy_release(tmp_path / "spring", lambda rows, header: (
        [{**r, "time_identifier": "Spring term"} for r in rows], header))
    problem_with(run(period, source=spring), "the file's time_identifier is 'Spring term', "
                 "which is not a year", "Reporting year")
    result = ees.import_comparators(CLA, ["cla_count"], {}, settings_for(period),
                                    period.data / "iro" / "2030-31")
    problem_with(result, "there is no period here: period.yaml is missing")


# --- the task -------------------------------------------------------------------------------

def test_invoke_comparators_in_a_copy_of_the_project(tmp_path) -> None:
    project = copy_project(tmp_path)  # the fixture council's site
    with (project / "pelicanconf.py").open("a", encoding="utf-8") as handle:
        # The fictional council of the DfE file by its old code, which comparators accept; the
        # downloads in the DfE's format need the new one, so this copy publishes none.
        handle.write(f"\nTRANSPARENCY['LA_CODE'] = {OLD_CODE!r}\n"
                     f"TRANSPARENCY['STATISTICAL_NEIGHBOURS'] = {NEIGHBOURS!r}\n"
                     "for _key in ('OLD_LA_CODE', 'LA_NAME', 'REGION_CODE', 'REGION_NAME'):\n"
                     "    TRANSPARENCY.pop(_key, None)\n")

    def invoke(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "invoke", "comparators", *args], cwd=project,
                              capture_output=True, text=True, check=False)

    yaml_path = project / "data" / "iro" / "2021-22" / "period.yaml"
    before = yaml_path.read_text()
    result = invoke("iro/2021-22", str(CLA), "--indicator", "cla_rate_per_10000", "--indicator",
                    "nothing_here", "--filter", "characteristic")
    assert result.returncode == 1
    assert "the file has no indicator 'nothing_here'" in result.stderr
    assert "'characteristic' is not COLUMN=VALUE" in result.stderr
    assert "Nothing was written." in result.stderr and "Traceback" not in result.stderr
    assert yaml_path.read_text() == before
    result = invoke("iro/2021-22", str(CLA), "--indicator", "cla_rate_per_10000", "--name",
                    "looked_after_rate", "--filter", "characteristic=Total")
    assert result.returncode == 0, result.stderr
    assert "Updated data/iro/2021-22/period.yaml:\n  comparators.looked_after_rate: added" in \
        result.stdout
    assert "{{ table looked_after_rate }}" in result.stdout
    site, problems = load_data(project / "data")
    assert not problems, formatted(problems)
    values = site.periods["iro/2021-22"].tables["looked_after_rate"].frame
    assert set(values["year"]) == {"2021", "2022"}  # the period ends 31 March 2022
