"""Narrative lint: numbers typed by hand that a reader could take as a count of children,
and text not written yet. It reads what the reader gets (reader_text.py), not the source.

Rules, in a publish build each a problem naming the file, the line and a hint:

- **Small numbers** (prose): any number from 0 to the sensitive threshold that no reference
  produced, in digits or in words, is a problem unless an allowance says what else it is (a
  year, a date, an age, a duration, a code, a ratio about a wider population …: numbers.py)
  or its line carries `<!-- reviewed: reason -->`.
- **Labels** (categories in period.yaml, CSV files and sheets): a small number before a word
  for people ("Indian (3 children)"), alone in brackets ("Indian (3)"), or as a fraction or
  share ("4/14", "1 (5%)").
- **Hidden numbers**: a typed number above the sensitive threshold equal to a number the
  site hides in that period (a secondary-suppressed 30; for a page of the whole site, in any
  period) is always a problem; no allowance applies, only a reviewed mark. Numbers up to
  the threshold are the first rule's business: they are all treated as possibly hidden.
- **Published figures**: a typed number (not allowed as a year, date, code …) equal to a
  published figure of the period says which `{{ name }}` to write instead.
- **Placeholders**: "[Write …]" and "FILL IN" are unfinished text.

Every allowance used and every reviewed mark is written to the disclosure log, so that a
second person can sign the release off (docs/disclosure.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .numbers import Allowance, Mention, allowances, allowed_spans, continues_list, mentions, people_after
from .problems import Problems
from .reader_text import Passage, markdown_passages

# "[Write about children in care …]", "[write a title …]", "FILL IN".
# FILL IN only in capitals: "a questionnaire children can fill in" is ordinary English.
PLACEHOLDER = re.compile(r"\[\s*(?i:write)\b[^\]]*\]?|\bFILL IN\b")
# In a label: "(3)" alone in brackets, "4/14", "1 (5%)".
BRACKETED = re.compile(r"\(\s*(?P<n>\d{1,3})\s*\)")
FRACTION = re.compile(r"(?<![\w./])(?P<n>\d{1,3})\s*/\s*\d{1,4}(?![\w/])")
WITH_SHARE = re.compile(r"(?<![\w.,/])(?P<n>\d{1,3})\s*\(\s*\d{1,3}(?:\.\d+)?\s*%\s*\)")


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
        file = self.file
        if root is not None:
            try:
                file = file.resolve().relative_to(root.resolve())
            except ValueError:
                pass
        return f"{file}, line {self.line}: '{self.text}' — {self.by}: {self.reason}"


@dataclass
class Lint:
    """What the lint found (problems) and what it let through (the disclosure log)."""

    problems: Problems = field(default_factory=Problems)
    log: list[LogEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Knowns:
    """The numbers typed text is compared with, per period key ("" for the whole site).

    `hidden`: the true numbers behind the period's [c] above the suppression threshold (from
    publish.hidden_numbers; never published). `figures`: published figure values to the
    names that give them, as (value, is_percent)."""

    hidden: Mapping[str, frozenset[float]] = field(default_factory=dict)
    figures: Mapping[str, Mapping[tuple[float, bool], tuple[str, ...]]] = field(default_factory=dict)

    def hidden_in(self, period: str) -> frozenset[float]:
        if period:
            return self.hidden.get(period, frozenset())
        return frozenset().union(*self.hidden.values()) if self.hidden else frozenset()


def _snippet(text: str, start: int, end: int) -> str:
    left = text[max(0, start - 30):start]
    right = text[end:end + 30]
    left = left.split(" ", 1)[1] if " " in left and start > 30 else left
    right = right.rsplit(" ", 1)[0] if " " in right and end + 30 < len(text) else right
    return (left + text[start:end] + right).replace("\ue000", "{{ … }}").strip()


def _place(passage: Passage) -> str:
    """Where in the page the text is, when the problem's place does not say it already."""
    return "" if passage.where == "text" or passage.field else f" ({passage.where})"


def _add(lint: Lint, passage: Passage, message: str, hint: str, line: int) -> None:
    lint.problems.add(passage.file, message, hint, line=line, field=passage.field,
                      row_label=passage.row_label, cell=passage.cell)


def placeholder_lines(text: str) -> list[tuple[int, str]]:
    """(line, placeholder) for each piece of source text still to be written."""
    return [(number, match.group(0)) for number, line in enumerate(text.splitlines(), start=1)
            for match in PLACEHOLDER.finditer(line)]


def placeholders(passage: Passage, lint: Lint) -> None:
    for match in PLACEHOLDER.finditer(passage.text):
        snippet = match.group(0)
        shown = snippet if len(snippet) <= 60 else snippet[:57] + "…"
        _add(lint, passage, f"'{shown}' is a placeholder: this text is not written yet",
             "replace the placeholder, square brackets included, with the text (a publish "
             "build refuses unfinished text)", passage.line_of(_first_word(snippet)))


def _first_word(snippet: str) -> str:
    return snippet.lstrip("[ ").split()[0] if snippet.startswith("[") else snippet


def _occurrence(found: list[Mention], index: int) -> int:
    text = found[index].text.lower()
    return sum(1 for m in found[:index] if m.text.lower() == text)


def _let_through(passage: Passage, line: int, snippet: str, lint: Lint) -> bool:
    reason = passage.reviewed.get(line)
    if reason is None:
        return False
    lint.log.append(LogEntry(passage.file, line, snippet, "reviewed", reason))
    return True


def _label_risk(passage: Passage, mention: Mention) -> bool:
    if people_after(passage.text, mention):
        return True
    return any(match.span("n") == (mention.start, mention.end)
               for pattern in (BRACKETED, FRACTION, WITH_SHARE)
               for match in pattern.finditer(passage.text))


def check_passage(passage: Passage, threshold: int, suppression_threshold: int,
                  rules: tuple[Allowance, ...], knowns: Knowns, lint: Lint) -> None:
    """Apply every rule (module docstring) to one passage; add problems and log entries."""
    placeholders(passage, lint)
    found = mentions(passage.text)
    hidden = knowns.hidden_in(passage.period)
    # Only a period's narrative can write {{ name }} instead of a typed figure.
    figures = knowns.figures.get(passage.period, {}) if passage.references else {}
    spans = allowed_spans(passage.text, rules)
    allowed: tuple[Mention, Allowance] | None = None  # the last number an allowance let through
    for index, mention in enumerate(found):
        rule = spans.get((mention.start, mention.end))
        if rule is None and allowed and continues_list(passage.text, allowed[0], mention):
            rule = allowed[1]
        if rule is not None:
            allowed = (mention, rule)
        snippet = _snippet(passage.text, mention.start, mention.end)
        line = passage.line_of(mention.text, _occurrence(found, index))
        value = mention.value
        small = mention.whole and 0 <= value <= threshold
        if value > threshold and not passage.label and value in hidden:
            if not _let_through(passage, line, snippet, lint):
                _add(lint, passage, f"'{snippet}'{_place(passage)}: {mention.text} is a number "
                     "this site hides in this period",
                     "remove it: a number hidden to protect a small count must not be typed "
                     "anywhere. If it is not that count (a date, a duration), add "
                     "'<!-- reviewed: your reason -->' at the end of the line", line)
            continue
        if passage.label:
            if small and _label_risk(passage, mention):
                _add(lint, passage, f"the label '{passage.text}'{_place(passage)} gives a count "
                     f"of {mention.text}", "remove the number from the label: categories name a "
                     "group, the table gives its count (and hides it when it is small)",
                     passage.line)
            continue
        if not small and not (value > threshold and (value, mention.percent) in figures):
            continue
        if rule is not None:
            lint.log.append(LogEntry(passage.file, line, snippet, f"allowance '{rule.name}'",
                                     rule.why))
            continue
        if _let_through(passage, line, snippet, lint):
            continue
        if small:
            _add(lint, passage, f"'{snippet}'{_place(passage)}: {mention.text} is a number typed "
                 f"by hand, and numbers from 0 to {threshold} can identify a child",
                 "refer to the figure with {{ name }} (it is hidden when it is small), write "
                 "around the number, or if it is not a count of anyone add "
                 "'<!-- reviewed: your reason -->' at the end of the line (see 'Numbers typed "
                 "by hand' in docs/editing.md)", line)
        else:
            names = figures[(value, mention.percent)]
            _add(lint, passage, f"'{snippet}'{_place(passage)}: {mention.text} is typed by hand, "
                 f"and the data gives it as {' or '.join('{{ ' + n + ' }}' for n in names)}",
                 f"write {{{{ {names[0]} }}}} instead, so that the page shows the figure with its "
                 "period and source, and hides it if it must", line)


def check(passages: Iterable[Passage], threshold: int, suppression_threshold: int,
          rules: tuple[Allowance, ...] | None = None, knowns: Knowns | None = None) -> Lint:
    """Every rule over every passage. `threshold` is the sensitive threshold (numbers from 0
    to it are small); `rules` the allowances (numbers.allowances()); `knowns` what typed
    numbers are compared with."""
    lint = Lint()
    rules = allowances() if rules is None else rules
    for passage in passages:
        check_passage(passage, threshold, suppression_threshold, rules, knowns or Knowns(), lint)
    return lint


def lint_file(path: Path, text: str, threshold: int, problems: Problems,
              markdown: Mapping[str, object] | None = None) -> list[LogEntry]:
    """The lint of one Markdown file on its own (no hidden numbers or figures to compare
    with): its problems are added to `problems`; returns the log."""
    lint = check(markdown_passages(path, text, markdown), threshold, threshold)
    problems.extend(lint.problems)
    return lint.log


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

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LOG_FIELDS)
        for entry in log:
            file = entry.file
            if root is not None:
                try:
                    file = file.resolve().relative_to(root.resolve())
                except ValueError:
                    pass
            writer.writerow((file.as_posix(), entry.line, entry.text, entry.by, entry.reason))
    return path
