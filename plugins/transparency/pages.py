"""What a report page is made of, without Pelican: the narrative's references resolved to
HTML blocks (tables, charts, trend charts), the page's metadata from its period, and its
contents list. The Pelican adapter (adapter.py) hands the results to Pelican's reader.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

from . import references
from .chart_pages import RenderedChart, chart_html, chart_key
from .narrative import MAIN_POINTS
from .problems import Problems
from .published import PublishedPeriod, PublishedSite
from .tables import render_table
from .trend_table import trend_table


def checked_references(text: str, source: Path, period: PublishedPeriod,
                       site: PublishedSite) -> list[references.Reference]:
    """The narrative's references, each checked against its period; raises DataError listing
    every unknown or misused one."""
    problems = Problems()
    refs = references.parse(text, source, problems)
    references.check(refs, period, source, problems, site)
    problems.raise_if_any()
    return refs


def block_renderer(site: PublishedSite, charts: dict[Any, RenderedChart], site_url: str,
                   ) -> Callable[[references.Reference, PublishedPeriod], str]:
    """The HTML a table, chart or trend reference becomes; figures numbered in page order."""
    figures = count(1)

    def block(ref: references.Reference, period: PublishedPeriod) -> str:
        if ref.kind == "trend":
            table = trend_table(site, period, ref.name)
            return chart_html(charts[chart_key(period, ref, site)], next(figures),
                              render_table(table, period, site_url, download=False))
        table_html = render_table(period.tables[ref.name], period, site_url)
        if ref.kind == "chart":
            return chart_html(charts[chart_key(period, ref)], next(figures), table_html)
        return table_html

    return block


def resolve_text(text: str, refs: list[references.Reference], period: PublishedPeriod,
                 block: Callable[[references.Reference, PublishedPeriod], str],
                 ) -> tuple[str, dict[str, str]]:
    """The narrative's Markdown with each inline reference replaced by its published value
    and each block reference by a placeholder; and the placeholders' HTML
    (references.swap_blocks puts them back after Markdown)."""
    return references.substitute(text, refs, period, block)


def period_metadata(metadata: dict[str, Any], period: PublishedPeriod, site: PublishedSite,
                    refs: list[references.Reference], site_url: str,
                    process: Callable[[str, str], Any]) -> dict[str, Any]:
    """A report page's metadata: defaults from its period (title, summary, date, category,
    slug, template; each passed through `process`, the reader's own metadata processing) where
    the narrative's header leaves them out, and what the template needs: the period, its
    report's label, the tables the narrative does not show (and those withheld because every
    figure is hidden)."""
    defaults = {"title": period.title, "summary": period.summary,
                "date": period.published.isoformat(), "category": period.report,
                "slug": f"{period.report}-{period.period}", "template": "report"}
    for key, value in defaults.items():
        if key not in metadata:
            metadata[key] = process(key, value)
    used_tables = [r.name for r in refs if r.kind in ("table", "chart")]
    metadata["report_period"] = period
    metadata["period_slug"] = period.period  # for ARTICLE_URL; slugs must be unique site-wide
    metadata["report_label"] = site.reports[period.report]["label"]
    others = [t for n, t in period.tables.items() if n not in used_tables]
    # A table whose every figure is hidden tells a reader nothing: say so instead of showing it.
    shown = [t for t in others if any(v.number is not None for v in t.cells.values())]
    metadata["other_tables"] = [render_table(t, period, site_url) for t in shown]
    metadata["withheld_tables"] = [t.title for t in others if t not in shown]
    metadata["has_charts"] = any(r.kind in ("chart", "trend") for r in refs)
    return metadata


_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)


_SECTION_END = re.compile(r'<h[12]\b|<div class="footnote"')


def main_points(content: str) -> tuple[str, str]:
    """The narrative's "Main points" section (its level-2 heading, wherever it is) taken out
    of the page's HTML, for the template to show first, above the headline figures, as ONS
    bulletins do: (the section's HTML without its heading, the rest of the page). ("", content)
    when the narrative has none."""
    headings = list(re.finditer(r"<h2\b[^>]*>(.*?)</h2>", content, re.S))
    for heading in headings:
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).split())
        if text.casefold() != MAIN_POINTS.casefold():
            continue
        # The section ends where the next section (or the footnotes Markdown puts last) starts.
        after = _SECTION_END.search(content, heading.end())
        end = after.start() if after else len(content)
        return (content[heading.end():end].strip(),
                content[:heading.start()].rstrip() + ("\n" + content[end:] if end < len(content)
                                                      else "\n"))
    return "", content


def contents(content: str, metadata: dict[str, Any]) -> list[tuple[str, str]]:
    """The report page's sections below its contents list, in order: the narrative's own
    level-2 headings, then the sections the template adds after it. (The main points and the
    headline figures come first, above the contents list, so they are not listed.)"""
    period: PublishedPeriod = metadata["report_period"]
    # Plain text (entities decoded): the templates escape what they print.
    items = [(anchor, html.unescape(re.sub(r"<[^>]+>", "", label)).strip())
              for anchor, label in _H2.findall(content)]
    if metadata.get("other_tables"):
        items.append(("more-tables", "More tables from this report"))
    if metadata.get("withheld_tables"):
        items.append(("withheld-tables", "Tables not shown"))
    if period.notes:
        items.append(("transcription-notes", "Notes on the data"))
    if period.revisions:
        items.append(("corrections", "Corrections"))
    items.append(("downloads", "Downloads"))
    return items
