"""Group commit: concurrent queue writes of one process share their folders' fsyncs.

Each writer has already written and fsynced its file under a temporary name
(queue.py: the writers' own fsyncs run side by side, and the file system joins
them into one journal commit, where a committer would run them in turn);
commit() adds it to the next batch and waits. The first waiter finding no batch
in progress becomes the committer: it fsyncs the temporary folder once, renames
every file into place, fsyncs each target folder once, and only then wakes the
batch's writers. While it works, new writers gather into the following batch,
so under load one round of folder fsyncs serves many requests and nobody is
answered before their file and its name are on disk.

A failure anywhere in a batch fails the whole batch the same way: every file
of it (temporary or already renamed) is removed and every writer gets the same
OSError, so no one is told "saved" about a file whose durability is unknown.
(A writer whose own fsync fails never joins a batch: it alone is refused.)
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from socialhub.comments.disk import fsync_path, remove_quietly


@dataclass
class _Write:
    """One writer's file in a batch, and what became of it."""

    temporary: Path
    target: Path
    done: bool = False
    error: OSError | None = None


class GroupCommit:
    """The batches of one process (one per queue: threads share it, processes do not)."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._waiting: list[_Write] = []
        self._committing = False
        self.batches = 0  # committed or failed, for the tests and the curious
        self.largest = 0

    def commit(self, temporary: Path, target: Path) -> None:
        """Make ``temporary`` (written and fsynced) durable as ``target``; OSError if not."""
        mine = _Write(temporary, target)
        with self._changed:
            self._waiting.append(mine)
            while not mine.done:
                if self._committing:
                    self._changed.wait()
                    continue
                batch, self._waiting = self._waiting, []
                self._committing = True
                self._changed.release()
                try:
                    error = _commit(batch)
                finally:
                    # Why finally: even an unexpected exception must wake the others, or
                    # they would wait for a committer that is gone.
                    self._changed.acquire()
                    self._committing = False
                    self.batches += 1
                    self.largest = max(self.largest, len(batch))
                    for write in batch:
                        write.done = True
                        write.error = error
                    self._changed.notify_all()
        if mine.error is not None:
            # A copy per writer: the same exception raised in several threads at once
            # would share (and overwrite) one traceback.
            raise OSError(mine.error.errno, mine.error.strerror) from mine.error


def _commit(batch: list[_Write]) -> OSError | None:
    """Fsync the temporary folder, rename, fsync the target folders; on failure undo it all."""
    renamed: list[Path] = []
    try:
        # The files' entries in tmp/: one fsync for the whole batch.
        for folder in sorted({write.temporary.parent for write in batch}):
            fsync_path(folder)
        for write in batch:
            os.replace(write.temporary, write.target)
            renamed.append(write.target)
        for folder in sorted({write.target.parent for write in batch}):
            fsync_path(folder)
    except OSError as error:
        # Why remove the renamed ones too: a rename whose folder was not fsynced may
        # or may not survive a crash, and its writer is told "not saved".
        for write in batch:
            remove_quietly(write.temporary)
        for path in renamed:
            remove_quietly(path)
        return error
    return None
