"""Every HTML-bearing field of every feed, opened as a page in Chromium: nothing runs or loads.

A naive feed reader shows RSS titles and descriptions, Atom's html fields and
JSON Feed's content, summary and title as HTML. The sample hub, with hostile
comments, a hostile post and a hostile featured post added, is built; then each
distinct value of those fields is loaded as a page: no dialog may open, no
request may leave, and the page holds no script, handler, frame or
``javascript:`` link. The feed pages people see when they click a feed link
(their latest entries come from the same entries) are checked the same way,
served over HTTP.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import SAMPLE
from lxml import etree

from socialhub.build import run_build

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ITEM = "welcome-to-the-hub"  # the sample post the hostile comments are on

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<div markdown="1"><script>alert(1)</script></div>',
    "[click](javascript:alert(1))",
    "<a href=\"javascript:alert('a')\">link</a>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<math><mtext></p><script>alert(1)</script></mtext></math>",
    "<![CDATA[ ]]><script>alert(1)</script>",
    "]]><script>alert(1)</script>",
    '[t](http://x.example "]]><script>alert(1)</script>")',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<object data="http://evil.example/x.swf"></object>',
    "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
]

# What the page may hold after loading a field; each is a sign that markup got through.
ACTIVE = """(root) => {
  const found = [];
  for (const element of document.querySelectorAll(root + ' *')) {
    const tag = element.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'frame', 'style', 'link', 'meta',
         'base', 'form', 'svg', 'math'].includes(tag)) found.push(tag);
    for (const attribute of element.attributes) {
      const value = attribute.value.trim().toLowerCase();
      if (attribute.name.startsWith('on')) found.push(tag + '[' + attribute.name + ']');
      if (value.startsWith('javascript:') || value.startsWith('data:'))
        found.push(tag + '[' + attribute.name + '=' + value.slice(0, 20) + ']');
    }
  }
  return found;
}"""


def _hostile_site(target: Path) -> Path:
    """The sample hub, plus comments, a post and a featured post made of the payloads."""
    shutil.copytree(SAMPLE, target)
    comments = target / "comments" / ITEM
    for number, payload in enumerate(PAYLOADS):
        (comments / f"c-20260305-{number:04x}.md").write_text(
            f"Author: Eve Number {number}\nDate: 2026-03-05 10:{number:02d}\nSource: form\n\n"
            f"{payload}\n\nSaid {payload} again, inline.\n",
            encoding="utf-8",
        )
    # A body's pictures must exist (validation), so its onerror is on one of the sample's.
    own = '<img src="/images/brand/logo.png" alt="Logo" onerror="alert(1)">'
    body = "\n\n".join([own, *(p for p in PAYLOADS if "src=x" not in p)])
    (target / "posts" / "hostile-markup.md").write_text(
        "Title: A post about < tags & ]]> and javascript:alert(1)\nDate: 2026-03-06 09:00\n"
        'Author: Eve\nSummary: Summary with <div markdown="1"><script>alert(1)</script>'
        "</div> in it.\n\n" + body + "\n",
        encoding="utf-8",
    )
    (target / "featured" / "hostile-featured.md").write_text(
        "Title: Collected < post & ]]> javascript:alert(1)\nBlogger: oskar-lind\n"
        "Original-URL: https://tinyhobbyradio.example/posts/hostile/\nDate: 2026-03-07 08:00\n"
        "Excerpt: An excerpt with a < b and ]]> and javascript:alert(1) in it.\n"
        "Editor-Note: " + " ".join(PAYLOADS[:4] + PAYLOADS[6:8]) + "\nDevice: Lumen Buds\n"
        "Verdict: mixed\nTags: audio\nCollected: yes\n",
        encoding="utf-8",
    )
    return target


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile hub, built once for this module."""
    root = tmp_path_factory.mktemp("hostile")
    output = root / "output"
    overrides = {
        "PATH": str(_hostile_site(root / "content")),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(root / ".cache"),
    }
    run_build(ROOT / "pelicanconf.py", overrides)
    return output


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@pytest.fixture(scope="module")
def served(hostile_output: Path) -> Iterator[str]:
    """The hostile hub served on 127.0.0.1 at a free port, stopped after the module."""
    handler = functools.partial(_Quiet, directory=str(hostile_output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,))
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def html_fields(output: Path) -> dict[str, str]:
    """Every distinct value of an HTML-bearing field of every feed, with one place it is in."""
    values: dict[str, str] = {}

    def keep(value: str | None, where: str) -> None:
        if value:
            values.setdefault(value, where)

    for path in sorted(output.rglob("*.rss.xml")):
        tree = etree.parse(str(path))
        for element in tree.iter("title", "description", CONTENT):
            keep(element.text, f"{path.name} <{etree.QName(element).localname}>")
    for path in sorted(output.rglob("*.atom.xml")):
        tree = etree.parse(str(path))
        for name in ("title", "subtitle", "summary", "content"):
            for element in tree.iter(ATOM + name):
                if element.get("type") == "html":
                    keep(element.text, f"{path.name} <{name} type=html>")
    for path in sorted(output.rglob("*.json")):
        feed = json.loads(path.read_text(encoding="utf-8"))
        keep(feed.get("title"), f"{path.name} title")
        for item in feed.get("items", []):
            for name in ("content_html", "summary", "title"):
                keep(item.get(name), f"{path.name} {name}")
    return values


def _watched_page(browser: Any, base: str) -> tuple[Any, Any, list[str], list[str]]:
    """A page whose dialogs and requests are recorded, and every request refused."""
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_route(route: Any) -> None:
        # The site's own pictures may load (refused all the same); nothing from elsewhere.
        if not route.request.url.startswith(base + "/"):
            requests.append(route.request.url)
        route.abort()

    page.on("dialog", on_dialog)
    page.route("**/*", on_route)
    return context, page, dialogs, requests


def test_the_payloads_reach_the_feeds(hostile_output: Path) -> None:
    """The hostile comments are in the comments feeds, as text (else the test proves nothing)."""
    rss = (hostile_output / "posts" / ITEM / "comments.rss.xml").read_text(encoding="utf-8")
    assert rss.count("Eve Number") >= len(PAYLOADS)
    assert "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in rss  # escaped twice
    feed = json.loads((hostile_output / "feeds" / "comments.json").read_text(encoding="utf-8"))
    assert any("script>alert(1)" in item["summary"] for item in feed["items"])


def test_no_feed_field_runs_or_loads_anything_as_a_page(
    chromium: Any, hostile_output: Path
) -> None:
    """Each distinct HTML-bearing field value, as a page: no dialog, no request, nothing active."""
    site = "http://127.0.0.1:8000"  # LOCAL_PREVIEW_URL: the feeds' own pictures
    values = html_fields(hostile_output)
    assert len(values) > 100
    context, page, dialogs, requests = _watched_page(chromium, site)
    active: list[str] = []
    try:
        for value, where in values.items():
            page.set_content(value, wait_until="load")
            found = page.evaluate(ACTIVE, "html")
            if found:
                active.append(f"{where}: {found} in {value[:120]!r}")
        page.wait_for_timeout(300)  # a late handler (onerror of a refused picture) has fired
    finally:
        context.close()
    assert dialogs == []
    assert requests == []
    assert active == []


def test_feed_pages_show_escaped_text_as_text(chromium: Any, served: str) -> None:
    """The feed pages opened in Chromium: the hostile titles show as text, inert."""
    context, page, dialogs, requests = _watched_page(chromium, served)
    page.unroute("**/*")

    def on_route(route: Any) -> None:
        if not route.request.url.startswith(served):
            requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", on_route)
    try:
        for path in ("feeds/all/", "feeds/posts/", "feeds/comments/"):
            page.goto(f"{served}/{path}")
            assert page.locator("h1").count() == 1, path
            assert page.evaluate(ACTIVE, "main") == [], path
            text = page.inner_text("main")
            if path == "feeds/posts/":  # the hostile post is among the latest news
                # The hostile title, as the editor typed it: decoded, not doubly escaped.
                assert "A post about < tags & ]]> and javascript:alert(1)" in text, path
        page.wait_for_timeout(300)
    finally:
        context.close()
    assert dialogs == []
    assert requests == []
