"""Tables and comparators of a period.yaml: their declarations, read with their files.

Independent of Pelican.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .load_csv import Workbooks, check_totals, read_table_csv, read_table_sheet, total_like
from .load_entries import check_not_people, read_reason, unit_counts
from .load_fields import FORMAT_DOC, NAME_RE, FieldReader, is_placeholder
from .model import (
    COUNTS,
    PEOPLE,
    TOTAL,
    UNITS,
    Table,
    Where,
)
from .schema import ORDERS, TOTAL_KINDS
from .terms import SOURCE_SYMBOLS, Counts
from .workbook import MAX_SHEET_NAME
from .workbook import SUFFIX as XLSX


def _read_table_file(ctx: FieldReader, folder: Path, file_name: str, dims: list[str], unit: str,
                     name: str, books: Workbooks) -> tuple[pd.DataFrame | None, Path | None, str | None]:
    """The table's frame, its file and (for a workbook) its sheet."""
    path = folder / file_name
    suffix = Path(file_name).suffix.lower()
    sheet = ctx.text("sheet") or None
    if Path(file_name).name != file_name or suffix not in (".csv", XLSX):
        ctx.problem("file", f"'{file_name}' must be a .csv or {XLSX} file name in the period folder",
                    "write just the file name, e.g. placement_type.csv")
        return None, None, None
    if sheet and suffix != XLSX:
        ctx.problem("sheet", "'sheet' is only for tables in an Excel workbook",
                    f"remove it, or name an {XLSX} file")
    if not path.is_file():
        ctx.problem("file", f"the file '{file_name}' does not exist in {folder.name}/",
                    "create it, or correct the file name")
        return None, None, None
    if suffix == ".csv":
        return (read_table_csv(path, dims, unit, ctx.problems) if dims else None), path, None
    sheet = sheet or name
    book = books.open(path, ctx.problems)
    if book is None:
        return None, path, sheet
    books.used[path].add(sheet)
    if sheet not in book.sheetnames:
        long = (f" (Excel sheet names have at most {MAX_SHEET_NAME} characters, so add "
                "'sheet:' with a shorter name)" if len(sheet) > MAX_SHEET_NAME else "")
        ctx.problem("sheet" if "sheet" in ctx.m else "file",
                    f"the workbook '{file_name}' has no sheet named '{sheet}'",
                    f"add the sheet{long}, or name one of its sheets with 'sheet:': "
                    f"{', '.join(book.sheetnames)}")
        return None, path, sheet
    return (read_table_sheet(book, sheet, dims, unit, ctx.problems) if dims else None), path, sheet


def _parse_not_total(ctx: FieldReader) -> dict[str, str]:
    """`not_total: {category: why}`: categories that equal the sum of the rest of their line
    and are not totals."""
    raw = ctx.m.get("not_total")
    if raw is None or is_placeholder(raw):
        return {}
    if not isinstance(raw, Mapping) or not raw or not all(
            isinstance(v, str) and v.strip() for v in raw.values()):
        ctx.problem("not_total", "'not_total' maps each category to why it is not a total",
                    "e.g. not_total: {\"Foster care\": \"a placement type, equal to the others "
                    "by chance\"}")
        return {}
    return {str(k): " ".join(str(v).split()) for k, v in raw.items()}


def parse_table(ctx: FieldReader, name: str, folder: Path,
                books: Workbooks) -> tuple[Table | None, Path | None]:
    """A table of `tables:`, read with its CSV file or sheet; also the file it reads."""
    ctx.unknown_keys()
    base = _table_base(ctx)
    unit, counts = unit_counts(ctx, percent_table=True, has_base=base is not None)
    if unit == "percent" and counts in PEOPLE and base is None:
        ctx.problem("base" if "base" in ctx.m else "counts",
                    f"a percentage table of {counts} needs 'base': the number of {counts} the "
                    "percentages are of", "add 'base:' with that number (or one per category of "
                    "one dimension, see 'Tables' in " + FORMAT_DOC + "), so that the counts the "
                    "percentages stand for are protected; if the source does not give it, "
                    "'base: unknown' hides every cell")
    not_people = read_reason(ctx, "not_people")
    not_total = _parse_not_total(ctx)
    dims, reserved = _table_dimensions(ctx)
    file_name = ctx.text("file")
    title = ctx.text("title")
    collapse = _table_collapse(ctx, dims)
    path = frame = sheet = None
    if file_name:
        frame, path, sheet = _read_table_file(ctx, folder, file_name, list(dims), unit, name, books)
    where = Where(ctx.file, ctx.line())
    if frame is None or reserved:  # a table with an unusable column is not built: its problem says why
        return None, path
    table = Table(name=name, title=title, dimensions=dims, measure=ctx.text("measure"), unit=unit,
                  counts=counts, source=ctx.text("source"), where=where, frame=frame, file=path,
                  date=ctx.date("date"),
                  population=ctx.text("population") or None,
                  note=ctx.text("note"), sensitive=ctx.boolean("sensitive"),
                  collapse=collapse, base=base, sheet=sheet, not_people=not_people,
                  not_total=not_total,
                  order=ctx.choice("order", ORDERS) if "order" in ctx.m else "",
                  total=ctx.choice("total", TOTAL_KINDS) if "total" in ctx.m else "printed")
    _check_table(ctx, table, not_people)
    _check_categories(ctx, table, file_name)
    check_totals(table, ctx.problems)
    return table, path


def _table_base(ctx: FieldReader) -> float | str | dict[str, dict[str, float]] | None:
    """A percentage table's `base`: the number of children its percentages are of, one per
    category of one dimension, 'unknown', or None."""
    base: float | str | dict[str, dict[str, float]] | None = None
    raw_base = ctx.m.get("base")
    unfilled_base = is_placeholder(raw_base) or (isinstance(raw_base, Mapping) and any(
        is_placeholder(n) for v in raw_base.values() if isinstance(v, Mapping) for n in v.values()))
    if unfilled_base:
        base = "unknown"  # reported by report_placeholders; nothing is published meanwhile
    elif isinstance(raw_base, Mapping):
        ok = len(raw_base) == 1 and all(
            isinstance(v, Mapping) and v and all(isinstance(n, int) and not isinstance(n, bool)
                                                 and n > 0 for n in v.values())
            for v in raw_base.values())
        if ok:
            base = {str(d): {str(k): float(n) for k, n in v.items()} for d, v in raw_base.items()}
        else:
            ctx.problem("base", "'base' per category must map one dimension to "
                        "{category: number of children}", "e.g. base: {age_group: {4 to 6: 77}}")
    elif raw_base == "unknown":
        base = "unknown"
    else:
        base = ctx.number("base", whole=True)
    if base is not None and ctx.m.get("unit") != "percent":
        ctx.problem("base", "'base' is only for tables of percentages",
                    "remove it, or set 'unit: percent'")
    return base


def _table_dimensions(ctx: FieldReader) -> tuple[dict[str, str], bool]:
    """A table's dimensions (name to title), and whether one takes a reserved column name."""
    dims_raw = ctx.mapping("dimensions")
    dims: dict[str, str] = {}
    reserved = False
    if dims_raw is not None:
        for dim, label in dims_raw.items():
            if not NAME_RE.match(dim) or dim in RESERVED_COLUMNS:
                ctx.problem("dimensions", f"'{dim}' is not a valid dimension name",
                            "use lower-case snake_case, and none of "
                            f"{', '.join(RESERVED_COLUMNS)} (the engine's own columns)")
                reserved = True
            dims[dim] = str(label)
        if not 1 <= len(dims) <= 3:
            ctx.problem("dimensions", f"a table has 1 to 3 dimensions, not {len(dims)}",
                        "split the table, or move a dimension into separate tables")
    return dims, reserved


def _table_collapse(ctx: FieldReader, dims: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """A table's `collapse`: per dimension, new labels to the old labels they merge."""
    collapse: dict[str, dict[str, list[str]]] = {}
    raw_collapse = ctx.m.get("collapse")
    if raw_collapse is None:
        return collapse
    if not isinstance(raw_collapse, Mapping):
        ctx.problem("collapse", "'collapse' must map a dimension to {new label: [old labels]}",
                    f"see {FORMAT_DOC}")
        return collapse
    for dim, groups in raw_collapse.items():
        if dim not in dims or not isinstance(groups, Mapping) or not all(
                isinstance(v, list) and v for v in groups.values()):
            ctx.problem("collapse", f"'collapse' for '{dim}' must name a dimension and "
                        "map new labels to lists of old labels", f"see {FORMAT_DOC}")
            continue
        collapse[dim] = {str(k): [str(x) for x in v] for k, v in groups.items()}
    return collapse


def _check_table(ctx: FieldReader, table: Table, not_people: str) -> None:
    """What a table's fields say against what its file holds: Total rows worked out, counts
    of no one, a population of people."""
    frame, dims, counts = table.frame, list(table.dimensions), table.counts
    if table.total == "computed" and not (frame[dims] == TOTAL).any().any():
        ctx.problem("total", "'total: computed' says the file's Total rows are worked out, but "
                    "it has none", "remove 'total: computed', or add the Total rows")
    if table.base is None:
        check_not_people(ctx, table.unit, counts, table.dimensions,
                          [float(v) for v in frame["value"] if v == v], not_people)
    if table.population and counts not in PEOPLE:
        ctx.problem("population", f"'population: {table.population}' names a group of people, "
                    f"but the table says 'counts: {counts}'",
                    "a table of a population counts children or records ('counts: children'); "
                    "if it truly counts no one, remove 'population'")


def _check_categories(ctx: FieldReader, table: Table, file_name: str) -> None:
    """The categories `not_total`, `base` and `collapse` name are the table's own."""
    frame, dims, base = table.frame, table.dimensions, table.base
    present = {str(c) for dim in dims for c in frame[dim]}
    for category in table.not_total:
        if category not in present:
            ctx.problem("not_total", f"'{category}' is not a category of this table",
                        "write the category exactly as in the table's file")
    if isinstance(base, dict):
        for dim, bases in base.items():
            if dim not in dims:
                ctx.problem("base", f"'{dim}' is not a dimension of this table",
                            f"use one of: {', '.join(dims)}")
            elif set(frame[dim]) - {TOTAL} - set(bases):
                missing = sorted(set(frame[dim]) - {TOTAL} - set(bases))
                ctx.problem("base", f"'base' gives no number for: {', '.join(missing)}",
                            "give the number of children for every category")
    for dim, groups in table.collapse.items():
        in_dim = set(frame[dim])
        for old in (v for vs in groups.values() for v in vs):
            if old not in in_dim:
                ctx.problem("collapse", f"'{old}' is not a category of '{dim}' in {file_name}",
                            "use the category exactly as in the CSV")


SOURCE_SYMBOLS_HINT = ("x (not available), z (not applicable), c (confidential), low (rounds to 0 "
                       "but is not 0) or u (low reliability)")


# Columns the engine adds to every table's frame: no dimension may take their names.
RESERVED_COLUMNS = ("value", "symbol", "row")


def parse_comparator(ctx: FieldReader, name: str) -> Table | None:
    """A comparator of `comparators:`, as a table by area (and year)."""
    ctx.unknown_keys()
    unit = ctx.choice("unit", UNITS)
    if unit == "count" and ctx.m.get("counts", "none") == "none" and not is_placeholder(
            ctx.m.get("counts")):
        # No default: a count of whom decides whether small numbers are hidden.
        ctx.problem("counts", "a comparator with unit 'count' must say what it counts",
                    "add 'counts: children' or 'counts: records' (small numbers are then hidden), "
                    "or 'counts: staff' for posts or people at work")
        counts: Counts = "children"  # until it says, treated as the strictest
    else:
        counts = ctx.choice("counts", COUNTS)
    not_people = read_reason(ctx, "not_people")
    years = ctx.m.get("years")
    values = ctx.mapping("values")
    if years is not None and not is_placeholder(years) and (not isinstance(years, list) or not years):
        ctx.problem("years", "'years' must be a list", 'e.g. years: ["2019", "2020"]')
        return None
    if values is None:
        return None
    records = []
    for area, raw in values.items():
        items = raw if isinstance(raw, list) else [raw]
        if any(is_placeholder(item) for item in items) or is_placeholder(years):
            return None  # reported by report_placeholders
        assert years is None or isinstance(years, list)  # anything else was refused above
        if years is not None and len(items) != len(years):
            ctx.problem("values", f"'{area}' has {len(items)} values but there are {len(years)} years",
                        "give one value per year, in order")
            return None
        if years is None and isinstance(raw, list):
            ctx.problem("values", f"'{area}' has a list of values but no 'years'",
                        "add 'years:' or give a single value")
            return None
        for i, item in enumerate(items):
            if isinstance(item, str) and item in SOURCE_SYMBOLS:
                # The source's own symbol (the DfE's c, z, low ...): kept, with its meaning.
                value, symbol = math.nan, item
            elif isinstance(item, (int, float)) and not isinstance(item, bool) and item >= 0:
                value, symbol = float(item), ""
            else:
                ctx.problem("values", f"'{item}' for '{area}' is not a non-negative number",
                            "write digits only, or the source's symbol: " + SOURCE_SYMBOLS_HINT)
                return None
            key = (str(area),) if years is None else (str(area), str(years[i]))
            records.append((*key, value, symbol, values.line_of(area)))
    dims = {"area": "Area"} if years is None else {"area": "Area", "year": "Year"}
    for area in values:
        if total_like(str(area)) or str(area) == TOTAL:
            ctx.problems.add(ctx.file, f"'{area}' reads as a total, not an area",
                             "name the area the figures are for (the council's area, England, ...); "
                             "a comparator has no total", line=values.line_of(area),
                             field=ctx.fieldname("values"))
    check_not_people(ctx, unit, counts, dims, [r[-3] for r in records if r[-2] == ""],
                      not_people, what="comparator")
    frame = pd.DataFrame.from_records(records, columns=[*dims, "value", "symbol", "row"])
    return Table(name=name, title=ctx.text("title"), dimensions=dims, measure=ctx.text("title"),
                 unit=unit, counts=counts, source=ctx.text("source"),
                 where=Where(ctx.file, ctx.line()), frame=frame, note=ctx.text("note"),
                 date=ctx.date("date"), comparator=True, not_people=not_people)


