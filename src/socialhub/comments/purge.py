"""`invoke comments.purge`: remove what the privacy page says is kept no longer.

- rejected submissions (with the client address and email hash they carry) after
  COMMENTS_KEEP_REJECTED_DAYS, counted from when they were rejected;
- the queue's copy of approved ones after COMMENTS_KEEP_APPROVED_DAYS (the comment
  file in content/ stays: it is the published comment);
- unconfirmed subscriptions and deletion requests after COMMENTS_CONFIRM_DAYS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from socialhub.comments import deletion
from socialhub.comments.config import CommentsConfig
from socialhub.comments.subscriptions import Subscriptions

DAY = 86400


@dataclass(frozen=True)
class Purged:
    """How many of each kind were removed."""

    rejected: int
    approved: int
    subscriptions: int
    deletion_requests: int

    def summary(self) -> str:
        """One line for the maintainer."""
        return (
            f"Purged {self.rejected} rejected and {self.approved} approved queue files, "
            f"{self.subscriptions} unconfirmed subscriptions, "
            f"{self.deletion_requests} unconfirmed deletion requests."
        )


def _old_files(folder: Path, older_than: float) -> int:
    """Remove the queue files of a folder last written before ``older_than``."""
    removed = 0
    for path in folder.glob("c-*.json"):
        try:
            if path.stat().st_mtime < older_than:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # removed meanwhile
    return removed


def purge(config: CommentsConfig, now: float | None = None) -> Purged:
    """Remove everything older than its retention setting says."""
    now = time.time() if now is None else now
    queue = Path(config.queue_dir)
    rejected = _old_files(queue / "rejected", now - config.keep_rejected_days * DAY)
    approved = _old_files(queue / "approved", now - config.keep_approved_days * DAY)
    unconfirmed = now - config.confirm_days * DAY
    store = Subscriptions.of(config.state_dir)
    try:
        subscriptions = store.purge_unconfirmed(unconfirmed)
    finally:
        store.close()
    requests = deletion.purge_unconfirmed(config, unconfirmed)
    return Purged(rejected, approved, subscriptions, requests)
