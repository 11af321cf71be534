"""The systemd timer in deploy/ runs a command that exists, with options it takes."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def unit(name: str) -> configparser.ConfigParser:
    """A systemd unit file read as sections of keys."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "deploy" / name, encoding="utf-8")
    return parser


def test_the_timer_retries_only_with_a_command_invoke_knows():
    """ExecStart is `invoke fediverse.deliver --retry-only --settings publishconf.py`."""
    service = unit("hub-fediverse.service")
    command = shlex.split(service["Service"]["ExecStart"])
    assert command[0].endswith("/.venv/bin/invoke")
    assert command[1:] == ["fediverse.deliver", "--retry-only", "--settings", "publishconf.py"]
    assert "OnCalendar" in unit("hub-fediverse.timer")["Timer"]
    shown = subprocess.run(
        [sys.executable, "-m", "invoke", "--help", "fediverse.deliver"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "--retry-only" in shown and "--settings" in shown


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_reads_the_timer_and_its_service():
    """systemd-analyze finds no error but the checkout's path, which only exists on the host."""
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(ROOT / "deploy" / "hub-fediverse.timer")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    problems = [
        line
        for line in (checked.stdout + checked.stderr).splitlines()
        if line.strip() and "/srv/hub/" not in line
    ]
    assert problems == []
