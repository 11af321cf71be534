"""Shared test helpers: the sample hub's place, servers on 127.0.0.1, Webmention discovery."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup

# The sample hub the tests assert on: a copy kept under tests/, so that content/ can be anyone's.
SAMPLE = Path(__file__).resolve().parent / "data" / "sites" / "sample" / "content"

# Debian's Chromium, driven by Playwright; the flags let it run as root in a closed network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def discover(page_url: str, html: str, link_header: str = "") -> str:
    """The endpoint a sender finds (W3C Webmention 3.1.2): Link header, else first link or a."""
    if link_header:
        for part in link_header.split(","):
            target, _, params = part.partition(";")
            rels = params.replace('"', " ").replace("=", " ").split()
            if "webmention" in rels:
                return urljoin(page_url, target.strip().strip("<>"))
    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(["link", "a"], href=True):
        if "webmention" in (element.get("rel") or []):
            return urljoin(page_url, element["href"])
    return ""
