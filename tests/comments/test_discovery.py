"""Webmention discovery: every built page names the comment service's endpoint, as senders look."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import mf2py
from bs4 import BeautifulSoup
from helpers import discover
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig

SERVICE = "https://comments.example.org"


def _pages(output: Path) -> list[tuple[str, str]]:
    """(site path, HTML) of every page of a built site."""
    return [
        (path.relative_to(output).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(output.rglob("*.html"))
    ]


def test_every_page_names_the_endpoint(minimal_copy: Path, build: Callable[..., Path]) -> None:
    """Each page has one <link rel=webmention> in its head; mf2py reads the same endpoint."""
    output = build(minimal_copy, COMMENT_SERVICE_URL=SERVICE + "/")
    pages = _pages(output)
    assert len(pages) > 10
    for path, html in pages:
        soup = BeautifulSoup(html, "lxml")
        links = soup.find_all(rel="webmention")
        assert [(link.name, link.parent.name) for link in links] == [("link", "head")], path
        assert links[0]["href"] == f"{SERVICE}/webmention", path
        page_url = f"http://127.0.0.1:8000/{path}"
        assert discover(page_url, html) == f"{SERVICE}/webmention", path
        assert mf2py.parse(doc=html, url=page_url)["rels"]["webmention"] == [
            f"{SERVICE}/webmention"
        ], path


def test_no_endpoint_without_a_comment_service(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """An empty COMMENT_SERVICE_URL advertises no endpoint anywhere."""
    output = build(minimal_copy, COMMENT_SERVICE_URL="")
    pages = _pages(output)
    assert pages
    for path, html in pages:
        assert BeautifulSoup(html, "lxml").find_all(rel="webmention") == [], path
        assert "webmention" not in mf2py.parse(doc=html)["rels"], path


def test_a_sender_finds_the_endpoint_and_it_answers(
    minimal_copy: Path, build: Callable[..., Path], config: CommentsConfig, pages
) -> None:
    """Discovered on a built post, the endpoint is the service's /webmention: it takes a POST."""
    output = build(minimal_copy, COMMENT_SERVICE_URL="http://comments.test")
    page = output / "posts" / "first-post" / "index.html"
    target = "http://127.0.0.1:8000/posts/first-post/"
    endpoint = discover(target, page.read_text(encoding="utf-8"))
    assert endpoint == "http://comments.test/webmention"
    app = create_app(config)
    try:
        answer = Client(app).post(
            endpoint.removeprefix("http://comments.test"),
            data={"source": pages.base + "/a-reply", "target": target},
        )
    finally:
        app.close()
    assert answer.status_code == 202, answer.get_data(as_text=True)


def test_discovery_prefers_the_link_header() -> None:
    """The helper follows the Recommendation's order: an HTTP Link header comes first."""
    html = '<html><head><link rel="webmention" href="/from-html"></head></html>'
    header = '<https://a.example/x>; rel="other", </from-header>; rel="webmention"'
    assert discover("https://site.example/p/", html, header) == "https://site.example/from-header"
    assert discover("https://site.example/p/", html) == "https://site.example/from-html"
