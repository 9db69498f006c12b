"""The sites the integration tests build.

The engine's tests build Northmoor, a small fictional council (tests/fixtures/council/, see its
README.md), and assert on it. Bradford's own site (this repository's content/, data/ and
pelicanconf.py) is built and checked only by tests/test_bradford_site.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNCIL = ROOT / "tests" / "fixtures" / "council"
# What a site's folder holds (the engine is the installed package, not a copy).
SITE_FILES = ("content", "data", "theme", "pelicanconf.py", "publishconf.py", "tasks.py")


def build(output: Path, conf: str = "pelicanconf.py", project: Path = COUNCIL) -> subprocess.CompletedProcess:
    """A real Pelican build of a site, as `invoke build` runs it (warnings are errors)."""
    return subprocess.run(
        [sys.executable, "-m", "pelican", str(project / "content"), "-s", str(project / conf), "-o",
         str(output), "--fatal", "warnings"], capture_output=True, text=True, cwd=project, check=False,
        env={**os.environ, "COLUMNS": "250"})


def periods(project: Path = COUNCIL) -> list[str]:
    """Every report period of a site, as report/period."""
    return sorted(f"{p.parent.name}/{p.name}" for p in (project / "data").glob("*/*") if p.is_dir())


def copy_project(tmp_path: Path, project: Path = COUNCIL) -> Path:
    """A copy of a site's folder to change, with its content-hashed chart and PDF caches (an
    unchanged chart or PDF is reused; the data cache is left behind, so data is checked anew)."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in SITE_FILES:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    for cache in ("charts", "pdf"):
        if (project / ".cache" / cache).is_dir():
            shutil.copytree(project / ".cache" / cache, copy / ".cache" / cache)
    return copy


def data_and_content(tmp_path: Path, project: Path = COUNCIL) -> tuple[Path, Path]:
    """A copy of a site's data and content folders (tmp_path/data, tmp_path/content)."""
    data, content = tmp_path / "data", tmp_path / "content"
    shutil.copytree(project / "data", data)
    shutil.copytree(project / "content", content)
    return data, content
