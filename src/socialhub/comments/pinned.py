"""An HTTP client for fetching other sites' pages: one deadline, and only addresses it checked.

Two holes of a plain client, closed in its network backend (httpcore's), where
every connection of every redirect hop is made:

- DNS rebinding: checking a name's addresses and then letting the client
  resolve the name again to connect let a name answer a public address to the
  check and 127.0.0.1 to the connection. Here the name is resolved once, every
  address is checked, and the socket connects to a checked address. The URL
  keeps its name, so the Host header, TLS SNI and certificate checks are those
  of the name.
- Timeouts per read: a source that sends one byte a second never lets a read
  time out. Here every connect, TLS handshake, write and read waits at most
  what is left of one deadline for the whole fetch, redirects included.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from socialhub.comments.checks import Refusal, Unreachable


class _Deadline:
    """What is left of one deadline, as the timeout of the next network operation."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self, timeout: float | None, error: type[Exception]) -> float:
        """The shorter of ``timeout`` and the time left; ``error`` once none is left."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise error(f"the deadline of {self.seconds:g} s has passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read what arrives, waiting no later than the deadline."""
        return self._stream.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, waiting no later than the deadline."""
        self._stream.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the connection."""
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """TLS for the URL's name (SNI, certificate), by the deadline."""
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        """What the underlying connection knows (the peer's address, the TLS object)."""
        return self._stream.get_extra_info(info)


def checked_addresses(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses of ``host``, resolved once; Refusal when one is not on the public internet."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"source host {host} cannot be resolved") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        # Why every address, not the first: the socket may be handed any of them.
        if not allow_private and not ip.is_global:
            raise Refusal(f"source host {host} is not on the public internet")
    if not addresses:
        raise Unreachable(f"source host {host} cannot be resolved")
    return addresses


class PinnedBackend(httpcore.NetworkBackend):
    """Connects only to addresses it resolved and checked itself, all by one deadline."""

    def __init__(self, deadline: _Deadline, allow_private: bool) -> None:
        self._deadline = deadline
        self._allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve and check ``host`` once, then connect to one of the checked addresses."""
        addresses = checked_addresses(host, port, self._allow_private)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    self._deadline.left(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except httpcore.ConnectError as error:
                failure = error
                continue
            return _DeadlineStream(stream, self._deadline)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Never: a source is a web address."""
        raise Refusal("source must be an http(s) address")

    def sleep(self, seconds: float) -> None:
        """Wait (httpcore's retries), no later than the deadline."""
        time.sleep(self._deadline.left(seconds, httpcore.PoolTimeout))


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool on the pinned backend."""

    def __init__(self, backend: PinnedBackend) -> None:
        super().__init__(trust_env=False)
        # Why replace the pool: HTTPTransport takes no network backend of its own, and
        # this keeps its request conversion and its mapping of httpcore's errors.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), network_backend=backend
        )


def pinned_client(seconds: float, allow_private: bool, **options: Any) -> httpx.Client:
    """An httpx client whose whole life (every hop and read) ends ``seconds`` from now."""
    deadline = _Deadline(seconds)
    return httpx.Client(
        transport=_PinnedTransport(PinnedBackend(deadline, allow_private)),
        # Why no environment: a proxy from HTTP_PROXY would connect to the name itself.
        trust_env=False,
        timeout=seconds,
        **options,
    )
