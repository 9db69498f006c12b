"""The editors' preview: rebuild on change, a pushed reload, errors on the page, and (on the
fixture council, with the real long-lived build process) edits that reach the page."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import sites
from transparency import devserver, tasks
from transparency.preview import PreviewProcess

WAIT = 300.0  # seconds: a generous bound for a slow, shared machine; nothing here is timed


@contextlib.contextmanager
def running(output: Path, watch: list[Path], build: Callable[[frozenset[str]], str | None],
            later: Callable[[], Iterator[str | None]] | None = None,
            notes: Callable[[], list[str]] | None = None) -> Iterator[str]:
    """devserver.serve in a thread on a free port; yields its address."""
    stop = threading.Event()
    ports: list[int] = []
    original = devserver.http.server.ThreadingHTTPServer

    class Recording(original):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            ports.append(self.server_address[1])

    devserver.http.server.ThreadingHTTPServer = Recording
    failures: list[BaseException] = []

    def serve() -> None:
        try:
            devserver.serve(output, watch, build, 0, 0.05, stop, later, notes)
        except BaseException as error:  # seen by the test, not lost in the thread
            failures.append(error)

    thread = threading.Thread(target=serve, daemon=True)
    try:
        thread.start()
        deadline = time.monotonic() + WAIT
        while not ports:
            assert not failures, failures
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{ports[0]}"
    finally:
        stop.set()
        thread.join(30)
        devserver.http.server.ThreadingHTTPServer = original
    assert not failures, failures


def get(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def generation(base: str) -> int:
    return int(json.loads(get(base, devserver.RELOAD_PATH)[1])["generation"])


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


class Events:
    """A client of the server-sent event stream, reading each event's data as it comes."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        self.connection.request("GET", devserver.EVENTS_PATH)
        self.response = self.connection.getresponse()

    def next(self) -> str:
        """The next event's data (skipping comments and the retry line), within WAIT seconds:
        the server's keep-alive comments would otherwise keep a missing event waiting for
        ever (a CI run hung on it)."""
        deadline = time.monotonic() + WAIT
        while True:
            assert time.monotonic() < deadline, "no event came"
            line = self.response.fp.readline().decode()
            assert line, "the stream ended"
            if line.startswith("data: "):
                return line.removeprefix("data: ").strip()

    def close(self) -> None:
        self.connection.close()


def test_rebuilds_on_change_and_shows_errors_instead_of_a_stale_site(tmp_path: Path, capsys):
    output = tmp_path / "output"
    output.mkdir()
    source = tmp_path / "content.md"
    source.write_text("first")
    builds: list[tuple[str, frozenset[str]]] = []

    def build(changed: frozenset[str]) -> str | None:
        text = source.read_text()
        builds.append((text, changed))
        if "broken" in text:
            return "content.md, line 1: '{{ nosuch }}' is not a name"
        (output / "index.html").write_text(f"<html><body><p>{text}</p></body></html>")
        return None

    with running(output, [source], build) as base:
        status, body = get(base, "/")
        assert status == 200 and "first" in body
        # The reload is pushed (an event stream), not polled; the page says it is a preview.
        assert devserver.EVENTS_PATH in body and "EventSource" in body and "setTimeout" not in body
        assert "Preview on this computer: not published" in body
        first = generation(base)
        time.sleep(0.02)
        source.write_text("broken edit")
        wait_for(lambda: generation(base) > first, "a rebuild")
        status, body = get(base, "/")
        assert status == 500
        assert "The site did not build" in body and "is not a name" in body
        assert "first" not in body  # no stale page
        # The terminal says what failed too, not only "see the browser".
        assert "content.md, line 1: '{{ nosuch }}' is not a name" in capsys.readouterr().out
        second = generation(base)
        source.write_text("fixed")
        wait_for(lambda: generation(base) > second, "a rebuild")
        status, body = get(base, "/")
        assert status == 200 and "fixed" in body
    assert [text for text, _ in builds] == ["first", "broken edit", "fixed"]
    assert builds[0][1] == frozenset() and builds[1][1] == {str(source)}


def test_the_event_stream_delivers_an_event_after_each_build(tmp_path: Path):
    output = tmp_path / "output"
    output.mkdir()
    source = tmp_path / "content.md"
    source.write_text("one")

    def build(changed: frozenset[str]) -> str | None:
        (output / "index.html").write_text(f"<html><body>{source.read_text()}</body></html>")
        return None

    with running(output, [source], build) as base:
        events = Events(base)
        try:
            assert events.response.getheader("Content-Type") == "text/event-stream"
            now = events.next()  # the generation the server is at, at once
            assert now == str(generation(base))
            # A save in the same clock tick as the file's creation, and of the same size,
            # looks unchanged to the watcher: wait a tick, as an editor's save would.
            time.sleep(0.05)
            source.write_text("two")
            assert events.next() == str(int(now) + 1)  # pushed when the build finished
            assert "two" in get(base, "/")[1]
        finally:
            events.close()


def test_slow_steps_run_after_the_reload_and_a_finding_shows_on_the_page(tmp_path: Path, capsys):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("<html><body>page</body></html>")
    source = tmp_path / "content.md"
    source.write_text("fine")
    ran: list[tuple[str, int]] = []
    state: dict[str, str] = {}

    def build(changed: frozenset[str]) -> str | None:
        state["built"] = source.read_text()
        return None

    def later() -> Iterator[str | None]:
        text = state["built"]
        ran.append(("downloads", generation(state["base"]) if "base" in state else 0))
        yield None
        ran.append(("audit", 0))
        yield "the built site shows small counts of children" if "small" in text else None

    with running(output, [source], build, later) as base:
        state["base"] = base
        wait_for(lambda: ("audit", 0) in ran, "the slow steps after the first build")
        assert get(base, "/")[0] == 200
        before = generation(base)
        source.write_text("small")
        wait_for(lambda: get(base, "/")[0] == 500, "the step's finding on the page")
        _status, body = get(base, "/")
        assert "small counts of children" in body
        assert "failed (the page shows it too):\nthe built site shows small counts" in \
            capsys.readouterr().out
        # The page was told to reload for the build, then again for the finding.
        assert generation(base) == before + 2
        # The slow steps ran after the build had been recorded (the browser told to reload).
        downloads = [g for step, g in ran if step == "downloads"]
        assert downloads[-1] == before + 1


# --- The real thing: the long-lived build process on the fixture council -------------------

PAGE = "/iro/2022-23/"
CHARTS_RE = re.compile(r'<figure class="app-chart.*?</figure>', re.S)
TABLES_RE = re.compile(r"<table\b.*?</table>", re.S)


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    """`invoke serve`'s wiring (tasks.serve) on a copy of the fixture council: the project,
    the server's address and the preview's folder."""
    project = sites.copy_project(tmp_path_factory.mktemp("preview"))
    folder = project / ".cache" / "preview"
    folder.mkdir(parents=True)
    process = PreviewProcess(project, "pelicanconf.py", folder)
    watch = [project / "content", project / "data", project / "theme", project / "pelicanconf.py"]
    try:
        with running(folder, watch, lambda changed: process.build(), process.later,
                     lambda: process.notes) as base:
            status, body = get(base, PAGE)
            assert status == 200, body
            yield project, base, folder
    finally:
        process.close()


def _served_after_edit(base: str, path: Path, old: str, new: str, expect: str) -> str:
    """Save the edit; the page once the build has finished (the browser is told to reload
    then; a page written earlier in the build can be served before its banner is)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    before = generation(base)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    wait_for(lambda: generation(base) > before and expect in get(base, PAGE)[1],
             f"{expect!r} on the page")
    return get(base, PAGE)[1]


def test_a_narrative_edit_shows_and_the_data_parts_match_a_clean_build(preview, tmp_path):
    project, base, _ = preview
    sentence = "This sentence was added in the preview."
    served = _served_after_edit(base, project / "content" / "iro" / "2022-23.md",
                                "## About the service\n", f"## About the service\n\n{sentence}\n",
                                sentence)
    clean = tmp_path / "clean"
    result = sites.build(clean, project=project)
    assert result.returncode == 0, result.stderr
    built = (clean / "iro" / "2022-23" / "index.html").read_text(encoding="utf-8")
    assert sentence in built
    for pattern in (CHARTS_RE, TABLES_RE):
        assert pattern.findall(built), pattern.pattern  # the page has charts and tables
        assert pattern.findall(served) == pattern.findall(built)


def test_a_data_edit_shows_the_new_figure(preview):
    project, base, _ = preview
    served = _served_after_edit(base, project / "data" / "iro" / "2022-23" / "period.yaml",
                                "    value: 41\n", "    value: 47\n",
                                '"count">47</span> informal challenges')
    assert '"count">41</span> informal challenges' not in served


def test_a_typed_hidden_number_shows_in_the_banner_at_once(preview):
    # In a preview (as in `invoke build`) the narrative check's findings are warnings that a
    # publish build fails on; the served page lists them in its banner.
    from pelican.settings import read_settings

    from transparency.pipeline import _secrets_cached, config_from, prepare

    project, base, _ = preview
    config = config_from(read_settings(str(project / "pelicanconf.py")))
    site, problems = prepare(config)
    assert site is not None, problems.report()
    hidden = sorted(n for n in _secrets_cached(config, site)[0]["iro/2022-23"]
                    if n > config.sensitive_threshold and n.is_integer())
    assert hidden, "the fixture hides a number above the threshold (a complement)"
    sentence = f"We reviewed {int(hidden[0])} plans in the spring."
    served = _served_after_edit(base, project / "content" / "iro" / "2022-23.md",
                                "## About the service\n", f"## About the service\n\n{sentence}\n",
                                sentence)
    banner = served.split("</div>", 1)[0]
    assert "is a number this site hides in this period" in banner, (sentence, banner[-600:])


def test_invalid_data_shows_the_problem_and_a_fix_recovers(preview):
    project, base, _ = preview
    data = project / "data" / "iro" / "2022-23" / "period.yaml"
    text = data.read_text(encoding="utf-8")
    figure = re.search(r"informal_challenges:\n(?:    .*\n)*?    value: (\d+)\n", text)
    assert figure is not None
    broken = text.replace(figure.group(0), figure.group(0).replace(
        f"value: {figure.group(1)}", "value: forty-one"), 1)
    data.write_text(broken, encoding="utf-8")
    wait_for(lambda: get(base, PAGE)[0] == 500, "the problem page")
    _status, body = get(base, PAGE)
    assert "The site did not build" in body and "period.yaml" in body
    data.write_text(text.replace(figure.group(0), figure.group(0).replace(
        f"value: {figure.group(1)}", "value: 44"), 1), encoding="utf-8")
    wait_for(lambda: '"count">44</span> informal challenges' in get(base, PAGE)[1], "the fix")
    assert get(base, PAGE)[0] == 200


def test_nothing_from_the_preview_is_where_publish_deploys_from(preview, monkeypatch):
    project, _base, folder = preview
    # Let the slow steps finish, so everything the preview writes is written.
    wait_for(lambda: (folder / "pagefind").is_dir(), "the preview's search index")
    assert not (project / "output").exists()  # the preview never writes `invoke build`'s folder
    for name in ("ROOT", "OUTPUT", "PREVIEW"):  # put back after the test
        monkeypatch.setattr(tasks, name, getattr(tasks, name))
    tasks.collection(project)
    assert tasks.PREVIEW == folder and tasks.OUTPUT == project / "output"
    built: list[Path] = []
    deployed: list[tuple[Path, set[str]]] = []

    class Target:
        def deploy(self, site: Path) -> None:
            deployed.append((site, {str(p.relative_to(site)) for p in site.rglob("*")}))

    def pelican_run(c: object, conf: str, output: Path, extra: str = "") -> None:
        assert conf == "publishconf.py"
        assert not output.exists() or not any(output.iterdir())  # a fresh, empty folder
        built.append(output)
        shutil.copytree(project / "theme", output / "from-the-publish-build")

    monkeypatch.setattr(tasks, "_deploy_target", lambda target: Target())
    monkeypatch.setattr(tasks, "_check_or_exit", lambda conf: None)
    monkeypatch.setattr(tasks, "pelican_run", pelican_run)
    monkeypatch.setattr("transparency.linkcheck.broken_links", lambda site, url: [])
    tasks.publish.body(None)
    assert len(deployed) == 1 and deployed[0][0] == built[0]
    site, files = deployed[0]
    assert not site.is_relative_to(project) and not site.is_relative_to(folder)
    assert files and all(f.startswith("from-the-publish-build") for f in files)
    preview_files = {str(p.relative_to(folder)) for p in folder.rglob("*")}
    assert preview_files and not preview_files & files


def test_serve_builds_in_one_process_and_a_fresh_one_after_an_engine_edit(tmp_path, monkeypatch):
    # tasks.serve's wiring: the preview folder, the watched paths, and a fresh build process
    # only when the engine's own code changed.
    import transparency.preview

    asked: list[bool] = []
    served: dict[str, object] = {}

    class Process:
        def __init__(self, root: Path, conf: str, output: Path) -> None:
            served["process"] = (root, conf, output)

        def build(self, fresh: bool = False) -> str | None:
            asked.append(fresh)
            return None

        def later(self) -> Iterator[str | None]:
            yield None

        def close(self) -> None:
            served["closed"] = True

    def serve(output, watch, build, port, later=None, notes=None):
        served.update(output=output, watch=watch, port=port, later=later, notes=notes)
        build(frozenset())
        build(frozenset({str(tmp_path / "content" / "iro" / "2021-22.md")}))
        build(frozenset({str(Path(tasks.__file__).parent / "charts.py")}))

    monkeypatch.setattr(transparency.preview, "PreviewProcess", Process)
    monkeypatch.setattr(devserver, "serve", serve)
    for name in ("ROOT", "OUTPUT", "PREVIEW"):
        monkeypatch.setattr(tasks, name, getattr(tasks, name))
    tasks.collection(tmp_path)
    tasks.serve.body(None, port=8123)
    assert asked == [False, False, True]
    assert served["output"] == tmp_path / ".cache" / "preview" != tmp_path / "output"
    assert served["process"] == (tmp_path, "pelicanconf.py", tmp_path / ".cache" / "preview")
    assert Path(tasks.__file__).parent in served["watch"] and served["closed"] is True
