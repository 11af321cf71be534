"""The README's commands work as written, and its list of tasks is the command line's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ACTIVATE = Path(sys.executable).parent / "activate"


def _in_active_venv(command: str) -> subprocess.CompletedProcess:
    """Run ``command`` in bash after `. .venv/bin/activate`, as the README says to."""
    return subprocess.run(
        ["bash", "-c", f". {ACTIVATE} && {command}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.skipif(not ACTIVATE.is_file(), reason="not run from a virtual env")
def test_invoke_list_in_the_active_venv_shows_the_readme_s_tasks() -> None:
    """`invoke --list` works after activating, and lists exactly the tasks the README names."""
    text = README.read_text(encoding="utf-8")
    assert ". .venv/bin/activate" in text
    paragraph = text.split("`invoke --list` shows every task:", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"`([a-z]+(?:\.[a-z-]+)?)`", paragraph))
    result = _in_active_venv("invoke --list")
    assert result.returncode == 0, result.stderr
    listed = set(re.findall(r"^  ([a-z][\w.-]*)", result.stdout, flags=re.MULTILINE))
    assert documented == listed


@pytest.mark.skipif(not ACTIVATE.is_file(), reason="not run from a virtual env")
def test_pelican_is_on_the_path_of_the_active_venv() -> None:
    """`pelican --version` after activating: the README's `pelican content` can run."""
    result = _in_active_venv("pelican --version")
    assert result.returncode == 0, result.stderr
