"""What the narrative lint records: its problems, each with where in the page the text is,
and the disclosure log of the numbers it let through, as the build prints it and as the CSV
the data package holds. lint.py and lint_narrowing.py add to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .csvio import write_csv_text
from .problems import Problems, shown_path
from .reader_text import Passage


class HiddenLine(NamedTuple):
    """One line of a count table of children or records, with its true numbers, for the
    narrative lint (publish.hidden_lines; never published): the dimension it runs along and
    its label, each category with its true number and whether it is hidden, and the true
    grand total of its table (NaN for a table of one dimension, whose line total it is)."""

    dim: str
    label: str
    cells: tuple[tuple[str, float, bool], ...]
    grand: float = float("nan")


@dataclass(frozen=True)
class LogEntry:
    """One number let through, for the disclosure log: by an allowance (its name and what
    it allows) or by a reviewed mark (the reviewer's reason)."""

    file: Path
    line: int
    text: str
    by: str
    reason: str

    def format(self, root: Path | None = None) -> str:
        return f"{shown_path(self.file, root)}, line {self.line}: '{self.text}' — {self.by}: {self.reason}"


@dataclass
class Lint:
    """What the lint found (problems) and what it let through (the disclosure log)."""

    problems: Problems = field(default_factory=Problems)
    log: list[LogEntry] = field(default_factory=list)


def snippet_at(text: str, start: int, end: int) -> str:
    """The words around text[start:end], as a problem quotes them."""
    left = text[max(0, start - 30):start]
    right = text[end:end + 30]
    left = left.split(" ", 1)[1] if " " in left and start > 30 else left
    right = right.rsplit(" ", 1)[0] if " " in right and end + 30 < len(text) else right
    return (left + text[start:end] + right).replace("\ue000", "{{ … }}").replace(
        "\ue001", "{{ … }}").strip()


def in_page(passage: Passage) -> str:
    """Where in the page the text is, when the problem's place does not say it already."""
    return "" if passage.where == "text" or passage.field else f" ({passage.where})"


def add_problem(lint: Lint, passage: Passage, message: str, hint: str, line: int) -> None:
    lint.problems.add(passage.file, message, hint, line=line, field=passage.field,
                      row_label=passage.row_label, cell=passage.cell)


def log_once(lint: Lint, entry: LogEntry) -> None:
    """A label repeats on many rows; the log lists each label and reason once per file."""
    if not any(e.file == entry.file and e.text == entry.text and e.by == entry.by for e in lint.log):
        lint.log.append(entry)


LOG_NAME = "disclosure-log.csv"
LOG_FIELDS = ("file", "line", "text", "let_through_by", "reason")


def disclosure_log_summary(log: list[LogEntry], root: Path | None = None, full: bool = True) -> str:
    """The disclosure log as the build and `invoke check` print it: a count per kind, then
    (when `full`, as in a publish build) every entry with its file, line and reason."""
    reviewed = sum(1 for e in log if e.by == "reviewed")
    head = (f"Disclosure log: {len(log)} number(s) typed by hand let through, {reviewed} by a "
            f"reviewed mark and {len(log) - reviewed} by an allowance")
    if not full or not log:
        return head + "."
    return head + ":\n" + "\n".join("  " + e.format(root) for e in log)


def write_disclosure_log(log: list[LogEntry], path: Path, root: Path | None = None) -> Path:
    """The disclosure log as CSV: one row per number let through (LOG_FIELDS), with `file`
    relative to `root`."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOG_FIELDS)
    for entry in log:
        writer.writerow((shown_path(entry.file, root).as_posix(), entry.line, entry.text,
                         entry.by, entry.reason))
    return write_csv_text(path, out.getvalue())
