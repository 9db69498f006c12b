"""From settings to a published site: load, validate, publish, check the narrative.

Used by the Pelican adapter and by `invoke check`; independent of Pelican.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from .cache import engine_digest, read_pickle, write_pickle
from .lint_findings import HiddenLine, Lint
from .load import LoadMemo, load_site
from .model import TOTAL, Site
from .narrative import check_content, check_content_raw
from .problems import DataError, Problems
from .publish import SuppressionMemo, hidden_lines, hidden_numbers, publish_site
from .published import PublishedPeriod, PublishedSite
from .reader_text import Passage
from .settings import SETTINGS_KEY, Config, resolve


def config_from(settings: Mapping[str, Any]) -> Config:
    config = resolve(settings.get(SETTINGS_KEY), settings.get("PATH", "content"))
    return replace(config, markdown=dict(settings.get("MARKDOWN") or {}))


def _fingerprint(config: Config) -> str:
    """A hash of everything the published site depends on: every data file, the settings
    and this package's own code (so a changed rule is never served from the cache)."""
    digest = hashlib.sha256()
    digest.update(repr(sorted((k, str(v)) for k, v in vars(config).items()
                              if k not in ("content_path", "narrative_lint_strict", "narrative_allowances",
                                           "markdown"))).encode())
    digest.update(engine_digest().encode())
    root = config.data_path
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def without_drafts(site: Site, problems: Problems) -> tuple[Site, tuple[str, ...]]:
    """The site without its draft periods, for a publish build. A published period whose
    'previous' is a draft is a problem: its comparisons would quote unpublished figures."""
    drafts = tuple(sorted(k for k, p in site.periods.items() if p.draft))
    kept = {k: p for k, p in site.periods.items() if not p.draft}
    for period in kept.values():
        if period.previous and f"{period.report}/{period.previous}" in drafts:
            problems.add(period.folder / "period.yaml", f"'previous' is {period.previous}, which is "
                         "a draft, so this period cannot be published without it",
                         "publish the earlier period first, or mark this one 'status: draft' too",
                         line=period.previous_line, field="previous")
    return Site(kept), drafts


def _outside_drafts(site: Site, problems: Problems) -> Problems:
    """The problems that are not inside a draft period's folder. A folder that could not be
    read at all is not known to be a draft, so its problems stay."""
    drafts = [p.folder.resolve() for p in site.periods.values() if p.draft]
    return Problems([p for p in problems.items
                     if not any(Path(p.file).resolve().is_relative_to(d) for d in drafts)])


def _cache_path(config: Config, kind: str, fingerprint: str) -> Path:
    return config.data_cache / f"{kind}-{fingerprint}.pickle"


def _write_cache(config: Config, kind: str, fingerprint: str, value: object) -> None:
    """Keep `value` as the only cached file of its kind (written atomically, cache.py)."""
    write_pickle(_cache_path(config, kind, fingerprint), value, f"{kind}-*.pickle")


# What this process has published, by fingerprint: a long-lived process (the preview, see
# preview.py) re-reads, re-suppresses and re-audits nothing while the fingerprint is the same.
# Only the newest entry is kept, like the cache on disk.
_IN_MEMORY: dict[str, tuple[PublishedSite, Secrets]] = {}
# Each period's own suppression and audit, reused when the data changed elsewhere; kept only
# in a process that asked for it (keep_suppression), as the preview does.
_SUPPRESSED: SuppressionMemo | None = None
_LOADED: LoadMemo | None = None  # each period folder as read, likewise


def keep_suppression() -> None:
    """Keep each period's own suppression in memory from now on (a long-lived process: the
    preview). Until it holds something, the published site is worked out rather than read
    from the cache on disk, so that the first data edit redoes only the period it touched."""
    global _SUPPRESSED, _LOADED
    if _SUPPRESSED is None:
        _SUPPRESSED = SuppressionMemo()
    if _LOADED is None:
        _LOADED = LoadMemo()


# What the narrative lint compares typed numbers with that is never published: the true
# numbers behind each period's [c] (publish.hidden_numbers) and the lines of tables with a
# hidden cell (publish.hidden_lines).
Secrets = tuple[dict[str, frozenset[float]], dict[str, tuple[HiddenLine, ...]]]


def _secrets(site: Site, published: PublishedSite) -> Secrets:
    return hidden_numbers(site, published), hidden_lines(site, published)


def _remember(fingerprint: str, published: PublishedSite, secrets: Secrets) -> None:
    _IN_MEMORY.clear()
    _IN_MEMORY[fingerprint] = (published, secrets)


def _publish_cached(config: Config, note: Callable[[str], None]) -> tuple[PublishedSite | None,
                                                                          Site, Problems]:
    fingerprint = _fingerprint(config)
    if fingerprint in _IN_MEMORY:
        note("in memory: data unchanged")
        return _IN_MEMORY[fingerprint][0], Site({}), Problems()
    path = _cache_path(config, "published", fingerprint)
    kept = read_pickle(path) if _SUPPRESSED is None or _SUPPRESSED.entries else None
    if isinstance(kept, PublishedSite):
        note("from cache: data unchanged")
        return kept, Site({}), Problems()
    site, problems = load_site(config.data_path, config.reports, _LOADED)
    excluded: tuple[str, ...] = ()
    if not config.include_drafts:
        # A draft still being filled in must not stop the other periods' publication.
        problems = _outside_drafts(site, problems)
        if not problems:
            site, excluded = without_drafts(site, problems)
    if problems:
        return None, site, problems
    published = replace(publish_site(site, config, _SUPPRESSED), excluded_drafts=excluded,
                        fingerprint=fingerprint)
    note("validated, suppressed and audited")
    if not published.findings:
        _write_cache(config, "published", fingerprint, published)
        # The narrative lint's hidden numbers and lines, from the raw data already loaded here.
        secrets = _secrets(site, published)
        _write_cache(config, "hidden", fingerprint, secrets)
        _remember(fingerprint, published, secrets)
    return published, site, problems


def prepare(config: Config, note: Callable[[str], None] | None = None,
            ) -> tuple[PublishedSite | None, Problems]:
    """Everything `invoke check` checks. Returns the published site (None if the data could
    not be published) and every problem found. `note` hears how the data was obtained."""
    published, site, problems = _publish_cached(config, note or (lambda _: None))
    if problems:
        # Invalid data cannot be published, but the narrative's place, syntax and names can
        # still be checked, so that every problem is listed at once.
        check_content_raw(config.content_path, set(config.reports), config.data_path, site, problems)
        return None, problems
    assert published is not None
    # publish_site audits every period as it suppresses (audit.audit_period); these are the
    # findings it could not remove.
    for finding in published.findings:
        problems.add(config.data_path / finding.period / "period.yaml", *_finding_text(finding),
                     field=_finding_field(finding))
    check_content(config.content_path, published, problems)
    return published, problems


def _finding_text(finding: Any) -> tuple[str, str]:
    """A finding of the disclosure audit (or of its checks) as a problem and its hint."""
    if finding.kind == "contradiction":
        return (finding.describe(), "check each number the relation names against the source; "
                "correct the data, or the declaration (a 'tolerance' where the source's own "
                "figures do not balance); see 'Relations' in docs/data-format.md")
    if finding.kind == "undeclared":
        return (f"undeclared relation: {finding.describe()}",
                "see 'Relations' in docs/data-format.md; nothing is published until it is settled")
    return (f"disclosure risk: {finding.describe()}",
            "declare a 'collapse' for the table, or report this as a bug in secondary "
            "suppression; nothing is published until the audit passes")


def _finding_field(finding: Any) -> str:
    if finding.kind in ("contradiction", "undeclared"):
        return "relations"
    return f"{'figures' if finding.kind == 'figure' else 'tables'}.{finding.table}"


def prepare_or_raise(config: Config, note: Callable[[str], None] | None = None) -> PublishedSite:
    published, problems = prepare(config, note)
    root = Path.cwd()
    if problems or published is None:
        raise DataError(problems, root)
    return published


def _secrets_cached(config: Config, site: PublishedSite) -> Secrets:
    """Secrets for this data: written beside the published site's cache when it is published
    (the cache is local, like the data; nothing of it is ever in the output), else worked out
    from the raw data. A draft's problems in a publish build do not matter: only the
    published periods are read."""
    if site.fingerprint and site.fingerprint in _IN_MEMORY:
        return _IN_MEMORY[site.fingerprint][1]
    kept = read_pickle(_cache_path(config, "hidden", site.fingerprint)) if site.fingerprint else None
    if isinstance(kept, tuple) and len(kept) == 2:  # kept by _publish_cached
        _remember(site.fingerprint, site, kept)
        return kept
    raw, _ = load_site(config.data_path, config.reports)
    return _secrets(raw, site)



def _figures(site: PublishedSite, threshold: int) -> dict[str, dict[tuple[float, bool], tuple[str, ...]]]:
    """Published figures above the threshold, per period: (value, is a percentage) -> names."""
    out: dict[str, dict[tuple[float, bool], tuple[str, ...]]] = {}
    for key, period in site.periods.items():
        table: dict[tuple[float, bool], tuple[str, ...]] = {}
        for name, metric in sorted(period.values.items()):
            number = metric.value.number
            if number is None or number <= threshold:
                continue
            if metric.value.unit == "percent" or number.is_integer():
                index = (number, metric.value.unit == "percent")
                table[index] = (*table.get(index, ()), name)
        out[key] = table
    return out


def _people_counts(period: PublishedPeriod) -> dict[float, tuple[str, ...]]:
    """The period's published counts of children or records: value -> names (a figure or
    metric's name, or `table NAME` for a shown Total or margin of a count table with a hidden
    cell: a number typed a few below it gives the hidden cell away; red team 17)."""
    out: dict[float, tuple[str, ...]] = {}
    for name, metric in sorted(period.values.items()):
        if metric.of_people and metric.value.number is not None:
            out[metric.value.number] = (*out.get(metric.value.number, ()), name)
    for name, table in sorted(period.tables.items()):
        if not table.of_people or table.comparator or not any(
                v.symbol == "c" for v in table.cells.values()):
            continue
        for key, value in table.cells.items():
            if TOTAL in key and value.number is not None:
                names = out.get(value.number, ())
                if f"table {name}" not in names:
                    out[value.number] = (*names, f"table {name}")
    return out


def hidden_labels(period: PublishedPeriod) -> frozenset[tuple[str, ...]]:
    """The words a reader could name each hidden number of the period by, in plain form for
    the lint: the categories of every table cell it shows as [c] (totals left out: the
    margin of Remand is named by "Remand") and the label of each hidden figure. Comparator
    tables are left out: their [c] are other areas' own symbols, and their categories are
    places ("England")."""
    from .terms import TOTAL_WORDS

    cells: set[tuple[str, ...]] = set()
    for table in period.tables.values():
        if table.comparator:
            continue
        for key, value in table.cells.items():
            categories = tuple(c for c in key if c.strip().lower() not in TOTAL_WORDS)
            if value.suppressed and categories:
                cells.add(categories)
    cells |= {(metric.label,) for metric in period.values.values()
              if metric.value.suppressed and metric.label}
    return frozenset(cells)


# The passages of each text already read, by (kind, file, text, settings): the narrative lint
# in a long-lived process (the preview) reads again only files that changed.
_PASSAGES: dict[tuple[str, str, str, str, str], list[Passage]] = {}


def reader_passages(config: Config, site: PublishedSite, problems: Problems) -> list[Passage]:
    """Everything people typed that a reader sees (reader_text.py), from every narrative and
    page, and from every published period's period.yaml and tables. Draft periods left out of
    this build are not read: nothing of them is published."""
    from . import references
    from .narrative import locate, read_text
    from .reader_data import csv_passages, sheet_passages
    from .reader_text import markdown_passages

    used: dict[tuple[str, str, str, str, str], list[Passage]] = {}
    markdown = repr(config.markdown)

    def remembered(kind: str, path: Path, text: str, key: str,
                   read: Callable[[], list[Passage]]) -> list[Passage]:
        index = (kind, str(path), text, key, markdown if kind == "md" else "")
        found = used.get(index) or _PASSAGES.get(index)
        if found is None:
            found = read()
        used[index] = found
        return list(found)

    passages: list[Passage] = []
    for path in sorted(config.content_path.rglob("*.md")):
        narrative = locate(path, config.content_path, set(config.reports))
        key = narrative.key if narrative else ""
        if key in site.excluded_drafts:
            continue
        text = read_text(path, problems)
        period = site.periods.get(key)
        if text is not None:
            hides = None if period is None else partial(references.hides, period=period)
            # Which references show [c] is part of what the passages are (REF_HIDDEN), so it
            # is part of what they are remembered by.
            shown_hidden = "" if period is None else ",".join(references.hidden_names(period))
            passages += remembered("md", path, text, key + "|" + shown_hidden,
                                   partial(markdown_passages, path, text, config.markdown, key,
                                           hides))
    passages += _settings_passages(config)
    for key in sorted(site.periods):
        folder = config.data_path / key
        yaml_path = folder / "period.yaml"
        text = read_text(yaml_path, problems)
        if text is not None:
            passages += remembered("yaml", yaml_path, text, key,
                                   partial(_yaml_passages, yaml_path, text, key))
        for csv_path in sorted(folder.glob("*.csv")):
            text = read_text(csv_path, problems)
            if text is not None:
                passages += remembered("csv", csv_path, text, key,
                                       partial(csv_passages, csv_path, text, key))
        for book in sorted(folder.glob("*.xlsx")):
            passages += sheet_passages(book, _sheet_rows(book), key)
    _PASSAGES.clear()
    _PASSAGES.update(used)
    return passages


def _settings_passages(config: Config) -> list[Passage]:
    """The home page's introduction, the footer's sentence, the logo's text and each report's
    label and description: typed by hand in the settings, and pages of the whole site, so
    checked against every period (lint.Knowns.watched_labels)."""
    from .reader_text import markdown_passages

    typed = [(f"TRANSPARENCY['{name.upper()}']", config.branding.get(name))
             for name in ("home_introduction", "footer_text", "logo_alt")]
    typed += [(f"TRANSPARENCY['REPORTS']['{report}']['{name}']", described.get(name))
              for report, described in sorted(config.reports.items())
              for name in ("label", "short_label", "description")]
    return [passage for where, text in typed if isinstance(text, str) and text.strip()
            for passage in markdown_passages(Path(where), "\n" + text, config.markdown)]


def _yaml_passages(path: Path, text: str, key: str) -> list[Passage]:
    from .reader_data import yaml_passages
    from .yamlio import read_yaml

    return yaml_passages(path, read_yaml(path), text, key)


def _sheet_rows(path: Path) -> list[tuple[str, int, list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [(sheet.title, number, ["" if v is None else str(v) for v in row])
                for sheet in book.worksheets
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def lint_cache(folder: Path) -> Path:
    """Where the narrative lint keeps its findings per passage, in the data cache `folder`:
    one file per engine version (cache.engine_digest)."""
    return folder / f"lint-{engine_digest()}.pickle"


def lint_narrative(config: Config, site: PublishedSite) -> Lint:
    """The narrative lint (lint.py) over everything people typed that a reader sees: its
    problems (errors in a publish build, warnings otherwise) and its disclosure log."""
    from .lint import check, checked_passages, recall_checked
    from .lint_combined import Knowns
    from .numbers import allowances

    problems = Problems()
    passages = reader_passages(config, site, problems)
    hidden, lines = _secrets_cached(config, site)
    knowns = Knowns(hidden=hidden, lines=lines,
                    figures=_figures(site, config.sensitive_threshold),
                    counts={key: _people_counts(period) for key, period in site.periods.items()},
                    hidden_labels={key: hidden_labels(period) for key, period in site.periods.items()})
    # What each passage's check found is kept on disk, so a build in a fresh process checks
    # again only passages whose text, or whose period's figures, changed.
    kept = lint_cache(config.data_cache)
    earlier = read_pickle(kept)
    if isinstance(earlier, dict):
        recall_checked(earlier)
    lint = check(passages, config.sensitive_threshold, allowances(config.narrative_allowances),
                 knowns)
    write_pickle(kept, checked_passages(), "lint-*.pickle")
    problems.extend(lint.problems)
    lint.problems = problems
    return lint


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def information_loss(site: PublishedSite) -> list[str]:
    """What suppression costs each period, as `invoke check` prints it: table cells hidden,
    how many of them are small counts (primary) and how many complements (secondary), cells
    hidden for each small count, and figures hidden."""
    lines = []
    for key in sorted(site.periods):
        period = site.periods[key]
        hidden = sum(v.suppressed for t in period.tables.values() for v in t.cells.values())
        primary = sum(t.primary_hidden for t in period.tables.values())
        figures = sum(m.value.suppressed for m in period.values.values())
        ratio = f", {hidden / primary:.1f} per small count" if primary else ""
        lines.append(f"  {key}: {_n(hidden, 'table cell')} hidden ({_n(primary, 'small count')}, "
                     f"{_n(hidden - primary, 'complement')}{ratio}); {_n(figures, 'figure')} hidden")
    return lines


def catalogue(site: PublishedSite, key: str) -> str:
    """Every name a period offers to the narrative, with what it is and its published value."""
    period = site.periods[key]
    lines = [f"Names offered by {key} ({period.title}):", ""]
    for name, metric in sorted(period.values.items()):
        extra = " (headline)" if metric.headline else ""
        change = ""
        if metric.change is not None:
            change = ("; {{ change " + name + " }} available" if metric.change.comparable
                      else f"; not comparable with {metric.change.previous_label}")
        lines.append(f"  {{{{ {name} }}}}  {metric.kind}{extra}: {metric.label} = "
                     f"{metric.value.text()}{change}")
    for name, target in sorted(period.targets.items()):
        lines.append(f"  {{{{ {name} }}}}  target: {target.label} = {target.text}")
    for name, table in sorted(period.tables.items()):
        kind = "comparator table" if table.comparator else "table"
        lines.append(f"  {{{{ table {name} }}}}  {kind}: {table.title}")
    return "\n".join(lines)
