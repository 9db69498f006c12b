"""An independent interval attack on a built download folder (the site's `output/data/`).

It reads only the published CSVs and `datapackage.json`, and shares no code with the engine
(which solves with `linprog`; this uses `milp`), so the two can check each other. Unknowns
are the hidden (`c`) counts and the counts the relations imply; each is minimised and
maximised over whole numbers satisfying every table line with a Total row and every
published relation. Numbers are read as exact fractions and each constraint is scaled to
whole-number coefficients before it reaches the solver, so rounding bounds are exact.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

UPPER = 10**7
COUNTS = {"children", "records"}
UNUSABLE = {"x", "z", ""}

# A linear expression: {unknown index: coefficient}, constant.
Expr = tuple[dict[int, Fraction], Fraction]
# Each unknown's (least, greatest) whole value, by index.
Ranges = dict[int, tuple[int, int]]


@dataclass(frozen=True)
class Finding:
    """A protected count the download narrows to too few whole values (`assumption` is the
    reader's reading of `[c]` it needs, '' for none)."""

    ref: str
    low: int
    high: int
    assumption: str = ""


@dataclass
class Unknown:
    """A hidden count, or a count the relations imply (`implied`)."""

    ref: str
    low: int
    high: int
    implied: bool
    sensitive: bool
    assumable: bool  # a hidden non-Total cell or a hidden figure: a reader may take it as small


@dataclass
class Row:
    """`lo <= sum(coef * unknown) <= hi`; `pair` lists the hidden non-Total unknowns of the
    line or relation it came from (for the reading that two of them are small)."""

    coefs: dict[int, int]
    lo: float
    hi: float
    pair: list[int]


@dataclass
class Sheet:
    """One CSV: its dimension columns and each key's printed value (and decimals, if a figure)."""

    dims: list[str]
    values: dict[tuple[str, ...], str]
    decimals: dict[tuple[str, ...], int]


def _frac(x: Any) -> Fraction:
    return Fraction(str(x).replace(",", ""))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


class Download:
    """The download folder as unknowns and integer constraints."""

    def __init__(self, data_dir: Path) -> None:
        package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8-sig"))
        self.rules: dict[str, Any] = package["disclosure"]
        meta = {t["path"]: t for t in self.rules.get("tables", [])}
        for res in package.get("resources", []):  # a count column the package marks, if unlisted
            fields = res.get("schema", {}).get("fields", [])
            if any(f.get("name") == "value" and f.get("disclosure") == "count" for f in fields):
                meta.setdefault(res["path"], {"counts": "children", "unit": "count", "sensitive": False})
        self.unknowns: list[Unknown] = []
        self.index: dict[tuple[str, tuple[str, ...]], int] = {}
        self.sheets: dict[str, Sheet] = {}
        self.rows: list[Row] = []
        for file in sorted(data_dir.rglob("*.csv")):
            path = file.relative_to(data_dir).as_posix()
            if file.parent.name == "ees":
                # The DfE-format copies restate the tables' cells, cell for cell (checked by
                # tests/test_ees_downloads.py): nothing in them that the tables do not give.
                continue
            if path == self.rules.get("narrative_log"):
                continue  # the numbers the narrative check let through: text, not a table
            with file.open(encoding="utf-8-sig", newline="") as f:
                records = list(csv.DictReader(f))
            if file.name == "figures.csv":
                self._add_figures(path, records)
            else:
                info = meta.get(path) or meta.get(_current(path), {})
                self._add_table(path, records, info)
        for relation in self.rules.get("relations", []):
            self._add_relation(relation)

    def small(self, sensitive: bool) -> tuple[int, int]:
        """The values a reader takes `[c]` to mean."""
        if sensitive:
            return 0, int(self.rules["sensitive_threshold"])
        return 1, int(self.rules["threshold"])

    def _new(self, key: tuple[str, tuple[str, ...]], ref: str, sensitive: bool, implied: bool,
             assumable: bool) -> None:
        self.index[key] = len(self.unknowns)
        low = 0 if sensitive or implied else 1
        self.unknowns.append(Unknown(ref, low, UPPER, implied, sensitive, assumable))

    def _add_figures(self, path: str, records: list[dict[str, str]]) -> None:
        sheet = Sheet(["name"], {}, {})
        for r in records:
            key, text = (r["name"],), r["value"].strip()
            sheet.values[key] = text
            sheet.decimals[key] = int(r["decimals"]) if r.get("decimals", "").strip() else _decimals(text)
            if text == "c" and r["unit"] == "count" and r["counts"] in COUNTS:
                self._new((path, key), f"{path}[{r['name']}]", r["sensitive"].strip().lower() == "true",
                          implied=False, assumable=True)
        self.sheets[path] = sheet

    def _add_table(self, path: str, records: list[dict[str, str]], info: dict[str, Any]) -> None:
        dims = [c for c in (records[0].keys() if records else []) if c != "value"]
        sheet = Sheet(dims, {}, {})
        counting = info.get("unit", "count") == "count" and info.get("counts") in COUNTS
        sensitive = bool(info.get("sensitive", False))
        for r in records:
            key, text = tuple(r[d] for d in dims), r["value"].strip()
            sheet.values[key] = text
            sheet.decimals[key] = _decimals(text)
            if counting and text == "c":
                self._new((path, key), f"{path}[{', '.join(key)}]", sensitive, implied=False,
                          assumable="Total" not in key)
        self.sheets[path] = sheet
        if counting:
            for total, *members in _lines(dims, sheet.values):
                terms = [(Fraction(1), (path, k)) for k in members] + [(Fraction(-1), (path, total))]
                expr = self._linear(terms, Fraction(0))
                if expr is not None:
                    hidden = [self.index[k] for _, k in terms if k in self.index]
                    self._add_expr(expr, Fraction(0), Fraction(0), False, hidden)

    def _value(self, key: tuple[str, tuple[str, ...]]) -> int | Fraction | None:
        """An unknown's index, a visible number, or None for x/z or a non-count `c`."""
        if key in self.index:
            return self.index[key]
        text = self.sheets[key[0]].values[key[1]]
        return None if text in UNUSABLE or text == "c" else _frac(text)

    def _key(self, ref: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        """The quantity a relation's reference names (an implied one is created on first use)."""
        if "implied" in ref:
            key = ("implied:", (str(ref["implied"]),))
            if key not in self.index:
                self._new(key, f"implied:{ref['implied']}", bool(ref.get("sensitive", False)),
                          implied=True, assumable=False)
            return key
        sheet = self.sheets.get(ref["path"])
        key = tuple(str(ref["row"][d]) for d in sheet.dims) if sheet else ()
        if sheet is None or key not in sheet.values:
            raise KeyError(f"a relation names {ref}, which the download does not hold")
        return ref["path"], key

    def _expr(self, terms: Iterable[tuple[Any, dict[str, Any]]], constant: Any = 0) -> Expr | None:
        return self._linear([(_frac(c), self._key(ref)) for c, ref in terms], _frac(constant or 0))

    def _linear(self, terms: list[tuple[Fraction, tuple[str, tuple[str, ...]]]], constant: Fraction
                ) -> Expr | None:
        coefs: dict[int, Fraction] = {}
        for coef, key in terms:
            value = self._value(key)
            if value is None:
                return None
            if isinstance(value, int):
                coefs[value] = coefs.get(value, Fraction(0)) + coef
            else:
                constant += coef * value
        return coefs, constant

    def _add_expr(self, expr: Expr, lo: Fraction | None, hi: Fraction | None, strict_hi: bool,
                  members: list[int]) -> None:
        coefs, constant = expr
        coefs = {v: c for v, c in coefs.items() if c}
        if not coefs:
            return
        scale = math.lcm(*(c.denominator for c in coefs.values()))
        low = -math.inf if lo is None else math.ceil((lo - constant) * scale)
        high = math.inf if hi is None else (hi - constant) * scale  # integer terms: "< h" is "<= ceil(h) - 1"
        if hi is not None:
            high = math.ceil(high) - 1 if strict_hi else math.floor(high)
        pair = sorted({v for v in members if self.unknowns[v].assumable})
        self.rows.append(Row({v: int(c * scale) for v, c in coefs.items()}, low, high, pair))

    def _add_relation(self, rel: dict[str, Any]) -> None:
        kind = rel["kind"]
        terms = rel.get("terms", []) + rel.get("numerator", []) + rel.get("denominator", [])
        members = [self.index[k] for k in (self._key(ref) for _, ref in terms) if k in self.index]
        if kind in ("linear", "bound"):
            expr = self._expr(rel["terms"], rel.get("constant", 0))
            if kind == "linear":
                tol = _frac(rel.get("tolerance") or 0)
                lo, hi = -tol, tol
            else:
                lo = None if rel.get("low") is None else _frac(rel["low"])
                hi = None if rel.get("high") is None else _frac(rel["high"])
            if expr is not None:
                self._add_expr(expr, lo, hi, False, members)
        elif kind == "ratio":
            path, key = self._key(rel["value"])
            text = self.sheets[path].values[key]
            num = self._expr(rel["numerator"], rel.get("num_constant", 0))
            den = self._expr(rel["denominator"], rel.get("den_constant", 0))
            if text in UNUSABLE or text == "c" or num is None or den is None:
                return
            half = Fraction(1, 2) / 10 ** self.sheets[path].decimals[key]
            scale = _frac(rel.get("scale", 1))
            positive = ({v: -c for v, c in den[0].items()}, -den[1])  # a printed ratio's base is > 0
            self._add_expr(positive, None, Fraction(0), True, members)
            value = _frac(text)
            self._add_expr(_compare(num, den, scale, value - half), Fraction(0), None, False, members)
            self._add_expr(_compare(num, den, scale, value + half), None, Fraction(0), True, members)
        else:
            raise ValueError(f"unknown relation kind {kind!r} ({rel.get('why', '')})")


def _compare(num: Expr, den: Expr, scale: Fraction, bound: Fraction) -> Expr:
    """`scale * num - bound * den`, to compare with 0 (the ratio against `bound`, for den > 0)."""
    coefs = {v: scale * c for v, c in num[0].items()}
    for v, c in den[0].items():
        coefs[v] = coefs.get(v, Fraction(0)) - bound * c
    return coefs, scale * num[1] - bound * den[1]


def _current(path: str) -> str:
    """`r/p/revisions/<date>/t.csv` -> `r/p/t.csv`: an earlier version shares its table's metadata."""
    parts = path.split("/")
    return "/".join(parts[:2] + parts[4:]) if len(parts) > 4 and parts[2] == "revisions" else path


def _lines(dims: list[str], values: dict[tuple[str, ...], str]) -> list[list[tuple[str, ...]]]:
    """Each line with a Total row: [total key, member keys...] along every dimension."""
    lines = []
    for i in range(len(dims)):
        groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for key in values:
            groups.setdefault(key[:i] + key[i + 1:], []).append(key)
        for keys in groups.values():
            totals = [k for k in keys if k[i] == "Total"]
            members = [k for k in keys if k[i] != "Total"]
            if len(totals) == 1 and members:
                lines.append(totals + members)
    return lines


def _ranges(rows: list[Row], bounds: Ranges, targets: Iterable[int] | None = None,
            width: int | None = None, pool: list[np.ndarray] | None = None) -> Ranges | None:
    """The least and greatest whole value of each of `targets` (default: every unknown in
    `bounds`, one connected component) subject to `rows`; None if there is no whole-number
    solution. The gap is 0, so HiGHS proves each end rather than stopping near it.

    With `width`, only ranges narrower than `width` are exact: every solution found is kept
    (in `pool`, shared by calls over the same rows and unknowns: a solution found under other
    bounds is used where it is inside these), and an unknown that takes values `width` or more
    apart across the solutions is not solved for (its range is then their spread, which is
    inside the true range). Exact for the question attack() asks, and far fewer programmes."""
    order = sorted(bounds)
    column = {v: j for j, v in enumerate(order)}
    matrix = np.zeros((len(rows), len(order)))
    for i, row in enumerate(rows):
        for v, c in row.coefs.items():
            matrix[i, column[v]] = c
    constraints = [LinearConstraint(matrix, [r.lo for r in rows], [r.hi for r in rows])] if rows else []
    box = Bounds([bounds[v][0] for v in order], [bounds[v][1] for v in order])
    integral = np.ones(len(order))
    found = {}
    pool = [] if pool is None else pool
    low, high = np.array(box.lb), np.array(box.ub)
    inside = [x for x in pool if np.all(x >= low - 1e-6) and np.all(x <= high + 1e-6)]
    for v in sorted(bounds if targets is None else targets):
        if width is not None and inside:
            seen = [round(x[column[v]]) for x in inside]
            if max(seen) - min(seen) + 1 >= width:
                found[v] = (min(seen), max(seen))
                continue
        ends = []
        for sign in (1, -1):
            objective = np.zeros(len(order))
            objective[column[v]] = sign
            result = milp(objective, integrality=integral, bounds=box, constraints=constraints,
                          options={"mip_rel_gap": 0})
            if result.status == 2:
                return None
            if not result.success:
                raise RuntimeError(f"HiGHS failed on unknown {v}: {result.message}")
            ends.append(round(result.x[column[v]]))
            pool.append(result.x)
            inside.append(result.x)
        found[v] = (ends[0], ends[1])
    return found


def _components(count: int, rows: list[Row]) -> list[list[int]]:
    """Unknowns grouped by the constraints that link them (union-find)."""
    parent = list(range(count))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for row in rows:
        first, *rest = row.coefs
        for v in rest:
            parent[root(v)] = root(first)
    groups: dict[int, list[int]] = {}
    for v in range(count):
        groups.setdefault(root(v), []).append(v)
    return list(groups.values())


def _solved(download: Download, width: int | None = None,
            ) -> Iterable[tuple[list[Row], Ranges, Ranges, list[np.ndarray]]]:
    """Each connected component: its rows, its unknowns' bounds, their ranges (exact only
    below `width`, where given: _ranges) and the solutions found."""
    for component in _components(len(download.unknowns), download.rows):
        members = set(component)
        rows = [r for r in download.rows if members.intersection(r.coefs)]
        bounds = {v: (download.unknowns[v].low, download.unknowns[v].high) for v in component}
        pool: list[np.ndarray] = []
        plain = _ranges(rows, bounds, width=width, pool=pool)
        if plain is None:
            ref = download.unknowns[component[0]].ref
            raise ValueError(f"the published numbers contradict each other around {ref}")
        yield rows, bounds, plain, pool


def ranges(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Every unknown's whole-number range from the published numbers alone, by its ref."""
    download = Download(Path(data_dir))
    return {download.unknowns[v].ref: r for _, _, plain, _ in _solved(download)
            for v, r in plain.items()}


def attack(data_dir: Path) -> list[Finding]:
    """Every protected count in `data_dir` narrowed to fewer than `min_feasible_range` whole
    values: from the published numbers alone, then under each reading of `[c]` as small
    (one hidden non-Total count, or two of one line or relation) that the numbers allow."""
    download = Download(Path(data_dir))
    unknowns, width = download.unknowns, int(download.rules["min_feasible_range"])
    findings: list[Finding] = []
    for rows, bounds, plain, pool in _solved(download, width):
        found = set()
        for v, (low, high) in plain.items():
            small_low, small_high = download.small(unknowns[v].sensitive)
            narrow = high - low + 1 < width
            if narrow and (not unknowns[v].implied or (low <= small_high and high >= small_low)):
                findings.append(Finding(unknowns[v].ref, low, high))
                found.add(v)
        readings: list[tuple[int, ...]] = [(v,) for v in bounds if unknowns[v].assumable]
        readings += sorted({pair for r in rows for pair in itertools.combinations(r.pair, 2)})
        for reading in readings:
            left = [v for v in bounds if not unknowns[v].implied and v not in found]
            if not left:
                break
            narrowed = dict(bounds)
            for v in reading:
                small_low, small_high = download.small(unknowns[v].sensitive)
                narrowed[v] = (max(bounds[v][0], small_low), min(bounds[v][1], small_high))
            read = _ranges(rows, narrowed, left, width, pool)
            if read is None:
                continue
            text = " and ".join(f"{unknowns[v].ref} in {narrowed[v][0]}..{narrowed[v][1]}" for v in reading)
            for v, (low, high) in read.items():
                if high - low + 1 < width:
                    findings.append(Finding(unknowns[v].ref, low, high, text))
                    found.add(v)
    return findings
