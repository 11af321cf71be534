"""The one definition of a comment file in content/comments/<item>/<id>.md."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from socialhub.comments.disk import remove_quietly
from socialhub.comments.names import comment_id, inside, item_slug
from socialhub.comments.queue import Submission


def _one_line(text: str) -> str:
    """A header value on one line: a newline in a name must not start a new field."""
    return " ".join(text.split())


def comment_text(submission: Submission, author_photo: str = "") -> str:
    """The Markdown file of an approved comment: header, empty line, the body as sent.

    ``author_photo`` is the site path of a mention author's picture (photos.py).
    """
    date = datetime.fromisoformat(submission.date)
    lines = [f"Author: {_one_line(submission.author)}"]
    if submission.website:
        lines.append(f"Website: {_one_line(submission.website)}")
    lines.append(f"Date: {date:%Y-%m-%d %H:%M}")
    if submission.reply_to:
        lines.append(f"Reply-To: {_one_line(submission.reply_to)}")
    lines.append(f"Source: {submission.source}")
    if submission.source_url:
        lines.append(f"Source-URL: {_one_line(submission.source_url)}")
    if submission.source == "webmention" and submission.mention_type not in ("", "mention"):
        lines.append(f"Mention-Type: {_one_line(submission.mention_type)}")
    if author_photo:
        lines.append(f"Author-Photo: {_one_line(author_photo)}")
    if submission.extra.get("staff") is True:
        lines.append("Staff: yes")  # written by a moderator for the company: shown with a badge
    body = submission.body.replace("\r\n", "\n").strip() or "(no text)"
    return "\n".join(lines) + "\n\n" + body + "\n"


def comment_file(content_dir: Path, item: str, identifier: str) -> Path:
    """content/comments/<item>/<id>.md, refused (BadName) for a name that would lead elsewhere."""
    item_slug(item)
    comment_id(identifier)
    return inside(Path(content_dir) / "comments", item, f"{identifier}.md")


def comment_path(content_dir: Path, submission: Submission) -> Path:
    """Where an approved comment lives."""
    return comment_file(content_dir, submission.item, submission.id)


def write_comment(content_dir: Path, submission: Submission, author_photo: str = "") -> Path:
    """Write the comment file atomically and durably; on a failure, leave nothing behind."""
    path = comment_path(content_dir, submission)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(comment_text(submission, author_photo))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        remove_quietly(temporary)  # a full disk must not keep a hidden half file in content/
        raise
    return path
