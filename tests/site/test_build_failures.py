"""Builds that go wrong in other ways than bad content: a clear line, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parents[2]


def test_an_empty_content_folder_builds_a_valid_empty_site(
    tmp_path: Path, build: Callable[..., Path]
) -> None:
    """No items at all: the hub, the feeds and the blogroll are still written and valid."""
    content = tmp_path / "content"
    content.mkdir()
    output = build(content)
    assert (output / "hub" / "index.html").is_file()
    parsed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert not parsed.bozo and parsed.entries == []
    assert (output / "bloggers.opml").is_file()


def test_a_broken_template_is_one_line_not_a_traceback(minimal_copy: Path, tmp_path: Path) -> None:
    """A mistake in the theme names itself; the command exits 1 without a traceback."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "404.html").write_text("{% block content %}{% if %}", "utf-8")
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(theme)!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "build",
            "--settings",
            str(settings),
            "--content",
            str(minimal_copy),
            "--output",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "The build failed: TemplateSyntaxError" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_plugin_stops_the_build(minimal_copy: Path, tmp_path: Path) -> None:
    """Pelican only warns about a plugin it cannot find; our build refuses and says which."""
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(tmp_path)!r}]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "build",
            "--settings",
            str(settings),
            "--content",
            str(minimal_copy),
            "--output",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "The build failed: ConfigError: plugins not found: hub_items, hub," in result.stderr
    assert "Traceback" not in result.stderr
