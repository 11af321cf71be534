"""Third-party browser code the theme may use, taken from node_modules (never vendored).

ALTCHA's widget comes from the `altcha` npm package (package.json), installed with
`npm ci`; the build copies it into the output only when COMMENTS_ALTCHA is on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
ALTCHA_WIDGET = PROJECT / "node_modules" / "altcha" / "dist" / "main" / "altcha.min.js"
ALTCHA_PUBLISHED = "theme/js/altcha.min.js"


def altcha_problem(name: str, value: Any) -> str:
    """Why COMMENTS_ALTCHA cannot be on here ("" when it is off or the widget is installed)."""
    if value and not ALTCHA_WIDGET.is_file():
        return (
            "is on, but ALTCHA's widget is not installed: run `npm ci --ignore-scripts` in "
            "the project folder (it brings node_modules/altcha), or set it to False"
        )
    return ""


def altcha_files(settings: dict[str, Any]) -> dict[str, bytes]:
    """Output path → bytes of the widget, when the settings turn ALTCHA on."""
    if not settings.get("COMMENTS_ALTCHA") or not ALTCHA_WIDGET.is_file():
        return {}
    return {ALTCHA_PUBLISHED: ALTCHA_WIDGET.read_bytes()}
