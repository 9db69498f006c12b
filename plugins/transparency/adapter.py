"""Pelican adapter: connects the Pelican-independent core to Pelican's signals.

Nothing here computes, suppresses or composes pages; it loads the published site once, hands
it to a Markdown reader that resolves each narrative's references (pages.py) through
Python-Markdown's public extension interface and Pelican's public `read()`, gives templates
what they need, and writes downloads, PDFs and the search index at the end. `__init__.py`
imports this module only when Pelican calls `register()`, so the core never loads Pelican.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from pelican import signals
from pelican.generators import Generator
from pelican.readers import MarkdownReader

from . import pages, references
from .chart_pages import chart_html, prepare_charts, trend_page_key
from .downloads import build_search_index, write_downloads, write_sitemap
from .lint_findings import disclosure_log_summary
from .narrative import body_start, locate
from .output_audit import audit_output
from .pdf import PdfJob, pdf_path, write_pdfs
from .pipeline import config_from, lint_narrative, prepare_or_raise
from .problems import DataError, Problem, Problems
from .progress import Progress
from .published import PublishedSite
from .tables import render_table
from .trends import Trend, key_measures

SITE_KEY = "TRANSPARENCY_SITE"
TRENDS_KEY = "TRANSPARENCY_TRENDS"
PROGRESS_KEY = "TRANSPARENCY_PROGRESS"
TREND_URLS_KEY = "TRANSPARENCY_TREND_URLS"  # "report/name" -> the trend page, for headline cards
CHARTS_KEY = "TRANSPARENCY_CHARTS"
BRAND_KEY = "TRANSPARENCY_BRAND"  # how the site looks and whom readers contact, for templates
LOG_KEY = "TRANSPARENCY_DISCLOSURE_LOG"  # what the narrative lint let through (lint_findings.LogEntry)
# Set only by the preview (preview.py), which runs Pelican again and again in one process:
# the charts it keeps between builds (chart_pages.ChartMemo), and a list that write_outputs
# fills with the slow outputs (downloads, the output audit, the search index) for the preview
# to make after the browser has reloaded, instead of making them itself.
CHART_MEMO_KEY = "TRANSPARENCY_CHART_MEMO"
DEFERRED_KEY = "TRANSPARENCY_DEFERRED"
# (folder, digest of the settings file): Pelican's own cache of what its readers made, kept
# in a subfolder named by everything a narrative's page depends on besides its own text (the
# published site's fingerprint: data, settings, engine; the settings file; the build date).
# Pelican then re-reads only narratives whose text changed (by their MD5).
READER_CACHE_KEY = "TRANSPARENCY_READER_CACHE"


def _site(settings: dict[str, Any]) -> PublishedSite:
    site = settings.get(SITE_KEY)
    if not isinstance(site, PublishedSite):
        raise RuntimeError("the transparency plugin did not initialise; is it in PLUGINS?")
    return site


class _ResolveReferences(Preprocessor):
    """Before the metadata header is read (Meta runs at priority 27), replace the body's
    references with their published values and block placeholders; once per document (the
    reader converts formatted metadata fields with the same Markdown instance)."""

    def __init__(self, md: Markdown, extension: ReferencesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        if self.extension.done:
            return lines
        self.extension.done = True
        text, self.extension.blocks = self.extension.resolve("\n".join(lines))
        return text.split("\n")


class _PutBlocksBack(Postprocessor):
    def __init__(self, md: Markdown, extension: ReferencesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        return references.swap_blocks(text, self.extension.blocks)


class ReferencesExtension(Extension):
    """Python-Markdown extension resolving one narrative's data references: `resolve` turns
    the document's text into Markdown with placeholders and the placeholders' HTML."""

    def __init__(self, resolve: Callable[[str], tuple[str, dict[str, str]]]) -> None:
        super().__init__()
        self.resolve = resolve
        self.blocks: dict[str, str] = {}
        self.done = False

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_ResolveReferences(md, self), "transparency_references", 29)
        md.postprocessors.register(_PutBlocksBack(md, self), "transparency_blocks", 0)


class ReportMarkdownReader(MarkdownReader):  # type: ignore[misc]  # Pelican ships no types
    """Markdown reader that resolves data references in report narratives."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        site = _site(self.settings)
        content_path = Path(self.settings["PATH"])
        narrative = locate(Path(source_path), content_path, set(site.reports))
        if narrative is None:
            # Pelican's own reader, untyped: (HTML, metadata) as its documentation says.
            plain: tuple[str, dict[str, Any]] = super().read(source_path)
            return plain
        if narrative.key in site.excluded_drafts:
            # A draft period in a publish build: Pelican's 'skip' status writes nothing.
            return "", {"status": "skip"}
        period = site.periods[narrative.key]
        text = Path(source_path).read_text(encoding="utf-8-sig")
        refs = pages.checked_references(text, Path(source_path), period, site)
        site_url = self.settings.get("SITEURL", "")
        block = pages.block_renderer(site, self.settings.get(CHARTS_KEY, {}), site_url)
        start = body_start(text)
        body_refs = [references.Reference(r.kind, r.name, r.line - start, r.text, r.options)
                     for r in refs]

        def resolve(document: str) -> tuple[str, dict[str, str]]:
            lines = document.split("\n")
            body, blocks = pages.resolve_text("\n".join(lines[start:]), body_refs, period, block)
            return "\n".join([*lines[:start], body]), blocks

        markdown = dict(self.settings["MARKDOWN"])
        markdown["extensions"] = [*markdown.get("extensions", []), ReferencesExtension(resolve)]
        content, metadata = MarkdownReader({**self.settings, "MARKDOWN": markdown}).read(source_path)
        metadata = pages.period_metadata(metadata, period, site, refs, site_url,
                                         self.process_metadata)
        metadata["main_points"], content = pages.main_points(content)
        metadata["contents"] = pages.contents(content, metadata)
        return content, metadata


def initialise(pelican: Any) -> None:
    """Load, validate and publish all data before Pelican reads any content."""
    settings = pelican.settings
    config = config_from(settings)
    # Report kinds are declared once, in TRANSPARENCY['REPORTS']: their folders are where
    # Pelican looks for articles. A different ARTICLE_PATHS would drop a report silently.
    declared = settings.get("ARTICLE_PATHS")
    if declared not in ([""], None) and sorted(declared) != sorted(config.reports):
        raise DataError(Problems([Problem(
            "pelicanconf.py", f"ARTICLE_PATHS is {declared}, but the report kinds are "
            f"{sorted(config.reports)}", "delete ARTICLE_PATHS: the engine takes the report "
            "kinds' folders from TRANSPARENCY['REPORTS']", field="ARTICLE_PATHS")]), Path.cwd())
    settings["ARTICLE_PATHS"] = sorted(config.reports)
    if not config.organisation:
        raise DataError(Problems([Problem(
            "pelicanconf.py", "TRANSPARENCY['ORGANISATION'] is not set: pages would name no "
            "publisher", "set it to the council's name (docs/settings.md)",
            field="TRANSPARENCY['ORGANISATION']")]), Path.cwd())
    progress = settings[PROGRESS_KEY] = Progress()
    how: list[str] = []
    site = prepare_or_raise(config, how.append)
    # Pelican's own summary counts its drafts, never these: say what is a draft here.
    shown = sum(p.draft for p in site.periods.values())
    drafts = (f"; {len(site.excluded_drafts)} draft period(s) left out" if site.excluded_drafts
              else f"; {shown} of them draft(s), built with a draft banner and left out of a "
              "publish build" if shown else "")
    progress.stage(f"data: {len(site.periods)} report periods, "
                   f"{sum(len(p.tables) for p in site.periods.values())} tables, "
                   f"{', '.join(how)}{drafts}")
    lint = lint_narrative(config, site)
    if lint.problems and config.narrative_lint_strict:
        raise DataError(lint.problems, Path.cwd())
    for problem in lint.problems.items:
        progress.warn("(fails a publish build) " + problem.format().replace("\n", " "))
    settings[LOG_KEY] = lint.log
    progress.stage(disclosure_log_summary(lint.log, Path.cwd(), full=config.narrative_lint_strict))
    if not site.contact_email:
        progress.warn("TRANSPARENCY['CONTACT_EMAIL'] is not set: readers have no address to report "
                      "a mistake or ask for another format (see docs/settings.md)")
    settings[SITE_KEY] = site
    settings[BRAND_KEY] = branding(config.branding, settings)
    trends = key_measures(site)
    settings[TRENDS_KEY] = trends
    settings[TREND_URLS_KEY] = {f"{t.report}/{t.name}": t.url for t in trends}
    rendered, stats = prepare_charts(config, site, trends, settings.get(CHART_MEMO_KEY))
    settings[CHARTS_KEY] = rendered
    progress.stage(f"charts: {len(rendered)} ({stats.rendered} rendered with {stats.workers} "
                   f"process{'es' if stats.workers > 1 else ''}, {stats.cached} from cache)")
    progress.stage(f"pages: {len(trends)} trend pages; Pelican now reads the narratives and "
                   "writes the pages")
    # Every text that comes from data (summaries, titles, labels, notes, sources) is escaped
    # wherever a template prints it; HTML the engine renders is marked safe where it is used.
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    filters = settings.setdefault("JINJA_FILTERS", {})
    from .templating import FILTERS, OLD_AFTER_MONTHS
    from .time_spans import build_date

    filters.update(FILTERS)
    # How old each report's latest figures are, on the day the site is built.
    settings["TRANSPARENCY_BUILT"] = build_date()
    settings["TRANSPARENCY_OLD_AFTER_MONTHS"] = OLD_AFTER_MONTHS
    if settings.get(READER_CACHE_KEY) and site.fingerprint:
        _cache_readers(settings, site.fingerprint)


def _cache_readers(settings: dict[str, Any], fingerprint: str) -> None:
    """Let Pelican keep what its readers made (READER_CACHE_KEY), in a folder of its own for
    this fingerprint; other fingerprints' folders are removed."""
    import hashlib
    import shutil

    folder, extra = settings[READER_CACHE_KEY]
    key = hashlib.sha256(f"{fingerprint}|{extra}|{settings['TRANSPARENCY_BUILT']}".encode()
                         ).hexdigest()[:24]
    base = Path(folder)
    for old in base.glob("*") if base.is_dir() else ():
        if old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    settings.update(CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CONTENT_CACHING_LAYER="reader",
                    CHECK_MODIFIED_METHOD="md5", CACHE_PATH=str(base / key))


LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")


def branding(values: dict[str, str] | Any, settings: dict[str, Any]) -> dict[str, Any]:
    """What templates need of the BRAND_COLOUR … COUNCIL_URL settings: the logo's address and
    file, the home introduction as HTML. A LOGO that is not an image file is a problem."""
    from .reader_text import markdown_renderer

    brand = dict(values)
    logo = Path(brand["logo"]) if brand.get("logo") else None
    if logo is not None and (not logo.is_file() or logo.suffix.lower() not in LOGO_TYPES):
        raise DataError(Problems([Problem(
            "pelicanconf.py", f"TRANSPARENCY['LOGO'] is {str(logo)!r}, which is not "
            f"{'an image file' if logo.is_file() else 'a file'}", "give the path of an SVG or "
            "PNG file, from the folder Pelican runs in", field="TRANSPARENCY['LOGO']")]), Path.cwd())
    brand["logo_file"] = logo
    brand["logo_url"] = f"/images/{logo.name}" if logo else ""
    brand["home_introduction_html"] = (
        markdown_renderer(settings.get("MARKDOWN")).convert(brand["home_introduction"])
        if brand.get("home_introduction") else "")
    return brand


def add_reader(readers: Any) -> None:
    readers.reader_classes["md"] = ReportMarkdownReader


def write_brand(brand: dict[str, Any], output: Path) -> list[Path]:
    """The brand colour as a stylesheet (theme/css/brand.css, after main.css) and the logo
    copied to images/, so that pages and PDFs load them from the site itself."""
    import shutil

    css = output / "theme" / "css" / "brand.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(f":root {{ --app-brand: {brand.get('brand_colour', '#0b3d5c')}; }}\n",
                   encoding="utf-8")
    written = [css]
    if brand.get("logo_file"):
        target = output / "images" / brand["logo_file"].name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(brand["logo_file"], target)
        written.append(target)
    return written


class DisclosureError(Exception):
    """The built output shows a small count: the build must not be used."""


def _write_pdfs(settings: dict[str, Any], site: PublishedSite, output: Path,
                site_url: str) -> tuple[list[Path], str]:
    """A PDF of each report period's page (pdf.py), printed before the output audit reads it."""
    config = config_from(settings)
    jobs = [PdfJob(page, pdf_path(output, p.report, p.period), output, site_url, site.organisation)
            for p in (site.periods[k] for k in sorted(site.periods))
            if (page := output / p.report / p.period / "index.html").is_file()]
    stats = write_pdfs(jobs, config.pdf_cache, config.pdf_workers)
    slowest = max(stats.rendered, key=lambda r: r.seconds, default=None)
    return stats.written, (
        f"PDFs: {len(stats.written)} ({len(stats.rendered)} printed with {stats.workers} "
        f"process{'es' if stats.workers > 1 else ''}, {stats.cached} from cache)"
        + (f"; slowest {slowest.target.name}, {slowest.pages} pages, {slowest.seconds:.1f}s"
           if slowest else ""))


def _write_downloads(settings: dict[str, Any], site: PublishedSite, output: Path,
                     progress: Progress) -> None:
    """Each table as CSV, the data packages, the disclosure log and the sitemap."""
    written = write_downloads(site, output, settings.get(LOG_KEY, []), Path.cwd())
    in_ees = sum(1 for path in written if path.parent.name == "ees")
    progress.stage(f"downloads: {len(written)} files (CSV, data package"
                   + (f"; {in_ees} of them in the DfE's open data format)" if site.geography
                      else "; none in the DfE's open data format: its settings LA_CODE, "
                           "OLD_LA_CODE, REGION_CODE and REGION_NAME are not set)"))
    site_url = settings.get("SITEURL", "")
    if site_url.startswith(("http://", "https://")):
        write_sitemap(output, site_url)


def _audit(settings: dict[str, Any], site: PublishedSite, output: Path,
           progress: Progress) -> None:
    """Re-read every built file as a reader gets it; a small count shown is a DisclosureError."""
    findings = audit_output(output, site.threshold, config_from(settings).pdf_cache)
    if findings:
        raise DisclosureError("the built site shows small counts of children:\n"
                              + "\n".join(findings))
    progress.stage("output audit: passed (every page, PDF, chart and download checked)")


def _search_index(output: Path, progress: Progress) -> None:
    build_search_index(output)
    progress.stage("search index: built")


def write_outputs(pelican: Any) -> None:
    """Write downloads, then audit every built file; a finding fails the build. In the preview
    (DEFERRED_KEY set) only the brand's stylesheet is written here: the downloads, the output
    audit and the search index are left, in that order, for the preview to run after the
    browser has reloaded, and no PDF is printed."""
    settings = pelican.settings
    site = _site(settings)
    output = Path(settings["OUTPUT_PATH"])
    progress: Progress = settings.get(PROGRESS_KEY) or Progress()
    pages = sum(1 for _ in output.rglob("*.html"))
    progress.stage(f"pages: {pages} written")
    write_brand(settings.get(BRAND_KEY) or {}, output)
    deferred: list[tuple[str, Callable[[], None]]] | None = settings.get(DEFERRED_KEY)
    if deferred is not None:
        deferred += [
            ("downloads", lambda: _write_downloads(settings, site, output, progress)),
            ("output audit", lambda: _audit(settings, site, output, progress)),
            ("search index", lambda: _search_index(output, progress)),
        ]
        progress.stage("preview: downloads, the output audit and the search index follow the "
                       "reload; no PDFs (invoke build prints them)")
        progress.summary()
        return
    _write_downloads(settings, site, output, progress)
    _, summary = _write_pdfs(settings, site, output, settings.get("SITEURL", ""))
    progress.stage(summary)  # before the audit, which reads them
    _audit(settings, site, output, progress)
    _search_index(output, progress)
    progress.summary()


class TrendPagesGenerator(Generator):  # type: ignore[misc]  # Pelican ships no types
    """Writes trends/index.html and one page per key measure (trends.key_measures)."""

    def generate_context(self) -> None:
        pass  # the trends are in the context already (TRANSPARENCY_TRENDS, from initialise)

    def generate_output(self, writer: Any) -> None:
        site = _site(self.settings)
        trends: list[Trend] = self.settings[TRENDS_KEY]
        rendered = self.settings.get(CHARTS_KEY, {})
        site_url = self.settings.get("SITEURL", "")
        for trend in trends:
            table_html = render_table(trend.table, trend.latest, site_url, download=False)
            chart = chart_html(rendered[trend_page_key(trend)], 1, table_html)
            writer.write_file(trend.url + "index.html", self.get_template("trend"), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], trend=trend,
                              chart=chart, report_label=site.reports[trend.report]["label"],
                              url=trend.url)
        writer.write_file("trends/index.html", self.get_template("trends"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url="trends/")


def add_generators(pelican: Any) -> type[Generator]:
    return TrendPagesGenerator


def register() -> None:
    signals.get_generators.connect(add_generators)
    signals.initialized.connect(initialise)
    signals.readers_init.connect(add_reader)
    signals.finalized.connect(write_outputs)
