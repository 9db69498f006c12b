"""Standard classifications a reader knows without being told: a major group is made of its
minor groups, so a table giving both, or two tables of one population at the two levels, let
a reader subtract. The disclosure audit applies these to every table whose categories use the
standard labels; a period declares others under `relations:` (`hierarchy`).

Labels are those of the Department for Education's children looked after and children in need
statistics (ethnicity major and minor groups). A table whose categories use other labels is
not matched; declare its groups (docs/data-format.md, Relations).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

# Major group -> its minor groups (DfE, children looked after in England: ethnic origin).
ETHNICITY: dict[str, tuple[str, ...]] = {
    "White": ("White British", "White Irish", "Traveller of Irish heritage", "Gypsy/Roma",
              "Any other White background"),
    "Mixed": ("White and Black Caribbean", "White and Black African", "White and Asian",
              "Any other Mixed background"),
    "Asian or Asian British": ("Indian", "Pakistani", "Bangladeshi", "Any other Asian background"),
    "Black or Black British": ("Caribbean", "African", "Any other Black background"),
    "Other ethnic groups": ("Chinese", "Any other ethnic group"),
}

# Shipped classifications by name, as `invoke check` and the docs list them.
SHIPPED: dict[str, dict[str, tuple[str, ...]]] = {"dfe_ethnicity": ETHNICITY}


# Age bands ------------------------------------------------------------------------------
# Councils band ages in many ways ("Under 1", "1 to 4", "5-9", "16 and over", "Under 5",
# "5 to 17"); any band that is exactly the union of narrower bands is their group, and a
# reader who sees both levels, in one table or in two of the same children, subtracts. The
# bands are read from the labels themselves, so no council has to declare them.

_NUMBER = r"(\d{1,3})"
_AGED = r"(?:aged\s+|ages?\s+)?"
_YEARS = r"(?:\s*(?:years?|yrs?)(?:\s*old)?|\s*year\s*olds?)?"
_AGE_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[int], tuple[float, float]]
                           | Callable[[int, int], tuple[float, float]]], ...] = (
    (re.compile(rf"{_AGED}(?:under|less than|younger than)\s+{_NUMBER}{_YEARS}"),
     lambda n: (0.0, float(n))),
    (re.compile(rf"{_AGED}{_NUMBER}\s*(?:to|-|\u2013|\u2014)\s*{_NUMBER}{_YEARS}"),
     lambda a, b: (float(a), float(b) + 1)),
    (re.compile(rf"{_AGED}{_NUMBER}{_YEARS}\s*(?:\+|and over|or over|and above|or above|"
                rf"and older|or older|plus)"),
     lambda n: (float(n), math.inf)),
    (re.compile(rf"{_AGED}{_NUMBER}{_YEARS}\s*(?:and under|or under|and below|or below|"
                rf"and younger|or younger)"),
     lambda n: (0.0, float(n) + 1)),
    (re.compile(rf"{_AGED}(?:over|older than)\s+{_NUMBER}{_YEARS}"),
     lambda n: (float(n) + 1, math.inf)),
    (re.compile(rf"{_AGED}{_NUMBER}{_YEARS}"), lambda n: (float(n), float(n) + 1)),
)

# How councils write the same band otherwise (a red team's "Under 10s"): a plural after the
# number ("Under 10s", "5-9s", "Under 5's"), a hyphen after "under" ("Under-5s"), "&" for
# "and". Rewritten before the patterns above are tried.
# A number in words ("Aged under five", a red team's band that the narrative check read as a
# number and the audit did not) is its digits.
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty", "twenty-one", "twenty-two", "twenty-three",
          "twenty-four", "twenty-five")
_WORD_NUMBER = re.compile(r"\b(" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")(s?)\b")
_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d)\s*['\u2019]?s\b"), r"\1"),
    (re.compile(r"\b(under|over)\s*-\s*(?=\d)"), r"\1 "),
    (re.compile(r"\s*&\s*"), " and "),
)


def age_band(label: str) -> tuple[float, float] | None:
    """The ages a band label covers, as [start, end) in whole years ('Under 1' is (0, 1),
    '1 to 4' and '1-4' are (1, 5), '16 and over' and '16+' are (16, inf), 'Aged 10' is
    (10, 11), 'Under 10s' and 'Under-10s' are (0, 10), '4 and under' is (0, 5)), or None
    when the label is not an age band."""
    text = " ".join(label.lower().split())
    text = _WORD_NUMBER.sub(lambda m: f"{_WORDS.index(m.group(1))}{m.group(2)}", text)
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    for pattern, interval in _AGE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            band = interval(*(int(g) for g in match.groups()))
            return band if band[0] < band[1] else None
    return None


def age_bands_in(text: str) -> list[tuple[float, float]]:
    """Every age band a sentence or label names, in order, read as age_band reads a category
    ("Girls aged under 5 or aged 11 to 15": (0, 5) and (11, 16)); where two readings overlap,
    the longer ("aged 5 to 9", not "aged 5")."""
    words = " ".join(_WORD_NUMBER.sub(lambda m: f"{_WORDS.index(m.group(1))}{m.group(2)}",
                                      text.lower()).split())
    for pattern, replacement in _SPELLINGS:
        words = pattern.sub(replacement, words)
    found: list[tuple[int, int, tuple[float, float]]] = []
    for index, (pattern, interval) in enumerate(_AGE_PATTERNS):
        for match in pattern.finditer(words):
            text_ = match.group(0).strip()
            if (not text_ or (match.start() > 0 and words[match.start() - 1].isalnum())
                    or (match.end() < len(words) and words[match.end()].isalnum())
                    # A bare number is an age only as "aged 10".
                    or (index == len(_AGE_PATTERNS) - 1 and not text_.startswith("age"))):
                continue
            band = interval(*(int(g) for g in match.groups()))
            if band[0] < band[1]:
                found.append((match.start(), match.end(), band))
    kept: list[tuple[int, int, tuple[float, float]]] = []
    for start, end, band in sorted(found, key=lambda f: (f[0] - f[1], f[0])):  # longest first
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, band))
    return [band for _, _, band in sorted(kept)]


def age_band_in(text: str) -> tuple[float, float] | None:
    """The first age band a sentence or label names (age_bands_in), or None."""
    bands = age_bands_in(text)
    return bands[0] if bands else None


def age_groups(labels: Iterable[str], limit: int = 8,
               crowded: list[str] | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """Every (group, members) where the band `group` is exactly the union of narrower,
    non-overlapping bands among `labels` ('Under 5' of 'Under 1' and '1 to 4'), up to `limit`
    ways per group, and where two labels name one band ('0 to 4' and 'Under 5', as a group
    of one). Labels that are not age bands are ignored. A group with more ways than `limit`
    is added to `crowded` (its ways past the limit are not related: the caller fails
    closed)."""
    bands = {label: band for label in set(labels) if (band := age_band(label)) is not None}
    # The same band under two labels ('Under 5' and '0 to 4') is one number.
    found: list[tuple[str, tuple[str, ...]]] = [
        (a, (b,)) for a in sorted(bands) for b in sorted(bands) if a < b and bands[a] == bands[b]]
    for group, (start, end) in sorted(bands.items()):
        inside = sorted((b, label) for label, b in bands.items()
                        if label != group and start <= b[0] and b[1] <= end and b != (start, end))
        ways = _tilings(inside, (), start, end, limit + 1)
        if len(ways) > limit and crowded is not None:
            crowded.append(group)
        found += [(group, members) for members in ways[:limit] if len(members) > 1]
    return found


def _tilings(bands: list[tuple[tuple[float, float], str]], chain: tuple[str, ...], at: float,
             end: float, limit: int) -> list[tuple[str, ...]]:
    """Up to `limit` ways to cover [at, end) with `bands` ((start, end), label) end to end,
    each after `chain`."""
    if at == end:
        return [chain]
    ways: list[tuple[str, ...]] = []
    for (start, stop), label in bands:
        if start == at and len(ways) < limit:
            ways += _tilings(bands, (*chain, label), stop, end, limit - len(ways))
    return ways


def is_age_dimension(name: str, label: str) -> bool:
    """Whether a dimension holds age bands, by its name ('age', 'age_group', 'age_at_entry')
    or its label ('Age', 'Age group'). Bands of other things ('1 to 2 placements') are not
    ages, and are not grouped."""
    return bool(re.search(r"(?:^|_)age(?:$|_)", name.lower())) or label.lower().startswith("age")


_BAND_WORDS = {"band", "bands", "group", "groups", "range", "ranges", "years", "year"}
# Words after "at" or "on" that name the day the table counts on ("age at 31 March", "age on
# census day", "age at the end of the period"), not an event of a child's own ("age at entry").
_DAY_WORDS = {"the", "of", "end", "period", "year", "date", "day", "census", "snapshot",
              "reporting", "count", "st", "nd", "rd", "th", "january", "february", "march",
              "april", "may", "june", "july", "august", "september", "october", "november",
              "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
              "oct", "nov", "dec"}


def age_kind(name: str, label: str = "") -> str:
    """Which age a dimension holds, for matching two tables: 'age', 'age_band',
    'age_group', 'age_at_31_march', 'age_on_census_day', 'current_age' (or a dimension
    labelled "Age on 31 March") are all age on the table's date ('age'); 'age_at_entry' is
    another. Read from the name, or from the label when the name does not say age."""
    text = name if is_age_dimension(name, "") or not label else label
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower())
             if w and w not in _BAND_WORDS and w not in ("current", "now", "today")]
    for i, word in enumerate(words):
        if word in ("at", "on") and all(w in _DAY_WORDS or re.fullmatch(r"\d+(?:st|nd|rd|th)?", w)
                                        for w in words[i + 1:]):
            words = words[:i]
            break
    return "_".join(words)
