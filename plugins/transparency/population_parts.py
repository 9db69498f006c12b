"""Tables whose numbers show that one count is made of others, though no declaration says so:
separate tables for girls and for boys beside one of all children entering care (red team
12: 46 aged 16 and over in all, less 42 boys, is 4 girls), two half-years' tables beside
the year's (red team 13), a table of this year and last beside each year's own.

Each table may name its own `population` (girls and boys are different children) or its
own name (a six-monthly report's table), so the links between tables of one population or
one name do not join them. A reader does:

* **Sums.** Where two or three count tables of the same shape (dimensions, unit, counts and
  date) add up, cell by cell and Total by Total, to another of a period whose time holds
  theirs (the same period, or periods inside it), each cell's sum is a relation.
* **Slices.** Where a table of any period of the report is, cell by cell, the slice of a table with one
  more dimension at one of its categories (a girls' table beside an age-by-gender table; a
  year's table beside a table of two years, by year), each cell is the same number.

Categories are matched as a reader matches them: spelt alike; or, along a dimension of age,
by the bands both tables' bands make up ("Under 5" is "Under 1" and "1 to 4": red team 13);
or, where one category of each table is left over, those two ("Section 20" and "Section 20
(voluntary agreement)": red team 13). Only numbers that do add up (or match) are related,
using the true values, so nothing true is contradicted; the relations hold whether or not
the source meant them. Part of the publishing step (publish_relations.py). Independent of
Pelican."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import combinations

from .classifications import age_band, is_age_dimension
from .model import TOTAL, Period, Site, Table
from .published import PublishedRelation, Ref
from .terms import PEOPLE

MAX_PARTS = 3  # tables tried as the parts of one whole, at most
MAX_TABLES = 24  # tables of one shape tried against each other, at most (past it the
# look-alike checks still compare their equal cells)

Key = tuple[str, ...]
Cells = dict[Key, float]
# A table as one term of a sum: its period key, its name, and its cells by key.
Term = tuple[str, str, Cells]
# For each table of a comparison, each shared category group (one per dimension) -> its keys.
Groups = list[dict[Key, list[Key]]]


def _cells(table: Table) -> Cells:
    """The table's available cells (Totals included), by key."""
    return {key: value for key, value, symbol, _ in table.rows
            if not symbol and not math.isnan(value)}


def _counted(period: Period) -> dict[str, Table]:
    return {name: table for name, table in sorted(period.tables.items())
            if table.unit == "count" and table.counts in PEOPLE and not table.comparator}


def _age_groups(categories: list[set[str]]) -> list[dict[str, str]] | None:
    """Each table's age bands mapped to the coarsest bands all of them make up exactly, or
    None where a category is no band or the bands do not meet."""
    bands = []
    for cats in categories:
        read = {c: age_band(c) for c in cats}
        if any(b is None for b in read.values()):
            return None
        bands.append({c: b for c, b in read.items() if b is not None})
    cuts = set.intersection(*({b[0] for b in t.values()} | {b[1] for b in t.values()}
                              for t in bands))
    out = []
    for table in bands:
        mapping = {}
        for category, (start, end) in table.items():
            low = max((c for c in cuts if c <= start), default=None)
            high = min((c for c in cuts if c >= end), default=None)
            if low is None or high is None:
                return None
            mapping[category] = f"{low:g} to {high:g}"
        out.append(mapping)
    return out


def _aligned(dim: str, label: str, categories: list[set[str]]) -> list[dict[str, str]] | None:
    """For each table, its categories along one dimension mapped to shared names, or None
    where they cannot be matched (module docstring). Totals map to themselves."""
    plain = [c - {TOTAL} for c in categories]
    if all(c == plain[0] for c in plain):
        return [{c: c for c in cats} for cats in categories]
    out: list[dict[str, str]] | None = None
    if is_age_dimension(dim, label):
        out = _age_groups(plain)
    if out is None:
        shared = set.intersection(*plain)
        left = [cats - shared for cats in plain]
        if not all(len(rest) == 1 for rest in left):
            return None
        out = [{c: c for c in shared} | {next(iter(rest)): "\0left"} for rest in left]
    return [m | ({TOTAL: TOTAL} if TOTAL in cats else {}) for m, cats in zip(out, categories,
                                                                              strict=True)]


def _groups(dims: Sequence[tuple[str, str]], keys: list[list[Key]]) -> Groups | None:
    """Each table's keys grouped by their shared categories (one per dimension), or None."""
    maps = []
    for i, (dim, label) in enumerate(dims):
        aligned = _aligned(dim, label, [{k[i] for k in table} for table in keys])
        if aligned is None:
            return None
        maps.append(aligned)
    out: Groups = []
    for t, table in enumerate(keys):
        grouped: dict[Key, list[Key]] = {}
        for key in table:
            grouped.setdefault(tuple(maps[i][t][c] for i, c in enumerate(key)), []).append(key)
        out.append(grouped)
    return out if all(set(g) == set(out[0]) for g in out) else None


def _sum_relations(whole: Term, parts: tuple[Term, ...], dims: Sequence[tuple[str, str]],
                   home: str) -> list[PublishedRelation]:
    """One relation per shared category group where the parts add up to the whole in every
    group; [] where they do not."""
    terms = (whole, *parts)
    groups = _groups(dims, [list(t[2]) for t in terms])
    if groups is None:
        return []
    sums = [{g: sum(t[2][k] for k in keys) for g, keys in grouped.items()}
            for t, grouped in zip(terms, groups, strict=True)]
    if not all(sums[0][g] == sum(s[g] for s in sums[1:]) for g in sums[0]):
        return []
    names = ", ".join(f"'{p[1]}'" + ("" if p[0] == home else f" of {p[0]}") for p in parts)
    whole_name = f"'{whole[1]}'" + ("" if whole[0] == home else f" of {whole[0]}")
    why = f"{home}: the tables {names} add up to {whole_name}, cell by cell"
    out = []
    for group in sorted(groups[0]):
        refs = [(1.0 if t == 0 else -1.0, (term[0], "table", term[1], key))
                for t, term in enumerate(terms) for key in groups[t][group]]
        out.append(PublishedRelation("linear", why, terms=tuple(refs), home=home))
    return out


def of_report(site: Site, report: str) -> list[Period]:
    """The periods of one report. Their keys are read without reading the periods (dict's own
    keys(): the publishing step's memo notes which periods a period's suppression reads, and
    another report's are not)."""
    return [site.periods[key] for key in sorted(dict.keys(site.periods))
            if key.split("/")[0] == report]


def _within(inner: Period, outer: Period) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _sums(period: Period, site: Site) -> Iterator[PublishedRelation]:
    """Tables of `period` that two or three tables of its shape, of it or of periods inside
    its time, add up to."""
    candidates: dict[tuple[object, ...], list[Term]] = {}
    for other in of_report(site, period.report):
        if not _within(other, period):
            continue
        for name, table in _counted(other).items():
            shape = (tuple(table.dims), table.unit, table.counts, table.date)
            candidates.setdefault(shape, []).append((other.key, name, _cells(table)))
    for name, table in _counted(period).items():
        shape = (tuple(table.dims), table.unit, table.counts, table.date)
        whole: Term = (period.key, name, _cells(table))
        others = [t for t in candidates.get(shape, []) if t[:2] != whole[:2]][:MAX_TABLES]
        dims = [(d, table.dimensions[d]) for d in table.dims]
        for size in range(2, MAX_PARTS + 1):
            for parts in combinations(others, size):
                yield from _sum_relations(whole, parts, dims, period.key)


def _slices(period: Period, site: Site) -> Iterator[PublishedRelation]:
    """Tables of any period that are a slice of a table of `period` with one more dimension."""
    tables = _counted(period)
    narrow = [(other.key, name, table) for other in of_report(site, period.report)
              for name, table in _counted(other).items()]
    for version, name, table in narrow:
        cells = _cells(table)
        for wide_name, wide in tables.items():
            if ((version, wide_name) == (period.key, name) or not cells
                    or len(wide.dims) != len(table.dims) + 1
                    or not set(table.dims) <= set(wide.dims)
                    or (wide.unit, wide.counts, wide.date) != (table.unit, table.counts, table.date)):
                continue
            extra = next(d for d in wide.dims if d not in table.dims)
            at = wide.dims.index(extra)
            wide_cells = _cells(wide)
            for category in sorted({k[at] for k in wide_cells if k[at] != TOTAL}):
                # The slice, keyed as the narrow table is.
                piece = {tuple(k[wide.dims.index(d)] for d in table.dims): v
                         for k, v in wide_cells.items() if k[at] == category}
                sliced: Term = (period.key, wide_name, piece)
                dims = [(d, table.dimensions[d]) for d in table.dims]
                found = _sum_relations(sliced, ((version, name, cells),), dims, period.key)
                if not found:
                    continue
                where = name if version == period.key else f"{name}' of {version} '"
                why = (f"{period.key}: the table '{where}' is the "
                       f"{wide.dimensions[extra].lower()} '{category}' of '{wide_name}', cell by "
                       "cell")
                for rel in found:
                    yield PublishedRelation("linear", why, terms=tuple(
                        (c, _widened(ref, wide, table, at, category) if ref[2] == wide_name
                         and ref[0] == period.key else ref) for c, ref in rel.terms),
                        home=period.key)


def _widened(ref: Ref, wide: Table, narrow: Table, at: int, category: str) -> Ref:
    """A slice's cell (keyed as the narrow table) as the wide table's cell."""
    key = dict(zip(narrow.dims, ref[3], strict=True))
    return (ref[0], ref[1], ref[2], tuple(category if i == at else key[d]
                                          for i, d in enumerate(wide.dims)))


def population_parts(period: Period, site: Site) -> list[PublishedRelation]:
    """The relations the module docstring describes, for the count tables of children or
    records of `period` (as the whole, or the table sliced): one per shared category group.
    Each relation's description names the tables."""
    return [*_sums(period, site), *_slices(period, site)]
