"""Numbers in text as a reader reads them: digits, words, and the allowances that say a
number is not a count.

Pure functions over plain text (already rendered: no Markdown, tags or entities). The
narrative lint (lint.py) uses them on everything a reader or a search engine sees.

A *mention* is one number a reader would read: "3", "1,446", "three", "a single", "no" in
"no children". Words for numbers that are also ordinary words ("one", "both", "a single", "a
couple of", "a pair of", "no", "none") count only before a word for people: "one of the aims"
and "no change" are not numbers of anyone, "one child" and "no children" are.

An *allowance* is a regular expression with a named group `n` (or `n2`, `n3` …) around a
number: a mention inside such a group is a year, a date, an age, a duration, a code, a
ratio about a wider population, and so on, not a count. The built-in ones are ALLOWANCES;
a site adds its own or switches one off with TRANSPARENCY['NARRATIVE_ALLOWANCES']
(docs/settings.md).
"""

from __future__ import annotations

import functools
import re
import types
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Words for numbers. Up to twenty, then tens: enough for "one in twenty" and "thirty".
UNITS_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
               "seventeen", "eighteen", "nineteen", "twenty")
TENS_WORDS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
              "ninety": 90}
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(UNITS_WORDS)} | TENS_WORDS | {
    f"{tens}{joint}{unit}": value + i
    for tens, value in (("twenty", 20), *TENS_WORDS.items())
    for i, unit in enumerate(UNITS_WORDS[1:10], start=1) for joint in ("-", " ")} | {
    "a dozen": 12, "half a dozen": 6, "a single": 1, "both": 2, "a couple of": 2, "a couple": 2,
    "a pair of": 2, "a pair": 2, "a trio of": 3, "twins": 2, "triplets": 3, "twice": 2,
    "once": 1,
    # "No children were remanded" types a 0 as surely as "0 children" does, and a zero is
    # hidden in a sensitive table. ("A few children" says only what [c] says: the audit
    # already reads every [c] as possibly small, so it is no number.)
    "no": 0, "none": 0}
# Words for none: numbers only before a word for people, like AMBIGUOUS.
NONE_WORDS = {"no", "none"}
# Words that are numbers only before a word for people or for records about a child, up to
# three words on ("one placement", "a single adoption order", "one unaccompanied asylum-seeking
# child"; not "one of the aims", "one approach", "both the IRO and the social worker").
AMBIGUOUS = {"one", "a single", "both", "a couple of", "a couple", "a pair of", "a pair",
             "a trio of", "twice", "once", *NONE_WORDS}
# Characters a reader does not see (soft hyphens, zero-width spaces) and forms that read as
# digits (superscripts, full-width digits) are normalised before numbers are read.
_INVISIBLE = {ord(c): None for c in ("­", "​", "‌", "‍", "⁠", "﻿")}


def normalise(text: str) -> str:
    """Text as a reader reads it: NFKC ("³" and "３" are 3), invisible characters removed,
    non-breaking spaces as spaces."""
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).replace(" ", " ")

PEOPLE_WORDS = (
    r"children|child|kids?|young\s+people|young\s+persons?|youngsters?|boys?|girls?|babies|baby|"
    r"infants?|toddlers?|teenagers?|teens?|families|family|carers?|parents?|mothers?|fathers?|"
    r"siblings?|brothers?|sisters?|care\s+leavers?|leavers?|pupils?|students?|"
    r"individuals?|people|persons?|males?|females?|members|women|men|adults?|"
    r"young\s+(?:women|men)|sons?|daughters?|adopters?|residents?|"
    r"(?:\d+|[a-z]+)-year-olds?|unaccompanied|uasc|"
    # records about children identify them too
    r"referrals?|cases?|audits?|reviews?|challenges?|conferences?|plans?|records?|files?|"
    r"adoptions?|placements?|orders?|remands?|assessments?|episodes?|visits?|incidents?|"
    r"complaints?|allegations?|investigations?|enquir(?:y|ies)|offences?|exclusions?")
# Words that end a noun phrase before a word for people: "one group of children" and "one
# or more people" are not counts of children.
STOP = (r"(?!(?:for|of|or|to|and|in|on|at|by|with|more|than|per|group|groups|each|every|set|"
        r"sets|kind|kinds|type|types|way|ways)\b)")
PEOPLE_AFTER = re.compile(
    r"^(?:\W+(?:of\s+(?:the|these|those|our|them)\s+)?(?:" + STOP + r"[a-z][\w'-]*\s+){0,3}?)?(?:"
    + PEOPLE_WORDS + r")\b", re.IGNORECASE)
_WORD_ALTERNATION = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in WORD_VALUES),
                                    key=len, reverse=True))
# "one in twenty": a ratio, which the ratios allowance judges.
RATIO_AFTER = re.compile(r"^\s+(?:in|out\s+of)\s+(?:every\s+)?(?:\d|(?:" + _WORD_ALTERNATION
                         + r")\b)", re.IGNORECASE)
# Digits: "3", "1,446", "12.5", also glued to punctuation ("Adoptions:3", "-3"); not part of
# a code or a number ("PN1", "S47", "1st", "1990s", the "22" of "2021/22" or "2021-22").
NUMBER_RE = re.compile(
    r"(?<![0-9A-WYZa-wyz_£$€])(?<!\w[xX])(?<!\d[.,/:])(?<!\w-)(?P<digits>\d{1,3}(?:,\d{3})+(?!\d)|\d+)"
    r"(?P<decimal>\.\d+)?(?!\d|\.\d|(?:st|nd|rd|th|am|pm|s)\b)"
    r"|(?<![\w-])(?<!\w['’])(?P<words>" + _WORD_ALTERNATION + r")(?![\w-]|['’]\w)",
    re.IGNORECASE)

# "… 3 children were", not "… 5 children's centres": for allowances that must not apply to a
# count of people.
NOT_PEOPLE_NEXT = (r"(?!\s+(?:[a-z][\w'-]*\s+)?(?:" + PEOPLE_WORDS + r")\b(?!['’]))")
MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_N = r"(?:\d+|" + _WORD_ALTERNATION + r")"
WIDER = (r"(?:nationally|national|england|english|the\s+uk|britain|across\s+the\s+country|"
         r"statistical\s+neighbours?|regional(?:ly)?|the\s+region|research|studies|a\s+study|"
         r"in\s+general|on\s+average|typically)")
TIME_UNITS = (r"(?:working\s+)?(?:days?|weeks?|fortnights?|months?|years?|hours?|minutes?|"
              r"sessions?|nights?|daily|weekly|fortnightly|monthly|yearly|hourly)'?")
# Things a council counts that are not people or records about a child.
THINGS = (r"(?:teams?|stages?|levels?|tiers?|areas?|kinds?|types?|sorts?|sources?|examples?|"
          r"periods?|tables?|charts?|figures?|reports?|documents?|sets?|ways?|parts?|sections?|"
          r"steps?|categor(?:y|ies)|themes?|priorit(?:y|ies)|aims?|objectives?|questions?|"
          r"options?|measures?|indicators?|columns?|rows?|pages?|codes?|forms?|districts?|"
          r"localit(?:y|ies)|hubs?|offices?|principles?|recommendations?|actions?|points?|words?|"
          r"languages?|topics?|strands?|sites?|services?|boards?|panels?|partners?hips?|"
          r"counts?|numbers?|rules?|tests?|ends?|cells?|groups?|posts?|vacanc(?:y|ies)|roles?|jobs?|"
          r"events?|councils?|schemes?|projects?|workshops?)")

# name -> (pattern, what it allows). Each pattern marks the allowed number with a group n.
ALLOWANCES: dict[str, tuple[str, str]] = {
    "years": (r"\b(?P<n>(?:19|20)\d\d)\b",
              "a year from 1900 to 2099 (2021, 2021/22)"),
    "dates": (r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + MONTHS + r"\b"
              r"|\b(?P<n3>\d{1,2})\s*/\s*\d{1,2}\s*/\s*\d{2,4}\b",
              "a day of a date, written the British way (31 March, 30/04/2020)"),
    "ages": (r"\b(?:aged?|ages|turns?|turned|turning|age\s+of|aged\s+between|"
             r"reach(?:es|ed|ing)?(?:\s+the\s+age\s+of)?)\s*(?P<n>" + _N
             + r")s?\b(?:\s*(?:to|-|–|and|or)\s*(?P<n2>\d+))?"
             # "under 5s", "Under 5 children's centres"; not "under 3 children were adopted"
             r"|\b(?:under|over)[-\s]?(?P<n9>\d+)s?\b(?!\s+(?:[a-z][\w'-]*\s+)?(?:"
             + PEOPLE_WORDS + r")\b(?!['’]))"
             r"|\b(?P<n3>\d+)\s*(?:-|–|to)\s*(?P<n4>\d+)\s*[-\s]?(?:years?|year-olds?|yrs)\b"
             r"|\b(?P<n5>\d+)[-\s]years?[-\s]olds?\b|\b(?P<n6>\d+)\s*\+"
             r"|\bage\s+(?:bands?|groups?|ranges?)\W{0,3}(?P<n7>\d+)\s*(?:-|–|to)\s*(?P<n8>\d+)",
             "an age or an age band (aged 4, under 5s, turn 4, 0 to 4 years, 16+)"),
    "durations": (r"(?P<n>" + _N + r")(?:\s+and\s+a\s+half)?[-\s]+(?:full\s+|calendar\s+|more\s+)?"
                  + TIME_UNITS + r"(?!\w)"
                  r"|\b(?:every|each|per|a)\s+(?P<n2>" + _N + r")\s+" + TIME_UNITS
                  + r"|\b(?P<n3>" + _N + r")\s+(?:of|out\s+of)\s+(?:the\s+)?(?P<n4>" + _N
                  + r")\s+" + TIME_UNITS,
                  "a length of time or how often (20 working days, 6 months, every 2 weeks, "
                  "nine of the twelve months)"),
    "times": (r"\b(?P<n>" + _N + r")\s+times\b(?!\s+(?:as|more|fewer|less|the)\b)"
              r"|\b(?P<n2>\d{1,2})(?:[:.]\d\d)?\s*(?:am|pm)\b"
              r"|\b(?P<n3>\d{1,2}):\d\d\b",
              "how many times, or a time of day (3 times, 9am, 10:30)"),
    "codes": (r"\b(?:sections?|s|stages?|levels?|tiers?|parts?|schedules?|regulations?|"
              r"paragraphs?|articles?|chapters?|appendix|appendices|tables?|figures?|fig|pages?|"
              r"phases?|steps?|key\s+stages?|ks|quarters?|q|weeks?|priority|priorities|versions?|"
              r"standards?|recommendations?|questions?|options?|points?|grades?|bands?|rooms?|"
              r"codes?|rules?|principles?|objectives?|aims?|outcomes?|number|no\.?|year\s+group)"
              # the list that may follow ("stage 1, 2 and 3") is continues_list()'s business
              r"\s*(?P<n>\d+)(?:\s*\(\s*(?P<n4>\d+)\s*\))?",
              "a section, stage, table or other numbered label (Section 20, stage 1, Table 3)"),
    "measures": (r"(?P<n>\d+)\s*(?:%|per\s*cent\b|percent\b|fte\b|full[-\s]time\b|"
                 r"per\s+(?:\d|ten|hundred|thousand)|miles?\b|km\b|metres?\b|pence\b|p\b)"
                 r"|[£$€]\s*(?P<n2>\d+)",
                 "a percentage, a rate, money, FTE or a distance (5%, 3 FTE, 1 per 10,000, £2)"),
    "ratios": (WIDER + r"[^.;:]*?\b(?P<n>" + _N + r")\s+(?:in|out\s+of)\s+(?:every\s+)?(?P<n2>"
               + _N + r")\b"
               r"|\b(?P<n3>" + _N + r")\s+(?:in|out\s+of)\s+(?:every\s+)?(?P<n4>" + _N + r")\b"
               r"[^.;:]*?" + WIDER,
               "a ratio of the '1 in 5' kind about a wider population than the council's "
               "(Nationally, 1 in 5 children …)"),
    # Up to three words between: "two consultation events", "two Children in Care Councils"
    # (a name in capitals may hold a word for people; lower-case words may not).
    "things": (r"(?P<n>" + _N + r")\s+(?:(?-i:[A-Z][\w'-]*)(?:\s+(?:in|of|and|for))?\s+){0,3}?"
               r"(?:(?!(?:" + PEOPLE_WORDS + r"|sibling|foster|family|adopt\w*|the|a|an|of|these|"
               r"those|their|our|its)\b)(?-i:[a-z][\w'-]*)\s+)?" + THINGS + r"\b",
               "a number of things that are not people or records about a child "
               "(two teams, three stages, five areas)"),
    # An upper bound says little ("fewer than 5" is the suppression rule's own wording); a
    # lower bound before a word for people says how many at least, so it is not allowed.
    "bounds": (r"\b(?:up\s+to|fewer\s+than|less\s+than|as\s+few\s+as|at\s+most)\s+(?P<n>"
               + _N + r")\b"
               r"|\b(?:more\s+than|over|under|at\s+least|no\s+fewer\s+than)\s+(?P<n2>" + _N + r")\b"
               + NOT_PEOPLE_NEXT + r"|\bmore\s+than\s+(?P<n3>one)\b",
               "a bound, not a count (fewer than 10, up to 3 reviews a year, more than one)"),
    "staff": (r"(?P<n>" + _N + r")\s+(?:(?:new|more|other|of\s+the|of\s+our|permanent|agency|"
              r"full[-\s]time|part[-\s]time|qualified|experienced|senior|independent|"
              r"fixed[-\s]term|child\s+protection|team)\s+){0,2}(?:IROs?|staff|coordinators?|"
              r"social\s+workers?|managers?|practitioners?|chairs?|officers?|advocates?|"
              r"visitors?|workers?|colleagues?|employees?|apprentices?|agencies|partners|"
              r"safeguarding\s+partners|councillors?|members\s+of\s+staff)\b",
              "a number of staff, posts or partner agencies: staff counts are not protected "
              "(three new IROs, two coordinators)"),
    "scales": (r"\b(?:scor(?:es?|ed|ing)|scales?|scaled?|rated?|ratings?|marks?)\b[^.;]{0,40}?\b(?P<n>" + _N
               + r")\s*(?:out\s+of|/|to|-|–)\s*(?P<n2>" + _N + r")\b"
               r"|\b(?P<n3>" + _N + r")\s*(?:out\s+of|/)\s*(?P<n4>10|ten)\b(?=[^.;]{0,40}?\b(?:"
               r"scor(?:es?|ed|ing)|scales?|rated?|ratings?|marks?)\b)"
               r"|\bwhere\s+(?P<n5>" + _N + r")\s+(?:means|stands\s+for)\b",
               "a point on a scale or a score (8 out of 10, a scale of 0 to 10)"),
    "rule": (r"\b(?:counts?|numbers?|figures?|values?)\s+(?:of|from|between)\s+(?P<n>\d+)\s+"
             r"(?:to|and|-|–)\s+(?P<n2>\d+)",
             "the suppression rule itself (counts of 1 to 5 are hidden)"),
    "fractions": (r"\b(?P<n>" + _N + r")[-\s](?:thirds?|quarters?|halves|half|fifths?|tenths?)\b",
                  "a fraction (two thirds)"),
    "pronouns": (r"\b(?:no|any|every|each|which|this|that|the|the\s+other|another)[-\s](?P<n>one)\b"
                 r"(?!\s+(?:[a-z][\w'-]*\s+)?(?:" + PEOPLE_WORDS + r")\b)"
                 r"|\b(?P<n2>one)[-\s](?:to[-\s]one|another|off|way|stop|page|year|day|week|"
                 r"month|minute|time|third|quarter|half)\b"
                 r"|\b(?P<n3>one)\s+(?:of|or|and|for|that|which|is|was|where)\b",
                 "'one' as a word, not a count (no one, one of, one-to-one)"),
}


@dataclass(frozen=True)
class Mention:
    """One number in a text: its value, the text as written and where it is."""

    value: float
    text: str
    start: int
    end: int
    words: bool
    percent: bool

    @property
    def whole(self) -> bool:
        """A whole number as written: "3", "three"; not "3.0", "2.5" or "5%"."""
        return float(self.value).is_integer() and not self.percent and "." not in self.text


@dataclass(frozen=True)
class Allowance:
    name: str
    pattern: re.Pattern[str]
    why: str


def allowances(extra: Mapping[str, object] | None = None) -> tuple[Allowance, ...]:
    """The built-in allowances, with a site's own added (name -> pattern, or name -> None to
    switch a built-in one off). Raises ValueError for a pattern that does not compile or
    has no group named n."""
    table: dict[str, tuple[str, str]] = dict(ALLOWANCES)
    for name, value in (extra or {}).items():
        if value is None:
            table.pop(name, None)
        else:
            table[name] = (str(value), "allowed by this site's settings")
    built = []
    for name, (pattern, why) in table.items():
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"allowance '{name}': {error}") from None
        if not any(g == "n" or re.fullmatch(r"n\d+", g) for g in compiled.groupindex):
            raise ValueError(f"allowance '{name}' has no group named n around the number, "
                             "e.g. (?P<n>\\d+)")
        built.append(Allowance(name, compiled, why))
    return tuple(built)


def mentions(text: str) -> list[Mention]:
    """Every number in `text`, in order. Ambiguous words count only before a word for
    people; decimals and percentages are mentions too (value as written)."""
    found = []
    for match in NUMBER_RE.finditer(text):
        if match.group("words"):
            word = " ".join(match.group("words").lower().split())
            if word in AMBIGUOUS and not PEOPLE_AFTER.match(text[match.end():]) \
                    and not RATIO_AFTER.match(text[match.end():]):
                continue
            value: float = WORD_VALUES[word]
            words = True
        else:
            raw = match.group("digits").replace(",", "") + (match.group("decimal") or "")
            value = float(raw)
            words = False
        after = text[match.end():match.end() + 12].lower()
        percent = bool(re.match(r"\s*(?:%|per\s*cent|percent)", after))
        found.append(Mention(value, match.group(0), match.start(), match.end(), words, percent))
    return found


@functools.lru_cache(maxsize=8192)
def allowed_spans(text: str, rules: tuple[Allowance, ...]) -> Mapping[tuple[int, int], Allowance]:
    """Where in `text` each allowance's number groups are: (start, end) -> the first
    allowance (in order) that marks that span. A mention is allowed when its span is here.
    Remembered (a long-lived process, such as the preview, lints unchanged text again), so
    the mapping returned is shared: read it, never change it."""
    spans: dict[tuple[int, int], Allowance] = {}
    for rule in rules:
        for match in rule.pattern.finditer(text):
            for group, value in match.groupdict().items():
                if value is not None and (group == "n" or re.fullmatch(r"n\d+", group)):
                    spans.setdefault(match.span(group), rule)
    return types.MappingProxyType(spans)


_QUOTES = "[\\s\"'“”‘’()]*"
COMMA_GAP = re.compile("^" + _QUOTES + "," + _QUOTES + "$")
LAST_GAP = re.compile("^" + _QUOTES + "(?:,\\s*)?(?:and|or|to|-|–)" + _QUOTES + "$", re.IGNORECASE)
# Allowances whose lists run on: "stage 1, 2 and 3", "aged 16 and 17", age bands "1 - 5" and "5-9".
LIST_ALLOWANCES = {"codes", "ages"}


def continues_list(text: str, before: Mention, mention: Mention, after: Mention | None,
                   inside: bool = False) -> bool:
    """Is `mention` the next item of a list that `before` starts ("stage 1, 2 and 3",
    "Sections 20 or 31")? An item after a comma must be followed by another item (", 2 and 3"):
    "In 2021, 3 children …" is not a list. The second item of a list before a word for people
    is not one either ("section 20 and 4 children"), unless the list is already running
    (`inside`: "stage 1, 2 and 3 challenges")."""
    if not inside and people_after(text, mention):
        return False
    gap = text[before.end:mention.start]
    if LAST_GAP.match(gap):
        return True
    return bool(COMMA_GAP.match(gap) and after is not None
                and (COMMA_GAP.match(text[mention.end:after.start])
                     or LAST_GAP.match(text[mention.end:after.start])))


def people_after(text: str, mention: Mention) -> bool:
    """Is the mention followed by a word for people ("3 young people", "two of the boys")?"""
    return bool(PEOPLE_AFTER.match(text[mention.end:]))
