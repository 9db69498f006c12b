"""The narrative skeleton `invoke new` writes for a new period (scaffold.py): the previous
narrative's headings and references, with each paragraph of prose replaced by a "[Write about …]"
prompt. Independent of Pelican."""

from __future__ import annotations

from . import narrative
from .narrative import MAIN_POINTS
from .references import BLOCK_KINDS, REFERENCE_RE


def _block_reference(line: str) -> str:
    """A table, chart or trend reference as it was, less any title: a title states a finding,
    which the new figures may not bear out, so the chart takes its default title."""
    inner = REFERENCE_RE.fullmatch(line.strip())
    assert inner is not None
    words = inner.group(1).split()
    kept = [w for w in words[:2]] + [w for w in words[2:] if w.startswith("type=")]
    return "{{ " + " ".join(kept) + " }}"


def _is_block_reference(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    match = REFERENCE_RE.fullmatch(block[0].strip())
    return match is not None and match.group(1).split()[0] in BLOCK_KINDS


def _topic(heading: str) -> str:
    if not heading:
        return "the introduction"
    words = heading[6:] if heading.lower().startswith("about ") else heading
    if len(words) > 1 and words[1].islower():
        words = words[0].lower() + words[1:]
    return f"about {words}"


def skeleton(text: str, title: str, summary: str) -> str:
    """The previous narrative's structure: its metadata (Title and Summary for the new period),
    headings and table/chart/trend references, with each paragraph, list or quotation replaced
    by a "[Write about …]" prompt that keeps its references to figures."""
    lines = text.splitlines()
    start = narrative.body_start(text)
    meta = _metadata(lines[:start], title, summary)
    out: list[str] = []
    heading = ""
    for block in _blocks(lines[start:]):
        heading = _block_skeleton(block, heading, out)
    # Only a level-2 heading is the page's main points (pages.main_points reads <h2>).
    if not any(line.startswith("## ") and " ".join(line[3:].split()).casefold()
               == MAIN_POINTS.casefold() for line in out):
        # Every report page opens with its main points (pages.main_points): ask for them.
        out[:0] = [f"## {MAIN_POINTS}", MAIN_POINTS_PROMPT]
    body = "\n\n".join(out)
    return ("\n".join(meta) + "\n\n" if meta else "") + body + "\n"


def _metadata(lines: list[str], title: str, summary: str) -> list[str]:
    """The metadata lines, with the new period's Title and Summary."""
    meta = []
    for line in lines:
        key = line.split(":", 1)[0].strip().lower()
        if key == "title":
            meta.append(f"Title: {title}")
        elif key == "summary":
            meta.append(f"Summary: {summary}")
        elif line.strip():
            meta.append(line)
    return meta


def _blocks(lines: list[str]) -> list[list[str]]:
    """The body's blocks: runs of lines between blank lines."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _block_skeleton(block: list[str], heading: str, out: list[str]) -> str:
    """Add one block's skeleton to `out`: its headings, a block reference as it was, or a
    prompt for its prose naming its references (one prompt for a run of prose without any).
    Returns the heading the block ends under."""
    rest = block
    while rest and rest[0].lstrip().startswith("#"):
        hashes, _, words = rest[0].strip().partition(" ")
        heading = words.strip()
        out.append(f"{hashes} {heading}")
        rest = rest[1:]
    if not rest:
        return heading
    if _is_block_reference(rest):
        out.append(_block_reference(rest[0]))
        return heading
    refs: list[str] = []
    for line in rest:
        for match in REFERENCE_RE.finditer(line):
            ref = "{{ " + " ".join(match.group(1).split()) + " }}"
            if ref not in refs:
                refs.append(ref)
    prompt = f"[Write {_topic(heading)}"
    if refs:
        out.append(f"{prompt}, using {', '.join(refs[:-1]) + ' and ' if len(refs) > 1 else ''}"
                   f"{refs[-1]}.]")
    elif not (out and out[-1].startswith(prompt)):  # one prompt for a run of prose
        out.append(f"{prompt}.]")
    return heading


MAIN_POINTS_PROMPT = ("[Write the main points: the few findings that matter most, as a bulleted "
                      "list of one short sentence each, giving figures by reference]")
