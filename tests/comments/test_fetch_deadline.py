"""Fetching a Webmention's source: one deadline for the whole fetch, no DNS rebinding."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig
from socialhub.comments.webmention import fetch

PAGE = b'<!DOCTYPE html><title>Reply</title><a href="http://127.0.0.1:8000/posts/first-post/">x</a>'
PUBLIC = "93.184.215.14"  # a public address: nothing here may ever connect to it


class RawServer:
    """A TCP server on 127.0.0.1 that answers each connection with ``handler``."""

    def __init__(self, handler: Callable[[socket.socket, bytes], None]) -> None:
        self.handler = handler
        self.requests: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(10)
            request = b""
            while b"\r\n\r\n" not in request:
                data = connection.recv(4096)
                if not data:
                    return
                request += data
            self.requests.append(request)
            with contextlib.suppress(OSError):  # the client gave up: what the deadline is for
                self.handler(connection, request)

    def close(self) -> None:
        """Stop accepting and close the port."""
        self.stopping.set()
        self.thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket, bytes], None]], RawServer]]:
    """Start RawServers for a test; all are stopped after it."""
    started: list[RawServer] = []

    def start(handler: Callable[[socket.socket, bytes], None]) -> RawServer:
        server = RawServer(handler)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def drip_body(connection: socket.socket, _request: bytes) -> None:
    """Headers at once, then one byte every 0.1 s for at most 8 s."""
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
    )
    for _ in range(80):
        connection.sendall(b" ")
        time.sleep(0.1)


def drip_headers(connection: socket.socket, _request: bytes) -> None:
    """The status line and headers one byte every 0.1 s."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 200:
        connection.sendall(bytes([byte]))
        time.sleep(0.1)


def page(connection: socket.socket, _request: bytes) -> None:
    """A small page that links to the target."""
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
        + f"Content-Length: {len(PAGE)}\r\n\r\n".encode()
        + PAGE
    )


@pytest.fixture
def quick(config: CommentsConfig) -> CommentsConfig:
    """A one-second deadline."""
    return replace(config, webmention_timeout=1.0)


@pytest.mark.parametrize("handler", [drip_body, drip_headers], ids=["body", "headers"])
def test_a_dripping_source_is_cut_at_the_deadline(
    raw_server, quick: CommentsConfig, handler: Callable[[socket.socket, bytes], None]
) -> None:
    """Bytes every 0.1 s keep no read waiting, yet the whole fetch ends at 1 s."""
    server = raw_server(handler)
    started = time.monotonic()
    with pytest.raises(Refusal) as refused:
        fetch(f"http://127.0.0.1:{server.port}/reply", quick)
    elapsed = time.monotonic() - started
    assert elapsed < 1.5, f"took {elapsed:.1f} s"
    assert "did not answer in time (at most 1 s)" in refused.value.reason


def test_redirects_share_the_deadline(raw_server, quick: CommentsConfig) -> None:
    """Hops of 0.45 s each: a later one is cut, though each alone is well within 1 s."""

    def slow_redirect(connection: socket.socket, request: bytes) -> None:
        time.sleep(0.45)
        hop = int(request.split(b" ")[1].rsplit(b"/", 1)[1] or b"0")
        connection.sendall(
            f"HTTP/1.1 302 Found\r\nLocation: /hop/{hop + 1}\r\nContent-Length: 0\r\n\r\n".encode()
        )

    server = raw_server(slow_redirect)
    started = time.monotonic()
    with pytest.raises(Refusal) as refused:
        fetch(f"http://127.0.0.1:{server.port}/hop/0", quick)
    assert time.monotonic() - started < 1.5
    assert "in time" in refused.value.reason
    assert len(server.requests) >= 2  # cut on a later hop, by the first hop's deadline


def fake_resolver(
    monkeypatch: pytest.MonkeyPatch, name: str, answers: list[list[str]]
) -> list[str]:
    """getaddrinfo answering ``name`` with each list of addresses in turn (the last repeats)."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> list:
        if host != name:
            return real(host, port, *args, **kwargs)  # type: ignore[arg-type]
        asked.append(str(host))
        addresses = answers[min(len(asked), len(answers)) - 1]
        number = int(port) if isinstance(port, (int, str)) and str(port).isdigit() else 0
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, number)) for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_that_rebinds_to_loopback_is_never_fetched(
    raw_server, quick: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Public at the check, 127.0.0.1 at the connection: the loopback server sees nothing."""
    server = raw_server(page)
    asked = fake_resolver(monkeypatch, "rebind.example", [[PUBLIC], ["127.0.0.1"]])
    connected: list[object] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        connected.append(address)
        if address[0] == PUBLIC:  # type: ignore[index]
            raise ConnectionRefusedError(111, "no route in the test")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    production = replace(quick, webmention_allow_private=False)
    with pytest.raises(Refusal) as refused:
        fetch(f"http://rebind.example:{server.port}/reply", production)
    assert "could not be fetched" in refused.value.reason
    assert server.requests == []
    assert asked == ["rebind.example"]  # resolved once, the checked answer used
    assert [address[0] for address in connected] == [PUBLIC]  # type: ignore[index]


def test_a_name_with_any_private_address_is_refused(
    quick: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One loopback address among public ones is enough to refuse, before any connection."""
    fake_resolver(monkeypatch, "mixed.example", [[PUBLIC, "127.0.0.1"]])
    production = replace(quick, webmention_allow_private=False)
    with pytest.raises(Refusal) as refused:
        fetch("http://mixed.example/reply", production)
    assert refused.value.reason == "source host mixed.example is not on the public internet"


def test_the_checked_address_is_fetched_under_the_name(
    raw_server, quick: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connecting to the checked address keeps the URL's name in the Host header."""
    server = raw_server(page)
    fake_resolver(monkeypatch, "source.example", [["127.0.0.1"]])
    final, html = fetch(f"http://source.example:{server.port}/reply", quick)
    assert (final, html) == (f"http://source.example:{server.port}/reply", PAGE.decode())
    [request] = server.requests
    assert f"\r\nHost: source.example:{server.port}\r\n".encode() in request
