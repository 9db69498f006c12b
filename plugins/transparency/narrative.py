"""Checks on the narrative files in content/: where they are, and what they refer to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import references
from .markdown_shape import shape_problems
from .model import Site
from .problems import Problems
from .problems import read_text as read_file
from .published import PublishedSite

PAGES_DIR = "pages"
# The heading of the section every report page opens with (pages.main_points).
MAIN_POINTS = "Main points"


@dataclass(frozen=True)
class NarrativeFile:
    path: Path
    report: str
    period: str

    @property
    def key(self) -> str:
        return f"{self.report}/{self.period}"


def narrative_path(content: Path, report: str, period: str) -> Path:
    return content / report / f"{period}.md"


def locate(path: Path, content: Path, reports: set[str]) -> NarrativeFile | None:
    """The report period a content file narrates, or None for ordinary pages."""
    try:
        rel = path.resolve().relative_to(content.resolve())
    except ValueError:
        return None
    if len(rel.parts) == 2 and rel.parts[0] in reports and rel.suffix == ".md":
        return NarrativeFile(path, rel.parts[0], rel.stem)
    return None


def read_text(path: Path, problems: Problems) -> str | None:
    return read_file(path, problems, save_as="UTF-8",
                     empty_hint="write the narrative, starting with 'Title:' (see docs/editing.md), "
                                "or delete the file")


def body_start(text: str) -> int:
    """Index of the first line after the 'Key: value' metadata block (0 if none)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            return i + 1 if i else 0
        if ":" not in line.split(" ")[0] and not line.startswith((" ", "\t")):
            return 0
    return len(lines)


def _check_files(content: Path, reports: set[str], keys: set[str], problems: Problems,
                 on_narrative: Callable[[NarrativeFile, str], None],
                 drafts: tuple[str, ...] = ()) -> list[NarrativeFile]:
    """Every content file in the right place, every narrative for a period with data, and
    every period with a narrative; `on_narrative` checks each narrative's text."""
    found: list[NarrativeFile] = []
    if not content.is_dir():
        problems.add(content, "the content folder does not exist", "create content/")
        return found
    for path in sorted(content.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = path.relative_to(content)
        top = rel.parts[0]
        if top == PAGES_DIR and path.suffix != ".md":
            # Pelican would also publish .html, .rst or .markdown pages, which the narrative
            # lint does not read: a typed count in them would reach readers unchecked.
            problems.add(path, "pages are written in Markdown, in files ending .md",
                         "rename it to .md (Markdown), or move images to content/images/")
            continue
        if top == PAGES_DIR or (len(rel.parts) > 1 and top in ("images", "extra")):
            if path.suffix == ".md" and top == PAGES_DIR:
                text = read_text(path, problems)
                if text is not None:
                    shape_problems(path, text, body_start(text) + 1, problems)
                if text is not None and "{{" in text:
                    problems.add(path, "pages cannot use data references",
                                 "data references work only in report narratives, "
                                 "content/<report>/<period>.md", line=_first_ref_line(text))
            continue
        narrative = locate(path, content, reports)
        if narrative is None:
            problems.add(path, "this file is in the wrong place", "report narratives go in "
                         f"content/<report>/<period>.md (reports: {', '.join(sorted(reports))}); "
                         "other pages go in content/pages/")
            continue
        if narrative.key in drafts:
            continue  # a draft left out of this build: its narrative is not built either
        if narrative.key not in keys:
            problems.add(path, f"there is no data for {narrative.key}", f"create data/{narrative.key}/"
                         "period.yaml, or rename the file to match a period folder")
            continue
        found.append(narrative)
        text = read_text(path, problems)
        if text is not None:
            shape_problems(path, text, body_start(text) + 1, problems)
            on_narrative(narrative, text)
    narrated = {n.key for n in found}
    for key in sorted(keys - narrated):
        report, period = key.split("/")
        problems.add(narrative_path(content, report, period), f"period {key} has data but no "
                     "narrative", "create this file (see docs/editing.md)")
    return found


def check_content(content: Path, site: PublishedSite, problems: Problems) -> list[NarrativeFile]:
    """Check the narrative against the published site: every reference resolves and is used
    the right way."""
    def check_refs(narrative: NarrativeFile, text: str) -> None:
        refs = references.parse(text, narrative.path, problems)
        references.check(refs, site.periods[narrative.key], narrative.path, problems, site)

    return _check_files(content, set(site.reports), set(site.periods), problems, check_refs,
                        site.excluded_drafts)


def check_content_raw(content: Path, reports: set[str], data_path: Path, raw: Site,
                      problems: Problems) -> None:
    """While the data has problems it cannot be published, but the narrative can still be
    checked for its place, its syntax and its names, so every problem is listed at once."""
    keys = {f"{p.parent.name}/{p.name}" for p in data_path.glob("*/*") if p.is_dir()}

    def check_names(narrative: NarrativeFile, text: str) -> None:
        refs = references.parse(text, narrative.path, problems)
        period = raw.periods.get(narrative.key)
        if period is None:
            return  # the period's own problems are reported; its names are unknown
        # A table whose file could not be read is still a name: its problem is reported.
        names = {*period.names(), *period.unreadable}
        for ref in refs:
            if ref.name not in names:
                problems.add(narrative.path, f"'{ref.name}' is not a name in {narrative.key}",
                             f"run 'invoke catalogue {narrative.key}' once the data is valid",
                             line=ref.line)

    _check_files(content, reports, keys, problems, check_names)


def _first_ref_line(text: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if "{{" in line:
            return i
    return 1
