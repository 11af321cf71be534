"""ALTCHA proof of work: the widget solves in Chromium, the service checks once and only once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from altcha import v2
from waitress.server import create_server
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.proof_of_work import NO_SOLUTION_SIGNAL
from socialhub.comments.queue import Queue
from socialhub.widgets import ALTCHA_WIDGET

SITE = "http://127.0.0.1:8000"
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Post</title></head>
<body><form id="comment-form" method="post" action="{service}/comments">
<input type="hidden" name="item" value="first-post">
<label for="author">Name</label><input id="author" name="author">
<label for="comment-body">Comment</label><textarea id="comment-body" name="body"></textarea>
<altcha-widget challenge="{service}/altcha/challenge" name="altcha" auto="onfocus"></altcha-widget>
<script type="module" src="/altcha.min.js"></script>
<button type="submit">Send</button></form></body></html>"""


def _solved(client: Client) -> str:
    """Ask the service for a challenge and solve it as the widget would; the payload."""
    challenge = v2.Challenge.from_dict(client.get("/altcha/challenge").get_json())
    solution = v2.solve_challenge(challenge)
    assert solution is not None
    return v2.Payload(challenge, solution).to_base64()


def _post(client: Client, **fields: str) -> Any:
    data = {"item": "first-post", "author": "Sam", "body": "Lovely.", **fields}
    return client.post(
        "/api/comments",
        data=json.dumps(data),
        headers={"Origin": SITE, "Content-Type": "application/json"},
    )


def test_a_solution_counts_once_and_a_forged_one_never(config: CommentsConfig) -> None:
    service = create_app(replace(config, altcha=True))
    try:
        client = Client(service)
        payload = _solved(client)
        assert _post(client, altcha=payload).status_code == 202
        again = _post(client, altcha=payload, body="Another.")
        assert again.status_code == 400
        assert "already sent once" in again.get_json()["error"]
        forged = v2.Payload.from_base64(_solved(client))
        forged.solution.derived_key = "00" * 32  # a key that was never worked out
        refused = _post(client, altcha=forged.to_base64(), body="Forged.")
        assert refused.status_code == 400 and "did not pass" in refused.get_json()["error"]
        assert _post(client, altcha="not base64 at all", body="Junk.").status_code == 400
        # A challenge signed by another service (another secret) does not pass either.
        other = create_app(replace(config, altcha=True, state_dir=config.state_dir.parent / "b"))
        try:
            foreign = _solved(Client(other))
        finally:
            other.close()
        assert _post(client, altcha=foreign, body="Elsewhere.").status_code == 400
    finally:
        service.close()
    [queued] = list(Queue(config.queue_dir).list())
    assert NO_SOLUTION_SIGNAL not in queued.extra["spam"]["signals"]


def test_without_a_solution_the_comment_waits_with_a_signal(config: CommentsConfig) -> None:
    service = create_app(replace(config, altcha=True))
    try:
        assert _post(Client(service)).status_code == 202
        assert Client(service).get("/altcha/challenge").status_code == 200
    finally:
        service.close()
    [queued] = list(Queue(config.queue_dir).list())
    assert NO_SOLUTION_SIGNAL in queued.extra["spam"]["signals"]


def test_the_challenge_address_is_not_found_when_altcha_is_off(config: CommentsConfig) -> None:
    service = create_app(config)
    try:
        assert Client(service).get("/altcha/challenge").status_code == 404
    finally:
        service.close()


@pytest.fixture
def hub(config: CommentsConfig) -> Iterator[tuple[str, CommentsConfig]]:
    """(page URL, config): a page with ALTCHA's widget from our own origin, and the service."""
    html: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            script = self.path == "/altcha.min.js"
            data = ALTCHA_WIDGET.read_bytes() if script else html["page"].encode("utf-8")
            self.send_response(200)
            kind = "text/javascript" if script else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
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
    configured = replace(config, site_url=origin, allowed_origins=(origin,), altcha=True)
    service = create_app(configured)
    server = create_server(service, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    html["page"] = PAGE.format(service=f"http://127.0.0.1:{server.effective_port}")
    try:
        yield f"{origin}/posts/first-post/", configured
    finally:
        pages.shutdown()
        pages.server_close()
        server.close()
        service.close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_widget_solves_in_chromium_and_the_comment_is_taken(hub, chromium: Any) -> None:
    """Using the form starts the proof of work; the solution goes with the comment."""
    url, config = hub
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.fill("#author", "Sam")
        page.fill("#comment-body", "Solved in the browser.")
        page.wait_for_function(
            "(document.querySelector('input[name=altcha]') || {}).value", timeout=120_000
        )
        time.sleep(0.5)
        page.click("button[type=submit]")
        page.wait_for_url("**/posts/first-post/?comment=pending*", timeout=60_000)
    finally:
        context.close()
    [queued] = list(Queue(config.queue_dir).list())
    assert NO_SOLUTION_SIGNAL not in queued.extra["spam"]["signals"]
