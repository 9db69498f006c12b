"""The pipeline's cache of the published site: reused only while data, settings and code
are unchanged; and drafts, on copies of the fictional fixture council's data
(tests/fixtures/council/)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sites import COUNCIL
from transparency import pipeline
from transparency.settings import resolve


def test_published_site_is_cached_by_data_settings_and_code(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(COUNCIL / "data", data)
    config = resolve({"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache")},
                     COUNCIL / "content")
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
    csv_path = data / "iro/2022-23/legal_status.csv"
    csv_path.write_text(csv_path.read_text() + "\n")
    pipeline.prepare(config)
    assert calls == [1, 1]
    assert len(list((tmp_path / "cache").glob("published-*.pickle"))) == 1
    # A changed setting is a new key too.
    stricter = resolve({"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache"),
                        "SUPPRESSION_THRESHOLD": 6}, COUNCIL / "content")
    assert pipeline._fingerprint(stricter) != pipeline._fingerprint(config)


def test_invalid_data_is_never_cached(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(COUNCIL / "data", data)
    (data / "iro/2022-23/legal_status.csv").write_text("wrong\n")
    config = resolve({"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache")},
                     COUNCIL / "content")
    site, problems = pipeline.prepare(config)
    assert site is None and problems
    assert not (tmp_path / "cache").exists()


def _drafted(tmp_path: Path, key: str = "iro/2022-23") -> tuple[Path, Path]:
    """A copy of the fixture council's data and content with one period marked as a draft."""
    data, content = tmp_path / "data", tmp_path / "content"
    shutil.copytree(COUNCIL / "data", data)
    shutil.copytree(COUNCIL / "content", content)
    yaml_path = data / key / "period.yaml"
    text = yaml_path.read_text()
    yaml_path.write_text(text.replace("\npublished:", "\nstatus: draft\npublished:", 1))
    return data, content


def test_a_draft_is_left_out_of_a_build_without_drafts(tmp_path):
    data, content = _drafted(tmp_path)
    base = {"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache")}
    preview, problems = pipeline.prepare(resolve({**base, "INCLUDE_DRAFTS": True}, content))
    assert not problems
    assert preview.periods["iro/2022-23"].draft
    assert not preview.periods["iro/2021-22"].draft
    assert preview.excluded_drafts == ()
    published, problems = pipeline.prepare(resolve(base, content))
    assert not problems, problems.report(tmp_path)
    assert "iro/2022-23" not in published.periods
    assert published.excluded_drafts == ("iro/2022-23",)
    # Every other period is published exactly as in the preview.
    assert {k: v for k, v in preview.periods.items() if k != "iro/2022-23"} == published.periods


def test_a_published_period_cannot_follow_a_draft(tmp_path):
    data, content = _drafted(tmp_path, "iro/2021-22")
    site, problems = pipeline.prepare(resolve({"DATA_PATH": str(data),
                                               "DATA_CACHE": str(tmp_path / "cache")}, content))
    assert site is None
    assert any("'previous' is 2021-22, which is a draft" in p.format() and
               "iro/2022-23/period.yaml" in p.format() for p in problems.items)


def test_a_published_period_needs_its_publication_date(tmp_path):
    data, content = _drafted(tmp_path)
    yaml_path = data / "iro/2022-23/period.yaml"
    lines = [line for line in yaml_path.read_text().splitlines() if not line.startswith("published:")]
    yaml_path.write_text("\n".join(lines) + "\n")
    base = {"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache"), "INCLUDE_DRAFTS": True}
    site, problems = pipeline.prepare(resolve(base, content))
    assert not problems and site.periods["iro/2022-23"].draft  # a draft may have no date yet
    yaml_path.write_text(yaml_path.read_text().replace("status: draft", "status: published"))
    site, problems = pipeline.prepare(resolve(base, content))
    assert site is None
    assert any("the required date 'published' is missing" in p.format() for p in problems.items)
    yaml_path.write_text(yaml_path.read_text().replace("status: published", "status: finished"))
    site, problems = pipeline.prepare(resolve(base, content))
    assert any("'finished' is not a valid status" in p.format() and "use one of: published, draft"
               in p.format() for p in problems.items)


def test_a_draft_still_being_filled_in_does_not_stop_a_publish_build(tmp_path):
    data, content = _drafted(tmp_path)
    yaml_path = data / "iro/2022-23/period.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("\ntitle:", "\ntitle: FILL IN the title\n"
                                                       "old_title:", 1))
    csv_path = data / "iro/2022-23/legal_status.csv"
    csv_path.write_text(csv_path.read_text().replace("668", "", 1))
    base = {"DATA_PATH": str(data), "DATA_CACHE": str(tmp_path / "cache")}
    preview, problems = pipeline.prepare(resolve({**base, "INCLUDE_DRAFTS": True}, content))
    assert preview is None and len(problems) >= 2  # previewing shows the draft's problems
    published, problems = pipeline.prepare(resolve(base, content))
    assert not problems, problems.report(tmp_path)
    assert "iro/2022-23" not in published.periods and "iro/2021-22" in published.periods
