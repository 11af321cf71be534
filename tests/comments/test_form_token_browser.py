"""The comment form's token in Chromium: fetched by the theme's own script when the form is used."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from waitress.server import create_server

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.queue import Queue

HUB_JS = Path(__file__).resolve().parents[2] / "theme" / "static" / "js" / "hub.js"
# The form as the theme writes it (_macros.html), posting to the service.
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Post</title></head>
<body><form id="comment-form" method="post" action="{service}/comments">
<input type="hidden" name="item" value="first-post">
<input type="hidden" name="form_token" value="" data-token-url="{service}/comments/token">
<label for="author">Name</label><input id="author" name="author">
<label for="comment-body">Comment</label><textarea id="comment-body" name="body"></textarea>
<input name="homepage" value="" hidden><button type="submit">Send</button></form>
<script>{script}</script></body></html>"""
NO_TOKEN = "sent without the form's token (no JavaScript, or a script)"


@pytest.fixture
def hub(config: CommentsConfig) -> Iterator[tuple[str, CommentsConfig]]:
    """(page URL, config): a hub page with the theme's script, and the service on loopback."""
    html: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = html["page"].encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return

    pages = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{pages.server_address[1]}"
    manifest = json.loads(config.manifest_path.read_text(encoding="utf-8"))
    manifest["site_url"] = origin
    config.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    configured = replace(
        config, site_url=origin, allowed_origins=(origin,), form_token_min_seconds=2
    )
    service = create_app(configured)
    server = create_server(service, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    script = HUB_JS.read_text(encoding="utf-8")
    html["page"] = PAGE.format(service=f"http://127.0.0.1:{server.effective_port}", script=script)
    try:
        yield f"{origin}/posts/first-post/", configured
    finally:
        pages.shutdown()
        pages.server_close()
        server.close()
        service.close()


def _signals(config: CommentsConfig) -> list[list[str]]:
    return [s.extra["spam"]["signals"] for s in Queue(config.queue_dir).list()]


def _fill(page: Any, body: str) -> None:
    page.fill("#author", "Sam")
    page.fill("#comment-body", body)


@pytest.mark.slow
@pytest.mark.browser
def test_a_reader_who_takes_their_time_sends_a_token(hub, chromium: Any) -> None:
    """Focusing the form fetches a token; a post seconds later is queued with no signal."""
    url, config = hub
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        _fill(page, "Night mode is lovely.")
        page.wait_for_function(
            "document.querySelector('[name=form_token]').value.length > 20", timeout=60_000
        )
        time.sleep(2.5)  # a person writing; the service refuses posts under 2 s in this test
        page.click("button[type=submit]")
        page.wait_for_url("**/posts/first-post/?comment=pending*", timeout=60_000)
    finally:
        context.close()
    assert _signals(config) == [[]]


@pytest.mark.slow
@pytest.mark.browser
def test_a_form_sent_at_once_is_told_to_wait(hub, chromium: Any) -> None:
    """A post right after the token (what a script does) gets a page saying to wait."""
    url, config = hub
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        _fill(page, "Fast fingers.")
        page.wait_for_function(
            "document.querySelector('[name=form_token]').value.length > 20", timeout=60_000
        )
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "wait a few seconds" in page.content()
    finally:
        context.close()
    assert _signals(config) == []


@pytest.mark.slow
@pytest.mark.browser
def test_without_javascript_the_form_still_posts_with_a_signal(hub, chromium: Any) -> None:
    """No script, no token: queued all the same, the missing token noted for the moderator."""
    url, config = hub
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url)
        _fill(page, "No scripts here.")
        page.click("button[type=submit]")
        page.wait_for_url("**/posts/first-post/?comment=pending*", timeout=60_000)
    finally:
        context.close()
    assert _signals(config) == [[NO_TOKEN]]
