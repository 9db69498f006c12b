"""What a deploy changes: new, changed and deleted files, found by comparing contents.

Every target computes a Plan the same way for a dry run and for a real deploy, from what is
live now (rsync: the `current` release; S3: the bucket's listing; GitHub Pages: the branch).
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

Log = Callable[[str], None]


class DeployError(RuntimeError):
    """A deploy, dry run or rollback could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Plan:
    target: str  # where, in words: "rsync to /srv/reports"
    new: tuple[str, ...]
    changed: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    def report(self) -> str:
        lines = [f"{self.target}: {len(self.new)} new, {len(self.changed)} changed, "
                 f"{len(self.deleted)} deleted, {self.unchanged} unchanged"]
        for label, paths in (("new", self.new), ("changed", self.changed), ("deleted", self.deleted)):
            lines.extend(f"  {label:<8} {path}" for path in paths)
        return "\n".join(lines)


def compare(target: str, local: Mapping[str, str], live: Mapping[str, str | None]) -> Plan:
    """A plan from two {relative path: content digest} maps. A live digest of None (unknown)
    counts as changed, so an upload is never skipped on a guess."""
    new = sorted(p for p in local if p not in live)
    changed = sorted(p for p in local if p in live and live[p] != local[p])
    deleted = sorted(p for p in live if p not in local)
    return Plan(target, tuple(new), tuple(changed), tuple(deleted),
                len(local) - len(new) - len(changed))


def files(site: Path) -> list[str]:
    """Every file under the site folder, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def md5_manifest(site: Path) -> dict[str, str]:
    return {path: hashlib.md5((site / path).read_bytes(), usedforsecurity=False).hexdigest()
            for path in files(site)}


def check_site(site: Path) -> None:
    """Refuse to deploy something that is not a built site."""
    if not site.is_dir():
        raise DeployError(f"{site} is not a folder")
    if not (site / "index.html").is_file():
        raise DeployError(f"{site} has no index.html: it is not a built site")


def run(command: Sequence[str], *, what: str, env: Mapping[str, str] | None = None,
        cwd: Path | None = None, ok: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
    """Run one of our fixed commands; a failure raises DeployError with its output."""
    try:
        result = subprocess.run(list(command), capture_output=True, text=True, env=env, cwd=cwd,
                                check=False)
    except FileNotFoundError as error:
        raise DeployError(f"{what}: {command[0]} is not installed ({error})") from error
    if result.returncode not in ok:
        output = (result.stderr + result.stdout).strip()
        raise DeployError(f"{what} failed (exit {result.returncode}): {output}")
    return result
