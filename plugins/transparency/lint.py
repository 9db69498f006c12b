"""Narrative lint: numbers typed by hand that a reader could take as a count of children,
and text not written yet. It reads what the reader gets (reader_text.py), not the source.

Rules, in a publish build each a problem naming the file, the line and a hint:

- **Small numbers** (prose): any number from 0 to the sensitive threshold that no reference
  produced, in digits or in words, is a problem unless an allowance says what else it is (a
  year, a date, an age, a duration, a code, a ratio about a wider population …: numbers.py)
  or the sentence ends with `<!-- reviewed: reason -->`.
- **Labels** (categories, dimension titles, comparator areas): any small number is a count
  unless an allowance or a band shape ("1 placement", "1 to 4") says otherwise; a hidden
  number is refused unless it is an age, a year, a date, a code or a duration.
- **Hidden numbers**: a typed number above the sensitive threshold equal to a number the
  site hides in that period (a secondary-suppressed 30) is a problem whatever its context;
  only a reviewed mark lets it through. A page of the whole site is compared with every
  period, and there an allowance's shape lets it through too. Numbers up to the threshold
  are the first rule's business: they are all treated as possibly hidden.
- **Published figures** (a period's narrative): a typed number (not allowed as a year, date,
  code …) equal to a published figure says which `{{ name }}` to write instead; one within
  the threshold of a published count is refused, as a reader could subtract.
- **Narrowing words**: a sentence that shows a hidden figure (an inline reference that
  renders [c], REF_HIDDEN), and the sentence after it, may not also compare or size it
  ("the same as last year", "fewer than", "only", "That is half the number a year
  earlier."): they tell a reader more than [c] does. Nor may a sentence that names a
  hidden cell in words (every category of it: "on remand" for Remand; Knowns.hidden_labels),
  or the sentence after it, compare or size it ("It has halved since 2022"), with a
  narrower list of words there ("all", "about" and "hidden because it is small" are let
  through). An upper bound below the threshold on a count of people ("fewer than 3
  children") is a small number, not a bound.
- **Placeholders**: "[Write …]" and "FILL IN" are unfinished text.

Every allowance used and every reviewed mark is written to the disclosure log, so that a
second person can sign the release off (docs/disclosure.md).

The narrowing-words rule is lint_narrowing.py; the rules that combine a typed number with
what the site shows (sums, differences, ratios, shares, changes, rates, averages, ranks)
and the Knowns they read are lint_combined.py; what the lint records (problems and the
disclosure log) is lint_findings.py.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from .lint_combined import NEAR_FIELDS, NOT_AMOUNTS, combined, near_counts, ranks
from .lint_combined import Knowns as Knowns
from .lint_findings import Lint, LogEntry, add_problem, in_page, log_once, snippet_at
from .lint_narrowing import narrowing_words
from .numbers import (
    LIST_ALLOWANCES,
    NONE_WORDS,
    TIME_UNITS,
    Allowance,
    Mention,
    allowances,
    allowed_spans,
    continues_list,
    mentions,
    people_after,
)
from .problems import Problem, Problems
from .reader_text import Passage, markdown_passages

# "[Write about children in care …]", "[write a title …]", "FILL IN".
# FILL IN only in capitals: "a questionnaire children can fill in" is ordinary English.
PLACEHOLDER = re.compile(r"\[\s*(?i:write)\b[^\]]*\]?|\bFILL IN\b")


def placeholder_lines(text: str) -> list[tuple[int, str]]:
    """(line, placeholder) for each piece of source text still to be written."""
    return [(number, match.group(0)) for number, line in enumerate(text.splitlines(), start=1)
            for match in PLACEHOLDER.finditer(line)]


def placeholders(passage: Passage, lint: Lint) -> None:
    for match in PLACEHOLDER.finditer(passage.text):
        snippet = match.group(0)
        line = passage.line_of(_first_word(snippet))
        # Quote it as written: the reader's text has lost its {{ references }}.
        source = dict(passage.written or passage.lines).get(line, "")
        written = [m.group(0) for m in PLACEHOLDER.finditer(source or "")
                   if _first_word(m.group(0)) == _first_word(snippet)]
        snippet = written[0] if written else snippet
        shown = snippet if len(snippet) <= 80 else snippet[:77] + "…"
        add_problem(lint, passage, f"'{shown}' is a placeholder: this text is not written yet",
             "replace the placeholder, square brackets included, with the text (a publish "
             "build refuses unfinished text)", line)


def _first_word(snippet: str) -> str:
    return snippet.lstrip("[ ").split()[0] if snippet.startswith("[") else snippet


def _occurrence(found: list[Mention], index: int) -> int:
    text = found[index].text.lower()
    return sum(1 for m in found[:index] if m.text.lower() == text)


def _let_through(passage: Passage, line: int | None, mention: Mention, snippet: str,
                 lint: Lint) -> bool:
    """A reviewed mark covers the numbers of the sentence it ends, on its own line (in
    period.yaml, a mark after '>-' covers the whole note). A number whose line cannot be
    found is not covered by any mark."""
    if line is None or not passage.covers(line, mention.text):
        return False
    lint.log.append(LogEntry(passage.file, line, snippet, "reviewed", passage.reviewed[line]))
    return True


# A band in a category label: "1 placement", "3 or more moves", "2+ schools", "0-4 days".
BAND_NOUNS = (r"(?:placements?|moves?|episodes?|changes?|schools?|school\s+moves?|plans?|reviews?|"
              r"visits?|times?|reasons?|categor(?:y|ies)|periods?|days?|weeks?|months?|years?|"
              r"hours?|nights?|sessions?|social\s+workers?|IROs?|referrals?|assessments?|"
              r"conferences?|previous|missing|offences?|convictions?|items?|factors?|siblings?|grades?|"
              r"levels?|points?|steps?|stages?)")
LABEL_BAND = re.compile(r"(?<![\w.])(?P<n>\d+)\s*(?:\+|or\s+(?:more|fewer|less|over)|and\s+over|"
                        r"(?:to|-|–)\s*(?P<n2>\d+))?\s+(?:or\s+more\s+)?" + BAND_NOUNS + r"\b"
                        # a range on its own is a band of the dimension: "1 to 4", "10-15"
                        r"|^\s*(?P<n3>\d+)\s*(?:to|-|–)\s*(?P<n4>\d+)\s*$", re.IGNORECASE)
# In a label, only these allowances make a hidden number harmless ("Aged 10 to 15").
LABEL_SHAPES = {"years", "dates", "ages", "codes", "durations"}


def _check_label(passage: Passage, mention: Mention, rule: Allowance | None, small: bool,
                 hidden: frozenset[float], threshold: int, lint: Lint) -> None:
    """A category label names a group; any small number in it is a count unless it is an
    allowance's shape or a band ("1 placement"). A hidden number is refused unless it is an
    age, a year, a date, a code or a duration."""
    if mention.words and mention.text.lower() in NONE_WORDS:
        return  # "Care plan – no care plan" names a group, not its count
    value = mention.value
    if value > threshold and value in hidden and (rule is None or rule.name not in LABEL_SHAPES):
        add_problem(lint, passage, f"the label '{passage.text}'{in_page(passage)} holds {mention.text}, "
             "a number this site hides in this period", "remove the number from the label: "
             "categories name a group, the table gives its count", passage.line)
        return
    if not small:
        return
    if rule is not None:
        log_once(lint, LogEntry(passage.file, passage.line, passage.text,
                                 f"allowance '{rule.name}'", rule.why))
        return
    bands = {group: m.span(group) for m in LABEL_BAND.finditer(passage.text)
             for group in ("n", "n2", "n3", "n4") if m.group(group)}
    band = next((g for g, span in bands.items() if span == (mention.start, mention.end)), None)
    if band is not None:
        why = ("a range of the dimension (1 to 4)" if band in ("n3", "n4") else
               "a band of how many each child has (1 placement, 3 or more moves)")
        log_once(lint, LogEntry(passage.file, passage.line, passage.text, "label band", why))
        return
    add_problem(lint, passage, f"the label '{passage.text}'{in_page(passage)} gives a count of "
         f"{mention.text}", "remove the number from the label: categories name a group, the "
         "table gives its count (and hides it when it is small). A band such as '1 placement' "
         "or '3 or more moves' is allowed; a site can allow another shape with "
         "NARRATIVE_ALLOWANCES", passage.line)


# An upper bound: allowed (bounds) only when it is no tighter than the threshold.
UPPER_BOUND_BEFORE = re.compile(r"(?:up\s+to|fewer\s+than|less\s+than|as\s+few\s+as|at\s+most)"
                                r"\s+$", re.IGNORECASE)


# "up to 3 reviews in their first 6 months", "up to 2 visits a year": a frequency, not a count.
FREQUENCY_AFTER = re.compile(r"^[^.;:!?]*?\b(?:a|an|per|each|every|first|next|last)\s+(?:\w+\s+)?"
                             + TIME_UNITS + r"(?!\w)", re.IGNORECASE)


def _tight_bound(passage: Passage, mention: Mention, threshold: int) -> bool:
    """"fewer than 3 children" or "up to 2 cases": an upper bound below the threshold on a
    count of people or records says more than [c] does (1 to 5 becomes 1 or 2), so the
    bounds allowance does not cover it. "Up to 3 reviews a year" is a frequency, not a
    count, and stays allowed."""
    before = UPPER_BOUND_BEFORE.search(passage.text[:mention.start])
    if before is None or mention.value >= threshold or not people_after(passage.text, mention):
        return False
    frequency = FREQUENCY_AFTER.match(passage.text[mention.end:])
    return not (before.group(0).lower().startswith("up") and frequency)




def _near_figure(value: float, counts: Mapping[float, tuple[str, ...]],
                 threshold: int) -> tuple[str, float] | None:
    """A published count of children or records that the typed number is within `threshold`
    of (not equal): the difference would be a small count ("1,441 were not on remand" beside
    1,446 in care)."""
    for number, names in sorted(counts.items()):
        if 1 <= abs(number - value) <= threshold:
            return names[0], number
    return None


def check_passage(passage: Passage, threshold: int, rules: tuple[Allowance, ...], knowns: Knowns,
                  lint: Lint) -> None:
    """Apply every rule (module docstring) to one passage; add problems and log entries."""
    placeholders(passage, lint)
    narrowing_words(passage, lint, knowns.watched_labels(passage.period))
    ranks(passage, knowns.lines.get(passage.period, ()), lint)
    found = mentions(passage.text)
    hidden = knowns.hidden_in(passage.period)
    elsewhere = knowns.hidden_elsewhere(passage.period)
    # Only a period's narrative can write {{ name }} instead of a typed figure.
    figures = knowns.figures.get(passage.period, {}) if passage.references else {}
    spans = allowed_spans(passage.text, rules)
    labels = frozenset(at for at, rule in spans.items() if rule.name in NOT_AMOUNTS)
    allowed: tuple[Mention, Allowance] | None = None  # the last number an allowance let through
    inside = False  # the last number continued a list
    for index, mention in enumerate(found):
        rule = spans.get((mention.start, mention.end))
        following = found[index + 1] if index + 1 < len(found) else None
        continued = bool(rule is None and allowed and allowed[1].name in LIST_ALLOWANCES
                         and continues_list(passage.text, allowed[0], mention, following, inside))
        if continued and allowed:
            rule = allowed[1]
        if rule is not None and rule.name == "bounds" and _tight_bound(passage, mention, threshold):
            rule = None
        inside = continued
        if rule is not None:
            allowed = (mention, rule)
        value = mention.value
        small = mention.whole and 0 <= value <= threshold
        if passage.label:
            _check_label(passage, mention, rule, small, hidden, threshold, lint)
            continue
        snippet = snippet_at(passage.text, mention.start, mention.end)
        located = passage.locate(mention.text, _occurrence(found, index))
        line = located or passage.line
        # Beside a period's figures a typed hidden number is refused whatever its context; a
        # page of the whole site ("twelve months") is compared with every period, so there
        # an allowance's shape (a duration, a date) lets it through.
        # Another period of the report is compared as a page of the whole site is.
        if value > threshold and ((value in hidden and (passage.period or rule is None))
                                  or (value in elsewhere and rule is None)):
            where = "in this period" if value in hidden else "in another period of this report"
            if not _let_through(passage, located, mention, snippet, lint):
                add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: {mention.text} is a number "
                     f"this site hides {where}",
                     "remove it: a number hidden to protect a small count must not be typed "
                     "anywhere. If it is not that count (a date, a duration), end the sentence "
                     "with '<!-- reviewed: your reason -->'", line)
            continue
        joined = (combined(passage, mention, found, knowns, threshold, labels)
                  if not passage.label else None)
        if joined is not None and not _let_through(passage, located, mention, snippet, lint):
            add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: {joined[0]}",
                        joined[1], line)
            continue
        # Beside a period's counts (its figures, and the Totals of its tables with a hidden
        # cell) in its narrative; in its charts' titles and its tables' notes, beside those
        # Totals (red team 17: "347 children came into care through …", 352 in all): a
        # source's notes quote its own figures, a few apart, all the time.
        near = (_near_figure(value, near_counts(passage, knowns), threshold)
                if passage.period and (passage.references or passage.field in NEAR_FIELDS
                                       or "reference" in passage.where)
                and mention.whole and value > threshold and rule is None else None)
        typed_figure = value > threshold and (value, mention.percent) in figures
        if not small and not typed_figure and near is None:
            continue
        if rule is not None:
            lint.log.append(LogEntry(passage.file, line, snippet, f"allowance '{rule.name}'",
                                     rule.why))
            continue
        if _let_through(passage, located, mention, snippet, lint):
            continue
        if small:
            add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: {mention.text} is a number typed "
                 f"by hand, and numbers from 0 to {threshold} can identify a child",
                 "refer to the figure with {{ name }} (it is hidden when it is small), write "
                 "around the number, or if it is not a count of anyone end the sentence with "
                 "'<!-- reviewed: your reason -->' (see 'Numbers typed by hand' in "
                 "docs/editing.md)", line)
        elif typed_figure:
            names = figures[(value, mention.percent)]
            add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: {mention.text} is typed by hand, "
                 f"and the data gives it as {' or '.join('{{ ' + n + ' }}' for n in names)}",
                 f"write {{{{ {names[0]} }}}} instead, so that the page shows the figure with its "
                 "period and source, and hides it if it must", line)
        elif near is not None:
            name, number = near
            add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: {mention.text} is typed by hand, "
                 f"{abs(number - value):g} away from {{{{ {name} }}}} ({number:,.0f}): a reader can "
                 "subtract one from the other and find a small count",
                 "remove the number, or refer to figures the data holds", line)


# Each passage's findings, by a hash of everything check_passage reads: the passage, the
# threshold, the allowances and what its period's text is compared with. A long-lived
# process (the preview) checks again only passages that changed; holds the latest check's.
_CHECKED: dict[str, tuple[tuple[Problem, ...], tuple[LogEntry, ...]]] = {}


def checked_passages() -> dict[str, tuple[tuple[Problem, ...], tuple[LogEntry, ...]]]:
    """The latest check's findings by passage key, for a build that keeps them on disk."""
    return dict(_CHECKED)


def recall_checked(kept: dict[str, tuple[tuple[Problem, ...], tuple[LogEntry, ...]]]) -> None:
    """Findings an earlier process kept (checked_passages), where this process has none: the
    keys are hashes of everything a passage's check reads, so only the engine's code is not
    in them, and the caller keeps one file per engine version."""
    if not _CHECKED:
        _CHECKED.update(kept)


def _knowns_digest(knowns: Knowns, period: str) -> str:
    return hashlib.sha256(repr((
        sorted(knowns.hidden_in(period)), sorted(knowns.hidden_elsewhere(period)),
        sorted(knowns.figures.get(period, {}).items()),
        sorted(knowns.counts_for(period).items()),
        sorted((k, sorted(v)) for k, v in knowns.watched_labels(period).items()),
        sorted((k, v) for k, v in knowns.lines.items()
               if k == period or not period or k.split("/")[0] == period.split("/")[0]),
        )).encode()
        ).hexdigest()


def check(passages: Iterable[Passage], threshold: int, rules: tuple[Allowance, ...] | None = None,
          knowns: Knowns | None = None) -> Lint:
    """Every rule over every passage. `threshold` is the sensitive threshold (numbers from 0
    to it are small); `rules` the allowances (numbers.allowances()); `knowns` what typed
    numbers are compared with. A passage checked before with the same inputs is not checked
    again (_CHECKED)."""
    global _CHECKED
    lint = Lint()
    rules = allowances() if rules is None else rules
    knowns = knowns or Knowns()
    settings = repr((threshold, rules))
    by_period: dict[str, str] = {}
    used: dict[str, tuple[tuple[Problem, ...], tuple[LogEntry, ...]]] = {}
    for passage in passages:
        if passage.period not in by_period:
            by_period[passage.period] = _knowns_digest(knowns, passage.period)
        key = hashlib.sha256(repr((passage, settings, by_period[passage.period])).encode()).hexdigest()
        found = used.get(key) or _CHECKED.get(key)
        if found is None:
            alone = Lint()
            check_passage(passage, threshold, rules, knowns, alone)
            found = (tuple(alone.problems.items), tuple(alone.log))
        used[key] = found
        lint.problems.items.extend(found[0])
        for entry in found[1]:
            if passage.label:
                log_once(lint, entry)  # a label repeats on many rows: once per file
            else:
                lint.log.append(entry)
    _CHECKED = used
    return lint


def lint_file(path: Path, text: str, threshold: int, problems: Problems,
              markdown: Mapping[str, object] | None = None) -> list[LogEntry]:
    """The lint of one Markdown file on its own (no hidden numbers or figures to compare
    with): its problems are added to `problems`; returns the log."""
    lint = check(markdown_passages(path, text, markdown), threshold)
    problems.extend(lint.problems)
    return lint.log

