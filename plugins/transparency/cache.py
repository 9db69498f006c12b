"""The one way the engine writes its caches (the published data, chart SVGs, PDFs): whole
files or nothing.

Builds that share a cache folder (two at once, `invoke serve` beside `invoke build`, copies
of a project) must never read half a file, or a file whose partner is missing. Each file is
written to a temporary name in the same folder, then renamed over its final name, which the
operating system does in one step (`os.replace`); a reader sees the old file, or the whole
new one.
"""

from __future__ import annotations

import os
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
