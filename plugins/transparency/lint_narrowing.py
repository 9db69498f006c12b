"""The narrowing-words rule of the narrative lint: words that compare or size a number the
page hides ("the same as last year", "fewer than", "halved"), in a sentence that shows a
hidden figure or names a hidden cell in words, and in the sentence after it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .category_words import SYNONYMS
from .lint_findings import Lint, LogEntry, add_problem, in_page, snippet_at
from .reader_text import REF_HIDDEN, Passage

# Words that compare or size a number: beside a hidden one they narrow it ("{{ remand }},
# the same as last year", "fewer than the year before", "only {{ remand }}", "about a tenth";
# not "for the same reason", "the same months of 2015").
NARROWING = re.compile(
    r"\b(?:same(?!\s+(?:reason|way|day|date|time|months?|period|place|kind|type|source|"
    r"definition|rules?)\b)|equal(?:led|s)?|unchanged|identical|similar|steady|stable|as\s+many|"
    r"more|most|majority|fewer|fewest|less|least|minority|higher|highest|lower|lowest|"
    r"larger|largest|smaller|smallest|bigger|biggest|greater|greatest|small|tiny|"
    r"doubled?|doubling|twice|half|halved|trebled|tripled|"
    r"rose|risen|rises?|rising|increas\w*|fell|fall(?:en|ing|s)?|decreas\w*|drop(?:ped|s)?|"
    r"up|down|only|just|all|none|no|every|each|few|handful|single|nearly|almost|around|"
    r"about|roughly|approximately|over|under|above|below|exceed\w*|between|within|"
    r"hidden\s+because|too\s+(?:small|few|low))\b", re.IGNORECASE)
# Where a sentence names a hidden category in words (as any sentence about a [c] may), only
# the words that compare or size a number: not the common words the list above also reads
# beside a [c] ("all", "each", "about", "up", "under"), nor those that say only what [c]
# says ("hidden because it is small").
# Verbs of a number moving that news writing uses ("climbed by 20", "jumped", "slumped"; red
# team 14).
MOVED = (r"climb\w*|jump\w*|soar\w*|surg(?:e|ed|es|ing)|plummet\w*|slump\w*|dipped|"
         r"shr[ai]nk\w*|shrunk|tumbl\w*|doubl\w*|"
         # A rank orders a number among the others ("came fourth, behind adoption"; red team 16).
         # Not "behind" ("the issues behind them"), nor "ahead" alone.
         r"second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|ranked|ranking|"
         r"followed\s+by|ahead\s+of")
# Words that rank one category among the others of its line: said of a shown category they
# still bound the hidden ones ("adoption was the third most common reason": the two hidden
# reasons are at most adoption's; red team 16).
# Not "at least", nor a fraction ("a third of").
RANKS = re.compile(r"\b(?:(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(?!\s+of\b)|"
                   r"(?<!at\s)least|fewest|smallest|lowest|ahead\s+of|followed\s+by|ranked|"
                   r"ranking|came\s+(?:first|next|last))\b", re.IGNORECASE)
NARROWING_NAMED = re.compile(
    r"\b(?:same(?!\s+(?:reason|way|day|date|time|months?|period|place|kind|type|source|"
    r"definition|rules?)\b)|equal(?:led|s)?|unchanged|identical|similar|steady|stable|as\s+many|"
    r"more|most|majority|fewer|fewest|less|least|minority|higher|highest|lower|lowest|"
    r"larger|largest|smaller|smallest|bigger|biggest|greater|greatest|"
    r"doubled?|doubling|twice|half|halved|halving|trebled|tripled|quartered|"
    r"rose|risen|rises?|rising|increas\w*|fell|fall(?:en|ing|s)?|decreas\w*|drop(?:ped|s)?|"
    r"only|few|handful|single|nearly|almost|roughly|approximately|exceed\w*|"
    r"reduc\w*|declin\w*|grew|grow(?:n|s|ing|th)?|" + MOVED + r")\b"
    # A percentage sizes the category it is of ("0.3% of children in care were on remand"),
    # and "up"/"down" before a number or "on"/"from" compare it ("down 37.5% on 2021/22";
    # red team 12).
    r"|(?<![\w.])\d[\d,]*(?:\.\d+)?\s*%|\bper\s?cent\b|\bpercent\b"
    r"|\b(?:up|down)(?=\s+(?:by\s+)?(?:\d|(?:on|from)\b))",
    re.IGNORECASE)
# Where a sentence names a category hidden in another period (one it can compare with: "remand
# doubled over the year"), the words that compare two numbers; not those that size one
# among its own period's ("the most common", "only"), which say nothing of another period;
# nor "falls short" (of a standard: a grade's definition).
NARROWING_OTHER = re.compile(
    r"\b(?:same(?!\s+(?:reason|way|day|date|time|months?|period|place|kind|type|source|"
    r"definition|rules?)\b)|equal(?:led|s)?|unchanged|identical|similar|steady|stable|as\s+many|"
    r"more|fewer|less|higher|lower|larger|smaller|bigger|greater|"
    r"doubled?|doubling|twice|half|halved|halving|trebled|tripled|quartered|"
    r"rose|risen|rises?|rising|increas\w*|fell|fall(?:en|ing|s)?(?!\s+(?:well\s+|far\s+)?short)|"
    r"decreas\w*|drop(?:ped|s)?|exceed\w*|reduc\w*|declin\w*|grew|grow(?:n|s|ing|th)?|"
    + MOVED + r")\b"
    r"|\b(?:up|down)(?=\s+(?:by\s+)?(?:\d|(?:on|from)\b))", re.IGNORECASE)
# Which list of words is read where a sentence is watched for two reasons.
_STRENGTH = {NARROWING.pattern: 3, NARROWING_NAMED.pattern: 2, NARROWING_OTHER.pattern: 1}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words of a category label too common to name it: "Other", "Not known", "Children in care"
# and "Does not give views" are named by none of these words.
GENERIC_WORDS = frozenset("""
    a an the and or of in on at to for with by from as not no any all other others another
    known unknown stated recorded total totals number numbers count children child young
    people person persons care looked after year years aged age ages group groups category
    categories including excluding who were was is are has have had being been their its
    missing information data none some more most less than under over yes does did do done
    can could would should will may might be this that these those there them they it he she
    his her we our you your which what when where how why then also only very into out up
    down off about through between within before after since until per each every one
    """.split())


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a passage with where each starts: split after ".", "!" or "?"."""
    out, start = [], 0
    for end in SENTENCE_END.finditer(text):
        out.append((start, text[start:end.start()]))
        start = end.end()
    return [*out, (start, text[start:])]


# A category that is what is left of the others: named by no words of its own.
RESIDUAL_WORDS = frozenset({"other", "others", "another", "any", "all", "not", "no", "none",
                            "unknown", "missing", "remaining", "rest", "various", "miscellaneous"})


def _label_phrases(label: str) -> list[str]:
    """How a sentence can name a category. Of "Group – detail" the detail names it. Its
    words not in GENERIC_WORDS name it (what is left of the others names nothing: "Other
    placement"): the one such word a label has ("Remand", "on remand" of "Children in care
    on remand"); of two to four, each run of the label's words from one to another ("placed
    for adoption", "emergency protection" of "Emergency protection order"); of more, each
    run that holds three. A label without a word of letters among them names nothing ("Not
    known", "1 to 4")."""
    first = re.findall(r"[\w'’]+", label.lower())[:1]
    if not first or first[0] in RESIDUAL_WORDS:
        return []
    specific = re.split(r"\s[–—-]\s|:\s", label)[-1]
    words = re.findall(r"[\w'’]+", specific.lower())
    content = [i for i, w in enumerate(words)
               if w not in GENERIC_WORDS and (len(w) > 2 or w.isdigit())]
    if not any(words[i].isalpha() for i in content):
        return []
    whole = " ".join(words)  # the label itself, its own words ("More than one placement")
    if len(content) == 1:
        return sorted({whole, words[content[0]]}, key=len, reverse=True)
    span = 2 if len(content) <= 4 else 3
    return sorted({whole} | {" ".join(words[content[n]:content[m] + 1])
                             for n in range(len(content))
                             for m in range(n + span - 1, len(content))}, key=len, reverse=True)


# The endings a word of a label sheds to find its stem ("remanded" -> "remand", "adoption"
# -> "adopt", "abuse" -> "abus"), longest first, and those any form of it may end with
# ("remand" names "remands", "remanded", "remanding"; "Adopted" names "adoption"). Not "s"
# after s, u or i ("class", "status", "analysis"), and never below four letters.
_SHED = ("ings", "ing", "ions", "ion", "ied", "ies", "ed", "es", "s", "e")
_FORMS = r"(?:e|es|s|ed|d|ing|ings|er|ers|ion|ions|ly)?"


def _stem(word: str) -> str:
    for ending in _SHED:
        stem = word[:-len(ending)]
        if word.endswith(ending) and len(stem) >= 4 and not (
                ending == "s" and stem[-1] in "sui"):
            return stem + "y" if ending in ("ied", "ies") else stem
    return word


def _word_form(word: str) -> str:
    """A regular expression for `word` and its forms: its stem, a doubled last consonant
    ("planned"), then an ending of _FORMS; a stem ending in y also as "-ies", "-ied". A
    careful suffix rule rather than a stemming library: the labels are a council's own short
    category names, the forms prose gives them are regular English inflections, and a rule
    this small is read and tested here (a stemmer's over-reach, "general" for "generous",
    would watch sentences about something else)."""
    if word in SYNONYMS:  # "girls" names Female (category_words.SYNONYMS)
        return "(?:" + "|".join(map(re.escape, SYNONYMS[word])) + ")"
    if not word.isalpha() or len(word) < 5:
        return re.escape(word)  # "plan", "care": too short to tell a form from another word
    stem = _stem(word)
    forms = re.escape(stem)
    if stem[-1] not in "aeiouy":
        forms += re.escape(stem[-1]) + "?"
    out = forms + _FORMS
    if stem.endswith("y"):
        out = f"(?:{out}|{re.escape(stem[:-1])}i(?:es|ed))"
    return out


def _phrase_pattern(label: str, whole: bool = False) -> re.Pattern[str] | None:
    """The phrases of a label (_label_phrases; with `whole`, only the label's own words, or
    those of its detail), each word in any of its forms (_word_form): "remanded" and
    "remands" name Remand as "remand" does (a red team's "Half as many young people were
    remanded …" went unwatched)."""
    phrases = _label_phrases(label)
    if not phrases:
        return None
    if whole:
        specific = re.split(r"\s[–—-]\s|:\s", label)[-1]
        phrases = [" ".join(re.findall(r"[\w'’]+", specific.lower()))]
    return re.compile(r"(?<![\w'’])(?:" + "|".join(
        r"\W+".join(_word_form(w) for w in p.split()) for p in phrases) + r")(?![\w'’])",
        re.IGNORECASE)


_PATTERNS: dict[tuple[str, bool], re.Pattern[str] | None] = {}


def _pattern(label: str, whole: bool = False) -> re.Pattern[str] | None:
    if (label, whole) not in _PATTERNS:
        _PATTERNS[label, whole] = _phrase_pattern(label, whole)
    return _PATTERNS[label, whole]


def hidden_category_named(text: str, cells: frozenset[tuple[str, ...]], whole: bool = False
                          ) -> list[tuple[int, int]] | None:
    """Where `text` names a hidden cell (`cells`: each the categories of a cell the period
    hides): the spans of its words when it names every category of one cell, or None. A cell
    with a category no words name ("Other") is never named. With `whole`, a category is
    named only by all its words (or its detail's: "no care plan", not "plan")."""
    for cell in sorted(cells):
        patterns = [_pattern(category, whole) for category in cell]
        if not cell or any(p is None for p in patterns):
            continue
        found = [p.search(text) for p in patterns if p is not None]
        if all(found):
            return [m.span() for m in found if m is not None]
    return None


def _named_in(sentence: str, watched: Mapping[str, frozenset[tuple[str, ...]]],
              own: str) -> tuple[list[tuple[int, int]], str] | None:
    """The words of `sentence` that name a cell hidden in one of the `watched` periods (the
    passage's own period `own` first), and how a message names that period. A cell hidden in
    another period is named only by all the words of its categories ("remand", "no care
    plan"): text beside one period's figures compares another's by its full name ("remand
    doubled over the year"), and a common word of a long label ("plan") names nothing there."""
    for key in sorted(watched, key=lambda k: (k != own, k)):
        named = (hidden_category_named(sentence, watched[key], whole=key != own or not own)
                 if watched[key] else None)
        if named:
            return named, "this period" if key == own and own else key
    return None


def narrowing_words(passage: Passage, lint: Lint,
                    hidden_labels: Mapping[str, frozenset[tuple[str, ...]]] | None = None) -> None:
    """Words that compare or size ("the same as last year", "fewer than", "only", "halved")
    a number the page hides tell a reader more about it than [c] does: a problem, unless a
    reviewed mark ends the sentence that holds them. They are looked for in a sentence that
    shows a hidden number ({{ name }} rendering [c]) and in a sentence that names, in words,
    the category of a cell hidden in a period the text can refer to (`hidden_labels`, per
    period key: "on remand"; lint.Knowns.watched_labels says which periods), and in the
    sentence after each ("That is half the number a year earlier.")."""
    if passage.label:
        return
    parts = sentences(passage.text)
    # Sentence index -> (the words looked for, what they would size or compare).
    watched: dict[int, tuple[re.Pattern[str], str]] = {}
    # The words that name a hidden category are not words about it ("More than one placement").
    naming: dict[int, list[tuple[int, int]]] = {}
    for index, (_, sentence) in enumerate(parts):
        named = _named_in(sentence, hidden_labels, passage.period) if hidden_labels else None
        if named:
            naming[index] = named[0]
        if REF_HIDDEN in sentence:
            about = "a figure this page hides ([c])"
            words = NARROWING
        elif named:
            about = "'" + " … ".join(sentence[a:b] for a, b in named[0]) + \
                f"', which {named[1]} hides ([c])"
            words = NARROWING_NAMED if named[1] == "this period" else NARROWING_OTHER
        else:
            continue
        for watched_index in (index, index + 1):
            # The longest list wins: a sentence showing a [c] after one that names another
            # period's category is read with every word that narrows a [c].
            if watched_index < len(parts) and (watched_index not in watched or _STRENGTH[
                    words.pattern] > _STRENGTH[watched[watched_index][0].pattern]):
                watched[watched_index] = (words, about)
    for index, (words, about) in sorted(watched.items()):
        start, sentence = parts[index]
        for a, b in naming.get(index, ()):
            sentence = sentence[:a] + " " * (b - a) + sentence[b:]
        found = words.search(sentence)
        if found is None:
            continue
        word = found.group(0)
        at = start + found.start()
        occurrence = len(_word_in(word).findall(passage.text[:at]))
        line = (_line_of_sentence(passage, word, parts[index][1])
                or passage.locate(word, occurrence) or passage.locate(word))
        snippet = snippet_at(passage.text, at, start + found.end())
        if line is not None and passage.covers(line, word):
            lint.log.append(LogEntry(passage.file, line, snippet, "reviewed",
                                     passage.reviewed[line]))
            continue
        add_problem(lint, passage, f"'{snippet}'{in_page(passage)}: '{word}' sizes or compares {about}, "
             "and tells a reader more about it than [c] does",
             "write the sentence without words that compare or size the hidden figure, or "
             "leave the figure out of it and the sentence after it; if the words are about "
             "something else, end the sentence with '<!-- reviewed: your reason -->'",
             line or passage.line)


def _word_in(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)


def _line_of_sentence(passage: Passage, word: str, sentence: str) -> int | None:
    """The source line of `word` in `sentence` where the passage is one of several in its
    block (a list item of a list: its source lines hold the word more often than its text
    does): the line holding the word that shares most words with the sentence, or None."""
    pattern = _word_in(word)
    held = [(number, text) for number, text in passage.lines if pattern.search(text)]
    in_lines = sum(len(pattern.findall(text)) for _, text in passage.lines)
    if len(held) < 2 or in_lines <= len(pattern.findall(passage.text)):
        return None
    words = set(re.findall(r"\w+", sentence.lower()))
    scored = sorted(((len(words & set(re.findall(r"\w+", text.lower()))), -number, number)
                     for number, text in held), reverse=True)
    return scored[0][2] if scored[0][0] > scored[1][0] else None
