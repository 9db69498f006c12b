"""GitHub Pages: the site as the whole tree of one commit on a branch (ghp-import).

Works in a scratch clone, so the project's own repository and branches are never touched:
fetch the branch from DEPLOY_GH_REPO (any git URL or path), let ghp-import commit the site
(with .nojekyll, and CNAME when set) on top of it, and push. Authentication is git's own: an
SSH key (GIT_SSH_COMMAND) or a credential helper; nothing secret is in our settings.

Each deploy is one commit whose message starts "Publish"; a rollback is a new commit whose
tree is that of the publish before the one now live, so history only ever grows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import tempfile
from pathlib import Path

from .plan import DeployError, Log, Plan, check_site, compare, files, run

PUBLISH = "Publish"
ROLLBACK = "Roll back"
IDENTITY = {"GIT_AUTHOR_NAME": "Site publisher", "GIT_AUTHOR_EMAIL": "publisher@localhost",
            "GIT_COMMITTER_NAME": "Site publisher", "GIT_COMMITTER_EMAIL": "publisher@localhost"}


def blob_id(data: bytes) -> str:
    """The id git gives a file's content, so a local file can be compared with the branch."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class GitHubPagesTarget:
    name = "github-pages"

    def __init__(self, repo: str, branch: str = "gh-pages", cname: str = "") -> None:
        if not repo:
            raise DeployError("the github-pages target needs DEPLOY_GH_REPO (a git URL or path)")
        self.repo = repo
        self.branch = branch
        self.cname = cname
        self.label = f"github-pages to {repo} branch {branch}"
        # Identity for the commits we make, unless the environment gives one.
        self.env = {**IDENTITY, **os.environ}

    def _git(self, scratch: Path, *args: str, what: str, ok: tuple[int, ...] = (0,)) -> str:
        return run(["git", *args], what=what, cwd=scratch, env=self.env, ok=ok).stdout

    def _fetch(self, scratch: Path) -> str | None:
        """A scratch repository with the branch fetched as origin/<branch>; its commit or None."""
        self._git(scratch, "init", "-q", what="creating a scratch repository")
        self._git(scratch, "remote", "add", "origin", self.repo, what="adding the remote")
        heads = self._git(scratch, "ls-remote", "--heads", "origin", f"refs/heads/{self.branch}",
                          what=f"reading {self.repo}")
        if not heads.strip():
            return None
        self._git(scratch, "fetch", "-q", "origin",
                  f"+refs/heads/{self.branch}:refs/remotes/origin/{self.branch}",
                  what=f"fetching {self.branch} from {self.repo}")
        return heads.split()[0]

    def _tree(self, scratch: Path, ref: str) -> dict[str, str]:
        out = self._git(scratch, "ls-tree", "-r", "-z", ref, what=f"reading the files of {ref}")
        tree = {}
        for entry in filter(None, out.split("\0")):
            meta, path = entry.split("\t", 1)
            tree[path] = meta.split()[2]
        return tree

    def _local(self, site: Path) -> dict[str, str]:
        local = {path: blob_id((site / path).read_bytes()) for path in files(site)}
        local[".nojekyll"] = blob_id(b"")
        if self.cname:
            local["CNAME"] = blob_id(self.cname.encode())  # ghp-import writes no newline
        return local

    def plan(self, site: Path) -> Plan:
        check_site(site)
        with tempfile.TemporaryDirectory(prefix="deploy-ghp-") as scratch:
            head = self._fetch(Path(scratch))
            live = self._tree(Path(scratch), f"origin/{self.branch}") if head else {}
        return compare(self.label, self._local(site), live)

    def deploy(self, site: Path, log: Log = print) -> Plan:
        check_site(site)
        with tempfile.TemporaryDirectory(prefix="deploy-ghp-") as name:
            scratch = Path(name)
            head = self._fetch(scratch)
            live = self._tree(scratch, f"origin/{self.branch}") if head else {}
            plan = compare(self.label, self._local(site), live)
            log(plan.report())
            stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "--push",
                       "--remote", "origin", "--branch", self.branch,
                       "--message", f"{PUBLISH} {stamp}", str(site.resolve())]
            if self.cname:
                command[4:4] = ["--cname", self.cname]
            run(command, what=f"ghp-import to {self.label}", cwd=scratch, env=self.env)
            # ghp-import reports a failed commit only on its output: check what was pushed.
            local = self._git(scratch, "rev-parse", f"refs/heads/{self.branch}",
                              what="reading the new commit").strip()
            remote = self._git(scratch, "ls-remote", "--heads", "origin", f"refs/heads/{self.branch}",
                               what=f"reading {self.repo}").split()
            if not remote or remote[0] != local or local == head:
                raise DeployError(f"ghp-import did not push a new commit to {self.label}")
            if self._tree(scratch, local) != self._local(site):
                raise DeployError(f"the commit pushed to {self.label} does not hold the site")
        log(f"live: {self.label} at commit {local[:12]}")
        return plan

    def rollback(self, log: Log = print) -> str:
        """A new commit with the tree of the publish before the one now live."""
        with tempfile.TemporaryDirectory(prefix="deploy-ghp-") as name:
            scratch = Path(name)
            head = self._fetch(scratch)
            if head is None:
                raise DeployError(f"{self.label}: the branch does not exist; nothing to roll back")
            log_out = self._git(scratch, "log", "--first-parent", "--format=%H %T %s",
                                f"origin/{self.branch}", what="reading the branch history")
            commits = [line.split(" ", 2) for line in log_out.splitlines()]
            live_tree = commits[0][1]
            # The publish that put the live files there, then the publish before it with other files.
            start = next((i for i, (_, tree, subject) in enumerate(commits)
                          if tree == live_tree and subject.startswith(PUBLISH)), None)
            previous = None if start is None else next(
                ((sha, tree, subject) for sha, tree, subject in commits[start + 1:]
                 if subject.startswith(PUBLISH) and tree != live_tree), None)
            if previous is None:
                raise DeployError(f"{self.label}: no earlier publish to roll back to")
            sha, tree, subject = previous
            message = f"{ROLLBACK} to {sha[:12]} ({subject})"
            commit = self._git(scratch, "commit-tree", tree, "-p", head, "-m", message,
                               what="making the rollback commit").strip()
            self._git(scratch, "push", "-q", "origin", f"{commit}:refs/heads/{self.branch}",
                      what=f"pushing the rollback to {self.repo}")
        log(f"rolled back: {self.label} now has the files of {sha[:12]} ({subject})")
        return sha
