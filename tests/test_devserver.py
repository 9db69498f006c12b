"""The editors' preview server: rebuild on change, reload, and errors on the page."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from transparency import devserver


def test_rebuilds_on_change_and_shows_errors_instead_of_a_stale_site(tmp_path: Path):
    output = tmp_path / "output"
    output.mkdir()
    source = tmp_path / "content.md"
    source.write_text("first")
    builds: list[str] = []

    def build() -> str | None:
        text = source.read_text()
        builds.append(text)
        if "broken" in text:
            return "content.md, line 1: '{{ nosuch }}' is not a name"
        (output / "index.html").write_text(f"<html><body><p>{text}</p></body></html>")
        return None

    stop = threading.Event()
    port_holder: list[int] = []
    original = devserver.http.server.ThreadingHTTPServer

    class Recording(original):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            port_holder.append(self.server_address[1])

    devserver.http.server.ThreadingHTTPServer = Recording
    try:
        thread = threading.Thread(target=devserver.serve,
                                  args=(output, [source], build, 0, 0.05, stop), daemon=True)
        thread.start()
        while not port_holder:
            time.sleep(0.01)
        base = f"http://127.0.0.1:{port_holder[0]}"

        def get(path: str) -> tuple[int, str]:
            try:
                with urllib.request.urlopen(base + path) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()

        status, body = get("/")
        assert status == 200 and "first" in body and devserver.RELOAD_PATH in body
        generation = json.loads(get(devserver.RELOAD_PATH)[1])["generation"]

        def wait_for_generation(after: int) -> int:
            for _ in range(200):
                now = json.loads(get(devserver.RELOAD_PATH)[1])["generation"]
                if now > after:
                    return now
                time.sleep(0.02)
            raise AssertionError("no rebuild")

        time.sleep(0.02)
        source.write_text("broken edit")
        generation = wait_for_generation(generation)
        status, body = get("/")
        assert status == 500
        assert "The site did not build" in body and "is not a name" in body
        assert "first" not in body  # no stale page

        source.write_text("fixed")
        wait_for_generation(generation)
        status, body = get("/")
        assert status == 200 and "fixed" in body
        assert builds == ["first", "broken edit", "fixed"]
    finally:
        stop.set()
        devserver.http.server.ThreadingHTTPServer = original
