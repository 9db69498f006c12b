"""A local preview server for editors: serves the built site, rebuilds when content, data,
theme or plugins change, reloads the browser, and shows a failed build's problems on the page
instead of a stale site. For local use only (binds to 127.0.0.1)."""

from __future__ import annotations

import html
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

RELOAD_PATH = "/__reload"
IGNORED_PARTS = {"__pycache__", ".cache", ".git", "output"}
RELOAD_SCRIPT = (
    "<script>(function(){var g=null;function poll(){fetch('" + RELOAD_PATH + "')"
    ".then(function(r){return r.json()}).then(function(s){if(g!==null&&s.generation!==g)"
    "{location.reload()}g=s.generation}).catch(function(){})"
    ".finally(function(){setTimeout(poll,1000)})}poll()}());</script>")


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
    def __init__(self) -> None:
        self.generation = 0
        self.error: str | None = None
        self.lock = threading.Lock()

    def record(self, error: str | None) -> None:
        with self.lock:
            self.error = error
            self.generation += 1


def error_page(error: str) -> bytes:
    return (f"<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Build failed"
            f"</title></head><body style=\"font-family:system-ui,sans-serif;margin:2em\">"
            f"<h1>The site did not build</h1><p>Fix the problems below and save; this page "
            f"reloads by itself. Nothing has been published.</p><pre style=\"white-space:pre-wrap;"
            f"background:#f3f2f1;padding:1em\">{html.escape(error)}</pre>{RELOAD_SCRIPT}"
            f"</body></html>").encode()


class Handler(http.server.SimpleHTTPRequestHandler):
    state: BuildState

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == RELOAD_PATH:
            body = json.dumps({"generation": self.state.generation}).encode()
            self._send(200, "application/json", body)
            return
        if self.state.error is not None:
            self._send(500, "text/html; charset=utf-8", error_page(self.state.error))
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            text = path.read_text(encoding="utf-8").replace("</body>", RELOAD_SCRIPT + "</body>", 1)
            self._send(200, "text/html; charset=utf-8", text.encode())
            return
        super().do_GET()

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve(output: Path, watch: list[Path], build: Callable[[], str | None], port: int,
          interval: float = 0.5, stop: threading.Event | None = None) -> None:
    """Build, serve on 127.0.0.1:port, and rebuild on every change until `stop` is set."""
    state = BuildState()
    state.record(build())
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             partial(handler, directory=str(output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"Serving on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    stop = stop or threading.Event()
    seen = snapshot(watch)
    try:
        while not stop.wait(interval):
            now = snapshot(watch)
            if now != seen:
                seen = now
                started = time.perf_counter()
                error = build()
                state.record(error)
                verdict = "failed (see the browser)" if error else "done"
                print(f"Rebuilt in {time.perf_counter() - started:.1f}s: {verdict}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
