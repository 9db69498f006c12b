"""Write every published table as CSV, with a Frictionless `datapackage.json`.

Works only on the published site: suppressed cells are written as `c`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from .csvio import CSV_ENCODING, write_csv_text
from .ees_downloads import data_csv, meta_csv, plan
from .ees_downloads import resources as ees_resources
from .knowledge import reader_model
from .knowledge_model import BIG, Model
from .lint_findings import LOG_FIELDS, LOG_NAME, LogEntry, write_disclosure_log
from .printed import SYMBOLS
from .published import (
    PublishedPeriod,
    PublishedRelation,
    PublishedRevision,
    PublishedSite,
    PublishedTable,
    Ref,
)

FIGURE_FIELDS = ("name", "label", "value", "unit", "decimals", "counts", "sensitive", "date",
                 "basis")


def figures_csv(period: PublishedPeriod) -> str:
    """Every figure and metric of a period, one per row: what its page shows, machine-readably
    (hidden ones as c), so that anyone can re-run the disclosure attack from the downloads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIGURE_FIELDS)
    for name, metric in period.values.items():
        writer.writerow([name, metric.label, metric.value.plain(), metric.value.unit,
                         metric.value.decimals, metric.counts, str(metric.sensitive).lower(),
                         metric.date.isoformat() if metric.date else "", metric.basis])
    return out.getvalue()


def _figures_resource(period: PublishedPeriod) -> dict[str, object]:
    return {
        "name": f"{period.report}-{period.period}-figures".replace("_", "-"),
        "path": f"{period.report}/{period.period}/figures.csv",
        "title": f"{period.title}: figures",
        "description": f"Every headline figure and metric of {period.title}, as its page shows "
                       f"them. Source: {period.source.title}.",
        "format": "csv", "mediatype": "text/csv", "encoding": CSV_ENCODING,
        # In the file's column order; `value` is checked by the output audit where the row's
        # unit is a count of people.
        "schema": {"fields": [
            {"name": "value", "type": "number", "disclosure": "count-where-unit-is-count"}
            if n == "value" else {"name": n, "type": "string"} for n in FIGURE_FIELDS],
            "missingValues": ["c", "x", "z"], "primaryKey": ["name"]},
        "sources": [{"title": period.source.title, "path": period.source.file}],
    }


def _reference(site: PublishedSite, model: Model, ref: Ref) -> dict[str, object]:
    """A quantity as the data package names it: a row of a CSV download, or an implied count."""
    version, kind, name, key = ref
    if kind == "figure":
        return {"path": f"{version}/figures.csv", "row": {"name": name}}
    if kind == "table":
        period = site.periods[version.split("/revisions/")[0]]
        table = period.tables.get(name)
        for revision in period.revisions:
            if version.endswith(revision.date.isoformat()):
                table = revision.tables.get(name)
        dims = table.dims if table is not None else []
        return {"path": f"{version}/{name}.csv", "row": dict(zip(dims, key, strict=True))}
    q = model.quantities[ref]
    return {"implied": f"{version}/{name}" + (f"[{', '.join(key)}]" if key else ""),
            "counts": q.counts, "sensitive": q.sensitive, "label": q.label}


def _relation_json(site: PublishedSite, model: Model, rel: PublishedRelation) -> dict[str, object]:
    def terms(items: tuple[tuple[float, Ref], ...]) -> list[list[object]]:
        return [[coef, _reference(site, model, ref)] for coef, ref in items]

    out: dict[str, object] = {"kind": rel.kind, "why": rel.why}
    if rel.kind == "ratio":
        assert rel.value is not None
        out.update(value=_reference(site, model, rel.value), numerator=terms(rel.numerator),
                   denominator=terms(rel.denominator), scale=rel.scale)
    else:
        out.update(terms=terms(rel.terms), constant=rel.constant)
        if rel.kind == "linear":
            out["tolerance"] = rel.tolerance
        else:
            out.update(low=None if rel.low <= -BIG else rel.low,
                       high=None if rel.high >= BIG else rel.high)
    return out


def disclosure_model(site: PublishedSite, min_range: int) -> dict[str, object]:
    """What the disclosure audit used, machine-readably: the rule, which tables count people,
    and every relation beyond the tables' own lines and totals (which the CSVs carry)."""
    model = reader_model(site)
    tables = []
    for key in sorted(site.periods):
        period = site.periods[key]
        versions = [(key, period.tables)] + [
            (f"{key}/revisions/{r.date.isoformat()}", r.tables) for r in period.revisions]
        for version, group in versions:
            tables += [{"path": f"{version}/{t.name}.csv", "counts": t.counts, "unit": t.unit,
                        "sensitive": t.sensitive} for t in group.values()]
    return {
        "threshold": site.threshold, "sensitive_threshold": site.sensitive_threshold,
        "min_feasible_range": min_range,
        # Numbers typed by hand in the narrative, labels and notes that the lint let through,
        # and why (lint.py): for the second person who signs the release off.
        "narrative_log": LOG_NAME,
        "symbols": {k: v for k, v in SYMBOLS.items() if k != "r"},
        "reading": "a reader may take any one hidden count, or any two in one line or relation, "
                   "to be 1 to the threshold (0 to the sensitive threshold in sensitive tables)",
        "tables": tables,
        "relations": [_relation_json(site, model, rel) for rel in model.relations],
    }


def table_csv(table: PublishedTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*table.dims, "value"])
    for key, value in table.cells.items():
        writer.writerow([*key, value.plain()])
    return out.getvalue()


def revision_path(period: PublishedPeriod, revision: PublishedRevision, table: PublishedTable) -> str:
    """Where the table as published before a correction is kept, under data/."""
    return f"{period.report}/{period.period}/revisions/{revision.date.isoformat()}/{table.name}.csv"


def _resource(period: PublishedPeriod, table: PublishedTable,
              revision: PublishedRevision | None = None) -> dict[str, object]:
    fields: list[dict[str, object]] = [
        {"name": dim, "title": label, "type": "string"} for dim, label in table.dimensions.items()]
    fields.append(table.value_field("value", table.measure))
    before = f" (as published before the correction of {revision.date.isoformat()})" if revision else ""
    return {
        "name": (f"{period.report}-{period.period}-{table.name}"
                 + (f"-before-{revision.date.isoformat()}" if revision else "")).replace("_", "-"),
        "path": (revision_path(period, revision, table) if revision
                 else f"{period.report}/{period.period}/{table.name}.csv"),
        "title": table.title + before,
        "description": f"{table.title}{before}. Source: {period.source.title}, {table.source}."
                       + (f" {table.note}" if table.note else ""),
        "format": "csv", "mediatype": "text/csv", "encoding": CSV_ENCODING,
        "schema": {"fields": fields, "missingValues": _missing_values(table),
                   "primaryKey": list(table.dims)},
        "sources": [{"title": period.source.title, "path": period.source.file}],
    }


def _missing_values(table: PublishedTable) -> list[str]:
    """What stands for a missing number in a table's CSV: c, x and z always, and the source's
    own `low` and `u` where a comparator keeps them."""
    used = {value.symbol for value in table.cells.values()}
    return ["c", "x", "z", *(s for s in ("low", "u") if s in used)]


def build_search_index(output: Path) -> Path:
    """A static search index of the built (already audited) pages, with Pagefind."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(output)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the search index could not be built:\n{result.stdout}{result.stderr}")
    return output / "pagefind"


def write_sitemap(output: Path, site_url: str) -> Path:
    """sitemap.xml listing every page of the built site by its absolute address."""
    from xml.sax.saxutils import escape

    urls = []
    for page in sorted(output.rglob("index.html")):
        folder = page.parent.relative_to(output).as_posix()
        urls.append(f"{site_url}/" + (f"{folder}/" if folder != "." else ""))
    body = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
    path = output / "sitemap.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n',
                    encoding="utf-8")
    return path


def _log_resource() -> dict[str, object]:
    return {
        "name": "disclosure-log", "path": LOG_NAME,
        "title": "Numbers typed by hand that the narrative check let through",
        "description": "Each number in the narrative, pages, labels and notes that the build let "
                       "through, and why: an allowance (a year, a date, a duration …) or a "
                       "reviewer's reason. For whoever signs the release off.",
        "format": "csv", "mediatype": "text/csv", "encoding": CSV_ENCODING,
        "schema": {"fields": [{"name": n, "type": "integer" if n == "line" else "string"}
                              for n in LOG_FIELDS]},
    }


def write_downloads(site: PublishedSite, output: Path, log: Sequence[LogEntry] = (),
                    source_root: Path | None = None) -> list[Path]:
    """Write output/data/<report>/<period>/<table>.csv, each period's figures.csv, its tables
    in the DfE's open data format (ees/<table>.csv and .meta.csv, ees_downloads.py), the
    disclosure log (lint.py; its files relative to `source_root`) and
    output/data/datapackage.json (with the disclosure model the audit used)."""
    root = output / "data"
    written: list[Path] = [write_disclosure_log(list(log), root / LOG_NAME, source_root)]
    resources: list[dict[str, object]] = [_log_resource()]
    ees_written = False
    for key in sorted(site.periods):
        period = site.periods[key]
        written.append(write_csv_text(root / period.report / period.period / "figures.csv",
                                      figures_csv(period)))
        resources.append(_figures_resource(period))
        for table in period.tables.values():
            written.append(write_csv_text(
                root / period.report / period.period / f"{table.name}.csv", table_csv(table)))
            resources.append(_resource(period, table))
        for revision in period.revisions:
            for table in revision.tables.values():
                written.append(write_csv_text(root / revision_path(period, revision, table),
                                              table_csv(table)))
                resources.append(_resource(period, table, revision))
        ees = plan(site, period)
        for file in ees.files:
            assert ees.time is not None and site.geography is not None
            for where, text in ((file.path, data_csv(file, ees.time, site.geography)),
                                (file.meta_path, meta_csv(file))):
                written.append(write_csv_text(root / where, text))
            resources += ees_resources(file, period, ees.time, _missing_values(file.table))
            ees_written = True
    package = {
        "name": "children-social-care-reports",
        "title": f"{site.organisation} {site.service}: report tables",
        "description": "Tables from the council's published reports on children in care, "
                       "child protection and quality assurance, after small-number suppression. "
                       "Symbols: c = hidden to protect privacy, x = not available, "
                       "z = not applicable."
                       + (" Each period's tables are also in the Department for Education's "
                          "open data format (Explore Education Statistics), in its ees/ folder: "
                          "a data file and its .meta.csv per table." if ees_written else ""),
        "licenses": [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
                      "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}],
        "resources": resources,
        "disclosure": disclosure_model(site, site.min_feasible_range),
    }
    path = root / "datapackage.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(path)
    return written
