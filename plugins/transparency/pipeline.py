"""From settings to a published site: load, validate, publish, check the narrative.

Used by the Pelican adapter and by `invoke check`; independent of Pelican.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .load import load_site
from .model import Site
from .narrative import check_content, check_content_raw
from .problems import DataError, Problems
from .publish import publish_site
from .published import PublishedSite
from .settings import SETTINGS_KEY, Config, resolve


def config_from(settings: Mapping[str, Any]) -> Config:
    return resolve(settings.get(SETTINGS_KEY), settings.get("PATH", "content"))


def _fingerprint(config: Config) -> str:
    """A hash of everything the published site depends on: every data file, the settings
    and this package's own code (so a changed rule is never served from the cache)."""
    digest = hashlib.sha256()
    digest.update(repr(sorted((k, str(v)) for k, v in vars(config).items()
                              if k not in ("content_path", "narrative_lint_strict"))).encode())
    for root in (config.data_path, Path(__file__).parent):
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


def _publish_cached(config: Config, note: Callable[[str], None]) -> tuple[PublishedSite | None,
                                                                          Site, Problems]:
    path = config.data_cache / f"published-{_fingerprint(config)}.pickle"
    if path.is_file():
        note("from cache: data unchanged")
        with path.open("rb") as handle:
            return pickle.load(handle), Site({}), Problems()  # noqa: S301 - our own cache file
    site, problems = load_site(config.data_path, config.reports)
    excluded: tuple[str, ...] = ()
    if not config.include_drafts:
        # A draft still being filled in must not stop the other periods' publication.
        problems = _outside_drafts(site, problems)
        if not problems:
            site, excluded = without_drafts(site, problems)
    if problems:
        return None, site, problems
    published = replace(publish_site(site, config), excluded_drafts=excluded)
    note("validated, suppressed and audited")
    if not published.findings:
        config.data_cache.mkdir(parents=True, exist_ok=True)
        for old in config.data_cache.glob("published-*.pickle"):
            old.unlink()
        with path.open("wb") as handle:
            pickle.dump(published, handle)
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


def lint_narrative(config: Config, site: PublishedSite) -> Problems:
    """Hand-typed small counts of people and unwritten placeholders in any narrative or page.
    Draft periods left out of this build are not linted: nothing of them is published, and a
    draft still being written must not stop the other periods' publication."""
    from .lint import lint_file
    from .narrative import read_text

    found = Problems()
    paths = [*sorted(config.content_path.rglob("*.md")),
             # Notes, titles and labels in the data are published too.
             *sorted(config.data_path.glob("*/*/period.yaml"))]
    left_out = {config.content_path / f"{key}.md" for key in site.excluded_drafts}
    left_out |= {config.data_path / key / "period.yaml" for key in site.excluded_drafts}
    for path in (p for p in paths if p not in left_out):
        text = read_text(path, found)
        if text is not None:
            lint_file(path, text, config.suppression_threshold, found)
    return found


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
