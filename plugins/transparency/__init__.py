"""Children's social care transparency reports: the engine (`csc-transparency`).

The core (loading, validation, metrics, suppression, the disclosure audit, charts, tables and
downloads) is plain modules that do not import Pelican. Pelican loads this package as a
plugin and calls `register()`, which connects the adapter (adapter.py) to Pelican's signals.
"""

from __future__ import annotations

from pathlib import Path

# The engine's default theme (templates and static files), installed with the package.
THEME_PATH = Path(__file__).parent / "theme"
try:
    from importlib.metadata import version as _version

    __version__ = _version("csc-transparency")
except Exception:
    __version__ = "0+unknown"


def register() -> None:
    """Pelican's plugin entry point: connect the adapter to Pelican's signals."""
    from .adapter import register as connect

    connect()
