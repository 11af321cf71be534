"""The comment service through the WSGI boundary: accepted comments, refusals, moderation."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from werkzeug.test import Client

from socialhub.comments.config import CommentsConfig, load_config
from socialhub.comments.moderation import approve, reject
from socialhub.comments.queue import Queue
from socialhub.errors import ConfigError
from socialhub.kinds import KINDS_BY_NAME
from socialhub.sanitize import render_comment
from socialhub.validate import SourceFile, check_file

ORIGIN = {"Origin": "http://127.0.0.1:8000"}
FORM = {"item": "first-post", "author": "Sam Reader", "body": "Nice **post**!", "homepage": ""}


def pending(config: CommentsConfig) -> list:
    """The submissions waiting for moderation."""
    return list(Queue(config.queue_dir).list())


def test_form_post_is_queued_and_answered_with_a_redirect(
    client: Client, config: CommentsConfig
) -> None:
    """A form post lands in the queue before the 303 back to the page with a notice."""
    response = client.post("/comments", data=FORM, headers=ORIGIN)
    assert response.status_code == 303
    [submission] = pending(config)
    assert response.headers["Location"] == (
        f"http://127.0.0.1:8000/posts/first-post/?comment=pending&id={submission.id}"
        "#comment-pending"
    )
    assert response.headers["X-Comment-Id"] == submission.id
    assert (submission.item, submission.author, submission.body) == (
        "first-post",
        "Sam Reader",
        "Nice **post**!",
    )
    assert not any((config.queue_dir / "tmp").iterdir())


def test_json_post_answers_202_with_the_id(client: Client, config: CommentsConfig) -> None:
    """Scripts post JSON and get the new comment's id."""
    response = client.post(
        "/api/comments", json={**FORM, "reply_to": "c-20261102-aaaa"}, headers=ORIGIN
    )
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "pending"
    assert [s.id for s in pending(config)] == [body["id"]]
    assert pending(config)[0].reply_to == "c-20261102-aaaa"


def test_a_reply_to_a_comment_still_pending_is_accepted(
    client: Client, config: CommentsConfig
) -> None:
    """A reply may answer a comment that waits for moderation, but not one that was rejected."""
    first = client.post("/api/comments", json=FORM, headers=ORIGIN).get_json()["id"]
    reply = client.post("/api/comments", json={**FORM, "reply_to": first}, headers=ORIGIN)
    assert reply.status_code == 202
    second = reply.get_json()["id"]
    reject(config, [second], "off topic")
    answer = client.post("/api/comments", json={**FORM, "reply_to": second}, headers=ORIGIN)
    assert answer.status_code == 400
    assert "not on this page" in answer.get_json()["error"]


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"item": "no-such-item"}, 404, "does not take comments"),
        ({"item": "closed-post"}, 403, "Comments are closed"),
        ({"author": "   "}, 400, "give your name"),
        ({"author": "x" * 81}, 400, "name is too long"),
        ({"body": ""}, 400, "write a comment"),
        ({"body": "x" * 5001}, 400, "comment is too long"),
        ({"website": "javascript:alert(1)"}, 400, "full address"),
        ({"reply_to": "c-20990101-ffff"}, 400, "not on this page"),
        ({"reply_to": "../../etc/passwd"}, 400, "not on this page"),
        ({"homepage": "http://spam.example/"}, 422, "looks automated"),
    ],
)
def test_refusals_are_clear_4xx_pages(
    client: Client, config: CommentsConfig, change: dict, status: int, words: str
) -> None:
    """Each refusal: its status, a sentence for people, nothing queued, no traceback."""
    response = client.post(
        "/comments",
        data={**FORM, **change},
        headers={**ORIGIN, "Referer": "http://127.0.0.1:8000/posts/first-post/"},
    )
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert words in page
    assert "Traceback" not in page
    assert 'href="http://127.0.0.1:8000/posts/first-post/"' in page
    assert pending(config) == []


def test_refusals_to_scripts_are_json(client: Client) -> None:
    """A JSON client gets JSON errors, including for a body that is not JSON."""
    response = client.post("/api/comments", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "The request body is not valid JSON."
    response = client.post("/api/comments", json={**FORM, "item": "closed-post"}, headers=ORIGIN)
    assert response.status_code == 403
    assert "closed" in response.get_json()["error"]


def test_other_sites_cannot_post(client: Client, config: CommentsConfig) -> None:
    """A form on another site's page is refused (cross-site request forgery)."""
    response = client.post("/comments", data=FORM, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert pending(config) == []


def test_rate_limit_per_client(client: Client, config: CommentsConfig) -> None:
    """The sixth comment within a minute from one client is refused with 429."""
    answers = [client.post("/comments", data=FORM, headers=ORIGIN).status_code for _ in range(6)]
    assert answers == [303] * 5 + [429]
    assert len(pending(config)) == 5


def test_refused_comments_do_not_count_toward_the_limit(
    client: Client, config: CommentsConfig
) -> None:
    """A reader refused for a missing field corrects it and is heard; only accepted ones count."""
    no_name = client.post("/comments", data={**FORM, "author": ""}, headers=ORIGIN)
    assert no_name.status_code == 400
    assert "give your name" in no_name.get_data(as_text=True)
    refusals = [
        {"author": ""},
        {"body": ""},
        {"website": "www.example.com"},
        {"item": "closed-post"},
        {"reply_to": "c-20990101-ffff"},
        {"homepage": "http://spam.example/"},
    ]
    for change in refusals:  # more refusals than the limit allows comments
        answer = client.post("/comments", data={**FORM, **change}, headers=ORIGIN)
        assert 400 <= answer.status_code < 500 and answer.status_code != 429, change
    accepted = [client.post("/comments", data=FORM, headers=ORIGIN) for _ in range(5)]
    assert [answer.status_code for answer in accepted] == [303] * 5
    too_many = client.post("/comments", data=FORM, headers=ORIGIN)
    assert too_many.status_code == 429
    assert len(pending(config)) == config.rate_limit_count == 5


def test_the_limit_counts_accepted_mentions_not_refused_ones(
    client: Client, config: CommentsConfig
) -> None:
    """A Webmention with a bad target is refused and not counted; accepted ones are."""
    source = "http://127.0.0.1:9/reply"  # refused at once when verified in the background
    for _ in range(6):
        answer = client.post("/webmention", data={"source": source, "target": "https://x.example/"})
        assert answer.status_code == 400
    answers = [
        client.post(
            "/webmention",
            data={"source": f"{source}/{n}", "target": "http://127.0.0.1:8000/posts/first-post/"},
        ).status_code
        for n in range(6)
    ]
    assert answers == [202] * 5 + [429]


def test_request_size_is_limited(client: Client, config: CommentsConfig) -> None:
    """A body over the request limit is refused before it is read."""
    response = client.post("/comments", data={**FORM, "body": "x" * 70_000}, headers=ORIGIN)
    assert response.status_code == 413
    assert pending(config) == []


def test_wrong_methods_and_paths(client: Client) -> None:
    """405 and 404 answers, with the health check alive."""
    assert client.get("/comments").status_code == 405
    assert client.get("/nothing-here").status_code == 404
    health = client.get("/health")
    assert health.status_code == 200
    assert health.get_json() == {"status": "ok", "pending": 0, "items": 3}


def test_approving_writes_a_comment_file_that_validates(
    client: Client, config: CommentsConfig
) -> None:
    """Approve → content/comments/<item>/<id>.md, valid for the build, out of the queue."""
    hostile = {
        **FORM,
        "author": "Eve\nReply-To: c-1",
        "website": "https://eve.example/",
        "body": "<script>alert(1)</script> and [a link](javascript:alert(2))",
    }
    client.post("/comments", data=hostile, headers=ORIGIN)
    [submission] = pending(config)
    [outcome] = approve(config, [submission.id])
    assert outcome.ok
    path = config.content_dir / "comments" / "first-post" / f"{submission.id}.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Author: Eve Reply-To: c-1\nWebsite: https://eve.example/\nDate: ")
    header, _, body = text.partition("\n\n")
    meta = dict(line.split(": ", 1) for line in header.splitlines())
    source = SourceFile(
        str(path),
        KINDS_BY_NAME["comment"],
        submission.id,
        {k.lower(): v for k, v in meta.items()},
        render_comment(body),
        "first-post",
    )
    assert check_file(source, lambda _p: True, ZoneInfo("Europe/Oslo")).problems == []
    assert "<script>" not in render_comment(body)
    assert "javascript:" not in render_comment(body)
    assert pending(config) == []
    assert (config.queue_dir / "approved" / f"{submission.id}.json").is_file()
    assert f"approved, wrote {path} ({submission.id})" in (
        config.queue_dir / "moderation.log"
    ).read_text(encoding="utf-8")


def test_rejecting_keeps_the_comment_with_its_reason(
    client: Client, config: CommentsConfig
) -> None:
    """Reject → rejected/ with the reason; an unknown id is reported, not a crash."""
    client.post("/comments", data=FORM, headers=ORIGIN)
    [submission] = pending(config)
    outcomes = reject(config, [submission.id, "c-20260101-dead"], "off topic")
    assert [o.ok for o in outcomes] == [True, False]
    kept = Queue(config.queue_dir).get(submission.id, "rejected")
    assert kept is not None and kept.reason == "off topic"


def test_settings_are_read_and_bad_ones_named(tmp_path: Path) -> None:
    """COMMENTS_* settings become the config; unknown keys and wrong types are all reported."""
    config = load_config(
        {
            "COMMENTS_RATE_LIMIT_COUNT": "3",
            "SITEURL": "https://hub.example",
            "OUTPUT_PATH": "public",
        },
        root=tmp_path,
    )
    assert config.rate_limit_count == 3
    assert config.site_url == "https://hub.example"
    # Beside the output, never in it, named after it.
    assert config.manifest_path == tmp_path / ".cache" / "comments-manifest-public.json"
    assert config.state_dir == tmp_path / ".cache" / "comments-queue-state"  # beside the queue
    named = load_config({"COMMENTS_MANIFEST_PATH": "var/m.json"}, root=tmp_path)
    assert named.manifest_path == tmp_path / "var" / "m.json"
    with pytest.raises(ConfigError) as raised:
        load_config({"COMMENTS_RATE_LIMT": 3, "COMMENTS_MAX_BODY_CHARS": "many"})
    assert "COMMENTS_RATE_LIMT: unknown setting" in str(raised.value)
    with pytest.raises(ConfigError, match="COMMENTS_TRUST: 'everyone' is not one of"):
        load_config({"COMMENTS_TRUST": "everyone"})
    assert "COMMENTS_MAX_BODY_CHARS: 'many' is not a int" in str(raised.value)


def test_queue_files_are_plain_json(client: Client, config: CommentsConfig) -> None:
    """A maintainer can read and back up the queue with ordinary tools."""
    client.post("/comments", data=FORM, headers=ORIGIN)
    [path] = (config.queue_dir / "pending").glob("*.json")
    assert json.loads(path.read_text(encoding="utf-8"))["author"] == "Sam Reader"
