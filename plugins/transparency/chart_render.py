"""Render Vega-Lite specs to accessible SVG: cached by content hash, in parallel.

vl-convert hangs if a process that has used it forks, so workers are started with the
'spawn' method and only workers render when a pool is used.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import multiprocessing
import re
from collections.abc import Hashable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .cache import write_atomic

POOL_THRESHOLD = 6  # below this many charts, the pool's start-up costs more than it saves


@functools.cache
def _drawer() -> str:
    from importlib import metadata

    return metadata.version("vl-convert-python")


def spec_hash(spec: dict[str, Any]) -> str:
    """A drawn chart's name in the caches: its spec and the version of vl-convert (which
    draws it), hashed."""
    return hashlib.sha256((json.dumps(spec, sort_keys=True) + _drawer()).encode()).hexdigest()[:20]


def _render(spec: dict[str, Any]) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def _render_many(specs: list[dict[str, Any]]) -> list[str]:
    return [_render(s) for s in specs]


@dataclass
class RenderStats:
    rendered: int = 0
    cached: int = 0
    workers: int = 1


# A chart's key: whatever the caller names its specs by (chart_pages: chart and variant).
Key = TypeVar("Key", bound=Hashable)


def render_all(specs: dict[Key, dict[str, Any]], cache_dir: Path | None,
               workers: int = 2, memory: dict[str, str] | None = None,
               ) -> tuple[dict[Key, str], RenderStats]:
    """SVG for every spec, keyed as given. Unchanged specs come from the cache: `memory`
    (spec hash -> SVG, kept by a long-lived process and added to here), then `cache_dir`."""
    stats = RenderStats()
    out: dict[Key, str] = {}
    todo: dict[Key, tuple[str, dict[str, Any]]] = {}
    for key, spec in specs.items():
        digest = spec_hash(spec)
        path = cache_dir / f"{digest}.svg" if cache_dir else None
        if memory is not None and digest in memory:
            out[key] = memory[digest]
            stats.cached += 1
        elif path is not None and path.is_file():
            out[key] = path.read_text(encoding="utf-8")
            stats.cached += 1
            if memory is not None:
                memory[digest] = out[key]
        else:
            todo[key] = (digest, spec)
    if todo:
        keys = list(todo)
        payload = [todo[k][1] for k in keys]
        if len(payload) >= POOL_THRESHOLD and workers > 1:
            import vl_convert

            stats.workers = workers
            context = multiprocessing.get_context("spawn")
            # The worker function is vl-convert's own, so workers need nothing of ours on
            # their import path.
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                svgs = list(pool.map(vl_convert.vegalite_to_svg, payload,
                                     chunksize=max(1, len(payload) // (workers * 4))))
        else:
            svgs = _render_many(payload)
        for key, svg in zip(keys, svgs, strict=True):
            out[key] = svg
            stats.rendered += 1
            if memory is not None:
                memory[todo[key][0]] = svg
            if cache_dir is not None:
                write_atomic(cache_dir / f"{todo[key][0]}.svg", svg)
    return out, stats


_ARIA_RE = re.compile(r'\s(aria-label|aria-roledescription|role)="[^"]*"')
# A mark Vega labelled from its description (charts: each bar's or point's tip), as an
# element that closes itself: <path aria-label="Foster care: 561" role="graphics-symbol" .../>
_MARK_RE = re.compile(r'<(\w+)(\s[^<>]*?\srole="graphics-symbol"[^<>]*?)/>')
# ... and a text mark (a value label, or the [c] where a bar is missing): <text ...>[c]</text>
_TEXT_MARK_RE = re.compile(r'<text(\s[^<>]*?\srole="graphics-symbol"[^<>]*)>')
_LABEL_RE = re.compile(r'\saria-label="([^"]*)"')


def _titled(match: re.Match[str]) -> str:
    tag, attributes = match.group(1), match.group(2)
    label = _LABEL_RE.search(attributes)
    if label is None:
        return match.group(0)
    # The label is already escaped as an attribute; as text it needs no more.
    return f"<{tag}{attributes}><title>{label.group(1)}</title></{tag}>"


def _titled_text(match: re.Match[str]) -> str:
    label = _LABEL_RE.search(match.group(1))
    return match.group(0) + (f"<title>{label.group(1)}</title>" if label else "")


def accessible_svg(svg: str, ident: str, title: str, description: str) -> str:
    """Give the SVG a title and description (for tools that read it alone), hide it from
    screen readers (the figure's heading, description and data table carry what it shows),
    and make it scale. Each mark's description becomes its <title>, which browsers show on
    hover, with no script (issue 15: no Vega runtime on the page); the marks' ARIA
    attributes are removed."""
    svg = _TEXT_MARK_RE.sub(_titled_text, _MARK_RE.sub(_titled, svg))
    svg = _ARIA_RE.sub("", svg)
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    # No height:auto here: WeasyPrint reads an SVG's style as attributes, so it would lose the
    # height and print the chart square. main.css scales the height on screen.
    head = re.sub(r'\swidth="([\d.]+)"\sheight="([\d.]+)"',
                  r' width="\1" height="\2" style="max-width:100%"', head, count=1)
    # Hidden from screen readers: the heading above names the figure, and the description
    # and data table under it say what it shows (WAI's "redundant image"), so nothing is
    # read twice and no bar is read as "plotted: 0". <title> and <desc> stay for tools that
    # read the SVG alone.
    head = head.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    inner = (f'<title id="{ident}-title">{html.escape(title)}</title>'
             f'<desc id="{ident}-desc">{html.escape(description)}</desc>')
    return head + inner + svg[head_end:]


def texts_in(svgs: Iterable[str]) -> list[str]:
    """Every text node of the given SVGs (for audits and tests)."""
    found: list[str] = []
    for svg in svgs:
        svg = re.sub(r"<title>[^<]*</title>", "", svg)  # a mark's hover title is not its text
        found.extend(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    return found
