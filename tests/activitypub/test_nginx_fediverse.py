"""deploy/nginx-hub.conf serving the fediverse documents, run for real on loopback."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import shipped_nginx, wait_for_port

ACCOUNT = "hub@127.0.0.1:8000"  # the sample's (pelicanconf.py), on the preview's address
ACTOR = "http://127.0.0.1:8000/fediverse/actor.json"
AP = "application/activity+json"


class Upstream(BaseHTTPRequestHandler):
    """Stands in for the comment service: answers what reached it, as JSON."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {
            "method": self.command,
            "path": self.path,
            "host": self.headers.get("Host"),
            "signature": self.headers.get("Signature"),
            "body": body.decode("utf-8"),
        }
        data = json.dumps(seen).encode("utf-8")
        self.send_response(202 if self.command == "POST" else 200)
        self.send_header("Content-Type", AP)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer  # noqa: N815 - http.server names its handlers so
    do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@pytest.fixture
def site(sample_output: Path, tmp_path: Path) -> Iterator[str]:
    """The shipped configuration with the sample's account, a stub service behind it."""
    nginx = shipped_nginx(tmp_path, sample_output)
    conf = nginx.conf.read_text(encoding="utf-8")
    # The shipped map names the published account; the sample's is on the preview's address.
    conf = conf.replace(r"hub\.lumen-mobile\.example", r"127\.0\.0\.1(:|%3A)8000")
    nginx.conf.write_text(conf, encoding="utf-8")
    checked = subprocess.run([*nginx.command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    upstream = ThreadingHTTPServer(("127.0.0.1", nginx.service_port), Upstream)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    server = subprocess.Popen(nginx.command)
    try:
        wait_for_port(nginx.site_port, 60)
        yield f"http://127.0.0.1:{nginx.site_port}"
    finally:
        server.terminate()
        server.wait(timeout=60)
        upstream.shutdown()
        upstream.server_close()
        thread.join()


def _get(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(url, timeout=60, **kwargs)


@pytest.mark.slow
def test_webfinger_answers_for_the_account_only(site: str) -> None:
    """The account (typed or URL-encoded) and the actor's URL get the JRD; others 404, none 400."""
    finger = f"{site}/.well-known/webfinger"
    for resource in (f"acct:{ACCOUNT}", ACTOR):
        # httpx encodes : and @ in the query, as Mastodon does.
        answer = _get(finger, params={"resource": resource})
        assert answer.status_code == 200, resource
        assert answer.headers["content-type"] == "application/jrd+json"
        assert answer.headers["access-control-allow-origin"] == "*"
        assert answer.json()["subject"] == f"acct:{ACCOUNT}"
    typed = _get(f"{finger}?resource=acct:{ACCOUNT}")
    assert typed.status_code == 200
    other = _get(finger, params={"resource": "acct:someone@127.0.0.1:8000"})
    assert other.status_code == 404
    assert "error" in other.json()  # JSON, not the site's HTML 404 page
    assert other.headers["access-control-allow-origin"] == "*"
    assert _get(finger).status_code == 400
    host_meta = _get(f"{site}/.well-known/host-meta")
    assert host_meta.headers["content-type"] == "application/xrd+xml"
    assert "lrdd" in host_meta.text


@pytest.mark.slow
def test_the_actor_and_the_outbox_are_activity_json(site: str) -> None:
    """Both documents have ActivityPub's type and may be read from any origin."""
    for path in ("fediverse/actor.json", "fediverse/outbox.json"):
        answer = _get(f"{site}/{path}")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == AP
        assert answer.headers["access-control-allow-origin"] == "*"
        assert answer.json()["id"].endswith(path)


@pytest.mark.slow
def test_an_item_url_answers_its_object_to_a_fediverse_server(site: str) -> None:
    """The page's own URL gives the object for ActivityStreams Accept, the HTML otherwise."""
    outbox = _get(f"{site}/fediverse/outbox.json").json()
    item_url = outbox["orderedItems"][0]["object"]["url"]
    path = item_url.removeprefix("http://127.0.0.1:8000")
    for accept in (AP, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'):
        answer = _get(f"{site}{path}", headers={"Accept": accept})
        assert answer.status_code == 200
        assert answer.headers["content-type"] == AP
        assert answer.json()["id"] == item_url
        assert "Accept" in answer.headers["vary"]
    page = _get(f"{site}{path}", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text
    assert "webmention" in page.headers["link"]
    assert "Accept" in page.headers["vary"]
    # A page that is not an item stays a page, whatever is asked for.
    home = _get(f"{site}/", headers={"Accept": AP})
    assert home.status_code == 200
    assert home.headers["content-type"].startswith("text/html")
    missing = _get(f"{site}/no-such-page/")
    assert missing.status_code == 404
    assert "<html" in missing.text


@pytest.mark.slow
def test_the_inbox_and_the_followers_reach_the_comment_service(site: str) -> None:
    """POST /inbox and GET /fediverse/followers are proxied with the Host and the signature."""
    posted = httpx.post(
        f"{site}/inbox",
        content=b'{"type": "Follow"}',
        headers={"Content-Type": AP, "Signature": 'keyId="x"', "Host": "hub.example"},
        timeout=60,
    )
    assert posted.status_code == 202
    seen = posted.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/inbox"
    assert seen["host"] == "hub.example"  # signatures cover the Host the sender used
    assert seen["signature"] == 'keyId="x"'
    assert seen["body"] == '{"type": "Follow"}'
    followers = _get(f"{site}/fediverse/followers")
    assert followers.status_code == 200
    assert followers.json()["path"] == "/fediverse/followers"
