"""Slow clients: 40 connections sending their requests a byte at a time starve no server.

Three set-ups, each with /health asked throughout: gunicorn with the shipped
deploy/gunicorn.conf.py, `invoke comments.serve` (waitress), and the supported
deployment, nginx (deploy/nginx-hub.conf) in front of gunicorn.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import free_port, shipped_nginx, wait_for_port

from socialhub.comments.config import CommentsConfig

ROOT = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 40
SECONDS = 6.0  # how long the slow clients stay and /health is asked
SETTINGS = """
SITEURL = "http://127.0.0.1:8000"
TIMEZONE = "Europe/Oslo"
COMMENTS_QUEUE_DIR = {queue!r}
COMMENTS_MANIFEST_PATH = {manifest!r}
"""
SLOW_HEADERS = b"POST /comments HTTP/1.1\r\nHost: hub\r\nX-Padding: " + b"x" * 400
SLOW_BODY = (
    b"POST /comments HTTP/1.1\r\nHost: hub\r\nOrigin: http://127.0.0.1:8000\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n"
)


class SlowClients:
    """Connections that each send a request one byte every half second, in one thread."""

    def __init__(self, port: int, count: int) -> None:
        self.sockets: list[tuple[socket.socket, bytes]] = []
        for number in range(count):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            # Half are slow in their headers, half send headers at once and then dawdle.
            if number % 2:
                connection.sendall(SLOW_BODY)
                rest = b"author=" + b"s" * 393
            else:
                rest = SLOW_HEADERS
            self.sockets.append((connection, rest))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self) -> None:
        position = 0
        while not self.stop.wait(0.5):
            for connection, rest in self.sockets:
                with contextlib.suppress(OSError):
                    connection.sendall(rest[position : position + 1])
            position += 1

    def still_open(self) -> int:
        """How many of the connections the server has not closed."""
        alive = 0
        for connection, _rest in self.sockets:
            connection.setblocking(False)
            try:
                alive += connection.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
            finally:
                connection.setblocking(True)
        return alive

    def close(self) -> None:
        """Stop dripping and hang up."""
        self.stop.set()
        self.thread.join(timeout=5)
        for connection, _rest in self.sockets:
            connection.close()


def health_throughout(health_url: str, port: int) -> int:
    """With the slow clients connected, /health every 0.25 s, each answered 200: how many."""
    slow = SlowClients(port, SLOW_CLIENTS)
    answered = 0
    try:
        time.sleep(0.5)  # the slow clients are in, holding whatever they hold
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            # A starved server shows as a timeout here: the check waits its turn behind
            # the slow clients and never gets one.
            answer = httpx.get(health_url, timeout=3)
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "ok"
            answered += 1
            time.sleep(0.25)
        assert slow.still_open() == SLOW_CLIENTS  # they were there the whole time
    finally:
        slow.close()
    return answered


def settings_file(folder: Path, config: CommentsConfig) -> Path:
    """A settings file for the service, like publishconf.py."""
    path = folder / "settings.py"
    path.write_text(
        SETTINGS.format(queue=str(config.queue_dir), manifest=str(config.manifest_path)),
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def running(command: list[str], port: int, **options: object) -> Iterator[None]:
    """A server process on ``port``, stopped afterwards."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options
    )
    try:
        wait_for_port(port, 30)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def gunicorn(folder: Path, config: CommentsConfig, port: int) -> contextlib.AbstractContextManager:
    """gunicorn with the shipped settings, only the address changed."""
    settings = settings_file(folder, config)
    return running(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "socialhub.comments.wsgi:application",
        ],
        port,
        cwd=folder,
        env={"HUB_ROOT": str(folder), "HUB_SETTINGS": settings.name, "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.slow
def test_gunicorn_with_the_shipped_settings_answers_health_among_slow_clients(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """gthread workers: 40 slow clients hold threads, not the workers."""
    port = free_port()
    with gunicorn(tmp_path, config, port):
        time.sleep(1.0)  # every worker loaded
        assert health_throughout(f"http://127.0.0.1:{port}/health", port) > 0


@pytest.mark.slow
def test_comments_serve_answers_health_among_slow_clients(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """`invoke comments.serve` (waitress reads each request whole before a thread runs it)."""
    port = free_port()
    settings = settings_file(tmp_path, config)
    command = [
        sys.executable,
        "-m",
        "invoke",
        "comments.serve",
        "--port",
        str(port),
        "--settings",
        str(settings),
    ]
    with running(command, port, cwd=ROOT):
        assert health_throughout(f"http://127.0.0.1:{port}/health", port) > 0


@pytest.mark.slow
def test_nginx_in_front_of_gunicorn_answers_health_among_slow_clients(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """The supported set-up: nginx reads requests whole; slow clients never reach gunicorn."""
    nginx = shipped_nginx(tmp_path, tmp_path, connections=256)
    with (
        gunicorn(tmp_path, config, nginx.service_port),
        running(nginx.command, nginx.comments_port),
    ):
        time.sleep(1.0)
        health = f"http://127.0.0.1:{nginx.comments_port}/health"
        assert health_throughout(health, nginx.comments_port) > 0
