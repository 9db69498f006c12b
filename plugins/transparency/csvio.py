"""How the site's CSV downloads are encoded: one rule for every file, written here once.

Downloads are UTF-8 with a byte-order mark. Excel (the program most councillors and
journalists double-click a CSV into) reads a CSV as the Windows code page unless the file
starts with the mark, so "Asian/British Asian – Bangladeshi" would show as "â€“". R's
`readr`, pandas (`encoding="utf-8-sig"`), LibreOffice and frictionless read the mark and drop
it. The data package declares each file's encoding as `utf-8-sig`, the name under which
Python's codecs and frictionless-py describe UTF-8 with a mark, so opening a file with its
declared encoding gives the schema's field names exactly (the output audit checks this).
"""

from __future__ import annotations

from pathlib import Path

CSV_ENCODING = "utf-8-sig"
"""The encoding of every CSV download, as the data package declares it."""


def write_csv_text(path: Path, text: str) -> Path:
    """Write CSV `text` (already formatted, "\\n" line ends) to `path` as CSV_ENCODING,
    making its folder. Returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=CSV_ENCODING, newline="")
    return path
