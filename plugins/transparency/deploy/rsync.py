"""Atomic releases with rsync, to a local folder or over SSH (`user@host:/srv/reports`).

The target folder holds:

    releases/<UTC timestamp>/   one whole copy of the site per deploy; unchanged files are
                                hard links to the previous release (rsync --link-dest)
    current -> releases/<...>   the symlink the web server serves

A deploy copies into `releases/<stamp>.partial/`, renames it to `releases/<stamp>/` when the
copy is complete, and only then points `current` at it with one rename(2) of a new symlink over
the old one. A deploy killed before that leaves `current` on the previous release, whole; the
next deploy removes the leftover `.partial` folder. Every step on the target is a short shell
script, run by `sh -c` locally or by `ssh host` remotely, so both paths run the same code.
Over SSH, RSYNC_RSH (rsync's own variable) gives the ssh command and its options.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .plan import DeployError, Log, Plan, check_site, compare, files, run

RELEASE = re.compile(r"^\d{8}T\d{6}(\.\d{6})?Z$")
# -a without -t: with --checksum, a file whose content is unchanged is hard-linked to the
# previous release even though the fresh build gave it a new modification time.
RSYNC = ("rsync", "-a", "--no-times", "--checksum", "--delete", "--chmod=D755,F644")


def release_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S.%fZ")


@dataclass(frozen=True)
class Location:
    """Where releases live: a local folder, or `host:path` reached with ssh."""

    host: str | None
    root: str

    @classmethod
    def parse(cls, path: str) -> Location:
        if "::" in path:
            raise DeployError(f"DEPLOY_PATH '{path}': rsync daemons (host::module) are not supported; "
                              "use user@host:/path over SSH")
        head, colon, tail = path.partition(":")
        if colon and "/" not in head and head:
            if not tail:
                raise DeployError(f"DEPLOY_PATH '{path}' names no folder on {head}")
            return cls(head, tail.rstrip("/") or "/")
        return cls(None, str(Path(path).expanduser().resolve()))

    def __str__(self) -> str:
        return f"{self.host}:{self.root}" if self.host else self.root

    def rsync_dest(self, relative: str) -> str:
        path = f"{self.root}/{relative}"
        return f"{self.host}:{path}" if self.host else path

    def shell(self, script: str, what: str) -> str:
        command = [*remote_shell(), self.host, script] if self.host else ["sh", "-c", script]
        return run(command, what=what).stdout


def remote_shell() -> list[str]:
    """The ssh command: RSYNC_RSH when set (rsync itself reads it too, so the copy and our
    commands reach the host the same way, e.g. 'ssh -p 2222 -i key'), else plain ssh."""
    return shlex.split(os.environ.get("RSYNC_RSH", "").strip() or "ssh")


class RsyncTarget:
    name = "rsync"

    def __init__(self, path: str, keep: int = 5, rsync_options: Sequence[str] = ()) -> None:
        if keep < 2:
            raise DeployError("DEPLOY_KEEP_RELEASES must be at least 2, so there is one to roll back to")
        self.where = Location.parse(path)
        self.keep = keep
        self.rsync_options = tuple(rsync_options)  # e.g. --bwlimit, for tests

    # --- state on the target ----------------------------------------------------------------

    def state(self) -> tuple[list[str], str | None]:
        """The complete releases, oldest first, and the one `current` points at (or None)."""
        root = shlex.quote(self.where.root)
        out = self.where.shell(
            f"cd {root} 2>/dev/null || exit 0; ls -1 releases 2>/dev/null; echo '//'; "
            "readlink current 2>/dev/null || true", f"reading the releases in {self.where}")
        listing, _, current = out.partition("//\n")
        releases = sorted(n for n in listing.split() if RELEASE.match(n))
        current = current.strip()
        name = current.removeprefix("releases/") if current else None
        return releases, name

    def _switch(self, release: str, complete: str = "") -> None:
        """Point `current` at releases/<release> in one step: a new symlink renamed over it.
        `complete`, if given, is a partial folder renamed to the release first."""
        root = shlex.quote(self.where.root)
        link = shlex.quote(f"releases/{release}")
        first = f"mv {shlex.quote(complete)} {link} && " if complete else ""
        self.where.shell(f"cd {root} && {first}test -d {link} && ln -sfn {link} .current.new && "
                         "mv -T .current.new current", f"switching {self.where}/current to {release}")

    # --- plan, deploy, rollback ---------------------------------------------------------------

    def plan(self, site: Path, state: tuple[list[str], str | None] | None = None) -> Plan:
        check_site(site)
        releases, current = state or self.state()
        label = f"rsync to {self.where} (live: {current or 'nothing yet'})"
        if current not in releases:
            return compare(label, dict.fromkeys(files(site), ""), {})
        result = run([*RSYNC, "--dry-run", "--out-format=%i %n", f"{site}/",
                      self.where.rsync_dest("current/")],
                     what=f"comparing with {self.where}/current")
        new, changed, deleted = [], [], []
        for line in result.stdout.splitlines():
            if line.startswith("*deleting"):
                path = line.removeprefix("*deleting").strip()
                if not path.endswith("/"):
                    deleted.append(path)
                continue
            code, _, path = line.partition(" ")
            if len(code) != 11 or code[1] != "f":
                continue  # folders, and anything that is not a regular file
            if code[2:] == "+" * 9:
                new.append(path)
            elif code[0] in "<>":
                changed.append(path)  # content differs (--checksum), so it is copied
        total = len(files(site))
        return Plan(label, tuple(sorted(new)), tuple(sorted(changed)), tuple(sorted(deleted)),
                    total - len(new) - len(changed))

    def deploy(self, site: Path, log: Log = print) -> Plan:
        releases, current = self.state()
        plan = self.plan(site, (releases, current))
        log(plan.report())
        release = release_name()
        if releases and release <= releases[-1]:
            raise DeployError(f"the newest release {releases[-1]} is not older than {release}: "
                              "is the clock right?")
        root = shlex.quote(self.where.root)
        partial = f"releases/{release}.partial"
        # Leftovers of a killed deploy are never served, so they can go.
        self.where.shell(f"mkdir -p {root}/releases && rm -rf {root}/releases/*.partial",
                         f"preparing {self.where}")
        link_dest = [f"--link-dest=../{current}"] if current in releases else []
        log(f"copying into {self.where}/{partial}/")
        run([*RSYNC, *link_dest, *self.rsync_options, f"{site}/", self.where.rsync_dest(f"{partial}/")],
            what=f"copying the site to {self.where}")
        self._switch(release, complete=partial)
        log(f"live: {self.where}/current -> releases/{release}")
        self.prune(log, ([*releases, release], release))
        return plan

    def rollback(self, log: Log = print) -> str:
        releases, current = self.state()
        if current not in releases:
            raise DeployError(f"{self.where}/current points at no release ({current}); nothing to roll back")
        index = releases.index(current)
        if index == 0:
            raise DeployError(f"{current} is the oldest release in {self.where}; nothing to roll back to")
        previous = releases[index - 1]
        self._switch(previous)
        log(f"rolled back: {self.where}/current -> releases/{previous} (was {current})")
        return previous

    def prune(self, log: Log = print, state: tuple[list[str], str | None] | None = None) -> list[str]:
        """Remove all but the newest `keep` releases; never the live one."""
        releases, current = state or self.state()
        keep = set(releases[-self.keep:]) | {current}
        old = [r for r in releases if r not in keep]
        if old:
            root = shlex.quote(self.where.root)
            self.where.shell(" && ".join(f"rm -rf {root}/releases/{r}" for r in old),
                             "removing old releases")
            log(f"removed {len(old)} old release(s): {', '.join(old)}")
        return old
