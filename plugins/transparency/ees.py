"""Comparators from the Department for Education's own figures: read an Explore Education
Statistics (EES) open-data file and write a period's `comparators:` from it.

An EES data file is tidy CSV: the time and geography columns first (`time_period`,
`time_identifier`, `geographic_level`, `country_code`, `country_name`, `region_code`,
`region_name`, `new_la_code`, `old_la_code`, `la_name`), then filter columns, then indicator
columns. Its `<name>.meta.csv` says which columns are filters and which indicators, with each
indicator's label and unit. A cell holds a number or one of the DfE's symbols (SYMBOLS), which
are kept as symbols with their meaning, never read as numbers and never dropped.

For each indicator asked for, the comparator gives the council (TRANSPARENCY['LA_CODE']), its
region, its statistical neighbours (TRANSPARENCY['STATISTICAL_NEIGHBOURS'], ten codes: their
figure is the mean of the ten, or `x` with a note where any of them is a symbol) and England,
over the period's year and the two before it (or the years asked for). Every problem is
collected, with the file, row and column and a hint, and nothing is written while any remains.

The comparators go into the period's own period.yaml, the one file the loader reads, each entry
marked with a check of its text: a re-import replaces an entry only while it is exactly as it
was imported, so an officer's edits are never overwritten without `replace=True`.

Independent of Pelican (docs/comparators.md; `invoke comparators`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ees_read import read_release
from .ees_select import comparators_from, council_areas
from .load_fields import PERIOD_FILE, is_placeholder
from .problems import Problems
from .settings import Config
from .yamlio import LinedDict, YamlReadError, read_yaml

MARK = "# Imported by 'invoke comparators' from"
MARK_RE = re.compile(r"^\s*# Imported by 'invoke comparators' from .*\(check ([0-9a-f]{12})\)")
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")
# Sections that come after comparators in period.yaml (docs/data-format.md's order).
AFTER = ("tables", "metrics", "printed", "relations", "revisions")
YAML11_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


@dataclass
class Imported:
    """What an import made: the comparators as period.yaml holds them, every problem found
    (nothing is written while there is one), and what was done to period.yaml."""

    comparators: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    changes: list[str] = field(default_factory=list)
    period_yaml: Path | None = None


def _scalar(text: str) -> str:
    """Text as a YAML scalar: plain where that reads back as the same text, else quoted."""
    if (re.fullmatch(r"[A-Za-z][\w ,'()&./-]*", text) and text.lower() not in YAML11_WORDS
            and not text.endswith(" ")):
        return text
    return json.dumps(text, ensure_ascii=False)


def _item(value: Any) -> str:
    if isinstance(value, str):
        return value  # a symbol: c, x, z, low, u
    return str(value) if isinstance(value, int) else repr(value)


def render_entry(name: str, entry: Mapping[str, Any], indent: int = 2) -> list[str]:
    """The lines of one comparator entry (without its mark), at `indent` spaces."""
    pad, inner = " " * indent, " " * (indent + 2)
    lines = [f"{pad}{name}:"]
    for key, value in entry.items():
        if key == "years":
            lines.append(f"{inner}years: [{', '.join(json.dumps(y) for y in value)}]")
        elif key == "values":
            lines.append(f"{inner}values:")
            for area, items in value.items():
                lines.append(f"{inner}  {_scalar(area)}: [{', '.join(_item(v) for v in items)}]")
        else:
            lines.append(f"{inner}{key}: {_scalar(str(value))}")
    return lines


def _check(lines: Iterable[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class _Section:
    start: int | None  # the `comparators:` line (index), or None when there is none
    end: int  # the index after its last line
    indent: int
    entries: dict[str, tuple[int, int]]  # name -> (first line, end) of its block, mark excluded


def _section(lines: list[str]) -> _Section | str:
    tops = [(i, m.group(1), m.group(2)) for i, line in enumerate(lines)
            if (m := TOP_KEY.match(line))]
    found = [(i, rest) for i, key, rest in tops if key == "comparators"]
    if not found:
        after = next((i for i, key, _ in tops if key in AFTER), len(lines))
        return _Section(None, after, 2, {})
    start, rest = found[0]
    if rest.split("#")[0].strip() not in ("", "{}"):
        return "'comparators:' is written on one line; write its entries as a block, one per line"
    end = next((i for i, _, _ in tops if i > start), len(lines))
    body = [i for i in range(start + 1, end)
            if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    indent = len(lines[body[0]]) - len(lines[body[0]].lstrip()) if body else 2
    heads = [i for i in body if len(lines[i]) - len(lines[i].lstrip()) == indent]
    entries = {}
    for k, head in enumerate(heads):
        nxt = heads[k + 1] if k + 1 < len(heads) else end
        last = max(i for i in body if head <= i < nxt)
        entries[lines[head].strip().split(":")[0].strip("'\"")] = (head, last + 1)
    # A block ends at its last line of content: blank lines and comments after it stay.
    end_of_section = max((b for _, b in entries.values()), default=start + 1)
    return _Section(start, end_of_section, indent, entries)


def _unfilled(block: list[str]) -> bool:
    """Whether an entry is the template `invoke new` carries forward (every value FILL IN):
    nothing in it was typed from a source, so the import fills it in without asking."""
    import textwrap

    import yaml

    try:
        entry = next(iter(yaml.safe_load(textwrap.dedent("\n".join(block))).values()))
        values = [v for vs in entry["values"].values() for v in (vs if isinstance(vs, list)
                                                                 else [vs])]
    except (yaml.YAMLError, AttributeError, KeyError, StopIteration, TypeError):
        return False
    return bool(values) and all(is_placeholder(v) for v in values)


def merge_into(text: str, comparators: Mapping[str, Mapping[str, Any]], source_name: str,
               replace: bool) -> tuple[str, list[str], list[tuple[str, str, str]]]:
    """period.yaml's text with the comparators added or replaced, everything else as it was.
    Returns (new text, what was done, refusals as (name, message, hint)). An entry already
    there is replaced only when it is exactly as an earlier import wrote it, or `replace`."""
    lines = text.splitlines()
    section = _section(lines)
    if isinstance(section, str):
        return text, [], [("comparators", section, "then run the import again")]
    done: list[str] = []
    refused: list[tuple[str, str, str]] = []
    replacements: list[tuple[int, int, list[str]]] = []
    additions: list[str] = []
    for name, entry in comparators.items():
        block = render_entry(name, entry, section.indent)
        mark = f"{' ' * section.indent}{MARK} {source_name} (check {_check(block)})"
        if name in section.entries:
            first, end = section.entries[name]
            current = lines[first:end]
            has_mark = MARK_RE.match(lines[first - 1]) if first > 0 else None
            untouched = has_mark is not None and has_mark.group(1) == _check(current)
            if [line.rstrip() for line in current] == block and untouched:
                done.append(f"comparators.{name}: unchanged")
                continue
            template = not untouched and _unfilled(current)
            if not untouched and not template and not replace:
                how = ("has been edited since it was imported" if has_mark
                       else "was written by hand (or by another tool)")
                refused.append((name, f"comparators.{name} is already in period.yaml and {how}",
                                "to keep it, import this one under another name with --name; to "
                                "replace it with the DfE's figures, run again with --replace"))
                continue
            replacements.append((first - 1 if has_mark else first, end, [mark, *block]))
            done.append(f"comparators.{name}: replaced" + (
                "" if untouched else " (the template 'invoke new' left, with no figure filled "
                "in)" if template else " (it had been edited by hand)"))
        else:
            additions += [mark, *block]
            done.append(f"comparators.{name}: added")
    if refused:
        return text, [], refused
    for first, end, new in sorted(replacements, reverse=True):
        lines[first:end] = new
    if additions:
        # Entries already there stay where they were; new ones go after them.
        at = section.end + sum(len(new) - (end - first) for first, end, new in replacements
                               if first < section.end)
        if section.start is None:
            lines[at:at] = ["comparators:", *additions]
        else:
            if lines[section.start].split("#")[0].strip().endswith("{}"):
                lines[section.start] = "comparators:"
            lines[at:at] = additions
    newline = "\r\n" if "\r\n" in text else "\n"  # as the file has them (Windows editors)
    return newline.join(lines) + newline, done, []


def _period_end(folder: Path, problems: Problems) -> tuple[Path, dt.date | None]:
    path = folder / PERIOD_FILE
    if not path.is_file():
        problems.add(folder, f"there is no period here: {PERIOD_FILE} is missing",
                     "give a period as REPORT/PERIOD, e.g. iro/2022-23; start a new one with "
                     "'invoke new'")
        return path, None
    try:
        data = read_yaml(path)
    except YamlReadError as exc:
        problems.add(path, exc.message, exc.hint, line=exc.line)
        return path, None
    end = data.get("period_end") if isinstance(data, LinedDict) else None
    try:
        return path, dt.date.fromisoformat(str(end))
    except ValueError:
        problems.add(path, "the period has no valid 'period_end', so the years it needs are not "
                     "known", "fill in 'period_end: YYYY-MM-DD', or name the years with --year",
                     line=data.line_of("period_end") if isinstance(data, LinedDict) else None,
                     field="period_end")
        return path, None


def import_comparators(ees_csv: Path, indicators: list[str], filters: dict[str, str],
                       config: Config, period_folder: Path, *, years: Sequence[str] = (),
                       unit: str | None = None, counts: str = "children", name: str | None = None,
                       replace: bool = False, write: bool = True,
                       settings_file: str = "pelicanconf.py") -> Imported:
    """Read an EES data file (and its meta file beside it) and put the comparators for
    `indicators` into the period's period.yaml: the council, its region, its statistical
    neighbours and England, for the period's year and the two before it (or `years`).

    `filters` picks the rows (a filter not given is taken at its Total); `unit` overrides the
    meta file's; `counts` is what a count counts (children or records); `name` names the
    comparator when there is one indicator. Nothing is written while any problem remains,
    nor when `write` is False; an entry already in period.yaml is replaced only when it is as
    an earlier import left it, or with `replace`."""
    result = Imported()
    problems = result.problems
    if counts not in ("children", "records"):
        problems.add("--counts", f"'{counts}' is not what a count of people counts",
                     "use --counts children or --counts records")
    if not indicators:
        problems.add("--indicator", "no indicator is named",
                     "name the indicator column(s) to import: --indicator NAME")
    path, end = _period_end(Path(period_folder), problems)
    result.period_yaml = path
    release = read_release(Path(ees_csv), problems)
    if release is None:
        council_areas(config, settings_file, problems)  # all at once: the settings' problems too
        return result
    comparators = comparators_from(release, indicators, filters, config, years or None, end,
                                   problems, unit=unit, counts=counts, name=name,
                                   settings_file=settings_file)
    if problems:
        return result
    with path.open(encoding="utf-8-sig", newline="") as handle:  # its line endings as they are
        text = handle.read()
    new_text, done, refused = merge_into(text, comparators, release.path.name, replace)
    for entry_name, message, hint in refused:
        problems.add(path, message, hint, field=f"comparators.{entry_name}")
    if problems:
        return result
    if write and new_text != text:
        # Written beside it first, and read back: never leave a period.yaml the loader would
        # read differently from what was imported.
        temporary = path.with_name(f".{path.name}.importing")
        temporary.write_text(new_text, encoding="utf-8", newline="")
        try:
            _check_round_trip(temporary, comparators, problems)
            if problems:
                return result
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    result.comparators, result.changes = comparators, done
    return result


def _check_round_trip(path: Path, comparators: Mapping[str, Mapping[str, Any]],
                      problems: Problems) -> None:
    """The new period.yaml must read back with exactly these comparators."""
    try:
        data = read_yaml(path)
    except YamlReadError as exc:
        problems.add(PERIOD_FILE, f"the updated file would not read as YAML ({exc.message}); "
                     "nothing was written", "report this as a bug, with the file")
        return
    read = data.get("comparators") if isinstance(data, dict) else None
    for name, entry in comparators.items():
        got = read.get(name) if isinstance(read, dict) else None
        if json.loads(json.dumps(got)) != json.loads(json.dumps(entry)):
            problems.add(PERIOD_FILE, f"comparators.{name} would read back differently; nothing "
                         "was written", "report this as a bug, with the file",
                         field=f"comparators.{name}")
