"""The Bridgy Fed lines of deploy/nginx-hub.conf, run for real: off as shipped, then on."""

from __future__ import annotations

import http.client
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import shipped_nginx, wait_for_port

REWRITE = (
    "rewrite ^/\\.well-known/(host-meta|webfinger).* https://fed.brid.gy$request_uri? redirect;"
)
LOOKUP = "/.well-known/webfinger?resource=acct%3Ahub.example%40hub.example&rel=self"


@contextmanager
def nginx_with(tmp_path: Path, bridged: bool) -> Iterator[int]:
    """The shipped configuration (its Bridgy Fed line uncommented when ``bridged``); its port."""
    site = tmp_path / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>Hub</title>", encoding="utf-8")
    (site / "404.html").write_text("<!DOCTYPE html><title>Page not found</title>", "utf-8")
    nginx = shipped_nginx(tmp_path, site)
    conf = nginx.conf.read_text(encoding="utf-8")
    assert conf.count(f"# {REWRITE}") == 1  # shipped commented out, as documented
    if bridged:
        nginx.conf.write_text(conf.replace(f"# {REWRITE}", REWRITE), encoding="utf-8")
    checked = subprocess.run([*nginx.command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(nginx.command)
    try:
        wait_for_port(nginx.site_port)
        yield nginx.site_port
    finally:
        server.terminate()
        server.wait(timeout=10)


def get(port: int, path: str) -> tuple[int, str]:
    """(status, Location) of one GET, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


@pytest.mark.slow
def test_the_well_known_lookups_go_to_bridgy_fed_only_when_enabled(tmp_path: Path) -> None:
    """Uncommented, WebFinger and host-meta redirect with their query; pages are untouched."""
    with nginx_with(tmp_path / "shipped", bridged=False) as port:
        assert get(port, LOOKUP)[0] == 404
        assert get(port, "/")[0] == 200
    with nginx_with(tmp_path / "bridged", bridged=True) as port:
        assert get(port, LOOKUP) == (302, f"https://fed.brid.gy{LOOKUP}")
        assert get(port, "/.well-known/host-meta") == (
            302,
            "https://fed.brid.gy/.well-known/host-meta",
        )
        assert get(port, "/.well-known/host-meta.json")[1] == (
            "https://fed.brid.gy/.well-known/host-meta.json"
        )
        assert get(port, "/")[0] == 200
        assert get(port, "/.well-known/other")[0] == 404
