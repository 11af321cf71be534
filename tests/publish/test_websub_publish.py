"""`invoke publish` pings a WebSub hub on loopback for every feed whose bytes changed.

The hub here is a small real one: it takes the publish pings (form-encoded
``hub.mode=publish`` and ``hub.url``), fetches each feed it is pinged for from
the published folder (served on loopback as the live site) and checks that the
feed names this hub and its own URL, as a hub does before it pushes the feed to
subscribers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import pytest
from helpers import served

ROOT = Path(__file__).resolve().parents[2]


class Hub:
    """What the hub was told and found: pings in arrival order, and verification errors."""

    def __init__(self) -> None:
        self.url = ""
        self.pings: list[str] = []
        self.errors: list[str] = []
        self.failing: set[str] = set()  # topics answered with 500
        self.fail_all = False
        self.lock = threading.Lock()

    def take(self) -> list[str]:
        """The pings since the last call, sorted."""
        with self.lock:
            pings, self.pings = self.pings, []
        return sorted(pings)

    def verify(self, topic: str) -> str:
        """Fetch the topic and check that it names this hub and itself; "" when it does."""
        with urllib.request.urlopen(topic, timeout=10) as response:
            body = response.read()
        if topic.endswith(".json"):
            feed = json.loads(body)
            hubs = [hub["url"] for hub in feed.get("hubs", []) if hub.get("type") == "WebSub"]
            selves = [feed.get("feed_url")]
        else:
            links = feedparser.parse(body).feed.get("links", [])
            hubs = [link["href"] for link in links if link.get("rel") == "hub"]
            selves = [link["href"] for link in links if link.get("rel") == "self"]
        if hubs != [self.url] or selves != [topic]:
            return f"{topic}: hubs {hubs}, self {selves}"
        return ""


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode("ascii"), strict_parsing=True)
            kind = self.headers.get("Content-Type", "")
            topic = form.get("hub.url", [""])
            if (
                form.get("hub.mode") != ["publish"]
                or len(topic) != 1
                or kind != "application/x-www-form-urlencoded"
            ):
                with hub.lock:
                    hub.errors.append(f"not a publish ping: {kind} {form}")
                self._answer(400)
                return
            wrong = hub.verify(topic[0])
            with hub.lock:
                hub.pings.append(topic[0])
                if wrong:
                    hub.errors.append(wrong)
            failing = hub.fail_all or topic[0] in hub.failing
            self._answer(500 if failing or wrong else 204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Say nothing."""

    return Handler


@contextlib.contextmanager
def listening(hub: Hub, port: int = 0) -> Iterator[int]:
    """The hub on 127.0.0.1 (``port``, or a free one) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(hub))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def feed_hashes(folder: Path, base: str) -> dict[str, str]:
    """Every published feed's URL and the hash of its bytes, found by name."""
    return {
        f"{base}/{path.relative_to(folder).as_posix()}": hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for path in folder.rglob("*")
        if path.name.endswith((".rss.xml", ".atom.xml"))
        or (path.suffix == ".json" and ("feeds" in path.parts or path.name == "comments.json"))
    }


class Publisher:
    """`invoke publish` of one content folder to one destination, with the hub's address."""

    def __init__(self, content: Path, tmp_path: Path, site: str) -> None:
        self.content = content
        self.output = tmp_path / "public"
        self.destination = tmp_path / "www"
        self.site = site
        self.hub = ""

    def __call__(self, *options: str) -> subprocess.CompletedProcess[str]:
        """Publish; the run's output is kept."""
        command = [sys.executable, "-m", "invoke", "publish", "--content", str(self.content)]
        command += ["--output", str(self.output), "--destination", str(self.destination)]
        command += ["--no-mentions"]  # the Webmentions sent are tests/mentions' own
        command += ["--no-fediverse"]  # and the fediverse deliveries tests/activitypub's
        env = {**os.environ, "HUB_SITEURL": self.site, "HUB_WEBSUB_HUB": self.hub}
        return subprocess.run(
            [*command, *options],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
            env=env,
        )

    def feeds(self) -> dict[str, str]:
        """The feeds at the destination, by URL."""
        return feed_hashes(self.destination, self.site)


@pytest.fixture
def publisher(minimal_copy: Path, tmp_path: Path) -> Iterator[Publisher]:
    """A publisher whose destination folder is served on loopback as the live site."""
    (tmp_path / "www").mkdir()
    with served(tmp_path / "www") as site:
        yield Publisher(minimal_copy, tmp_path, site)


def rename_first_post(content: Path, title: str) -> None:
    """Change one item: the first post's title."""
    post = content / "posts" / "first-post.md"
    text = post.read_text(encoding="utf-8")
    lines = [f"Title: {title}" if line.startswith("Title:") else line for line in text.split("\n")]
    post.write_text("\n".join(lines), encoding="utf-8")


def failure_lines(stdout: str) -> list[str]:
    """The lines that say a feed was not pinged."""
    return [line for line in stdout.splitlines() if " not pinged at " in line]


@pytest.mark.slow
def test_each_changed_feed_is_pinged_once(publisher: Publisher) -> None:
    """First every feed, then none, then exactly the feeds whose bytes changed."""
    hub = Hub()
    with listening(hub) as port:
        hub.url = publisher.hub = f"http://127.0.0.1:{port}/"
        first = publisher()
        assert first.returncode == 0, first.stdout + first.stderr
        feeds = publisher.feeds()
        assert len(feeds) > 30
        assert hub.take() == sorted(feeds)  # each once: a list, not a set
        assert hub.errors == []
        count = len(feeds)
        assert f"WebSub: pinged {hub.url} for {count} of {count} changed feeds." in first.stdout

        again = publisher()
        assert again.returncode == 0, again.stderr
        assert hub.take() == []
        assert "WebSub: no feed changed since the last ping" in again.stdout

        rename_first_post(publisher.content, "First post, renamed")
        dry = publisher("--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert hub.take() == []
        assert "WebSub" not in dry.stdout

        changed = publisher()
        assert changed.returncode == 0, changed.stderr
        after = publisher.feeds()
        different = sorted(url for url, sha in after.items() if feeds.get(url) != sha)
        assert f"{publisher.site}/feeds/posts.atom.xml" in different
        assert f"{publisher.site}/feeds/videos.atom.xml" not in different
        assert 0 < len(different) < len(after)
        assert hub.take() == different
        assert hub.errors == []


@pytest.mark.slow
def test_a_failing_or_dead_hub_costs_a_line_per_feed_and_is_retried(
    publisher: Publisher,
) -> None:
    """500s and no hub at all: exit 0, one line per feed naming it and the hub; retried later."""
    hub = Hub()
    with listening(hub) as port:
        hub.url = publisher.hub = f"http://127.0.0.1:{port}/"
        hub.fail_all = True
        failed = publisher()
        assert failed.returncode == 0, failed.stdout + failed.stderr
        assert "Traceback" not in failed.stdout + failed.stderr
        feeds = sorted(publisher.feeds())
        lines = failure_lines(failed.stdout)
        assert len(lines) == len(feeds)
        for url, line in zip(feeds, lines, strict=True):
            assert line.startswith(f"WebSub: {url} not pinged at {hub.url}: ")
            assert "HTTP 500" in line and "next publish" in line
        assert hub.take() == feeds

        # One feed still refused: the others are recorded, it alone is tried again.
        hub.fail_all = False
        stubborn = f"{publisher.site}/feeds/all.atom.xml"
        hub.failing = {stubborn}
        retried = publisher()
        assert hub.take() == feeds
        assert [line.split()[1] for line in failure_lines(retried.stdout)] == [stubborn]
        hub.failing = set()
        publisher()
        assert hub.take() == [stubborn]

    # Nothing listens on the hub's port any more.
    before = publisher.feeds()
    rename_first_post(publisher.content, "First post while the hub is down")
    dead = publisher()
    assert dead.returncode == 0, dead.stdout + dead.stderr
    assert "Traceback" not in dead.stdout + dead.stderr
    changed = sorted(url for url, sha in publisher.feeds().items() if before.get(url) != sha)
    lines = failure_lines(dead.stdout)
    assert [line.split()[1] for line in lines] == changed
    assert all(f" not pinged at {hub.url}: " in line for line in lines)
    assert any("cannot connect" in line for line in lines)

    with listening(hub, port):
        back = publisher()
        assert back.returncode == 0, back.stderr
        assert hub.take() == changed
        assert failure_lines(back.stdout) == []
    assert hub.errors == []
