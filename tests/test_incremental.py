"""Builds that cost what changed (incremental.py and the caches it lists): a build with nothing
changed does nothing; after each kind of edit the output of a build that reused every cache is
byte for byte the output of a clean one; unchanged files stay the same files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sites import SITE_FILES, copy_project
from transparency import incremental
from transparency.incremental import inputs_digest, keep_unchanged, output_digest, stamp_build, up_to_date

# --- units --------------------------------------------------------------------------------


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for name, text in (("content/a.md", "Title: A\n\nText.\n"), ("data/iro/2022-23/period.yaml", "x: 1\n"),
                       ("theme/templates/page.html", "{{ page }}\n"), ("pelicanconf.py", "A = 1\n"),
                       ("tests/test_x.py", ""), (".cache/data/p.pickle", "x"), ("output/index.html", "old")):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _digest(root: Path, settings: dict | None = None, day: str = "2026-11-30") -> str:
    return inputs_digest(root, root / "output", settings or {"SITENAME": "Reports"}, day)


@pytest.mark.parametrize("edit", ["content/a.md", "data/iro/2022-23/period.yaml",
                                  "theme/templates/page.html", "pelicanconf.py", "content/new.md"])
def test_the_inputs_digest_changes_with_every_file_a_build_reads(tmp_path, edit):
    root = _site(tmp_path)
    before = _digest(root)
    path = root / edit
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + " ", encoding="utf-8")
    assert _digest(root) != before


@pytest.mark.parametrize("edit", ["output/index.html", ".cache/data/p.pickle", "tests/test_x.py",
                                  "content/__pycache__/a.pyc"])
def test_the_inputs_digest_ignores_what_no_build_reads(tmp_path, edit):
    root = _site(tmp_path)
    before = _digest(root)
    (root / edit).parent.mkdir(parents=True, exist_ok=True)
    (root / edit).write_text("changed", encoding="utf-8")
    assert _digest(root) == before


def test_the_inputs_digest_changes_with_settings_the_day_and_the_engine(tmp_path, monkeypatch):
    root = _site(tmp_path)
    before = _digest(root)
    assert _digest(root, {"SITENAME": "Reports", "SITEURL": "https://x.example"}) != before
    assert _digest(root, day="2026-12-01") != before
    # A function or object in the settings is named, not printed with its memory address,
    # which differs in every process.
    printed = incremental._stable({"F": _site, "O": object(), "S": {3, 1, 2}})
    assert " at 0x" not in printed and "test_incremental._site" in printed
    assert incremental._stable({"b": 1, "a": [1, 2]}) == incremental._stable({"a": [1, 2], "b": 1})
    monkeypatch.setattr(incremental, "engine_digest", lambda: "another engine")
    assert _digest(root) != before


def test_a_build_is_up_to_date_only_while_its_inputs_and_output_are_unchanged(tmp_path):
    root = _site(tmp_path)
    stamp, output = root / ".cache" / "build-stamp.json", root / "output"
    assert not up_to_date(stamp, "inputs", output)  # no stamp yet
    stamp_build(stamp, "inputs", output)
    assert up_to_date(stamp, "inputs", output)
    assert not up_to_date(stamp, "other inputs", output)
    before = output_digest(output)
    (output / "index.html").write_text("edited by hand", encoding="utf-8")
    assert output_digest(output) != before
    assert not up_to_date(stamp, "inputs", output)
    stamp.write_text("{not json", encoding="utf-8")
    assert not up_to_date(stamp, "inputs", output)


def test_unchanged_files_stay_the_files_they_were(tmp_path):
    old, new = tmp_path / "output", tmp_path / "staging"
    for folder in (old, new):
        (folder / "a").mkdir(parents=True)
    (old / "same.html").write_text("same", encoding="utf-8")
    (new / "same.html").write_text("same", encoding="utf-8")
    (old / "a" / "changed.csv").write_text("1,2", encoding="utf-8")
    (new / "a" / "changed.csv").write_text("1,3", encoding="utf-8")
    (new / "a" / "new.csv").write_text("4", encoding="utf-8")
    os.utime(old / "same.html", (1_000_000_000, 1_000_000_000))
    assert keep_unchanged(new, old) == (1, 2)
    assert (new / "same.html").stat().st_ino == (old / "same.html").stat().st_ino
    assert (new / "same.html").stat().st_mtime == 1_000_000_000
    assert (new / "a" / "changed.csv").read_text(encoding="utf-8") == "1,3"
    assert (new / "a" / "changed.csv").stat().st_ino != (old / "a" / "changed.csv").stat().st_ino
    assert sorted(p.name for p in new.rglob("*") if p.is_file()) == ["changed.csv", "new.csv", "same.html"]


def test_every_cache_of_computed_things_is_keyed_by_the_engine(tmp_path, monkeypatch):
    """A changed engine (its code, theme or templates) is never served from a cache: the spec
    cache's file, the lint cache's file and the PDF audit's markers all name its digest."""
    from transparency import chart_pages, output_audit, pipeline
    from transparency.cache import engine_digest

    real = engine_digest()
    spec_file = chart_pages.SpecMemo._file(tmp_path)
    lint_file = pipeline.lint_cache(tmp_path)
    assert real in spec_file.name and real in lint_file.name
    pdf = tmp_path / "out" / "r" / "p" / "r-p.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"not a pdf")
    (pdf.parent / "index.html").write_text("<p>page</p>", encoding="utf-8")
    passed: set[Path] = set()
    assert output_audit._pdf_passed(pdf, tmp_path, passed)  # not a PDF: a finding, no marker
    assert not list(tmp_path.glob("audit-*"))
    for module in (chart_pages, pipeline):
        monkeypatch.setattr(module, "engine_digest", lambda: "another engine")
    assert chart_pages.SpecMemo._file(tmp_path) != spec_file
    assert pipeline.lint_cache(tmp_path) != lint_file
    marker = output_audit._pdf_marker(pdf)
    monkeypatch.setattr("transparency.cache.engine_digest", lambda: "another engine")
    assert output_audit._pdf_marker(pdf) != marker


# --- real builds of the fixture council ------------------------------------------------------


def _invoke(project: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "invoke", "build", *args], cwd=project,
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "COLUMNS": "250", "SOURCE_DATE_EPOCH": "1785000000"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def _clean_build(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """The output of a build of `project`'s files from nothing but the drawn charts and printed
    PDFs (caches named by a hash of their whole content: a spec, a page and what it loads)."""
    clean = tmp_path / "clean"
    if clean.exists():
        shutil.rmtree(clean)
    clean.mkdir()
    for name in SITE_FILES:
        source = project / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, clean / name)
    for cache in ("charts", "pdf"):
        shutil.copytree(project / ".cache" / cache, clean / ".cache" / cache,
                        ignore=shutil.ignore_patterns("specs-*", "audit-*"))
    _invoke(clean)
    return _files(clean / "output")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = {
    "narrative": ("content/iro/2022-23.md", "## About the service\n",
                  "## About the service\n\nThis sentence was added by an editor.\n"),
    "one data file": ("data/iro/2022-23/period.yaml", "    value: 2210\n", "    value: 2230\n"),
    "settings": ("pelicanconf.py", 'SITENAME = "Children\'s social care reports"',
                 'SITENAME = "Children\'s services reports"'),
}


def test_an_incremental_build_is_byte_for_byte_a_clean_build_after_each_kind_of_edit(tmp_path):
    """Narrative, one data file, settings, the site's theme: after each, `invoke build` reuses
    every cache and the stamp, and gives exactly the files a clean build of the same folder
    gives. (A changed engine is covered by the keys test above: every cache names its digest.)"""
    project = copy_project(tmp_path)
    first = _invoke(project)
    assert "files new or changed" in first.stdout
    output = project / "output"
    before = _files(output)
    unchanged = output / "index.html"
    inode = unchanged.stat().st_ino

    again = _invoke(project)
    assert "is up to date" in again.stdout
    assert _files(output) == before

    for kind, (name, old, new) in EDITS.items():
        inodes = {path: path.stat().st_ino for path in output.rglob("*") if path.is_file()}
        _edit(project / name, old, new)
        result = _invoke(project)
        assert "files new or changed" in result.stdout, kind
        assert _files(output) != before, f"{kind}: the edit changed nothing in the output"
        assert _files(output) == _clean_build(project, tmp_path), kind
        before = _files(output)
        if kind == "narrative":
            changed = sorted(p.relative_to(output).as_posix() for p, ino in inodes.items()
                             if not p.is_file() or p.stat().st_ino != ino)
            # The edited page, its PDF, the search index's files that hold its words and the
            # log of numbers typed by hand: no other file is written anew.
            assert "iro/2022-23/index.html" in changed and "iro/2022-23/iro-2022-23.pdf" in changed
            assert all(path.startswith(("iro/2022-23/", "pagefind/", "data/disclosure-log.csv"))
                       for path in changed), changed
    # The home page did not change with the narrative or data edits, but with the site's name.
    assert unchanged.stat().st_ino != inode

    # The site's theme: a template of its own, overriding the engine's.
    engine_page = Path(sys.modules["transparency"].__file__).parent / "theme" / "templates" / "page.html"
    override = project / "theme" / "templates" / "page.html"
    override.write_text(engine_page.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}<!-- the site's own page template -->", 1),
        encoding="utf-8")
    _invoke(project)
    assert _files(output) != before
    assert any(b"the site's own page template" in body for body in _files(output).values())
    assert _files(output) == _clean_build(project, tmp_path)
