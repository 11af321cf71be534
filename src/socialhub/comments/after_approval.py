"""What follows an approval: the author's standing, the authorship map, reply notifications.

moderation.approve calls after_approval for every comment it approved, from the
command line and from the moderation page alike. Nothing here can undo or break
the approval: a failing store or mail server is one line in the log.
"""

from __future__ import annotations

import logging
import sqlite3

from socialhub.comments.authorship import Authorship
from socialhub.comments.config import CommentsConfig
from socialhub.comments.links import UNSUBSCRIBE_PATH, comment_link, signed_link
from socialhub.comments.mailer import Mail, send
from socialhub.comments.manifest import Manifest
from socialhub.comments.queue import Submission
from socialhub.comments.secret import service_secret
from socialhub.comments.standing import Standing
from socialhub.comments.subscriptions import Subscription, Subscriptions

log = logging.getLogger("socialhub.comments.rights")


def email_hash_of(submission: Submission) -> str:
    """The keyed hash of the author's address the submission carries ("" for none)."""
    value = submission.extra.get("email_hash", "")
    return value if isinstance(value, str) else ""


def after_approval(config: CommentsConfig, submission: Submission) -> int:
    """Record the approval and email the subscribers it concerns; how many were emailed."""
    author = email_hash_of(submission)
    try:
        standing = Standing(config.state_dir / "standing.sqlite3")
        try:
            standing.record_approved(author)
        finally:
            standing.close()
        authorship = Authorship.of(config.state_dir)
        try:
            authorship.record(author, submission.item, submission.id)
        finally:
            authorship.close()
        return notify_subscribers(config, submission)
    except (OSError, sqlite3.Error, ValueError) as error:
        log.warning("after approving %s: %s", submission.id, error)
        return 0


def notify_subscribers(config: CommentsConfig, submission: Submission) -> int:
    """Email every confirmed subscriber this approved comment concerns, once each."""
    store = Subscriptions.of(config.state_dir)
    try:
        concerned = store.to_tell(submission.item, submission.reply_to)
    finally:
        store.close()
    author = email_hash_of(submission)
    told: set[str] = set()
    sent = 0
    secret = service_secret(config.state_dir) if concerned else b""
    manifest = Manifest(config.manifest_path)
    for subscription in concerned:
        # Never the reply's own author, never about one's own comment, one email per address.
        if (
            (author and subscription.email_hash == author)
            or subscription.comment_id == submission.id
            or subscription.email_hash in told
        ):
            continue
        told.add(subscription.email_hash)
        mail = reply_mail(config, manifest, secret, subscription, submission)
        if send(config, mail):
            sent += 1
            log.info("told subscriber %s about %s", subscription.id, submission.id)
    return sent


def reply_mail(
    config: CommentsConfig,
    manifest: Manifest,
    secret: bytes,
    subscription: Subscription,
    submission: Submission,
) -> Mail:
    """The notification: who wrote, their text (plain), the link, and how to stop."""
    target = manifest.item(submission.item)
    title = target.title if target is not None else submission.item
    unsubscribe = signed_link(
        config,
        secret,
        "unsubscribe",
        UNSUBSCRIBE_PATH,
        record=subscription.id,
        nonce=subscription.unsubscribe_nonce,
    )
    if subscription.scope == "replies" and submission.reply_to == subscription.comment_id:
        subject = f"{submission.author} replied to your comment on “{title}”"
        opening = f"{submission.author} replied to your comment on “{title}”:"
    else:
        subject = f"New comment by {submission.author} on “{title}”"
        opening = f"{submission.author} commented on “{title}”:"
    link = comment_link(config, manifest, submission.item, submission.id)
    text = (
        f"{opening}\n\n{_quoted(submission.body)}\n\n"
        f"Read it on the page (it appears after the site's next publish):\n{link}\n\n"
        "-- \n"
        "You get this email because you asked for it when you commented.\n"
        f"Stop these emails with one click: {unsubscribe}\n"
    )
    return Mail(subscription.email, subject, text, unsubscribe_url=unsubscribe)


def _quoted(body: str) -> str:
    """The comment's text as written (Markdown is plain text), quoted line by line."""
    return "\n".join(f"> {line}".rstrip() for line in body.strip().splitlines())
