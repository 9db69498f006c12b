"""Progress lines and the warnings summary that builds print."""

from __future__ import annotations

import io
import re

from transparency.progress import Progress


def test_each_stage_is_one_timed_line():
    out = io.StringIO()
    progress = Progress(out)
    progress.stage("charts: 3 (1 rendered with 1 process, 2 from cache)")
    line = out.getvalue()
    assert re.fullmatch(r"transparency \[ +\d+\.\ds\] charts: 3 \(1 rendered with 1 process, 2 from "
                        r"cache\)\n", line), line


def test_summary_lists_every_warning_or_says_there_are_none():
    out = io.StringIO()
    progress = Progress(out)
    progress.summary()
    assert out.getvalue().rstrip().endswith("no warnings")
    out.truncate(0)
    out.seek(0)
    progress.warn("content/iro/2021-22.md, line 3: '2 young people' looks like a small count")
    progress.warn("data/iro/2021-22/period.yaml, line 9: 'FILL IN' is a placeholder")
    progress.summary()
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("] 2 warnings:")
    assert lines[1:] == ["  - content/iro/2021-22.md, line 3: '2 young people' looks like a small count",
                         "  - data/iro/2021-22/period.yaml, line 9: 'FILL IN' is a placeholder"]
