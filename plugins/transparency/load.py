"""Load and validate data/<report>/<period>/ folders into the raw model.

Every problem is collected (with file, line or CSV row, field and a hint) rather than
stopping at the first, so `invoke check` can list them all. This module walks a period folder
and the site; the work is done by one module per job:

* load_fields: reading the fields of a YAML mapping, and the FILL IN placeholders;
* load_csv: reading a table's rows from a CSV file or a workbook sheet, and checking totals;
* load_entries: figures, targets, metrics, printed figures, selectors, units and counts;
* load_tables: tables and comparators, with their files;
* load_relations: relations, and the ties percentages and rates must declare.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .load_csv import Workbooks
from .load_entries import (
    apply_preset,
    check_selector,
    parse_figure,
    parse_metric,
    parse_printed,
    parse_target,
)
from .load_fields import (
    FORMAT_DOC,
    NAME_RE,
    PERIOD_FILE,
    PERIOD_RE,
    FieldReader,
    read_source,
    report_placeholders,
)
from .load_relations import check_relations, parse_relations
from .load_tables import parse_comparator, parse_table
from .model import (
    TOTAL,
    MetricSpec,
    Period,
    Relation,
    RelationTerm,
    Selector,
    Site,
    Source,
    Table,
    Where,
)
from .problems import Problems
from .revisions import REVISIONS_DIR, check_versions, parse_revisions
from .schema import ENTRY_SECTIONS, STATUSES
from .yamlio import LinedDict, LinedList, YamlReadError, read_yaml


def load_period(folder: Path, report: str, problems: Problems,
                version_of: str | None = None) -> Period | None:
    """Parse one period folder; return None if it cannot be used at all."""
    read = _period_yaml(folder, problems)
    if read is None:
        return None
    path, data = read
    report_placeholders(data, path, "", data.line, problems)
    ctx = FieldReader(problems, path, data, "", "period")
    ctx.unknown_keys()
    period = _period_fields(ctx, data, folder, report, version_of)
    declared_files: set[Path] = set()
    books = Workbooks()
    _entries(ctx, period, books, declared_files)
    printed_raw = data.get("printed")
    if printed_raw is not None:
        if isinstance(printed_raw, LinedList):
            period.printed = parse_printed(ctx, printed_raw)
        else:
            ctx.problem("printed", "'printed' must be a list", "start each entry with '- quote:'")
    books.check_unused(problems)
    if "relations" in data:
        period.relations = parse_relations(ctx, data["relations"])
    if version_of is None:
        period.revisions = parse_revisions(ctx, data.get("revisions"), folder, report, load_period)
        check_versions(period, folder / PERIOD_FILE, problems)
    ctx.finish()
    _undeclared_files(folder, declared_files, version_of is None, problems)
    _check_references(period, problems)
    return period


def _period_yaml(folder: Path, problems: Problems) -> tuple[Path, LinedDict] | None:
    """The folder's period.yaml, read with line numbers; None (and a problem) when there is
    none, it is not YAML, or it is not a mapping."""
    path = folder / PERIOD_FILE
    if not path.is_file():
        problems.add(folder, f"the period folder has no {PERIOD_FILE}",
                     f"create {PERIOD_FILE} (see {FORMAT_DOC}), or remove the folder")
        return None
    try:
        data = read_yaml(path)
    except YamlReadError as exc:
        problems.add(path, exc.message, exc.hint, line=exc.line)
        return None
    if not isinstance(data, LinedDict):
        problems.add(path, "the file must be a set of 'field: value' lines",
                     f"start from the example in {FORMAT_DOC}", line=1)
        return None
    return path, data


def _period_fields(ctx: FieldReader, data: LinedDict, folder: Path, report: str,
                   version_of: str | None) -> Period:
    """The period's own fields (report, period, dates, status, source, notes, titles), as a
    Period without entries yet."""
    kind = ctx.text("report")
    if kind and kind != report:
        ctx.problem("report", f"report is '{kind}' but the folder is data/{report}/",
                    "make them the same, or move the folder")
    name = ctx.text("period")
    # A previous version (revisions/<date>/) is named by its date; its period is the parent's.
    expected = version_of or folder.name
    if name and name != expected:
        ctx.problem("period", f"period is '{name}' but the folder is named '{expected}'",
                    "make them the same")
    start = ctx.date("period_start")
    end = ctx.date("period_end")
    if start and end and end < start:
        ctx.problem("period_end", f"the period ends ({end}) before it starts ({start})",
                    "check the two dates; the end must not be before the start")
    status = ctx.choice("status", STATUSES)
    draft = status == "draft"
    # A draft may carry its planned publication date; a published period must say when.
    published = ctx.date("published", required=not draft)
    if ctx.boolean("example") and not draft:
        ctx.problem("example", "this period is example data (`example: true`): its figures are "
                    "invented and may not be published",
                    "replace every figure with your own report's, then delete the line "
                    "`example: true`; or delete the period's folder")
    source = read_source(ctx)
    notes_raw = data.get("notes", [])
    if not isinstance(notes_raw, list) or not all(isinstance(n, str) for n in notes_raw):
        ctx.problem("notes", "'notes' must be a list of text lines", "start each note with '- '")
        notes_raw = []
    return Period(report=report, period=expected, title=ctx.text("title"),
                  period_label=ctx.text("period_label"), start=start or dt.date.min,
                  end=end or dt.date.min, published=published or dt.date.min, draft=draft,
                  source=source or Source("", "", "", dt.date.min), summary=ctx.text("summary"),
                  folder=folder, previous=ctx.text("previous") or None,
                  notes=list(notes_raw),
                  previous_line=data.line_of("previous") if "previous" in data else None,
                  next_update=ctx.text("next_update"))


def _entries(ctx: FieldReader, period: Period, books: Workbooks, declared_files: set[Path]) -> None:
    """Every named entry of every section (figures, targets, comparators, tables, metrics),
    each parsed into the period; the files tables declare are added to `declared_files`."""
    seen_names: dict[str, str] = {}
    for section in ENTRY_SECTIONS:
        entries = ctx.mapping(section)
        if entries is None:
            continue
        for entry_name, entry in entries.items():
            field = f"{section}.{entry_name}"
            fields = _usable_entry(ctx, entries, entry_name, entry, field, section, seen_names)
            if fields is None:
                continue
            sub = ctx.sub(field, fields, section)
            sub.path = field
            apply_preset(sub, period.report, section, entry_name)
            _entry(sub, section, entry_name, period, books, declared_files)
            sub.finish()


def _usable_entry(ctx: FieldReader, entries: LinedDict, entry_name: str, entry: object,
                  field: str, section: str, seen_names: dict[str, str]) -> LinedDict | None:
    """The fields of an entry with a valid, unused name; None, and a problem, otherwise."""
    problems, path = ctx.problems, ctx.file
    if not NAME_RE.match(entry_name):
        problems.add(path, f"'{entry_name}' is not a valid name", "use lower-case "
                     "snake_case: letters, digits and underscores, starting with a letter",
                     line=entries.line_of(entry_name), field=field)
        return None
    if entry_name in seen_names:
        problems.add(path, f"the name '{entry_name}' is already used in "
                     f"'{seen_names[entry_name]}'", "names must be unique within a "
                     "period; rename one", line=entries.line_of(entry_name), field=field)
        return None
    seen_names[entry_name] = section
    if not isinstance(entry, LinedDict):
        problems.add(path, f"'{entry_name}' must be a set of fields",
                     f"indent its fields under it (see {FORMAT_DOC})",
                     line=entries.line_of(entry_name), field=field)
        return None
    return entry


def _entry(sub: FieldReader, section: str, entry_name: str, period: Period, books: Workbooks,
           declared_files: set[Path]) -> None:
    """One entry of a section, parsed into the period (a table or comparator that cannot be
    read is named in `period.unreadable`)."""
    if section == "figures":
        period.figures[entry_name] = parse_figure(sub, entry_name)
    elif section == "targets":
        period.targets[entry_name] = parse_target(sub, entry_name)
    elif section == "comparators":
        table = parse_comparator(sub, entry_name)
        if table is not None:
            period.tables[entry_name] = table
        else:
            period.unreadable.add(entry_name)
    elif section == "tables":
        table, file_path = parse_table(sub, entry_name, period.folder, books)
        if file_path is not None:
            declared_files.add(file_path.resolve())
        if table is not None:
            period.tables[entry_name] = table
        else:
            period.unreadable.add(entry_name)
    else:
        metric = parse_metric(sub, entry_name)
        if metric is not None:
            period.metrics[entry_name] = metric


def _undeclared_files(folder: Path, declared_files: set[Path], current: bool,
                      problems: Problems) -> None:
    """A file in the period folder that no table declares is a problem (a current version's
    revisions folder is checked by parse_revisions)."""
    for child in sorted(folder.iterdir()):
        # "~$tables.xlsx" is the lock file Excel keeps beside a workbook while it is open.
        if child.name == PERIOD_FILE or child.name.startswith((".", "~$")):
            continue
        if child.name == REVISIONS_DIR and child.is_dir() and current:
            continue  # checked by parse_revisions
        if child.resolve() not in declared_files:
            problems.add(child, "this file is not declared by any table in period.yaml",
                         "declare it under 'tables:' with 'file: " + child.name + "', or move it "
                         "out of the data folder")


def _check_references(period: Period, problems: Problems) -> None:
    check_relations(period, problems)
    for metric in period.metrics.values():
        for sel in metric.selectors():
            check_selector(period, sel, metric.where, f"metrics.{metric.name}", problems)
        if metric.type == "rate":
            _check_rate(period, metric, problems)
        if metric.target and metric.target not in period.targets:
            problems.add(metric.where.file, f"there is no target named '{metric.target}'",
                         f"add it under 'targets:' or use one of: "
                         f"{', '.join(sorted(period.targets)) or '(none)'}",
                         line=metric.where.line, field=f"metrics.{metric.name}.target")
    for i, printed in enumerate(period.printed):
        if printed.metric and printed.metric not in period.metrics and printed.metric not in period.figures:
            problems.add(printed.where.file, f"there is no metric or figure named '{printed.metric}'",
                         "name a metric from 'metrics:'", line=printed.where.line,
                         field=f"printed[{i + 1}].metric")
        if printed.of:
            check_selector(period, printed.of, printed.where, f"printed[{i + 1}].of", problems)


def _check_rate(period: Period, metric: MetricSpec, problems: Problems) -> None:
    """A `rate` metric counts children per 10,000 of a child population: its numerator is a
    count of children, its denominator a figure giving the population (a count of children
    too), so that the audit can tie the rate to both."""
    line = metric.where.line
    num, den = metric.numerator, metric.denominator
    if den is not None and (den.figure is None or den.figure not in period.figures):
        problems.add(metric.where.file, f"the rate '{metric.name}' needs a figure as its "
                     "denominator: the population it is per 10,000 of",
                     "add the population as a figure (the ONS mid-year estimate of children "
                     "aged under 18, with its source) and name it: 'denominator: "
                     "{figure: child_population}'", field=f"metrics.{metric.name}.denominator",
                     line=line)
    elif den is not None:
        fig = period.figures[den.figure or ""]
        if fig.unit != "count" or fig.counts != "children":
            problems.add(metric.where.file, f"the population '{fig.name}' of the rate "
                         f"'{metric.name}' is not a count of children",
                         "give the population figure 'unit: count' and 'counts: children'",
                         field=f"metrics.{metric.name}.denominator", line=line)
    for sel in (num,) if num is not None else ():
        counts = (period.figures[sel.figure].counts if sel.figure in period.figures else
                  period.tables[sel.table].counts if sel.table in period.tables else None)
        unit = (period.figures[sel.figure].unit if sel.figure in period.figures else
                period.tables[sel.table].unit if sel.table in period.tables else None)
        if counts is not None and (unit != "count" or counts != "children"):
            problems.add(metric.where.file, f"the rate '{metric.name}' is per 10,000 children, "
                         "so its numerator must be a count of children",
                         "name a figure or table cells with 'unit: count' and 'counts: "
                         "children'", field=f"metrics.{metric.name}.numerator", line=line)


def _check_populations(period: Period, problems: Problems) -> None:
    totals: dict[str, tuple[float, Table]] = {}
    for table in period.tables.values():
        if not table.population:
            continue
        frame = table.frame
        grand = frame
        for dim in table.dims:
            grand = grand[grand[dim] == TOTAL]
        if len(grand) != 1 or grand["symbol"].iloc[0]:
            continue
        total = float(grand["value"].iloc[0])
        if table.population in totals and totals[table.population][0] != total:
            other = totals[table.population][1]
            problems.add(table.where.file, f"table '{table.name}' has total {total:g} but table "
                         f"'{other.name}' of the same population '{table.population}' has "
                         f"{totals[table.population][0]:g}", "tables of one population must agree "
                         "on their total; check both, or give them different populations",
                         line=table.where.line, field=f"tables.{table.name}.population")
        totals.setdefault(table.population, (total, table))


def _identities(period: Period, periods: Mapping[str, Period],
                spec: Mapping[str, Any]) -> list[Relation]:
    """The stock-and-flow identities a report kind ships (TRANSPARENCY['REPORTS'][kind]
    ['identities']), for a period holding every figure they name (`previous.NAME` in the period
    it follows: its `previous:`, or the one ending the day before it starts): applied without
    being declared, so a new council's standard figures are protected from the start. A period's own
    stock_flow relation with the same label replaces it (to give a tolerance, say)."""
    out = []
    previous = period.preceding(dict(periods))
    declared = {r.label for r in period.relations if r.kind == "stock_flow"}
    for identity in spec.get("identities", ()):
        if identity["stock_flow"] in declared:
            continue  # the period declares its own, with its tolerance
        names = [identity["start"], identity["end"], *identity.get("in", ()),
                 *identity.get("out", ())]
        def holds(p: Period | None, name: str) -> bool:
            return p is not None and (name in p.figures or name in p.metrics)

        if not all(holds(previous, n.removeprefix("previous.")) if n.startswith("previous.")
                   else holds(period, n) for n in names):
            continue

        def term(name: str) -> RelationTerm:
            before = name.startswith("previous.")
            return RelationTerm(Selector(figure=name.removeprefix("previous.")), before,
                                previous.period if before and previous else None)

        out.append(Relation("stock_flow", identity["stock_flow"], Where(Path("REPORTS")),
                            start=term(identity["start"]), end=term(identity["end"]),
                            inflow=tuple(term(n) for n in identity.get("in", ())),
                            outflow=tuple(term(n) for n in identity.get("out", ())),
                            tolerance=float(identity.get("tolerance", 0))))
    return out


@dataclass
class LoadMemo:
    """Each period folder as load_period read it, kept by a long-lived process (the preview):
    by the folder, its report and a hash of every file in it (names and bytes). Kept pickled,
    so that what load_site adds to a period afterwards never reaches the memo."""

    entries: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _load_remembered(folder: Path, report: str, problems: Problems,
                     memo: LoadMemo | None, kept: dict[tuple[str, str], tuple[str, bytes]],
                     ) -> Period | None:
    if memo is None:
        return load_period(folder, report, problems)
    key, digest = (str(folder), report), _folder_digest(folder)
    entry = memo.entries.get(key)
    if entry is None or entry[0] != digest:
        found = Problems()
        period = load_period(folder, report, found)
        entry = (digest, pickle.dumps((period, found.items), protocol=pickle.HIGHEST_PROTOCOL))
    kept[key] = entry
    period, items = pickle.loads(entry[1])  # noqa: S301 - pickled here, by this process
    problems.items.extend(items)
    return period  # type: ignore[no-any-return]


def _load_report(report_dir: Path, problems: Problems, memo: LoadMemo | None,
                 kept: dict[tuple[str, str], tuple[str, bytes]], periods: dict[str, Period],
                 ) -> None:
    """Every period folder of one report folder into `periods`, its problems into
    `problems`."""
    for folder in sorted(report_dir.iterdir()):
        if folder.name.startswith("."):
            continue
        if not folder.is_dir():
            problems.add(folder, "a file is in the wrong place: a report folder holds only "
                         "period folders", "move it into a period folder, "
                         f"data/{report_dir.name}/<period>/")
            continue
        if not PERIOD_RE.match(folder.name):
            problems.add(folder, f"'{folder.name}' is not a valid period folder name",
                         "use 2021-22 for April to March years, or 2019-10-to-2020-09")
            continue
        period = _load_remembered(folder, report_dir.name, problems, memo, kept)
        if period is not None:
            periods[period.key] = period
            _check_populations(period, problems)


def _snapshot_count(period: Period, name: str) -> tuple[str, str] | str:
    """(unit, counts) of a figure with a `date`, or of a `value` or `sum` metric of tables with
    a `date` (a stock); "absent" where the period has no such name, "" where it is no stock."""
    if name in period.figures:
        fig = period.figures[name]
        return (fig.unit, fig.counts) if fig.date is not None else ""
    spec = period.metrics.get(name)
    if spec is None:
        return "absent"
    tables = [period.tables.get(s.table or "") for s in spec.selectors()]
    if spec.type not in ("value", "sum") or not tables or any(t is None or t.date is None for t in tables):
        return ""
    first = tables[0]
    assert first is not None
    return (first.unit, first.counts)


def _check_series(period: Period, periods: Mapping[str, Period], problems: Problems) -> None:
    """A figure's `series` names a snapshot measure (a figure with a `date`) of the same report
    that counts the same things in the same unit, in some period of it."""
    for name, fig in period.figures.items():
        if fig.series is None:
            continue
        readings = [kind for p in periods.values() if p.report == period.report
                    and (kind := _snapshot_count(p, fig.series)) != "absent"]
        if (fig.unit, fig.counts) not in readings:
            why = ("no period of the report has a figure or metric of that name" if not readings
                   else "it is not a snapshot counting the same things in the same unit")
            problems.add(fig.where.file, f"'series: {fig.series}' of '{name}': {why}",
                         "name the snapshot figure (with a 'date') this one is a reading of at "
                         f"another date, or remove 'series' (see 'Figures' in {FORMAT_DOC})",
                         line=fig.where.line, field=f"figures.{name}.series")


def load_site(data_path: Path, reports: Mapping[str, Any],
              memo: LoadMemo | None = None) -> tuple[Site, Problems]:
    """Load every period under data_path; return the site and every problem found. With a
    `memo`, a period folder whose files did not change is not read again."""
    kept: dict[tuple[str, str], tuple[str, bytes]] = {}
    problems = Problems()
    periods: dict[str, Period] = {}
    if not data_path.is_dir():
        problems.add(data_path, "the data folder does not exist", "create it, or set "
                     "TRANSPARENCY['DATA_PATH']")
        return Site(periods), problems
    for report_dir in sorted(data_path.iterdir()):
        if report_dir.name.startswith("."):
            continue
        if not report_dir.is_dir():
            problems.add(report_dir, "a file is in the wrong place: the data folder holds only "
                         "report folders", f"move it into data/<report>/<period>/ "
                         f"(reports: {', '.join(reports)})")
            continue
        if report_dir.name not in reports:
            problems.add(report_dir, f"'{report_dir.name}' is not a known report kind",
                         f"use one of: {', '.join(reports)} (or add it to TRANSPARENCY['REPORTS'])")
            continue
        _load_report(report_dir, problems, memo, kept, periods)
    for period in periods.values():
        period.relations += _identities(period, periods, reports.get(period.report, {}))
        _check_series(period, periods, problems)
        if period.previous:
            prev = periods.get(f"{period.report}/{period.previous}")
            path = period.folder / PERIOD_FILE
            if prev is None:
                problems.add(path, f"previous period '{period.previous}' does not exist in "
                             f"data/{period.report}/", "name an existing period folder, or remove "
                             "'previous'", line=period.previous_line, field="previous")
            elif prev.end >= period.end:
                problems.add(path, f"previous period '{period.previous}' does not end before this "
                             "one", "'previous' must name an earlier period",
                             line=period.previous_line, field="previous")
    if memo is not None:
        memo.entries = kept
    return Site(periods), problems
