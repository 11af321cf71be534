"""The local spam defence: the score's signals, the form token, through the real app."""

from __future__ import annotations

import json
import multiprocessing
import time
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig
from socialhub.comments.formtoken import check_token, make_token
from socialhub.comments.score import (
    RecentBodies,
    Verdict,
    blocked_words_in,
    body_digest,
    link_count,
)
from socialhub.comments.secret import service_secret

SITE = "http://127.0.0.1:8000"


def _post(config: CommentsConfig, body: str, **fields: str) -> tuple[int, dict]:
    """Post one comment as JSON; the status and, when queued, the queue file's content."""
    service = create_app(config)
    try:
        answer = Client(service).post(
            "/api/comments",
            data=json.dumps({"item": "first-post", "author": "Sam", "body": body, **fields}),
            headers={"Origin": SITE, "Content-Type": "application/json"},
        )
        queued = {}
        if answer.status_code == 202:
            identifier = answer.get_json()["id"]
            for folder in ("pending", "rejected"):
                path = config.queue_dir / folder / f"{identifier}.json"
                if path.exists():
                    queued = json.loads(path.read_text(encoding="utf-8"))
                    queued["folder"] = folder
        return answer.status_code, queued
    finally:
        service.close()


def _token(config: CommentsConfig, age: float) -> str:
    return make_token(service_secret(config.state_dir), time.time() - age)


def test_links_blocked_words_and_digests() -> None:
    assert link_count("see https://a.example and www.b.example, [c](http://c.example)") == 3
    assert link_count("no links here, just example.com") == 0
    blocked = ("casino", "cheap pills")
    assert blocked_words_in("Best CASINO bonus! Cheap   pills.", blocked) == list(blocked)
    assert blocked_words_in("Casinos and occasional pills", blocked) == []
    assert body_digest("Great post!") == body_digest("  great   POST ")
    assert body_digest("Great post!") != body_digest("Great posts!")


def test_a_plain_comment_scores_only_the_missing_token(config: CommentsConfig) -> None:
    status, queued = _post(config, "Thanks, night mode is much better now.")
    assert status == 202
    spam = queued["extra"]["spam"]
    assert spam["likely"] is False
    assert spam["signals"] == ["sent without the form's token (no JavaScript, or a script)"]
    assert queued["folder"] == "pending"


def test_links_and_blocked_words_flag_a_comment_as_likely_spam(config: CommentsConfig) -> None:
    configured = replace(config, blocked_words=("casino",))
    body = "Win at the casino: https://a.example https://b.example https://c.example"
    status, queued = _post(configured, body, form_token=_token(configured, 10))
    assert status == 202
    spam = queued["extra"]["spam"]
    assert spam["likely"] is True
    assert "3 links" in spam["signals"]
    assert "blocked word: casino" in spam["signals"]
    assert queued["folder"] == "pending"  # flagged for the moderators, never dropped


def test_a_very_high_score_goes_straight_to_rejected_and_is_kept(
    config: CommentsConfig,
) -> None:
    configured = replace(config, blocked_words=("casino", "bonus"), spam_reject=10)
    status, queued = _post(configured, "casino bonus", form_token=_token(configured, 10))
    assert status == 202
    assert queued["folder"] == "rejected"
    assert queued["reason"].startswith("spam (score ")


def test_the_same_text_twice_is_a_signal(config: CommentsConfig) -> None:
    _, first = _post(config, "Lovely phone!", form_token=_token(config, 10))
    _, second = _post(config, "lovely   PHONE", form_token=_token(config, 10))
    assert first["extra"]["spam"]["signals"] == []
    assert f"same text as {first['id']}" in second["extra"]["spam"]["signals"]


def test_a_text_older_than_the_window_is_new_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recent = RecentBodies(tmp_path / "recent.sqlite3", window_seconds=3600)
    now = 1_800_000_000.0
    monkeypatch.setattr(time, "time", lambda: now)
    digest = body_digest("the same words")
    assert recent.seen(digest, "c-1") == ""
    now += 3599
    assert recent.seen(digest, "c-2") == "c-1"  # within the hour: the first one is named
    assert recent.seen(digest, "c-1") == "c-1"  # asked again for the first: it was seen
    now += 2  # the first is now past the window
    assert recent.seen(digest, "c-3") == ""
    now += 10
    assert recent.seen(digest, "c-4") == "c-3"  # the new text took the place of the old
    assert recent.seen(body_digest("other words"), "c-5") == ""


def _remember(path: str, identifier: str, results: multiprocessing.Queue) -> None:
    results.put(RecentBodies(Path(path), 3600).seen(body_digest("same words"), identifier))


def test_repeated_text_is_seen_across_worker_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    store = str(tmp_path / "recent.sqlite3")
    workers = [context.Process(target=_remember, args=(store, f"c-{n}", results)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    answers = [results.get(timeout=60) for _ in workers]
    assert answers.count("") == 1  # exactly one saw it first; the others name it
    named = {answer for answer in answers if answer}
    assert len(named) == 1 and named <= {f"c-{n}" for n in range(4)}  # all name the first


def test_form_tokens_too_fast_too_old_or_tampered_are_refused(tmp_path: Path) -> None:
    secret = service_secret(tmp_path)
    now = time.time()
    assert check_token(secret, make_token(secret, now - 10), 3, 3600, now) == Verdict()
    with pytest.raises(Refusal, match="wait a few seconds") as fast:
        check_token(secret, make_token(secret, now - 1), 3, 3600, now)
    assert fast.value.status == 429
    with pytest.raises(Refusal, match="opened too long ago"):
        check_token(secret, make_token(secret, now - 7200), 3, 3600, now)
    stamp, nonce, signature = make_token(secret, now - 10).split(".")
    for bad in (f"{int(stamp) - 100}.{nonce}.{signature}", "nonsense", f"{stamp}.{nonce}.00"):
        with pytest.raises(Refusal, match="token is not valid"):
            check_token(secret, bad, 3, 3600, now)
    other = service_secret(tmp_path / "other")
    with pytest.raises(Refusal, match="token is not valid"):
        check_token(secret, make_token(other, now - 10), 3, 3600, now)


def test_the_service_hands_out_tokens_to_the_hubs_pages(config: CommentsConfig) -> None:
    service = create_app(config)
    try:
        client = Client(service)
        answer = client.get("/comments/token", headers={"Origin": SITE})
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Access-Control-Allow-Origin"] == SITE
        token = answer.get_json()["token"]
        foreign = client.get("/comments/token", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in foreign.headers
    finally:
        service.close()
    status, _ = _post(config, "Too quick.", form_token=token)
    assert status == 429
    status, queued = _post(config, "Patient.", form_token=_token(config, 5))
    assert status == 202
    assert queued["extra"]["spam"]["signals"] == []
