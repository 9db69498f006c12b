"""`invoke new <report> <period>`: start a new period from the previous one of that report.

Writes, and never overwrites:

* data/<report>/<period>/period.yaml: the previous period's figures, targets, comparators,
  tables and metrics, as a draft (`status: draft`, `previous:` the old period), with dates,
  labels and titles moved on to the new period where that is certain, and `FILL IN` wherever
  the officer must give something: every figure, target and comparator value, every place in
  the source, the source itself, and any title or category that still names an old year.
  Relations carry over, each `tolerance` to FILL IN, and so do a percentage's `of` and `part`.
  A `not_people` reason is asked for again (FILL IN, showing the old one): it vouches for the
  new report's numbers. Transcription notes, printed figures and `not_total` (a coincidence
  of the old numbers) belong to the old source and are dropped.
* one CSV per table with the previous period's header and categories and an empty `value`
  column, or (excel=True) one workbook, tables.xlsx, with a sheet per table laid out the same.
* content/<report>/<period>.md: the previous narrative's headings and references, with each
  paragraph of prose replaced by a "[Write about …]" prompt (scaffold_narrative.py).

What it writes for each field of period.yaml is declared with the field, in schema.py (its
`renew`); dates and text are moved on by retime.py. The loader refuses every FILL IN and every
empty value (load_fields.PLACEHOLDER), and a publish build refuses every "[Write …]"
(lint.PLACEHOLDER), so nothing unfinished can be published. Independent of Pelican.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import narrative, schema
from .load import load_period
from .load_fields import FORMAT_DOC, PERIOD_FILE, PERIOD_RE, PLACEHOLDER
from .model import Period
from .problems import Problems
from .retime import Previous, Retimer, find_previous, period_dates, period_label
from .scaffold_narrative import skeleton
from .workbook import MAX_SHEET_NAME
from .yamlio import read_yaml

FILL = PLACEHOLDER
WORKBOOK = "tables.xlsx"
EDITING_DOC = "docs/editing.md"


class ScaffoldError(Exception):
    """Why a period cannot be scaffolded, and what to do instead."""


@dataclass
class Scaffold:
    """What `new_period` wrote."""

    key: str
    previous: str
    folder: Path
    narrative: Path
    files: list[Path] = field(default_factory=list)

    def summary(self, root: Path | None = None) -> str:
        """What was written and what to do next, for the terminal."""
        def rel(path: Path) -> str:
            try:
                return str(path.resolve().relative_to(root.resolve())) if root else str(path)
            except ValueError:
                return str(path)
        lines = [f"Started {self.key} (a draft) from {self.previous}:",
                 *(f"  {rel(p)}" for p in self.files),
                 "",
                 "Next:",
                 f"  1. Replace every {FILL} in {rel(self.folder / PERIOD_FILE)} and fill in "
                 "every table's values.",
                 "  2. Run 'invoke check': it lists everything still to fill in.",
                 f"  3. Write the narrative in {rel(self.narrative)}, replacing each [Write …].",
                 "  4. Preview with 'invoke serve'. To publish, see docs/publishing.md.",
                 f"  See '{EDITING_DOC}', Starting a new period."]
        return "\n".join(lines)


# --- period.yaml -------------------------------------------------------------------------

# A mapping of period.yaml as read (yamlio) or about to be written: its values are whatever
# YAML holds there.
YamlMap = dict[str, Any]


class _Flow(dict[str, Any]):
    """A mapping written on one line: selectors such as {table: legal_status}."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # write a repeated date out each time, never as &id001 / *id001


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(x, (dict, list)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_flow(dumper: yaml.SafeDumper, data: YamlMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(_Flow, _represent_flow)


def _plain(value: Any) -> Any:
    """LinedDict/LinedList to dict/list; selectors as _Flow."""
    if isinstance(value, dict):
        out = {str(k): _plain(v) for k, v in value.items()}
        return _Flow(out) if "table" in out and set(out) <= {"table", "where"} else out
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# What `invoke new` writes for each field is declared with the field, in schema.py (its `renew`):
# carried over, moved on to the new period, asked for again (FILL IN) or left out.

_NO_LAST = object()


@dataclass(frozen=True)
class _Renewal:
    """What renewing a field needs besides its old value."""

    rt: Retimer
    prev: Previous
    entry: str = ""  # the entry's name (a table's, for its file)
    sheet: str | None = None  # with --excel, the table's sheet


def _fill(spec: schema.Field, last: Any = _NO_LAST) -> str:
    """FILL IN, with what the field asks for and, where it helps, last period's value."""
    text = FILL + (f": {spec.prompt}" if spec.prompt else "")
    return text if last is _NO_LAST else f"{text} (last period: {last})"


def _table_file(spec: schema.Field, value: Any, r: _Renewal) -> YamlMap:
    out: YamlMap = {spec.name: WORKBOOK if r.sheet else value if str(value).endswith(".csv")
                    else f"{r.entry}.csv"}
    if r.sheet and r.sheet != r.entry:
        out["sheet"] = r.sheet
    return out


def _base(spec: schema.Field, value: Any, r: _Renewal) -> YamlMap:
    if value == "unknown":
        return {spec.name: value}
    if isinstance(value, dict):
        return {spec.name: {dim: {cat: _fill(spec, n) for cat, n in cats.items()}
                            for dim, cats in value.items()}}
    return {spec.name: _fill(spec, value)}


_Renew = Callable[[schema.Field, Any, _Renewal], YamlMap]
RENEW: dict[schema.Renew, _Renew] = {
    "keep": lambda spec, value, r: {spec.name: _plain(value)},
    "drop": lambda spec, value, r: {},
    "fill": lambda spec, value, r: {spec.name: _fill(spec)},
    "fill_showing": lambda spec, value, r: {
        spec.name: _fill(spec, list(value) if isinstance(value, list) else value)},
    # A reason for `counts: none` is about the new report's numbers, so it is given again, never
    # carried over unread (docs/data-format.md, 'counts: none must say why').
    "ask_again": lambda spec, value, r: {spec.name: _fill(spec, " ".join(str(value).split()))},
    "retime": lambda spec, value, r: {spec.name: r.rt.text(value, spec.prompt)},
    "date": lambda spec, value, r: {spec.name: r.rt.date(value, r.prev)},
    "years": lambda spec, value, r: {spec.name: r.rt.years(list(value), r.prev)},
    "values": lambda spec, value, r: {spec.name: {
        area: [FILL] * len(v) if isinstance(v, list) else FILL for area, v in value.items()}},
    "file": _table_file,
    "base": _base,
    "keep_or_fill": lambda spec, value, r: {spec.name: value or _fill(spec)},
}


def renew_entry(section: schema.Section, entry: YamlMap, r: _Renewal) -> YamlMap:
    """An entry of the previous period (a figure, a table, a relation ...) for the new one: each
    of its fields, in its order, as the section declares (a field it does not declare is kept)."""
    out: YamlMap = {}
    for key, value in entry.items():
        spec = section.get(key) or schema.Field(key, "text", "")
        out.update(RENEW[spec.renew](spec, value, r))
    return out


def renew_whole(section: schema.Section, old: YamlMap, r: _Renewal) -> YamlMap:
    """A mapping written whole for the new period (the source): every declared field in the
    declared order, the required ones even where last period left them out."""
    out: YamlMap = {}
    for spec in section.fields:
        if spec.name in old or spec.required:
            out.update(RENEW[spec.renew](spec, old.get(spec.name, ""), r))
    return out


def _relation(entry: YamlMap, r: _Renewal) -> YamlMap:
    """A relation carries over (the same figures are related the same way), but how far the
    new report's own figures are from balancing is the new report's to say."""
    kind = next((k for k in schema.RELATIONS if k in entry), "")
    section = schema.SCHEMA.get(f"relations.{kind}", schema.Section("relations", ()))
    return renew_entry(section, entry, r)


def _sheet_names(tables: Iterable[str]) -> dict[str, str]:
    """A sheet per table, named like the table where Excel allows (31 characters, unique
    whatever the case)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for table in tables:
        sheet, n = table[:MAX_SHEET_NAME], 1
        while sheet.lower() in taken:
            n += 1
            sheet = f"{table[:MAX_SHEET_NAME - len(str(n)) - 1]}_{n}"
        taken.add(sheet.lower())
        names[table] = sheet
    return names


def period_yaml(old: YamlMap, report: str, name: str, prev: Previous, rt: Retimer,
                sheets: dict[str, str] | None) -> YamlMap:
    """The new period.yaml, from the previous one: each top-level field as schema.py's `renew`
    declares it, in the declared order."""
    dates = rt.dates
    new: YamlMap = {
        "report": report, "period": name,
        "period_label": period_label(*dates) if dates else f"{FILL}: e.g. April 2022 to March 2023",
        "period_start": dates[0] if dates else f"{FILL}: the first day, YYYY-MM-DD",
        "period_end": dates[1] if dates else f"{FILL}: the last day, YYYY-MM-DD",
        "status": "draft", "previous": prev.name}
    out: YamlMap = {}
    for spec in schema.section("period").fields:
        value = old.get(spec.name)
        if spec.renew == "new":
            out[spec.name] = new[spec.name]
        elif spec.renew == "retime":
            # One line of text, however the old one was wrapped.
            out[spec.name] = rt.text(" ".join(str(value or "").split()), spec.prompt)
        elif spec.renew == "entries" and spec.name in schema.ENTRY_SECTIONS:  # figures, tables ...
            if isinstance(value, dict) and value:
                section = schema.section(spec.name)
                out[spec.name] = {n: renew_entry(section, e, _Renewal(
                    rt, prev, n, sheets[n] if sheets and spec.name == "tables" else None))
                    for n, e in value.items() if isinstance(e, dict)}
        elif spec.renew == "entries" and spec.type == "list":  # relations
            if isinstance(value, list) and value:
                out[spec.name] = [_relation(e, _Renewal(rt, prev)) for e in value
                                  if isinstance(e, dict)]
        elif spec.renew == "entries":  # a mapping written whole: the source
            out[spec.name] = renew_whole(schema.section(spec.name),
                                         value if isinstance(value, dict) else {}, _Renewal(rt, prev))
        elif spec.renew not in ("entries", "drop") and spec.name in old:
            out.update(RENEW[spec.renew](spec, value, _Renewal(rt, prev)))
    if old.get("example") is True:
        # The example's title and summary say EXAMPLE DATA: the officer writes their own.
        for spec in (schema.section("period")["title"], schema.section("period")["summary"]):
            out[spec.name] = _fill(spec)
    return out


def _header(report: str, name: str, prev: str) -> str:
    return (f"# Started by 'invoke new {report} {name}' from {report}/{prev}. Replace every\n"
            "# placeholder in capitals (the whole of it) and fill in every table's values;\n"
            "# 'invoke check' lists what is left. The period is a draft: built for preview, never\n"
            "# published. To publish it, set 'status: published' and add 'published: YYYY-MM-DD'.\n"
            f"# See {EDITING_DOC}, 'Starting a new period', and {FORMAT_DOC}.\n")


def dump_yaml(data: YamlMap) -> str:
    """period.yaml's text: keys in order, selectors on one line, no YAML aliases."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


# --- tables --------------------------------------------------------------------------------

def _categories(period: Period, name: str, rt: Retimer) -> tuple[list[str], list[list[str]]]:
    table = period.tables[name]
    rows = [[rt.text(str(c), "the category") for c in key] for key, *_ in table.rows]
    return table.dims, rows


def _csv_text(dims: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*dims, "value"])
    for row in rows:
        writer.writerow([*row, ""])
    return buffer.getvalue()


def _write_workbook(path: Path, tables: dict[str, tuple[list[str], list[list[str]]]],
                    sheets: dict[str, str]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])  # the one sheet a new workbook has (its active one)
    for name, (dims, rows) in tables.items():
        sheet = book.create_sheet(sheets[name])
        sheet.append([*dims, "value"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([*row, None])
        # Categories are text: Excel must not turn 'April 2021' or '1 to 4' into something else.
        for col in range(1, len(dims) + 1):
            letter = sheet.cell(1, col).column_letter
            sheet.column_dimensions[letter].number_format = "@"
            width = max(len(str(r[col - 1])) for r in [[*dims], *rows])
            sheet.column_dimensions[letter].width = min(60, max(12, width + 2))
            for r in range(2, len(rows) + 2):
                sheet.cell(r, col).number_format = "@"
        sheet.freeze_panes = "A2"
    book.save(path)


# --- the whole period -----------------------------------------------------------------------

def new_period(data_path: Path, content_path: Path, reports: Iterable[str], report: str,
               name: str, *, excel: bool = False) -> Scaffold:
    """Scaffold data/<report>/<name>/ and content/<report>/<name>.md from the previous period
    of the report. Raises ScaffoldError, having written nothing, if it cannot."""
    reports = list(reports)
    if report not in reports:
        raise ScaffoldError(f"'{report}' is not a report kind. Use one of: {', '.join(reports)}.")
    if not PERIOD_RE.match(name):
        raise ScaffoldError(f"'{name}' is not a period name. Use 2022-23 for April 2022 to March "
                            "2023, or 2022-10-to-2023-09 for any other span (first month to last "
                            "month).")
    folder = data_path / report / name
    story = narrative.narrative_path(content_path, report, name)
    for path in (folder, story):
        if path.exists():
            raise ScaffoldError(f"{path} already exists; 'invoke new' never overwrites. Edit it, "
                                "or move it away first.")
    dates = period_dates(name)
    prev = find_previous(data_path / report, dates[1] if dates else None)
    if prev is None:
        raise ScaffoldError(f"there is no earlier {report} period in {data_path / report} to start "
                            f"from. Write {report}/{name} by hand (see {FORMAT_DOC}).")
    problems = Problems()
    old_period = load_period(prev.folder, report, problems)
    if problems or old_period is None:
        raise ScaffoldError(f"the previous period, {report}/{prev.name}, has problems; run "
                            f"'invoke check' and fix them first.\n{problems.report()}")
    old = read_yaml(prev.folder / PERIOD_FILE)
    rt = Retimer(prev, str(old.get("period_label", "")), name, dates)
    table_names = [n for n in (old.get("tables") or {}) if n in old_period.tables]
    sheets = _sheet_names(table_names) if excel else None
    data = period_yaml(old, report, name, prev, rt, sheets)
    tables = {n: _categories(old_period, n, rt) for n in table_names}
    old_story = narrative.narrative_path(content_path, report, prev.name)
    old_text = (old_story.read_text(encoding="utf-8") if old_story.is_file()
                else f"Title: {old.get('title', '')}\nSummary: {data['summary']}\n\n[Write the report.]\n")
    meta = {}
    for line in old_text.splitlines()[:narrative.body_start(old_text)]:
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    example = old.get("example") is True  # its page says EXAMPLE DATA: not the officer's words
    if example:
        meta.pop("summary", None)
    title = (str(data["title"]) if example
             else str(rt.text(meta.get("title") or str(old.get("title", "")), "title")))
    summary = str(rt.text(meta.get("summary") or str(data["summary"]), "summary"))
    if title.startswith(FILL):
        title = "[Write the page title]"
    if summary.startswith(FILL):
        summary = "[Write one or two sentences saying what the report covers]"
    story_text = skeleton(old_text, title, summary)
    # Everything is worked out; now write.
    made = Scaffold(f"{report}/{name}", prev.name, folder, story)
    folder.mkdir(parents=True)
    yaml_path = folder / PERIOD_FILE
    yaml_path.write_text(_header(report, name, prev.name) + dump_yaml(data), encoding="utf-8")
    made.files.append(yaml_path)
    if sheets is not None:
        _write_workbook(folder / WORKBOOK, tables, sheets)
        made.files.append(folder / WORKBOOK)
    else:
        for table_name, (dims, rows) in tables.items():
            path = folder / data["tables"][table_name]["file"]
            path.write_text(_csv_text(dims, rows), encoding="utf-8")
            made.files.append(path)
    story.parent.mkdir(parents=True, exist_ok=True)
    story.write_text(story_text, encoding="utf-8")
    made.files.append(story)
    return made
