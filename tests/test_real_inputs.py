"""Inputs as officers and comms teams really make them (issue 13): one folder per replayed
bug report in tests/real_inputs/, each saying what `invoke check` must do with it. See
tests/real_inputs/README.md for the folder's format."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import support
from transparency import pipeline
from transparency.yamlio import read_yaml

CASES = Path(__file__).parent / "real_inputs"
KEY = "iro/2021-22"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "case.yaml").is_file())


def _build_base(root: Path) -> None:
    support.write_period(root / "data")
    support.write_narrative(root / "content")


def _apply(case: Path, spec: dict[str, Any], root: Path) -> None:
    for edit in spec.get("edit", []):
        support.replace_in(root / edit["file"], edit["replace"], edit["with"])
    for name in spec.get("delete", []):
        (root / name).unlink()
    for top in ("data", "content"):
        if (case / top).is_dir():
            shutil.copytree(case / top, root / top, dirs_exist_ok=True)


def _check(root: Path):
    """What `invoke check` lists for the site at `root`, and the published site if valid."""
    config = support.config(root / "data", root / "content", DATA_CACHE=str(root / "cache"))
    site, problems = pipeline.prepare(config)
    if site is not None and not problems:
        problems.extend(pipeline.lint_narrative(config, site).problems)
    return site, problems


def _found(problem, root: Path) -> tuple[str, int | None, str]:
    where = Path(problem.file)
    shown = where.relative_to(root).as_posix() if where.is_absolute() else where.as_posix()
    return shown, problem.line, problem.format()


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_real_input(case: Path, tmp_path: Path) -> None:
    spec = read_yaml(case / "case.yaml")
    assert spec.get("replays"), f"{case.name}: say which public report this replays"
    _build_base(tmp_path)
    _apply(case, spec, tmp_path)
    site, problems = _check(tmp_path)
    expect = spec["expect"]
    found = [_found(p, tmp_path) for p in problems.items]
    wanted = expect.get("problems", [])
    assert len(found) == len(wanted), "\n".join(f"{f}:{n}: {t}" for f, n, t in found)
    for want in wanted:
        assert any(f == want["file"] and (want.get("line") is None or n == want["line"])
                   and want["says"] in t for f, n, t in found), (want, found)
    if wanted:
        return
    period = site.periods[KEY]
    for name, shown in expect.get("values", {}).items():
        assert period.values[name].value.text() == str(shown), name
    for table, cells in expect.get("cells", {}).items():
        published = period.tables[table].cells
        for label, shown in cells.items():
            assert published[tuple(label.split(" | "))].text() == str(shown), (table, label)


def test_every_case_folder_is_run() -> None:
    """A folder without case.yaml would be skipped without a word."""
    assert [p for p in CASES.iterdir() if p.is_dir()] and all(
        (p / "case.yaml").is_file() for p in CASES.iterdir() if p.is_dir())
