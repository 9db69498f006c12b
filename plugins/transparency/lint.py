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

The narrowing-words rule is lint_narrowing.py; what the lint records (problems and the
disclosure log) is lint_findings.py.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from .category_words import named
from .lint_findings import HiddenLine, Lint, LogEntry, add_problem, in_page, log_once, snippet_at
from .lint_narrowing import RANKS, narrowing_words, sentences
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


@dataclass(frozen=True)
class Knowns:
    """The numbers typed text is compared with, per period key ("" for the whole site).

    `hidden`: the true numbers behind the period's [c] (from publish.hidden_numbers; never
    published); the lint compares those above its threshold. `figures`: published figure values to the
    names that give them, as (value, is_percent)."""

    hidden: Mapping[str, frozenset[float]] = field(default_factory=dict)
    figures: Mapping[str, Mapping[tuple[float, bool], tuple[str, ...]]] = field(default_factory=dict)
    # Published counts of children or records (value -> names): a typed number a small
    # distance from one lets a reader subtract.
    counts: Mapping[str, Mapping[float, tuple[str, ...]]] = field(default_factory=dict)
    # The cells a period hides, each as its categories (totals left out) as the page labels
    # them, and its hidden figures' labels (one each): a sentence that names every category
    # of one and sizes or compares it narrows the hidden number.
    hidden_labels: Mapping[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    # Lines of count tables with a hidden cell (publish.hidden_lines: dimension, its label,
    # and each category with its true number and whether it is hidden): a typed number that
    # is the sum of cells its sentence names, a hidden one among them, gives it away.
    lines: Mapping[str, tuple[HiddenLine, ...]] = field(
        default_factory=dict)

    def watched_labels(self, period: str) -> dict[str, frozenset[tuple[str, ...]]]:
        """The hidden cells a passage of `period` can name and size, per period: its own
        period's and those of every other period of its report (text beside a period's
        figures compares them with the year before, "remand doubled over the year", or with
        any year of the report's trend pages); a page of the whole site ("") every period's
        (red team 7: both sized a Remand hidden in another period)."""
        report = period.split("/")[0]
        return {key: cells for key, cells in self.hidden_labels.items()
                if cells and (not period or key.split("/")[0] == report)}

    def hidden_elsewhere(self, period: str) -> frozenset[float]:
        """The numbers hidden in the other periods of `period`'s report: its text compares
        with them ("30 a year earlier") as a site page does with every period's."""
        if not period:
            return frozenset()
        report = period.split("/")[0]
        return frozenset().union(*(numbers for key, numbers in self.hidden.items()
                                   if key != period and key.split("/")[0] == report))

    def counts_for(self, period: str) -> Mapping[float, tuple[str, ...]]:
        """The published counts text beside `period` is compared with: its own, or every
        period's for a page of the whole site ("")."""
        if period:
            return self.counts.get(period, {})
        merged: dict[float, tuple[str, ...]] = {}
        for counts in self.counts.values():
            for value, names in counts.items():
                merged[value] = (*merged.get(value, ()), *names)
        return merged

    def hidden_in(self, period: str) -> frozenset[float]:
        if period:
            return self.hidden.get(period, frozenset())
        return frozenset().union(*self.hidden.values()) if self.hidden else frozenset()



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




def _near_counts(passage: Passage, knowns: Knowns) -> Mapping[float, tuple[str, ...]]:
    """The published counts a typed number of `passage` is compared with (check_passage)."""
    counts = knowns.counts_for(passage.period)
    if passage.references and "reference" not in passage.where:
        return counts
    return {value: tables for value, names in counts.items()
            if (tables := tuple(n for n in names if n.startswith("table ")))}


def _near_figure(value: float, counts: Mapping[float, tuple[str, ...]],
                 threshold: int) -> tuple[str, float] | None:
    """A published count of children or records that the typed number is within `threshold`
    of (not equal): the difference would be a small count ("1,441 were not on remand" beside
    1,446 in care)."""
    for number, names in sorted(counts.items()):
        if 1 <= abs(number - value) <= threshold:
            return names[0], number
    return None


def ranks(passage: Passage, lines: tuple[HiddenLine, ...], lint: Lint) -> None:
    """A sentence that ranks a category of a line with a hidden cell ("adoption was the third
    most common reason children left care", adoption shown and two reasons hidden) bounds
    the hidden ones by the shown: a problem, unless a reviewed mark ends it (red team 16)."""
    if passage.label or not passage.period:
        return
    for start, sentence in sentences(passage.text):
        found = RANKS.search(sentence)
        if found is None:
            continue
        for dim, label, cells, _ in lines:
            said = named([c for c, _, _ in cells], (dim, label), sentence)
            if not said or not any(h for _, _, h in cells):
                continue
            word = found.group(0)
            line = passage.locate(word) or passage.line
            snippet = snippet_at(passage.text, start + found.start(), start + found.end())
            if passage.covers(line, word):
                lint.log.append(LogEntry(passage.file, line, snippet, "reviewed",
                                         passage.reviewed[line]))
            else:
                add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: '{word}' ranks "
                     f"'{cells[said[0]][0]}' among the {label.lower()} categories, and the site "
                     "hides some of them: the order tells a reader how large they are",
                     "write the sentence without the rank, or end it with '<!-- reviewed: your "
                     "reason -->' if it ranks something else", line)
            break


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
        combined = (_combined(passage, mention, found, knowns, threshold, labels)
                    if not passage.label else None)
        if combined is not None and not _let_through(passage, located, mention, snippet, lint):
            add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: {combined[0]}",
                        combined[1], line)
            continue
        # Beside a period's counts (its figures, and the Totals of its tables with a hidden
        # cell) in its narrative; in its charts' titles and its tables' notes, beside those
        # Totals (red team 17: "347 children came into care through …", 352 in all): a
        # source's notes quote its own figures, a few apart, all the time.
        near = (_near_figure(value, _near_counts(passage, knowns), threshold)
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


def _combined(passage: Passage, mention: Mention, found: list[Mention], knowns: Knowns,
              threshold: int, labels: frozenset[tuple[int, int]] = frozenset(),
              ) -> tuple[str, str] | None:
    """A typed number that, with the cells of a line its sentence names or another number
    of its sentence, gives a hidden one away: (the problem, how to fix it), or None. A whole
    number above `threshold` that is the sum of named cells (red team 9) or the difference of
    two ("60 more boys than girls" aged 16 and over, 68 in all; red team 12); a ratio of two
    ("eleven times as many"); a total whose average the sentence gives (red team 13); a
    percentage that is a named hidden cell's share of its line's or table's total, or its
    change on another period's number (_share_pins). `labels`: the (start, end) of numbers an
    allowance reads as a date, year, code or age, which are not a total or an average."""
    sentence = _sentence_of(passage.text, mention)
    # A page of the whole site is read beside every period's lines (red team 17).
    own = (knowns.lines.get(passage.period, ()) if passage.period
           else tuple(line for lines in knowns.lines.values() for line in lines))
    hint = ("remove the number, or refer to figures the data holds (a figure whose label names "
            "those categories is checked the same way). If it is another count, end the "
            "sentence with '<!-- reviewed: your reason -->'")
    ratio = _ratio_pins(passage, mention, sentence, own)
    if ratio is not None:
        return (f"{mention.text} times is the ratio of {ratio}, which the sentence names, and the "
                "site hides one of them: with what is shown, a reader works it out"), hint
    averaged = (None if (mention.start, mention.end) in labels else _mean_pins(
        passage.text, mention, [m for m in found if (m.start, m.end) not in labels], threshold))
    if averaged is not None:
        return averaged, ("remove one of the numbers, or refer to figures the data holds (a "
                          "total and an average in the data are checked the same way). If they "
                          "are not a total and its average, end the sentence with '<!-- "
                          "reviewed: your reason -->'")
    rated = (None if (mention.start, mention.end) in labels else _rate_pins(
        passage, mention, sentence, [m for m in found if (m.start, m.end) not in labels],
        knowns, threshold))
    if rated is not None:
        return rated, ("remove the rate, or refer to figures the data holds (a rate in the data "
                       "is tied to its population and hidden as its count is). If it is not a "
                       "rate of these children, end the sentence with '<!-- reviewed: your "
                       "reason -->'")
    if mention.percent:
        shared = _share_pins(mention, sentence, passage.period, knowns.lines)
        return None if shared is None else (shared, (
            "remove the percentage, or refer to figures the data holds (a percentage in the "
            "data is rounded and hidden as its count is). If it is not a share of these "
            "children, end the sentence with '<!-- reviewed: your reason -->'"))
    if not mention.whole or mention.value <= threshold:
        return None
    summed = _named_sum(sentence, mention.value, own)
    if summed is not None:
        return (f"{mention.text} is the sum of {summed}, which the sentence names, and the site "
                "hides one of them"), hint
    moved = _change_in(sentence, mention.value, passage.period, knowns.lines)
    if moved is not None:
        return (f"{mention.text} is the change in {moved}, which the sentence names, and the "
                "site hides it in one of the two periods"), hint
    apart = _named_difference(sentence, mention.value, own)
    if apart is not None:
        return (f"{mention.text} is the difference between {apart}, which the sentence names, "
                "and the site hides one of them or both: with what is shown, a reader works "
                "out what is hidden"), hint
    return None


# "per 10,000", "per 1,000 children": a rate, which a population turns back into a count.
RATE = re.compile(r"\bper\s+(?:10,?000|ten\s+thousand|1,?000|100,?000)\b", re.IGNORECASE)
def _per(sentence: str) -> float | None:
    match = RATE.search(sentence)
    if match is None:
        return None
    digits = re.sub(r"[^\d]", "", match.group(0))
    return float(digits) if digits else 10000.0


def _rate_pins(passage: Passage, mention: Mention, sentence: str, found: list[Mention],
               knowns: Knowns, threshold: int) -> str | None:
    """A rate typed in a sentence that says "per 10,000" (or per 1,000 or 100,000) which,
    at its printed precision, times a population the page gives (a figure of its period, or
    a number typed in the passage), is at most two whole numbers, one of them small (1 to
    `threshold`) or hidden ("0.27 per 10,000 of 148,200 children": 4; red team 15). In
    words, or None."""
    per = _per(sentence)
    if per is None or mention.percent or mention.value in (per, 10000.0, 1000.0, 100000.0):
        return None
    decimals = len(mention.text.split(".")[1]) if "." in mention.text else 0
    half = 0.5 * 10 ** -decimals
    # Populations: numbers of a tenth of `per` or more (a rate per 10,000 is of thousands).
    bases = {value for (value, percent) in knowns.figures.get(passage.period, {})
             if not percent and value >= per / 10}
    bases |= {m.value for m in found if m.whole and m.value >= per / 10}
    bases.discard(per)  # the "10,000" of "per 10,000" is no population
    hidden = knowns.hidden_in(passage.period)
    for base in sorted(bases):
        people = _whole_numbers_in((mention.value - half) * base / per,
                                   (mention.value + half) * base / per)
        if people and len(people) <= 2 and any(1 <= k <= threshold or k in hidden
                                                for k in people):
            return (f"{mention.text} per {per:,.0f} of {base:,.0f} is "
                    f"{' or '.join(map(str, people))}: a rate of a population the page gives "
                    "is a count of children, here a small or hidden one")
    return None


# Fields of period.yaml whose text sits beside the period's tables and figures.
NEAR_FIELDS = frozenset({"note", "title"})

# Allowances whose numbers name something rather than measure it: never a total or an average.
NOT_AMOUNTS = frozenset({"years", "dates", "codes", "ages", "rule", "scales"})

# "eleven times as many boys as girls", "3 times more": a ratio of two counts.
TIMES = re.compile(r"\s+times\s+(?:as\s+(?:many|much|likely|high)|more|larger|higher|the)\b",
                   re.IGNORECASE)


def _ratio_pins(passage: Passage, mention: Mention, sentence: str,
                lines: tuple[HiddenLine, ...]) -> str | None:
    """Two cells of a line that `sentence` names, one hidden, whose true ratio is the typed
    "N times as many" at its precision (N - 0.5 to N + 0.5): beside the line's total a
    reader finds the hidden one ("eleven times as many boys as girls aged 16 and over", 46
    in all: 4 girls; red team 13). In words, or None."""
    if not TIMES.match(passage.text, mention.end):
        return None
    for dim, label, cells, _ in lines:
        chosen = [cells[i] for i in named([c for c, _, _ in cells], (dim, label), sentence)]
        for (a, va, ha), (b, vb, hb) in combinations(chosen, 2):
            small, large = sorted((va, vb))
            if (ha or hb) and small > 0 and abs(large / small - mention.value) <= 0.5:
                return f"'{a}' and '{b}'"
    return None


# Words that make two numbers of one sentence a total and an average of it.
AVERAGE = re.compile(r"\b(?:on\s+average|average|mean|per\s+(?:child|young\s+person|person|head)|"
                     r"each|for\s+every|apiece|a\s+head)\b", re.IGNORECASE)


def _mean_pins(text: str, mention: Mention, found: list[Mention], threshold: int) -> str | None:
    """A typed number that, divided by another typed in its sentence as an average (at its
    printed precision), is a whole number of people from 1 to `threshold` ("43 days on
    average, 129 days in all": 3 young people; red team 13). In words, or None. Only in a
    sentence that says "average", "mean", "per child" or "each"."""
    sentence = _sentence_of(text, mention)
    if not AVERAGE.search(sentence) or not mention.whole:
        return None
    start = text.find(sentence)
    for other in found:
        if other is mention or other.percent or not (start <= other.start < start + len(sentence)):
            continue
        decimals = len(other.text.split(".")[1]) if "." in other.text else 0
        half = 0.5 * 10 ** -decimals
        if other.value - half <= 0 or other.value >= mention.value:
            continue
        people = _whole_numbers_in(mention.value / (other.value + half),
                                   mention.value / (other.value - half))
        if people and len(people) <= 2 and any(1 <= k <= threshold for k in people):
            return (f"{mention.text} divided by {other.text} is {' or '.join(map(str, people))}: "
                    "if one is a total and the other its average, that is how many people there "
                    "are, a small number")
    return None


def _change_in(sentence: str, value: float, period: str,
               lines: Mapping[str, tuple[HiddenLine, ...]]) -> str | None:
    """The cells of a line of `period` that `sentence` names whose sum differs by `value`
    from the same categories' in another period of its report, hidden in one of the two
    ("has climbed by 20 since December 2019": 61 then, 81 hidden now; red team 14), in words;
    None where there are none."""
    if not period:
        return None
    report = period.split("/")[0]
    others = [k for k in lines if k != period and k.split("/")[0] == report]
    by_dim: dict[str, list[tuple[str, dict[str, tuple[float, bool]]]]] = {}
    for dim, label, cells, _ in lines.get(period, ()):
        chosen = [cells[i] for i in named([c for c, _, _ in cells], (dim, label), sentence)]
        if not chosen:
            continue
        if not by_dim:  # the other periods' lines, by dimension, once
            for other in others:
                for odim, _olabel, ocells, _ in lines[other]:
                    by_dim.setdefault(odim, []).append(
                        (other, {c: (v, h) for c, v, h in ocells}))
        for other, then in by_dim.get(dim, ()):
            if not all(c in then for c, _, _ in chosen):
                continue
            hidden = any(h for _, _, h in chosen) or any(then[c][1] for c, _, _ in chosen)
            now_sum = sum(v for _, v, _ in chosen)
            then_sum = sum(then[c][0] for c, _, _ in chosen)
            if hidden and now_sum != then_sum and abs(now_sum - then_sum) == value:
                names = " and ".join(f"'{c}'" for c, _, _ in chosen)
                return f"{names} ({label.lower()}) since or until {other}"
    return None


def _named_difference(sentence: str, value: float,
                      lines: tuple[HiddenLine, ...],
                      ) -> str | None:
    """Two cells of a line, one or both hidden, that `sentence` names and whose difference
    is `value`, in words; None where there are none. Both hidden: with their total a reader
    works out both ("60 more boys than girls"); one: the shown one less the difference is
    the hidden one ("29 more aged 5 to 10 than aged 16 and over"; red team 13)."""
    for dim, label, cells, _ in lines:
        chosen = [cells[i] for i in named([c for c, _, _ in cells], (dim, label), sentence)]
        for (a, va, ha), (b, vb, hb) in combinations(chosen, 2):
            if (ha or hb) and abs(va - vb) == value:
                return f"'{a}' and '{b}'"
    return None


def _sentence_of(text: str, mention: Mention) -> str:
    """The sentence of `text` that holds `mention`."""
    return next(s for start, s in reversed(sentences(text)) if start <= mention.start)


def _named_sum(sentence: str, value: float,
               lines: tuple[HiddenLine, ...]) -> str | None:
    """The cells of a line (two or more, a hidden one among them) that `sentence` names and
    that add up to `value`, in words; None where there are none."""
    for dim, label, cells, _ in lines:
        chosen = [cells[i] for i in named([c for c, _, _ in cells], (dim, label), sentence)]
        if (len(chosen) >= 2 and any(h for _, _, h in chosen)
                and sum(v for _, v, _ in chosen) == value):
            return " and ".join(f"'{c}'" for c, _, _ in chosen)
    return None


def _printed_range(mention: Mention) -> tuple[float, float]:
    """The fraction a typed percentage stands for, at its printed precision: "0.3%" is
    0.0025 to 0.0035, "9%" 0.085 to 0.095."""
    number = re.sub(r"[^\d.]", "", mention.text)
    decimals = len(number.split(".")[1]) if "." in number else 0
    half = 0.5 * 10 ** -decimals
    return (mention.value - half) / 100, (mention.value + half) / 100


def _percent(mention: Mention) -> str:
    return mention.text if "%" in mention.text or "cent" in mention.text else mention.text + "%"


def _whole_numbers_in(low: float, high: float) -> list[int]:
    return list(range(math.ceil(low - 1e-9), math.floor(high + 1e-9) + 1))


def _share_pins(mention: Mention, sentence: str, period: str,
                lines: Mapping[str, tuple[HiddenLine, ...]],
                ) -> str | None:
    """How a typed percentage pins a hidden count, in words, or None: as a share of a line's
    total ("0.3% of children in care were on remand": 0.3% of the 1,061 in the legal-status
    line is 3, the hidden Remand), or as a change on the same category's number in another
    period of the report ("down 37.5% on 2021/22": 8 a year earlier, less 37.5%, is 5). Read
    at the percentage's printed precision; pinned means at most two whole numbers, the hidden
    one among them, and the hidden category named in the `sentence` (category_words.named)
    (red team 12). Compares with the true numbers, as rule 2 does."""
    low, high = _printed_range(mention)
    own = [key for key in lines if key == period or (not period and key)]
    return (_share_of_totals(mention, (low, high), sentence, [lines[k] for k in own])
            or _change_pins(mention, (low, high), sentence, period, own, lines))


def _share_of_totals(mention: Mention, share: tuple[float, float], sentence: str,
                     own: list[tuple[HiddenLine, ...]]) -> str | None:
    """_share_pins, as a share of a line's total or its table's grand total."""
    low, high = share
    for period_lines in own:
        for dim, label, cells, grand in period_lines:
            said = set(named([c for c, _, _ in cells], (dim, label), sentence))
            # Of the line's total, and of its table's grand total ("of all the children who
            # entered care, 1.1% were girls aged 16 and over": 352; red team 13).
            for total, whose in ((sum(v for _, v, _ in cells), f"the {label.lower()} line's total"),
                                 (grand, "its table's grand total")):
                if math.isnan(total):
                    continue
                pinned = _whole_numbers_in(total * low, total * high)
                for index, (category, value, hidden) in enumerate(cells):
                    if hidden and index in said and value in pinned and len(pinned) <= 2:
                        return (f"{_percent(mention)} of {total:,.0f} ({whose}) is "
                                f"{' or '.join(map(str, pinned))}, and the site hides '{category}'")
    return None


def _change_pins(mention: Mention, share: tuple[float, float], sentence: str, period: str,
                 own: list[str], lines: Mapping[str, tuple[HiddenLine, ...]]) -> str | None:
    """_share_pins, as a change on the same category's number in another period."""
    low, high = share
    report = period.split("/")[0]
    others = [key for key in lines if key.split("/")[0] == report and key not in own] \
        if period else []
    for key in own:
        for dim, label, cells, _ in lines[key]:
            said = set(named([c for c, _, _ in cells], (dim, label), sentence))
            for category, value, hidden in (cells[i] for i in sorted(said)):
                for other in others:
                    for odim, _olabel, ocells, _ in lines[other]:
                        if odim != dim:
                            continue
                        for ocategory, ovalue, ohidden in ocells:
                            if ocategory != category or hidden == ohidden:
                                continue
                            secret, base = (value, ovalue) if hidden else (ovalue, value)
                            for sign in (-1, 1):
                                ends = sorted((base * (1 + sign * low), base * (1 + sign * high)))
                                pinned = _whole_numbers_in(*ends)
                                if secret in pinned and len(pinned) <= 2:
                                    return (f"{base:,.0f} ('{category}', {label.lower()}) changed "
                                            f"by {_percent(mention)} is {' or '.join(map(str, pinned))}, "
                                            "and the site hides it in one of the two periods")
    return None


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

