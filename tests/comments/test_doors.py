"""What the comment service and the Webmention verifier accept, the build takes.

Each input goes through the real door (a form post, a JSON post, a Webmention
with a source page on 127.0.0.1), is approved, and the site is built: accepted
means the build succeeds and shows it inert; refused means a clear 4xx at once.
"""

from __future__ import annotations

from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from doors_checks import feed_parts, page_parts
from werkzeug.test import Client

from socialhub.comments.app import CommentService
from socialhub.comments.config import CommentsConfig
from socialhub.comments.moderation import approve
from socialhub.comments.queue import Queue
from socialhub.comments.webmention import read_mention
from socialhub.text import xml_forbidden

ORIGIN = {"Origin": "http://127.0.0.1:8000"}
FORM = {"item": "first-post", "author": "Sam Reader", "body": "Nice post!", "homepage": ""}
TARGET = "http://127.0.0.1:8000/posts/first-post/"
COMMENT_PARTS = (".comment-list", ".mentions")

# Author names with markup, from the usual lists of cross-site scripting payloads:
# names are plain text, so the build refuses each of these, and so must the door.
HTML_NAMES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "<b>Sam</b>",
    "Sam</h3><h1>Big</h1>",
    "<!--x-->Sam",
    "<iframe src=javascript:alert(1)>",
    "<a href='javascript:alert(1)'>Sam</a>",
    "Sam &lt;3",
    "Tom &amp; Jerry",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "Sam &#14; Reader",
]
# Names that look hostile but are plain text: accepted, shown exactly as typed.
PLAIN_NAMES = [
    "javascript:alert(1)",
    "Tom & Jerry <3",
    "a < b > c",
    "\"'`;--",
    "Sam &amp Reader",
    "Ünïcødé 名前",
]


def pending(config: CommentsConfig) -> list:
    """The submissions waiting for moderation."""
    return list(Queue(config.queue_dir).list())


def post_form(client: Client, **change: str):
    """Post the comment form with some fields changed."""
    return client.post("/comments", data={**FORM, **change}, headers=ORIGIN)


def approve_all(config: CommentsConfig) -> None:
    """Approve everything waiting, as a moderator would."""
    outcomes = approve(config, [submission.id for submission in pending(config)])
    assert all(outcome.ok for outcome in outcomes)


def assert_built_and_inert(output: Path) -> None:
    """The comments on the page and every feed entry hold nothing that runs."""
    assert page_parts(output / "posts" / "first-post" / "index.html", COMMENT_PARTS) == []
    assert feed_parts(output) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"body": "A control character: &#14; here."}, "'&#14;', a control character"),
        ({"body": "Escape &#x1b;[31m red"}, "'&#x1b;', a control character"),
        ({"body": "Not a character: &#xFFFF;"}, "'&#xFFFF;', a control character"),
        ({"body": "No semicolon &#x1B here"}, "'&#x1B', a control character"),
        ({"body": "Huge &#" + "9" * 4400 + "; number"}, "'&#9999999999…', a control"),
        ({"body": "TODO: finish this comment"}, "starts with TODO"),
        ({"body": "**TODO** later"}, "starts with TODO"),
        ({"body": "[](https://a.example/)"}, "shows no text"),
        ({"author": "TODO Sam"}, "starts with TODO"),
        ({"website": "https://sam.example/\tx"}, "without spaces, tabs or line breaks"),
        ({"website": "https://sam.example/\nx"}, "without spaces, tabs or line breaks"),
        ({"website": "https://sam.example/&#x1b;"}, "a control character"),
    ],
)
def test_what_the_build_refuses_is_refused_at_the_door(
    client: Client, config: CommentsConfig, change: dict[str, str], words: str
) -> None:
    """400 with a sentence naming what to fix, nothing queued, for the form and for JSON."""
    response = post_form(client, **change)
    assert response.status_code == 400
    assert words in unescape(response.get_data(as_text=True))
    answer = client.post("/api/comments", json={**FORM, **change}, headers=ORIGIN)
    assert answer.status_code == 400
    assert words in answer.get_json()["error"]
    assert pending(config) == []


@pytest.mark.parametrize("name", HTML_NAMES)
def test_a_name_with_html_is_refused_as_the_build_would(
    client: Client, config: CommentsConfig, name: str
) -> None:
    """The build refuses HTML and entities in a name; the door says names are plain text."""
    response = client.post("/api/comments", json={**FORM, "author": name}, headers=ORIGIN)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error.startswith(("Names are plain text, and yours contains", "Your name contains"))
    assert pending(config) == []


def test_accepted_comments_build_and_stay_inert(
    make_service: Callable[..., CommentService],
    config: CommentsConfig,
    minimal_copy: Path,
    build: Callable[..., Path],
) -> None:
    """Near misses are accepted, approved and built; each name is shown as typed, escaped."""
    client = Client(make_service(rate_limit_count=100))
    for name in PLAIN_NAMES:
        assert post_form(client, author=name).status_code == 303, name
    accepted = {
        "author": "Kim\x0e Lee\x1b",  # control characters are invisible: dropped
        "website": "https://kim.example/?a=1&b=2",
        "body": "&#169; 2026 &amp; &#x1F600; and \x1b[31m<script>alert(1)</script>"
        " [x](javascript:alert(2)) <img src=x onerror=alert(3)>",
    }
    assert post_form(client, **accepted).status_code == 303
    approve_all(config)
    output = build(minimal_copy)
    page = (output / "posts" / "first-post" / "index.html").read_text(encoding="utf-8")
    assert not xml_forbidden(page)
    assert_built_and_inert(output)
    shown = [h.get_text() for h in BeautifulSoup(page, "lxml").select(".comment__author")]
    for name in [*PLAIN_NAMES, "Kim Lee"]:
        assert name in shown
    comments_feed = (output / "feeds" / "comments.atom.xml").read_text(encoding="utf-8")
    assert "Kim Lee" in comments_feed


def mention_page(author: str, url: str, content: str, title: str = "A reply") -> str:
    """A source page with an h-entry that links to the target."""
    return f"""<!DOCTYPE html><html><head><title>{title}</title></head><body>
<article class="h-entry">
  <p class="p-author h-card"><a class="p-name u-url" href="{url}">{author}</a></p>
  <div class="e-content"><p>{content} <a href="{TARGET}">this post</a>.</p></div>
</article></body></html>"""


def test_mentions_are_verified_into_comments_the_build_takes(
    client: Client,
    service: CommentService,
    config: CommentsConfig,
    pages,
    *,
    minimal_copy: Path,
    build: Callable[..., Path],
) -> None:
    """Control characters, markup-like names, a newline in a URL, a placeholder: all built."""
    pages.pages["/markup-name"] = (
        200,
        mention_page("Ana &lt;b&gt;Lind&lt;/b&gt; &amp;amp; co", "https://ana.example/", "Hi"),
    )
    pages.pages["/control"] = (
        200,
        mention_page(
            "Bo &#x1b;Berg&#14;", "https://bo.example/", "Red &#x1b;[31m &amp;#14; &#xFFFF;"
        ),
    )
    pages.pages["/newline-url"] = (
        200,
        mention_page("Cy", "https://cy.example/&#10;evil", "I wrote"),
    )
    pages.pages["/placeholder"] = (
        200,
        mention_page("TODO", "https://todo.example/", "TODO: write more about"),
    )
    pages.pages["/title-only"] = (
        200,
        f"<html><head><title>Re &#x1b; &#14; &#xFFFF; &amp;#14;</title></head>"
        f'<body><a href="{TARGET}">x</a></body></html>',
    )
    for path in pages.pages:
        response = client.post("/webmention", data={"source": pages.base + path, "target": TARGET})
        assert response.status_code == 202
    service.close()  # wait for the background verifications
    mentions = {m.source_url.rsplit("/", 1)[1]: m for m in pending(config)}
    assert sorted(mentions) == sorted(path.strip("/") for path in pages.pages)
    assert mentions["markup-name"].author == "Ana ‹b›Lind‹/b› \uff06amp; co"
    assert mentions["control"].author == "Bo Berg"
    assert mentions["newline-url"].website == ""
    assert mentions["placeholder"].author == "127.0.0.1"  # the host, as for a nameless page
    assert mentions["placeholder"].body.startswith("Mentioned on ")
    for mention in mentions.values():
        assert not xml_forbidden(mention.author + mention.body + mention.website)
    approve_all(config)
    output = build(minimal_copy)
    assert_built_and_inert(output)


def test_a_mention_whose_source_holds_a_control_character_is_refused_at_once(
    client: Client, config: CommentsConfig
) -> None:
    """The source's address is written into the comment file: the build's rules apply to it."""
    response = client.post(
        "/webmention", data={"source": "https://a.example/?x=&#14;", "target": TARGET}
    )
    assert response.status_code == 400
    assert "a control character that XML forbids" in unescape(response.get_data(as_text=True))
    tab = {"source": "https://a.example/\tx", "target": TARGET}
    response = client.post("/webmention", data=tab)
    assert response.status_code == 400
    assert pending(config) == [] and list(Queue(config.queue_dir).list("incoming")) == []


def test_a_mention_author_name_is_one_short_line_like_the_form_s() -> None:
    """A page whose h-card name is a paragraph gives a byline cut to the form's limit."""
    name = "Ada\n  Lovelace " + "wrote a very long name " * 20
    html = (
        '<div class="h-entry"><a class="p-author h-card" href="https://ada.example/">'
        f'{name}</a><p class="p-content">Nice post.</p></div>'
    )
    mention = read_mention(html, "https://ada.example/post", max_author_chars=80)
    assert mention.author.startswith("Ada Lovelace wrote")
    assert len(mention.author) <= 80
    assert "\n" not in mention.author
    assert mention.text == "Nice post."
