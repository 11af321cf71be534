"""Builds that go wrong in other ways than bad content: a clear line, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from socialhub.build import load_settings
from socialhub.errors import SettingsError
from socialhub.settings_check import check_settings

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "data" / "sites" / "minimal" / "content"


def test_an_empty_content_folder_builds_a_valid_empty_site(
    tmp_path: Path, build: Callable[..., Path]
) -> None:
    """No items at all: the hub, the feeds and the blogroll are still written and valid."""
    content = tmp_path / "content"
    (content / "images" / "brand").mkdir(parents=True)  # the logo is a setting, not an item
    shutil.copy(MINIMAL / "images" / "brand" / "logo.png", content / "images" / "brand")
    output = build(content)
    assert (output / "hub" / "index.html").is_file()
    parsed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert not parsed.bozo and parsed.entries == []
    assert (output / "bloggers.opml").is_file()


def _invoke_build(content: Path, tmp_path: Path, extra: str = "") -> subprocess.CompletedProcess:
    """`invoke build` of ``content`` with the project's settings and ``extra`` lines after them."""
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n{extra}",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "invoke", "build", "--settings", str(settings)]
    command += ["--content", str(content), "--output", str(tmp_path / "out")]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def _theme_copy(tmp_path: Path) -> Path:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    return theme


def test_a_template_syntax_error_names_the_file_and_line(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """A Jinja2 syntax error: the template's file and line in one line; exit 1, no traceback."""
    theme = _theme_copy(tmp_path)
    (theme / "templates" / "404.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n", "utf-8"
    )
    result = _invoke_build(minimal_copy, tmp_path, f"THEME = {str(theme)!r}\n")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{theme}/templates/404.html: line 3: TemplateSyntaxError: Expected an expression,"
        " got 'end of statement block'; fix the template and build again",
        "The site was not built.",
    ]


def test_an_undefined_name_in_a_template_names_the_file_and_line(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """A name no page is given, used in the video page's template: its file, line and name."""
    theme = _theme_copy(tmp_path)
    template = theme / "templates" / "video.html"
    lines = template.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if "{% block content %}" in line)
    lines[number - 1] = lines[number - 1].replace(
        "{% block content %}", "{% block content %}{{ poster.width }}"
    )
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _invoke_build(minimal_copy, tmp_path, f"THEME = {str(theme)!r}\n")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{template}: line {number}: UndefinedError: 'poster' is undefined;"
        " fix the template and build again",
        "The site was not built.",
    ]


def test_every_bad_setting_is_named_at_once(minimal_copy: Path, tmp_path: Path) -> None:
    """Wrong types and values of the hub's settings: each named with what is wrong and the fix."""
    extra = (
        "HUB_PAGE_SIZE = '12'\n"
        "FEED_ITEM_COUNT = 0\n"
        "HUB_BUILD_WORKERS = 1.5\n"
        "BRAND_COLORS = {'accent': 'blue', 'accent_dark': '#7cb8ff'}\n"
        "COMMENT_SERVICE_URL = 'comments.example.com'\n"
        "SITEURL = 'hub.example.com'\n"
        "COMPANY_LOGO = '/images/brand/logo.svg'\n"
        "TIMEZONE = 'Europe/Olso'\n"
    )
    result = _invoke_build(minimal_copy, tmp_path, extra)
    assert result.returncode == 1
    shown = tmp_path / "settings.py"
    assert result.stderr.splitlines() == [
        "8 problems in the settings:",
        f"{shown}: HUB_PAGE_SIZE: is the text '12'; write the number without quotes:"
        " HUB_PAGE_SIZE = 12",
        f"{shown}: FEED_ITEM_COUNT: must be 1 or more, not 0; for example FEED_ITEM_COUNT = 50",
        f"{shown}: HUB_BUILD_WORKERS: must be a whole number, not 1.5;"
        " for example HUB_BUILD_WORKERS = 0",
        f"{shown}: BRAND_COLORS: 'accent' is 'blue'; give 'accent' (light scheme) and"
        " 'accent_dark' (dark scheme) as #rrggbb, for example"
        " BRAND_COLORS = {'accent': '#0b5cad', 'accent_dark': '#7cb8ff'}",
        f"{shown}: COMMENT_SERVICE_URL: 'comments.example.com' is not an http:// or https://"
        " address; write the whole address, for example"
        " COMMENT_SERVICE_URL = 'https://comments.example.com', or '' for the site's own"
        " /comments",
        f"{shown}: SITEURL: 'hub.example.com' is not an http:// or https:// address; write the"
        " whole address, for example SITEURL = 'https://hub.example.com', or '' for a local"
        " preview",
        f"{shown}: COMPANY_LOGO: content/images/brand/logo.svg does not exist; put the logo"
        " there or point COMPANY_LOGO at the logo's file",
        f"{shown}: TIMEZONE: 'Europe/Olso' is not a time zone name; write Area/City as in the"
        " IANA database, for example TIMEZONE = 'Europe/Oslo' (or 'UTC')",
        "The site was not built: fix the settings above.",
    ]
    assert not (tmp_path / "out" / "index.html").exists()


def test_the_limits_of_feeds_bodies_and_pictures_are_checked_too(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """The size limits are settings like the others: a wrong one is named, not a ValueError."""
    extra = "FEED_CONTENT_MAX_CHARS = -1\nBODY_WARN_BYTES = '500 kB'\nIMAGE_MAX_PIXELS = 0\n"
    result = _invoke_build(minimal_copy, tmp_path, extra)
    assert result.returncode == 1
    shown = tmp_path / "settings.py"
    assert result.stderr.splitlines() == [
        "3 problems in the settings:",
        f"{shown}: FEED_CONTENT_MAX_CHARS: must be 0 or more, not -1;"
        " for example FEED_CONTENT_MAX_CHARS = 30000",
        f"{shown}: BODY_WARN_BYTES: must be a whole number, not the text '500 kB';"
        " for example BODY_WARN_BYTES = 500000",
        f"{shown}: IMAGE_MAX_PIXELS: must be 1 or more, not 0;"
        " for example IMAGE_MAX_PIXELS = 100000000",
        "The site was not built: fix the settings above.",
    ]


def test_good_settings_pass_and_missing_ones_get_defaults(minimal_copy: Path) -> None:
    """The project's own settings pass; a setting left out is filled with its default."""
    settings = load_settings(ROOT / "pelicanconf.py", {"PATH": str(minimal_copy)})
    check_settings(settings, "pelicanconf.py")
    del settings["HUB_PAGE_SIZE"], settings["BRAND_COLORS"]
    check_settings(settings, "pelicanconf.py")
    assert settings["HUB_PAGE_SIZE"] == 12
    assert settings["BRAND_COLORS"] == {"accent": "#0b5cad", "accent_dark": "#7cb8ff"}
    settings["BRAND_COLORS"] = {"accent": "#0b5cad"}
    with pytest.raises(SettingsError) as refused:
        check_settings(settings, "pelicanconf.py")
    assert [str(problem) for problem in refused.value.problems] == [
        "pelicanconf.py: BRAND_COLORS: 'accent_dark' is missing; give 'accent' (light scheme)"
        " and 'accent_dark' (dark scheme) as #rrggbb, for example"
        " BRAND_COLORS = {'accent': '#0b5cad', 'accent_dark': '#7cb8ff'}"
    ]


def test_a_missing_plugin_stops_the_build(minimal_copy: Path, tmp_path: Path) -> None:
    """Pelican only warns about a plugin it cannot find; our build refuses and says which."""
    result = _invoke_build(minimal_copy, tmp_path, f"PLUGIN_PATHS = [{str(tmp_path)!r}]\n")
    assert result.returncode == 1
    assert "The build failed: ConfigError: plugins not found: hub_items, hub," in result.stderr
    assert "Traceback" not in result.stderr
