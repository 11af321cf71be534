"""Small web sites on 127.0.0.1 for the sending tests: fixed pages, every request recorded."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Page:
    """What a path answers: a status, headers and a body (``slow`` seconds before it)."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    slow: float = 0.0
    repeat: int = 1  # the body sent this many times (a huge page)


@dataclass
class Site:
    """A running site: its base URL, its pages, the requests it received."""

    pages: dict[str, Page]
    base: str = ""
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)

    def posts(self) -> list[tuple[str, dict[str, list[str]]]]:
        """The POSTs received: path and form."""
        return [(path, form) for method, path, form in self.requests if method == "POST"]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Say nothing."""

        def _answer(self, form: dict[str, list[str]]) -> None:
            site.requests.append((self.command, self.path, form))
            page = site.pages.get(self.path, Page(b"not found", 404))
            if page.slow:
                time.sleep(page.slow)
            self.send_response(page.status)
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(page.body) * page.repeat))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client may stop reading (a size cap)
                for _ in range(page.repeat):
                    self.wfile.write(page.body)

        def do_GET(self) -> None:
            """A page."""
            self._answer({})

        def do_POST(self) -> None:
            """A Webmention (or anything posted), recorded with its form."""
            length = int(self.headers.get("Content-Length", "0"))
            self._answer(parse_qs(self.rfile.read(length).decode("utf-8")))

    return Handler


@contextlib.contextmanager
def web_site(pages: dict[str, Page]) -> Iterator[Site]:
    """A site at a free port of 127.0.0.1; stopped, its thread joined, on leaving."""
    site = Site(pages)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
