"""Docs that tests keep honest: settings, data format fields, reference syntax, tasks."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from transparency import doctables, references, schema
from transparency.model import COUNTS, METRIC_TYPES, RELATION_KINDS, UNITS
from transparency.settings import SETTINGS

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def test_every_setting_is_documented_with_its_help():
    text = (DOCS / "settings.md").read_text()
    for setting in SETTINGS:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{setting.name}` |")), None)
        assert row, f"{setting.name} is missing from docs/settings.md"
        assert setting.help in row, f"the help text of {setting.name} differs in docs/settings.md"
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", text, re.MULTILINE))
    assert documented == {s.name for s in SETTINGS}


def test_the_generated_tables_match_their_declarations():
    # docs/data-format.md's field tables come from schema.py, docs/settings.md's from
    # settings.py: a declaration changed without `invoke docs` fails here.
    for name in ("data-format.md", "settings.md"):
        text = (DOCS / name).read_text(encoding="utf-8")
        assert doctables.regenerate(text) == text, f"docs/{name} is out of date: run 'invoke docs'"


def test_every_declaration_has_its_generated_table():
    tables = doctables.tables_in((DOCS / "data-format.md").read_text(encoding="utf-8"))
    assert sorted(tables) == sorted({f"schema {name}" for name in schema.SCHEMA
                                     if not name.startswith("relations.")} | {"relations"})
    assert set(schema.RELATIONS) == set(RELATION_KINDS)
    assert doctables.tables_in((DOCS / "settings.md").read_text(encoding="utf-8")) == ["settings"]


def test_the_drift_check_can_fail(monkeypatch):
    text = (DOCS / "data-format.md").read_text(encoding="utf-8")
    figures = schema.SCHEMA["figures"]
    changed = replace(figures["label"], help="what the figure is, in other words")
    monkeypatch.setitem(schema.SCHEMA, "figures", replace(figures, fields=tuple(
        changed if f.name == "label" else f for f in figures.fields)))
    assert doctables.regenerate(text) != text
    settings_text = (DOCS / "settings.md").read_text(encoding="utf-8")
    monkeypatch.setattr(doctables, "SETTINGS", (replace(SETTINGS[0], default="elsewhere"),
                                                *SETTINGS[1:]))
    assert "| `DATA_PATH` | `'elsewhere'` |" in doctables.regenerate(settings_text)
    assert doctables.regenerate(settings_text) != settings_text


def test_data_format_documents_every_field_unit_and_type():
    text = (DOCS / "data-format.md").read_text()
    for field in schema.PERIOD.names:
        assert f"`{field}`" in text, field
    for word in (*UNITS, *COUNTS, *METRIC_TYPES, *RELATION_KINDS, "base", "collapse",
                 "population", "sensitive", "source_error", "Total", "tolerance", "previous.NAME",
                 "of", "part", "not_people", "not_total"):
        assert f"`{word}`" in text, word


def test_data_format_documents_the_declarations_that_switch_protection_off():
    text = " ".join((DOCS / "data-format.md").read_text().split())
    # The units table no longer offers `counts: none` for percentages of children.
    row = next(line for line in (DOCS / "data-format.md").read_text().splitlines()
               if line.startswith("| `none` |"))
    assert "percent" not in row
    # The total labels refused, where the list of words for people lives, and the key that
    # says a sum is not a total.
    for label in ("TOTAL", "All children", "Grand Total", "Total children", "Overall", "Sum"):
        assert f"`{label}`" in text, label
    assert "write Total" in text and "PEOPLE_DIMENSIONS" in text


def test_editing_guide_documents_every_reference_kind():
    text = (DOCS / "editing.md").read_text()
    for kind in references.KINDS:
        if kind == "value":
            assert "`{{ name }}`" in text
        else:
            assert f"`{{{{ {kind} name }}}}`" in text, kind
    for chart_type in references.CHART_TYPES:
        assert f"type={chart_type}" in text


def test_editing_guide_documents_every_allowance():
    from transparency.numbers import ALLOWANCES

    text = (DOCS / "editing.md").read_text()
    documented = set(re.findall(r"^\| `([a-z]+)` \| ", text, re.MULTILINE))
    assert documented == set(ALLOWANCES)


def test_readme_commands_and_ci_agree():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    assert len(blocks) >= 2
    assert blocks[1].strip() in (ROOT / ".ci/run").read_text()


def test_every_task_is_listed_with_a_description():
    out = subprocess.run([sys.executable, "-m", "invoke", "--list"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    readme = (ROOT / "README.md").read_text()
    listed = re.findall(r"^  (\w[\w-]*)\s{2,}\S", out, re.MULTILINE)
    assert {"build", "check", "serve", "catalogue", "test", "bench"} <= set(listed)
    for task in listed:
        assert f"invoke {task}" in readme, f"{task} is not in the README"


def test_editing_guide_names_the_main_points_heading_the_engine_looks_for():
    from transparency.narrative import MAIN_POINTS

    text = (DOCS / "editing.md").read_text()
    assert f"### {MAIN_POINTS}\n" in text and f"`## {MAIN_POINTS}`" in text
