"""Build a copy of the minimal site with collected files in it: the build is the judge."""

from __future__ import annotations

from pathlib import Path

from socialhub.build import run_build
from socialhub.errors import ContentError

ROOT = Path(__file__).resolve().parents[2]


def build_warnings(content: Path, output: Path) -> list[str]:
    """Build ``content`` into ``output`` with the project's settings; the warnings it gave.

    A build that stops fails the test with the build's own lines.
    """
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / f".cache-{output.name}"),
    }
    try:
        report = run_build(ROOT / "pelicanconf.py", overrides)
    except ContentError as error:
        raise AssertionError(f"the build refused a collected file:\n{error}") from error
    return [str(warning) for warning in report.warnings]


def left_out(warnings: list[str], path: str) -> list[str]:
    """The warnings about the file at ``path`` (such as content/videos/x.md)."""
    return [warning for warning in warnings if warning.startswith(f"{path}:")]
