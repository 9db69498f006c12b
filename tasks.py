"""Tasks for the Bradford site: the engine's (transparency.tasks), plus the benchmark, the
docs' generated tables and the golden sample site's expected output.

Run `invoke --list`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from invoke import task

from transparency.tasks import collection

ROOT = Path(__file__).parent.resolve()
ns = collection(ROOT)


@task(help={"pages": "report pages in the synthetic site (0 to skip it)",
            "preview": "only the editors' loop: invoke serve, edit, time until the page shows it",
            "incremental": "only `invoke build`: cold, nothing changed, after a narrative or data edit"})
def bench(c, pages=2000, preview=False, incremental=False):
    """Print benchmark ratios: charts, seed-site builds, page weight, synthetic site, the editors' loop."""
    what = "preview" if preview else "incremental" if incremental else int(pages)
    c.run(f'"{sys.executable}" "{ROOT / "tests" / "benchmark.py"}" {what}', pty=False)


@task
def golden(c):
    """Write the golden sample site's expected output again (tests/golden/sample/), after a
    change meant to alter it; review the diff before committing."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from golden import GOLDEN, build_sample, write_golden

    with tempfile.TemporaryDirectory() as folder:
        count = write_golden(build_sample(Path(folder)))
    print(f"wrote {count} files to {GOLDEN}; review them with `git diff --stat {GOLDEN}`")


@task
def docs(c):
    """Regenerate the docs' reference tables from the declarations (data format, settings)."""
    files = " ".join(f'"{ROOT / "docs" / name}"' for name in ("data-format.md", "settings.md"))
    c.run(f'"{sys.executable}" -m transparency.doctables {files}', pty=False)


ns.add_task(bench)
ns.add_task(docs)
ns.add_task(golden)
