"""A PDF of each report period, printed by WeasyPrint from the period's built page.

Pelican-independent: reads `output/<report>/<period>/index.html` and writes
`output/<report>/<period>/<report>-<period>.pdf` beside it, laid out by the page's own print
stylesheet (theme/static/css/print.css). The adapter calls this before the output audit, which
then checks every PDF against its page (output_audit.audit_pdf).

Nothing is fetched from the network: `output_fetcher` serves only files in the output folder,
and a reference to anything else, or to a file that is missing, stops the build.

PDFs are cached by a hash of the page, this module's code, WeasyPrint's version and every file
the page used (stylesheets), so an unchanged page is not printed again; several PDFs are printed
in parallel worker processes. What the PDFs do for accessibility, and what they do not, is in
docs/pdf.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import re
import shutil
import site
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .cache import copy_atomic, write_atomic
from .pdf_floats import float_charts

# Tagged PDF (structure tree, /MarkInfo, /Lang) as PDF 1.7. Not pdf_variant="pdf/ua-1": that
# only adds a claim of PDF/UA conformance, which these files do not fully meet (docs/pdf.md).
PDF_OPTIONS: dict[str, Any] = {"pdf_tags": True, "pdf_version": "1.7"}
# A last page less full than this is laid out again with the end matter set tighter.
LAST_PAGE_MIN = 1 / 3
# The report's end matter (downloads, symbol key) set a little tighter: enough to take back
# the line or two that spill onto a last page of their own (a 39-page report once printed a
# 39th page holding one line of the downloads list).
TIGHTER_END = (".app-downloads, .app-symbol-key { font-size: 9pt; line-height: 1.25 } "
               ".app-downloads li { margin: 0 }")
# Where that is not enough, the last ten items of the downloads lists are kept together
# instead, so that the last page holds them (a third of a page or more) and the page before
# ends a little early: when long tables began to split between rows (print.css, issue 14),
# one report gained a last page a fifth full, and tighter type left one line on it.
KEEP_END = ".app-downloads li:nth-last-child(-n+10) { break-before: avoid }"
END_LAYOUTS = (TIGHTER_END, KEEP_END)
DEBIAN_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0")
POOL_THRESHOLD = 2  # printing one PDF takes seconds, so two are worth a pool's start-up


class PdfError(RuntimeError):
    """A PDF could not be made; the build must stop."""


class PdfResourceError(ValueError):
    """A page refers to something the PDF may not fetch: outside the output folder, or missing."""


def pdf_path(output: Path, report: str, period: str) -> Path:
    return output / report / period / f"{report}-{period}.pdf"


def load_weasyprint() -> Any:
    """Import WeasyPrint, or say which system packages it needs.

    Its loggers are made plain loggers first: Pelican's logger class raises on any warning
    (--fatal warnings), and WeasyPrint warns about every screen-only CSS rule it ignores.
    `render` collects WeasyPrint's messages itself and fails on its errors."""
    previous = logging.getLoggerClass()
    logging.setLoggerClass(logging.Logger)
    try:
        for name in ("weasyprint", "weasyprint.progress"):
            logging.getLogger(name)
        import weasyprint
    except OSError as error:
        raise PdfError(
            f"WeasyPrint cannot load the Pango text library ({error}), so the PDF of each "
            "report cannot be made. On Debian or Ubuntu install it with: "
            f"apt-get install -y {' '.join(DEBIAN_PACKAGES)}") from error
    finally:
        logging.setLoggerClass(previous)
    return weasyprint


def _local_path(url: str, output: Path, site_url: str) -> Path:
    """The file in the output folder a URL stands for; PdfResourceError for anything else."""
    root = output.resolve()
    if site_url.startswith(("http://", "https://")) and url.startswith(site_url.rstrip("/") + "/"):
        relative = unquote(urlsplit(url[len(site_url.rstrip("/")):]).path).lstrip("/")
        path = (root / relative).resolve()
    elif url.startswith("file:"):
        path = Path(unquote(urlsplit(url).path)).resolve()
    else:
        raise PdfResourceError(f"refused {url}: the PDF may only use files in the output folder")
    if not path.is_relative_to(root):
        raise PdfResourceError(f"refused {url}: it is outside the output folder {root}")
    if not path.is_file():
        raise PdfResourceError(f"{url} is missing from the output folder")
    return path


_FETCHER_CLASS: type | None = None


def output_fetcher(output: Path, site_url: str = "") -> Any:
    """A WeasyPrint URL fetcher that reads files in `output` and nothing else.

    URLs under `site_url` (publish builds) are read from the output folder too. Any other URL
    (another site, a data: URI, a file elsewhere) or a missing file raises, and the fetcher is
    made with fail_on_errors, so WeasyPrint stops instead of printing without it."""
    global _FETCHER_CLASS
    if _FETCHER_CLASS is None:
        urls = load_weasyprint().urls
        base: type[Any] = urls.URLFetcher

        class OutputFetcher(base):  # type: ignore[misc]  # weasyprint ships no types: base is Any
            def __init__(self, output: Path, site_url: str) -> None:
                super().__init__(fail_on_errors=True)
                self.output = output.resolve()
                self.site_url = site_url
                self.fetched: dict[str, str] = {}  # path in the output folder -> sha256

            def fetch(self, url: str, headers: Any = None) -> Any:
                path = _local_path(url, self.output, self.site_url)
                body = path.read_bytes()
                self.fetched[path.relative_to(self.output).as_posix()] = hashlib.sha256(body).hexdigest()
                mime = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
                        ".jpg": "image/jpeg", ".woff2": "font/woff2"}.get(path.suffix, "")
                return urls.URLFetcherResponse(path.as_uri(), body,
                                               {"Content-Type": mime} if mime else {})

        _FETCHER_CLASS = OutputFetcher
    return _FETCHER_CLASS(output, site_url)


# Root-relative addresses of stylesheets and images ("/theme/css/main.css", as local builds
# write them) are given the output folder's address.
_RESOURCE_RE = re.compile(r'(<link\b[^>]*?\shref="|<(?:img|source|image|use)\b[^>]*?\s(?:src|href)=")/(?!/)')


# Chart labels Vega hid because they would overlap (opacity 0): invisible on screen, but in a
# PDF they would still be in the text layer, read out and copied as overlapping numbers.
_HIDDEN_LABEL_RE = re.compile(
    r'<text\b[^>]*\sopacity="0"[^>]*>(?:<title>[^<]*</title>)?[^<]*</text>')
# Scripts never print.
_SCRIPT_RE = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


# Root-relative links (<a href="/glossary/">, as the narrative writes them): dead once a PDF
# is emailed to a committee, so given the site's address when it has one.
_LINK_RE = re.compile(r'(<a\b[^>]*?\shref=")/(?!/)')


def localise(html: str, output: Path, site_url: str = "") -> str:
    """The page as WeasyPrint is given it: resources in the output folder, nothing unprinted,
    and, where the site has an address (`site_url`, http or https), every link absolute."""
    root = output.resolve().as_uri().rstrip("/") + "/"
    html = _SCRIPT_RE.sub("", _HIDDEN_LABEL_RE.sub("", html))
    if site_url.startswith(("http://", "https://")):
        html = _LINK_RE.sub(lambda m: m.group(1) + site_url.rstrip("/") + "/", html)
    return _RESOURCE_RE.sub(lambda m: m.group(1) + root, html)


@dataclass(frozen=True)
class PdfJob:
    page: Path  # output/<report>/<period>/index.html
    target: Path  # output/<report>/<period>/<report>-<period>.pdf
    output: Path
    site_url: str
    author: str


@dataclass
class PdfResult:
    target: Path
    pages: int
    seconds: float
    fetched: dict[str, str]
    warnings: list[str]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def page_fill(page: Any) -> float:
    """How far down its content area a laid-out WeasyPrint page is filled, 0 to 1: the
    bottom of its lowest line or image. Reads WeasyPrint's layout boxes (a private part of
    its API, pinned in pyproject.toml); where they cannot be read, 1 (taken as full)."""
    box = getattr(page, "_page_box", None)
    if box is None:
        return 1.0
    top, height = box.content_box_y(), box.height
    bottoms = [b.position_y + b.height for b in box.descendants()
               if type(b).__name__ in ("LineBox", "BlockReplacedBox", "InlineReplacedBox")]
    bottoms = [b for b in bottoms if top <= b <= top + height + 1]
    return (max(bottoms) - top) / height if bottoms and height else 1.0


def _better_end(weasyprint: Any, html: str, fetcher: Any, document: Any) -> Any:
    """The document laid out again with each of END_LAYOUTS in turn, the first that takes the
    last page back or fills it to LAST_PAGE_MIN without leaving the page before it less full
    than that; or the document as it was."""
    for css in END_LAYOUTS:
        other = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render(
            stylesheets=[weasyprint.CSS(string=css)], **PDF_OPTIONS)
        if len(other.pages) < len(document.pages):
            return other
        if (page_fill(other.pages[-1]) >= LAST_PAGE_MIN
                and page_fill(other.pages[-2]) >= LAST_PAGE_MIN):
            return other
    return document


def render(job: PdfJob) -> PdfResult:
    """Print one page to PDF. Runs in the build process or in a worker process."""
    weasyprint = load_weasyprint()
    started = time.perf_counter()
    html = localise(job.page.read_text(encoding="utf-8"), job.output, job.site_url)
    fetcher = output_fetcher(job.output, job.site_url)
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    propagate = logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    try:
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render(**PDF_OPTIONS)
        html, document = float_charts(
            html, document, lambda text: weasyprint.HTML(
                string=text, base_url=None, url_fetcher=fetcher).render(**PDF_OPTIONS), page_fill)
        if len(document.pages) > 1 and page_fill(document.pages[-1]) < LAST_PAGE_MIN:
            document = _better_end(weasyprint, html, fetcher, document)
        document.metadata.authors = [job.author]
        job.target.parent.mkdir(parents=True, exist_ok=True)
        document.write_pdf(job.target, **PDF_OPTIONS)
    except weasyprint.urls.FatalURLFetchingError as error:
        raise PdfError(f"{job.page}: {error.__cause__ or error}") from None
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    errors = [r.getMessage() for r in collect.records if r.levelno >= logging.ERROR]
    if errors:
        raise PdfError(f"{job.page}: WeasyPrint reported errors:\n  " + "\n  ".join(errors))
    return PdfResult(job.target, len(document.pages), time.perf_counter() - started,
                     fetcher.fetched, sorted({r.getMessage() for r in collect.records}))


def _cache_key(job: PdfJob, weasyprint_version: str) -> str:
    digest = hashlib.sha256()
    for part in (job.page.read_bytes(), job.site_url.encode(), job.author.encode(),
                 json.dumps(PDF_OPTIONS, sort_keys=True).encode(), weasyprint_version.encode(),
                 Path(__file__).read_bytes()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:24]


def _from_cache(job: PdfJob, key: str, cache: Path) -> bool:
    """Copy the cached PDF if the page and every file it used are unchanged."""
    meta, pdf = cache / f"{key}.json", cache / f"{key}.pdf"
    if not (meta.is_file() and pdf.is_file()):
        return False
    for relative, sha in json.loads(meta.read_text(encoding="utf-8"))["fetched"].items():
        path = job.output / relative
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            return False
    job.target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, job.target)
    return True


def _to_cache(result: PdfResult, key: str, cache: Path) -> None:
    """Write the PDF, then the list of files it used (which _from_cache reads first), each
    atomically (cache.py)."""
    copy_atomic(result.target, cache / f"{key}.pdf")
    write_atomic(cache / f"{key}.json", json.dumps({"fetched": result.fetched}, indent=1))


@dataclass
class PdfStats:
    written: list[Path] = field(default_factory=list)
    rendered: list[PdfResult] = field(default_factory=list)
    cached: int = 0
    workers: int = 1
    seconds: float = 0.0


def write_pdfs(jobs: Sequence[PdfJob], cache: Path | None, workers: int = 2) -> PdfStats:
    """Print every job's page to its PDF: cached ones copied, the rest in parallel."""
    started = time.perf_counter()
    weasyprint = load_weasyprint()
    stats = PdfStats()
    todo: list[tuple[PdfJob, str]] = []
    for job in jobs:
        key = _cache_key(job, weasyprint.__version__)
        if cache is not None and _from_cache(job, key, cache):
            stats.cached += 1
            stats.written.append(job.target)
        else:
            todo.append((job, key))
    results = _render_all([job for job, _ in todo], workers, stats)
    for (_job, key), result in zip(todo, results, strict=True):
        stats.rendered.append(result)
        stats.written.append(result.target)
        if cache is not None:
            _to_cache(result, key, cache)
    stats.seconds = time.perf_counter() - started
    return stats


def _render_all(jobs: list[PdfJob], workers: int, stats: PdfStats) -> Iterable[PdfResult]:
    if len(jobs) < POOL_THRESHOLD or workers < 2:
        return [render(job) for job in jobs]
    stats.workers = min(workers, len(jobs))
    # 'spawn', as chart_render does: a fresh interpreter per worker, which finds this package
    # through the plugins folder (Pelican loads plugins without putting it on sys.path).
    context = multiprocessing.get_context("spawn")
    plugins = str(Path(__file__).resolve().parent.parent)
    with ProcessPoolExecutor(max_workers=stats.workers, mp_context=context,
                             initializer=site.addsitedir, initargs=(plugins,)) as pool:
        # Longest first, so the slowest page does not start last.
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].page.stat().st_size)
        futures = {i: pool.submit(render, jobs[i]) for i in order}
        return [futures[i].result() for i in range(len(jobs))]
