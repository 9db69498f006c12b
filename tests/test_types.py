"""The engine passes `mypy --strict` (issue 16): its types are checked, not only written.

mypy runs with the settings in pyproject.toml's [tool.mypy] (strict, the engine's package,
only the libraries that ship no types let through); `invoke test` and pre-commit run it too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_engine_passes_mypy_strict():
    # mypy's own cache (.mypy_cache, ignored by git) keeps a re-run to seconds; it re-checks
    # whatever changed.
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout}{result.stderr}"
