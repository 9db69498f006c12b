"""What lets `invoke build` cost what changed: a stamp of everything a build reads, so that a
build with nothing changed does nothing, and a finished build that keeps the files of the last
one whose bytes did not change (same file, same time), so that a deploy or a file watcher sees
only what changed.

The parts of a build keep their own caches, each keyed by a hash of what it reads and of the
engine's code (cache.engine_digest): the published data (pipeline.py), the narrative lint's
findings per passage (pipeline.lint_narrative), chart specs by table and drawn charts by spec
(chart_pages.py, chart_render.py), PDFs by page (pdf.py) and the PDF audit's passes
(output_audit.py). A changed input therefore re-runs only the parts that read it; tests check
that the output is then byte for byte what a clean build gives (tests/test_incremental.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .cache import engine_digest, write_atomic

# Folders of a site's folder that no build reads: its output, caches (and other folders whose
# names start with a dot: .git, .venv), its tests and installed front-end packages.
NOT_READ = frozenset({"tests", "test-artifacts", "node_modules", "__pycache__"})


def _stable(value: Any) -> str:
    """A repr of a settings value that is the same in every process: mappings sorted, and the
    memory address Python prints for a function or object left out."""
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_stable(k)}:{_stable(v)}"
                              for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(map(_stable, value)) if isinstance(value, (set, frozenset)) else map(_stable, value)
        return "[" + ",".join(items) + "]"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _site_files(root: Path, output: Path, extra: Iterable[Path]) -> list[Path]:
    """Every file a build of the site in `root` may read (NOT_READ left out), and the files
    under `extra` folders outside it (content, data or theme kept elsewhere)."""
    found: set[Path] = set()
    for top in sorted(root.iterdir()):
        if top.name.startswith(".") or top.name in NOT_READ or top.resolve() == output.resolve():
            continue
        found.update([top] if top.is_file() else
                     (p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts))
    for folder in extra:
        if folder.is_dir() and not folder.resolve().is_relative_to(root.resolve()):
            found.update(p for p in folder.rglob("*") if p.is_file())
    return sorted(found)


def inputs_digest(root: Path, output: Path, settings: Mapping[str, Any], build_day: str,
                  extra: Iterable[Path] = ()) -> str:
    """A hash (hex) of everything a build of the site in `root` into `output` reads: its files
    (_site_files), `settings` as Pelican read them (so values from the environment, such as
    SITEURL, count), the engine's own files, the Python version and every installed package's
    version, and `build_day` (ISO date; pages say how old figures are on the day of the build).
    Reads every file once."""
    digest = hashlib.sha256()
    for part in (_stable(dict(settings)), engine_digest(), sys.version, platform.machine(), build_day,
                 ",".join(sorted(f"{d.metadata['Name']}=={d.version}"
                                 for d in metadata.distributions() if d.metadata['Name']))):
        digest.update(part.encode())
        digest.update(b"\0")
    for path in _site_files(root, output, extra):
        digest.update(str(path).encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def output_digest(output: Path) -> str:
    """A hash (hex) of every file under `output` (path and bytes); of nothing if it is missing."""
    digest = hashlib.sha256()
    if output.is_dir():
        for path in sorted(p for p in output.rglob("*") if p.is_file()):
            digest.update(path.relative_to(output).as_posix().encode())
            digest.update(b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def up_to_date(stamp: Path, inputs: str, output: Path) -> bool:
    """Whether the last build that finished (its stamp, written by `stamp_build`) read the same
    inputs and left `output` as it is now. A missing or unreadable stamp is False."""
    try:
        kept = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(kept, dict) and kept.get("inputs") == inputs
            and kept.get("output") == output_digest(output))


def stamp_build(stamp: Path, inputs: str, output: Path) -> None:
    """Record a finished build: what it read and what it wrote (up_to_date)."""
    write_atomic(stamp, json.dumps({"inputs": inputs, "output": output_digest(output)}) + "\n")


def keep_unchanged(staging: Path, target: Path) -> tuple[int, int]:
    """Before `staging` (a new build) replaces `target` (the last one): each file of `staging`
    whose bytes equal the file at the same place in `target` becomes that file (a hard link:
    the same file, with its time), so that only changed files look changed. Returns (kept,
    written anew). Where the file system cannot link, the new file stays: it is equal."""
    kept = fresh = 0
    for path in sorted(p for p in staging.rglob("*") if p.is_file() and not p.is_symlink()):
        old = target / path.relative_to(staging)
        partial = path.with_name(f".{path.name}.keep")
        try:
            same = (old.is_file() and not old.is_symlink() and old.stat().st_size == path.stat().st_size
                    and old.read_bytes() == path.read_bytes())
            if same:
                os.link(old, partial)
                os.replace(partial, path)
        except OSError:
            partial.unlink(missing_ok=True)
            same = False
        kept, fresh = (kept + 1, fresh) if same else (kept, fresh + 1)
    return kept, fresh
