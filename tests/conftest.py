"""Shared test set-up: tests import the installed engine package `transparency`, and the
helper module `support` from this folder."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (Path(__file__).resolve().parent,):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
