"""invoke new: a new period scaffolded from the previous one fails validation, saying what to
fill in, until it is filled in; then it validates and its narrative's references resolve. On
copies of the fictional fixture council's site (tests/fixtures/council/)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

import support
from sites import copy_project, data_and_content
from transparency import load_fields, pipeline, retime, scaffold, scaffold_narrative
from transparency.lint import placeholder_lines
from transparency.settings import resolve

REPORTS = ("iro", "cp", "qa")
PREV = "2022-23"
NEW = "2023-24"


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fixture council's data and content."""
    return data_and_content(tmp_path)


def new(site: tuple[Path, Path], report: str = "iro", period: str = NEW, **kw: bool) -> scaffold.Scaffold:
    return scaffold.new_period(site[0], site[1], REPORTS, report, period, **kw)


def config(site: tuple[Path, Path], tmp_path: Path, **extra: object):
    data, content = site
    return resolve({"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache"),
                    "INCLUDE_DRAFTS": True, **extra}, content)


def fill_yaml(new_value: object, old_value: object) -> object:
    """Every placeholder in the new period.yaml replaced by the previous period's value."""
    if isinstance(new_value, dict):
        old = old_value if isinstance(old_value, dict) else {}
        return {k: fill_yaml(v, old.get(k)) for k, v in new_value.items()}
    if isinstance(new_value, list) and isinstance(old_value, list):
        return [fill_yaml(n, o) for n, o in zip(new_value, old_value, strict=True)]
    return old_value if load_fields.is_placeholder(new_value) else new_value


def fill_in(made: scaffold.Scaffold, prev_folder: Path) -> None:
    """Fill a scaffold in with the previous period's figures, as an officer would with the new."""
    path = made.folder / "period.yaml"
    old = yaml.safe_load((prev_folder / "period.yaml").read_text())
    filled = fill_yaml(yaml.safe_load(path.read_text()), old)
    relations = filled.setdefault("relations", [])
    for relation in relations:
        if "stock_flow" in relation:
            # Last year's figures copied in do not balance across a year; an officer gives the
            # new report's own difference.
            relation["tolerance"] = 10_000
    # The same for a stock and flow the report kind ships (applied without being declared):
    # the officer declares it, with the new report's difference.
    names = {*filled.get("figures", {}), *filled.get("metrics", {})}
    declared = {r["stock_flow"] for r in relations if "stock_flow" in r}
    for identity in support.REPORTS[filled["report"]].get("identities", ()):
        terms = [identity["start"], identity["end"], *identity["in"], *identity["out"]]
        if identity["stock_flow"] not in declared and \
                {n for n in terms if not n.startswith("previous.")} <= names:
            relations.append({**identity, "tolerance": 10_000})
    if not relations:
        del filled["relations"]
    # An officer edits the values and keeps the comment `invoke new` wrote at the top.
    header = "".join(line for line in path.read_text().splitlines(keepends=True)
                     if line.startswith("#"))
    path.write_text(header + yaml.safe_dump(filled, sort_keys=False, allow_unicode=True))
    book_path = made.folder / scaffold.WORKBOOK
    if book_path.exists():
        book = openpyxl.load_workbook(book_path)
        for sheet in book.worksheets:
            old = (prev_folder / f"{sheet.title}.csv").read_text().splitlines()
            for row, line in enumerate(old[1:], start=2):
                value = line.rsplit(",", 1)[1]
                sheet.cell(row, sheet.max_column).value = float(value) if value not in "xz" else value
        book.save(book_path)
    else:
        for csv_path in made.folder.glob("*.csv"):
            shutil.copy(prev_folder / csv_path.name, csv_path)


# --- what it writes ----------------------------------------------------------------------

def test_writes_a_draft_period_its_tables_and_a_narrative_skeleton(site) -> None:
    data, content = site
    made = new(site)
    assert made.previous == PREV
    raw = yaml.safe_load((data / "iro" / NEW / "period.yaml").read_text())
    assert raw["status"] == "draft" and raw["previous"] == PREV and "published" not in raw
    assert raw["period_start"] == dt.date(2023, 4, 1) and raw["period_end"] == dt.date(2024, 3, 31)
    assert raw["period_label"] == "April 2023 to March 2024"
    assert raw["title"] == "Independent Reviewing Officers annual report 2023/24"
    old = yaml.safe_load((data / "iro" / PREV / "period.yaml").read_text())
    for section in ("figures", "targets", "comparators", "tables", "metrics"):
        assert list(raw[section]) == list(old[section]), section
    assert "notes" not in raw and "printed" not in raw
    assert raw["figures"]["reviews_held"]["value"] == "FILL IN"
    # Relations carry over; how far the new report's figures are from balancing does not.
    relation, distinct = raw["relations"]
    assert distinct == {"distinct": ["informal_challenges"], "reason": "counted since January "
                        "2023 only, so in no relation with the year's figures"}
    assert relation["stock_flow"] == "children in care" and relation["end"] == "children_in_care"
    assert relation["tolerance"].startswith("FILL IN") and "(last period: 3)" in relation["tolerance"]
    assert "note" not in raw["figures"]["reviews_held"]
    assert raw["source"]["file"].startswith("FILL IN")
    assert raw["metrics"] == old["metrics"] | {  # metrics are kept; dates in words move on
        "children_in_care": old["metrics"]["children_in_care"]
        | {"definition": "Children looked after by the council on 31 March 2024."}}
    legal = raw["tables"]["legal_status"]
    assert legal["title"] == "Children in care by legal status, 31 March 2024"
    assert legal["date"] == dt.date(2024, 3, 31)
    assert legal["dimensions"] == old["tables"]["legal_status"]["dimensions"]
    assert legal["source"].startswith("FILL IN") and "Table 4" in legal["source"]
    # A title naming an old year is not moved on by guesswork: it is to be filled in.
    assert raw["comparators"]["entering_care_rate"]["title"].startswith("FILL IN")
    assert raw["comparators"]["entering_care_rate"]["years"] == ["2021", "2022", "2023"]
    # Each CSV: the previous header and categories, no values.
    prev_csv = (data / "iro" / PREV / "legal_status.csv").read_text().splitlines()
    new_csv = (data / "iro" / NEW / "legal_status.csv").read_text().splitlines()
    assert new_csv == [prev_csv[0]] + [line.rsplit(",", 1)[0] + "," for line in prev_csv[1:]]
    # The narrative: the same headings and references, prose replaced by prompts.
    old_text = (content / "iro" / f"{PREV}.md").read_text()
    text = (content / "iro" / f"{NEW}.md").read_text()
    assert text.startswith("Title: Independent Reviewing Officers annual report 2023/24\nSummary: ")
    assert [h for h in text.splitlines() if h.startswith("#")] == [
        h.strip() for h in old_text.splitlines() if h.startswith("#")]
    assert "[Write about children in care, using {{ children_in_care }} and " \
        "{{ change children_in_care }}.]" in text
    assert "{{ chart legal_status }}" in text  # without the old title, which stated a finding
    assert "{{ trend children_in_care }}" in text


def test_declarations_that_switch_protection_off_are_given_again(site, tmp_path) -> None:
    # A reason for 'counts: none' vouches for one report's numbers; a percentage's ties and a
    # table's coincidences are structure and old numbers respectively.
    data, _ = site
    old_path = data / "qa" / "2023-04-to-2023-09" / "period.yaml"
    support.replace_in(old_path, "    source: Section 3, key performance areas",
                       '    not_total: {"Assessment": "a performance area"}\n'
                       "    source: Section 3, key performance areas")
    made = new(site, "qa", "2023-10-to-2024-03")
    raw = yaml.safe_load((made.folder / "period.yaml").read_text())
    old = yaml.safe_load(old_path.read_text())
    reason = raw["tables"]["audit_return_by_service_area"]["not_people"]
    assert reason.startswith("FILL IN: why these numbers count no child or record")
    assert " ".join(old["tables"]["audit_return_by_service_area"]["not_people"].split()) in reason
    assert raw["figures"]["audit_return_rate_september_2023"]["not_people"].startswith("FILL IN")
    percent = raw["figures"]["september_audits_without_recommendations_percent"]
    assert percent["part"] == "september_audits_without_recommendations"
    assert "not_total" not in raw["tables"]["key_performance_areas"]
    _, problems = support.load_data(data)
    assert problems and all("filled in yet" in p.message for p in problems.items)
    assert any(p.field == "tables.audit_return_by_service_area.not_people"
               for p in problems.items), problems.report()
    fill_in(made, old_path.parent)
    _, problems = pipeline.prepare(config(site, tmp_path))
    assert not problems, problems.report(tmp_path)


def test_every_reference_of_the_old_narrative_is_kept(site) -> None:
    from transparency import references
    from transparency.problems import Problems

    _, content = site
    new(site)
    old = references.parse((content / "iro" / f"{PREV}.md").read_text(), Path("old"), Problems())
    now = references.parse((content / "iro" / f"{NEW}.md").read_text(), Path("new"), Problems())
    assert {(r.kind, r.name) for r in now} == {(r.kind, r.name) for r in old}


def test_the_scaffold_fails_validation_saying_what_to_fill_in(site, tmp_path) -> None:
    new(site)
    published, problems = pipeline.prepare(config(site, tmp_path))
    assert published is None
    ours = [p for p in problems.items if f"iro/{NEW}" in str(p.file)]
    assert ours and len(ours) == len(problems), problems.report()
    for problem in ours:
        text = problem.format()
        assert "not filled in yet" in text or "no value is filled in yet" in text, text
        assert "fill in" in problem.hint
    texts = [p.format() for p in ours]
    assert any("field 'figures.reviews_held.value': not filled in yet" in t for t in texts)
    assert any("legal_status.csv, row 2, field 'value': no value is filled in yet (rows 2 to 7)" in t
               for t in texts)


def test_once_filled_in_it_validates_and_the_narrative_resolves(site, tmp_path) -> None:
    data, content = site
    made = new(site)
    fill_in(made, data / "iro" / PREV)
    published, problems = pipeline.prepare(config(site, tmp_path))
    assert not problems, problems.report(tmp_path)
    period = published.periods[f"iro/{NEW}"]
    assert period.draft and period.previous == PREV
    assert period.values["children_in_care"].value.number == 1061
    # The narrative is not written yet: a warning while previewing ...
    lint = pipeline.lint_narrative(config(site, tmp_path), published).problems
    assert lint and all("is a placeholder" in p.message and f"{NEW}.md" in str(p.file)
                        for p in lint.items), lint.report()
    # ... and nothing at all in a publish build, which leaves the draft out ...
    strict = config(site, tmp_path, INCLUDE_DRAFTS=False, NARRATIVE_LINT_STRICT=True)
    published, problems = pipeline.prepare(strict)
    assert not problems and f"iro/{NEW}" not in published.periods
    assert not pipeline.lint_narrative(strict, published).problems
    # ... until it is marked published, when the unwritten text stops the publish build.
    yaml_path = made.folder / "period.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("status: draft", "status: published\n"
                                                       "published: 2023-06-01"))
    published, problems = pipeline.prepare(strict)
    assert not problems, problems.report(tmp_path)
    lint = pipeline.lint_narrative(strict, published).problems
    assert any(f"{NEW}.md" in str(p.file) and "[Write about children in care" in p.message
               for p in lint.items), lint.report()
    # Once the prompts are written, nothing that `invoke new` wrote stands in the way (its own
    # comment at the top of period.yaml once said FILL IN, and failed the publish build).
    narrative = content / "iro" / f"{NEW}.md"
    narrative.write_text(re.sub(r"\[Write[^\]]*\]", "Written.", narrative.read_text()))
    published, problems = pipeline.prepare(strict)
    assert not problems and not pipeline.lint_narrative(strict, published).problems


def test_an_excel_scaffold_is_one_workbook_a_sheet_per_table(site, tmp_path) -> None:
    data, _ = site
    made = new(site, excel=True)
    folder = data / "iro" / NEW
    assert sorted(p.name for p in folder.iterdir()) == ["period.yaml", scaffold.WORKBOOK]
    raw = yaml.safe_load((folder / "period.yaml").read_text())
    assert {t["file"] for t in raw["tables"].values()} == {scaffold.WORKBOOK}
    book = openpyxl.load_workbook(folder / scaffold.WORKBOOK)
    assert book.sheetnames == list(raw["tables"])
    sheet = book["legal_status"]
    assert [c.value for c in sheet[1]] == ["legal_status", "value"]
    assert sheet["A2"].value == "Care order" and sheet["B2"].value is None
    assert sheet["A2"].number_format == "@"  # categories stay text in Excel
    _, problems = pipeline.prepare(config(site, tmp_path))
    assert any(p.format().startswith(f"{folder}/{scaffold.WORKBOOK}, sheet legal_status, cell B2: "
                                     "no value is filled in yet") for p in problems.items), \
        problems.report()
    fill_in(made, data / "iro" / PREV)
    published, problems = pipeline.prepare(config(site, tmp_path))
    assert not problems, problems.report(tmp_path)
    new_tables = published.periods[f"iro/{NEW}"].tables
    old_tables = published.periods[f"iro/{PREV}"].tables
    for name in raw["tables"]:
        assert new_tables[name].cells == old_tables[name].cells, name


@pytest.mark.parametrize(("report", "period", "previous"), [
    ("qa", "2023-10-to-2024-03", "2023-04-to-2023-09"),
    ("cp", "2023-10-to-2024-09", "2022-10-to-2023-09"),
    ("iro", "2020-01-to-2020-12", "2019-04-to-2019-12"),
    ("iro", "2021-10-to-2022-09", "2021-22"),  # not 2022-23, which ends later
])
def test_every_report_can_be_scaffolded_and_filled_in(site, tmp_path, report, period, previous) -> None:
    data, _ = site
    made = new(site, report, period)
    assert made.previous == previous
    _, problems = support.load_data(data)
    assert problems and all(f"{report}/{period}" in str(p.file) for p in problems.items)
    fill_in(made, data / report / previous)
    published, problems = pipeline.prepare(config(site, tmp_path))
    assert not problems, problems.report(tmp_path)
    assert published.periods[f"{report}/{period}"].draft


# --- what it refuses -----------------------------------------------------------------------

def test_refuses_to_overwrite_a_period_or_a_narrative(site) -> None:
    data, content = site
    made = new(site)
    before = {p: p.read_bytes() for p in made.files}
    with pytest.raises(scaffold.ScaffoldError, match="already exists; 'invoke new' never overwrites"):
        new(site)
    assert {p: p.read_bytes() for p in made.files} == before
    # A narrative alone is not overwritten either, and nothing is written.
    (content / "iro" / "2024-25.md").write_text("Title: Started by hand\n\nText.\n")
    with pytest.raises(scaffold.ScaffoldError, match=r"2024-25\.md already exists"):
        new(site, "iro", "2024-25")
    assert not (data / "iro" / "2024-25").exists()
    assert (content / "iro" / "2024-25.md").read_text() == "Title: Started by hand\n\nText.\n"


@pytest.mark.parametrize(("report", "period", "message"), [
    ("iro", "2022_23", "'2022_23' is not a period name"),
    ("iro", "22-23", "'22-23' is not a period name"),
    ("xyz", "2022-23", "'xyz' is not a report kind"),
    ("iro", "2010-11", "there is no earlier iro period"),
])
def test_refuses_bad_names_and_periods_with_nothing_before_them(site, report, period, message) -> None:
    with pytest.raises(scaffold.ScaffoldError, match=message):
        new(site, report, period)
    assert not (site[0] / report / period).exists()


@pytest.mark.parametrize(("name", "dates"), [
    ("2022-23", (dt.date(2022, 4, 1), dt.date(2023, 3, 31))),
    ("1999-00", (dt.date(1999, 4, 1), dt.date(2000, 3, 31))),
    ("2019-10-to-2020-09", (dt.date(2019, 10, 1), dt.date(2020, 9, 30))),
    ("2016-04-to-2016-12", (dt.date(2016, 4, 1), dt.date(2016, 12, 31))),
    ("2023-01-to-2024-02", (dt.date(2023, 1, 1), dt.date(2024, 2, 29))),
    ("2022-24", None),  # not a financial year
    ("2022-13-to-2023-02", None),
    ("2023-01-to-2022-12", None),
])
def test_period_dates_from_the_name(name, dates) -> None:
    assert retime.period_dates(name) == dates


def test_skeleton_keeps_structure_and_references_only() -> None:
    text = ("Title: Report 2021/22\nSummary: Old summary.\n\nIntro with 2 young people.\n\n"
            "## Children in care\n\nThere were {{ children_in_care }}, {{ change children_in_care }}.\n"
            "More text. <!-- reviewed: fine -->\n\n{{ chart legal_status type=bar title=\"Most are on "
            "orders\" }}\n\n- a list\n- of {{ reviews_held }}\n\n### About the IRO team\n\nProse.\n\n"
            "More prose.\n")
    assert scaffold_narrative.skeleton(text, "Report 2022/23", "New summary.") == (
        "Title: Report 2022/23\nSummary: New summary.\n\n"
        # A narrative without main points is asked for them (every report page opens with
        # them); one that has them keeps them, as any section, with their references.
        "## Main points\n\n" + scaffold_narrative.MAIN_POINTS_PROMPT + "\n\n"
        "[Write the introduction.]\n\n"
        "## Children in care\n\n"
        "[Write about children in care, using {{ children_in_care }} and {{ change children_in_care }}.]\n\n"
        "{{ chart legal_status type=bar }}\n\n"
        "[Write about children in care, using {{ reviews_held }}.]\n\n"
        "### About the IRO team\n\n"
        "[Write about the IRO team.]\n")
    assert len(placeholder_lines(scaffold_narrative.skeleton(text, "T", "S"))) == 5
    with_points = text.replace("Intro with", "## Main points\n\n- {{ children_in_care }} in "
                               "care.\n\n## About\n\nIntro with")
    assert scaffold_narrative.skeleton(with_points, "T", "S").startswith(
        "Title: T\nSummary: S\n\n## Main points\n\n[Write about main points, using "
        "{{ children_in_care }}.]\n\n## About\n\n")
    assert scaffold_narrative.MAIN_POINTS_PROMPT not in scaffold_narrative.skeleton(with_points, "T", "S")


# --- the task ------------------------------------------------------------------------------

def test_invoke_new_in_a_copy_of_the_project(tmp_path) -> None:
    project = copy_project(tmp_path)  # the fixture council's site

    def invoke(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project,
                              capture_output=True, text=True, check=False)

    result = invoke("new", "iro", NEW, "--excel")
    assert result.returncode == 0, result.stderr
    assert f"Started iro/{NEW} (a draft) from {PREV}" in result.stdout
    assert f"data/iro/{NEW}/tables.xlsx" in result.stdout
    assert (project / "content" / "iro" / f"{NEW}.md").is_file()
    result = invoke("check")
    assert result.returncode == 1
    assert "not filled in yet" in result.stderr and "no value is filled in yet" in result.stderr
    result = invoke("new", "iro", NEW)
    assert result.returncode == 1
    assert "already exists; 'invoke new' never overwrites" in result.stderr
