"""Shared test set-up: tests import the installed engine package `transparency`, and the
helper modules `support` and `sites` from this folder."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (Path(__file__).resolve().parent,):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


import pytest  # noqa: E402 - after the path set-up above, so that `support` imports


@pytest.fixture
def files(tmp_path: Path):
    """A valid period folder (support.write_period) in tmp_path/data, to break one thing at a time."""
    import support

    return support.write_period(tmp_path / "data")


@pytest.fixture(scope="session")
def council_site(tmp_path_factory) -> Path:
    """The fictional fixture council's site (tests/fixtures/council/), built once for every
    test module that only reads it, as `invoke build` builds it."""
    import sites

    output = tmp_path_factory.mktemp("council-site")
    result = sites.build(output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output
