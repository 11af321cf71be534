"""The audit log: one JSON line per moderation action in ``<state>/audit.jsonl``."""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

AUDIT_FILE = "audit.jsonl"
log = logging.getLogger("socialhub.comments.audit")


class Audit:
    """Who did what to which comments, and from which (hashed) client."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / AUDIT_FILE

    def record(
        self, moderator: str, action: str, ids: list[str], client: str, result: str = ""
    ) -> None:
        """Append one entry (one write of one line: workers appending together do not mix)."""
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "moderator": moderator,
            "action": action,
            "ids": ids,
            "client": client,
            "result": result,
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, line)
            finally:
                os.close(descriptor)
        except OSError as error:
            log.error("could not add to the audit log %s: %s (%s)", self.path, error, entry)

    def latest(self, count: int = 200) -> list[dict[str, Any]]:
        """The last ``count`` entries, newest first (a broken line is skipped)."""
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                lines = deque(handle, maxlen=count)
        except FileNotFoundError:
            return []
        entries = []
        for line in reversed(lines):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                entries.append(entry)
        return entries
