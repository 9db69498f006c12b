"""Narrative lint: hand-typed numbers that look like small counts of people, and text not
written yet.

"2 young people" or "only one child" in the narrative is exactly what suppression hides in
the data. Numbers that are not counts of people (days, months, years, stages, FTE, section
numbers) are not flagged because they are not followed by a word for people.
An author who has checked a sentence marks it on the same line with
`<!-- reviewed: reason -->`, giving the reason.

Placeholders such as "[Write about …]", which `invoke new` puts where the narrative's prose
goes, and "FILL IN" are unfinished text: a warning while previewing, and (like everything
here) an error in a publish build (NARRATIVE_LINT_STRICT).
"""

from __future__ import annotations

import re
from pathlib import Path

from .problems import Problems

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a single": 1,
         "a couple of": 2, "a handful of": 5}
PEOPLE = (r"(?:children|child|young\s+people|young\s+person|youngsters?|boys?|girls?|babies|baby|"
          r"infants?|teenagers?|families|family|carers?|foster\s+carers?|parents?|mothers?|"
          r"fathers?|siblings?|brothers?|sisters?|sibling\s+groups?|care\s+leavers?|"
          r"unaccompanied\s+(?:asylum[-\s]seeking\s+)?children|pupils?|students?|"
          r"referrals?|cases?|individuals?|people|persons?|males?|females?|members|"
          r"young\s+(?:women|men)|women|men|"
          # records about children count too
          r"audits?|reviews?|challenges?|conferences?|plans?|records?|files?|case\s+files?)")
NUMBER = r"(?P<number>\d{1,3}|" + "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True)) + ")"
# A number, up to two describing words, then a word for people: "2 young people",
# "three looked-after children", "1 (5%) child".
# Words that end a noun phrase: "one for children", "one group of children", "one or more
# people" are not counts of people.
STOP = r"(?!(?:for|of|or|to|and|in|on|at|by|with|more|than|per|group|groups|each|every)\b)"
PATTERN = re.compile(
    r"(?<![\w.,/-])" + NUMBER + r"(?:\s*\([^)]*\))?\s+(?:of\s+the\s+)?(?:" + STOP
    + r"[a-z][\w'-]*\s+){0,2}?" + PEOPLE + r"\b", re.IGNORECASE)
# "29% (4/14)" and "1 (5%) had an EHC plan": a small count beside a fraction or a share.
FRACTION = re.compile(r"(?<![\w./])(?P<number>\d{1,3})\s*/\s*\d{1,4}(?![\w/])")
WITH_SHARE = re.compile(r"(?<![\w.,/])(?P<number>\d{1,3})\s*\(\s*\d{1,3}(?:\.\d+)?\s*%\s*\)")
REVIEWED = re.compile(r"(?:<!--|#)\s*reviewed:\s*(?P<reason>\S.*?)\s*(?:-->|$)", re.IGNORECASE)
STRIP = re.compile(r"\{\{.*?\}\}|`[^`]*`|<!--.*?-->")


# A number after these words is a label, not a count: "stage 1 challenges", "section 20
# children", "more than one review", and the rule itself, "1 to 5 children".
LABEL_BEFORE = re.compile(
    r"(?:\b(?:stages?|sections?|tables?|paragraphs?|levels?|tiers?|grades?|years?|aged?|pn|than|"
    r"phases?|steps?|pages?|chapters?|appendix|regulations?|articles?|parts?|schedules?)"
    r"(?:\s+\d+\s*(?:,|and|or)(?:\s*\d+\s*,)*(?:\s*\d+\s*(?:and|or))?)?|"  # "stage 1, 2 and 3"
    r"\b1\s+to)\s*$", re.IGNORECASE)


# "[Write about children in care …]", "[write a title …]", "FILL IN".
# FILL IN only in capitals: "a questionnaire children can fill in" is ordinary English.
PLACEHOLDER = re.compile(r"\[\s*(?i:write)\b[^\]]*\]?|\bFILL IN\b")


def placeholder_lines(text: str) -> list[tuple[int, str]]:
    """(line, placeholder) for each piece of text still to be written."""
    return [(lineno, match.group(0)) for lineno, line in enumerate(text.splitlines(), start=1)
            for match in PLACEHOLDER.finditer(line)]


def small_count_lines(text: str, threshold: int) -> list[tuple[int, str]]:
    """(line, matched text) for each unreviewed small count of people."""
    found = []
    previous = ""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if REVIEWED.search(line):
            previous = line
            continue
        body = STRIP.sub(" ", line)
        before_line, previous = previous, line
        for pattern in (PATTERN, FRACTION, WITH_SHARE):
            for match in pattern.finditer(body):
                if LABEL_BEFORE.search(before_line + " " + body[:match.start()]):
                    continue
                raw = match.group("number").lower()
                value = WORDS.get(raw) if raw in WORDS else int(raw)
                if value is not None and 1 <= value <= threshold:
                    found.append((lineno, match.group(0)))
    return found


def lint_file(path: Path, text: str, threshold: int, problems: Problems) -> None:
    for lineno, snippet in placeholder_lines(text):
        shown = snippet if len(snippet) <= 60 else snippet[:57] + "…"
        problems.add(path, f"'{shown}' is a placeholder: this text is not written yet",
                     "replace the placeholder, square brackets included, with the text (a publish "
                     "build refuses unfinished text)", line=lineno)
    for lineno, snippet in small_count_lines(text, threshold):
        problems.add(path, f"'{snippet}' looks like a hand-typed small count of people",
                     "remove the number (counts of 1 to "
                     f"{threshold} people can identify a child), refer to a suppressed figure "
                     "with {{ name }}, or if it is not a count of people add "
                     "'<!-- reviewed: your reason -->' at the end of the line", line=lineno)
