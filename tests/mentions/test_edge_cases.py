"""Sending in the corners: malformed endpoints, removed links, the site's own links, state files."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import ROOT
from mention_web import Page, web_site

from socialhub.errors import ConfigError
from socialhub.mentions import state as sent_state
from socialhub.mentions.discovery import Limits
from socialhub.mentions.outbox import Outgoing, external_links
from socialhub.mentions.run import send_all
from socialhub.mentions.sender import FAILED, SENT, Result, send
from socialhub.mentions.websub import ping_changed_feeds

SOURCE = "https://hub.example/posts/a/"
LOOPBACK = Limits(timeout=3, allow_private=True)


def _quiet(_line: str) -> None:
    """Print nothing."""


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/bad-port/", Page(b'<link rel="webmention" href="http://host:abc/wm">')),
        ("/bad-idna/", Page(b'<a rel="webmention" href="https://xn--/wm">x</a>')),
        (
            "/bad-header/",
            Page(
                b"", headers={"Content-Type": "text/html", "Link": "<http://[::1>; rel=webmention"}
            ),
        ),
    ],
)
def test_a_malformed_endpoint_is_a_failure_line_not_a_traceback(
    tmp_path: Path, path: str, page: Page
) -> None:
    """Whatever URL a page advertises, sending gives a result, and the run goes on."""
    with web_site({path: page, "/fine/": Page(b"<p>no endpoint</p>")}) as site:
        result = send(SOURCE, f"{site.base}{path}", LOOPBACK)
        assert result.status == FAILED and "not a usable URL" in result.detail
        links = (f"{site.base}{path}", f"{site.base}/fine/")
        item = Outgoing(SOURCE, "posts/a/", "post", links, "f1")
        report = send_all([item], tmp_path / "sent.json", LOOPBACK, progress=_quiet)
        assert (report.failed, report.no_endpoint) == (1, 1)  # the next link was tried


def test_a_removed_link_whose_notice_failed_is_told_after_another_edit(tmp_path: Path) -> None:
    """Edit 1 drops B and telling B fails; edit 2 must still tell B."""
    a, b = "https://a.example/x", "https://b.example/y"
    state = tmp_path / "sent.json"
    told: list[str] = []

    def sender(source: str, target: str, limits: Limits) -> Result:
        told.append(target)
        return Result(FAILED if target == b and len(told) <= 4 else SENT, "")

    send_all(
        [Outgoing(SOURCE, "posts/a/", "post", (a, b), "f1")],
        state,
        LOOPBACK,
        sender=sender,
        progress=_quiet,
    )
    send_all(
        [Outgoing(SOURCE, "posts/a/", "post", (a,), "f2")],
        state,
        LOOPBACK,
        sender=sender,
        progress=_quiet,
    )
    assert told == [a, b, a, b]  # B was told of its removal, and that failed
    send_all(
        [Outgoing(SOURCE, "posts/a/", "post", (a,), "f3")],
        state,
        LOOPBACK,
        sender=sender,
        progress=_quiet,
    )
    assert told[4:] == [a, b]
    assert sent_state.load(state)[SOURCE].pending == []


def test_the_site_s_own_links_are_never_mentioned_whatever_their_scheme() -> None:
    """http:// and https:// (and the default port written out) are this same site."""
    html = (
        '<a href="http://hub.example/posts/b/">old</a>'
        '<a href="https://hub.example:443/posts/c/">port</a>'
        '<a href="https://other.example/">other</a>'
    )
    assert external_links(html, "https://hub.example") == ["https://other.example/"]
    assert external_links(html, "http://hub.example") == ["https://other.example/"]
    local = '<a href="http://127.0.0.1:8001/p/">another local site</a>'
    assert external_links(local, "http://127.0.0.1:8000") == ["http://127.0.0.1:8001/p/"]


@contextlib.contextmanager
def _endless_endpoint() -> Iterator[str]:
    """An endpoint that accepts (202), then trickles a body that never ends."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Say nothing."""

        def do_POST(self) -> None:
            """202, and bytes until the client goes away."""
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(202)
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
            with contextlib.suppress(OSError):
                while True:
                    self.wfile.write(b"x" * 1024)
                    self.wfile.flush()
                    time.sleep(0.01)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/wm"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_endpoint_s_answer_is_its_status_its_body_is_never_read() -> None:
    """A 202 with an endless body is sent, not a timeout (nor a memory filled)."""
    with _endless_endpoint() as endpoint:
        page = Page(
            b"", headers={"Content-Type": "text/html", "Link": f"<{endpoint}>; rel=webmention"}
        )
        with web_site({"/p/": page}) as site:
            result = send(SOURCE, f"{site.base}/p/", Limits(timeout=2, allow_private=True))
    assert result.status == SENT, result.detail


def test_a_state_file_that_is_a_folder_is_named(tmp_path: Path) -> None:
    """WEBMENTION_SENT_FILE naming a folder: a ConfigError that says so, not a traceback."""
    with pytest.raises(ConfigError, match="WEBMENTION_SENT_FILE"):
        sent_state.load(tmp_path)


def test_an_unwritable_state_stops_before_anything_is_sent(tmp_path: Path) -> None:
    """A state that cannot be written is found before the first mention, never after all."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    told: list[str] = []

    def sender(source: str, target: str, limits: Limits) -> Result:
        told.append(target)
        return Result(SENT, "")

    item = Outgoing(SOURCE, "posts/a/", "post", ("https://a.example/x",), "f1")
    with pytest.raises(ConfigError, match="WEBMENTION_SENT_FILE"):
        send_all([item], blocker / "sent.json", LOOPBACK, sender=sender, progress=_quiet)
    assert told == []


@pytest.mark.parametrize("hub", ["https://hub.example:abc/", "https://xn--/hub"])
def test_a_malformed_hub_is_a_line_not_a_traceback(tmp_path: Path, hub: str) -> None:
    """WEBSUB_HUB with a bad port or name: one line per feed, the publish goes on."""
    (tmp_path / "out" / "feeds").mkdir(parents=True)
    (tmp_path / "out" / "feeds" / "all.rss.xml").write_text("<rss/>", encoding="utf-8")
    settings = {"WEBSUB_HUB": hub, "SITEURL": "https://hub.example"}
    lines = ping_changed_feeds(tmp_path / "out", settings, tmp_path / "websub.json")
    assert any("not pinged" in line for line in lines), lines


KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from socialhub.mentions.discovery import Limits
from socialhub.mentions.outbox import Outgoing
from socialhub.mentions.run import send_all
from socialhub.mentions.sender import SENT, Result

def sender(source, target, limits):
    if target.endswith("/second"):
        os.kill(os.getpid(), signal.SIGTERM)  # the run is ended from outside
    return Result(SENT, "")

links = ("https://a.example/first", "https://a.example/second")
item = Outgoing("https://hub.example/posts/a/", "posts/a/", "post", links, "f1")
send_all([item], Path(sys.argv[1]), Limits(), sender=sender, progress=lambda line: None)
"""


def test_a_run_ended_by_a_signal_keeps_what_it_sent(tmp_path: Path) -> None:
    """SIGTERM after the first mention: the state says it was sent, so it is not sent again."""
    state = tmp_path / "sent.json"
    subprocess.run([sys.executable, "-c", KILLED_RUN, str(state)], check=False, timeout=60)
    assert sent_state.load(state)[SOURCE].pending == ["https://a.example/second"]


def test_another_content_folder_keeps_its_own_sent_state(tmp_path: Path) -> None:
    """--content: the sent state lives beside that content, unless the environment names one."""
    content = tmp_path / "other" / "content"
    code = (
        "import json, tasks; "
        f"print(json.dumps(tasks._overrides(None, {str(content)!r})['WEBMENTION_SENT_FILE']))"
    )

    def sent_file(**env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if k != "HUB_WEBMENTION_SENT_FILE"}
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**clean, **env},
        )
        return str(json.loads(result.stdout))

    assert sent_file() == str(tmp_path / "other" / "data" / "webmentions-sent.json")
    assert sent_file(HUB_WEBMENTION_SENT_FILE="/srv/sent.json") == "/srv/sent.json"


def test_only_a_build_with_a_public_address_writes_the_outbox(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """A local preview (SITEURL empty) sends no mention, so its build keeps no outbox."""
    from socialhub.build import run_build  # noqa: PLC0415 - only this test builds

    def outboxes(site_url: str) -> list[Path]:
        cache = tmp_path / f"cache-{bool(site_url)}"
        overrides = {
            "PATH": str(minimal_copy),
            "OUTPUT_PATH": str(tmp_path / f"out-{bool(site_url)}"),
            "CACHE_PATH": str(cache),
            "SITEURL": site_url,
            "WEBMENTION_SENT_FILE": str(tmp_path / "sent.json"),
        }
        run_build(ROOT / "pelicanconf.py", overrides)
        return list(cache.glob("webmention-outbox-*.json"))

    assert outboxes("") == []
    [outbox] = outboxes("https://hub.example")
    assert '"site_url": "https://hub.example"' in outbox.read_text(encoding="utf-8")
