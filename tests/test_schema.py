"""The fields of period.yaml are declared once, in schema.py (issue 16): a field declared there,
and nowhere else, is validated by the loader (unknown until declared, then required, typed),
written by `invoke new` as its declaration says, and listed in the docs' generated table. One
test per section, on copies of the fictional fixture council's data (tests/fixtures/council/)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from sites import data_and_content
from transparency import doctables, scaffold, schema
from transparency.load import load_period
from transparency.load_fields import FieldReader, SchemaError
from transparency.problems import Problem, Problems
from transparency.yamlio import LinedDict

PREV, NEW = "2022-23", "2023-24"
FIELD = "checked_on"
PROMPT = "the date the data team checked it"

# Each section: where in data/iro/2022-23/period.yaml its first entry starts (the section's
# heading, then the entry's own line), how deep its fields are indented, and the path to the
# entry in messages and in the YAML `invoke new` writes.
SECTIONS: dict[str, tuple[str, str, int, tuple[str | int, ...]]] = {
    "period": ("", "", 0, ()),
    "source": ("source:", "source:", 2, ("source",)),
    "figures": ("figures:", "  reviews_held:", 4, ("figures", "reviews_held")),
    "targets": ("targets:", "  review_timeliness_target:", 4,
                ("targets", "review_timeliness_target")),
    "comparators": ("comparators:", "  entering_care_rate:", 4,
                    ("comparators", "entering_care_rate")),
    "tables": ("tables:", "  legal_status:", 4, ("tables", "legal_status")),
    "metrics": ("metrics:", "  children_in_care:", 4, ("metrics", "children_in_care")),
    "relations.stock_flow": ("relations:", "  - stock_flow: children in care", 4, ("relations", 0)),
}


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    return data_and_content(tmp_path)


def period_yaml(site: tuple[Path, Path]) -> Path:
    return site[0] / "iro" / PREV / "period.yaml"


def write_field(site: tuple[Path, Path], section: str, value: str) -> int:
    """Give the section's first entry `checked_on: value`; return its line."""
    path = period_yaml(site)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    heading, entry, indent, _ = SECTIONS[section]
    if not heading:  # the top level: a last line of its own
        lines.append(f"{FIELD}: {value}\n")
        at = len(lines)
    else:
        start = lines.index(heading + "\n")
        at = next(i for i in range(start, len(lines)) if lines[i] == entry + "\n") + 2
        lines.insert(at - 1, " " * indent + f"{FIELD}: {value}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return at


def field_name(section: str) -> str:
    path = SECTIONS[section][3]
    if section.startswith("relations."):
        return f"relations[{int(path[1]) + 1}].{FIELD}"
    return ".".join([*(str(p) for p in path), FIELD])


def declare(monkeypatch: pytest.MonkeyPatch, section: str, **kw: object) -> None:
    """Declare `checked_on` in the section, a required date that `invoke new` asks for again,
    unless `kw` says otherwise."""
    declared = schema.section(section)
    spec = schema.Field(FIELD, "date", "when the data team checked it", required=True,
                        renew="fill", prompt=PROMPT)
    monkeypatch.setitem(schema.SCHEMA, section,
                        replace(declared, fields=(*(f for f in declared.fields if f.name != FIELD),
                                                  replace(spec, **kw))))


def problems_of(site: tuple[Path, Path]) -> list[Problem]:
    problems = Problems()
    assert load_period(site[0] / "iro" / PREV, "iro", problems) is not None
    return problems.items


@pytest.mark.parametrize("section", list(SECTIONS))
def test_a_field_declared_once_is_validated_written_by_invoke_new_and_documented(
        site, monkeypatch, section) -> None:
    assert problems_of(site) == []  # the fixture's period, as it is
    line = write_field(site, section, "2023-05-01")
    # Undeclared, the loader refuses it, naming the file, line and field, and what it knows.
    [unknown] = problems_of(site)
    assert unknown.message == f"'{FIELD}' is not a known field here"
    assert (unknown.line, unknown.field) == (line, field_name(section))
    assert "known fields: " + ", ".join(sorted(schema.section(section).names)) in unknown.hint

    declare(monkeypatch, section, required=False)  # the section's other entries lack it
    assert problems_of(site) == []
    # Its declared type is checked ...
    path = period_yaml(site)
    path.write_text(path.read_text(encoding="utf-8").replace("2023-05-01", "soon"),
                    encoding="utf-8")
    [wrong] = problems_of(site)
    assert (wrong.message, wrong.line, wrong.field) == ("'soon' is not a date", line,
                                                        field_name(section))
    # ... and, declared as required, that it is given.
    declare(monkeypatch, section)
    path.write_text(re.sub(rf"^ *{FIELD}: soon\n", "", path.read_text(encoding="utf-8"),
                           flags=re.MULTILINE), encoding="utf-8")
    missing = problems_of(site)
    assert missing and {p.message for p in missing} == {f"the required date '{FIELD}' is missing"}
    assert field_name(section) in {p.field for p in missing}

    # `invoke new` writes it as its declaration says: asked for again, with its prompt.
    write_field(site, section, "2023-05-01")
    declare(monkeypatch, section, required=False)  # only this entry has it
    made = scaffold.new_period(site[0], site[1], ("iro", "cp", "qa"), "iro", NEW)
    written = yaml.safe_load((made.folder / "period.yaml").read_text(encoding="utf-8"))
    for key in SECTIONS[section][3]:
        written = written[key]
    assert written[FIELD] == f"FILL IN: {PROMPT}"

    # And the docs' table lists it.
    table = (doctables.relations_table() if section.startswith("relations.")
             else schema.markdown_table(section))
    assert re.search(rf"\| `{FIELD}` \| date \(`YYYY-MM-DD`\) \| no \|  \| when the data team "
                     r"checked it \|", table)


@pytest.mark.parametrize("renew, expected", [("keep", "2023-05-01"), ("drop", None)])
def test_what_invoke_new_writes_follows_the_declaration(site, monkeypatch, renew, expected) -> None:
    write_field(site, "figures", "2023-05-01")
    declare(monkeypatch, "figures", required=False, renew=renew)
    made = scaffold.new_period(site[0], site[1], ("iro", "cp", "qa"), "iro", NEW)
    written = yaml.safe_load((made.folder / "period.yaml").read_text(encoding="utf-8"))
    value = written["figures"]["reviews_held"].get(FIELD)
    assert (str(value) if value is not None else None) == expected


def test_printed_figures_are_validated_by_their_declaration(site, monkeypatch) -> None:
    path = period_yaml(site)
    text = path.read_text(encoding="utf-8")
    first = next(m for m in re.finditer(r"^  - quote: .*\n", text, re.MULTILINE))
    path.write_text(text[:first.end()] + f"    {FIELD}: soon\n" + text[first.end():],
                    encoding="utf-8")
    [unknown] = problems_of(site)
    assert (unknown.message, unknown.field) == (f"'{FIELD}' is not a known field here", "printed[1]."
                                                + FIELD)
    declare(monkeypatch, "printed")
    problems = problems_of(site)
    assert [p.message for p in problems if p.field == f"printed[1].{FIELD}"] == [
        "'soon' is not a date"]
    # `invoke new` leaves printed figures out: they belong to the old source.
    assert not schema.renewed("printed") and "`invoke new` writes" not in schema.markdown_table(
        "printed")


def test_code_that_reads_a_field_otherwise_than_declared_is_a_bug_not_a_data_problem() -> None:
    reader = FieldReader(Problems(), Path("period.yaml"), LinedDict({"label": "x"}), "figures.a",
                         "figures")
    with pytest.raises(SchemaError, match="not declared"):
        reader.text("labels")
    with pytest.raises(SchemaError, match="declared as text"):
        reader.date("label")
    with pytest.raises(SchemaError, match="always required"):
        reader.text("label", required=False)
    with pytest.raises(SchemaError, match=r"schema\.py declares"):
        reader.choice("unit", ("count", "percent"))


def test_every_renewal_invoke_new_may_meet_has_a_writer() -> None:
    entry_renewals = {f.renew for name, sec in schema.SCHEMA.items() if name != "period"
                      for f in sec.fields}
    assert entry_renewals <= set(scaffold.RENEW)
    assert set(scaffold.RENEW) | {"new", "entries"} == set(schema.RENEW_WORDS)
