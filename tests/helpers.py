"""Shared test helpers: the sample hub's place, servers on 127.0.0.1, Webmention discovery."""

from __future__ import annotations

import contextlib
import functools
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from socialhub.build import run_build

ROOT = Path(__file__).resolve().parent.parent

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


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """A built site served on 127.0.0.1 at a free port; stopped, threads joined, on leaving."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run_invoke(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run an invoke task in the project, as an editor does; its output is kept."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


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


@dataclass(frozen=True)
class NginxSetup:
    """The shipped deploy/nginx-hub.conf on test ports: how to start it and where it listens."""

    command: list[str]
    conf: Path
    site_port: int
    comments_port: int
    service_port: int


def shipped_nginx(folder: Path, site_root: Path, connections: int = 64) -> NginxSetup:
    """deploy/nginx-hub.conf with free ports, ``site_root`` and its own folders under ``folder``."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: apt-get install nginx"
    site_port, comments_port, service_port = free_port(), free_port(), free_port()
    servers = (ROOT / "deploy" / "nginx-hub.conf").read_text(encoding="utf-8")
    servers = servers.replace("listen 80;", f"listen 127.0.0.1:{site_port};", 1)
    servers = servers.replace("listen 80;", f"listen 127.0.0.1:{comments_port};", 1)
    servers = servers.replace("root /var/www/hub;", f"root {site_root};")
    servers = servers.replace(
        "proxy_pass http://127.0.0.1:8001;", f"proxy_pass http://127.0.0.1:{service_port};"
    )
    servers = servers.replace(
        "https://comments.lumen-mobile.example", f"http://127.0.0.1:{comments_port}"
    )
    temp = folder / "nginx"
    temp.mkdir()
    conf = temp / "nginx.conf"
    conf.write_text(
        f"user root; worker_processes 1; daemon off; pid {temp}/nginx.pid;\n"
        f"error_log {temp}/error.log;\nevents {{ worker_connections {connections}; }}\n"
        f"http {{ access_log off; client_body_temp_path {temp}/body; "
        f"proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi; "
        f"uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;\n{servers}\n}}\n",
        encoding="utf-8",
    )
    command = [nginx, "-c", str(conf), "-p", str(temp)]
    return NginxSetup(command, conf, site_port, comments_port, service_port)


def build_site(content: Path, output: Path, **settings: object) -> Path:
    """Build ``content`` into ``output`` with the project's settings; return ``output``."""
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / f".cache-{output.name}"),
        # The fediverse key pair the first build makes: beside the output, never in var/.
        "ACTIVITYPUB_KEYS_DIR": str(output.parent / f".keys-{output.name}"),
        **settings,
    }
    run_build(ROOT / "pelicanconf.py", overrides)
    return output
