"""The reference tables of the docs, generated from the declarations they document.

docs/data-format.md's field tables come from schema.py and docs/settings.md's settings table from
settings.py, so the docs and the code cannot drift: each table sits between marker comments,

    <!-- table: schema figures -->
    | field | ... |
    <!-- /table -->

and `invoke docs` (or `python -m transparency.doctables FILE ...`) rewrites what is between them;
tests/test_docs.py fails when a file differs from what this module would write. Independent of
Pelican.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from . import schema
from .settings import SETTINGS, Setting

MARKER = re.compile(r"(<!-- table: ([a-z_. ]+) -->\n)(.*?)(<!-- /table -->)", re.DOTALL)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _setting_default(setting: Setting) -> str:
    return setting.doc_default or f"`{setting.default!r}`"


def settings_table() -> str:
    """The TRANSPARENCY settings, their defaults and help, as docs/settings.md shows them."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {_cell(_setting_default(s))} | {_cell(s.help)} |" for s in SETTINGS]
    return "\n".join(rows) + "\n"


def relations_table() -> str:
    """Every relation kind's fields, one table, as docs/data-format.md's Relations shows them."""
    rows = ["| kind | field | type | required | default | meaning | `invoke new` writes |",
            "|---|---|---|---|---|---|---|"]
    for kind, section in schema.RELATIONS.items():
        for f in schema.section(section.name).fields:
            rows.append(f"| `{kind}` | `{f.name}` | {_cell(schema.type_words(f))} | "
                        f"{_cell(schema.required_words(f))} | {schema.default_words(f)} | "
                        f"{_cell(f.help)} | {schema.RENEW_WORDS[f.renew]} |")
    return "\n".join(rows) + "\n"


def generator(name: str) -> Callable[[], str]:
    """What writes the table a marker names: 'settings', 'relations' or 'schema <section>'."""
    if name == "settings":
        return settings_table
    if name == "relations":
        return relations_table
    kind, _, section = name.partition(" ")
    if kind == "schema" and section in schema.SCHEMA:
        return lambda: schema.markdown_table(section)
    raise KeyError(f"no table is generated for '{name}'")


def tables_in(text: str) -> list[str]:
    """The names of the generated tables a document holds, in order."""
    return [match.group(2) for match in MARKER.finditer(text)]


def regenerate(text: str) -> str:
    """The document with every generated table written anew from its declaration."""
    return MARKER.sub(lambda m: m.group(1) + generator(m.group(2))() + m.group(4), text)


def main(paths: list[str]) -> int:
    """Rewrite the generated tables of each file; print the files that changed."""
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        new = regenerate(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
