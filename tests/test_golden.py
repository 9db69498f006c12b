"""The golden sample site: a fresh in-process build of `transparency new-site`'s example site
must give exactly the committed text output (tests/golden.py). A change meant to alter the
output is reviewed through `invoke golden`, which writes it again: the diff shows every page
the change touched."""

from __future__ import annotations

import difflib

from golden import GOLDEN, build_sample, text_files


def test_the_sample_site_builds_to_its_golden_output(tmp_path):
    built = text_files(build_sample(tmp_path))
    golden = text_files(GOLDEN)
    assert golden, f"{GOLDEN} is empty: run `invoke golden`"
    added, removed = sorted(built.keys() - golden.keys()), sorted(golden.keys() - built.keys())
    assert not added and not removed, (
        f"files added {added}, removed {removed}; if meant, run `invoke golden` and review the diff")
    differing = sorted(name for name in built if built[name] != golden[name])
    if differing:
        first = differing[0]
        diff = "".join(list(difflib.unified_diff(
            golden[first].splitlines(keepends=True), built[first].splitlines(keepends=True),
            f"golden/{first}", f"built/{first}", n=1))[:60])
        raise AssertionError(f"{len(differing)} file(s) differ from tests/golden/sample "
                             f"({', '.join(differing[:8])}); if meant, run `invoke golden` and "
                             f"review the diff. First:\n{diff}")
