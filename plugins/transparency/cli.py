"""The engine's command line: `transparency new-site DIR --organisation "NAME"` (also
`python -m transparency new-site …`) writes a new council's site.

The site has the fixed top level (content/, data/, theme/ for overrides only, tasks.py,
pelicanconf.py, publishconf.py, README.md, .ci/run) and its own tests; its settings come
from the options, its standard pages name the council, and each chosen report kind gets one
draft period of example data, marked as such. Nothing in it names any other council.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from string import Template

from .settings import DEFAULT_REPORTS

TEMPLATE = Path(__file__).parent / "site_template"
EXAMPLE_PERIOD = "2025-26"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class NewSiteError(Exception):
    """The options cannot make a site (a folder in the way, an unknown report kind …)."""


def _version() -> str:
    from . import __version__

    return __version__


def default_requirement() -> tuple[str, str]:
    """The `requirements.txt` line that installs the engine as this copy was installed, and a
    warning ("" when none) when that line only works on this machine.

    Read from the installed distribution's PEP 610 record (`direct_url.json`): installed from
    a Git repository, the line pins its commit (`csc-transparency[site] @ git+URL@COMMIT`);
    from an archive or a folder, it names that URL or path (a folder is on this machine only,
    which the warning says); from a package index (no record), `csc-transparency[site]==VERSION`.
    """
    from importlib import metadata

    name = "csc-transparency[site]"
    try:
        record = metadata.distribution("csc-transparency").read_text("direct_url.json")
        direct = json.loads(record) if record else None
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    if not isinstance(direct, dict) or not isinstance(direct.get("url"), str):
        return f"{name}=={_version()}", ""
    url: str = direct["url"]
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"{name} @ {vcs['vcs']}+{url}@{vcs['commit_id']}", ""
    if url.startswith("file:"):
        return f"{name} @ {url}", (
            f"requirements.txt installs the engine from {url}, a folder on this machine: "
            "another machine (or CI) needs a line it can reach, such as "
            f'--engine "{name} @ git+https://<host>/<owner>/<repository>@<tag>" '
            "(see docs/new-council.md, step 1)")
    return f"{name} @ {url}", ""


def _values(organisation: str, area: str, service: str, contact: str, reports: list[str],
            engine: str) -> dict[str, str]:
    sitename = "Children's social care reports"  # the header names the organisation already
    return {
        "organisation": organisation, "organisation_py": repr(organisation),
        "organisation_yaml": json.dumps(organisation, ensure_ascii=False),
        "area": area, "area_py": repr(area), "service": service, "service_py": repr(service),
        "contact": contact or "the address on the council's website",
        "contact_py": repr(contact), "reports_py": repr(reports), "sitename": sitename,
        "sitename_py": repr(sitename), "engine_requirement": engine,
    }


def _write(source: Path, target: Path, values: dict[str, str]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix == ".tmpl":
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        target.write_text(text, encoding="utf-8")
    else:
        shutil.copyfile(source, target)
    return target


def new_site(target: Path, organisation: str, *, area: str = "", service: str = "Children's Services",
             contact: str = "", reports: list[str] | None = None, engine: str = "") -> list[Path]:
    """Write a new site into `target` (which must not exist, or be empty). Returns the files
    written. Raises NewSiteError for a folder in the way, an unknown report kind, an empty
    organisation or a contact that is not an email address."""
    reports = list(reports or DEFAULT_REPORTS)
    unknown = [r for r in reports if r not in DEFAULT_REPORTS]
    if unknown:
        raise NewSiteError(f"unknown report kind {', '.join(unknown)}: the engine ships "
                           f"{', '.join(DEFAULT_REPORTS)} (add your own kinds in pelicanconf.py "
                           "afterwards; see docs/new-council.md)")
    if not organisation.strip():
        raise NewSiteError("--organisation is empty: give the council's name")
    if contact and not EMAIL.fullmatch(contact):
        raise NewSiteError(f"--contact {contact!r} is not an email address")
    if target.exists() and any(target.iterdir()):
        raise NewSiteError(f"{target} exists and is not empty: new-site never overwrites")
    values = _values(organisation.strip(), area.strip(), service.strip(), contact, reports,
                     engine or default_requirement()[0])
    written = []
    for source in sorted(p for p in TEMPLATE.rglob("*") if p.is_file()):
        relative = source.relative_to(TEMPLATE)
        if relative.parts[0] == "examples" or "__pycache__" in relative.parts:
            continue
        name = relative.as_posix().removesuffix(".tmpl")
        if name == "gitignore":
            name = ".gitignore"
        written.append(_write(source, target / name, values))
    (target / ".ci" / "run").chmod(0o755)
    for kind in reports:
        folder = TEMPLATE / "examples" / kind
        for source in sorted(p for p in folder.iterdir() if p.is_file()):
            name = source.name.removesuffix(".tmpl")
            if name == "narrative.md":
                destination = target / "content" / kind / f"{EXAMPLE_PERIOD}.md"
            else:
                destination = target / "data" / kind / EXAMPLE_PERIOD / name
            written.append(_write(source, destination, values))
    return written


GUIDES = Path(__file__).parent / "docs"


def guides() -> dict[str, str]:
    """The engine's guides that travel with it (docs/*.md but the changelog), by name
    ("data-format"), each with its first heading."""
    out = {}
    for path in sorted(GUIDES.glob("*.md")):
        if path.stem == "CHANGELOG":
            continue
        first = next((line for line in path.read_text(encoding="utf-8").splitlines()
                      if line.startswith("# ")), "# " + path.stem)
        out[path.stem] = first[2:].strip()
    return out


def _docs(name: str) -> int:
    known = guides()
    if not name:
        print("The engine's guides (`transparency docs NAME` prints one; messages name them "
              "as docs/NAME.md):")
        for stem, title in known.items():
            print(f"  {stem:<14} {title}")
        return 0
    stem = name.removeprefix("docs/").removesuffix(".md")
    if stem not in known:
        print(f"transparency docs: no guide '{name}'; the guides are: {', '.join(known)}",
              file=sys.stderr)
        return 1
    print((GUIDES / f"{stem}.md").read_text(encoding="utf-8"), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="transparency", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    site = commands.add_parser("new-site", help="write a new council's site into DIR")
    site.add_argument("dir", type=Path, help="the new site's folder (must not exist, or be empty)")
    site.add_argument("--organisation", required=True, help='the council, e.g. "Northshire County Council"')
    site.add_argument("--area", default="", help="the area as charts name it, e.g. Northshire")
    site.add_argument("--service", default="Children's Services", help="the service that publishes")
    site.add_argument("--contact", default="", help="an email address readers can write to")
    site.add_argument("--reports", default=",".join(DEFAULT_REPORTS),
                      help=f"report kinds, comma-separated (default: {','.join(DEFAULT_REPORTS)})")
    site.add_argument("--engine", default="",
                      help="the requirement line that installs this engine (default: as this "
                           "copy was installed: its Git commit, archive, folder, or "
                           "csc-transparency[site]==<this version> from a package index)")
    docs = commands.add_parser("docs", help="list the engine's guides, or print one")
    docs.add_argument("name", nargs="?", default="",
                      help="a guide, as messages name it: data-format or docs/data-format.md")
    args = parser.parse_args(argv)
    if args.command == "docs":
        return _docs(args.name)
    try:
        written = new_site(args.dir, args.organisation, area=args.area, service=args.service,
                           contact=args.contact, reports=[r.strip() for r in args.reports.split(",")
                                                          if r.strip()], engine=args.engine)
    except NewSiteError as error:
        print(f"transparency new-site: {error}", file=sys.stderr)
        return 1
    requirement, warning = (args.engine, "") if args.engine else default_requirement()
    print(f"requirements.txt installs the engine with: {requirement}")
    if warning:
        print(f"Warning: {warning}", file=sys.stderr)
    print(f"Wrote {len(written)} files into {args.dir}. Next:\n"
          f"  cd {args.dir}\n"
          "  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
          "  .venv/bin/invoke test\n"
          "The periods under data/ are example data: see README.md.")
    return 0
