"""Benchmarks, run by `invoke bench`. They print measured ratios against baselines run in
the same session; nothing here asserts a time.

They measure the site in this repository (content/ and data/; "the seed site": Bradford's,
as docs/performance.md reports) and copy its latest IRO period for the synthetic site.
pytest does not run this file.

1. Chart rendering: our pipeline (cache off, worker processes) against raw vl-convert
   rendering of the same specs in this process.
2. Builds of the seed site, cold (no chart cache) and warm (after a narrative edit), against
   a plain Pelican build of the same Markdown with our plugin disabled.
3. Page weight of every report page, gzipped, with and without the chart JavaScript.
4. A synthetic site of about 2,000 report pages: cold and warm build times.
5. The disclosure audit: suppressing and auditing the seed data with the whole-site model
   against the same with each period audited on its own (the design before issue 10), and
   the whole-site audit of the synthetic site's data.
6. The editors' loop: with `invoke serve` running on a copy of the seed site, the time from
   saving a one-sentence narrative edit, and a data edit to one period, until the served page
   shows it (median of three each), against bare Pelican building the same Markdown.
   `benchmark.py preview` (`invoke bench --preview`) runs only this one.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
PROJECT_FILES = ("content", "data", "plugins", "theme", "pelicanconf.py", "publishconf.py")


def _pelican(project: Path, output: Path, extra_settings: dict | None = None) -> float:
    """Run a real Pelican build in a fresh process; return wall-clock seconds."""
    args = [sys.executable, "-m", "pelican", str(project / "content"), "-s",
            str(project / "pelicanconf.py"), "-o", str(output), "-q"]
    if extra_settings:
        # One -e with every pair: given again, -e replaces the pairs before it (argparse), so
        # the old baseline disabled nothing but its last setting, and ran our plugin.
        args += ["-e", *(f"{key}={json.dumps(value)}" for key, value in extra_settings.items())]
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, check=False,
                            env={**os.environ, "COLUMNS": "200"})
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def _copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, target / name)
    return target


def _transparency(project: Path) -> dict:
    """The project's TRANSPARENCY settings, for a build that changes some of them (-e replaces
    the whole dict)."""
    from pelican.settings import read_settings

    return dict(read_settings(str(project / "pelicanconf.py"))["TRANSPARENCY"])


def _latest_iro() -> str:
    """The site's latest IRO period, which the synthetic site copies (Bradford's: 2021-22)."""
    import yaml

    folders = [p.parent for p in (ROOT / "data" / "iro").glob("*/period.yaml")]
    return max(folders, key=lambda f: str(yaml.safe_load((f / "period.yaml").read_text())["period_end"])).name


# Bare Pelican on the same Markdown: no plugin, Pelican's own theme, every article and page
# and its category pages, no index, tag, author or archive page and no feeds, so a ratio
# against it measures what our engine adds. (The earlier baseline passed each setting in its
# own -e, so only the last one applied and it ran our plugin: 11 to 22 s for 12 pages.)
PLAIN = {"PLUGINS": [], "THEME": "notmyidea", "ARTICLE_URL": "{category}/{slug}/",
         "ARTICLE_SAVE_AS": "{category}/{slug}/index.html", "DIRECT_TEMPLATES": [],
         "TAG_SAVE_AS": "", "AUTHOR_SAVE_AS": "",
         "ARCHIVES_SAVE_AS": "", "FEED_ALL_ATOM": None, "CATEGORY_FEED_ATOM": None,
         "TRANSLATION_FEED_ATOM": None, "AUTHOR_FEED_ATOM": None, "AUTHOR_FEED_RSS": None,
         "DEFAULT_DATE": "fs"}


def bench_charts() -> None:
    import vl_convert
    from pelican.settings import read_settings

    from transparency.chart_pages import chart_tables, collect
    from transparency.chart_render import render_all
    from transparency.pipeline import config_from, prepare
    from transparency.trends import key_measures

    config = config_from(read_settings(str(ROOT / "pelicanconf.py")))
    site, _ = prepare(config)
    assert site is not None
    base = list(collect(chart_tables(config, site, key_measures(site))).values())
    # Vary the specs so nothing is cached or repeated: 120 distinct charts.
    specs = {}
    for i in range(120):
        spec = json.loads(json.dumps(base[i % len(base)]))
        spec["description"] = f"variant {i}"
        specs[f"k{i}"] = spec
    vl_convert.vegalite_to_svg(base[0])  # warm this process, as the pipeline's workers warm themselves
    start = time.perf_counter()
    for spec in specs.values():
        vl_convert.vegalite_to_svg(spec)
    raw = time.perf_counter() - start
    start = time.perf_counter()
    _, stats = render_all(specs, None, workers=config.chart_workers)
    ours = time.perf_counter() - start
    print(f"charts: {len(specs)} specs; raw vl-convert {len(specs) / raw:.0f} charts/s; "
          f"our pipeline ({stats.workers} workers, including their start-up) "
          f"{len(specs) / ours:.0f} charts/s; ratio {raw / ours:.2f}")


def bench_builds(tmp: Path) -> None:
    project = _copy_project(tmp / "seed")
    cache = project / ".cache" / "charts"
    settings = {"TRANSPARENCY": {**_transparency(project), "DATA_PATH": str(project / "data"),
                                 "CHART_CACHE": str(cache)}}
    plain_cold = _pelican(project, tmp / "plain", PLAIN)
    ours_cold = _pelican(project, tmp / "ours", settings)
    narrative = project / "content" / "iro" / f"{_latest_iro()}.md"
    narrative.write_text(narrative.read_text() + "\nAn edited sentence.\n")
    plain_warm = _pelican(project, tmp / "plain", PLAIN)
    rendered_before = len(list(cache.glob("*.svg")))
    ours_warm = _pelican(project, tmp / "ours", settings)
    rendered_after = len(list(cache.glob("*.svg")))
    print(f"seed site: plain Pelican cold {plain_cold:.2f}s, ours cold {ours_cold:.2f}s "
          f"(ratio {ours_cold / plain_cold:.2f}); after a narrative edit plain {plain_warm:.2f}s, "
          f"ours {ours_warm:.2f}s (ratio {ours_warm / plain_warm:.2f}); charts newly rendered on "
          f"the warm build: {rendered_after - rendered_before}")
    page_weights(tmp / "ours")


def _invoke_build(project: Path) -> float:
    """`invoke build` in a site's folder, in a fresh process; wall-clock seconds."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "invoke", "build"], cwd=project, capture_output=True,
                            text=True, check=False, env={**os.environ, "COLUMNS": "200"})
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"invoke build failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def bench_incremental(tmp: Path, runs: int = 3) -> None:
    """`invoke build` on a copy of the seed site: cold, with nothing changed, after a narrative
    edit and after a data edit to one period, against bare Pelican on the same Markdown."""
    project = _copy_project(tmp / "incremental")
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    cold = _invoke_build(project)
    noop = _median([_invoke_build(project) for _ in range(runs)])
    period = _latest_iro()
    narrative = project / "content" / "iro" / f"{period}.md"
    edits: list[float] = []
    for run in range(runs):
        narrative.write_text(narrative.read_text() + f"\nAn edited sentence, {run}.\n")
        edits.append(_invoke_build(project))
    figures = project / "data" / "iro" / period / "period.yaml"
    name, _ = DATA_EDIT  # the figure the preview's benchmark edits
    pattern = re.compile(rf"(\n  {name}:\n(?:    .*\n)*?    value: )(\d+)\n")
    data: list[float] = []
    for value in (16, 17, 18)[:runs]:
        text, count = pattern.subn(rf"\g<1>{value}\n", figures.read_text(), count=1)
        if count != 1:
            raise SystemExit(f"{figures}: no figure {name} to edit")
        figures.write_text(text)
        data.append(_invoke_build(project))
    base = _median([_pelican(project, tmp / f"plain-incremental-{i}", PLAIN) for i in range(runs)])
    print(f"invoke build (seed site): cold {cold:.2f}s; nothing changed {noop:.2f}s; after a "
          f"narrative edit {_median(edits):.2f}s; after a data edit ({name}) {_median(data):.2f}s "
          f"(medians of {runs}); bare Pelican {base:.2f}s: ratios {noop / base:.2f} nothing "
          f"changed, {_median(edits) / base:.2f} narrative, {_median(data) / base:.2f} data")


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def page_weights(output: Path) -> None:
    css = (output / "theme/css/main.css").read_bytes()
    js = (output / "theme/js/charts.js").read_bytes()
    print("page weight (gzipped; HTML includes inline SVG charts, two layouts each):")
    for page in sorted(output.glob("*/*/index.html")):
        html = page.read_bytes()
        without = _gz(html) + _gz(css)
        has_js = b"charts.js" in html
        with_js = without + (_gz(js) if has_js else 0)
        print(f"  {page.parent.relative_to(output)}: {without / 1024:.0f} KB without JS"
              + (f", {with_js / 1024:.0f} KB with the chart JS" if has_js else " (no charts)"))


def _perturbed_tables(meta: dict, csvs: dict[str, list[list[str]]], rng: random.Random) -> dict[str, str]:
    """Each count table's cells scaled by a random factor, totals recomputed."""
    out: dict[str, str] = {}
    for spec in (meta.get("tables") or {}).values():
        rows = csvs[spec["file"]]
        header, body = rows[0], rows[1:]
        if spec.get("unit") == "count":
            factor = rng.uniform(0.6, 1.4)
            cells = {tuple(r[:-1]): r[-1] for r in body}
            inner = {k: (str(round(float(v) * factor)) if v not in ("x", "z") else v)
                     for k, v in cells.items() if "Total" not in k}
            base = dict(inner)
            for key in cells:
                if "Total" in key:
                    values = [v for k, v in inner.items()
                              if all(t in ("Total", m) for t, m in zip(key, k, strict=True))]
                    base[key] = ("x" if any(v in ("x", "z") for v in values)
                                 else str(sum(int(v) for v in values)))
            body = [[*key, base[key]] for key in cells]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *body])
        out[spec["file"]] = buffer.getvalue()
    return out


def synthetic_site(target: Path, pages: int = 2000, authorities: int = 20,
                   charts_per_page: int = 2) -> Path:
    """About `pages` report periods: `authorities` × 3 report kinds × enough monthly-named
    periods, each a perturbed copy of the seed's latest IRO period's data and narrative, keeping its
    first `charts_per_page` charts (the others become tables)."""
    import yaml

    rng = random.Random(1)
    project = _copy_project(target)
    shutil.rmtree(project / "data")
    shutil.rmtree(project / "content")
    (project / "content" / "pages").mkdir(parents=True)
    for page in (ROOT / "content" / "pages").glob("*.md"):
        shutil.copy(page, project / "content" / "pages" / page.name)
    template = ROOT / "data" / "iro" / _latest_iro()
    meta0 = yaml.safe_load((template / "period.yaml").read_text())
    meta0.pop("previous", None)
    meta0.pop("printed", None)
    meta0.pop("relations", None)  # they name the previous period, which synthetic ones lack
    for spec in (meta0.get("tables") or {}).values():
        spec.pop("population", None)
    csvs = {spec["file"]: list(csv.reader(io.StringIO((template / spec["file"]).read_text())))
            for spec in meta0["tables"].values()}
    narrative = (ROOT / "content" / "iro" / f"{template.name}.md").read_text()
    narrative = re.sub(r"^\{\{ trend .*$", "", narrative, flags=re.M)
    narrative = re.sub(r"\{\{ (change|previous) [a-z_]+ \}\}", "", narrative)
    charts = iter(range(10**6))
    narrative = re.sub(r"^\{\{ chart ([a-z_0-9]+)[^}]*\}\}$",
                       lambda m: m.group(0) if next(charts) < charts_per_page
                       else f"{{{{ table {m.group(1)} }}}}", narrative, flags=re.M)
    kinds = [f"{k}_{a:02d}" for a in range(authorities) for k in ("iro", "cp", "qa")]
    per_kind = -(-pages // len(kinds))
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for kind in kinds:
        (project / "content" / kind).mkdir(parents=True)
        for j in range(per_kind):
            year, month = 1950 + j // 12, j % 12 + 1
            name = f"{year}-{month:02d}-to-{year}-{month:02d}"
            folder = project / "data" / kind / name
            folder.mkdir(parents=True)
            meta = dict(meta0, report=kind, period=name, period_start=f"{year}-{month:02d}-01",
                        period_end=f"{year}-{month:02d}-28")
            (folder / "period.yaml").write_text(
                yaml.dump(meta, Dumper=dumper, sort_keys=False, allow_unicode=True))
            for file, text in _perturbed_tables(meta0, csvs, rng).items():
                (folder / file).write_text(text)
            # A unique slug, so plain Pelican does not treat same-named periods of different
            # reports as translations of one another.
            (project / "content" / kind / f"{name}.md").write_text(f"Slug: {kind}-{name}\n" + narrative)
    reports = {k: {"label": f"Report {k}", "short_label": k, "description": "Synthetic."} for k in kinds}
    conf = project / "pelicanconf.py"
    conf.write_text(conf.read_text().replace(
        'ARTICLE_PATHS = ["iro", "cp", "qa"]', f"ARTICLE_PATHS = {kinds!r}").replace(
        '"DATA_PATH": str(HERE / "data"),', f'"DATA_PATH": str(HERE / "data"), "REPORTS": {reports!r},'))
    return project


def bench_synthetic(tmp: Path, pages: int) -> None:
    start = time.perf_counter()
    project = synthetic_site(tmp / "synthetic", pages)
    count = len(list((project / "content").glob("*_*/*.md")))
    print(f"synthetic site: {count} report pages generated in {time.perf_counter() - start:.0f}s")
    cold = _pelican(project, tmp / "synthetic-out")
    edited = next((project / "content").glob("iro_00/*.md"))
    edited.write_text(edited.read_text() + "\nAn edited sentence.\n")
    warm = _pelican(project, tmp / "synthetic-out")
    plain = _pelican(project, tmp / "synthetic-plain", PLAIN)
    print(f"synthetic site: cold {cold:.1f}s, warm (charts cached) {warm:.1f}s; plain Pelican "
          f"{plain:.1f}s (ratios {cold / plain:.1f} cold, {warm / plain:.1f} warm)")


def _publish_seconds(data: Path, reports: dict, whole_site: bool = True, runs: int = 3) -> float:
    """Median seconds to load, suppress and audit a data folder (no Pelican)."""
    from transparency import publish
    from transparency.load import load_site
    from transparency.settings import resolve

    config = resolve({"DATA_PATH": str(data), "REPORTS": reports}, ROOT / "content")
    real = publish.audit_site
    if not whole_site:
        publish.audit_site = lambda *a, **k: []  # type: ignore[assignment]
    try:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            site, problems = load_site(config.data_path, config.reports)
            if problems:
                raise SystemExit(problems.report())
            published = publish.publish_site(site, config)
            times.append(time.perf_counter() - start)
            if published.findings:
                raise SystemExit("\n".join(f.describe() for f in published.findings))
    finally:
        publish.audit_site = real
    return sorted(times)[len(times) // 2]


def bench_audit(tmp: Path, pages: int) -> None:
    from transparency.settings import resolve

    reports = dict(resolve({}, ROOT / "content").reports)
    model = _publish_seconds(ROOT / "data", reports)
    alone = _publish_seconds(ROOT / "data", reports, whole_site=False)
    print(f"disclosure audit, seed data: {model:.2f}s with the whole-site model, {alone:.2f}s "
          f"auditing each period alone (ratio {model / alone:.2f})")
    if pages:
        project = synthetic_site(tmp / "synthetic-audit", pages)
        synthetic_reports = {k.name: {"label": k.name, "short_label": k.name,
                                      "description": "Synthetic."}
                             for k in (project / "data").iterdir()}
        count = len(list((project / "data").glob("*/*/period.yaml")))
        seconds = _publish_seconds(project / "data", synthetic_reports, runs=1)
        print(f"disclosure audit, synthetic site: {count} periods suppressed and audited as one "
              f"site in {seconds:.1f}s on {os.cpu_count()} cores")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode())
    except (urllib.error.URLError, ConnectionError):
        return ""  # not served yet, or the problem page


def _generation(url: str) -> int:
    """The preview's build generation (devserver.RELOAD_PATH), -1 before it serves."""
    from urllib.parse import urljoin

    text = _page(urljoin(url, "/__reload"))
    return int(json.loads(text)["generation"]) if text else -1


def _seconds_until(url: str, text: str, after: int = -1, timeout: float = 600) -> float:
    """Seconds from now until the build after generation `after` has finished (when the
    browser is told to reload) and the page at `url` contains `text` (asked every 20 ms)."""
    start = time.perf_counter()
    while _generation(url) <= after or text not in _page(url):
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"{url} never showed {text!r}")
        time.sleep(0.02)
    return time.perf_counter() - start


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


# The data edit: a figure of the latest IRO period that the page quotes and no relation
# uses, saved as 16, 17 and 18 in turn; what the page then says.
DATA_EDIT = ("iro_fte", "permanent IROs: <span class=\"app-ref\">{} FTE</span>")
SETTLE = 6.0  # seconds after each reload: the slow steps (downloads, audit, search) finish


def bench_preview(tmp: Path, runs: int = 3) -> None:
    """`invoke serve` on a copy of the seed site: save an edit, time until its build has
    finished (the browser is told to reload) and the served page shows it."""
    project = _copy_project(tmp / "preview")
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    if (ROOT / ".cache" / "charts").is_dir():  # an editor's usual state: charts drawn before
        shutil.copytree(ROOT / ".cache" / "charts", project / ".cache" / "charts")
    period = _latest_iro()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/iro/{period}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)], cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "COLUMNS": "200"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    narrative_times: list[float] = []
    data_times: list[float] = []
    try:
        first = _seconds_until(url, "</html>")
        time.sleep(SETTLE)
        narrative = project / "content" / "iro" / f"{period}.md"
        for word in ("alpha", "bravo", "charlie")[:runs]:
            sentence = f"A benchmark sentence, {word}."
            before = _generation(url)
            narrative.write_text(narrative.read_text() + f"\n{sentence}\n")
            narrative_times.append(_seconds_until(url, sentence, before))
            time.sleep(SETTLE)
        data = project / "data" / "iro" / period / "period.yaml"
        name, shown = DATA_EDIT
        pattern = re.compile(rf"(\n  {name}:\n(?:    .*\n)*?    value: )(\d+)\n")
        for value in (16, 17, 18)[:runs]:
            text, count = pattern.subn(rf"\g<1>{value}\n", data.read_text(), count=1)
            if count != 1:
                raise SystemExit(f"{data}: no figure {name} to edit")
            before = _generation(url)
            data.write_text(text)
            data_times.append(_seconds_until(url, shown.format(value), before))
            time.sleep(SETTLE)
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl+C: the server stops its build process
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    # Bare Pelican on the same Markdown, now edited, in this run (fresh process each).
    plain = [_pelican(project, tmp / "preview-plain", PLAIN) for _ in range(runs)]
    base, narrative_s, data_s = _median(plain), _median(narrative_times), _median(data_times)
    print(f"preview (invoke serve, seed site, iro/{period}; first build {first:.1f}s): "
          f"narrative edit on the page in {narrative_s:.2f}s "
          f"(runs {', '.join(f'{t:.2f}' for t in narrative_times)}), data edit to one period "
          f"({name}) in {data_s:.2f}s (runs {', '.join(f'{t:.2f}' for t in data_times)}); bare "
          f"Pelican builds the same Markdown in {base:.2f}s (median of {runs}): ratios "
          f"{narrative_s / base:.2f} narrative, {data_s / base:.2f} data")


def main() -> None:
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if sys.argv[1:2] == ["preview"]:
        with tempfile.TemporaryDirectory() as tmp:
            bench_preview(Path(tmp))
        return
    if sys.argv[1:2] == ["incremental"]:
        with tempfile.TemporaryDirectory() as tmp:
            bench_incremental(Path(tmp))
        return
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        bench_audit(Path(tmp), min(pages, 300))
        bench_charts()
        bench_builds(Path(tmp))
        bench_preview(Path(tmp))
        bench_incremental(Path(tmp))
        if pages:
            bench_synthetic(Path(tmp), pages)


if __name__ == "__main__":
    main()
