"""A local preview server for editors: serves the built site, rebuilds when content, data,
theme or plugins change, pushes the reload to the browser (server-sent events), and shows a
failed build's problems on the page instead of a stale site. Every page it serves carries a
banner saying it is a preview. For local use only (binds to 127.0.0.1)."""

from __future__ import annotations

import html
import http.server
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

RELOAD_PATH = "/__reload"  # the build's state as JSON: {"generation": n, "error": bool}
EVENTS_PATH = "/__events"  # server-sent events: the generation, each time a build finishes
IGNORED_PARTS = {"__pycache__", ".cache", ".git", "output"}
KEEPALIVE = 15.0  # seconds between comments on an idle event stream
# Pushed, not polled: the page opens one event stream and reloads when the generation it was
# served at is not the latest. Without JavaScript (or EventSource) nothing happens: reload by
# hand. The browser reconnects by itself when the server restarts.
RELOAD_SCRIPT = (
    "<script>(function(){if(!window.EventSource)return;var g=%d;"
    "new EventSource('" + EVENTS_PATH + "').onmessage=function(e){"
    "if(+e.data!==g)location.reload()}}());</script>")
BANNER = (
    '<div role="note" style="font:16px/1.4 system-ui,sans-serif;background:#fff7bf;color:#0b0c0c;'
    'padding:.5em 1em;border-bottom:3px solid #0b0c0c">Preview on this computer: not published. '
    "Downloads, the search index and the check of every built file follow a moment after each "
    "reload; PDFs are not made here (<code>invoke build</code> makes them).</div>")


def banner(notes: list[str]) -> str:
    """The preview banner, with the latest build's warnings (each would fail a publish
    build, or asks for a setting) listed under it."""
    if not notes:
        return BANNER
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return BANNER.replace("</div>", f"<details><summary>{len(notes)} warning"
                          f"{'s' if len(notes) != 1 else ''} from this build (a publish build "
                          f"fails on those about the narrative)</summary><ul>{items}</ul>"
                          "</details></div>")


def snapshot(paths: Iterable[Path]) -> dict[str, tuple[float, int]]:
    """Modification time and size of every file under the watched paths."""
    state: dict[str, tuple[float, int]] = {}
    for root in paths:
        files = [root] if root.is_file() else root.rglob("*")
        for path in files:
            if path.is_file() and not IGNORED_PARTS & set(path.parts):
                stat = path.stat()
                state[str(path)] = (stat.st_mtime, stat.st_size)
    return state


class BuildState:
    """The latest build's outcome and its generation (one more per build), shared by the
    watcher and every request; `changed` wakes the event streams."""

    def __init__(self) -> None:
        self.generation = 0
        self.error: str | None = None
        self.notes: list[str] = []  # the latest build's warnings, listed in the banner
        self.closed = False
        self.changed = threading.Condition()

    def record(self, error: str | None, notes: list[str] | None = None) -> None:
        """A build (or a deferred step) finished: `error` is its problems, None if it passed;
        `notes` its warnings (None: as they were)."""
        with self.changed:
            self.error = error
            if notes is not None:
                self.notes = list(notes)
            self.generation += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The generation once it is not `seen` (or after `timeout` seconds, or on close)."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen or self.closed, timeout)
            return self.generation

    def close(self) -> None:
        """End every event stream."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()


def error_page(error: str, generation: int = 0) -> bytes:
    """The page every address shows while the latest build has failed: its problems."""
    return (f"<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Build failed"
            f"</title></head><body style=\"font-family:system-ui,sans-serif;margin:2em\">"
            f"<h1>The site did not build</h1><p>Fix the problems below and save; this page "
            f"reloads by itself. Nothing has been published.</p><pre style=\"white-space:pre-wrap;"
            f"background:#f3f2f1;padding:1em\">{html.escape(error)}</pre>"
            f"{RELOAD_SCRIPT % generation}</body></html>").encode()


class Handler(http.server.SimpleHTTPRequestHandler):
    state: BuildState

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        state = self.state
        generation, error = state.generation, state.error
        if self.path == RELOAD_PATH:
            body = json.dumps({"generation": generation, "error": error is not None}).encode()
            self._send(200, "application/json", body)
            return
        if self.path == EVENTS_PATH:
            self._events()
            return
        if error is not None:
            self._send(500, "text/html; charset=utf-8", error_page(error, generation))
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner(state.notes), text, count=1)
            text = text.replace("</body>", RELOAD_SCRIPT % generation + "</body>", 1)
            self._send(200, "text/html; charset=utf-8", text.encode())
            return
        super().do_GET()

    def _events(self) -> None:
        """A text/event-stream: the current generation at once, then each new one."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not self.state.closed:
                now = self.state.generation if seen < 0 else self.state.wait(seen, KEEPALIVE)
                self.wfile.write(f"data: {now}\n\n".encode() if now != seen else b": idle\n\n")
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _changed(before: dict[str, tuple[float, int]], after: dict[str, tuple[float, int]]) -> frozenset[str]:
    return frozenset(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def serve(output: Path, watch: list[Path], build: Callable[[frozenset[str]], str | None],
          port: int, interval: float = 0.2, stop: threading.Event | None = None,
          later: Callable[[], Iterator[str | None]] | None = None,
          notes: Callable[[], list[str]] | None = None) -> None:
    """Build, serve on 127.0.0.1:port, and rebuild on every change until `stop` is set.

    `build` hears which files changed (none, the first time) and returns its problems as
    text, or None. After a build that passed, `later` gives the slow steps that can wait
    (each next() runs one: None if it passed, its problem if not); they run one at a time
    after the browser has been told to reload, and are dropped when a file changes. `notes`
    gives the last build's warnings, for the banner."""
    state = BuildState()
    first = build(frozenset())
    state.record(first, notes() if notes else None)
    if first:
        print(f"The first build failed (the page shows it too):\n{first}", flush=True)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             partial(handler, directory=str(output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"Serving on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    stop = stop or threading.Event()
    seen = snapshot(watch)
    pending = later() if later and state.error is None else None
    try:
        while pending is not None or not stop.wait(interval):
            if stop.is_set():
                break
            now = snapshot(watch)
            if now != seen:
                changed, seen = _changed(seen, now), now
                started = time.perf_counter()
                error = build(changed)
                state.record(error, notes() if notes else None)  # the browser reloads now
                verdict = f"failed (the page shows it too):\n{error}" if error else "done"
                print(f"Rebuilt in {time.perf_counter() - started:.1f}s: {verdict}", flush=True)
                pending = later() if later and error is None else None
            elif pending is not None:
                outcome = next(pending, "")
                if outcome is None:
                    continue
                pending = None
                if outcome:  # a deferred step's problem (the output audit's finding)
                    state.record(outcome)
                    print(f"A check after the reload failed (the page shows it too):\n{outcome}",
                          flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        state.close()
        server.shutdown()
        server.server_close()
