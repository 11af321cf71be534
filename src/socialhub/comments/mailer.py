"""Emails to commenters: plain text, proper headers, and a failure that never breaks anything.

Reuses the maintainer's SMTP settings (COMMENTS_SMTP_HOST, _PORT, _FROM). Every
message carries Date, Message-ID and ``Auto-Submitted: auto-generated`` (RFC 3834,
so that autoresponders do not answer it); a message a reader can stop carries
List-Unsubscribe and List-Unsubscribe-Post (RFC 8058, one click).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from socialhub.comments.config import CommentsConfig

log = logging.getLogger("socialhub.comments.mail")


@dataclass(frozen=True)
class Mail:
    """One message to one reader."""

    to: str
    subject: str
    text: str
    unsubscribe_url: str = ""  # a one-click unsubscribe link (POST), when there is one


def can_send(config: CommentsConfig) -> bool:
    """Whether email is configured at all (COMMENTS_SMTP_HOST)."""
    return bool(config.smtp_host)


def sender(config: CommentsConfig) -> str:
    """The From address: COMMENTS_SMTP_FROM, else a no-reply address at the SMTP host."""
    return config.smtp_from or f"hub-comments@{config.smtp_host}"


def build_message(config: CommentsConfig, mail: Mail) -> EmailMessage:
    """The message as sent: headers and a plain text body."""
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = mail.to
    # Why strip line breaks: a subject is one header line, whatever a comment holds.
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = sender(config).rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    return message


def plausible_recipient(address: str) -> bool:
    """Whether ``address`` can go in a To header as one address (already validated)."""
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError):
        return False
    return True


def send(config: CommentsConfig, mail: Mail) -> bool:
    """Send one message; a failure is one line in the log and False, never an exception."""
    if not can_send(config):
        log.info("no email sent (COMMENTS_SMTP_HOST is empty): %s", mail.subject)
        return False
    if not plausible_recipient(mail.to):
        log.warning("no email sent: the recipient is not one address")
        return False
    try:
        message = build_message(config, mail)
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        # Why not the address: the log is read by more people than the subscriber store.
        log.warning("could not send %r: %s", mail.subject, error)
        return False
    return True
