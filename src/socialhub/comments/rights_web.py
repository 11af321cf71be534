"""Commenters' rights in the service: the email at submission, trust and bans, and the
pages for confirming, unsubscribing and asking for deletion (app.py routes to them)."""

from __future__ import annotations

import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor

from werkzeug.wrappers import Request, Response

from socialhub.comments import deletion
from socialhub.comments.checks import Refusal, Unavailable
from socialhub.comments.config import CommentsConfig
from socialhub.comments.contact import Contact, check_email
from socialhub.comments.disk import FOR_PEOPLE, RETRY_AFTER
from socialhub.comments.guard import allowed_origins, origin_of
from socialhub.comments.identity import client_hash, email_hash
from socialhub.comments.links import (
    CONFIRM_PATH,
    DELETE_PATH,
    DELETE_REQUEST_PATH,
    UNSUBSCRIBE_PATH,
    privacy_link,
    signed_link,
)
from socialhub.comments.mailer import Mail, send
from socialhub.comments.manifest import Manifest
from socialhub.comments.queue import Queue, Submission
from socialhub.comments.ratelimit import RateLimit
from socialhub.comments.rights_pages import button_form, email_form, page
from socialhub.comments.secret import service_secret
from socialhub.comments.standing import Standing
from socialhub.comments.subscriptions import Subscriptions
from socialhub.comments.tokens import BadLink, read_token

log = logging.getLogger("socialhub.comments.rights")

USED = "This link was already used, or what it confirms is gone. Nothing was changed."
SAME_ANSWER = (
    "If comments were sent here with this address, we have emailed it a link to confirm "
    "the deletion. The link works for {days} days. No email means no comment of ours "
    "carries that address."
)


class Rights:
    """One per worker: the stores and a mail thread, shared by the endpoints."""

    def __init__(
        self, config: CommentsConfig, queue: Queue, manifest: Manifest, limiter: RateLimit
    ) -> None:
        self.config = config
        self.queue = queue
        self.manifest = manifest
        self.limiter = limiter
        self.standing = Standing(config.state_dir / "standing.sqlite3")
        self.subscriptions = Subscriptions.of(config.state_dir)
        # Why a thread: an answer must not wait on SMTP, and the "delete my comments"
        # form must take as long for an unknown address as for a known one.
        self.mail = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rights-mail")

    def secret(self) -> bytes:
        """The service's secret (made on first use); 503 when the state folder fails."""
        try:
            return service_secret(self.config.state_dir)
        except (OSError, ValueError) as error:
            log.error("state folder %s: %s", self.config.state_dir, error)
            raise Unavailable(FOR_PEOPLE, RETRY_AFTER) from error

    # --- at submission ------------------------------------------------------------

    def identify(self, submission: Submission, contact: Contact) -> None:
        """Put the keyed hash of the author's address into the queue file (never the address)."""
        if contact.email:
            submission.extra["email_hash"] = email_hash(self.secret(), contact.email)

    def folder_for(self, submission: Submission) -> str:
        """Where a new comment goes: rejected/ when its author is banned, else pending/."""
        secret = self.secret()
        try:
            why = self.standing.banned(
                email_hash=str(submission.extra.get("email_hash", "")),
                client_hash=client_hash(secret, submission.client),
                author=submission.author,
            )
        except sqlite3.Error as error:
            # Why queue it anyway: a moderator still reads every pending comment.
            log.error("could not read the bans: %s; %s waits for moderation", error, submission.id)
            return "pending"
        if why:
            # Why not say so: a banned author told of it simply changes address.
            submission.reason = "banned"
            log.info("comment %s filed as rejected: banned (%s)", submission.id, why)
            return "rejected"
        return "pending"

    def may_skip_queue(self, submission: Submission) -> bool:
        """Whether a queued comment is approved at once (COMMENTS_TRUST); never spam."""
        spam = submission.extra.get("spam")
        if isinstance(spam, dict) and spam.get("likely"):
            return False
        address = str(submission.extra.get("email_hash", ""))
        try:
            return self.standing.may_skip_queue(address, self.config.trust)
        except sqlite3.Error as error:
            log.error("could not read who is trusted: %s", error)
            return False

    def after_queued(self, submission: Submission, contact: Contact) -> None:
        """A subscription and its confirmation email, when the author asked for one."""
        if not (contact.email and contact.notify):
            return
        try:
            subscription = self.subscriptions.add(
                contact.email,
                str(submission.extra.get("email_hash", "")),
                submission.item,
                submission.id,
                contact.notify,
            )
        except sqlite3.Error as error:
            # Why not refuse: the comment is already queued; only the emails are lost.
            log.error("could not store the subscription for %s: %s", submission.id, error)
            return
        link = signed_link(
            self.config,
            self.secret(),
            "confirm",
            CONFIRM_PATH,
            record=subscription.id,
            nonce=subscription.confirm_nonce,
        )
        target = self.manifest.item(submission.item)
        title = target.title if target is not None else submission.item
        what = (
            "someone replies to your comment" if contact.notify == "replies" else "someone comments"
        )
        text = (
            f"You asked to be emailed when {what} on “{title}”.\n\n"
            f"Confirm it here (the page asks you to press a button):\n{link}\n\n"
            "If it was not you, ignore this email: nothing will be sent to you, and the "
            f"address is deleted within {self.config.confirm_days} days.\n\n"
            f"What we keep and for how long: {privacy_link(self.config, self.manifest)}\n"
        )
        mail = Mail(contact.email, f"Confirm: emails about comments on “{title}”", text)
        self.mail.submit(send, self.config, mail)

    # --- pages ---------------------------------------------------------------------

    def _token(self, request: Request) -> str:
        return str(request.values.get("t", "")).strip()

    def on_confirm(self, request: Request) -> Response:
        """GET: a page with a button; POST: the subscription is confirmed."""
        try:
            record, nonce = read_token(
                self.secret(), "confirm", self._token(request), self.config.confirm_days
            )
        except BadLink as bad:
            return page("This link does not work", [str(bad)], 400)
        subscription = self.subscriptions.get(record)
        if subscription is None or subscription.confirm_nonce != nonce:
            return page("This link does not work", [USED], 410)
        if request.method == "GET":
            return page(
                "Confirm the emails",
                [
                    "Press the button to be emailed about new comments. Each email has a "
                    "link to stop them."
                ],
                extra_html=button_form(CONFIRM_PATH, self._token(request), "Yes, email me"),
            )
        if not self.subscriptions.confirm(record, nonce):
            return page("This link does not work", [USED], 410)
        log.info("subscription %s confirmed", record)
        return page(
            "Confirmed",
            [
                "Thank you: we will email you when a new comment is published. Every "
                "email has a link to stop them."
            ],
        )

    def on_unsubscribe(self, request: Request) -> Response:
        """GET: a page with a button; POST (also RFC 8058's one-click): unsubscribed."""
        token = self._token(request)
        try:
            record, nonce = read_token(self.secret(), "unsubscribe", token, None)
        except BadLink as bad:
            return page("This link does not work", [str(bad)], 400)
        if request.method == "GET":
            action = f"{UNSUBSCRIBE_PATH}?{request.query_string.decode('ascii', 'replace')}"
            return page(
                "Stop the emails",
                ["Press the button and we stop emailing you about these comments."],
                extra_html=button_form(action, token, "Unsubscribe"),
            )
        if self.subscriptions.remove(record, nonce):
            log.info("subscription %s removed", record)
        # Why the same page when there was nothing to remove: unsubscribing twice is
        # not an error (mail clients retry the one-click POST).
        return page("Unsubscribed", ["You will get no more of these emails."])

    def check_own_origin(self, request: Request) -> None:
        """Refuse a deletion form sent from any page but ours (the site's or the service's)."""
        allowed = allowed_origins(self.config) | {self.config.service_url.rstrip("/")}
        if origin_of(request.headers) not in allowed:
            raise Refusal("This form can only be sent from our own pages.", 403)

    def on_delete_request(self, request: Request, client: str) -> Response:
        """GET: the form; POST: the same answer for every address, an email only to a known one."""
        form_page = email_form(DELETE_REQUEST_PATH, privacy_link(self.config, self.manifest))
        if request.method == "GET":
            return page(
                "Delete my comments",
                [
                    "Give the email address you wrote with your comments. We email it a "
                    "link; once you confirm, the moderators delete every comment sent with "
                    "it, and we stop any email to it."
                ],
                extra_html=form_page,
            )
        self.check_own_origin(request)
        address = check_email(" ".join(str(request.form.get("email", "")).split()), self.config)
        if not self.limiter.take(f"delete-request {client}"):
            raise Refusal("Too many requests from this address; please wait a minute.", 429)
        self.mail.submit(self._send_deletion_link, address)
        return page("Check your email", [SAME_ANSWER.format(days=self.config.confirm_days)])

    def _send_deletion_link(self, address: str) -> None:
        """In the mail thread: open a request and email its link when the address has comments."""
        try:
            request = deletion.open_request(self.config, email_hash(self.secret(), address))
        except (OSError, ValueError) as error:
            log.warning("could not open a deletion request: %s", error)
            return
        if request is None:
            return
        link = signed_link(
            self.config,
            self.secret(),
            "delete",
            DELETE_PATH,
            record=request.id,
            nonce=request.nonce,
        )
        published = sum(1 for found in request.comments if found.published)
        text = (
            "Someone, probably you, asked to delete the comments sent with this address "
            f"({len(request.comments)}: {published} published, "
            f"{len(request.comments) - published} waiting for moderation).\n\n"
            f"Confirm it here (the page asks you to press a button):\n{link}\n\n"
            f"The link works for {self.config.confirm_days} days. If it was not you, "
            "ignore this email: nothing is deleted.\n"
        )
        send(self.config, Mail(address, "Confirm: delete my comments", text))

    def on_delete(self, request: Request) -> Response:
        """GET: a page with a button; POST: the deletion waits for the moderators."""
        try:
            record, nonce = read_token(
                self.secret(), "delete", self._token(request), self.config.confirm_days
            )
        except BadLink as bad:
            return page("This link does not work", [str(bad)], 400)
        found = deletion.load(self.config, record)
        if found is None or not found.nonce or found.nonce != nonce:
            return page("This link does not work", [USED], 410)
        if request.method == "GET":
            return page(
                "Delete my comments",
                [
                    f"Press the button to have the {len(found.comments)} comments sent with "
                    "your address deleted. The moderators carry it out; published comments "
                    "disappear from the site at its next publish."
                ],
                extra_html=button_form(DELETE_PATH, self._token(request), "Delete my comments"),
            )
        if deletion.confirm(self.config, record, nonce) is None:
            return page("This link does not work", [USED], 410)
        log.info("deletion request %s confirmed", record)
        return page(
            "Your request is with the moderators",
            [
                "They will delete your comments; published ones disappear from the site "
                "at its next publish. We will not email you again."
            ],
        )

    def close(self) -> None:
        """Finish the emails under way, close the stores."""
        self.mail.shutdown(wait=True)
        self.standing.close()
        self.subscriptions.close()
