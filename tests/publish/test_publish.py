"""`invoke publish`: a clean production build synced to a folder, over SSH with rsync, or to S3."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import free_port, wait_for_port

from socialhub.publish import (
    Destination,
    cache_control,
    content_type,
    parse_destination,
    sync_to_s3,
)

ROOT = Path(__file__).resolve().parents[2]


def _publish(content: Path, output: Path, *options: str) -> subprocess.CompletedProcess[str]:
    # Why --no-mentions and --no-fediverse: these tests are about the files;
    # tests/mentions/ and tests/activitypub/ send.
    command = [
        sys.executable,
        "-m",
        "invoke",
        "publish",
        "--no-mentions",
        "--no-fediverse",
        "--content",
        str(content),
    ]
    command += ["--output", str(output), *options]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def _tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_dry_run_lists_changes_and_touches_nothing(minimal_copy: Path, tmp_path: Path) -> None:
    """--dry-run prints what would be sent and creates no folder, not even the destination."""
    destination = tmp_path / "www" / "hub"
    result = _publish(
        minimal_copy, tmp_path / "public", "--dry-run", "--destination", str(destination)
    )
    assert result.returncode == 0, result.stderr
    assert "posts/first-post/index.html" in result.stdout
    assert "Would change" in result.stdout
    assert not (tmp_path / "www").exists()


def test_dry_run_leaves_a_published_folder_as_it_was(minimal_copy: Path, tmp_path: Path) -> None:
    """After a publish, a dry run of changed content lists the change and alters no file."""
    destination = tmp_path / "www"
    first = _publish(minimal_copy, tmp_path / "public", "--destination", str(destination))
    assert first.returncode == 0, first.stderr
    before = _tree(destination)
    (minimal_copy / "posts" / "closed-post.md").unlink()
    result = _publish(
        minimal_copy, tmp_path / "public", "--dry-run", "--destination", str(destination)
    )
    assert result.returncode == 0, result.stderr
    assert "*deleting   posts/closed-post/index.html" in result.stdout
    assert _tree(destination) == before


def test_publish_to_a_folder_mirrors_the_build(minimal_copy: Path, tmp_path: Path) -> None:
    """A real publish copies the production build; a removed item disappears on the next."""
    destination = tmp_path / "www"
    result = _publish(minimal_copy, tmp_path / "public", "--destination", str(destination))
    assert result.returncode == 0, result.stderr
    page = (destination / "posts" / "first-post" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://hub.lumen-mobile.example/posts/first-post/"' in page  # publishconf
    (minimal_copy / "posts" / "closed-post.md").unlink()
    again = _publish(minimal_copy, tmp_path / "public", "--destination", str(destination))
    assert again.returncode == 0, again.stderr
    assert "*deleting" in again.stdout
    assert not (destination / "posts" / "closed-post").exists()
    quiet = _publish(minimal_copy, tmp_path / "public", "--destination", str(destination))
    assert "Changed 0 files" in quiet.stdout


def test_publish_refuses_when_content_is_wrong(minimal_copy: Path, tmp_path: Path) -> None:
    """A validation problem stops the publish before anything is sent."""
    (minimal_copy / "posts" / "first-post.md").write_text("Title: Broken\n", encoding="utf-8")
    destination = tmp_path / "www"
    result = _publish(minimal_copy, tmp_path / "public", "--destination", str(destination))
    assert result.returncode == 1
    assert "content/posts/first-post.md: date: missing" in result.stderr
    assert "Nothing was published." in result.stderr
    assert not destination.exists()
    assert "Traceback" not in result.stderr


@pytest.fixture
def loopback_sshd(tmp_path: Path) -> Iterator[str]:
    """An sshd on 127.0.0.1 accepting one generated key; yields rsync's -e command."""
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    assert Path(sshd).exists(), "sshd is missing: apt-get install openssh-server"
    keys = tmp_path / "ssh"
    keys.mkdir(mode=0o700)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "host")], check=True
    )
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "client")], check=True
    )
    shutil.copy(keys / "client.pub", keys / "authorized_keys")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation folder
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\nStrictModes no\nUsePAM no\n"
        f"PasswordAuthentication no\nPermitRootLogin prohibit-password\n"
        f"PidFile {keys / 'sshd.pid'}\n",
        encoding="utf-8",
    )
    server = subprocess.Popen(
        [sshd, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, 10)
        yield (
            f"ssh -p {port} -i {keys / 'client'} -o StrictHostKeyChecking=no "
            "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_publish_over_ssh_with_rsync(
    minimal_copy: Path, tmp_path: Path, loopback_sshd: str
) -> None:
    """user@host:/path goes through rsync over SSH (to an sshd on loopback)."""
    destination = tmp_path / "remote-www"
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout
    target = f"{user.strip()}@127.0.0.1:{destination}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "publish",
            "--no-mentions",
            "--content",
            str(minimal_copy),
            "--output",
            str(tmp_path / "public"),
            "--destination",
            target,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HUB_PUBLISH_SSH_COMMAND": loopback_sshd},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(rsync)" in result.stdout
    assert (destination / "index.html").is_file()
    assert (destination / "videos" / "first-film" / "index.html").is_file()


def test_destinations_are_recognised() -> None:
    """Folders, SSH targets and buckets are told apart; an empty one is a clear error."""
    assert parse_destination("/var/www/hub").kind == "folder"
    assert parse_destination("./site").kind == "folder"
    assert parse_destination("deploy@example.org:/srv/hub").kind == "rsync"
    assert parse_destination("rsync://mirror.example/hub").kind == "rsync"
    bucket = parse_destination("s3://hub-bucket/www")
    assert (bucket.kind, bucket.bucket, bucket.prefix) == ("s3", "hub-bucket", "www/")
    with pytest.raises(Exception, match="PUBLISH_DESTINATION is empty"):
        parse_destination("  ")


def test_feeds_and_thumbnails_get_their_types_and_cache_headers() -> None:
    """Feeds are served as feeds, thumbnails cached for a year, pages for minutes."""
    assert content_type("feeds/all.rss.xml").startswith("application/rss+xml")
    assert content_type("feeds/all.atom.xml").startswith("application/atom+xml")
    assert content_type("feeds/all.json").startswith("application/feed+json")
    assert content_type("bloggers.opml").startswith("text/x-opml")
    assert content_type("thumbs/a-640.webp") == "image/webp"
    assert "immutable" in cache_control("thumbs/a-640.webp")
    assert cache_control("feeds/all.rss.xml") == "public, max-age=300"
    assert cache_control("index.html") == "public, max-age=300"


class FakeS3:
    """The part of boto3's S3 client that publishing uses, kept in a dict."""

    def __init__(self, objects: dict[str, str]) -> None:
        self.objects = dict(objects)
        self.uploads: list[tuple[str, dict[str, str]]] = []

    def get_paginator(self, _name: str) -> FakeS3:
        """boto3's paginator interface."""
        return self

    def paginate(self, Bucket: str, Prefix: str) -> list[dict]:  # noqa: N803 - boto3's names
        """One page with every object under the prefix."""
        contents = [
            {"Key": k, "ETag": f'"{v}"'} for k, v in self.objects.items() if k.startswith(Prefix)
        ]
        return [{"Contents": contents}]

    def upload_file(self, path: str, bucket: str, key: str, ExtraArgs: dict) -> None:  # noqa: N803
        """Record an upload."""
        self.uploads.append((key, ExtraArgs))
        self.objects[key] = "new"

    def delete_objects(self, Bucket: str, Delete: dict) -> None:  # noqa: N803
        """Drop objects."""
        for entry in Delete["Objects"]:
            del self.objects[entry["Key"]]


def test_s3_sync_uploads_with_headers_and_deletes_what_is_gone(tmp_path: Path) -> None:
    """Changed files are uploaded with type and cache headers; stale keys are deleted."""
    site = tmp_path / "public"
    (site / "feeds").mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    (site / "feeds" / "all.rss.xml").write_text("<rss/>", encoding="utf-8")
    same = hashlib.md5(b"<rss/>", usedforsecurity=False).hexdigest()
    client = FakeS3({"www/feeds/all.rss.xml": same, "www/old/index.html": "x"})
    changes = sync_to_s3(site, Destination("s3", "bucket/www"), dry_run=False, client=client)
    assert changes == [
        "upload www/index.html (text/html; charset=utf-8)",
        "delete www/old/index.html",
    ]
    assert client.uploads == [
        (
            "www/index.html",
            {"ContentType": "text/html; charset=utf-8", "CacheControl": "public, max-age=300"},
        )
    ]
    assert "www/old/index.html" not in client.objects
