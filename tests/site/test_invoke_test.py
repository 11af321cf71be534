"""`invoke test` in an environment without the test extra: what to install, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Why in-process: a second virtual environment without the extra takes minutes to make;
# a None in sys.modules makes an import fail, and find_spec report the module missing,
# just as in an environment where it was never installed. Why --version: should the
# check ever fail, the real pytest of a subprocess prints its version, not the suite.
WITHOUT_EXTRA = (
    "import sys; sys.modules.update(pytest=None, playwright=None); "
    "sys.argv = ['invoke', 'test', '--args=--version']; "
    "from invoke.main import program; program.run()"
)


def test_invoke_test_without_the_extra_says_what_to_install() -> None:
    """One line naming the missing modules and the pip command; exit 1; pytest never started."""
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRA],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("The tests need the test extra (pytest, playwright not installed): ")
    assert line.endswith(" -m pip install -e '.[test]'") or line.endswith(
        ".venv/bin/pip install -e '.[test]'"
    )
    assert "Traceback" not in result.stderr and "No module named" not in result.stderr
