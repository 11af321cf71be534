"""Replies only to the same item's comments, and no name that leads a path out of its folder."""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from socialhub.comments.config import CommentsConfig
from socialhub.comments.files import comment_file
from socialhub.comments.moderation import approve, reject
from socialhub.comments.names import BadName, is_comment_id, is_item_slug
from socialhub.comments.queue import Queue, Submission

ORIGIN = {"Origin": "http://127.0.0.1:8000"}
FORM = {"item": "first-post", "author": "Sam Reader", "body": "A reply."}


def submission(identifier: str, item: str, reply_to: str = "", **fields: str) -> Submission:
    """A queued comment."""
    return Submission(
        id=identifier,
        item=item,
        author=fields.get("author", "Kim"),
        body=fields.get("body", f"Comment {identifier}."),
        date="2026-11-24T10:00:00+01:00",
        reply_to=reply_to,
    )


def raw_queue_file(config: CommentsConfig, name: str, **fields: str) -> Path:
    """A pending queue file written by hand, as a tampered or buggy file would be."""
    data = {
        "id": name,
        "item": "first-post",
        "author": "Mallory",
        "body": "x",
        "date": "2026-11-24T10:00:00+01:00",
        **fields,
    }
    Queue(config.queue_dir)
    path = config.queue_dir / "pending" / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def files_under(folder: Path) -> set[Path]:
    """Every file below a folder."""
    return {path for path in folder.rglob("*") if path.is_file()}


# --- H3: a reply answers a comment of the same item ---------------------------------


def test_a_reply_to_another_items_pending_comment_is_refused(
    client: Client, config: CommentsConfig
) -> None:
    """Accepted, it would have stopped the build once both were approved."""
    Queue(config.queue_dir).put(submission("c-20261124-f11f", "first-film"))
    answer = client.post(
        "/api/comments", json={**FORM, "reply_to": "c-20261124-f11f"}, headers=ORIGIN
    )
    assert answer.status_code == 400
    assert "not on this page" in answer.get_json()["error"]
    assert Queue(config.queue_dir).ids() == {"c-20261124-f11f"}


def test_a_reply_to_the_same_items_pending_or_approved_comment_is_accepted(
    client: Client, config: CommentsConfig
) -> None:
    """Waiting or approved (not yet built): both are comments the next build will have."""
    queue = Queue(config.queue_dir)
    queue.put(submission("c-20261124-0a0a", "first-post"))
    queue.put(submission("c-20261124-0b0b", "first-post"), "approved")
    queue.put(submission("c-20261124-0c0c", "first-post"), "rejected")
    for parent, status in (
        ("c-20261124-0a0a", 202),
        ("c-20261124-0b0b", 202),
        ("c-20261124-0c0c", 400),  # a rejected comment will never be on the page
        ("c-20261102-aaaa", 202),  # published (the manifest)
    ):
        answer = client.post("/api/comments", json={**FORM, "reply_to": parent}, headers=ORIGIN)
        assert answer.status_code == status, (parent, answer.get_data(as_text=True))


def test_approving_a_reply_to_another_items_comment_is_refused(config: CommentsConfig) -> None:
    """A queue file written before the submission check: refused again at approval."""
    queue = Queue(config.queue_dir)
    queue.put(submission("c-20261124-f11f", "first-film"))
    queue.put(submission("c-20261124-0001", "first-post", reply_to="c-20261124-f11f"))
    outcomes = approve(config, ["c-20261124-f11f", "c-20261124-0001"])
    assert [outcome.ok for outcome in outcomes] == [True, False]
    assert outcomes[1].message == (
        "not approved: it answers c-20261124-f11f, which is not a comment on first-post "
        "(there is no content/comments/first-post/c-20261124-f11f.md): reject it"
    )
    assert not (config.content_dir / "comments" / "first-post").exists()
    assert queue.ids() == {"c-20261124-0001"}  # still waiting, for the moderator to reject


def test_a_reply_is_approved_with_or_after_what_it_answers(config: CommentsConfig) -> None:
    """Alone it waits for its parent; in one command with it, the parent goes first."""
    queue = Queue(config.queue_dir)
    queue.put(submission("c-20261124-0001", "first-post"))
    queue.put(submission("c-20261124-0002", "first-post", reply_to="c-20261124-0001"))
    queue.put(submission("c-20261124-0003", "first-post", reply_to="c-20261124-0002"))
    [alone] = approve(config, ["c-20261124-0002"])
    assert alone.message == (
        "not approved: it answers c-20261124-0001, which is still waiting: "
        "approve c-20261124-0001 first or with it"
    )
    outcomes = approve(config, ["c-20261124-0003", "c-20261124-0002", "c-20261124-0001"])
    assert [outcome.id for outcome in outcomes] == [
        "c-20261124-0003",
        "c-20261124-0002",
        "c-20261124-0001",
    ]  # reported in the order asked
    assert all(outcome.ok for outcome in outcomes), outcomes
    assert queue.ids() == set()


def test_a_reply_to_a_rejected_comment_is_not_approved(config: CommentsConfig) -> None:
    """The moderator is told to reject the reply too."""
    queue = Queue(config.queue_dir)
    queue.put(submission("c-20261124-0001", "first-post"))
    queue.put(submission("c-20261124-0002", "first-post", reply_to="c-20261124-0001"))
    reject(config, ["c-20261124-0001"], "spam")
    [outcome] = approve(config, ["c-20261124-0002"])
    assert not outcome.ok
    assert "which was rejected: reject this reply too" in outcome.message


@pytest.mark.slow
def test_approving_every_pending_comment_never_breaks_the_build(
    minimal_copy: Path, build: Callable[..., Path], tmp_path: Path
) -> None:
    """Cross-item, waiting, rejected and self replies: whatever is approved, the site builds."""
    config = CommentsConfig(queue_dir=tmp_path / "queue", content_dir=minimal_copy)
    queue = Queue(config.queue_dir)
    queue.put(submission("c-20261124-f11f", "first-film"))
    queue.put(submission("c-20261124-0001", "first-post", reply_to="c-20261124-f11f"))
    queue.put(submission("c-20261124-0002", "first-post", reply_to="c-20261102-bbbb"))
    queue.put(submission("c-20261124-0003", "first-post", reply_to="c-20261124-0002"))
    queue.put(submission("c-20261124-0004", "first-post"))
    queue.put(submission("c-20261124-0005", "first-post", reply_to="c-20261124-0004"))
    queue.put(submission("c-20261124-0006", "first-post", reply_to="c-20261124-0006"))
    reject(config, ["c-20261124-0004"], "spam")
    outcomes = {outcome.id: outcome.ok for outcome in approve(config, sorted(queue.ids()))}
    assert outcomes == {
        "c-20261124-f11f": True,
        "c-20261124-0001": False,  # another item's comment
        "c-20261124-0002": True,
        "c-20261124-0003": True,  # approved with its parent
        "c-20261124-0005": False,  # answers a rejected comment
        "c-20261124-0006": False,  # answers itself
    }
    output = build(minimal_copy)  # raises on any content problem
    assert "c-20261124-0003" in (output / "posts/first-post/index.html").read_text()


# --- H5: nothing written outside content/comments/ ----------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"item": "../../escaped"},
        {"item": "{tmp}/escaped"},  # absolute
        {"item": "first-post/../../../escaped"},
        {"reply_to": "../../escaped"},
    ],
)
def test_a_queue_file_naming_a_path_elsewhere_is_not_approved(
    config: CommentsConfig, tmp_path: Path, fields: dict[str, str]
) -> None:
    """The queue file is read with its names checked; approval writes nothing anywhere."""
    fields = {key: value.replace("{tmp}", str(tmp_path)) for key, value in fields.items()}
    raw_queue_file(config, "c-20261124-0bad", **fields)
    before = files_under(tmp_path)
    [outcome] = approve(config, ["c-20261124-0bad"])
    assert not outcome.ok
    assert outcome.message.startswith("refused: pending/c-20261124-0bad.json: ")
    assert "is not" in outcome.message
    after = files_under(tmp_path) - {config.queue_dir / "moderation.log"}
    assert after == before
    assert not list(tmp_path.glob("**/escaped*"))


def test_a_queue_file_holding_another_id_is_not_approved(config: CommentsConfig) -> None:
    """The id inside is the file name written: a file cannot approve as another one."""
    raw_queue_file(config, "c-20261124-0bad", id="../../../escaped")
    [outcome] = approve(config, ["c-20261124-0bad"])
    assert not outcome.ok
    assert "is not a comment id" in outcome.message
    path = raw_queue_file(config, "c-20261124-0bad")
    path.write_text(path.read_text().replace("c-20261124-0bad", "c-20261124-0001"))
    [outcome] = approve(config, ["c-20261124-0bad"])
    assert (
        outcome.message == "refused: pending/c-20261124-0bad.json: holds the id 'c-20261124-0001'"
    )
    assert not (config.content_dir / "comments").exists()


@pytest.mark.parametrize("identifier", ["../../pending/c-20261124-0001", "c-20261124-0001/..", ""])
def test_an_id_from_the_command_line_is_checked(config: CommentsConfig, identifier: str) -> None:
    """approve, reject and Queue.get refuse an id that is not one, with a sentence."""
    Queue(config.queue_dir).put(submission("c-20261124-0001", "first-post"))
    [approved] = approve(config, [identifier])
    [rejected] = reject(config, [identifier], "spam")
    for outcome in (approved, rejected):
        assert not outcome.ok
        assert outcome.message.startswith("refused: comment id ")
        assert "is not a comment id (c-YYYYMMDD-xxxxxxxx)" in outcome.message
    with pytest.raises(BadName):
        Queue(config.queue_dir).get(identifier)
    assert Queue(config.queue_dir).ids() == {"c-20261124-0001"}


def test_the_queue_refuses_to_write_a_bad_name(config: CommentsConfig, tmp_path: Path) -> None:
    """The last boundary: a submission with a bad item or id is never written."""
    queue = Queue(config.queue_dir)
    before = files_under(tmp_path)
    for bad in (
        submission("c-20261124-0001", "../escaped"),
        submission("../../escaped", "first-post"),
        submission("c-20261124-0001", "first-post", reply_to="../x"),
    ):
        with pytest.raises(BadName):
            queue.put(bad)
    with pytest.raises(ValueError, match="no queue folder"):
        queue.put(submission("c-20261124-0001", "first-post"), "../../escaped")
    assert files_under(tmp_path) == before


def test_a_comment_file_never_leads_out_through_a_link(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """A symbolic link planted in content/comments/ is refused, though each name is fine."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (config.content_dir / "comments").mkdir(parents=True)
    (config.content_dir / "comments" / "first-post").symlink_to(outside)
    Queue(config.queue_dir).put(submission("c-20261124-0001", "first-post"))
    [outcome] = approve(config, ["c-20261124-0001"])
    assert not outcome.ok
    assert "leads outside" in outcome.message
    assert list(outside.iterdir()) == []
    assert Queue(config.queue_dir).ids() == {"c-20261124-0001"}


def test_a_submitted_item_that_is_not_a_slug_is_unknown(client: Client) -> None:
    """The form's item is looked up only when it is a slug."""
    for item in ("../first-post", "first-post/", "FIRST-POST", "first-post\x00"):
        answer = client.post("/api/comments", json={**FORM, "item": item}, headers=ORIGIN)
        assert answer.status_code == 404, item


def test_the_list_skips_a_bad_queue_file_and_says_so(
    config: CommentsConfig, caplog: pytest.LogCaptureFixture
) -> None:
    """One bad file does not hide the others; the log names it and what is wrong."""
    Queue(config.queue_dir).put(submission("c-20261124-0001", "first-post"))
    raw_queue_file(config, "c-20261124-0bad", item="../../escaped")
    with caplog.at_level(logging.WARNING, "socialhub.comments"):
        listed = [s.id for s in Queue(config.queue_dir).list()]
    assert listed == ["c-20261124-0001"]
    assert "c-20261124-0bad.json: item '../../escaped' is not an item slug" in caplog.text


NAME_CHARACTERS = string.ascii_letters + string.digits + "-._/\\~ \x00"


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    item=st.one_of(st.text(NAME_CHARACTERS, max_size=24), st.sampled_from(["..", ".", "a/../.."])),
    identifier=st.one_of(st.text(NAME_CHARACTERS, max_size=24), st.just("c-20261124-0001")),
)
def test_any_accepted_name_stays_in_its_folder(tmp_path: Path, item: str, identifier: str) -> None:
    """Whatever the names, a comment file is content/comments/<slug>/<id>.md or refused."""
    try:
        path = comment_file(tmp_path, item, identifier)
    except BadName:
        assert not (is_item_slug(item) and is_comment_id(identifier))
        return
    assert path.resolve().parent.parent == (tmp_path / "comments").resolve()
    assert path.name == f"{identifier}.md"
    assert is_item_slug(item)
    assert is_comment_id(identifier)
