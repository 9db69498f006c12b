"""The engine's invoke tasks: check, build, serve, new, revise, publish, rollback, test.

A site's own tasks.py hands them its folder and adds any tasks of its own:

    from pathlib import Path
    from transparency.tasks import collection

    ns = collection(Path(__file__).parent)

Run `invoke --list` in the site's folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from invoke.collection import Collection
from invoke.context import Context
from invoke.tasks import task

if TYPE_CHECKING:  # imported where used, so `invoke --list` loads none of the engine
    from transparency.deploy import Target
    from transparency.settings import Config

# The site's folder (where its tasks.py, pelicanconf.py, content/ and data/ are), set by
# collection(); the current folder until then.
ROOT = Path.cwd()
OUTPUT = ROOT / "output"
# Where `invoke serve` builds its preview: its own folder, never output/ (which `invoke build`
# writes) nor the fresh folder `invoke publish` builds and deploys from.
PREVIEW = ROOT / ".cache" / "preview"
PY = sys.executable


def collection(root: Path) -> Collection:
    """The engine's tasks for the site in `root`, as an invoke Collection to extend."""
    global ROOT, OUTPUT, PREVIEW
    ROOT = Path(root).resolve()
    OUTPUT = ROOT / "output"
    PREVIEW = ROOT / ".cache" / "preview"
    return Collection.from_module(sys.modules[__name__])


def _config(conf: str) -> Config:
    """The engine's settings from the site's Pelican settings file; a bad setting is a message
    and a non-zero exit, not a traceback."""
    from transparency.pipeline import config_from
    from transparency.settings import SettingsError

    try:
        return config_from(_settings(conf))
    except SettingsError as error:
        sys.exit(f"{conf}: {error}")


def _settings(conf: str) -> dict[str, Any]:
    from pelican.settings import read_settings

    settings: dict[str, Any] = read_settings(str(ROOT / conf))  # Pelican ships no types
    return settings


def pelican_run(c: Context, conf: str, output: Path, extra: str = "") -> None:
    """Every build goes through here: warnings are errors, so nothing half-built passes."""
    c.run(f'"{PY}" -m pelican "{ROOT / "content"}" -s "{ROOT / conf}" -o "{output}" '
          f"--fatal warnings {extra}", pty=False, env={"COLUMNS": "200"})


def _build_into(c: Context, conf: str, target: Path) -> tuple[int, int]:
    """Build into a fresh temporary folder and only then replace the target, so a failed
    build never leaves a half-built site in place. Files whose bytes did not change stay the
    files they were (incremental.keep_unchanged); returns (unchanged, new or changed)."""
    from transparency.incremental import keep_unchanged

    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        pelican_run(c, conf, staging)
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        counts = (keep_unchanged(staging, target) if target.is_dir()
                  else (0, sum(1 for p in staging.rglob("*") if p.is_file())))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        return counts
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _build_inputs(conf: str) -> str:
    """incremental.inputs_digest of a build of this site with `conf`."""
    from transparency.incremental import inputs_digest
    from transparency.settings import SETTINGS_KEY, SettingsError, resolve
    from transparency.time_spans import build_date

    settings = _settings(conf)
    try:
        config = resolve(settings.get(SETTINGS_KEY), settings.get("PATH", "content"))
    except SettingsError as error:
        sys.exit(f"{conf}: {error}")
    extra = [config.content_path, config.data_path, Path(settings.get("THEME") or ROOT)]
    return inputs_digest(ROOT, OUTPUT, settings, build_date().isoformat(), extra)


@task(help={"publish": "check as the publish build does: narrative warnings become errors"})
def check(c: Context, publish: bool = False) -> None:
    """Validate all data and narrative, run the disclosure audit; list every problem."""
    from transparency.lint_findings import disclosure_log_summary
    from transparency.pipeline import information_loss, lint_narrative, prepare

    config = _config("publishconf.py" if publish else "pelicanconf.py")
    site, problems = prepare(config)
    if problems:
        print(problems.report(ROOT), file=sys.stderr)
        if site is None:
            print("(Unfinished text and hand-typed counts in the narrative are checked once the "
                  "data is valid.)", file=sys.stderr)
        sys.exit(1)
    assert site is not None
    lint = lint_narrative(config, site)
    if lint.problems:
        label = "Errors" if config.narrative_lint_strict else "Warnings (the publish build fails on these)"
        print(f"{label}:\n{lint.problems.report(ROOT)}", file=sys.stderr)
        if config.narrative_lint_strict:
            sys.exit(1)
    print(f"OK: {len(site.periods)} report periods, "
          f"{sum(len(p.tables) for p in site.periods.values())} tables, disclosure audit passed.")
    print("Information loss (what suppression hides, per period):")
    print("\n".join(information_loss(site)))
    if site.combined:
        print("Hidden beyond each table's own rule, because of what a reader can combine "
              "(linked tables, periods, reports, versions), and the relation that required it:")
        print("\n".join(f"  {reason}" for reason in site.combined))
    print(disclosure_log_summary(lint.log, ROOT, full=publish))
    if site.excluded_drafts:
        print(f"Not checked: {', '.join(site.excluded_drafts)}, a draft that publish builds leave "
              "out. 'invoke check' without --publish checks drafts too.")


def _check_or_exit(conf: str) -> None:
    """Validate before Pelican runs, so problems are listed plainly, all at once."""
    from transparency.pipeline import lint_narrative, prepare

    config = _config(conf)
    site, problems = prepare(config)
    if site is not None and config.narrative_lint_strict:
        problems.extend(lint_narrative(config, site).problems)
    if problems:
        print(problems.report(ROOT), file=sys.stderr)
        sys.exit(1)


@task(help={"publish": "build with publishconf.py: hand-typed small counts of people fail the build",
            "force": "build even if nothing has changed since the last build"})
def build(c: Context, publish: bool = False, force: bool = False) -> None:
    """Build the site into output/ (refuses to build from invalid data); does nothing if
    nothing it reads has changed since the last build (see docs/performance.md)."""
    from transparency.incremental import stamp_build, up_to_date

    conf = "publishconf.py" if publish else "pelicanconf.py"
    stamp = ROOT / ".cache" / "build-stamp.json"
    inputs = _build_inputs(conf)
    if not force and up_to_date(stamp, inputs, OUTPUT):
        print(f"{OUTPUT} is up to date: nothing it is built from has changed since the last "
              f"build with {conf}. (`invoke build --force` builds it again.)")
        return
    stamp.unlink(missing_ok=True)
    _check_or_exit(conf)
    unchanged, written = _build_into(c, conf, OUTPUT)
    stamp_build(stamp, inputs, OUTPUT)
    print(f"Built {OUTPUT}: {written} files new or changed, {unchanged} unchanged")


@task(help={"period": "a period such as iro/2021-22; \"all\" lists every period"})
def catalogue(c: Context, period: str) -> None:
    """List every name a report period offers to the narrative, e.g. `invoke catalogue iro/2021-22`."""
    from transparency.pipeline import catalogue as list_names
    from transparency.pipeline import prepare

    site, problems = prepare(_config("pelicanconf.py"))
    if site is None:
        print(problems.report(ROOT), file=sys.stderr)
        sys.exit(1)
    keys = sorted(site.periods) if period == "all" else [period]
    for key in keys:
        if key not in site.periods:
            print(f"No period '{key}'. Periods: {', '.join(sorted(site.periods))}", file=sys.stderr)
            sys.exit(1)
        print(list_names(site, key))
        print()


@task(help={"report": "the report kind: iro, cp or qa",
            "period": "the new period's name: 2022-23 (April to March) or 2022-10-to-2023-09",
            "excel": "write the tables as one Excel workbook, a sheet per table, instead of CSV files"})
def new(c: Context, report: str, period: str, excel: bool = False) -> None:
    """Start a new period from the previous one: data templates and a narrative skeleton to fill in."""
    from transparency.scaffold import ScaffoldError, new_period

    config = _config("pelicanconf.py")
    try:
        made = new_period(config.data_path, config.content_path, config.reports, report, period,
                          excel=excel)
    except ScaffoldError as exc:
        print(f"invoke new: {exc}", file=sys.stderr)
        sys.exit(1)
    print(made.summary(ROOT))


@task(help={"period": "the published period to correct, such as iro/2021-22"})
def revise(c: Context, period: str) -> None:
    """Keep the period's data as published before you correct it (data/<period>/revisions/<today>/)."""
    import datetime as dt

    from transparency.revisions import snapshot

    folder = _config("pelicanconf.py").data_path / period
    if not (folder / "period.yaml").is_file():
        sys.exit(f"No period '{period}': there is no {folder / 'period.yaml'}")
    today = dt.date.today()
    try:
        kept = snapshot(folder, today)
    except FileExistsError as exc:
        sys.exit(str(exc))
    print(f"Kept the published data in {kept}.\n"
          f"Now correct the files in {folder}/ and add to its period.yaml:\n\n"
          f"revisions:\n  - date: {today.isoformat()}\n    note: <what was corrected, and why>\n\n"
          "(add just the '- date:' entry if 'revisions:' is already there). `invoke check` "
          "refuses the data until the entry is there.")


@task(help={"port": "port on 127.0.0.1 (default 8000)"})
def serve(c: Context, port: int = 8000) -> None:
    """Serve a preview on localhost; rebuild and push a reload when content, data, theme or plugins change."""
    from transparency.devserver import serve as run
    from transparency.preview import PreviewProcess

    engine = Path(__file__).parent
    # The engine's own folder too: an edit to it (in a clone of the engine) takes effect, in
    # a fresh build process.
    watch = [ROOT / "content", ROOT / "data", ROOT / "theme", engine, ROOT / "pelicanconf.py"]
    PREVIEW.mkdir(parents=True, exist_ok=True)
    preview = PreviewProcess(ROOT, "pelicanconf.py", PREVIEW)
    print("Preview: PDFs are not printed, and downloads, the search index and the output audit "
          "follow each reload (invoke build makes the whole site).", flush=True)

    def build(changed: frozenset[str]) -> str | None:
        return preview.build(fresh=any(Path(p).is_relative_to(engine) for p in changed))

    try:
        run(PREVIEW, watch, build, int(port), later=preview.later, notes=lambda: preview.notes)
    finally:
        preview.close()


@task
def lint(c: Context) -> None:
    """Run ruff over the site's Python files (when ruff is installed)."""
    import importlib.util

    if importlib.util.find_spec("ruff") is None:
        print("ruff is not installed: lint skipped")
        return
    c.run(f'"{PY}" -m ruff check "{ROOT}"')


@task
def typecheck(c: Context) -> None:
    """Check types with mypy, as pyproject.toml's [tool.mypy] says (when mypy is installed and
    configured there: the engine's repository checks the engine under --strict)."""
    import importlib.util

    pyproject = ROOT / "pyproject.toml"
    if (importlib.util.find_spec("mypy") is None or not pyproject.is_file()
            or "[tool.mypy]" not in pyproject.read_text(encoding="utf-8")):
        # A council's site has settings, not code: the engine's own tests check its types.
        print("type check skipped: no [tool.mypy] in pyproject.toml (a site made by new-site has "
              "settings, not code, to check; the engine's types are checked in its repository)")
        return
    with c.cd(str(ROOT)):
        c.run(f'"{PY}" -m mypy', pty=False)


CHROMIUM = "/usr/bin/chromium"
# Debian packages the tests need, and a file each installs: the browser tests drive chromium,
# the deploy tests run rsync, locally and over SSH to an sshd on loopback (none of them is on a
# fresh machine).
TEST_PACKAGES = {"chromium": CHROMIUM, "rsync": "/usr/bin/rsync", "openssh-server": "/usr/sbin/sshd"}
# WeasyPrint (the PDF of each report) loads these libraries at run time: Debian package -> library.
PDF_LIBRARIES = {"libpango-1.0-0": "pango-1.0", "libpangoft2-1.0-0": "pangoft2-1.0",
                 "libharfbuzz-subset0": "harfbuzz-subset"}


@task
def browser(c: Context) -> None:
    """Install what tests need from Debian if missing: chromium, rsync, openssh-server, Pango (PDFs)."""
    from ctypes.util import find_library

    missing = [name for name, path in TEST_PACKAGES.items() if not Path(path).exists()]
    missing += [name for name, library in PDF_LIBRARIES.items() if find_library(library) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"{', '.join(missing)} missing: run 'sudo apt-get install -y {' '.join(missing)}' "
                 "(the tests need them)")
    c.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
          + " ".join(missing), pty=False)


@task
def test(c: Context) -> None:
    """Run the linter, the type checker and every test: unit, integration (real builds) and
    browser (headless chromium)."""
    browser(c)
    lint(c)
    typecheck(c)
    with c.cd(str(ROOT)):
        # One worker per core where pytest-xdist is installed (the engine's test extras have
        # it; a council's own site tests run in one process without it).
        from importlib.util import find_spec

        workers = " -n auto --durations=15" if find_spec("xdist") else ""
        c.run(f'"{PY}" -m pytest{workers}', pty=False)


@task
def clean(c: Context) -> None:
    """Remove the built site."""
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)


# --- Publishing: check, build fresh, check the result, then deploy (docs/publishing.md) -------

def _deploy_target(target: str) -> Target:
    """The configured (or named) deploy target, or exit saying what is missing."""
    from transparency.deploy import DeployError, target_for

    try:
        return target_for(_config("publishconf.py").deploy, target)
    except DeployError as error:
        sys.exit(f"Cannot deploy: {error}")


@task(help={"dry_run": "print what would change (new, changed and deleted files); deploy nothing",
            "target": "rsync, s3 or github-pages (default: TRANSPARENCY['DEPLOY_TARGET'])"})
def publish(c: Context, dry_run: bool = False, target: str = "") -> None:
    """Check, build with publishconf.py into a fresh folder, check every link, then deploy."""
    from transparency.deploy import DeployError
    from transparency.linkcheck import broken_links

    destination = _deploy_target(target)
    if not _settings("publishconf.py").get("SITEURL"):
        print("Warning: SITEURL is not set, so this build has no Atom feed or sitemap.xml and its "
              "PDFs do not give their address. Set it in the environment, e.g. "
              "SITEURL=https://reports.example.gov.uk (see docs/publishing.md).", file=sys.stderr)
    _check_or_exit("publishconf.py")
    with tempfile.TemporaryDirectory(prefix="publish-") as scratch:
        site = Path(scratch) / "site"
        # The build fails (and so deploys nothing) on any warning or disclosure finding.
        pelican_run(c, "publishconf.py", site)
        broken = broken_links(site, _settings("publishconf.py").get("SITEURL", ""))
        if broken:
            sys.exit("Not deployed: links that lead nowhere:\n  " + "\n  ".join(broken))
        try:
            if dry_run:
                print(destination.plan(site).report())
                print("Dry run: nothing was deployed.")
            else:
                destination.deploy(site)
        except DeployError as error:
            sys.exit(f"Deploy failed: {error}")


@task(help={"target": "rsync or github-pages (default: TRANSPARENCY['DEPLOY_TARGET'])"})
def rollback(c: Context, target: str = "") -> None:
    """Put the previous release back live (rsync: switch `current`; github-pages: a new commit)."""
    from transparency.deploy import DeployError

    try:
        _deploy_target(target).rollback()
    except DeployError as error:
        sys.exit(f"Rollback failed: {error}")


# --- Comparators from the DfE's open data (docs/comparators.md) -----------------------------

@task(iterable=["indicator", "filter", "year"],
      help={"period": "the period to add them to, such as iro/2022-23",
            "file": "the EES data file (CSV) as downloaded, with its .meta.csv beside it",
            "indicator": "an indicator column to import (repeat for more)",
            "filter": "COLUMN=VALUE picking the rows (repeat; a filter not given is taken at Total)",
            "year": "a year to compare, as in the file (2022, 202122; repeat); default: the "
                    "period's year and the two before it",
            "unit": "count, rate_per_10000 or percent, where the meta file does not say",
            "counts": "what a count counts: children (the default) or records",
            "name": "the comparator's name when one indicator is imported (default: the indicator's)",
            "replace": "replace an entry of the same name even if it was written or edited by hand",
            "dry_run": "list what would change in period.yaml; write nothing"})
def comparators(c: Context, period: str, file: str, indicator: list[str] | None = None,
                filter: list[str] | None = None, year: list[str] | None = None, unit: str = "",
                counts: str = "children", name: str = "", replace: bool = False,
                dry_run: bool = False) -> None:
    """Import a period's comparators from a DfE open-data file (Explore Education Statistics CSV)."""
    from transparency.ees import import_comparators
    from transparency.ees_read import parse_filters
    from transparency.problems import Problems

    config = _config("pelicanconf.py")
    problems = Problems()
    filters = parse_filters(filter or [], problems)
    result = import_comparators(Path(file), list(indicator or []), filters, config,
                                config.data_path / period, years=list(year or []),
                                unit=unit or None, counts=counts, name=name or None,
                                replace=replace, write=not dry_run)
    problems.extend(result.problems)
    if problems:
        print(problems.report(ROOT) + "\nNothing was written.", file=sys.stderr)
        sys.exit(1)
    assert result.period_yaml is not None  # import_comparators always names the file
    where = result.period_yaml.relative_to(ROOT) if result.period_yaml.is_relative_to(ROOT) \
        else result.period_yaml
    changed = any(not line.endswith(": unchanged") for line in result.changes)
    verb = ("Would change" if dry_run else "Updated") if changed else "Nothing to change in"
    print(f"{verb} {where}:\n  " + "\n  ".join(result.changes))
    if changed and not dry_run:
        print("Run `invoke check`, then quote them in the narrative, e.g. "
              f"{{{{ table {next(iter(result.comparators))} }}}}.")
