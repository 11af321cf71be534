"""Run one part of a build in a forked process beside the rest, and get back what it did.

The model is complete and frozen before any page is written, so the pages of
one plugin (the feeds: two thirds of a rebuild's bookkeeping) can be planned and
written by a child process while the parent writes the others: with two cores,
a rebuild takes the longer of the two instead of their sum. The child sends
back its result, its warnings (logged again in the parent, so the build's
summary shows them) and, when it fails, the error as text.
"""

from __future__ import annotations

import logging
import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)


class ForkedPartError(RuntimeError):
    """The forked part of the build raised; the message is its error, ``where`` its traceback."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _child(work: Callable[[], Any], sender: Connection) -> None:
    collect = _Collect()
    # Only collected: the parent logs them again, once, through its own handlers.
    logging.getLogger().handlers = [collect]
    try:
        result = work()
    except BaseException as error:  # why broad: the parent must hear of any failure
        failure = (f"{type(error).__name__}: {error}", traceback.format_exc())
        sender.send(("failed", failure, collect.records))
    else:
        sender.send(("done", result, collect.records))
    finally:
        sender.close()


class Forked:
    """A function running in a forked child; ``wait()`` gives its result."""

    def __init__(self, work: Callable[[], Any]) -> None:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        self._receiver = receiver
        # Not a daemon: the child may start its own pool of workers.
        self._process = context.Process(target=_child, args=(work, sender), daemon=False)
        self._process.start()
        sender.close()

    def wait(self) -> Any:
        """The child's result; its warnings are logged here; ForkedPartError if it failed."""
        try:
            status, value, records = self._receiver.recv()
        except EOFError:
            self._process.join()
            raise ForkedPartError(f"it ended with exit code {self._process.exitcode}") from None
        finally:
            self._receiver.close()
        self._process.join()
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        if status == "failed":
            message, where = value
            log.debug("the forked part of the build failed:\n%s", where)
            raise ForkedPartError(message, where)
        return value
