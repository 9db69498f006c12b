"""Progress lines for long builds, and a summary of warnings at the end.

Pelican shows only warnings and errors, and with --fatal warnings any logged warning stops the
build, so progress and (non-fatal) warnings are written straight to stderr, one line per stage:

    transparency [  0.4s] data: 8 periods, 62 tables, suppressed and audited (from cache)
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.start = time.perf_counter()
        self.warnings: list[str] = []

    def stage(self, text: str) -> None:
        stream = self.stream or sys.stderr
        print(f"transparency [{time.perf_counter() - self.start:6.1f}s] {text}", file=stream,
              flush=True)

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def summary(self) -> None:
        if not self.warnings:
            self.stage("no warnings")
            return
        self.stage(f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}:")
        for text in self.warnings:
            print(f"  - {text}", file=self.stream or sys.stderr, flush=True)
