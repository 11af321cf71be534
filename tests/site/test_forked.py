"""The feeds are written by a forked process: its result, warnings and failures come back."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from socialhub.forked import Forked, ForkedPartError

ROOT = Path(__file__).resolve().parents[2]


def _answer() -> tuple[int, int]:
    logging.getLogger("hub.test").warning("a warning from the child")
    return (3, 4)


def _broken() -> None:
    raise ValueError("a template is missing")


def test_the_result_and_the_warnings_reach_the_parent(caplog: pytest.LogCaptureFixture) -> None:
    """wait() gives the child's return value and logs its warnings in the parent, once."""
    with caplog.at_level(logging.WARNING):
        assert Forked(_answer).wait() == (3, 4)
    assert [r.getMessage() for r in caplog.records] == ["a warning from the child"]


def test_a_failure_in_the_child_fails_the_build_with_its_message() -> None:
    """The child's exception becomes ForkedPartError naming the error."""
    with pytest.raises(ForkedPartError, match="ValueError: a template is missing") as failed:
        Forked(_broken).wait()
    assert "_broken" in failed.value.where  # the traceback, for HUB_DEBUG


def test_a_build_with_a_broken_feeds_template_fails(
    minimal_copy: Path, build: Callable[..., Path], tmp_path: Path
) -> None:
    """A theme whose feeds page does not render stops the build with why; nothing hangs."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "feeds.html").write_text("{% extends 'nowhere.html' %}", "utf-8")
    with pytest.raises(ForkedPartError, match=r"nowhere\.html"):
        build(minimal_copy, THEME=str(theme))
