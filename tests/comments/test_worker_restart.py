"""A worker gunicorn starts again never takes another worker's file: no 500, nothing lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from helpers import free_port

from socialhub.comments.config import CommentsConfig
from socialhub.comments.queue import Queue

WORKERS = 3
CLIENTS = 8
LOAD_SECONDS = 12.0
KILL_EVERY = 1.5

# Each worker imports this module, so each one runs the service's start-up clean-up.
APP = """
from pathlib import Path
from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig

root = Path(__file__).resolve().parent
application = create_app(CommentsConfig(
    queue_dir=root / "queue", content_dir=root / "content",
    manifest_path=root / "manifest.json", site_url="http://127.0.0.1:8000",
    allowed_origins=("http://127.0.0.1:8000",), rate_limit_count=1_000_000,
))
"""


def workers(master: int) -> list[int]:
    """The worker processes gunicorn's master has forked."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def wait_until_healthy(base: str, seconds: float = 30) -> None:
    """Wait for a worker to answer /health, or fail the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn never answered on {base}")


@contextmanager
def gunicorn(folder: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving folder/hubapp.py on 127.0.0.1:port, its output in gunicorn.log."""
    command = ["gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    with open(folder / "gunicorn.log", "wb") as log:
        master = subprocess.Popen(
            [sys.executable, "-m", *command, "--chdir", str(folder), "hubapp:application"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield master
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(timeout=15)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait(timeout=5)


class Readers:
    """Clients posting comments until stopped, and what they were answered."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.statuses: Counter[int] = Counter()
        self.acknowledged: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._post, args=(n,)) for n in range(CLIENTS)]

    def start(self) -> None:
        """Start every client."""
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop and wait for every client."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _post(self, client_number: int) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            number = 0
            while not self._stop.is_set():
                number += 1
                fields = {
                    "item": "first-post",
                    "author": f"Reader {client_number}",
                    "body": f"Comment {client_number}-{number} " * 10,
                }
                try:
                    answer = client.post(
                        "/api/comments", json=fields, headers={"Origin": "http://127.0.0.1:8000"}
                    )
                except httpx.TransportError:
                    continue  # its worker was killed: not acknowledged, nothing promised
                with self._lock:
                    self.statuses[answer.status_code] += 1
                    if answer.status_code == 202:
                        self.acknowledged.append(answer.json()["id"])


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds workers through /proc")
def test_killing_workers_under_load_answers_no_500_and_loses_nothing(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """Eight clients post while a worker is killed every 1.5 s and gunicorn starts another."""
    assert config.manifest_path == tmp_path / "manifest.json"  # the app below reads it
    (tmp_path / "hubapp.py").write_text(APP, encoding="utf-8")
    port = free_port()
    readers = Readers(f"http://127.0.0.1:{port}")
    kills = 0
    with gunicorn(tmp_path, port) as master:
        wait_until_healthy(readers.base)
        readers.start()
        try:
            deadline = time.monotonic() + LOAD_SECONDS
            while time.monotonic() < deadline:
                time.sleep(KILL_EVERY)
                running = workers(master.pid)
                if running:
                    os.kill(random.choice(running), signal.SIGKILL)
                    kills += 1
        finally:
            readers.stop()
        assert master.poll() is None, "gunicorn's master stopped"
    log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert kills >= 6
    assert readers.statuses[202] > 100, readers.statuses
    assert set(readers.statuses) == {202}, f"{readers.statuses}\n{log[-3000:]}"
    assert "FileNotFoundError" not in log
    missing = set(readers.acknowledged) - Queue(tmp_path / "queue").ids()
    assert not missing, f"{len(missing)} acknowledged comments are not in the queue"
