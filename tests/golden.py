"""The golden sample site (Pelican's own functional-test pattern): a new council's site as
`transparency new-site` writes it, with its example periods, built in-process on a fixed day.
Its text output (pages, inline charts, stylesheets, scripts, downloads, the data packages) is
committed under tests/golden/sample/, and tests/test_golden.py compares a fresh build with it
file by file. After a change meant to alter the output, `invoke golden` writes it again; the
diff is then reviewed like code. PDFs and the search index's binary files are not compared
(tests/test_pdf.py and the browser tests check them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden" / "sample"
ORGANISATION = "Sample Borough Council"
AREA = "Sample"
CONTACT = "reports@sample.example.gov.uk"
# The day the sample is built (SOURCE_DATE_EPOCH): pages say how old each report's figures are.
BUILT = "1785000000"  # 25 July 2026
TEXT = (".html", ".csv", ".json", ".xml", ".css", ".js", ".txt", ".svg")


def build_sample(folder: Path) -> Path:
    """Write the sample site into `folder`/site and build it in this process; returns its
    output folder. Raises whatever the build raises (a failed build is a failed test)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from transparency.cli import new_site

    site = folder / "site"
    new_site(site, ORGANISATION, area=AREA, contact=CONTACT, engine="csc-transparency[site]")
    output = folder / "output"
    before, epoch = Path.cwd(), os.environ.get("SOURCE_DATE_EPOCH")
    os.chdir(site)  # the settings' paths are taken from the folder Pelican runs in
    os.environ["SOURCE_DATE_EPOCH"] = BUILT
    try:
        settings = read_settings(str(site / "pelicanconf.py"),
                                 override={"OUTPUT_PATH": str(output), "PATH": str(site / "content")})
        Pelican(settings).run()
    finally:
        os.chdir(before)
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    return output


def text_files(output: Path) -> dict[str, str]:
    """Every text file of a built site by its path in the site (POSIX), as text."""
    return {path.relative_to(output).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(output.rglob("*")) if path.is_file() and path.suffix in TEXT}


def write_golden(output: Path) -> int:
    """Replace tests/golden/sample/ with the text files of `output`; returns how many."""
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    files = text_files(output)
    for name, text in files.items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)
