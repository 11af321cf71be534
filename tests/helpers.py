"""Small helpers shared by tests: where the sample hub is, free ports on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from pathlib import Path

# The sample hub the tests assert on: a copy kept under tests/, so that content/ can be anyone's.
SAMPLE = Path(__file__).resolve().parent / "data" / "sites" / "sample" / "content"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 20) -> None:
    """Wait until something listens on 127.0.0.1:port, or fail the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")
