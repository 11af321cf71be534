"""An optional email to the maintainer for each new submission (off unless SMTP is set)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from socialhub.comments.config import CommentsConfig
from socialhub.comments.queue import Submission

log = logging.getLogger("socialhub.comments")


def notify_maintainer(config: CommentsConfig, submission: Submission) -> bool:
    """Send the email; a failure is logged and never loses or refuses the comment."""
    if not (config.smtp_host and config.smtp_to):
        return False
    message = EmailMessage()
    kind = "Webmention" if submission.source == "webmention" else "comment"
    message["Subject"] = f"New {kind} on {submission.item} from {submission.author}"
    message["From"] = config.smtp_from or f"hub-comments@{config.smtp_host}"
    message["To"] = config.smtp_to
    message.set_content(
        f"{submission.author} wrote on {submission.item}:\n\n{submission.body}\n\n"
        f"Moderate it: invoke comments.show {submission.id}\n"
        f"             invoke comments.approve {submission.id}\n"
    )
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("could not email the maintainer about %s: %s", submission.id, error)
        return False
    return True
