"""Webmentions: checked at once, answered 202, verified in the background, re-verified later."""

from __future__ import annotations

from werkzeug.test import Client

from socialhub.comments.app import MAX_ATTEMPTS, CommentService
from socialhub.comments.config import CommentsConfig
from socialhub.comments.files import write_comment
from socialhub.comments.moderation import reverify
from socialhub.comments.queue import Queue

TARGET = "http://127.0.0.1:8000/posts/first-post/"
LINKING = f"""<!DOCTYPE html><html><head><title>A reply</title></head><body>
<article class="h-entry">
  <p class="p-author h-card"><a class="p-name u-url" href="https://ana.example/">Ana Lind</a></p>
  <div class="e-content"><p>I wrote about <a href="{TARGET}">this post</a>.</p>
  <script>alert(1)</script></div>
</article></body></html>"""


def test_a_verified_mention_waits_for_moderation_with_its_author(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """202 at once; the source links to the target, so it is queued with the h-entry author."""
    pages.pages["/reply"] = (200, LINKING)
    response = client.post("/webmention", data={"source": pages.base + "/reply", "target": TARGET})
    assert response.status_code == 202
    service.close()  # wait for the background verification
    [mention] = Queue(config.queue_dir).list()
    assert (mention.source, mention.author, mention.website) == (
        "webmention",
        "Ana Lind",
        "https://ana.example/",
    )
    assert "I wrote about this post." in mention.body
    assert "<script>" not in mention.body and "alert" not in mention.body
    assert not any((config.queue_dir / "incoming").iterdir())


def test_a_source_that_does_not_link_is_rejected(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """No link to the target: the mention ends in rejected/ with the reason."""
    pages.pages["/no-link"] = (200, "<p>Nothing to see.</p>")
    client.post("/webmention", data={"source": pages.base + "/no-link", "target": TARGET})
    service.close()
    assert list(Queue(config.queue_dir).list()) == []
    [rejected] = Queue(config.queue_dir).list("rejected")
    assert rejected.reason == "verification failed: source does not link to target"


def test_bad_requests_are_refused_at_once(client: Client, config: CommentsConfig) -> None:
    """W3C Webmention 3.2.1: each invalid request is a 400 with its reason, and nothing queued."""
    cases = [
        ({"target": TARGET}, "source is missing"),
        ({"source": "https://a.example/"}, "target is missing"),
        ({"source": "", "target": TARGET}, "source is missing"),
        ({"source": "ftp://a.example/", "target": TARGET}, "source must be an http(s) URL"),
        ({"source": "https://a.example/", "target": "not a url"}, "target must be an http(s)"),
        ({"source": TARGET, "target": TARGET}, "same page"),
        # The same page however it is spelled: case, default port, slash, fragment.
        (
            {"source": "HTTP://127.0.0.1:8000/posts/first-post#top", "target": TARGET},
            "same page",
        ),
        ({"source": "https://a.example/", "target": "https://other.example/x/"}, "not a page"),
        (
            {"source": "https://a.example/", "target": "http://127.0.0.1:9/posts/first-post/"},
            "not a page",
        ),
        ({"source": "https://a.example/", "target": "http://127.0.0.1:8000/nope/"}, "accepts"),
        (
            {"source": "https://a.example/", "target": "http://127.0.0.1:8000/posts/closed-post/"},
            "closed",
        ),
    ]
    for data, words in cases:
        response = client.post("/webmention", data=data)
        assert response.status_code == 400, data
        assert words in response.get_data(as_text=True), data
    queue = Queue(config.queue_dir)
    assert list(queue.list("incoming")) == [] and list(queue.list()) == []


def test_a_target_spelled_differently_is_still_this_site_s_item(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """Host case, the default port and a missing slash name the same item: 202."""
    spelled = "http://127.0.0.1:8000/posts/first-post"
    pages.pages["/reply"] = (200, LINKING)
    response = client.post("/webmention", data={"source": pages.base + "/reply", "target": spelled})
    assert response.status_code == 202
    service.close()
    [mention] = Queue(config.queue_dir).list()
    assert mention.item == "first-post"


def test_private_addresses_are_refused_outside_tests(make_service, config, pages) -> None:
    """In production settings a source on a private or loopback address is never fetched."""
    pages.pages["/reply"] = (200, LINKING)
    service = make_service(webmention_allow_private=False)
    Client(service).post("/webmention", data={"source": pages.base + "/reply", "target": TARGET})
    service.close()
    [rejected] = Queue(config.queue_dir).list("rejected")
    assert "not on the public internet" in rejected.reason


def test_a_huge_source_is_rejected_and_a_broken_one_tried_again(
    make_service, config, pages
) -> None:
    """Over the size cap: rejected. A 5xx: kept in incoming/ with why, tried at the next start."""
    pages.pages["/huge"] = (200, f'<a href="{TARGET}">x</a>' + "x" * 5000)
    pages.pages["/broken"] = (500, "oops")
    service = make_service(webmention_max_bytes=1000)
    client = Client(service)
    client.post("/webmention", data={"source": pages.base + "/huge", "target": TARGET})
    client.post("/webmention", data={"source": pages.base + "/broken", "target": TARGET})
    service.close()
    queue = Queue(config.queue_dir)
    [rejected] = queue.list("rejected")
    assert rejected.reason == "verification failed: source page is too large"
    [waiting] = queue.list("incoming")
    assert waiting.reason == (
        "could not check yet: source answered HTTP 500; tried again at the next start"
    )
    assert waiting.attempts == 1
    pages.pages["/broken"] = (200, LINKING)  # the blog is back
    make_service().close()  # a new start verifies what waits
    [verified] = queue.list()
    assert verified.source_url.endswith("/broken") and verified.author == "Ana Lind"
    assert list(queue.list("incoming")) == []


def test_a_source_that_stays_broken_is_rejected_after_a_few_starts(
    make_service, config, pages
) -> None:
    """Not kept for ever: after MAX_ATTEMPTS starts that could not reach it, it is rejected."""
    pages.pages["/broken"] = (503, "down")
    service = make_service()
    Client(service).post("/webmention", data={"source": pages.base + "/broken", "target": TARGET})
    service.close()
    for _start in range(MAX_ATTEMPTS - 1):
        make_service().close()
    queue = Queue(config.queue_dir)
    assert list(queue.list("incoming")) == []
    [rejected] = queue.list("rejected")
    assert rejected.reason == (
        f"verification failed {MAX_ATTEMPTS} times, the last: source answered HTTP 503"
    )


def test_reverification_drops_a_mention_whose_source_stopped_linking(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """An approved mention stays while its source links here and goes when it stops."""
    pages.pages["/reply"] = (200, LINKING)
    client.post("/webmention", data={"source": pages.base + "/reply", "target": TARGET})
    service.close()
    [mention] = Queue(config.queue_dir).list()
    path = write_comment(config.content_dir, mention)
    urls = {"first-post": "/posts/first-post/"}
    [kept] = reverify(config, "http://127.0.0.1:8000", urls)
    assert kept.ok and path.exists()
    pages.pages["/reply"] = (200, "<p>I took the link down.</p>")
    [dropped] = reverify(config, "http://127.0.0.1:8000", urls)
    assert not dropped.ok and not path.exists()
    assert dropped.message == "deleted: the source no longer links here"
    log = (config.queue_dir / "moderation.log").read_text(encoding="utf-8")
    assert f"deleted mention {mention.id} on first-post: the source no longer links here" in log
