"""The rate limit: one for every worker, only accepted posts counted, idle clients forgotten."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from helpers import free_port, wait_for_port
from werkzeug.test import Client

from socialhub.comments.app import CommentService
from socialhub.comments.config import CommentsConfig
from socialhub.comments.disk import RETRY_AFTER
from socialhub.comments.queue import Queue
from socialhub.comments.ratelimit import RateLimit

ROOT = Path(__file__).resolve().parents[2]
SITE = "http://127.0.0.1:8000"
FORM = {"item": "first-post", "author": "Sam", "body": "Hello."}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        """The time."""
        return self.now


def test_a_burst_of_count_then_one_per_step(tmp_path: Path) -> None:
    """5 per 60 s: five at once, the sixth refused, one more every 12 s."""
    clock = Clock()
    limit = RateLimit(tmp_path / "limit.sqlite3", 5, 60, clock=clock)
    assert [limit.take("a") for _ in range(6)] == [True] * 5 + [False]
    assert limit.take("b")  # another client has its own allowance
    clock.now += 11.9
    assert not limit.take("a")
    clock.now += 0.2
    assert limit.take("a")
    assert not limit.take("a")
    clock.now += 60
    assert [limit.take("a") for _ in range(6)] == [True] * 5 + [False]
    limit.close()


def test_refusals_and_given_back_posts_do_not_count(tmp_path: Path) -> None:
    """A refused call changes nothing; give_back undoes a take whose post was not stored."""
    clock = Clock()
    limit = RateLimit(tmp_path / "limit.sqlite3", 2, 60, clock=clock)
    assert limit.take("a") and limit.take("a")
    for _ in range(50):  # hammering while refused does not push the allowance back
        assert not limit.take("a")
    clock.now += 30
    assert limit.take("a")
    limit.give_back("a")
    assert limit.take("a")
    assert not limit.take("a")
    limit.close()


def test_idle_clients_are_forgotten_a_few_at_a_time(tmp_path: Path) -> None:
    """20,000 clients, then a minute later the next posts clear them; no call scans them."""
    clock = Clock()
    limit = RateLimit(tmp_path / "limit.sqlite3", 5, 60, clock=clock)
    for number in range(20_000):
        limit.take(f"10.0.{number // 256}.{number % 256}")
    assert limit.clients() == 20_000
    clock.now += 61
    started = time.perf_counter()
    for number in range(6_000):
        assert limit.take(f"192.168.{number // 256}.{number % 256}")
    per_call = (time.perf_counter() - started) / 6_000
    assert limit.clients() == 6_000  # every idle client of a minute ago is gone
    assert per_call < 0.002, f"{per_call * 1e6:.0f} µs a call"
    assert (tmp_path / "limit.sqlite3").stat().st_size < 4 * 1024 * 1024
    limit.close()


def _first_take(path: str, start: float) -> str:
    """Wait for ``start``, then take once from the store at ``path`` (in a worker process)."""
    while time.time() < start:
        pass
    try:
        RateLimit(Path(path), 1000, 60).take("reader")
    except Exception as error:  # the test reports whatever a worker met
        return f"{type(error).__name__}: {error.__cause__ or error}"
    return "accepted"


def test_workers_that_start_together_all_open_a_fresh_store(tmp_path: Path) -> None:
    """Four processes taking at the same instant from a store no one has made yet all succeed."""
    context = multiprocessing.get_context("spawn")
    answers: list[str] = []
    with context.Pool(4) as pool:
        pool.map(abs, range(4))  # every process started before the clock below runs
        for attempt in range(15):
            store = tmp_path / f"limit-{attempt}.sqlite3"
            start = time.time() + 0.2
            answers += pool.starmap(_first_take, [(str(store), start)] * 4)
    assert answers == ["accepted"] * 60


def test_a_store_that_cannot_be_written_answers_503_with_retry_after(
    make_service, config: CommentsConfig
) -> None:
    """The limit's file cannot be opened (here: a folder in its place): 503, not 500."""
    (config.queue_dir / "ratelimit.sqlite3").mkdir(parents=True)
    client = Client(make_service())
    form = client.post("/comments", data=FORM, headers={"Origin": SITE})
    assert form.status_code == 503
    assert form.headers["Retry-After"] == str(RETRY_AFTER)
    assert "try again" in form.get_data(as_text=True)
    api = client.post("/api/comments", json=FORM)
    assert api.status_code == 503
    assert api.headers["Retry-After"] == str(RETRY_AFTER)
    assert "try again" in api.get_json()["error"]
    assert list(Queue(config.queue_dir).list()) == []


def test_a_post_the_queue_could_not_store_is_not_counted(
    service: CommentService, config: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When writing the queue fails, the limit gives the client its post back."""
    client = Client(service)
    real_put = service.queue.put

    def failing_put(*args: object, **kwargs: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(service.queue, "put", failing_put)
    for _ in range(3):
        assert client.post("/comments", data=FORM, headers={"Origin": SITE}).status_code >= 500
    monkeypatch.setattr(service.queue, "put", real_put)
    answers = [client.post("/comments", data=FORM, headers={"Origin": SITE}) for _ in range(6)]
    assert [a.status_code for a in answers] == [303] * 5 + [429]


SETTINGS = """
SITEURL = "http://127.0.0.1:8000"
TIMEZONE = "Europe/Oslo"
COMMENTS_QUEUE_DIR = {queue!r}
COMMENTS_MANIFEST_PATH = {manifest!r}
COMMENTS_RATE_LIMIT_COUNT = 5
COMMENTS_RATE_LIMIT_SECONDS = 60
COMMENTS_TRUSTED_PROXIES = 1
"""


def start_gunicorn(root: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn with the shipped configuration, on a free port, its access log naming the pid."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(s)s",
            "socialhub.comments.wsgi:application",
        ],
        cwd=root,
        env={
            "HUB_ROOT": str(root),
            "HUB_SETTINGS": "settings.py",
            "PATH": "/usr/bin:/bin",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def write_settings(root: Path, config: CommentsConfig) -> None:
    """A settings file like publishconf.py for the service under gunicorn."""
    (root / "settings.py").write_text(
        SETTINGS.format(queue=str(config.queue_dir), manifest=str(config.manifest_path)),
        encoding="utf-8",
    )


@pytest.mark.slow
def test_two_gunicorn_workers_share_one_limit(config: CommentsConfig, tmp_path: Path) -> None:
    """A burst of posts from one client over two workers: exactly the limit is accepted."""
    write_settings(tmp_path, config)
    port, log = free_port(), tmp_path / "access.log"
    server = start_gunicorn(tmp_path, port, 2, log)
    try:
        wait_for_port(port, 30)
        time.sleep(1.0)  # both workers loaded (each opens the port's socket when it is)
        both_served = False
        for round_number in range(5):  # a round whose posts reached both workers decides
            client_ip = f"203.0.113.{round_number + 1}"
            before = log.read_text(encoding="utf-8").splitlines() if log.exists() else []

            def post(_: int, client_ip: str = client_ip) -> int:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/comments",
                    content=urllib.parse.urlencode(FORM),
                    headers={
                        "Origin": SITE,
                        "X-Forwarded-For": client_ip,
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Connection": "close",
                    },
                    timeout=10,
                )
                return answer.status_code

            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = list(pool.map(post, range(24)))
            assert sorted(statuses) == [303] * 5 + [429] * 19, statuses
            time.sleep(0.3)  # the access log is written after the answer
            lines = log.read_text(encoding="utf-8").splitlines()[len(before) :]
            if len({line.split()[0] for line in lines}) >= 2:
                both_served = True
                break
        assert both_served, "the posts never reached both workers"
    finally:
        server.terminate()
        server.wait(timeout=20)
    queued = list(Queue(config.queue_dir).list())
    assert len(queued) == 5 * (round_number + 1)
    assert json.loads((config.queue_dir / "pending" / f"{queued[0].id}.json").read_text())["client"]
