"""The pipeline's cache of the published site: reused only while data, settings and code
are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from transparency import pipeline
from transparency.settings import resolve

ROOT = Path(__file__).parent.parent


def test_published_site_is_cached_by_data_settings_and_code(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    config = resolve({"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache")},
                     ROOT / "content")
    calls = []
    real = pipeline.publish_site
    monkeypatch.setattr(pipeline, "publish_site", lambda *a: calls.append(1) or real(*a))
    first, problems = pipeline.prepare(config)
    assert not problems and calls == [1]
    assert len(list((tmp_path / "cache").glob("published-*.pickle"))) == 1
    second, problems = pipeline.prepare(config)
    assert not problems and calls == [1]  # served from the cache
    assert second == first
    # A changed data file is a new key: published again, and the old cache file is removed.
    csv_path = data / "iro/2021-22/legal_status.csv"
    csv_path.write_text(csv_path.read_text() + "\n")
    pipeline.prepare(config)
    assert calls == [1, 1]
    assert len(list((tmp_path / "cache").glob("published-*.pickle"))) == 1
    # A changed setting is a new key too.
    stricter = resolve({"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache"),
                        "SUPPRESSION_THRESHOLD": 6}, ROOT / "content")
    assert pipeline._fingerprint(stricter) != pipeline._fingerprint(config)


def test_invalid_data_is_never_cached(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "iro/2021-22/legal_status.csv").write_text("wrong\n")
    config = resolve({"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache")},
                     ROOT / "content")
    site, problems = pipeline.prepare(config)
    assert site is None and problems
    assert not (tmp_path / "cache").exists()
