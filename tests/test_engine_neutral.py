"""The engine names no council: everything about a council comes from its site's settings,
data and content (issue 12). A fork that deletes this site's content still has a clean engine."""

from __future__ import annotations

import re
from pathlib import Path

import transparency

ENGINE = Path(transparency.__file__).parent
# Names a council's site uses that must never be written into the engine or its theme.
COUNCIL_WORDS = re.compile(r"Bradford|Yorkshire and the Humber|West Yorkshire|Calderdale|Kirklees",
                           re.IGNORECASE)


def _council_words(root: Path, paths: list[Path]) -> list[str]:
    found = []
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (
                ".py", ".html", ".css", ".js", ".md", ".yaml", ".txt", ".svg", ".csv", ".toml", ""):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(root)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
                      for m in COUNCIL_WORDS.finditer(text)]
    return found


def test_no_council_is_named_in_the_engine_or_its_theme():
    found = _council_words(ENGINE, list(ENGINE.rglob("*")))
    assert not found, "\n".join(found)


def test_the_fixture_council_the_engine_tests_build_is_no_real_one():
    """The engine's integration tests build a fictional council (tests/fixtures/council/):
    nothing of this repository's own council is in its settings, data or content."""
    from sites import COUNCIL, SITE_FILES

    paths = [p for name in SITE_FILES for p in ([COUNCIL / name] if (COUNCIL / name).is_file()
                                                 else (COUNCIL / name).rglob("*"))]
    assert len(paths) > 30
    found = _council_words(COUNCIL, paths)
    assert not found, "\n".join(found)


def test_the_check_can_fail(tmp_path, monkeypatch):
    (tmp_path / "x.py").write_text("AREA = 'Bradford'\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "ENGINE", tmp_path)
    try:
        test_no_council_is_named_in_the_engine_or_its_theme()
    except AssertionError as error:
        assert "x.py:1: Bradford" in str(error)
    else:
        raise AssertionError("the check did not see 'Bradford'")
