"""The editors' preview build: one long-lived process that runs Pelican again and again.

`invoke serve` (tasks.py) starts a `PreviewProcess`, a worker process that keeps in memory
what did not change between saves: the published site (loaded, suppressed and audited; by the
fingerprint of every data file, the settings and the engine, pipeline.py), the charts' specs
and drawings (by what they are drawn from, chart_pages.ChartMemo) and the narrative lint's
reading of unchanged text (numbers.allowed_spans). A narrative edit re-reads, re-suppresses,
re-audits and re-draws nothing; a data edit publishes and audits the whole site again (the
disclosure audit across periods runs on every data change) and draws only charts whose table
changed.

The slow outputs (downloads, the whole-site output audit, the search index) are not made
between the save and the reload: the build leaves them as steps (adapter.DEFERRED_KEY) that
the server runs one at a time after the reload, abandoning them when another save comes.
PDFs are not printed in the preview at all; `invoke build` prints them. An edit to the engine
itself starts a fresh worker, so that the new code runs.

The preview writes only into its own folder (tasks.PREVIEW), never where `invoke build` or
`invoke publish` put a site.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import jinja2

# What the server asks the worker, and what "no more deferred steps" looks like on the pipe.
BUILD, STEP, STOP = "build", "step", "stop"
NO_MORE = "no more steps"
STOPPED = ("The preview's build process stopped unexpectedly (see the terminal); save again to "
           "retry.")


class _Warnings(logging.Handler):
    """Every warning or error logged during a build, for the error page (Pelican's fatal
    logger stops the build with only "Warning or error encountered")."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


class _TemplatesInMemory(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept between builds (Pelican makes a new environment each
    build); Jinja checks each template's source against its checksum, so an edit takes effect."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill the bucket with what was compiled before, if anything was."""
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep what Jinja just compiled."""
        self.store[bucket.key] = bucket.bytecode_to_string()


class PreviewBuilder:
    """Runs Pelican in this process, as `invoke build` does (warnings are errors), into
    `output`, keeping what did not change in memory between builds."""

    def __init__(self, root: Path, conf: str, output: Path) -> None:
        from pelican.log import init as init_logging

        from .chart_pages import ChartMemo
        from .pipeline import keep_suppression

        self.root, self.conf, self.output = root, conf, output
        self.charts = ChartMemo()
        self.templates = _TemplatesInMemory()
        keep_suppression()
        self.deferred: list[tuple[str, Callable[[], None]]] = []
        # The last build's warnings (the narrative check's, which fail a publish build): the
        # served pages list them in their banner.
        self.notes: list[str] = []
        self.warnings = _Warnings()
        init_logging(fatal="warnings", name="pelican")
        logging.getLogger().addHandler(self.warnings)

    def build(self) -> str | None:
        """Build the site; None if it built, else its problems as text (the page shows them)."""
        import pelican
        from pelican.log import LimitFilter
        from pelican.settings import read_settings

        from .adapter import (
            CHART_MEMO_KEY,
            DEFERRED_KEY,
            PROGRESS_KEY,
            READER_CACHE_KEY,
            DisclosureError,
        )
        from .problems import DataError

        self.deferred = []
        self.notes = []
        self.warnings.messages = []
        # Pelican lets each warning through once per process; a long-lived process must see a
        # warning every build, or a repeated one would no longer stop it.
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()
        deferred: list[tuple[str, Callable[[], None]]] = []
        try:
            settings = read_settings(str(self.root / self.conf),
                                     override={"OUTPUT_PATH": str(self.output)})
            settings[CHART_MEMO_KEY] = self.charts
            conf = hashlib.sha256((self.root / self.conf).read_bytes()).hexdigest()
            settings[READER_CACHE_KEY] = (str(self.output.parent / "preview-readers"), conf)
            settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}),
                                             "bytecode_cache": self.templates}
            settings[DEFERRED_KEY] = deferred
            pelican.Pelican(settings).run()
            progress = settings.get(PROGRESS_KEY)
            self.notes = list(progress.warnings) if progress is not None else []
        except (DataError, DisclosureError) as error:
            return str(error)
        except Exception as error:  # any failure is shown on the page, never a stale site
            logged = "\n".join(self.warnings.messages)
            return (logged + "\n" if logged else "") + "".join(
                traceback.format_exception_only(type(error), error))
        if self.warnings.messages:  # fatal warnings raise; this is a belt to their braces
            return "\n".join(self.warnings.messages)
        self.deferred = deferred
        return None

    def step(self) -> str | None:
        """Run the next deferred output step: None if it passed, its problem as text if not,
        NO_MORE when none is left. A failed step drops the rest."""
        from .adapter import DisclosureError

        if not self.deferred:
            return NO_MORE
        _, run = self.deferred.pop(0)
        try:
            run()
        except Exception as error:  # the output audit's finding, or any failure
            self.deferred = []
            if isinstance(error, DisclosureError):
                return str(error)
            return "".join(traceback.format_exception_only(type(error), error))
        return None


def _serve_builds(connection: Connection, root: str, conf: str, output: str) -> None:
    """The worker's loop: build, or run a deferred step, when the server asks."""
    os.chdir(root)  # as `invoke build` runs Pelican: paths in messages are from the site
    builder = PreviewBuilder(Path(root), conf, Path(output))
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the server has gone
            return
        if request == BUILD:
            connection.send((builder.build(), builder.notes))
        elif request == STEP:
            connection.send(builder.step())
        else:
            return


class PreviewProcess:
    """The server's handle on the worker process (spawn-started: vl-convert must not be
    forked, and an engine edit needs fresh imports). A worker that dies is a problem on the
    page, and the next build starts a new one."""

    def __init__(self, root: Path, conf: str, output: Path) -> None:
        self.args = (str(root), conf, str(output))
        self.process: Any = None
        self.connection: Connection | None = None
        self.notes: list[str] = []  # the last build's warnings

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        # Not a daemon: it starts worker processes of its own (charts, as `invoke build`
        # does). It ends when asked (close), or when the server's end of the pipe closes.
        self.process = context.Process(target=_serve_builds, args=(theirs, *self.args),
                                       name="transparency-preview", daemon=False)
        self.process.start()
        theirs.close()
        self.connection = mine
        return mine

    def _ask(self, request: str) -> Any:
        connection = self.connection or self._start()
        try:
            connection.send(request)
            return connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.close()
            return STOPPED

    def build(self, fresh: bool = False) -> str | None:
        """Build; `fresh` first replaces the worker (its memory and the engine's code). Its
        problems as text, or None; its warnings in `notes`."""
        if fresh:
            self.close()
        answer = self._ask(BUILD)
        if answer == STOPPED:
            self.notes = []
            return STOPPED
        error, self.notes = answer
        return error  # type: ignore[no-any-return]

    def later(self) -> Iterator[str | None]:
        """The last build's deferred steps, one per next(): None when a step passed, its
        problem as text when not."""
        while self.connection is not None:
            answer: str | None = self._ask(STEP)
            if answer == NO_MORE:
                return
            yield answer
            if answer is not None:
                return

    def close(self) -> None:
        """Stop the worker (it is started again when next asked to build)."""
        if self.connection is not None:
            try:
                self.connection.send(STOP)
            except (OSError, BrokenPipeError):
                pass
            self.connection.close()
            self.connection = None
        if self.process is not None:
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
            self.process = None
