"""Publishing: sync the built site to a local folder, an rsync (SSH) destination or S3.

The build itself is Pelican's with publishconf.py; this module only moves the
result, deleting at the destination what is gone from the build.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialhub.errors import ConfigError

# Why our own table: the system's MIME database does not know our feed suffixes,
# and a feed served as text/plain or application/octet-stream breaks readers.
CONTENT_TYPES = {
    ".rss.xml": "application/rss+xml; charset=utf-8",
    ".atom.xml": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xslt+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
}
LONG_CACHE = "public, max-age=31536000, immutable"  # thumbnails: their names change with them
MEDIA_CACHE = "public, max-age=86400"
SHORT_CACHE = "public, max-age=300"  # pages and feeds: a new build shows within minutes
# rsync --itemize-changes: "<f", ">f" (sent), "cf" (created), "*deleting" (removed).
_CHANGE_LINE = re.compile(r"^(\*deleting|[<>c][fL])")


@dataclass(frozen=True)
class Destination:
    """Where the site goes: kind is "folder", "rsync" or "s3"."""

    kind: str
    target: str
    ssh_command: str = ""

    @property
    def bucket(self) -> str:
        """The S3 bucket's name."""
        return self.target.split("/", 1)[0]

    @property
    def prefix(self) -> str:
        """The key prefix inside the bucket, with a trailing slash (or empty)."""
        rest = self.target.split("/", 1)[1] if "/" in self.target else ""
        return rest.strip("/") + "/" if rest.strip("/") else ""


def parse_destination(value: str, ssh_command: str = "") -> Destination:
    """Read PUBLISH_DESTINATION: a folder, ``user@host:path`` / ``rsync://…``, or ``s3://…``."""
    text = value.strip()
    if not text:
        raise ConfigError(
            "PUBLISH_DESTINATION is empty: set it in publishconf.py to a folder, "
            "user@host:/path (rsync over SSH) or s3://bucket/prefix"
        )
    if text.startswith("s3://"):
        target = text.removeprefix("s3://").strip("/")
        if not target:
            raise ConfigError("PUBLISH_DESTINATION s3:// needs a bucket: s3://bucket/prefix")
        return Destination("s3", target)
    if text.startswith("rsync://") or _looks_remote(text):
        return Destination("rsync", text, ssh_command)
    return Destination("folder", str(Path(text).expanduser()))


def _looks_remote(text: str) -> bool:
    """``host:path`` or ``user@host:path``, but not a Windows drive or a plain path."""
    head = text.split("/", 1)[0]
    return ":" in head and not text.startswith(("/", "./", "../"))


def rsync_command(source: Path, destination: Destination, dry_run: bool) -> list[str]:
    """The rsync command that mirrors ``source`` to the destination, deleting what is gone."""
    if shutil.which("rsync") is None:
        raise ConfigError("rsync is not installed: apt-get install rsync (or brew install rsync)")
    command = ["rsync", "--archive", "--delete", "--checksum", "--itemize-changes"]
    command += ["--human-readable", "--stats"]
    if dry_run:
        command.append("--dry-run")
    if destination.kind == "rsync" and destination.ssh_command:
        command += ["-e", destination.ssh_command]
    target = destination.target
    if destination.kind == "folder" and not dry_run:
        # rsync makes only the last folder of the path; a dry run makes none (it reports
        # "created directory" and every file as new).
        Path(target).mkdir(parents=True, exist_ok=True)
    # The trailing slash copies the folder's contents, not the folder itself.
    return [*command, f"{source}/", target.rstrip("/") + "/"]


def sync_with_rsync(source: Path, destination: Destination, dry_run: bool) -> list[str]:
    """Run rsync; return the lines describing each change (created, updated, deleted)."""
    command = rsync_command(source, destination, dry_run)
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    if result.returncode != 0:
        raise ConfigError(
            f"rsync to {destination.target} failed ({result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}\ncommand: {shlex.join(command)}"
        )
    return [line for line in result.stdout.splitlines() if _is_change(line)]


def _is_change(line: str) -> bool:
    """rsync --itemize-changes lines for a file sent, created or deleted (not directories)."""
    return bool(_CHANGE_LINE.match(line))


def content_type(name: str) -> str:
    """The Content-Type to serve a published file with."""
    lowered = name.lower()
    for suffix, kind in CONTENT_TYPES.items():
        if lowered.endswith(suffix):
            return kind
    guessed, _ = mimetypes.guess_type(lowered)
    return guessed or "application/octet-stream"


def cache_control(name: str) -> str:
    """How long browsers and CDNs may keep a file: long for thumbnails, short for pages."""
    if name.startswith("thumbs/"):
        return LONG_CACHE
    if name.startswith(("images/", "media/", "theme/")) or name == "favicon.ico":
        return MEDIA_CACHE
    return SHORT_CACHE


def site_files(source: Path) -> Iterator[tuple[str, Path]]:
    """Every file of the built site as (key relative to the site root, path)."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            yield path.relative_to(source).as_posix(), path


def upload_plan(source: Path) -> list[tuple[str, str, str]]:
    """(key, content type, cache control) for every file: what S3 receives."""
    return [(key, content_type(key), cache_control(key)) for key, _ in site_files(source)]


def sync_to_s3(
    source: Path, destination: Destination, dry_run: bool, client: Any = None
) -> list[str]:
    """Upload changed files to S3 with their types and cache headers; delete what is gone."""
    if client is None:
        try:
            import boto3  # noqa: PLC0415 - optional extra: pip install -e '.[s3]'
        except ImportError:
            raise ConfigError("publishing to S3 needs boto3: pip install -e '.[s3]'") from None
        client = boto3.client("s3")
    existing = _remote_etags(client, destination)
    changes: list[str] = []
    keys = set()
    for key, path in site_files(source):
        remote_key = destination.prefix + key
        keys.add(remote_key)
        if existing.get(remote_key) == _md5(path):
            continue
        changes.append(f"upload {remote_key} ({content_type(key)})")
        if not dry_run:
            client.upload_file(
                str(path),
                destination.bucket,
                remote_key,
                ExtraArgs={"ContentType": content_type(key), "CacheControl": cache_control(key)},
            )
    gone = sorted(set(existing) - keys)
    changes += [f"delete {key}" for key in gone]
    if gone and not dry_run:
        for start in range(0, len(gone), 1000):
            batch = [{"Key": key} for key in gone[start : start + 1000]]
            client.delete_objects(Bucket=destination.bucket, Delete={"Objects": batch})
    return changes


def _remote_etags(client: Any, destination: Destination) -> dict[str, str]:
    paginator = client.get_paginator("list_objects_v2")
    etags: dict[str, str] = {}
    for page in paginator.paginate(Bucket=destination.bucket, Prefix=destination.prefix):
        for entry in page.get("Contents", []):
            etags[entry["Key"]] = entry["ETag"].strip('"')
    return etags


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def publish(source: Path, destination: Destination, dry_run: bool) -> list[str]:
    """Sync the built site to its destination; the list of changes (would-be, when dry)."""
    if not (source / "index.html").is_file():
        raise ConfigError(f"{source} holds no built site (no index.html); build it first")
    if destination.kind == "s3":
        return sync_to_s3(source, destination, dry_run)
    return sync_with_rsync(source, destination, dry_run)


def describe(changes: Sequence[str], destination: Destination, dry_run: bool) -> str:
    """A short human summary of a publish."""
    verb = "Would change" if dry_run else "Changed"
    return f"{verb} {len(changes)} files at {destination.target} ({destination.kind})."
