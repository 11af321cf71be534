"""Moderation: list, show, approve (write the comment file), reject (keep it, with the reason)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig
from socialhub.comments.files import write_comment
from socialhub.comments.queue import Queue, Submission
from socialhub.comments.webmention import fetch, links_to
from socialhub.headers import read_header
from socialhub.text import shorten

log = logging.getLogger("socialhub.comments.moderation")


@dataclass(frozen=True)
class Outcome:
    """What one moderation command did with one id."""

    id: str
    ok: bool
    message: str


def _log(config: CommentsConfig, line: str) -> None:
    """Append to the moderation log beside the queue (who did what, when)."""
    log.info(line)
    with open(Path(config.queue_dir) / "moderation.log", "a", encoding="utf-8") as handle:
        handle.write(f"{datetime.now().astimezone().isoformat(timespec='seconds')} {line}\n")


def summary_line(submission: Submission) -> str:
    """id, item, author and the first words, for `comments.list`."""
    words = shorten(" ".join(submission.body.split()), 60)
    kind = " (webmention)" if submission.source == "webmention" else ""
    return f"{submission.id}  {submission.item}  {submission.author}{kind}: {words}"


def reply_line(config: CommentsConfig, queue: Queue, submission: Submission) -> str:
    """For a reply, what it answers and whether that is published yet; "" for the others."""
    parent_id = submission.reply_to
    if not parent_id:
        return ""
    head = f"    ↳ reply to {parent_id}"
    published = Path(config.content_dir) / "comments" / submission.item / f"{parent_id}.md"
    if published.is_file():
        author = read_header(published).get("author", "")
        return f"{head} by {author}" if author else head
    waiting = queue.get(parent_id)
    if waiting is not None:
        # Why say it: a reply approved before what it answers breaks the next build.
        return f"{head} by {waiting.author} (waiting too: approve it first or with this one)"
    if queue.has(parent_id, "rejected"):
        return f"{head} (rejected: reject this reply too, or it breaks the build)"
    return f"{head} (not found in content/comments/{submission.item}/ or the queue)"


def list_lines(config: CommentsConfig, queue: Queue, pending: list[Submission]) -> list[str]:
    """`comments.list`: one line per submission, and under each reply what it answers."""
    lines = []
    for submission in pending:
        lines.append(summary_line(submission))
        reply = reply_line(config, queue, submission)
        if reply:
            lines.append(reply)
    return lines


def describe(submission: Submission) -> str:
    """Everything about one submission, for `comments.show`."""
    lines = [
        f"id:       {submission.id}",
        f"item:     {submission.item}",
        f"author:   {submission.author}",
        f"website:  {submission.website or '-'}",
        f"date:     {submission.date}",
        f"source:   {submission.source} {submission.source_url}".rstrip(),
        f"reply to: {submission.reply_to or '-'}",
        f"client:   {submission.client or '-'}",
        "",
        submission.body,
    ]
    return "\n".join(lines)


def _each_pending(
    config: CommentsConfig, identifiers: list[str], act: Callable[[Queue, Submission], str]
) -> list[Outcome]:
    """Apply ``act`` to each pending submission; an unknown id is an outcome, not a crash."""
    queue = Queue(config.queue_dir)
    outcomes = []
    for identifier in identifiers:
        submission = queue.get(identifier)
        if submission is None:
            outcomes.append(Outcome(identifier, False, "no pending submission with this id"))
            continue
        message = act(queue, submission)
        _log(config, f"{message} ({identifier})")
        outcomes.append(Outcome(identifier, True, message))
    return outcomes


def approve(config: CommentsConfig, identifiers: list[str]) -> list[Outcome]:
    """Write each pending submission as content/comments/<item>/<id>.md; file it as approved."""

    def act(queue: Queue, submission: Submission) -> str:
        path = write_comment(config.content_dir, submission)
        queue.move(submission, "pending", "approved")
        return f"approved, wrote {path}"

    return _each_pending(config, identifiers, act)


def reject(config: CommentsConfig, identifiers: list[str], reason: str) -> list[Outcome]:
    """Move each pending submission to rejected/, with the reason."""

    def act(queue: Queue, submission: Submission) -> str:
        submission.reason = reason or "rejected by a moderator"
        queue.move(submission, "pending", "rejected")
        return f"rejected: {submission.reason}"

    return _each_pending(config, identifiers, act)


def reverify(config: CommentsConfig, site_url: str, item_urls: dict[str, str]) -> list[Outcome]:
    """Fetch every published Webmention's source again; drop those that no longer link here."""
    outcomes = []
    for path in sorted(Path(config.content_dir, "comments").glob("*/*.md")):
        header = read_header(path)
        if header.get("source") != "webmention":
            continue
        item = path.parent.name
        target = site_url.rstrip("/") + item_urls.get(item, "")
        try:
            final_url, html = fetch(header.get("source-url", ""), config)
            still = links_to(html, final_url, target)
            reason = "" if still else "the source no longer links here"
        except Refusal as refusal:
            if not refusal.reason.endswith(("HTTP 404", "HTTP 410")):
                # A server that is down today may be back tomorrow: keep the mention.
                outcomes.append(
                    Outcome(path.stem, True, f"kept, could not check: {refusal.reason}")
                )
                continue
            still, reason = False, f"the source is gone ({refusal.reason})"
        if still:
            outcomes.append(Outcome(path.stem, True, "still links here"))
            continue
        path.unlink()
        _log(config, f"dropped mention {path.stem} on {item}: {reason}")
        outcomes.append(Outcome(path.stem, False, f"dropped: {reason}"))
    return outcomes
