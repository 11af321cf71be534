"""What a broken disk means: a sentence for readers, a line for the operator, a 503.

A full disk, one out of inodes, a read-only remount or a quota is not the
reader's fault and not a bug: the service answers 503 with Retry-After and says
so, /health fails with the reason, and the moderation commands name it.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from socialhub.comments.checks import Unavailable

# Said to readers; the operator's details (paths, errno) go to the log and /health.
FOR_PEOPLE = (
    "We cannot store comments right now because of a problem on our server, "
    "so your comment was not saved. Please try again in a few minutes."
)
RETRY_AFTER = 120  # seconds: a disk is freed or remounted by a person, not in an instant


class Unwritable(Unavailable):
    """The queue cannot be written; ``detail`` says why, for the operator."""

    def __init__(self, detail: str) -> None:
        super().__init__(FOR_PEOPLE, RETRY_AFTER)
        self.detail = detail


def trouble(error: OSError, folder: Path) -> str:
    """What is wrong with the disk under ``folder``, in a few words (no path)."""
    code = error.errno
    if code == errno.ENOSPC:
        state = "out of inodes (no new file can be made)" if _no_inodes(folder) else "full"
    elif code == errno.EDQUOT:
        state = "over its disk quota"
    elif code == errno.EROFS:
        state = "on a read-only file system"
    elif code in (errno.EACCES, errno.EPERM):
        state = "not writable by this user"
    elif code == errno.ENOENT:
        state = "missing a folder or file"
    else:
        state = "failing"
    return f"the queue is {state} ({error.strerror or error})"


def _no_inodes(folder: Path) -> bool:
    """Whether ENOSPC came from the inodes rather than the space (both give the same errno)."""
    for candidate in (folder, *folder.parents):
        try:
            status = os.statvfs(candidate)
        except OSError:
            continue
        return status.f_files > 0 and status.f_favail == 0
    return False


def remove_quietly(path: Path) -> None:
    """Remove what a failed write left; a disk that refuses even that is already reported."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    """Fsync a file or a folder by its path (a folder: the names in it, e.g. a rename)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
