"""Deploys against real targets on this machine: rsync into a temporary folder, an S3 server
(`rclone serve s3`) on loopback, and a bare git repository for GitHub Pages. No tool is mocked.

The target tests use small fake site folders; the `invoke publish` tests at the end run real
builds of a copy of the fictional fixture council's site (tests/fixtures/council/; two builds).
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from sites import copy_project
from transparency.deploy import DeployError, target_for
from transparency.deploy.ghpages import GitHubPagesTarget
from transparency.deploy.rsync import RsyncTarget
from transparency.deploy.s3 import LONG_CACHE, SHORT_CACHE, S3Target, cache_control, content_type
from transparency.linkcheck import broken_links
from transparency.settings import SettingsError, resolve

ROOT = Path(__file__).parent.parent

FRAGMENT = "pagefind/fragment/en-gb_13ea5a8.pf_fragment"
SITE_V1 = {
    "index.html": '<h1>Reports</h1><a href="/iro/2021-22/">IRO</a><a href="/old/">Old</a>',
    "iro/2021-22/index.html": '<link href="/theme/css/main.css" rel="stylesheet"><h1 id="top">IRO</h1>',
    "old/index.html": "<p>a page the next release drops</p>",
    "theme/css/main.css": "body { color: #0b0c0c; }\n",
    "data/iro/2021-22/legal_status.csv": "legal_status,value\nCare order,845\n",
    FRAGMENT: "\x00fragment bytes",
}
SITE_V2 = {
    **{k: v for k, v in SITE_V1.items() if k != "old/index.html"},
    "index.html": '<h1>Reports, updated</h1><a href="/iro/2021-22/">IRO</a><a href="/qa/">QA</a>',
    "qa/index.html": "<h1>QA</h1>",
}
V1_TO_V2 = {"new": ("qa/index.html",), "changed": ("index.html",), "deleted": ("old/index.html",)}


def make_site(folder: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, str]:
    """Every file under a folder (following a `current` symlink) with its text."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def snapshot(folder: Path) -> dict[str, tuple]:
    """Everything about a folder a deploy could change: names, links, inodes, times."""
    state = {}
    for p in sorted(folder.rglob("*")):
        info = p.lstat()
        state[p.relative_to(folder).as_posix()] = (
            os.readlink(p) if p.is_symlink() else None, info.st_ino, info.st_mtime_ns, info.st_size)
    return state


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Path, Path]:
    return make_site(tmp_path / "v1", SITE_V1), make_site(tmp_path / "v2", SITE_V2)


# --- rsync: atomic releases ------------------------------------------------------------------

def live_release(root: Path) -> str:
    link = os.readlink(root / "current")
    assert link.startswith("releases/"), link  # relative, so the folder can move
    return link.removeprefix("releases/")


def releases(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "releases").iterdir())


def test_rsync_deploys_whole_releases_and_switches_current(sites, tmp_path):
    v1, v2 = sites
    root = tmp_path / "live"
    target = RsyncTarget(str(root), keep=5)
    log: list[str] = []
    first = target.deploy(v1, log.append)
    assert first.new == tuple(sorted(SITE_V1)) and not first.changed and not first.deleted
    release1 = live_release(root)
    assert tree(root / "current") == SITE_V1

    second = target.deploy(v2, log.append)
    assert (second.new, second.changed, second.deleted) == (
        V1_TO_V2["new"], V1_TO_V2["changed"], V1_TO_V2["deleted"])
    assert second.unchanged == len(SITE_V2) - 2
    release2 = live_release(root)
    assert release2 > release1 and releases(root) == [release1, release2]
    assert tree(root / "current") == SITE_V2
    assert tree(root / "releases" / release1) == SITE_V1  # the previous release is untouched
    # Unchanged files are hard links into the previous release, not copies.
    css = "theme/css/main.css"
    assert (root / "releases" / release1 / css).stat().st_ino == (root / "current" / css).stat().st_ino
    assert (root / "releases" / release1 / "index.html").stat().st_ino != (
        root / "current/index.html").stat().st_ino
    assert f"live: {root}/current -> releases/{release2}" in log


def test_rsync_dry_run_lists_new_changed_deleted_and_touches_nothing(sites, tmp_path):
    v1, v2 = sites
    root = tmp_path / "live"
    target = RsyncTarget(str(root))
    empty = target.plan(v1)
    assert empty.new == tuple(sorted(SITE_V1)) and not root.exists()
    target.deploy(v1, lambda _: None)
    before = snapshot(root)
    plan = target.plan(v2)
    assert (plan.new, plan.changed, plan.deleted) == (
        V1_TO_V2["new"], V1_TO_V2["changed"], V1_TO_V2["deleted"])
    report = plan.report()
    assert "1 new, 1 changed, 1 deleted, 4 unchanged" in report
    assert "  new      qa/index.html" in report
    assert "  changed  index.html" in report
    assert "  deleted  old/index.html" in report
    assert snapshot(root) == before
    assert tree(root / "current") == SITE_V1


def test_rollback_switches_to_the_previous_release_and_pruning_keeps_n(sites, tmp_path):
    v1, v2 = sites
    root = tmp_path / "live"
    quiet = lambda _: None  # noqa: E731
    target = RsyncTarget(str(root), keep=3)
    for site in (v1, v2, v1, v2, v1):
        target.deploy(site, quiet)
    kept = releases(root)
    assert len(kept) == 3 and live_release(root) == kept[-1]
    assert tree(root / "current") == SITE_V1

    assert target.rollback(quiet) == kept[1]
    assert live_release(root) == kept[1] and tree(root / "current") == SITE_V2
    assert target.rollback(quiet) == kept[0]
    assert tree(root / "current") == SITE_V1
    with pytest.raises(DeployError, match="oldest release"):
        target.rollback(quiet)
    assert live_release(root) == kept[0]

    # Keeping fewer releases never removes the live one, even when it is the oldest.
    removed = RsyncTarget(str(root), keep=2).prune(quiet)
    assert removed == [] and releases(root) == kept
    # The next deploy is live, and pruning then keeps the newest two.
    RsyncTarget(str(root), keep=2).deploy(v2, quiet)
    assert releases(root)[0] == kept[2] and len(releases(root)) == 2
    assert tree(root / "current") == SITE_V2


def test_a_deploy_killed_half_way_leaves_the_previous_release_live_and_whole(sites, tmp_path):
    v1, _ = sites
    root = tmp_path / "live"
    RsyncTarget(str(root)).deploy(v1, lambda _: None)
    release1 = live_release(root)
    before = snapshot(root / "releases" / release1)

    # A bigger release, copied slowly (--bwlimit) so it can be killed in the middle.
    big = make_site(tmp_path / "big", {**SITE_V2, "index.html": "<h1>big</h1>"})
    for number in range(40):
        (big / "data" / f"block-{number:02}.bin").write_bytes(os.urandom(64 * 1024))
    script = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
              "from transparency.deploy.rsync import RsyncTarget; "
              "RsyncTarget(sys.argv[2], rsync_options=['--bwlimit=256']).deploy(Path(sys.argv[3]))")
    process = subprocess.Popen([sys.executable, "-c", script, str(ROOT / "plugins"), str(root), str(big)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    partial = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = list((root / "releases").glob("*.partial"))
        if found and len([p for p in found[0].rglob("*.bin") if p.stat().st_size]) >= 3:
            partial = found[0]
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the deploy and its rsync, as a power cut would
    process.wait()
    assert partial is not None, "the deploy never got going"
    copied = len(list(partial.rglob("*.bin")))
    assert 3 <= copied < 40, f"expected a half-done copy, found {copied} of 40 files"

    # The live site is the previous release, whole and unchanged; the half copy is no release.
    assert live_release(root) == release1
    assert tree(root / "current") == SITE_V1
    assert snapshot(root / "releases" / release1) == before
    assert RsyncTarget(str(root)).state() == ([release1], release1)

    # The next deploy clears the leftover and goes live.
    RsyncTarget(str(root)).deploy(big, lambda _: None)
    assert not list((root / "releases").glob("*.partial"))
    assert (root / "current/index.html").read_text() == "<h1>big</h1>"
    assert len(list((root / "current/data").glob("block-*.bin"))) == 40


def test_rsync_path_forms(tmp_path):
    assert str(RsyncTarget("deploy@web1:/srv/reports/").where) == "deploy@web1:/srv/reports"
    assert RsyncTarget("deploy@web1:/srv/reports").where.host == "deploy@web1"
    assert RsyncTarget(str(tmp_path / "a")).where.host is None
    with pytest.raises(DeployError, match="rsync daemons"):
        RsyncTarget("web1::module")
    with pytest.raises(DeployError, match="at least 2"):
        RsyncTarget(str(tmp_path), keep=1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, f"{name} did not start"
            time.sleep(0.1)


SSHD = Path("/usr/sbin/sshd")


@pytest.fixture
def ssh_host(tmp_path, monkeypatch):
    """A real SSH server on 127.0.0.1 (Debian's openssh-server, installed by `invoke browser`)
    that lets this user in with a key made for the test; RSYNC_RSH tells ssh and rsync how."""
    if not SSHD.exists():
        pytest.fail(f"{SSHD} is missing: run 'invoke browser' (as root) to install openssh-server")
    keys = tmp_path / "ssh"
    keys.mkdir()
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    shutil.copy(keys / "client_key.pub", keys / "authorized_keys")
    port = free_port()
    (keys / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host_key'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPidFile {keys / 'sshd.pid'}\n"
        "StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PermitRootLogin prohibit-password\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder
    # One connection shared by every ssh and rsync call (a socket path must be short).
    control = Path(tempfile.mkdtemp(prefix="ssh-", dir="/tmp"))
    server = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(keys / "sshd_config")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    monkeypatch.setenv("RSYNC_RSH", f"ssh -p {port} -i {keys / 'client_key'} -o BatchMode=yes "
                                    "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                                    "-o LogLevel=ERROR -o ControlMaster=auto -o ControlPersist=30 "
                                    f"-o ControlPath={control}/%C")
    wait_for_port(port, server, "sshd")
    yield f"{getpass.getuser()}@127.0.0.1"
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(control, ignore_errors=True)


def test_rsync_over_ssh_releases_dry_run_and_rollback(sites, tmp_path, ssh_host):
    v1, v2 = sites
    root = tmp_path / "remote"  # on this machine, reached only through sshd
    target = RsyncTarget(f"{ssh_host}:{root}", keep=5)
    assert target.where.host == ssh_host
    target.deploy(v1, lambda _: None)
    release1 = live_release(root)
    before = snapshot(root)
    plan = target.plan(v2)
    assert (plan.new, plan.changed, plan.deleted) == (
        V1_TO_V2["new"], V1_TO_V2["changed"], V1_TO_V2["deleted"])
    assert snapshot(root) == before
    target.deploy(v2, lambda _: None)
    assert live_release(root) > release1 and tree(root / "current") == SITE_V2
    css = "theme/css/main.css"
    assert (root / "releases" / release1 / css).stat().st_ino == (root / "current" / css).stat().st_ino
    assert target.rollback(lambda _: None) == release1
    assert tree(root / "current") == SITE_V1


# --- S3: rclone serve s3 on loopback ------------------------------------------------------------

ACCESS_KEY, SECRET_KEY = "deploytestaccess", "deploy-test-secret-key-1234"




@pytest.fixture
def s3_server(tmp_path):
    """A real S3 endpoint: `rclone serve s3` over a temporary folder, with an access key."""
    from transparency.deploy.s3 import rclone_binary

    store = tmp_path / "store"
    store.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [rclone_binary(), "--config", "", "serve", "s3", str(store), "--addr", f"127.0.0.1:{port}",
         "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, server, "rclone serve s3")
    yield f"http://127.0.0.1:{port}", store
    server.terminate()
    server.wait(timeout=10)


def s3_target(endpoint: str, secret: str = SECRET_KEY) -> S3Target:
    environ = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": secret}
    return S3Target("reports-site", prefix="www", endpoint=endpoint, environ=environ)


def objects(target: S3Target) -> dict[str, dict]:
    """Every object under the prefix with its metadata, as the S3 server reports it."""
    out = subprocess.run(target._rclone("lsjson", "-R", "--files-only", "-M", target.remote),
                         env=target.env, capture_output=True, text=True, check=True).stdout
    return {item["Path"]: item["Metadata"] for item in json.loads(out)}


def read_back(target: S3Target, path: str) -> str:
    return subprocess.run(target._rclone("cat", f"{target.remote}/{path}"), env=target.env,
                          capture_output=True, text=True, check=True).stdout


def test_s3_uploads_with_content_types_and_cache_headers(sites, s3_server):
    v1, _ = sites
    endpoint, store = s3_server
    target = s3_target(endpoint)
    plan = target.deploy(v1, lambda _: None)
    assert plan.new == tuple(sorted(SITE_V1))
    for path, text in SITE_V1.items():
        assert read_back(target, path) == text, path
        assert (store / "reports-site/www" / path).read_text() == text  # in the served folder
    meta = objects(target)
    assert set(meta) == set(SITE_V1)
    expected = {
        "index.html": ("text/html; charset=utf-8", SHORT_CACHE),
        "theme/css/main.css": ("text/css; charset=utf-8", SHORT_CACHE),
        "data/iro/2021-22/legal_status.csv": ("text/csv; charset=utf-8", SHORT_CACHE),
        FRAGMENT: ("application/octet-stream", LONG_CACHE),
    }
    for path, (ctype, cache) in expected.items():
        assert (meta[path]["content-type"], meta[path]["cache-control"]) == (ctype, cache), path


def test_s3_redeploy_puts_assets_before_pages_and_deletes_stale_objects_last(sites, s3_server):
    v1, v2 = sites
    endpoint, store = s3_server
    target = s3_target(endpoint)
    target.deploy(v1, lambda _: None)
    before = snapshot(store)

    dry = target.plan(v2)
    assert (dry.new, dry.changed, dry.deleted) == (
        V1_TO_V2["new"], V1_TO_V2["changed"], V1_TO_V2["deleted"])
    assert snapshot(store) == before  # the dry run changed nothing

    # A changed stylesheet, so there is an asset to upload as well as pages.
    (v2 / "theme/css/main.css").write_text("body { color: #000; }\n")
    log: list[str] = []
    target.deploy(v2, log.append)
    # rclone's own report of each object, in the order it happened.
    # (Files of one kind go up together, in any order.)
    events = [line.strip() for line in log if line.startswith("  ")]
    assert events[0] == "theme/css/main.css: Copied (replaced existing)"
    assert sorted(events[1:3]) == ["index.html: Copied (replaced existing)",
                                   "qa/index.html: Copied (new)"]
    assert events[3:] == ["old/index.html: Deleted"]
    phases = [line.split(":")[0] for line in log if not line.startswith(" ")]
    assert phases[1:] == ["upload assets", "upload pages", "delete stale", "live"]
    assert objects(target).keys() == {*SITE_V2}
    assert not (store / "reports-site/www/old/index.html").exists()
    assert read_back(target, "index.html") == SITE_V2["index.html"]
    assert read_back(target, "theme/css/main.css") == "body { color: #000; }\n"
    assert target.plan(v2).new == target.plan(v2).changed == ()


def test_s3_refuses_wrong_credentials(sites, s3_server):
    v1, _ = sites
    endpoint, store = s3_server
    with pytest.raises(DeployError, match=r"InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|403"):
        s3_target(endpoint, secret="not-the-secret-key-0000").deploy(v1, lambda _: None)
    assert not list(store.rglob("*.html"))


def test_cache_policy_and_content_types():
    assert cache_control("pagefind/index/en-gb_863dac5.pf_index") == LONG_CACHE
    assert cache_control("pagefind/pagefind.en-gb_dd562a37b9240.pf_meta") == LONG_CACHE
    assert cache_control("theme/css/main.3f2a9c1b.css") == LONG_CACHE
    for plain in ("index.html", "theme/css/main.css", "pagefind/pagefind.js", "report.20230101.csv",
                  "pagefind/wasm.en-gb.pagefind", "pagefind/pagefind-entry.json"):
        assert cache_control(plain) == SHORT_CACHE, plain
    assert content_type("feeds/reports.atom.xml") == "application/atom+xml"
    assert content_type("theme/js/charts.js") == "text/javascript; charset=utf-8"
    assert content_type("theme/images/favicon.svg") == "image/svg+xml"


# --- GitHub Pages: ghp-import into a bare repository --------------------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout


def test_github_pages_branch_holds_the_site_and_nojekyll(sites, tmp_path):
    v1, v2 = sites
    repo = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    target = GitHubPagesTarget(str(repo), branch="gh-pages", cname="reports.example.org")
    assert target.plan(v1).new == tuple(sorted([*SITE_V1, ".nojekyll", "CNAME"]))
    target.deploy(v1, lambda _: None)
    listed = set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert listed == {*SITE_V1, ".nojekyll", "CNAME"}
    assert git(repo, "show", "gh-pages:index.html") == SITE_V1["index.html"]
    assert git(repo, "show", "gh-pages:.nojekyll") == ""
    assert git(repo, "show", "gh-pages:CNAME") == "reports.example.org"

    head = git(repo, "rev-parse", "gh-pages")
    plan = target.plan(v2)
    assert (plan.new, plan.changed, plan.deleted) == (
        V1_TO_V2["new"], V1_TO_V2["changed"], V1_TO_V2["deleted"])
    assert git(repo, "rev-parse", "gh-pages") == head  # the dry run pushed nothing

    target.deploy(v2, lambda _: None)
    assert set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split()) == {
        *SITE_V2, ".nojekyll", "CNAME"}
    assert git(repo, "rev-parse", "gh-pages^") == head  # history grows: one commit per deploy

    target.rollback(lambda _: None)
    assert git(repo, "show", "gh-pages:index.html") == SITE_V1["index.html"]
    assert "old/index.html" in git(repo, "ls-tree", "-r", "--name-only", "gh-pages")
    assert git(repo, "log", "-1", "--format=%s", "gh-pages").startswith("Roll back to")
    with pytest.raises(DeployError, match="no earlier publish"):
        target.rollback(lambda _: None)


# --- settings -----------------------------------------------------------------------------------

def test_deploy_settings_default_to_no_target(tmp_path):
    deploy = resolve(None, "content").deploy
    assert deploy.target == "" and deploy.keep_releases == 5 and deploy.gh_branch == "gh-pages"
    with pytest.raises(DeployError, match="no deploy target"):
        target_for(deploy)


def test_deploy_settings_are_validated():
    with pytest.raises(SettingsError, match=r"\['DEPLOY_TARGET'\] must be one of 'rsync', 's3', "
                                            r"'github-pages' or ''"):
        resolve({"DEPLOY_TARGET": "ftp"}, "content")
    with pytest.raises(SettingsError, match=r"\['DEPLOY_PATH'\] must be set to deploy to rsync"):
        resolve({"DEPLOY_TARGET": "rsync"}, "content")
    with pytest.raises(SettingsError, match=r"\['DEPLOY_S3_BUCKET'\] must be set to deploy to s3"):
        resolve({"DEPLOY_TARGET": "s3"}, "content")
    with pytest.raises(SettingsError, match=r"\['DEPLOY_KEEP_RELEASES'\] must be a whole number of at "
                                            "least 2"):
        resolve({"DEPLOY_KEEP_RELEASES": 1}, "content")
    with pytest.raises(SettingsError, match="must not hold a password or token"):
        resolve({"DEPLOY_GH_REPO": "https://x-access-token:ghp_secret@github.com/c/site.git"},
                "content")


def test_target_for_builds_the_configured_target_and_checks_an_override(tmp_path):
    deploy = resolve({"DEPLOY_TARGET": "rsync", "DEPLOY_PATH": str(tmp_path),
                      "DEPLOY_KEEP_RELEASES": 3}, "content").deploy
    target = target_for(deploy)
    assert isinstance(target, RsyncTarget) and target.keep == 3
    with pytest.raises(DeployError, match=r"\['DEPLOY_GH_REPO'\] must be set to deploy to github-pages"):
        target_for(deploy, "github-pages")
    with pytest.raises(DeployError, match="'ftp' is not known"):
        target_for(deploy, "ftp")


# --- the link check run before a deploy ---------------------------------------------------------

def test_link_check_finds_missing_files_and_fragments(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/iro/">ok</a><a href="/missing/">no</a><a href="#here">no id</a>'
                      '<a href="https://example.org/x">external</a>'
                      '<a href="https://reports.example.org/iro/#top">own address</a>'
                      '<img src="https://reports.example.org/gone.png">',
        "iro/index.html": '<h1 id="top">IRO</h1><a href="../index.html">up</a>'
                          '<a href="/iro/#nowhere">bad fragment</a>',
    })
    assert broken_links(site, "https://reports.example.org") == [
        "index.html: /missing/",
        "index.html: #here (no id 'here')",
        "index.html: /gone.png",
        "iro/index.html: /iro/#nowhere (no id 'nowhere')",
    ]
    assert broken_links(make_site(tmp_path / "fine", SITE_V1)) == []


# --- invoke publish, end to end ------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the fixture council's site whose publishconf.py deploys with rsync to tmp_path/live."""
    copy = copy_project(tmp_path)
    with (copy / "publishconf.py").open("a") as handle:
        handle.write(f'\nTRANSPARENCY = {{**TRANSPARENCY, "DEPLOY_TARGET": "rsync", '
                     f'"DEPLOY_PATH": {str(tmp_path / "live")!r}}}\n')
    return copy


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SITEURL"}
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True,
                          text=True, check=False, env=env)


def test_publish_with_invalid_data_deploys_nothing(project, tmp_path):
    csv_path = project / "data/iro/2022-23/legal_status.csv"
    csv_path.write_text(csv_path.read_text().replace("668", "nine hundred", 1))
    result = invoke(project, "publish")
    assert result.returncode != 0
    assert "'nine hundred' is not a number" in result.stderr
    assert not (tmp_path / "live").exists()


def test_publish_deploys_a_checked_build_and_a_broken_link_deploys_nothing(project, sites, tmp_path):
    root = tmp_path / "live"
    v1, _ = sites
    RsyncTarget(str(root)).deploy(v1, lambda _: None)  # what is live before: a stand-in site
    standin = live_release(root)

    result = invoke(project, "publish")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning: SITEURL is not set" in result.stderr  # no feed, sitemap or PDF addresses
    assert "  deleted  old/index.html" in output and "  new      iro/2019-04-to-2019-12/index.html" in output
    published = live_release(root)
    assert published > standin and releases(root) == [standin, published]
    current = root / "current"
    assert not (current / "old/index.html").exists()
    for period in ("iro/2022-23", "cp/2022-10-to-2023-09", "qa/2023-04-to-2023-09"):
        assert "<h1" in (current / period / "index.html").read_text(), period
    assert (current / "data/iro/2022-23/legal_status.csv").is_file()
    assert broken_links(current) == []
    live = snapshot(root)

    # A narrative link to a page that does not exist: the build succeeds, the check stops it.
    narrative = project / "content/iro/2022-23.md"
    narrative.write_text(narrative.read_text() + "\nSee [last year's figures](/iro/2099-00/).\n")
    result = invoke(project, "publish")
    assert result.returncode != 0
    assert "Not deployed: links that lead nowhere" in result.stderr
    assert "iro/2022-23/index.html: /iro/2099-00/" in result.stderr
    assert snapshot(root) == live
    assert live_release(root) == published
