"""The guide's nginx lines for the inbox, run for real: signatures hold through the proxy."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from helpers import free_port
from inbox_helpers import AS, Fediverse, signed_post, write_manifest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "operating.md"

APP = """
from pathlib import Path
from socialhub.comments.app import create_app
from socialhub.comments.config import load_config

root = Path(__file__).resolve().parent
application = create_app(load_config({
    "SITEURL": "@SITE@",
    "ACTIVITYPUB_ACCOUNT": "hub@@HOST@",
    "ACTIVITYPUB_KEYS_DIR": "keys",
    "COMMENTS_QUEUE_DIR": "queue",
    "COMMENTS_MANIFEST_PATH": str(root / "manifest.json"),
    "COMMENTS_WEBMENTION_ALLOW_PRIVATE": True,
    "COMMENTS_TRUSTED_PROXIES": 1,
}, root=root))
"""


def guide_block() -> str:
    """The nginx block of the guide's "The inbox" section."""
    section = GUIDE.read_text(encoding="utf-8").split("### The inbox", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"```nginx\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the inbox section has no nginx block"
    return found[1]


@pytest.fixture
def fediverse() -> Iterator[Fediverse]:
    """The other server, stopped after the test."""
    server = Fediverse()
    yield server
    server.close()


@contextmanager
def running(command: list[str], log: Path, cwd: Path | None = None) -> Iterator[None]:
    """A process for the test's length, stopped (TERM, then KILL) afterwards."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for(url: str, seconds: float = 60) -> None:
    """Wait (bounded) until ``url`` answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


@pytest.mark.slow
def test_a_signed_follow_through_the_guides_nginx_lines_is_accepted(
    tmp_path: Path, fediverse: Fediverse
) -> None:
    """nginx in front, as the guide says: the signed Follow is accepted, the count served."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: apt-get install nginx"
    site_port, service_port = free_port(), free_port()
    site = f"http://127.0.0.1:{site_port}"
    app = APP.replace("@SITE@", site).replace("@HOST@", f"127.0.0.1:{site_port}")
    (tmp_path / "hubapp.py").write_text(app, encoding="utf-8")
    manifest = write_manifest(tmp_path / "manifest.json")
    manifest.write_text(manifest.read_text().replace("http://127.0.0.1:8000", site))
    block = guide_block().replace("127.0.0.1:8001", f"127.0.0.1:{service_port}")
    temp = tmp_path / "nginx"
    temp.mkdir()
    conf = temp / "nginx.conf"
    conf.write_text(
        f"user root; worker_processes 1; daemon off; pid {temp}/nginx.pid;\n"
        f"error_log {temp}/error.log;\nevents {{ worker_connections 16; }}\n"
        f"http {{ access_log off; client_body_temp_path {temp}/body; "
        f"proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi; "
        f"uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;\n"
        f"server {{ listen 127.0.0.1:{site_port}; location = /health {{ return 200; }}\n"
        f"{block}\n}}\n}}\n",
        encoding="utf-8",
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ana = fediverse.add_actor("ana", key)
    activity = {"@context": AS, "id": f"{ana}#follows/1", "type": "Follow", "actor": ana,
                "object": f"{site}/fediverse/actor.json"}  # fmt: skip
    body, headers = signed_post(activity, f"{ana}#main-key", key, url=f"{site}/inbox")
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "1",
                "--bind", f"127.0.0.1:{service_port}", "--chdir", str(tmp_path),
                "hubapp:application"]  # fmt: skip
    with (
        running(gunicorn, tmp_path / "gunicorn.log"),
        running([nginx, "-c", str(conf), "-p", str(temp)], tmp_path / "nginx.log"),
    ):
        wait_for(f"http://127.0.0.1:{service_port}/health")
        wait_for(f"{site}/health")
        with httpx.Client(timeout=60) as client:
            answer = client.post(f"{site}/inbox", content=body, headers=headers)
            count = client.get(f"{site}/fediverse/followers")
    log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert answer.status_code == 202, f"{answer.text}\n{log[-2000:]}"
    assert count.headers["content-type"] == "application/activity+json"
    assert count.json()["totalItems"] == 1
