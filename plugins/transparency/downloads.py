"""Write every published table as CSV, with a Frictionless `datapackage.json`.

Works only on the published site: suppressed cells are written as `c`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .published import PublishedPeriod, PublishedRevision, PublishedSite, PublishedTable


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
    value_field: dict[str, object] = {
        "name": "value", "title": table.measure,
        "type": "integer" if table.unit == "count" else "number",
        "description": f"Unit: {table.unit}."}
    if table.counts != "none" and table.unit == "count":
        value_field["disclosure"] = "count"
        value_field["description"] = (f"Count of {table.counts}. Values of 1 to the suppression "
                                      "threshold, and cells that would reveal them, are 'c'.")
    fields.append(value_field)
    before = f" (as published before the correction of {revision.date.isoformat()})" if revision else ""
    return {
        "name": (f"{period.report}-{period.period}-{table.name}"
                 + (f"-before-{revision.date.isoformat()}" if revision else "")).replace("_", "-"),
        "path": (revision_path(period, revision, table) if revision
                 else f"{period.report}/{period.period}/{table.name}.csv"),
        "title": table.title + before,
        "description": f"{table.title}{before}. Source: {period.source.title}, {table.source}."
                       + (f" {table.note}" if table.note else ""),
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {"fields": fields, "missingValues": ["c", "x", "z"],
                   "primaryKey": list(table.dims)},
        "sources": [{"title": period.source.title, "path": period.source.file}],
    }


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


def write_downloads(site: PublishedSite, output: Path) -> list[Path]:
    """Write output/data/<report>/<period>/<table>.csv and output/data/datapackage.json."""
    root = output / "data"
    written: list[Path] = []
    resources = []
    for key in sorted(site.periods):
        period = site.periods[key]
        for table in period.tables.values():
            path = root / period.report / period.period / f"{table.name}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(table_csv(table), encoding="utf-8")
            written.append(path)
            resources.append(_resource(period, table))
        for revision in period.revisions:
            for table in revision.tables.values():
                path = root / revision_path(period, revision, table)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(table_csv(table), encoding="utf-8")
                written.append(path)
                resources.append(_resource(period, table, revision))
    package = {
        "name": "children-social-care-reports",
        "title": f"{site.organisation} {site.service}: report tables",
        "description": "Tables from the council's published reports on children in care, "
                       "child protection and quality assurance, after small-number suppression. "
                       "Symbols: c = hidden to protect privacy, x = not available, "
                       "z = not applicable.",
        "licenses": [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
                      "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}],
        "resources": resources,
    }
    path = root / "datapackage.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(path)
    return written
