"""The hub's own settings: one function fills their defaults and checks them, naming each bad one.

Why one function (the habit of Pelican's plugins): a typo in pelicanconf.py
should stop the build before any page is written, with every wrong setting named
at once, instead of a ``ValueError`` deep in a plugin or a page that quietly
shows ``#0b5cad;}</style><script>`` as a colour.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialhub.activitypub.config import ACCOUNT_PATTERN
from socialhub.errors import Problem, SettingsError
from socialhub.widgets import altcha_problem

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# Defaults of the settings the hub adds to Pelican's (pelicanconf.py sets each too).
DEFAULTS: dict[str, Any] = {
    "HUB_PAGE_SIZE": 12,
    "SEARCH_PART_SIZE": 2_000,
    "FEED_ITEM_COUNT": 50,
    "HUB_BUILD_WORKERS": 0,
    "FEED_CONTENT_MAX_CHARS": 30_000,
    "BODY_WARN_BYTES": 500_000,
    "IMAGE_MAX_PIXELS": 100_000_000,
    "COLLECT_MAX_NEW_PER_FEED": 10,
    "COLLECT_MAX_NEW_PER_RUN": 50,
    "BRAND_COLORS": {"accent": "#0b5cad", "accent_dark": "#7cb8ff"},
    "COMMENT_SERVICE_URL": "",
    "WEBSUB_HUB": "",
    "COMPANY_LOGO": "/images/brand/logo.png",
    "COMPANY_PROFILES": [],
    "TIMEZONE": "UTC",
    "ACTIVITYPUB_ACCOUNT": "",
    "ACTIVITYPUB_KEYS_DIR": "var/activitypub",
    "ACTIVITYPUB_OUTBOX_ITEMS": 20,
    "ACTIVITYPUB_NAME": "",
    "ACTIVITYPUB_SUMMARY": "",
}


def _shown(value: Any) -> str:
    """A value as it would be written in pelicanconf.py, with its type when that is the fault."""
    if isinstance(value, str):
        return f"the text {value!r}"
    return repr(value)


def _whole_number(least: int, example: int) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().isdigit():
                return f"is {_shown(value)}; write the number without quotes: {name} = {value}"
            return f"must be a whole number, not {_shown(value)}; for example {name} = {example}"
        if value < least:
            return f"must be {least} or more, not {value}; for example {name} = {example}"
        return ""

    return check


def _brand_colours(name: str, value: Any) -> str:
    example = f"{name} = {{'accent': '#0b5cad', 'accent_dark': '#7cb8ff'}}"
    if not isinstance(value, dict):
        return f"must be a dict of two colours, not {_shown(value)}; for example {example}"
    wrong = []
    for key in ("accent", "accent_dark"):
        colour = value.get(key)
        if colour is None:
            wrong.append(f"'{key}' is missing")
        elif not isinstance(colour, str) or not _HEX.match(colour):
            wrong.append(f"'{key}' is {colour!r}")
    unknown = sorted(str(key) for key in value if key not in ("accent", "accent_dark"))
    if unknown:
        wrong.append("unknown keys " + ", ".join(repr(key) for key in unknown))
    if wrong:
        return (
            "; ".join(wrong)
            + "; give 'accent' (light scheme) and 'accent_dark' (dark scheme) as #rrggbb, "
            + f"for example {example}"
        )
    return ""


def _web_address(example: str, empty_means: str) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str):
            return f"must be a text, not {_shown(value)}; write {name} = 'https://…'"
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return (
                f"{value!r} is not an http:// or https:// address; write the whole address, "
                f"for example {name} = {example!r}, or '' for {empty_means}"
            )
        return ""

    return check


def _web_addresses(name: str, value: Any) -> str:
    example = f"{name} = ['https://social.example/@company']"
    if not isinstance(value, (list, tuple)):
        return f"must be a list of web addresses, not {_shown(value)}; for example {example}"
    wrong = [
        repr(url)
        for url in value
        if not isinstance(url, str)
        or urlsplit(url).scheme not in ("http", "https")
        or not urlsplit(url).netloc
    ]
    if wrong:
        return (
            f"{', '.join(wrong)} is not an http:// or https:// address; write each whole "
            f"address, for example {example}, or [] for none"
        )
    return ""


def _time_zone(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        return f"must be a time zone name, not {_shown(value)}; for example {name} = 'Europe/Oslo'"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return (
            f"{value!r} is not a time zone name; write Area/City as in the IANA database, "
            f"for example {name} = 'Europe/Oslo' (or 'UTC')"
        )
    return ""


def _logo(content_dir: str) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or not value.startswith("/"):
            return (
                f"must be a site path under the content folder, not {_shown(value)}; "
                f"for example {name} = '/images/brand/logo.png'"
            )
        shown = os.path.basename(os.path.normpath(content_dir)) + value
        if not os.path.isfile(os.path.join(content_dir, value.lstrip("/"))):
            return f"{shown} does not exist; put the logo there or point {name} at the logo's file"
        return ""

    return check


def _account(name: str, value: Any) -> str:
    example = f"{name} = 'hub@hub.example.com'"
    if not isinstance(value, str):
        return f"must be a text, not {_shown(value)}; for example {example}, or '' for none"
    if value and not ACCOUNT_PATTERN.match(value.strip()):
        return (
            f"{value!r} is not a fediverse account; write user@domain (the domain the site "
            f"is served from), for example {example}, or '' to stay off the fediverse"
        )
    return ""


def _text(example: str) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str):
            return f"must be a text, not {_shown(value)}; for example {name} = {example!r}"
        return ""

    return check


def _folder(example: str) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            return f"must be a folder's path, not {_shown(value)}; for example {name} = {example!r}"
        if os.path.exists(value) and not os.path.isdir(value):
            return f"{value!r} is a file, not a folder; point {name} at a folder, e.g. {example!r}"
        return ""

    return check


def check_settings(settings: MutableMapping[str, Any], settings_file: str) -> None:
    """Fill the hub's missing settings with their defaults; SettingsError naming every bad one."""
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)
    checks: dict[str, Callable[[str, Any], str]] = {
        "HUB_PAGE_SIZE": _whole_number(1, 12),
        "SEARCH_PART_SIZE": _whole_number(1, 2_000),
        "FEED_ITEM_COUNT": _whole_number(1, 50),
        "HUB_BUILD_WORKERS": _whole_number(0, 0),
        "FEED_CONTENT_MAX_CHARS": _whole_number(0, 30_000),
        "BODY_WARN_BYTES": _whole_number(0, 500_000),
        "IMAGE_MAX_PIXELS": _whole_number(1, 100_000_000),
        "COLLECT_MAX_NEW_PER_FEED": _whole_number(1, 10),
        "COLLECT_MAX_NEW_PER_RUN": _whole_number(1, 50),
        "BRAND_COLORS": _brand_colours,
        "COMMENT_SERVICE_URL": _web_address(
            "https://comments.example.com", "the site's own /comments"
        ),
        "SITEURL": _web_address("https://hub.example.com", "a local preview"),
        "WEBSUB_HUB": _web_address("https://pubsubhubbub.appspot.com/", "no WebSub hub"),
        "COMPANY_LOGO": _logo(str(settings.get("PATH", "content"))),
        "TIMEZONE": _time_zone,
        "COMPANY_PROFILES": _web_addresses,
        "COMMENTS_ALTCHA": altcha_problem,
        "ACTIVITYPUB_ACCOUNT": _account,
        "ACTIVITYPUB_KEYS_DIR": _folder("var/activitypub"),
        "ACTIVITYPUB_OUTBOX_ITEMS": _whole_number(1, 20),
        "ACTIVITYPUB_NAME": _text("Lumen Mobile"),
        "ACTIVITYPUB_SUMMARY": _text("News and films from the Lumen community"),
    }
    problems = []
    for name, check in checks.items():
        wrong = check(name, settings.get(name, ""))
        if wrong:
            problems.append(Problem(settings_file, name, wrong))
    if problems:
        raise SettingsError(problems)
    for name in ("COMMENT_SERVICE_URL", "SITEURL"):
        # Why not an error: both are joined with paths that start with '/', and
        # "https://comments.example.com/" is what anyone copies from a browser.
        settings[name] = settings[name].rstrip("/")
