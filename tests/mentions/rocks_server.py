"""The 23 discovery tests of webmention.rocks (aaronpk/webmention.rocks), on 127.0.0.1.

Each case is a page at /test/<n> advertising its endpoint as the suite's
DiscoveryTestData.php does; every POST is recorded, and the false endpoints
(``/webmention/error``) answer 400.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def cases(base: str) -> dict[int, tuple[list[tuple[str, str]], str, str]]:
    """Case number -> (Link headers as (name, value), <head> markup, body markup)."""
    b = base.rstrip("/") + "/"
    link = "Link"
    return {
        1: ([(link, "</test/1/webmention>; rel=webmention")], "", ""),
        2: ([(link, f"<{b}test/2/webmention>; rel=webmention")], "", ""),
        3: ([], '<link rel="webmention" href="/test/3/webmention">', ""),
        4: ([], f'<link href="{b}test/4/webmention" rel="webmention">', ""),
        5: ([], "", '<a rel="webmention" href="/test/5/webmention">Webmention endpoint</a>'),
        6: ([], "", f'<a href="{b}test/6/webmention" rel="webmention">endpoint</a>'),
        7: ([("LinK", f"<{b}test/7/webmention>; rel=webmention")], "", ""),
        8: ([(link, f'<{b}test/8/webmention>; rel="webmention"')], "", ""),
        9: ([], f'<link rel="webmention somethingelse" href="{b}test/9/webmention">', ""),
        10: ([(link, f'<{b}test/10/webmention>; rel="webmention somethingelse"')], "", ""),
        11: (
            [(link, '</test/11/webmention>; rel="webmention"')],
            '<link rel="webmention" href="/test/11/webmention/error">',
            '<a href="/test/11/webmention/error" rel="webmention">a tag</a>',
        ),
        12: (
            [],
            '<link rel="not-webmention" href="/test/12/webmention/error">',
            '<a href="/test/12/webmention" rel="webmention">correct endpoint</a>',
        ),
        13: (
            [],
            "",
            '<!-- <a href="/test/13/webmention/error" rel="webmention"></a> -->'
            ' <a href="/test/13/webmention" rel="webmention">correct endpoint</a>',
        ),
        14: (
            [],
            "",
            '<code>&lt;a href="/test/14/webmention/error" rel="webmention"&gt;&lt;/a&gt;</code>'
            ' <a href="/test/14/webmention" rel="webmention">correct endpoint</a>',
        ),
        15: ([], '<link rel="webmention" href="">', ""),
        16: (
            [],
            "",
            '<a href="/test/16/webmention" rel="webmention">a tag</a>'
            ' <link rel="webmention" href="/test/16/webmention/error">',
        ),
        17: (
            [],
            "",
            '<link rel="webmention" href="/test/17/webmention">'
            ' <a href="/test/17/webmention/error" rel="webmention">a tag</a>',
        ),
        18: (
            [
                (link, f'<{b}test/18/webmention/error>; rel="other"'),
                (link, f'<{b}test/18/webmention>; rel="webmention"'),
            ],
            "",
            "",
        ),
        19: (
            [
                (
                    link,
                    f'<{b}test/19/webmention/error>; rel="other", '
                    f'<{b}test/19/webmention>; rel="webmention"',
                )
            ],
            "",
            "",
        ),
        20: (
            [],
            "",
            '<link rel="webmention"> <a href="/test/20/webmention" rel="webmention">endpoint</a>',
        ),
        21: ([], '<link rel="webmention" href="/test/21/webmention?query=yes">', ""),
        22: ([], '<link rel="webmention" href="22/webmention">', ""),
        23: ([], "", ""),  # a redirect: see RocksHandler
    }


# Where each case's Webmention must arrive (path and query); 23's key is filled in.
EXPECTED = {n: f"/test/{n}/webmention" for n in range(1, 24)}
EXPECTED[15] = "/test/15"
EXPECTED[21] = "/test/21/webmention?query=yes"
EXPECTED[23] = "/test/23/page/webmention-endpoint/{key}"


@dataclass
class Rocks:
    """The running suite: its base URL, the POSTs received, the pages of case 23 served."""

    base: str = ""
    posts: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    keys: itertools.count = field(default_factory=lambda: itertools.count(1))
    used: set[str] = field(default_factory=set)
    last_key: str = ""


def _handler(rocks: Rocks) -> type[BaseHTTPRequestHandler]:
    class RocksHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Say nothing."""

        def _send(self, status: int, body: str, headers: list[tuple[str, str]]) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            """A case's page, or case 23's redirect and one-time page."""
            path = urlsplit(self.path).path
            if path == "/test/23/page":
                self._send(302, "", [("Location", f"page/{next(rocks.keys)}")])
                return
            if path.startswith("/test/23/page/"):
                key = path.rsplit("/", 1)[1]
                if key in rocks.used:  # as the suite: each URL answers once
                    self._send(410, "Code expired", [])
                    return
                rocks.used.add(key)
                rocks.last_key = key
                endpoint = f"webmention-endpoint/{key}"
                body = f'<p><a rel="webmention" href="{endpoint}">webmention endpoint</a></p>'
                self._send(200, body, [("Link", f"<{endpoint}>; rel=webmention")])
                return
            number = path.removeprefix("/test/")
            if not number.isdigit() or int(number) not in range(1, 23):
                self._send(404, "Test not found", [])
                return
            headers, head, body = cases(rocks.base)[int(number)]
            page = (
                f"<!DOCTYPE html><html><head><title>Discovery Test #{number}</title>{head}"
                f'</head><body><div class="h-entry"><div class="e-content">{body}</div>'
                "</div></body></html>"
            )
            self._send(200, page, headers)

        def do_POST(self) -> None:
            """Record a Webmention; the false endpoints refuse it."""
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode("utf-8"))
            rocks.posts.append((self.path, form))
            error = urlsplit(self.path).path.endswith("/error")
            self._send(400 if error else 202, "wrong endpoint" if error else "queued", [])

    return RocksHandler


@contextlib.contextmanager
def rocks_server() -> Iterator[Rocks]:
    """The suite on 127.0.0.1 at a free port; stopped, its thread joined, on leaving."""
    rocks = Rocks()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rocks))
    rocks.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rocks
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
