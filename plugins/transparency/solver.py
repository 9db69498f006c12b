"""HiGHS, set up once for the whole package: the disclosure audit and optimal secondary
suppression both solve small integer programmes with it."""

from __future__ import annotations

import os
import sys

import highspy

_QUIET = False


def _highs() -> highspy.Highs:
    # highspy is typed, but its Highs.__init__ has no "-> None", so mypy calls it untyped.
    return highspy.Highs()  # type: ignore[no-untyped-call]


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance with no optimality gap, on one thread.

    HiGHS prints its banner from C++ when the first instance of a process is made, before any
    option can be set, so that one is made with standard output pointed at /dev/null:
    `invoke check` and the build print only what concerns the reader. The gap is 0 because the
    default (1e-4) can stop a maximum near 10^7 a thousand short; the thread count is the same
    for every instance because HiGHS refuses to run once its shared scheduler was started with
    another."""
    global _QUIET
    if _QUIET:
        h = _highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = _highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _QUIET = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("threads", 1)
    return h
