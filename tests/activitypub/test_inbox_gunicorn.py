"""The inbox under gunicorn: several workers share the followers and the replay record."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from helpers import free_port
from inbox_helpers import AS, Fediverse, signed_post, write_manifest

from socialhub.activitypub.followers import Followers
from socialhub.comments.config import load_config

APP = """
from pathlib import Path
from socialhub.comments.app import create_app
from socialhub.comments.config import load_config

root = Path(__file__).resolve().parent
application = create_app(load_config({
    "SITEURL": "http://127.0.0.1:PORT",
    "ACTIVITYPUB_ACCOUNT": "hub@127.0.0.1:PORT",
    "ACTIVITYPUB_KEYS_DIR": "keys",
    "COMMENTS_QUEUE_DIR": "queue",
    "COMMENTS_MANIFEST_PATH": str(root / "manifest.json"),
    "COMMENTS_WEBMENTION_ALLOW_PRIVATE": True,
    "COMMENTS_WEBMENTION_TIMEOUT": 10.0,
}, root=root))
"""


@pytest.fixture
def fediverse() -> Iterator[Fediverse]:
    """The other server, stopped after the test."""
    server = Fediverse()
    yield server
    server.close()


def wait_until_healthy(base: str, seconds: float = 60) -> None:
    """Wait (bounded) for a worker to answer /health."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn never answered on {base}")


@pytest.mark.slow
def test_a_follow_through_gunicorn_is_stored_once_and_its_replays_refused_by_every_worker(
    tmp_path: Path, fediverse: Fediverse
) -> None:
    """The settings' account turns the inbox on; a replay to any worker is a 403."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "hubapp.py").write_text(APP.replace("PORT", str(port)), encoding="utf-8")
    manifest = write_manifest(tmp_path / "manifest.json")
    manifest.write_text(manifest.read_text().replace("127.0.0.1:8000", f"127.0.0.1:{port}"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ana = fediverse.add_actor("ana", key)
    activity = {"@context": AS, "id": f"{ana}#follows/1", "type": "Follow", "actor": ana,
                "object": f"{base}/fediverse/actor.json"}  # fmt: skip
    body, headers = signed_post(activity, f"{ana}#main-key", key, url=f"{base}/inbox")
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with open(tmp_path / "gunicorn.log", "wb") as log:
        master = subprocess.Popen(
            [*command, "--chdir", str(tmp_path), "hubapp:application"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(base)
        with httpx.Client(timeout=60) as client:
            statuses = [
                client.post(f"{base}/inbox", content=body, headers=headers).status_code
                for _ in range(6)
            ]
            count = client.get(f"{base}/fediverse/followers").json()["totalItems"]
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait(timeout=10)
    output = (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert statuses == [202, 403, 403, 403, 403, 403], output[-3000:]
    assert count == 1
    state = load_config({"COMMENTS_QUEUE_DIR": "queue"}, root=tmp_path).state_dir
    assert [f.actor for f in Followers.in_state(state).all()] == [ana]
    assert "Traceback" not in output
