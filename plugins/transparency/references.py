"""The narrative's reference syntax: `{{ name }}`, `{{ change name }}`, `{{ table name }}` ...

Parsing and checking work on the Markdown text with line numbers; rendering works on
published periods only.
"""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .printed import SPOKEN
from .problems import Problems
from .published import PublishedMetric, PublishedPeriod, PublishedSite, Value

REFERENCE_RE = re.compile(r"\{\{(.*?)\}\}")
CURLY_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'",
                              "\u2019": "'"})
INLINE_KINDS = ("value", "change", "previous", "target")
BLOCK_KINDS = ("table", "chart", "trend")
KINDS = (*INLINE_KINDS, *BLOCK_KINDS)
CHART_TYPES = ("bar", "line")
CHART_OPTIONS = ("type", "title")
EDITING_DOC = "docs/editing.md"


@dataclass(frozen=True)
class Reference:
    kind: str
    name: str
    line: int
    text: str
    options: dict[str, str] = field(default_factory=dict)


def _close(word: str, options: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def parse(text: str, file: Path, problems: Problems) -> list[Reference]:
    """Find every reference; report malformed ones with their line."""
    refs: list[Reference] = []
    lines = text.splitlines()
    for lineno, line in enumerate(lines, start=1):
        if "{{" in REFERENCE_RE.sub("", line):
            problems.add(file, "a reference opens with '{{' but does not close with '}}' on the "
                         "same line", "write the whole reference on one line", line=lineno)
        for match in REFERENCE_RE.finditer(line):
            # Word and most editors turn straight quotes into curly ones: read them as quotes.
            inner = match.group(1).strip().translate(CURLY_QUOTES)
            try:
                words = shlex.split(inner)
            except ValueError:
                problems.add(file, f"the reference '{match.group(0)}' has an unclosed quote",
                             'close the quote, e.g. title="Placements"', line=lineno)
                continue
            if not words:
                problems.add(file, "the reference '{{ }}' is empty", "put a name inside, e.g. "
                             "{{ children_in_care }}", line=lineno)
                continue
            if len(words) == 1 and "=" not in words[0]:
                kind, name, rest = "value", words[0], []
            else:
                kind, rest = words[0], words[2:] if len(words) > 1 else []
                name = words[1] if len(words) > 1 else ""
                if kind not in KINDS:
                    problems.add(file, f"'{kind}' is not a kind of reference{_close(kind, list(KINDS))}",
                                 f"use one of: {', '.join(KINDS)} (see {EDITING_DOC})", line=lineno)
                    continue
                if not name or "=" in name:
                    problems.add(file, f"the reference '{match.group(0)}' has no name",
                                 f"write '{{{{ {kind} name }}}}'", line=lineno)
                    continue
            options: dict[str, str] = {}
            bad = False
            for word in rest:
                key, eq, value = word.partition("=")
                allowed = CHART_OPTIONS if kind == "chart" else ("title",) if kind == "trend" else ()
                if not eq or key not in allowed:
                    problems.add(file, f"'{word}' is not an option of a {kind} reference",
                                 f"chart references take {', '.join(CHART_OPTIONS)}; trend "
                                 "references take title", line=lineno)
                    bad = True
                    continue
                options[key] = value
            if kind == "chart" and options.get("type", "bar") not in CHART_TYPES:
                problems.add(file, f"'{options['type']}' is not a chart type",
                             f"use one of: {', '.join(CHART_TYPES)}", line=lineno)
                bad = True
            if kind in BLOCK_KINDS and line.strip() != match.group(0):
                problems.add(file, f"a {kind} reference must stand alone on its line",
                             "put it on its own line with a blank line above and below",
                             line=lineno)
                bad = True
            elif kind in BLOCK_KINDS and not _blank_around(lines, lineno):
                problems.add(file, f"a {kind} reference must be a paragraph of its own",
                             "leave a blank line above and below it", line=lineno)
                bad = True
            if not bad:
                refs.append(Reference(kind, name, lineno, match.group(0), options))
    return refs


def _blank_around(lines: list[str], lineno: int) -> bool:
    before = lines[lineno - 2] if lineno >= 2 else ""
    after = lines[lineno] if lineno < len(lines) else ""
    return not before.strip() and not after.strip()


def check(refs: list[Reference], period: PublishedPeriod, file: Path, problems: Problems,
          site: PublishedSite | None = None) -> None:
    """Check every reference names something the period offers, used the right way."""
    names = period.names()
    for ref in refs:
        if ref.kind == "trend":
            _check_trend(ref, period, file, problems, site)
            continue
        what = names.get(ref.name)
        if what is None:
            problems.add(file, f"'{ref.name}' is not a name in {period.key}"
                         f"{_close(ref.name, list(names))}",
                         f"run 'invoke catalogue {period.key}' to list the names", line=ref.line)
            continue
        if ref.kind in BLOCK_KINDS and what not in ("table", "comparator"):
            problems.add(file, f"'{ref.name}' is a {what}, not a table",
                         f"{ref.kind} references take a table name", line=ref.line)
        elif ref.kind in INLINE_KINDS and what in ("table", "comparator"):
            problems.add(file, f"'{ref.name}' is a table", f"use '{{{{ table {ref.name} }}}}' on a "
                         "line of its own", line=ref.line)
        elif ref.kind in INLINE_KINDS and what in ("metric", "figure") and period.values[ref.name].sensitive:
            problems.add(file, f"'{ref.name}' comes from a sensitive breakdown; the narrative may "
                         "not give figures for it", "remove the reference; the table, with its "
                         "stricter suppression, may be shown with {{ table ... }}", line=ref.line)
        elif ref.kind in ("value", "change", "previous") and what == "target":
            if ref.kind != "value":
                problems.add(file, f"'{ref.name}' is a target, which has no {ref.kind}",
                             f"use '{{{{ {ref.name} }}}}'", line=ref.line)
        elif ref.kind in ("change", "previous"):
            change = period.values[ref.name].change
            if period.previous is None:
                problems.add(file, f"'{ref.kind} {ref.name}': {period.key} has no previous period",
                             "set 'previous:' in period.yaml, or remove the reference",
                             line=ref.line)
            elif change is None:
                problems.add(file, f"'{ref.name}' does not exist in the previous period "
                             f"({period.previous})", "use the same name in both periods' data, "
                             "or remove the reference", line=ref.line)
            elif not change.comparable:
                problems.add(file, f"'{ref.name}' cannot be compared with {period.previous}: "
                             f"{change.reason}", "remove the reference; the page says the figures "
                             "are not comparable", line=ref.line)
        elif ref.kind == "target" and (what != "metric" or period.values[ref.name].target is None):
            problems.add(file, f"'{ref.name}' has no target", "give the metric a 'target:' in "
                         "period.yaml, or remove the reference", line=ref.line)


def _check_trend(ref: Reference, period: PublishedPeriod, file: Path, problems: Problems,
                 site: PublishedSite | None) -> None:
    if ref.name not in period.values:
        problems.add(file, f"'{ref.name}' is not a metric or figure of {period.key}"
                     f"{_close(ref.name, list(period.values))}",
                     "a trend follows a metric or figure through the report's periods",
                     line=ref.line)
        return
    if site is None:
        return
    held = [p for p in site.by_report(period.report) if p.end <= period.end and ref.name in p.values]
    if len(held) < 2:
        problems.add(file, f"'{ref.name}' exists in only one {period.report} period up to "
                     f"{period.period}, so there is no trend to draw",
                     "use the same name in earlier periods' data, or remove the reference",
                     line=ref.line)


def spoken_symbol(symbol: str, css: str = "app-symbol") -> str:
    """A symbol as the page shows it ([c]) and as a screen reader says it ("hidden to protect
    privacy"): the bracketed symbol is hidden from assistive technology, the words on screen."""
    return (f'<span class="{css}"><span aria-hidden="true">[{html.escape(symbol)}]</span>'
            f'<span class="app-visually-hidden"> {html.escape(SPOKEN[symbol])}</span></span>')


REVISED_HTML = " " + spoken_symbol("r", "app-revised")


def symbol_html(value: Value) -> str:
    """A published value in HTML: its number ('1,446', with [r] where revised) or its
    symbol, spoken in words (spoken_symbol)."""
    if value.number is not None:
        return html.escape(value.text()) + (REVISED_HTML if value.revised else "")
    return spoken_symbol(value.symbol)


def hides(ref: Reference, period: PublishedPeriod) -> bool:
    """Whether an inline reference shows a hidden number ([c]) on the page: a hidden figure
    (`value`), a hidden previous value (`previous`), or a change either end of which is
    hidden. False for block references, targets and names the period does not have (those
    are reported by check())."""
    metric = period.values.get(ref.name)
    if ref.kind not in INLINE_KINDS or ref.kind == "target" or metric is None:
        return False
    if ref.kind == "value":
        return ref.name not in period.targets and metric.value.suppressed
    if ref.kind == "previous":
        return _previous_hidden(metric)
    return metric.value.suppressed or _previous_hidden(metric)


def _previous_hidden(metric: PublishedMetric) -> bool:
    change = metric.change
    return (change is not None and change.previous_value is not None
            and change.previous_value.suppressed)


def hidden_names(period: PublishedPeriod) -> tuple[str, ...]:
    """The names an inline reference could show as [c] in this period (its value, or its
    previous value, hidden): what `hides` depends on, sorted."""
    return tuple(sorted(name for name, metric in period.values.items()
                        if metric.value.suppressed or _previous_hidden(metric)))


def render_inline(ref: Reference, period: PublishedPeriod) -> str:
    if ref.name in period.targets and ref.kind == "value":
        return html.escape(period.targets[ref.name].text)
    metric = period.values[ref.name]
    mark = ' data-disclosure="count"' if metric.of_people else ""
    if ref.kind == "value":
        return f'<span class="app-ref"{mark}>{symbol_html(metric.value)}</span>'
    if ref.kind == "target":
        assert metric.target is not None
        return html.escape(metric.target.text)
    change = metric.change
    assert change is not None and change.previous_value is not None
    if ref.kind == "previous":
        return f'<span class="app-ref"{mark}>{symbol_html(change.previous_value)}</span>'
    return f'<span class="app-ref">{html.escape(change.words(metric.value))}</span>'


def substitute(text: str, refs: list[Reference], period: PublishedPeriod,
               render_block: Callable[[Reference, PublishedPeriod], str]) -> tuple[str, dict[str, str]]:
    """Replace inline references with HTML and block references with placeholders
    (returned separately, to be swapped in after Markdown)."""
    by_line: dict[int, list[Reference]] = {}
    for ref in refs:
        by_line.setdefault(ref.line, []).append(ref)
    blocks: dict[str, str] = {}
    lines = text.splitlines()
    for lineno, line_refs in by_line.items():
        line = lines[lineno - 1]
        for ref in line_refs:
            if ref.kind in BLOCK_KINDS:
                token = f"APPBLOCK{len(blocks):04d}X"
                blocks[token] = render_block(ref, period)
                line = line.replace(ref.text, token, 1)
            else:
                line = line.replace(ref.text, render_inline(ref, period), 1)
        lines[lineno - 1] = line
    return "\n".join(lines) + "\n", blocks


def swap_blocks(html_text: str, blocks: dict[str, str]) -> str:
    for token, block in blocks.items():
        html_text = html_text.replace(f"<p>{token}</p>", block).replace(token, block)
    return html_text
