"""The collector tests' local feed server on 127.0.0.1: every dialect, every failure."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from markdown import Markdown

from socialhub.kinds import FEATURED
from socialhub.validate import SourceFile, check_file

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "collect"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TYPES = {".xml": "application/xml", ".json": "application/feed+json", ".html": "text/html"}


class QuietServer(ThreadingHTTPServer):
    """A threading server whose handlers are joined on close and whose clients may give up."""

    # Why joined threads: the server stops with the test, and no handler outlives it.
    daemon_threads = False

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (a timeout, a size cap) is expected here, not an error."""


class FeedServer:
    """Serves tests/data/collect/ and every kind of failure, and remembers what it was asked."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.custom: dict[str, bytes] = {}  # served at /custom/<name>, as a test sets them
        self.custom_types: dict[str, str] = {}  # their Content-Type, when not XML
        self.headers: dict[str, dict[str, str]] = {}
        self.in_flight = 0
        self.most_in_flight = 0
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self.server = QuietServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))
        self.thread.start()

    def url(self, path: str) -> str:
        """The address of a path on this server."""
        return f"{self.base}/{path}"

    def fixture(self, name: str) -> bytes:
        """A fixture feed with {base} pointing at this server."""
        return (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", self.base).encode()

    def count(self, step: int) -> None:
        """Track requests being answered at once."""
        with self._lock:
            self.in_flight += step
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def close(self) -> None:
        """Wake sleeping handlers, stop serving, and wait for every thread."""
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _handler(feeds: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: PLR0911, PLR0912 - one branch per route
            route, _, name = self.path.strip("/").partition("/")
            feeds.hits[self.path] = feeds.hits.get(self.path, 0) + 1
            feeds.headers[self.path] = dict(self.headers.items())
            if route == "feed":
                return self.send(200, feeds.fixture(name), TYPES[Path(name).suffix])
            if route == "custom":
                return self.send(
                    200, feeds.custom[name], feeds.custom_types.get(name, TYPES[".xml"])
                )
            if route == "etag":
                if self.headers.get("If-None-Match") == '"v1"':
                    return self.send(304, b"")
                return self.send(200, feeds.fixture(name), extra={"ETag": '"v1"'})
            if route == "modified":
                stamp = "Mon, 16 Nov 2026 10:00:00 GMT"
                if self.headers.get("If-Modified-Since") == stamp:
                    return self.send(304, b"")
                return self.send(200, feeds.fixture(name), extra={"Last-Modified": stamp})
            if route == "gzip":
                packed = gzip.compress(feeds.fixture(name))
                return self.send(200, packed, extra={"Content-Encoding": "gzip"})
            if route == "gzip-bomb":
                packed = gzip.compress(b"<rss>" + b" " * 5_000_000 + b"</rss>")
                return self.send(200, packed, extra={"Content-Encoding": "gzip"})
            if route == "redirect":
                return self.send(301, b"", extra={"Location": f"/feed/{name}"})
            if route == "loop":
                return self.send(302, b"", extra={"Location": "/loop"})
            if route == "ftp":
                return self.send(301, b"", extra={"Location": "ftp://files.example/feed.xml"})
            if route == "file":
                return self.send(302, b"", extra={"Location": "file:///etc/passwd"})
            if route == "status":
                return self.send(int(name), b"<h1>no</h1>", "text/html")
            if route == "reply":  # /reply/<status>?<header>=<value>&...: a feed, or nothing
                code, _, query = name.partition("?")
                body = feeds.fixture("rss-2.0.xml") if code == "200" else b""
                return self.send(int(code), body, extra=dict(parse_qsl(query)))
            if route == "slow":
                feeds.stop.wait(5)
                return self.send(200, feeds.fixture("rss-2.0.xml"))
            if route == "drip":
                return self.drip()
            if route == "huge":
                return self.send(200, b"<rss>" + b"x" * 300_000 + b"</rss>")
            if route == "huge-unannounced":
                return self.send(200, b"<rss>" + b"x" * 300_000 + b"</rss>", length=False)
            if route == "local-path":
                return self.send(200, str(FIXTURES / "rss-2.0.xml").encode(), "text/plain")
            if route == "busy":
                feeds.count(1)
                feeds.stop.wait(0.3)
                feeds.count(-1)
                return self.send(200, feeds.fixture("rss-without-entries.xml"))
            return self.send(404, b"not found", "text/plain")

        def send(
            self,
            status: int,
            body: bytes,
            kind: str = "application/xml",
            extra: dict[str, str] | None = None,
            length: bool = True,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def drip(self) -> None:
            """Headers at once, then one byte every tenth of a second, never finishing in time."""
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b" ")
                self.wfile.flush()
                if feeds.stop.wait(0.1):
                    return

        def log_message(self, *args: object) -> None:
            return

    return Handler


AddBlogger = Callable[..., Path]


def featured_problems(path: Path) -> list[str]:
    """What the build's file check says about a written featured post (empty when valid)."""
    reader = Markdown(extensions=["meta"])
    body = reader.convert(path.read_text(encoding="utf-8"))
    meta = {k: v if len(v) > 1 else v[0] for k, v in reader.Meta.items()}  # type: ignore[attr-defined]
    source = SourceFile(f"content/featured/{path.name}", FEATURED, path.stem, meta, body)
    checked = check_file(source, lambda _path: False, ZoneInfo("UTC"))
    return [f"{p.field}: {p.message}" for p in checked.problems]
