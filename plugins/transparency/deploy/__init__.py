"""Deploy a finished site folder to where it is served; Pelican-independent.

Targets, chosen by TRANSPARENCY['DEPLOY_TARGET'] (docs/publishing.md):

* `rsync`: atomic releases in a local or SSH folder, with rollback (`rsync.py`);
* `s3`: S3-compatible object storage through rclone, assets before pages, deletes last (`s3.py`);
* `github-pages`: one commit on a branch through ghp-import (`ghpages.py`).

Each has `plan(site)` (what would change: the dry run), `deploy(site, log)` and `rollback(log)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..settings import DeployConfig, deploy_problems
from .plan import DeployError, Log, Plan

__all__ = ["DeployError", "Plan", "Target", "target_for"]


class Target(Protocol):
    name: str

    def plan(self, site: Path) -> Plan: ...
    def deploy(self, site: Path, log: Log = print) -> Plan: ...
    def rollback(self, log: Log = print) -> str: ...


def target_for(deploy: DeployConfig, name: str = "") -> Target:
    """The target named (or the configured one), built from the DEPLOY_ settings."""
    name = name or deploy.target
    if not name:
        raise DeployError("no deploy target: set TRANSPARENCY['DEPLOY_TARGET'] in publishconf.py "
                          "or pass --target (rsync, s3 or github-pages)")
    problems = deploy_problems(deploy, name)
    if problems:
        raise DeployError("\n".join(problems))
    if name == "rsync":
        from .rsync import RsyncTarget

        return RsyncTarget(deploy.path, deploy.keep_releases)
    if name == "s3":
        from .s3 import S3Target

        return S3Target(deploy.s3_bucket, deploy.s3_prefix, deploy.s3_endpoint, deploy.s3_region,
                        deploy.s3_provider)
    from .ghpages import GitHubPagesTarget

    return GitHubPagesTarget(deploy.gh_repo, deploy.gh_branch, deploy.gh_cname)
