"""The one way the engine writes its caches (the published data, chart SVGs, PDFs): whole
files or nothing.

Builds that share a cache folder (two at once, `invoke serve` beside `invoke build`, copies
of a project) must never read half a file, or a file whose partner is missing. Each file is
written to a temporary name in the same folder, then renamed over its final name, which the
operating system does in one step (`os.replace`); a reader sees the old file, or the whole
new one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path`, creating its folder; atomic (module docstring).
    Raises OSError as open and write do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def copy_atomic(source: Path, path: Path) -> None:
    """Copy the file `source` to `path`, atomically (module docstring)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def keep_only(folder: Path, pattern: str, keep: Path) -> None:
    """Remove the files of `folder` matching `pattern` but `keep` (an older version of one
    cached thing), after `keep` is written, so that a reader always finds one."""
    for old in folder.glob(pattern):
        if old != keep:
            old.unlink(missing_ok=True)


@functools.cache
def engine_digest() -> str:
    """A hash (24 hex digits) of this package's own files: its code, theme and templates.
    Part of the key of everything a cache keeps that the engine computed, so that a changed
    rule or template is never served from a cache. Read once per process."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def read_pickle(path: Path) -> object | None:
    """What write_pickle kept at `path`, or None where there is none or it cannot be read (a
    cache from another Python or library version is rebuilt, not an error)."""
    try:
        value: object = pickle.loads(path.read_bytes())  # noqa: S301 - the project's own cache folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):
        return None
    return value


def write_pickle(path: Path, value: object, pattern: str | None = None) -> None:
    """Keep `value` at `path` (atomically); where `pattern` is given, remove the other files of
    the folder matching it (earlier versions of the same cache), after `path` is written."""
    write_atomic(path, pickle.dumps(value))
    if pattern is not None:
        keep_only(path.parent, pattern, path)
