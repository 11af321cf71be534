"""Webmention updates and deletes (W3C Webmention 3.2.3): one mention per source and target.

An update from the same source replaces the earlier mention, in the queue and
in the published comment file; a source that answers 404 or 410, or stops
linking, is deleted at the next verification; one that cannot be reached now is
kept and checked again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, run_invoke
from werkzeug.test import Client

from socialhub.comments.app import CommentService
from socialhub.comments.config import CommentsConfig
from socialhub.comments.moderation import approve, list_lines, reverify
from socialhub.comments.queue import Queue, Submission
from socialhub.headers import read_header

SITE = "http://127.0.0.1:8000"
TARGET = f"{SITE}/posts/first-post/"
URLS = {"first-post": "/posts/first-post/"}


def page(words: str, target: str = TARGET) -> str:
    """A blog post with an h-entry that links to ``target`` (when given)."""
    link = f'<a href="{target}">the post</a>' if target else "nothing here"
    return f"""<!DOCTYPE html><html><head><title>Post</title></head><body>
<article class="h-entry"><a class="p-author h-card" href="https://ana.example/">Ana Lind</a>
<div class="e-content"><p>{words} {link}.</p></div></article></body></html>"""


@pytest.fixture
def service(make_service) -> CommentService:
    """The service with one verifying thread, so that mentions are verified in order."""
    return make_service(webmention_workers=1)


@pytest.fixture
def client(service: CommentService) -> Client:
    """A werkzeug test client of that service."""
    return Client(service)


def send(client: Client, service: CommentService, source: str, target: str = TARGET) -> None:
    """Send one Webmention and wait for its background verification."""
    response = client.post("/webmention", data={"source": source, "target": target})
    assert response.status_code == 202
    # One thread verifies in order: once this no-op has run, the mention is done.
    service.verifier.submit(lambda: None).result()


def test_an_update_replaces_the_waiting_mention(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """The same source sent again: still one pending entry, with the new words, the same id."""
    source = pages.base + "/post"
    pages.pages["/post"] = (200, page("First words on"))
    send(client, service, source)
    [first] = Queue(config.queue_dir).list()
    pages.pages["/post"] = (200, page("Edited words on"))
    # Spelled differently (the scheme's case, a fragment): the same source.
    send(client, service, source.replace("http://", "HTTP://") + "#main")
    service.close()
    [updated] = Queue(config.queue_dir).list()
    assert (updated.id, updated.date) == (first.id, first.date)
    assert "Edited words on the post." in updated.body
    assert list(Queue(config.queue_dir).list("incoming")) == []


def test_an_update_rewrites_the_published_file_at_approval(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """Approved, then updated and approved again: the same file, rewritten; no second one."""
    source = pages.base + "/post"
    pages.pages["/post"] = (200, page("First words on"))
    send(client, service, source)
    [first] = Queue(config.queue_dir).list()
    [outcome] = approve(config, [first.id])
    assert outcome.ok, outcome.message
    published = config.content_dir / "comments" / "first-post" / f"{first.id}.md"
    date_line = read_header(published)["date"]
    pages.pages["/post"] = (200, page("Edited words on"))
    send(client, service, source)
    service.close()
    queue = Queue(config.queue_dir)
    [update] = queue.list()
    assert update.id != first.id  # a new submission in the queue...
    lines = list_lines(config, queue, [update])
    assert f"    ↻ an update of the published {first.id}: approving rewrites that file" in lines
    [outcome] = approve(config, [update.id])
    assert outcome.ok, outcome.message
    assert outcome.message.startswith(f"approved, updated {published}")
    # ...that rewrites the published one: one file, the new words, the first date.
    assert sorted(p.name for p in published.parent.iterdir()) == [f"{first.id}.md"]
    assert "Edited words on the post." in published.read_text(encoding="utf-8")
    assert read_header(published)["date"] == date_line


def test_an_update_whose_source_is_gone_deletes_the_waiting_one(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """Sent again after the post was deleted (410): the queued mention is dropped, with why."""
    source = pages.base + "/post"
    pages.pages["/post"] = (200, page("First words on"))
    send(client, service, source)
    pages.pages["/post"] = (410, "gone")
    send(client, service, source)
    service.close()
    queue = Queue(config.queue_dir)
    assert list(queue.list()) == []
    reasons = sorted(s.reason for s in queue.list("rejected"))
    assert reasons == [
        "deleted: source answered HTTP 410 (an update from the source said so)",
        "verification failed: source answered HTTP 410",
    ]


def test_an_update_that_no_longer_links_deletes_the_waiting_one(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """Sent again after the link was taken out: the queued mention is dropped."""
    source = pages.base + "/post"
    pages.pages["/post"] = (200, page("First words on"))
    send(client, service, source)
    pages.pages["/post"] = (200, page("No more link:", target=""))
    send(client, service, source)
    service.close()
    assert list(Queue(config.queue_dir).list()) == []


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (410, "gone", "the source is gone (source answered HTTP 410)"),
        (404, "not found", "the source is gone (source answered HTTP 404)"),
        (200, page("No more link:", target=""), "the source no longer links here"),
    ],
)
def test_verify_deletes_a_published_mention_whose_source_is_gone_or_unlinked(  # noqa: PLR0917
    client: Client,
    service: CommentService,
    config: CommentsConfig,
    pages,
    status: int,
    body: str,
    reason: str,
) -> None:
    """comments.verify: deleted, with a line saying why, in its output and the log."""
    pages.pages["/post"] = (200, page("Words on"))
    send(client, service, pages.base + "/post")
    service.close()
    [mention] = Queue(config.queue_dir).list()
    approve(config, [mention.id])
    path = config.content_dir / "comments" / "first-post" / f"{mention.id}.md"
    assert path.is_file()
    pages.pages["/post"] = (status, body)
    [outcome] = reverify(config, SITE, URLS)
    assert (outcome.ok, outcome.message) == (False, f"deleted: {reason}")
    assert not path.exists()
    log = (config.queue_dir / "moderation.log").read_text(encoding="utf-8")
    assert f"deleted mention {mention.id} on first-post: {reason}" in log


@pytest.mark.parametrize("status", [500, 502, 503])
def test_verify_keeps_a_mention_whose_source_fails_for_now(
    client: Client, service: CommentService, config: CommentsConfig, pages, status: int
) -> None:
    """A 5xx deletes nothing: kept, says so, and checked again at the next run."""
    pages.pages["/post"] = (200, page("Words on"))
    send(client, service, pages.base + "/post")
    service.close()
    [mention] = Queue(config.queue_dir).list()
    approve(config, [mention.id])
    path = config.content_dir / "comments" / "first-post" / f"{mention.id}.md"
    pages.pages["/post"] = (status, "down")
    [outcome] = reverify(config, SITE, URLS)
    assert outcome.ok and path.is_file()
    assert outcome.message == (
        f"kept, could not check: source answered HTTP {status}; checked again next time"
    )
    pages.pages["/post"] = (410, "gone")  # the next run, once the server answers
    [outcome] = reverify(config, SITE, URLS)
    assert not outcome.ok and not path.exists()


def test_verify_keeps_a_mention_whose_server_is_unreachable(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """Nothing listens at the source's address: a network error, so the mention is kept."""
    folder = config.content_dir / "comments" / "first-post"
    folder.mkdir(parents=True)
    path = folder / "c-20261120-0a0a0a0a.md"
    path.write_text(
        "Author: Bo\nDate: 2026-11-20 10:00\nSource: webmention\n"
        "Source-URL: http://127.0.0.1:9/post/\n\nMentioned.\n",
        encoding="utf-8",
    )
    [outcome] = reverify(config, SITE, URLS)
    assert outcome.ok and path.is_file()
    assert outcome.message.startswith("kept, could not check: source could not be fetched")


def test_invoke_comments_verify_deletes_a_gone_source_and_says_why(
    config: CommentsConfig, minimal_copy: Path, tmp_path: Path, pages
) -> None:
    """As a maintainer runs it: approve with invoke, the source goes, verify deletes it."""
    pages.pages["/post"] = (200, page("Words on"))
    queue = Queue(tmp_path / "queue")
    queue.put(
        Submission(
            id="c-20261124-0e0e",
            item="first-post",
            author="Ana Lind",
            body="Words on the post.",
            date="2026-11-24T10:00:00+01:00",
            source="webmention",
            source_url=pages.base + "/post",
            target_url=TARGET,
            mention_type="reply",
        )
    )
    settings = tmp_path / "moderation.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(minimal_copy)!r}\nCOMMENTS_QUEUE_DIR = {str(tmp_path / 'queue')!r}\n"
        f"COMMENTS_MANIFEST_PATH = {str(config.manifest_path)!r}\n"
        "COMMENTS_WEBMENTION_ALLOW_PRIVATE = True\n",
        encoding="utf-8",
    )
    approved = run_invoke("comments.approve", "c-20261124-0e0e", "--settings", str(settings))
    assert approved.returncode == 0, approved.stdout + approved.stderr
    path = minimal_copy / "comments" / "first-post" / "c-20261124-0e0e.md"
    assert read_header(path)["mention-type"] == "reply"
    kept = run_invoke("comments.verify", "--settings", str(settings))
    assert "c-20261124-0e0e: still links here" in kept.stdout, kept.stdout + kept.stderr
    pages.pages["/post"] = (410, "gone")
    verified = run_invoke("comments.verify", "--settings", str(settings))
    assert verified.returncode == 0, verified.stderr
    assert (
        "c-20261124-0e0e: deleted: the source is gone (source answered HTTP 410)" in verified.stdout
    )
    # The minimal site's own mention names a host that does not resolve: kept.
    assert "c-20261103-cccc: kept, could not check: source host other.example" in verified.stdout
    assert (
        "2 mentions checked, 1 deleted." in verified.stdout and "Traceback" not in verified.stderr
    )
    assert not path.exists()
