"""The comment form's optional email field and its notification choice, checked.

The address is never published and never written into the queue: the queue file
gets its keyed hash (extra["email_hash"]), and only a reader who asks for
notifications has it kept, in the subscription store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig

# The form's "notify" values: nothing, replies to my comment, every new comment here.
NOTIFY_CHOICES = {"": "", "no": "", "replies": "replies", "item": "item"}


@dataclass(frozen=True)
class Contact:
    """A commenter's address (or "") and what they want to be emailed about (or "")."""

    email: str
    notify: str


def check_email(address: str, config: CommentsConfig) -> str:
    """A plausible address, as it will be used; Refusal naming the field otherwise."""
    if len(address) > config.max_email_chars:
        raise Refusal(
            f"Your email address is too long (at most {config.max_email_chars} characters)."
        )
    try:
        # Why no DNS look-up: a submission must not wait on a resolver; a wrong domain
        # only means the confirmation email never arrives.
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise Refusal(
            f"Your email address does not look right ({error}) Fix it, or leave the field "
            "empty: it is optional."
        ) from None
    return str(checked.normalized)


def check_contact(form: Mapping[str, str], config: CommentsConfig) -> Contact:
    """The email field and the notification choice of a comment; Refusal when wrong."""
    raw = " ".join(str(form.get("email", "")).split())
    choice = str(form.get("notify", "")).strip().lower()
    if choice not in NOTIFY_CHOICES:
        raise Refusal(
            "The notification choice must be one of: none, replies to your comment, "
            "every new comment on the page."
        )
    notify = NOTIFY_CHOICES[choice]
    if not raw:
        if notify:
            raise Refusal(
                "To be emailed when someone replies, give your email address in the Email "
                "field (it is never published)."
            )
        return Contact("", "")
    return Contact(check_email(raw, config), notify)
