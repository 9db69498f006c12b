"""Which categories of a table line a sentence or label names, as a reader matches them: a
category's words (before a dash, bracket or comma: "Care order", "Section 20") standing
together, in order, in the text ("Children in care on a care order or a placement order";
"care order" is not in "children in care on a placement order"), or, along a dimension of
age, the bands that make up the band the text names ("Girls aged under 5": Under 1 and 1 to
4). Used by the look-alike check of sums of cells (lookalike_sums.py) and the narrative lint
(lint.py). Words are stemmed (knowledge_populations.stem) and small words left out."""

from __future__ import annotations

import functools
import re

from .classifications import age_band, age_bands_in, is_age_dimension
from .knowledge_populations import stem

_EMPTY = frozenset({"a", "an", "the", "of", "on", "in", "at", "to", "for", "by", "with", "and",
                    "or", "who", "were", "was", "is", "are", "as"})


# The words readers use for the DfE's gender categories: "of whom 9% were girls" names
# Female (red team 12). Read by words() here and by the narrative lint's narrowing words.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "female": ("female", "females", "girl", "girls", "woman", "women"),
    "male": ("male", "males", "boy", "boys", "man", "men"),
}
_SAME_WORD = {form: word for word, forms in SYNONYMS.items() for form in (*forms, stem(word))}


def words(text: str) -> tuple[str, ...]:
    """A text's words as they are matched: lower case, stemmed, small words left out, and
    girls, boys, women and men read as female and male."""
    return tuple(_SAME_WORD.get(w, stem(w)) for w in re.findall(r"[a-z0-9]+", text.casefold())
                 if w not in _EMPTY)


def core(category: str) -> str:
    """A category's name without what follows a dash, bracket, comma or colon: 'Care order'
    of 'Care order (section 31, Children Act 1989)', 'Section 20' of 'Section 20 – single
    placement'."""
    return re.split(r"\s[\u2013\u2014-]\s|\(|,|:", category, maxsplit=1)[0]


def stands_in(text: tuple[str, ...], category: tuple[str, ...]) -> bool:
    """Whether the words of `category` stand together, in order, in `text` (both as words())."""
    size = len(category)
    return size > 0 and any(text[i:i + size] == category for i in range(len(text) - size + 1))


# "on care or placement orders": the last word is said once for both (elliptical coordination).
_SHARED_LAST = re.compile(r"\b([a-z]+) (?:or|and|&) ([a-z]+) ([a-z]+)\b")


def _spelt_out(text: str) -> str:
    """The text with each "A or B C" also written "A C" (so "care or placement orders" names
    care orders as well as placement orders)."""
    lowered = " ".join(text.casefold().split())
    extra = [f"{m.group(1)} {m.group(3)}" for m in _SHARED_LAST.finditer(lowered)]
    return lowered + "".join(f" | {phrase}" for phrase in extra)


# Children's services count people under 18: an open band ("16 and over") of children ends
# where "11 to 17" does, so a text's "aged 11 to 17" is made up of "11 to 15" and "16 and
# over" (red team 12). Read so for every line: a line of older people whose open band holds
# adults then relates a text band to it that it does not make up, and the build stops on a
# relation that is not there, never publishing one a reader could use.
ADULT = 18


def _end(band: tuple[float, float]) -> float:
    """A band's end, an open band of children ending at ADULT (not one that starts there or
    later: "22 and over" of care leavers is no band of children)."""
    return ADULT if band[1] == float("inf") and band[0] < ADULT else band[1]


def _tiling(categories: list[str], band: tuple[float, float]) -> list[int] | None:
    inside = sorted((b, i) for i, c in enumerate(categories)
                    if (b := age_band(c)) is not None and band[0] <= b[0]
                    and _end(b) <= _end(band))
    at = band[0]
    for (start, end), _ in inside:
        if start != at:
            return None
        at = end
    return [i for _, i in inside] if inside and _end((band[0], at)) == _end(band) else None


def named(categories: list[str], dimension: tuple[str, str], text: str) -> list[int]:
    """The positions of the `categories` that `text` names (_named; remembered, since the
    lint reads each sentence again for every number in it and every line of the site)."""
    return list(_named_cached(tuple(categories), dimension, text))


@functools.lru_cache(maxsize=1 << 16)
def _named_cached(categories: tuple[str, ...], dimension: tuple[str, str],
                  text: str) -> tuple[int, ...]:
    return tuple(_named(list(categories), dimension, text))


def _named(categories: list[str], dimension: tuple[str, str], text: str) -> list[int]:
    """The positions of the `categories` (one line of a table along `dimension`, its name and
    label) that `text` names (module docstring): along a dimension of age, the bands that make
    up each band the text names ("aged under 5 or aged 11 to 15"; none if one is not made up
    of the line's bands); otherwise each category whose words stand together in the text,
    with "A or B C" read as "A C or B C"."""
    if is_age_dimension(*dimension):
        found: list[int] = []
        for band in age_bands_in(text):
            tiles = _tiling(categories, band)
            if tiles is None:
                return []
            found += tiles
        return sorted(set(found))
    said = words(_spelt_out(text))
    return [i for i, c in enumerate(categories) if stands_in(said, words(core(c)))]
