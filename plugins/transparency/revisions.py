"""Revisions: a published period corrected later keeps its earlier versions.

period.yaml lists each correction under `revisions:` with its date and a note; the data as it
was before that correction sits, whole, in `revisions/<date>/` beside it (`invoke revise`
copies it there). The previous versions are loaded like any period, go through the same
publishing choke point, and are suppressed consistently with the current version (a cell
hidden in any version is hidden in all), so comparing versions reveals nothing that one
version hides.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .model import Period, Revision, Table
from .problems import Problems
from .schema import section

REVISIONS_DIR = "revisions"
HINT = "see 'Revisions' in docs/data-format.md"


def parse_revisions(ctx: Any, raw: Any, folder: Path, report: str,
                    load_period: Callable[..., Period | None]) -> list[Revision]:
    """The `revisions:` list of a period.yaml, each with its previous version loaded."""
    problems: Problems = ctx.problems
    path: Path = ctx.file
    out: list[Revision] = []
    listed: set[str] = set()
    if raw is not None:
        if not isinstance(raw, list):
            ctx.problem("revisions", "'revisions' must be a list",
                        "start each revision with '- date: YYYY-MM-DD' and give a 'note'")
            raw = []
        for index, entry in enumerate(raw):
            line = raw.line_of(index) if hasattr(raw, "line_of") else None
            field = f"revisions[{index + 1}]"
            if not isinstance(entry, dict) or set(entry) - section("revisions").names:
                problems.add(path, "each revision has exactly a 'date' and a 'note'", HINT,
                             line=line, field=field)
                continue
            try:
                date = dt.date.fromisoformat(str(entry.get("date")))
            except ValueError:
                problems.add(path, f"'{entry.get('date')}' is not a date", "write the date of the "
                             "correction as YYYY-MM-DD", line=line, field=f"{field}.date")
                continue
            listed.add(date.isoformat())  # its folder is accounted for, whatever else is wrong
            note = entry.get("note")
            if not isinstance(note, str) or not note.strip():
                problems.add(path, "a revision needs a 'note' saying what was corrected and why",
                             "readers see it in the corrections log", line=line, field=f"{field}.note")
                continue
            if out and date <= out[-1].date:
                problems.add(path, "revisions must be listed oldest first, one per date",
                             "reorder them", line=line, field=f"{field}.date")
                continue
            version = folder / REVISIONS_DIR / date.isoformat()
            if not (version / "period.yaml").is_file():
                problems.add(path, f"the data before the {date} revision is missing: there is no "
                             f"{REVISIONS_DIR}/{date}/period.yaml",
                             f"run 'invoke revise {report}/{folder.name}' before correcting the data, "
                             "or copy the previous version there", line=line, field=field)
                continue
            previous = load_period(version, report, problems, version_of=folder.name)
            if previous is not None:
                out.append(Revision(date=date, note=note.strip(), previous=previous, line=line))
    versions = folder / REVISIONS_DIR
    if versions.is_dir():
        for child in sorted(versions.iterdir()):
            if child.name not in listed and not child.name.startswith("."):
                problems.add(child, "this previous version is not listed under 'revisions:' in "
                             "period.yaml", "add '- date: " + child.name + "' with a 'note', or "
                             "remove the folder", field="revisions")
    return out


def check_versions(period: Period, path: Path, problems: Problems) -> None:
    """A correction changes numbers, not names or shapes: every table, figure and metric of
    an earlier version is in the corrected data under the same name, and each table keeps
    its dimensions and its `collapse:` groups. Versions are suppressed consistently, and
    compared for [r] marks, by name and category: a table renamed in the correction was
    suppressed apart from its earlier version, which then gave a hidden 3 away (a red-team
    finding). Problems name the revision's line in `path` (period.yaml)."""
    for revision in period.revisions:
        old = revision.previous
        where = f"the version before the {revision.date} correction"
        for kind, before, now in (("table", old.tables, period.tables),
                                  ("figure", old.figures, period.figures),
                                  ("metric", old.metrics, period.metrics)):
            for name in sorted(set(before) - set(now) - period.unreadable):
                problems.add(path, f"the {kind} '{name}' of {where} is not in the corrected data",
                             f"keep the {kind} under the name it was published with: a "
                             "correction changes numbers, not names, so that the versions are "
                             "protected together; " + HINT, line=revision.line,
                             field="revisions")
        for name in sorted(set(old.tables) & set(period.tables)):
            a, b = old.tables[name], period.tables[name]
            if a.dims != b.dims:
                problems.add(path, f"the table '{name}' has dimensions {', '.join(a.dims)} in "
                             f"{where} and {', '.join(b.dims)} now",
                             "keep a corrected table's dimensions; " + HINT,
                             line=revision.line, field="revisions")
            elif a.collapse != b.collapse:
                problems.add(path, f"the table '{name}' declares different 'collapse:' groups in "
                             f"{where} and now", "declare the same groups in both versions "
                             "(a group collapsed in either is collapsed in both); " + HINT,
                             line=revision.line, field="revisions")
            else:
                _check_categories(name, a, b, revision, path, problems)


def _check_categories(name: str, before: Table, now: Table, revision: Revision, path: Path,
                      problems: Problems) -> None:
    """A corrected table keeps the categories (and cells) it was published with. Versions
    are protected together cell by cell, by category: a category reworded in the correction
    ("Placement order (section 21)") is a cell of its own that no earlier cell is matched
    with, so the earlier version's hidden complement was shown in the correction beside it
    and gave Remand = 3 (red team 7); a category added or removed changes the Total by
    exactly its count. So any difference stops the build, naming the categories."""
    where = f"the version before the {revision.date} correction"
    hint = ("keep the categories, worded exactly as they were published, in the corrected "
            "table: a correction changes numbers, not names or shapes, so that the versions "
            "are protected cell by cell. Give a new breakdown (a category split, added or "
            "reworded) in the next period's data; " + HINT)
    changed = False
    for dim in before.dims:
        old = {str(c) for c in before.frame[dim]}
        new = {str(c) for c in now.frame[dim]}
        gone, came = sorted(old - new), sorted(new - old)
        if not gone and not came:
            continue
        changed = True
        parts = ([f"{_quoted(gone)} only in {where}"] if gone else []) + \
            ([f"{_quoted(came)} only in the corrected data"] if came else [])
        problems.add(path, f"the table '{name}' has other categories of {dim} in the two "
                     f"versions: {'; '.join(parts)}", hint, line=revision.line,
                     field="revisions")
    if not changed:
        cells_before = {key for key, *_ in before.rows}
        cells_now = {key for key, *_ in now.rows}
        if cells_before != cells_now:
            diff = sorted(cells_before ^ cells_now)
            problems.add(path, f"the table '{name}' has other cells in the two versions: "
                         f"{_quoted([' × '.join(k) for k in diff[:5]])}"
                         f"{' …' if len(diff) > 5 else ''} in only one of {where} and the "
                         "corrected data", hint, line=revision.line, field="revisions")


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def snapshot(folder: Path, date: dt.date) -> Path:
    """Copy the period's data as it is now into revisions/<date>/, before it is corrected."""
    target = folder / REVISIONS_DIR / date.isoformat()
    if target.exists():
        raise FileExistsError(f"{target} already exists: one revision per day")
    target.mkdir(parents=True)
    for child in sorted(folder.iterdir()):
        if child.name != REVISIONS_DIR and child.is_file() and not child.name.startswith("."):
            shutil.copy2(child, target / child.name)
    return target
