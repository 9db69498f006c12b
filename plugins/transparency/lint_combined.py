"""The narrative lint's rules that combine a typed number with what the site shows: sums,
differences, ratios and changes of the table cells a sentence names, percentages as shares
and changes, rates of a population, a total beside its average, ranks, and the Knowns they
read (the hidden numbers and lines handed to the lint; never published). Red teams 9 to 17
found each way a reader combines them. Called by lint.check_passage."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

from .category_words import named
from .lint_findings import HiddenLine, Lint, LogEntry, add_problem, in_page, snippet_at
from .lint_narrowing import RANKS, sentences
from .numbers import Mention
from .printed import decimals_written, half_unit, whole_numbers_in, whole_quotients
from .reader_text import Passage


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
    # Every line of the count tables of a report that hides a cell (publish.hidden_lines:
    # dimension, its label, each category with its true number and whether it is hidden,
    # and the table's grand total), read by the rules of this module.
    lines: Mapping[str, tuple[HiddenLine, ...]] = field(default_factory=dict)

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


def near_counts(passage: Passage, knowns: Knowns) -> Mapping[float, tuple[str, ...]]:
    """The published counts a typed number of `passage` is compared with (check_passage)."""
    counts = knowns.counts_for(passage.period)
    if passage.references and "reference" not in passage.where:
        return counts
    return {value: tables for value, names in counts.items()
            if (tables := tuple(n for n in names if n.startswith("table ")))}


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
        for row in lines:
            label, cells = row.label, row.cells
            said = _said(row, sentence)
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


def combined(passage: Passage, mention: Mention, found: list[Mention], knowns: Knowns,
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
    # Numbers an allowance reads as a date, year, code or age are no total, average or rate.
    amounts = [m for m in found if (m.start, m.end) not in labels]
    is_amount = (mention.start, mention.end) not in labels
    ratio = _ratio_pins(passage, mention, sentence, own)
    if ratio is not None:
        return (f"{mention.text} times is the ratio of {ratio}, which the sentence names, and the "
                "site hides one of them: with what is shown, a reader works it out"), hint
    averaged = _mean_pins(passage.text, mention, amounts, threshold) if is_amount else None
    if averaged is not None:
        return averaged, ("remove one of the numbers, or refer to figures the data holds (a "
                          "total and an average in the data are checked the same way). If they "
                          "are not a total and its average, end the sentence with '<!-- "
                          "reviewed: your reason -->'")
    rated = (_rate_pins(passage, mention, sentence, amounts, knowns, threshold)
             if is_amount else None)
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
    half = half_unit(decimals_written(mention.text))
    # Populations: numbers of a tenth of `per` or more (a rate per 10,000 is of thousands).
    bases = {value for (value, percent) in knowns.figures.get(passage.period, {})
             if not percent and value >= per / 10}
    bases |= {m.value for m in found if m.whole and m.value >= per / 10}
    bases.discard(per)  # the "10,000" of "per 10,000" is no population
    hidden = knowns.hidden_in(passage.period)
    for base in sorted(bases):
        people = whole_numbers_in((mention.value - half) * base / per,
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
    for line in lines:
        chosen = [line.cells[i] for i in _said(line, sentence)]
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
        if other.value >= mention.value:
            continue
        people = whole_quotients(mention.value, other.value, decimals_written(other.text))
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
    for line in lines.get(period, ()):
        dim, label = line.dim, line.label
        chosen = [line.cells[i] for i in _said(line, sentence)]
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
    for line in lines:
        chosen = [line.cells[i] for i in _said(line, sentence)]
        for (a, va, ha), (b, vb, hb) in combinations(chosen, 2):
            if (ha or hb) and abs(va - vb) == value:
                return f"'{a}' and '{b}'"
    return None


def _said(line: HiddenLine, sentence: str) -> list[int]:
    """The positions of the line's cells whose categories `sentence` names."""
    return named([c for c, _, _ in line.cells], (line.dim, line.label), sentence)


def _sentence_of(text: str, mention: Mention) -> str:
    """The sentence of `text` that holds `mention`."""
    return next(s for start, s in reversed(sentences(text)) if start <= mention.start)


def _named_sum(sentence: str, value: float,
               lines: tuple[HiddenLine, ...]) -> str | None:
    """The cells of a line (two or more, a hidden one among them) that `sentence` names and
    that add up to `value`, in words; None where there are none."""
    for line in lines:
        chosen = [line.cells[i] for i in _said(line, sentence)]
        if (len(chosen) >= 2 and any(h for _, _, h in chosen)
                and sum(v for _, v, _ in chosen) == value):
            return " and ".join(f"'{c}'" for c, _, _ in chosen)
    return None


def _printed_range(mention: Mention) -> tuple[float, float]:
    """The fraction a typed percentage stands for, at its printed precision: "0.3%" is
    0.0025 to 0.0035, "9%" 0.085 to 0.095."""
    half = half_unit(decimals_written(mention.text))
    return (mention.value - half) / 100, (mention.value + half) / 100


def _percent(mention: Mention) -> str:
    return mention.text if "%" in mention.text or "cent" in mention.text else mention.text + "%"


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
        for line in period_lines:
            label, cells, grand = line.label, line.cells, line.grand
            said = set(_said(line, sentence))
            # Of the line's total, and of its table's grand total ("of all the children who
            # entered care, 1.1% were girls aged 16 and over": 352; red team 13).
            for total, whose in ((sum(v for _, v, _ in cells), f"the {label.lower()} line's total"),
                                 (grand, "its table's grand total")):
                if math.isnan(total):
                    continue
                pinned = whole_numbers_in(total * low, total * high)
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
        for line in lines[key]:
            dim, label, cells = line.dim, line.label, line.cells
            said = set(_said(line, sentence))
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
                                pinned = whole_numbers_in(*ends)
                                if secret in pinned and len(pinned) <= 2:
                                    return (f"{base:,.0f} ('{category}', {label.lower()}) changed "
                                            f"by {_percent(mention)} is {' or '.join(map(str, pinned))}, "
                                            "and the site hides it in one of the two periods")
    return None
