"""`transparency new-site`: a new council's site from the installed engine, with nothing of
any other council in it (issue 12). Integration: real checks and builds of the new site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

import transparency
from transparency.cli import NewSiteError, new_site

ROOT = Path(__file__).resolve().parent.parent
NAME = "Northshire County Council"
FIXED_TOP_LEVEL = ("content", "data", "theme", "tasks.py", "pelicanconf.py", "publishconf.py",
                   "README.md", ".ci/run", "requirements.txt", "tests")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("northshire") / "site"
    result = run("transparency", "new-site", str(folder), "--organisation", NAME, "--area",
                 "Northshire", "--contact", "reports@northshire.example.gov.uk", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return folder


def test_it_writes_the_fixed_top_level_and_an_example_period_per_report_kind(site):
    for name in FIXED_TOP_LEVEL:
        assert (site / name).exists(), name
    for kind in ("iro", "cp", "qa"):
        assert (site / "data" / kind / "2025-26" / "period.yaml").is_file()
        assert "EXAMPLE DATA" in (site / "content" / kind / "2025-26.md").read_text()
        assert "status: draft" in (site / "data" / kind / "2025-26" / "period.yaml").read_text()
    assert os.access(site / ".ci/run", os.X_OK)
    settings = (site / "pelicanconf.py").read_text()
    assert repr(NAME) in settings and "'Northshire'" in settings
    assert "reports@northshire.example.gov.uk" in (site / "content/pages/accessibility.md").read_text()


def test_nothing_of_another_council_is_in_the_new_site(site):
    for path in site.rglob("*"):
        if path.is_file():
            assert "Bradford" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_the_new_site_checks_builds_and_passes_its_own_tests(site, tmp_path):
    check = run("invoke", "check", cwd=site)
    assert check.returncode == 0, check.stdout + check.stderr
    out = tmp_path / "out"
    build = run("pelican", str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(out),
                "--fatal", "warnings", cwd=site)
    assert build.returncode == 0, build.stdout + build.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert NAME in home
    assert not [p for p in out.rglob("*.html") if "Bradford" in p.read_text(encoding="utf-8")]
    chart_page = (out / "iro" / "2025-26" / "index.html").read_text(encoding="utf-8")
    assert "Children in care, Northshire" in chart_page  # the area from the settings
    own_tests = run("pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=site)
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr


def test_example_data_is_never_published_nor_carried_into_the_next_period(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    period = copy / "data" / "iro" / "2025-26" / "period.yaml"
    period.write_text(period.read_text().replace("status: draft", "status: published"))
    check = run("invoke", "check", cwd=copy)
    assert check.returncode == 1
    problems = [line for line in (check.stdout + check.stderr).splitlines() if "example data" in line]
    assert len(problems) == 1 and "period.yaml" in problems[0] and "'example'" in problems[0], \
        check.stdout + check.stderr
    assert "Traceback" not in check.stdout + check.stderr
    # `invoke new` from the (draft) example asks for the officer's own title and summary.
    period.write_text(period.read_text().replace("status: published", "status: draft"))
    made = run("invoke", "new", "iro", "2026-27", cwd=copy)
    assert made.returncode == 0, made.stdout + made.stderr
    new = yaml.safe_load((copy / "data" / "iro" / "2026-27" / "period.yaml").read_text())
    assert new["title"].startswith("FILL IN") and new["summary"].startswith("FILL IN")
    assert "example" not in new
    assert "EXAMPLE" not in (copy / "content" / "iro" / "2026-27.md").read_text()


def test_the_guides_messages_name_travel_with_the_engine(site, tmp_path):
    listed = run("transparency", "docs", cwd=tmp_path)
    assert listed.returncode == 0 and "data-format    Data format" in listed.stdout
    printed = run("transparency", "docs", "docs/data-format.md", cwd=tmp_path)
    assert printed.returncode == 0 and printed.stdout.startswith("# Data format")
    unknown = run("transparency", "docs", "nonsense", cwd=tmp_path)
    assert unknown.returncode == 1 and "the guides are: comparators, data-format" in unknown.stderr
    # A council's site has no docs/: a problem that names one says where it is.
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    period = copy / "data" / "iro" / "2025-26" / "period.yaml"
    period.write_text(period.read_text().replace("\nsummary:", "\nsummery:"))
    check = run("invoke", "check", cwd=copy)
    out = check.stdout + check.stderr
    assert check.returncode == 1 and "(see docs/data-format.md)" in out
    assert "`transparency docs NAME` prints it" in out


def test_a_template_in_the_sites_theme_overrides_the_engines(site, tmp_path):
    engine_page = (transparency.THEME_PATH / "templates" / "page.html").read_text(encoding="utf-8")
    override = site / "theme" / "templates" / "page.html"
    override.write_text(engine_page.replace("{% block content %}",
                                            "{% block content %}<p>Northshire's own page</p>", 1),
                        encoding="utf-8")
    try:
        out = tmp_path / "out"
        build = run("pelican", str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o",
                    str(out), "--fatal", "warnings", cwd=site)
        assert build.returncode == 0, build.stdout + build.stderr
        assert "Northshire's own page" in (out / "privacy" / "index.html").read_text(encoding="utf-8")
        assert "Northshire's own page" not in (out / "index.html").read_text(encoding="utf-8")
    finally:
        override.unlink()


def test_it_refuses_what_cannot_make_a_site(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    for kwargs, message in (({"reports": ["lado"]}, "unknown report kind lado"),
                            ({"contact": "not-an-address"}, "is not an email address")):
        with pytest.raises(NewSiteError, match=message):
            new_site(tmp_path / "new", NAME, **kwargs)
    with pytest.raises(NewSiteError, match="never overwrites"):
        new_site(tmp_path / "taken", NAME)
    with pytest.raises(NewSiteError, match="give the council's name"):
        new_site(tmp_path / "new2", "  ")
    result = run("transparency", "new-site", str(tmp_path / "taken"), "--organisation", NAME,
                 cwd=tmp_path)
    assert result.returncode == 1 and "never overwrites" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("record, line, warns", [
    (None, "csc-transparency[site]==" + transparency.__version__, False),
    ({"url": "https://git.example/engine.git",
      "vcs_info": {"vcs": "git", "commit_id": "0123abc", "requested_revision": "v0.2.0"}},
     "csc-transparency[site] @ git+https://git.example/engine.git@0123abc", False),
    ({"url": "https://files.example/csc_transparency-0.2.0.tar.gz", "archive_info": {}},
     "csc-transparency[site] @ https://files.example/csc_transparency-0.2.0.tar.gz", False),
    ({"url": "file:///home/officer/engine", "dir_info": {"editable": True}},
     "csc-transparency[site] @ file:///home/officer/engine", True),
])
def test_the_requirement_line_installs_the_engine_as_this_copy_was_installed(monkeypatch, record,
                                                                              line, warns):
    # PEP 610's record of where pip found the engine decides the new site's requirement: a
    # pinned version is only right when the engine came from a package index.
    from importlib import metadata

    from transparency import cli

    class Installed:
        def read_text(self, name):
            assert name == "direct_url.json"
            return None if record is None else json.dumps(record)

    monkeypatch.setattr(metadata, "distribution", lambda name: Installed())
    requirement, warning = cli.default_requirement()
    assert requirement == line
    assert bool(warning) is warns
    if warns:
        assert "a folder on this machine" in warning and "--engine" in warning


def test_new_site_prints_the_requirement_and_warns_when_it_only_works_here(tmp_path):
    # This checkout's engine is installed editable from a folder: the line names the folder
    # and the officer is told another machine needs another line.
    result = run("transparency", "new-site", str(tmp_path / "site"), "--organisation", NAME,
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"csc-transparency[site] @ {ROOT.as_uri()}" in result.stdout
    assert "a folder on this machine" in result.stderr
    assert (tmp_path / "site" / "requirements.txt").read_text().strip().endswith(ROOT.as_uri())


def test_a_build_without_an_organisation_stops_with_a_problem(site, tmp_path):
    conf = site / "pelicanconf.py"
    text = conf.read_text()
    conf.write_text(text.replace(repr(NAME), "''", 1))
    try:
        result = run("pelican", str(site / "content"), "-s", str(conf), "-o", str(tmp_path / "o"),
                     "--fatal", "warnings", cwd=site)
    finally:
        conf.write_text(text)
    assert result.returncode != 0
    assert "TRANSPARENCY['ORGANISATION'] is not set" in result.stdout + result.stderr


def test_the_engines_wheel_holds_its_theme_and_the_new_site_files(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                             str(tmp_path), str(ROOT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("csc_transparency-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("transparency/theme/templates/base.html", "transparency/theme/static/css/main.css",
                 "transparency/site_template/pelicanconf.py.tmpl", "transparency/site_template/.ci/run.tmpl",
                 "transparency/site_template/examples/iro/legal_status.csv", "transparency/cli.py",
                 "transparency/deploy/__init__.py", "transparency/docs/data-format.md",
                 "transparency/docs/editing.md"):
        assert name in names, name
    assert not [n for n in names if "Bradford" in n or n.startswith(("content/", "data/"))]
    assert "transparency/docs/CHANGELOG.md" not in names  # the engine's history names Bradford
    with zipfile.ZipFile(wheel) as archive:  # nothing of the first council in the engine
        assert [n for n in names if b"Bradford" in archive.read(n)] == []


def test_the_new_sites_readme_commands_work_in_a_fresh_virtual_environment(tmp_path):
    # The README's own two commands, as a council's officer runs them: a fresh virtual
    # environment, the engine installed (not editable) from this repository, then its tests.
    folder = tmp_path / "site"
    new_site(folder, NAME, area="Northshire",
             engine=f"csc-transparency[site] @ {ROOT.as_uri()}")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ["python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
                        ".venv/bin/invoke test"]
    for command in commands:
        result = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, command + "\n" + result.stdout[-3000:] + result.stderr[-3000:]
    assert "All checks passed!" in result.stdout  # ruff linted the site's own Python files
    installed = subprocess.run([str(folder / ".venv/bin/python"), "-c",
                                "import transparency; print(transparency.__file__)"],
                               capture_output=True, text=True, check=True).stdout
    assert str(ROOT) not in installed  # the site's own copy of the engine, not this tree


LADO_PERIOD = """\
report: lado
period: 2025-26
title: LADO annual report 2025/26
period_label: April 2025 to March 2026
period_start: 2025-04-01
period_end: 2026-03-31
published: 2026-07-01
source:
  file: lado-report.pdf
  title: LADO Annual Report 2025/26
  publisher: Northshire County Council
  date: 2026-07-01
summary: How the council handled allegations about adults who work with children.
tables:
  allegations_by_sector:
    file: allegations_by_sector.csv
    title: Allegations about adults who work with children, by sector
    dimensions:
      sector: Employment sector
    measure: Allegations
    unit: count
    counts: records
    source: Table 1
metrics:
  allegations_received:
    label: Allegations received
    definition: Allegations about adults who work with children referred to the LADO.
    type: value
    of: {table: allegations_by_sector}
    headline: true
"""


def test_a_council_adds_a_report_kind_in_settings_and_data_alone(site, tmp_path):
    conf = site / "pelicanconf.py"
    original = conf.read_text()
    # Exactly as docs/new-council.md's worked example writes it.
    guide = (ROOT / "docs" / "new-council.md").read_text(encoding="utf-8")
    snippet = guide.split('```python\nTRANSPARENCY["REPORTS"]["lado"]', 1)[1].split("```", 1)[0]
    conf.write_text(original + '\nTRANSPARENCY["REPORTS"]["lado"]' + snippet)
    folder = site / "data" / "lado" / "2025-26"
    folder.mkdir(parents=True)
    (folder / "period.yaml").write_text(LADO_PERIOD)
    (folder / "allegations_by_sector.csv").write_text(
        "sector,value\nEducation,61\nSocial care,38\nHealth,17\nPolice,12\nFaith groups,9\n"
        "Other,21\nTotal,158\n")
    narrative = site / "content" / "lado" / "2025-26.md"
    narrative.parent.mkdir(parents=True)
    narrative.write_text("Title: LADO annual report 2025/26\n\nThe LADO received "
                         "{{ allegations_received }} allegations.\n\n{{ chart allegations_by_sector }}\n")
    try:
        out = tmp_path / "out"
        build = run("pelican", str(site / "content"), "-s", str(conf), "-o", str(out), "--fatal",
                    "warnings", cwd=site)
        assert build.returncode == 0, build.stdout + build.stderr
        page = (out / "lado" / "2025-26" / "index.html").read_text(encoding="utf-8")
        assert "158" in page and "LADO annual reports" in (out / "index.html").read_text()
        # A kind that is not declared is a problem, never a silent drop.
        conf.write_text(original)
        check = run("invoke", "check", cwd=site)
        assert check.returncode == 1 and "lado" in check.stderr
    finally:
        conf.write_text(original)
        shutil.rmtree(folder.parent)
        shutil.rmtree(narrative.parent)


LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
        '<rect width="120" height="40" fill="#fff"/></svg>\n')


def test_branding_reaches_every_page_from_the_settings_alone(site, tmp_path):
    conf = site / "pelicanconf.py"
    original = conf.read_text()
    (site / "logo.svg").write_text(LOGO, encoding="utf-8")
    conf.write_text(original + (
        '\nTRANSPARENCY.update({"BRAND_COLOUR": "#4a2470", "LOGO": str(HERE / "logo.svg"),\n'
        '    "LOGO_ALT": "Northshire County Council logo", "FOOTER_TEXT": "Northshire: a county of '
        'rivers & hills.",\n    "HOME_INTRODUCTION": "Our **reports** on children in care.",\n'
        '    "CONTACT_PHONE": "01234 567890", "COUNCIL_URL": "https://www.northshire.example.gov.uk"})\n'))
    try:
        out = tmp_path / "out"
        build = run("pelican", str(site / "content"), "-s", str(conf), "-o", str(out), "--fatal",
                    "warnings", cwd=site)
        assert build.returncode == 0, build.stdout + build.stderr
        assert "--app-brand: #4a2470" in (out / "theme/css/brand.css").read_text()
        assert (out / "images/logo.svg").read_text() == LOGO
        for page in ("index.html", "privacy/index.html", "iro/2025-26/index.html"):
            html = (out / page).read_text(encoding="utf-8")
            assert '<img class="app-header__logo" src="/images/logo.svg" alt="Northshire County ' \
                   'Council logo">' in html, page
            assert "Northshire: a county of rivers &amp; hills." in html
            assert 'href="tel:01234567890"' in html
            assert 'href="https://www.northshire.example.gov.uk"' in html
            assert 'href="/theme/css/brand.css"' in html
        assert "Our <strong>reports</strong> on children in care." in (out / "index.html").read_text()
        # A typed count in the home introduction is refused like one in the narrative.
        conf.write_text(conf.read_text().replace("Our **reports**", "Only 3 children and our reports"))
        check = run("invoke", "check", "--publish", cwd=site)
        assert check.returncode == 1
        assert "TRANSPARENCY['HOME_INTRODUCTION']" in check.stderr and "3 is a number typed by hand" \
            in check.stderr
        # A logo that is not there is a problem, not a broken page.
        conf.write_text(conf.read_text().replace('str(HERE / "logo.svg")', '"missing.svg"'))
        broken = run("pelican", str(site / "content"), "-s", str(conf), "-o", str(tmp_path / "o2"),
                     "--fatal", "warnings", cwd=site)
        assert broken.returncode != 0 and "TRANSPARENCY['LOGO'] is 'missing.svg'" in \
            broken.stdout + broken.stderr
    finally:
        conf.write_text(original)
        (site / "logo.svg").unlink()


NASTY = 'Tom & Jerry say "hi" <b>bold</b> \'quoted\''


def test_quotes_ampersands_and_angle_brackets_from_data_are_escaped_everywhere(site, tmp_path):
    # Issue 13: a summary with double quotes broke the page's <meta name="description">.
    from bs4 import BeautifulSoup

    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output", ".cache"))
    period = copy / "data" / "iro" / "2025-26" / "period.yaml"
    text = period.read_text()
    quoted = json.dumps(NASTY)
    for key in ("summary:", "    label: Child in care reviews chaired by IROs",
                "    title: Children in care by legal status", "    source: Table 4 (example)"):
        line = next(line for line in text.splitlines() if line.startswith(key))
        field = line.split(":")[0]
        text = text.replace(line, f"{field}: {quoted}", 1)
    period.write_text(text)
    legal = copy / "data" / "iro" / "2025-26" / "legal_status.csv"
    legal.write_text(legal.read_text().replace("Section 20,", '"Section 20 & ""other"" <i>",'))
    out = tmp_path / "out"
    build = run("pelican", str(copy / "content"), "-s", str(copy / "pelicanconf.py"), "-o", str(out),
                "--fatal", "warnings", cwd=copy)
    assert build.returncode == 0, build.stdout + build.stderr
    html = (out / "iro" / "2025-26" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("b") and not soup.find("i"), "markup from data reached the page as markup"
    assert NASTY in html.replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"') \
        .replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
    assert NASTY in soup.get_text()
    category = BeautifulSoup((out / "iro" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert NASTY in category.get_text()
    assert 'Section 20 & "other" <i>' in soup.get_text()


def test_a_publish_build_links_no_report_kind_it_holds_no_period_of(site, tmp_path):
    # A new-council tester: drafts left out, the navigation still linked /cp/, and
    # `invoke publish` refused with "links that lead nowhere".
    from transparency.linkcheck import broken_links

    period = site / "data" / "iro" / "2025-26" / "period.yaml"
    original = period.read_text()
    period.write_text(original.replace("status: draft\nexample: true\n", ""))
    try:
        out = tmp_path / "out"
        build = run("pelican", str(site / "content"), "-s", str(site / "publishconf.py"), "-o",
                    str(out), "--fatal", "warnings", cwd=site)
        assert build.returncode == 0, build.stdout + build.stderr
        home = (out / "index.html").read_text(encoding="utf-8")
        assert 'href="/iro/"' in home and 'href="/cp/"' not in home and 'href="/qa/"' not in home
        assert broken_links(out, "") == []
    finally:
        period.write_text(original)


def test_a_bad_setting_is_a_message_not_a_traceback(site):
    conf = site / "pelicanconf.py"
    original = conf.read_text()
    conf.write_text(original + '\nTRANSPARENCY["BRAND_COLOUR"] = "#ffdd00"\n')
    try:
        result = run("invoke", "check", cwd=site)
    finally:
        conf.write_text(original)
    assert result.returncode == 1
    assert "TRANSPARENCY['BRAND_COLOUR']" in result.stderr and "Traceback" not in result.stderr
