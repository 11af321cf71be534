"""Commit an approved comment file in the checkout, named after the moderator who approved it."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

log = logging.getLogger("socialhub.comments.git")
GIT_TIMEOUT = 60.0


def commit_comment(path: Path, moderator: str, email: str, message: str) -> str:
    """``git add`` and ``git commit`` one file; "" when done, else why not (the file stays)."""
    folder = str(path.parent)
    name = moderator or "comment moderation"
    identity = ["-c", f"user.name={name}", "-c", f"user.email={email}"]
    steps = (
        ("add", ["git", "-C", folder, "add", "--", path.name]),
        (
            "commit",
            ["git", "-C", folder, *identity, "commit", "-q", "-m", message, "--", path.name],
        ),
    )
    for label, step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            problem = f"git could not run: {error}"
            log.error("not committed %s: %s", path, problem)
            return problem
        if done.returncode != 0:
            said = " ".join((done.stderr or done.stdout).split())[:300]
            problem = f"git {label} failed: {said}"
            log.error("not committed %s: %s", path, problem)
            return problem
    return ""
