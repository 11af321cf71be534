"""Cross-site posts: Origin null and no page at all are foreign; the hub's own form still works.

The browser test runs Chromium against three local origins: the comment service,
the hub's page with the form, and another site whose sandboxed iframe submits
the same form (Origin: null, no Referer).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from waitress.server import create_server
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.queue import Queue

SITE = "http://127.0.0.1:8000"
FORM = {"item": "first-post", "author": "Sam", "body": "Hello."}


def queued(config: CommentsConfig) -> list:
    """What waits for moderation."""
    return list(Queue(config.queue_dir).list())


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},
        {"Origin": "null", "Referer": f"{SITE}/posts/first-post/"},
        {},
        {"Referer": "https://evil.example/page"},
        {"Origin": "https://evil.example", "Referer": f"{SITE}/posts/first-post/"},
    ],
    ids=["null", "null-with-referer", "no-page", "foreign-referer", "foreign"],
)
def test_a_form_post_from_no_page_of_the_hub_is_refused(
    client: Client, config: CommentsConfig, headers: dict[str, str]
) -> None:
    """Origin null, or neither Origin nor Referer, is another site's post: 403, nothing queued."""
    answer = client.post("/comments", data=FORM, headers=headers)
    assert answer.status_code == 403
    assert "only be sent from the hub&#x27;s own pages" in answer.get_data(as_text=True)
    assert queued(config) == []


def test_a_form_post_naming_a_hub_page_is_taken(client: Client, config: CommentsConfig) -> None:
    """The hub's page by its Origin, or by its Referer alone (an old browser)."""
    for headers in ({"Origin": SITE}, {"Referer": f"{SITE}/posts/first-post/"}):
        assert client.post("/comments", data=FORM, headers=headers).status_code == 303
    assert len(queued(config)) == 2


def test_the_api_has_its_own_rule(client: Client, config: CommentsConfig) -> None:
    """Scripts send JSON without an Origin; a page of another site can do neither."""
    assert client.post("/api/comments", json=FORM).status_code == 202
    # A foreign page's form can send text/plain that parses as JSON: not JSON to us.
    plain = client.post(
        "/api/comments", data=json.dumps(FORM), headers={"Content-Type": "text/plain"}
    )
    assert plain.status_code == 415
    assert "application/json" in plain.get_json()["error"]
    for origin in ("null", "https://evil.example"):
        answer = client.post("/api/comments", json=FORM, headers={"Origin": origin})
        assert answer.status_code == 403, origin
    assert client.post("/api/comments", json=FORM, headers={"Origin": SITE}).status_code == 202
    assert len(queued(config)) == 2


# --- in Chromium ---------------------------------------------------------------------

HUB_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>First post</title>
</head><body><main><h1>First post</h1>
<form id="comment-form" method="post" action="{service}/comments">
<input type="hidden" name="item" value="first-post">
<input id="author" name="author"><textarea id="body" name="body"></textarea>
<input name="homepage" value="" hidden><button type="submit">Send</button></form>
</main></body></html>"""

# Another site: no referrer at all, and the form in a sandboxed iframe (its origin is opaque).
FOREIGN_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer"><title>Win a phone</title></head><body>
<iframe sandbox="allow-forms allow-scripts" srcdoc="{srcdoc}"></iframe></body></html>"""
FOREIGN_FORM = (
    '<form rel="noreferrer" method="post" action="{service}/comments">'
    '<input name="item" value="first-post"><input name="author" value="Mallory">'
    '<input name="body" value="Buy now"></form>'
    "<script>document.forms[0].submit()</script>"
)


class Recorder:
    """The service's WSGI app, noting each request's path, page headers and answer."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.seen: list[dict[str, str]] = []

    def __call__(self, environ: dict, start_response: object) -> object:
        """Pass the request on; keep what the service got and answered."""
        note = {
            "path": environ.get("PATH_INFO", ""),
            "origin": environ.get("HTTP_ORIGIN", "(none)"),
            "referer": environ.get("HTTP_REFERER", "(none)"),
        }

        def start(status: str, headers: list, *args: object) -> object:
            note["status"] = status.split(maxsplit=1)[0]
            self.seen.append(note)
            return start_response(status, headers, *args)  # type: ignore[operator]

        return self.app(environ, start)  # type: ignore[operator]

    def wait_for(self, count: int, seconds: float = 15) -> list[dict[str, str]]:
        """The first ``count`` posts to /comments, waiting for them to arrive."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            posts = [note for note in self.seen if note["path"] == "/comments"]
            if len(posts) >= count:
                return posts
            time.sleep(0.05)
        raise AssertionError(f"the service saw {self.seen}, not {count} posts to /comments")


def page_server(html: dict[str, str], host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve ``html["page"]`` (set later if need be) at every path on a free port, in a thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = html["page"].encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def origins(config: CommentsConfig) -> Iterator[tuple[str, str, CommentsConfig, Recorder]]:
    """(hub page, foreign page, config, recorder): the service, the hub, another site."""
    hub_html: dict[str, str] = {}
    hub = page_server(hub_html)
    hub_origin = f"http://127.0.0.1:{hub.server_address[1]}"
    manifest = json.loads(config.manifest_path.read_text(encoding="utf-8"))
    manifest["site_url"] = hub_origin  # the 303 leads back to the hub's page
    config.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    configured = replace(config, site_url=hub_origin, allowed_origins=(hub_origin,))
    service = create_app(configured)
    recorder = Recorder(service)
    server = create_server(recorder, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    service_url = f"http://127.0.0.1:{server.effective_port}"
    hub_html["page"] = HUB_PAGE.format(service=service_url)
    srcdoc = FOREIGN_FORM.format(service=service_url).replace('"', "&quot;")
    # Another site: another host (127.0.0.2 is loopback too), so another origin and site.
    foreign = page_server({"page": FOREIGN_PAGE.format(srcdoc=srcdoc)}, host="127.0.0.2")
    try:
        yield (
            f"{hub_origin}/posts/first-post/",
            f"http://127.0.0.2:{foreign.server_address[1]}/win",
            configured,
            recorder,
        )
    finally:
        for page in (hub, foreign):
            page.shutdown()
            page.server_close()
        server.close()
        service.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_sandboxed_iframe_on_another_site_cannot_post_but_the_hub_can(
    origins, chromium: Any
) -> None:
    """Chromium: the iframe's post (Origin null, no Referer) is refused; the hub's is taken."""
    hub_page, foreign_page, config, recorder = origins
    context = chromium.new_context()
    try:
        page = context.new_page()
        # Why the service's own record: the sandboxed frame may run in another
        # renderer process, whose responses the page's events do not always show.
        page.goto(foreign_page)
        [attack] = recorder.wait_for(1)
        assert attack == {
            "path": "/comments",
            "origin": "null",
            "referer": "(none)",
            "status": "403",
        }
        assert queued(config) == []

        page.goto(hub_page)
        page.fill("#author", "Sam Reader")
        page.fill("#body", "From the hub's own page.")
        page.click("button[type=submit]")
        page.wait_for_url("**/posts/first-post/?comment=pending&id=*")
        _attack, own = recorder.wait_for(2)
        assert (own["origin"], own["status"]) == (hub_page.split("/posts/")[0], "303")
    finally:
        context.close()
    [comment] = queued(config)
    assert (comment.author, comment.body) == ("Sam Reader", "From the hub's own page.")
