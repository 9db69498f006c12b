"""Unit tests of the independent attacker (`attacker.py`) on small hand-written download
folders: each attack kind finds exactly the narrowed range, and nothing is found where
nothing leaks, so the attacker can fail both ways."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from attacker import UPPER, Finding, attack, ranges

P = "iro/2021-22"
FIGURE_COLUMNS = "name,label,value,unit,decimals,counts,sensitive,date,basis"


def table(dims: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A tidy CSV: dimension columns then `value`."""
    return "\n".join([",".join([*dims, "value"]), *(",".join(map(str, r)) for r in rows)]) + "\n"


def figures(*rows: tuple[str, Any, str, int, str, bool]) -> str:
    """figures.csv from (name, value, unit, decimals, counts, sensitive) rows."""
    lines = [FIGURE_COLUMNS]
    for name, value, unit, decimals, counts, sensitive in rows:
        label = name.replace("_", " ").capitalize()
        lines.append(f"{name},{label},{value},{unit},{decimals},{counts},{str(sensitive).lower()},,")
    return "\n".join(lines) + "\n"


def count(name: str, value: Any, sensitive: bool = False) -> tuple[str, Any, str, int, str, bool]:
    """A figure counting children."""
    return name, value, "count", 0, "children", sensitive


def write(tmp_path: Path, files: dict[str, str], relations: list[dict[str, Any]] = (),
          tables: list[dict[str, Any]] | None = None) -> Path:
    """A download folder: the CSVs (each with a byte-order mark, as Excel-friendly builds
    write them) and a datapackage.json whose `disclosure.tables` lists every non-figures CSV
    as a non-sensitive count of children unless `tables` is given."""
    data = tmp_path / "data"
    for path, text in files.items():
        (data / path).parent.mkdir(parents=True, exist_ok=True)
        (data / path).write_text(text, encoding="utf-8-sig")
    if tables is None:
        tables = [{"path": p, "counts": "children", "unit": "count", "sensitive": False}
                  for p in files if not p.endswith("figures.csv")]
    package = {
        "name": "test",
        "resources": [{"path": p, "schema": {"fields": [{"name": "value", "type": "string"}]}}
                      for p in files],
        "disclosure": {"threshold": 5, "sensitive_threshold": 10, "min_feasible_range": 3,
                       "tables": tables, "relations": list(relations)},
    }
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return data


def cell(path: str, **row: str) -> dict[str, Any]:
    return {"path": path, "row": row}


def figure(path: str, name: str) -> dict[str, Any]:
    return {"path": path, "row": {"name": name}}


def legal_status(**values: Any) -> dict[str, str]:
    return {f"{P}/legal_status.csv": table(["legal_status"], list(values.items()))}


def test_a_single_hidden_cell_beside_a_total_is_pinned(tmp_path: Path) -> None:
    data = write(tmp_path, {f"{P}/legal_status.csv": table(["legal_status"], [
        ("Care order", 845), ("Interim care order", 281), ("Placement order", 86), ("Remand", "c"),
        ("Total", 1232)])})
    assert attack(data) == [Finding(f"{P}/legal_status.csv[Remand]", 20, 20)]


def test_the_disclosure_log_is_read_as_text_not_as_a_table(tmp_path: Path) -> None:
    # A built site's data/ holds the narrative check's log (no `value` column): the attack
    # on a real build stopped with KeyError: 'value' (found by a red team on built sites).
    data = write(tmp_path, {f"{P}/legal_status.csv": table(["legal_status"], [
        ("Care order", 845), ("Interim care order", 281), ("Placement order", 86), ("Remand", "c"),
        ("Total", 1232)])})
    (data / "disclosure-log.csv").write_text(
        "file,line,text,let_through_by,reason\ncontent/iro/2021-22.md,3,2021,allowance 'years',\n",
        encoding="utf-8-sig")
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    package["disclosure"]["narrative_log"] = "disclosure-log.csv"
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert attack(data) == [Finding(f"{P}/legal_status.csv[Remand]", 20, 20)]


def stock_and_flow(tmp_path: Path, left: Any) -> Path:
    start, end = "iro/2020-21/figures.csv", f"{P}/figures.csv"
    return write(tmp_path, {
        start: figures(count("children_in_care", 300)),
        end: figures(count("children_in_care", 263), count("children_left", left),
                     count("children_entered", "c")),
    }, [{"kind": "linear", "why": "start + in - out = end", "constant": 0, "tolerance": 0,
         "terms": [[1, figure(start, "children_in_care")], [1, figure(end, "children_entered")],
                   [-1, figure(end, "children_left")], [-1, figure(end, "children_in_care")]]}])


def test_stock_and_flow_across_periods_pins_the_hidden_flow(tmp_path: Path) -> None:
    assert attack(stock_and_flow(tmp_path, 40)) == [Finding(f"{P}/figures.csv[children_entered]", 3, 3)]


def record(name: str, value: Any) -> tuple[str, Any, str, int, str, bool]:
    """A figure counting records."""
    return name, value, "count", 0, "records", False


def timeliness_ratio(path: str) -> dict[str, Any]:
    """`review_timeliness` is `reviews_on_time` as a percentage of `reviews_held`."""
    return {"kind": "ratio", "why": "timeliness", "value": figure(path, "review_timeliness"), "scale": 100,
            "numerator": [[1, figure(path, "reviews_on_time")]],
            "denominator": [[1, figure(path, "reviews_held")]], "num_constant": 0, "den_constant": 0}


def late_reviews(tmp_path: Path, held: int, on_time: int, percent: str) -> Path:
    """Visible held and on-time reviews, their percentage, and the late reviews they imply."""
    path = f"{P}/figures.csv"
    return write(tmp_path, {path: figures(
        record("reviews_held", held), record("reviews_on_time", on_time),
        ("review_timeliness", percent, "percent", 1, "none", False))}, [
        {"kind": "linear", "why": "late reviews", "constant": 0, "tolerance": 0,
         "terms": [[1, figure(path, "reviews_on_time")], [1, {"implied": "late", "counts": "records",
                                                              "sensitive": False}],
                   [-1, figure(path, "reviews_held")]]},
        timeliness_ratio(path)])


def test_an_implied_small_count_is_a_finding(tmp_path: Path) -> None:
    assert attack(late_reviews(tmp_path, 20, 19, "95.0")) == [Finding("implied:late", 1, 1)]


def test_an_implied_count_pinned_above_the_threshold_is_no_finding(tmp_path: Path) -> None:
    data = late_reviews(tmp_path, 30, 20, "66.7")
    assert ranges(data) == {"implied:late": (10, 10)}
    assert attack(data) == []


def timeliness(tmp_path: Path, percent: str, decimals: int, held: int) -> Path:
    """A hidden on-time count, a visible held count and the percentage between them."""
    path = f"{P}/figures.csv"
    return write(tmp_path, {path: figures(
        record("reviews_held", held), record("reviews_on_time", "c"),
        ("review_timeliness", percent, "percent", decimals, "none", False))}, [timeliness_ratio(path)])


def test_a_percentage_at_its_printed_precision_pins_its_hidden_numerator(tmp_path: Path) -> None:
    # 95.0% of 20 is 94.95% <= 100x/20 < 95.05%: x = 19.
    found = attack(timeliness(tmp_path, "95.0", 1, 20))
    assert found == [Finding(f"{P}/figures.csv[reviews_on_time]", 19, 19)]


def test_a_percentage_interval_includes_its_lower_edge_and_excludes_its_upper(tmp_path: Path) -> None:
    # 35 of 40 is exactly 87.5%: printed "88" (lower edge, included), never "87" (upper edge).
    assert ranges(timeliness(tmp_path / "a", "88", 0, 40)) == {f"{P}/figures.csv[reviews_on_time]": (35, 35)}
    with pytest.raises(ValueError, match="contradict"):
        ranges(timeliness(tmp_path / "b", "87", 0, 40))


def test_a_hidden_percentage_says_nothing(tmp_path: Path) -> None:
    assert ranges(timeliness(tmp_path, "c", 1, 20)) == {f"{P}/figures.csv[reviews_on_time]": (1, UPPER)}


def test_a_rate_and_a_population_pin_an_implied_count(tmp_path: Path) -> None:
    comparators, figs = f"{P}/comparators.csv", f"{P}/figures.csv"
    data = write(tmp_path, {
        comparators: table(["area"], [("Our council", "3.8"), ("England", "4.1")]),
        figs: figures(count("child_population", 7900)),
    }, [{"kind": "ratio", "why": "rate entering care", "value": cell(comparators, area="Our council"),
         "numerator": [[1, {"implied": "entering", "counts": "children", "sensitive": False}]],
         "denominator": [[1, figure(figs, "child_population")]], "scale": 10000}],
        tables=[{"path": comparators, "counts": "none", "unit": "rate_per_10000", "sensitive": False}])
    # 3.75 <= 10000x/7900 < 3.85: 2.96 <= x < 3.04.
    assert attack(data) == [Finding("implied:entering", 3, 3)]


def two_tables(tmp_path: Path, linked: bool) -> Path:
    """Ethnicity by gender hides Mixed girls and its margins; age by gender shows its girls."""
    age, eth = f"{P}/age_gender.csv", f"{P}/ethnicity_gender.csv"
    relations = [{"kind": "linear", "why": f"gender margins agree ({g})", "terms": [
        [1, cell(eth, ethnicity="Total", gender=g)], [-1, cell(age, age="Total", gender=g)]]}
        for g in ("Boy", "Girl", "Total")]
    return write(tmp_path, {
        age: table(["age", "gender"], [
            ("0-9", "Boy", 20), ("0-9", "Girl", 13), ("0-9", "Total", 33),
            ("10-17", "Boy", 18), ("10-17", "Girl", 15), ("10-17", "Total", 33),
            ("Total", "Boy", 38), ("Total", "Girl", 28), ("Total", "Total", 66)]),
        eth: table(["ethnicity", "gender"], [
            ("White", "Boy", 30), ("White", "Girl", 25), ("White", "Total", 55),
            ("Mixed", "Boy", 8), ("Mixed", "Girl", "c"), ("Mixed", "Total", "c"),
            ("Total", "Boy", 38), ("Total", "Girl", "c"), ("Total", "Total", "c")]),
    }, relations if linked else [])


def test_two_tables_sharing_a_margin_pin_the_hidden_girls(tmp_path: Path) -> None:
    eth = f"{P}/ethnicity_gender.csv"
    assert set(attack(two_tables(tmp_path, linked=True))) == {
        Finding(f"{eth}[Mixed, Girl]", 3, 3), Finding(f"{eth}[Mixed, Total]", 11, 11),
        Finding(f"{eth}[Total, Girl]", 28, 28), Finding(f"{eth}[Total, Total]", 66, 66)}


def test_the_same_table_alone_hides_its_girls(tmp_path: Path) -> None:
    eth = f"{P}/ethnicity_gender.csv"
    data = two_tables(tmp_path, linked=False)
    assert ranges(data) == {f"{eth}[Mixed, Girl]": (1, UPPER - 63), f"{eth}[Mixed, Total]": (9, UPPER - 55),
                            f"{eth}[Total, Girl]": (26, UPPER - 38), f"{eth}[Total, Total]": (64, UPPER)}
    assert attack(data) == []


def test_two_hidden_cells_read_as_small_are_pinned(tmp_path: Path) -> None:
    data = write(tmp_path, legal_status(**{"Care order": 270, "Interim care order": "c",
                                           "Placement order": "c", "Total": 280}))
    interim, placement = f"{P}/legal_status.csv[Interim care order]", f"{P}/legal_status.csv[Placement order]"
    assert ranges(data) == {interim: (1, 9), placement: (1, 9)}
    reading = f"{interim} in 1..5 and {placement} in 1..5"
    assert attack(data) == [Finding(interim, 5, 5, reading), Finding(placement, 5, 5, reading)]


def test_one_hidden_figure_read_as_small_narrows_a_chain(tmp_path: Path) -> None:
    # a + b = 12, b + c = 17, c >= 9: from the numbers alone a is 4..11, b 1..8, c 9..16. Read
    # as small, a is 4..5, so b is 7..8 and c 9..10. No pair reading is possible (a, b <= 5
    # cannot make 12, nor b, c 17), so only the one-cell reading finds this.
    path = f"{P}/figures.csv"
    ref = {name: figure(path, name) for name in "abc"}
    data = write(tmp_path, {path: figures(count("a", "c"), count("b", "c"), count("c", "c"))}, [
        {"kind": "linear", "why": "a + b", "terms": [[1, ref["a"]], [1, ref["b"]]], "constant": -12},
        {"kind": "linear", "why": "b + c", "terms": [[1, ref["b"]], [1, ref["c"]]], "constant": -17},
        {"kind": "bound", "why": "c at least 9", "terms": [[1, ref["c"]]], "low": 9, "high": None}])
    a, b, c = (f"{path}[{name}]" for name in "abc")
    assert ranges(data) == {a: (4, 11), b: (1, 8), c: (9, 16)}
    reading = f"{a} in 1..5"
    assert attack(data) == [Finding(a, 4, 5, reading), Finding(b, 7, 8, reading), Finding(c, 9, 10, reading)]


@pytest.mark.parametrize(("visible", "hidden_max"), [(268, 11), (240, 39)])
def test_two_hidden_cells_with_room_leak_nothing(tmp_path: Path, visible: int, hidden_max: int) -> None:
    # 12 left: each 1..11, and read as small, one is 1..5 and the other 7..11. 40 left: the
    # pair reading is impossible (two counts of 1..5 cannot make 40), so it teaches nothing.
    data = write(tmp_path, legal_status(**{"Care order": visible, "Interim care order": "c",
                                           "Placement order": "c", "Total": 280}))
    assert set(ranges(data).values()) == {(1, hidden_max)}
    assert attack(data) == []


def test_a_relation_with_an_unavailable_term_is_ignored(tmp_path: Path) -> None:
    assert ranges(stock_and_flow(tmp_path, "x")) == {f"{P}/figures.csv[children_entered]": (1, UPPER)}
    assert attack(stock_and_flow(tmp_path, "x")) == []


def test_a_line_with_an_unavailable_cell_is_ignored(tmp_path: Path) -> None:
    data = write(tmp_path, legal_status(**{"Care order": 845, "Placement order": "x", "Remand": "c",
                                           "Total": 1232}))
    assert attack(data) == []


def test_a_sensitive_table_hides_zeros_too(tmp_path: Path) -> None:
    path = f"{P}/sexuality.csv"
    data = write(tmp_path, {path: table(["sexuality"], [("Heterosexual", 40), ("Gay", "c"), ("Bisexual", "c"),
                                                         ("Total", 42)])},
                 tables=[{"path": path, "counts": "children", "unit": "count", "sensitive": True}])
    # From 0, each is 0..2 (three values, safe); from 1 both would be 1.
    assert ranges(data) == {f"{path}[Gay]": (0, 2), f"{path}[Bisexual]": (0, 2)}
    assert attack(data) == []


def test_an_earlier_version_is_attacked_with_its_tables_rules(tmp_path: Path) -> None:
    old = f"{P}/revisions/2022-06-01/legal_status.csv"
    data = write(tmp_path, {
        f"{P}/legal_status.csv": table(["legal_status"], [("Care order", 840), ("Remand", 20),
                                                          ("Total", 860)]),
        old: table(["legal_status"], [("Care order", 838), ("Remand", "c"), ("Total", 860)]),
    }, tables=[{"path": f"{P}/legal_status.csv", "counts": "children", "unit": "count", "sensitive": False}])
    assert attack(data) == [Finding(f"{old}[Remand]", 22, 22)]
