"""Markdown that renders otherwise than its writer sees it, found with the line to fix.

Python-Markdown (what Pelican uses) follows the original Markdown rules, where GitHub and
most editors are looser: a list straight after a sentence, with no blank line, renders as
one paragraph with a literal "- " in it; sub-items indented by two spaces are flattened
into the list above; a heading without a space after '#' is a sentence starting "#". Each
is a problem naming the line and the fix, so nothing the comms team wrote is silently
re-read as something else.
"""

from __future__ import annotations

import re
from pathlib import Path

from .problems import Problems

LIST_ITEM = re.compile(r"^(?P<indent> *)(?:[-*+]|\d{1,9}[.)])\s+\S")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING_NO_SPACE = re.compile(r"^#{1,6}[^#\s]")
TABLE_ROW = re.compile(r"^\s*\|")
DOCS = "docs/editing.md"


def shape_problems(path: Path, text: str, first_body_line: int, problems: Problems) -> None:
    """Add a problem for each list with no blank line above it, each sub-item indented by
    fewer than four spaces, and each '#heading' with no space. `first_body_line` is the
    1-based line where the Markdown starts (after the 'Key: value' metadata)."""
    lines = text.splitlines()
    fenced = False
    previous = ""
    in_list = False
    for number, line in enumerate(lines, start=1):
        if number < first_body_line:
            continue
        if FENCE.match(line):
            fenced = not fenced
            previous = line
            continue
        if fenced or (line.startswith(("    ", "\t")) and not in_list):
            previous = line
            continue
        item = LIST_ITEM.match(line)
        if item and previous.strip() and not in_list and not LIST_ITEM.match(previous) \
                and not TABLE_ROW.match(previous) and not previous.lstrip().startswith(("#", ">")):
            problems.add(path, "this list has no blank line above it, so it would be shown as part "
                         "of the paragraph above, with the '-' signs as text",
                         "leave a blank line between the sentence and the list "
                         f"(see {DOCS})", line=number)
        if item and in_list and 0 < len(item.group("indent")) < 4:
            problems.add(path, "this sub-item is indented by "
                         f"{len(item.group('indent'))} space(s), so it would be shown as an item of "
                         "the list above, not under it", "indent sub-items by four spaces "
                         f"(see {DOCS})", line=number)
        if HEADING_NO_SPACE.match(line):
            problems.add(path, f"'{line[:30]}' has no space after the '#', so it would be shown "
                         "as a sentence, not a heading", "put a space after the #, e.g. "
                         "'## Children in care'", line=number)
        if item:
            in_list = True
        elif line.strip() and not line.startswith(" "):
            in_list = False
        previous = line
