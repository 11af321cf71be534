"""Moderation: list, show, approve (write the comment file), reject (keep it, with the reason)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from socialhub.activitypub.actorkeys import fetching_for, note_gone
from socialhub.comments.after_approval import after_approval
from socialhub.comments.checks import Gone, Refusal, Unreachable
from socialhub.comments.config import CommentsConfig
from socialhub.comments.disk import Unwritable
from socialhub.comments.files import comment_file, write_comment
from socialhub.comments.gitcommit import commit_comment
from socialhub.comments.names import BadName
from socialhub.comments.photos import FOLDER, fetch_photo
from socialhub.comments.queue import Queue, Submission, same_url
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


class NotDone(Exception):  # noqa: N818 - an outcome, not a failure of the command
    """Why one submission was not approved or rejected, in a line for the moderator."""


def _log(config: CommentsConfig, line: str) -> None:
    """Append to the moderation log beside the queue (who did what, when)."""
    log.info(line)
    path = Path(config.queue_dir) / "moderation.log"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now().astimezone().isoformat(timespec='seconds')} {line}\n")
    except OSError as error:
        # Why not fail: the queue itself is already done or undone; only the note is lost.
        log.warning("could not add to %s: %s (%s)", path, error, line)


def summary_line(submission: Submission) -> str:
    """id, item, author and the first words, for `comments.list`."""
    words = shorten(" ".join(submission.body.split()), 60)
    kind = ""
    if submission.source == "webmention":
        shown = submission.mention_type
        kind = f" (webmention: {shown})" if shown and shown != "mention" else " (webmention)"
    elif submission.source == "fediverse":
        kind = f" (fediverse: {fediverse_origin(submission)})"
    return f"{submission.id}  {submission.item}  {submission.author}{kind}: {words}"


def fediverse_origin(submission: Submission) -> str:
    """Where a fediverse reply came from: the actor, and the note's page."""
    origin = submission.extra.get("fediverse") or {}
    actor = str(origin.get("actor") or submission.website)
    note = str(origin.get("note_url") or submission.source_url)
    return f"{actor}, note {note}"


def reply_line(config: CommentsConfig, queue: Queue, submission: Submission) -> str:
    """For a reply, what it answers and whether that is published yet; "" for the others."""
    parent_id = submission.reply_to
    if not parent_id:
        return ""
    head = f"    ↳ reply to {parent_id}"
    try:
        published = comment_file(config.content_dir, submission.item, parent_id)
    except BadName as error:
        return f"{head} ({error})"
    if published.is_file():
        author = read_header(published).get("author", "")
        return f"{head} by {author}" if author else head
    waiting = _queued(queue, parent_id, "pending")
    if waiting is not None and waiting.item == submission.item:
        # Why say it: a reply approved before what it answers breaks the next build.
        return f"{head} by {waiting.author} (waiting too: approve it first or with this one)"
    if queue.holds(parent_id, submission.item, ("rejected",)):
        return f"{head} (rejected: reject this reply too, or it breaks the build)"
    return f"{head} (not found in content/comments/{submission.item}/ or the queue)"


def _queued(queue: Queue, identifier: str, folder: str) -> Submission | None:
    """A queued submission, or None when there is none or its file is not one."""
    try:
        return queue.get(identifier, folder)
    except ValueError:
        return None


def list_lines(config: CommentsConfig, queue: Queue, pending: list[Submission]) -> list[str]:
    """`comments.list`: one line per submission, and under each reply what it answers."""
    lines = []
    for submission in pending:
        lines.append(summary_line(submission))
        flags = spam_line(submission)
        if flags:
            lines.append(flags)
        reply = reply_line(config, queue, submission)
        if reply:
            lines.append(reply)
        earlier = published_mention(config, submission)
        if earlier is not None:
            lines.append(
                f"    ↻ an update of the published {earlier.stem}: approving rewrites that file"
            )
        if _published(config, submission.item, submission.id):
            # Why: approval writes the file, then moves the submission; a crash between
            # the two leaves both, and approving again finishes it.
            lines.append(
                f"    ! already in content/comments/{submission.item}/: an approval was "
                "interrupted; approve it again to finish"
            )
    return lines


def spam_line(submission: Submission) -> str:
    """The spam score's signals under a comment of `comments.list` ("" when there are none)."""
    spam = submission.extra.get("spam") or {}
    signals = "; ".join(str(signal) for signal in spam.get("signals", []))
    if not signals:
        return ""
    flag = "⚑ likely spam" if spam.get("likely") else "signals"
    return f"    {flag} (score {spam.get('score', 0)}): {signals}"


def describe(submission: Submission) -> str:
    """Everything about one submission, for `comments.show`."""
    lines = [
        f"id:       {submission.id}",
        f"item:     {submission.item}",
        f"author:   {submission.author}",
        f"website:  {submission.website or '-'}",
        f"date:     {submission.date}",
        f"source:   {submission.source} {submission.source_url}".rstrip(),
        *([f"type:     {submission.mention_type}"] if submission.mention_type else []),
        *(
            [f"origin:   {fediverse_origin(submission)}"]
            if submission.source == "fediverse"
            else []
        ),
        *([f"picture:  {submission.photo_url}"] if submission.photo_url else []),
        f"reply to: {submission.reply_to or '-'}",
        f"client:   {submission.client or '-'}",
        *([spam_line(submission).strip()] if spam_line(submission) else []),
        "",
        submission.body,
    ]
    return "\n".join(lines)


def _each_pending(
    config: CommentsConfig,
    identifiers: list[str],
    act: Callable[[Queue, Submission], str],
    order: Callable[[list[Submission]], list[Submission]] = list,
) -> list[Outcome]:
    """Apply ``act`` to each pending submission; an unknown id or a NotDone is an outcome."""
    queue = Queue(config.queue_dir)
    wanted = list(dict.fromkeys(identifiers))  # each once, in the order given
    outcomes: dict[str, Outcome] = {}
    found = []
    for identifier in wanted:
        try:
            submission = queue.get(identifier)
        except ValueError as error:  # a bad id, or a queue file naming a path elsewhere
            outcomes[identifier] = Outcome(identifier, False, f"refused: {error}")
            continue
        if submission is None:
            outcomes[identifier] = Outcome(identifier, False, "no pending submission with this id")
            continue
        found.append(submission)
    for submission in order(found):
        try:
            message = act(queue, submission)
        except NotDone as why:
            _log(config, f"{why} ({submission.id})")
            outcomes[submission.id] = Outcome(submission.id, False, str(why))
            continue
        _log(config, f"{message} ({submission.id})")
        outcomes[submission.id] = Outcome(submission.id, True, message)
    return [outcomes[identifier] for identifier in wanted]


def approve(config: CommentsConfig, identifiers: list[str], moderator: str = "") -> list[Outcome]:
    """Write each pending submission as content/comments/<item>/<id>.md; file it as approved.

    All or nothing for each: never a comment file whose submission still waits, nor
    the reverse; and never a reply whose parent the site does not have (it would
    stop the build). Replies are approved after the comments they answer. A
    Webmention from a source already published on the item rewrites that file
    (same id, same date) instead of adding a second; its author's picture is
    fetched and made small now (photos.py), so that no reader's page loads it.
    With COMMENTS_GIT_COMMIT, each file is committed in the checkout in the name of
    ``moderator``; a failed commit is said in the outcome and the file stays.
    """

    def act(queue: Queue, submission: Submission) -> str:
        problem = parent_problem(config, queue, submission)
        if problem:
            raise NotDone(f"not approved: {problem}")
        earlier = published_mention(config, submission)
        written = submission
        before: bytes | None = None
        if earlier is not None:
            written = replace(submission, id=earlier.stem, date=_header_date(earlier, submission))
            before = earlier.read_bytes()
        photo, note = _photo(config, submission)
        try:
            path = write_comment(config.content_dir, written, photo)
        except BadName as error:
            raise NotDone(f"not approved: {error}") from error
        except OSError as error:
            raise NotDone(f"not approved: could not write the comment file: {error}") from error
        try:
            queue.refile(submission.id, "pending", "approved")
        except Unwritable as error:
            # Why undo: a comment file without its queue move would be published while
            # the queue still offers it for approval or rejection.
            try:
                if before is None:
                    path.unlink()
                else:
                    path.write_bytes(before)  # the mention as it was published
            except OSError as undo:
                undone = (
                    "could not be removed" if before is None else "could not be put back as it was"
                )
                fix = "delete it" if before is None else "restore it from git"
                raise NotDone(
                    f"not approved: {error.detail}; and {path} {undone} "
                    f"({undo.strerror}): {fix} before the next build"
                ) from error
            raise NotDone(f"not approved: {error.detail}; nothing was changed") from error
        note += _committed(config, path, written, moderator)
        # Commenters' rights (after_approval.py): the author's standing, reply emails.
        after_approval(config, written)
        if earlier is not None:
            return f"approved, updated {path} (the same source's earlier mention){note}"
        return f"approved, wrote {path}{note}"

    return _each_pending(config, identifiers, act, parents_first)


def _committed(config: CommentsConfig, path: Path, submission: Submission, moderator: str) -> str:
    """With COMMENTS_GIT_COMMIT, commit the file: "" when done or off, else a note why not."""
    if not config.git_commit:
        return ""
    who = moderator or "the command line"
    message = (
        f"Approve comment {submission.id} by {_one_line(submission.author)} "
        f"on {submission.item}\n\nApproved by {who}."
    )
    problem = commit_comment(path, moderator, config.git_email, message)
    return f"; not committed ({problem}): commit it by hand" if problem else "; committed"


def _one_line(text: str) -> str:
    return shorten(" ".join(text.split()), 60)


def _photo(config: CommentsConfig, submission: Submission) -> tuple[str, str]:
    """(site path of the author's picture, a note for the moderator when there is none)."""
    if submission.source != "webmention" or not submission.photo_url:
        return "", ""
    try:
        return fetch_photo(submission.photo_url, config), ""
    except Refusal as refusal:
        # Why approve anyway: the page shows the author's initials instead.
        return "", f"; no picture, initials instead: {refusal.reason}"


def published_mention(config: CommentsConfig, submission: Submission) -> Path | None:
    """The published comment file of the same source on the same item (and comment), if any."""
    if submission.source != "webmention" or not submission.source_url:
        return None
    try:
        folder = comment_file(config.content_dir, submission.item, submission.id).parent
    except BadName:
        return None
    for path in sorted(folder.glob("c-*.md")):
        header = read_header(path)
        if (
            header.get("source") == "webmention"
            and same_url(header.get("source-url", ""), submission.source_url)
            and header.get("reply-to", "") == submission.reply_to
        ):
            return path
    return None


def _header_date(path: Path, submission: Submission) -> str:
    """The published file's date (an update keeps its place in the thread), as ISO 8601."""
    try:
        return datetime.fromisoformat(read_header(path).get("date", "")).isoformat()
    except ValueError:
        return submission.date


def parent_problem(config: CommentsConfig, queue: Queue, submission: Submission) -> str:
    """Why approving this reply now would stop the build ("" when it would not)."""
    parent = submission.reply_to
    if not parent:
        return ""
    item = submission.item
    if parent == submission.id:
        return "it answers itself; reject it"
    if _published(config, item, parent):
        return ""
    if queue.holds(parent, item, ("pending",)):
        return f"it answers {parent}, which is still waiting: approve {parent} first or with it"
    if queue.holds(parent, item, ("rejected",)):
        return f"it answers {parent}, which was rejected: reject this reply too"
    return (
        f"it answers {parent}, which is not a comment on {item} "
        f"(there is no content/comments/{item}/{parent}.md): reject it"
    )


def _published(config: CommentsConfig, item: str, identifier: str) -> bool:
    """Whether content/comments/<item>/<id>.md is there (not when it leads elsewhere)."""
    try:
        return comment_file(config.content_dir, item, identifier).is_file()
    except BadName:
        return False


def parents_first(submissions: list[Submission]) -> list[Submission]:
    """The same submissions, each reply after the comment it answers when both are here."""
    by_id = {submission.id: submission for submission in submissions}
    ordered: list[Submission] = []
    placed: set[str] = set()
    for submission in submissions:
        chain: list[Submission] = []
        current = by_id.get(submission.id)
        # Walk up to the first ancestor not placed yet (a loop stops where it closes).
        while current is not None and current.id not in placed:
            placed.add(current.id)
            chain.append(current)
            current = by_id.get(current.reply_to)
        ordered.extend(reversed(chain))
    return ordered


def reject(config: CommentsConfig, identifiers: list[str], reason: str) -> list[Outcome]:
    """Move each pending submission to rejected/, with the reason."""

    def act(queue: Queue, submission: Submission) -> str:
        submission.reason = reason or "rejected by a moderator"
        try:
            queue.move(submission, "pending", "rejected")
        except Unwritable as error:
            raise NotDone(f"not rejected: {error.detail}; nothing was changed") from error
        return f"rejected: {submission.reason}"

    return _each_pending(config, identifiers, act)


def reverify(config: CommentsConfig, site_url: str, item_urls: dict[str, str]) -> list[Outcome]:
    """Fetch every published Webmention's source again; delete those gone or unlinked.

    A source that answers 404 or 410, or no longer links to its item, is deleted
    (W3C Webmention 3.2.3) with a line in the moderation log saying why. One that
    cannot be read now (a network error, a timeout, 5xx) is kept and checked again
    at the next run.
    """
    outcomes = []
    for path in sorted(Path(config.content_dir, "comments").glob("*/*.md")):
        header = read_header(path)
        if header.get("source") == "fediverse":
            outcomes.append(_reverify_note(config, path, header))
            continue
        if header.get("source") != "webmention":
            continue
        item = path.parent.name
        target = site_url.rstrip("/") + item_urls.get(item, "")
        try:
            final_url, html = fetch(header.get("source-url", ""), config)
        except Gone as gone:
            reason = f"the source is gone ({gone.reason})"
        except Unreachable as unreachable:
            # A server that is down today may be back tomorrow: keep the mention.
            message = f"kept, could not check: {unreachable.reason}; checked again next time"
            outcomes.append(Outcome(path.stem, True, message))
            continue
        except Refusal as refusal:
            outcomes.append(Outcome(path.stem, True, f"kept, could not check: {refusal.reason}"))
            continue
        else:
            if links_to(html, final_url, target):
                outcomes.append(Outcome(path.stem, True, "still links here"))
                continue
            reason = "the source no longer links here"
        path.unlink()
        _log(config, f"deleted mention {path.stem} on {item}: {reason}")
        outcomes.append(Outcome(path.stem, False, f"deleted: {reason}"))
        _forget_photo(config, header.get("author-photo", ""))
    return outcomes


def _reverify_note(config: CommentsConfig, path: Path, header: dict[str, str]) -> Outcome:
    """Fetch a published fediverse reply's note again; delete the reply if the note is gone."""
    # Why here: comments.verify is the one command that removes what has vanished.
    try:
        reason = note_gone(header.get("source-url", ""), fetching_for(config))
    except Unreachable as unreachable:
        message = f"kept, could not check: {unreachable.reason}; checked again next time"
        return Outcome(path.stem, True, message)
    if not reason:
        return Outcome(path.stem, True, "the note is still there")
    path.unlink()
    _log(config, f"deleted fediverse reply {path.stem} on {path.parent.name}: {reason}")
    return Outcome(path.stem, False, f"deleted: {reason}")


def _forget_photo(config: CommentsConfig, photo: str) -> None:
    """Remove a deleted mention's picture unless another published comment shows it."""
    if not photo.startswith(f"/{FOLDER}/"):
        return
    for path in Path(config.content_dir, "comments").glob("*/*.md"):
        if read_header(path).get("author-photo", "") == photo:
            return
    (Path(config.content_dir) / photo.lstrip("/")).unlink(missing_ok=True)
