"""The one cache writer (cache.py): whole files or nothing."""

from __future__ import annotations

import os

import pytest

from transparency.cache import copy_atomic, keep_only, write_atomic


def test_a_cache_file_is_written_whole_in_a_new_folder(tmp_path):
    path = tmp_path / "deep" / "published-abc.pickle"
    write_atomic(path, b"\x00data")
    write_atomic(tmp_path / "chart.svg", "<svg>é</svg>")
    assert path.read_bytes() == b"\x00data"
    assert (tmp_path / "chart.svg").read_text(encoding="utf-8") == "<svg>é</svg>"
    copy_atomic(path, tmp_path / "copy.pdf")
    assert (tmp_path / "copy.pdf").read_bytes() == b"\x00data"
    assert not [p for p in tmp_path.rglob(".*.tmp")]  # nothing left behind


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path, monkeypatch):
    path = tmp_path / "chart.svg"
    write_atomic(path, "old")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_only_the_newest_version_of_a_cached_thing_is_kept(tmp_path):
    for name in ("published-1.pickle", "published-2.pickle", "hidden-1.pickle"):
        write_atomic(tmp_path / name, name)
    keep_only(tmp_path, "published-*.pickle", tmp_path / "published-2.pickle")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hidden-1.pickle", "published-2.pickle"]
