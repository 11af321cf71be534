"""The brand colours from settings, checked against the theme's backgrounds (WCAG AA).

The theme draws links and buttons in the brand colour; a company that picks a
pale one would get unreadable links, so the build warns and says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# The theme's page, card and panel backgrounds (hub.css: --bg, --surface, --surface-2).
LIGHT_BACKGROUNDS = ("#f6f7f9", "#ffffff", "#eef1f5")
DARK_BACKGROUNDS = ("#0f1217", "#181c23", "#20262f")
AA = 4.5  # normal text
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def brand_problems(brand: Mapping[str, str]) -> list[str]:
    """What is wrong with BRAND_COLORS for the theme: one sentence per problem."""
    problems = []
    for key, backgrounds, scheme in (
        ("accent", LIGHT_BACKGROUNDS, "light"),
        ("accent_dark", DARK_BACKGROUNDS, "dark"),
    ):
        colour = str(brand.get(key, ""))
        if not _HEX.match(colour):
            problems.append(f"BRAND_COLORS['{key}'] is {colour!r}; write it as #rrggbb")
            continue
        worst = min(contrast(colour, background) for background in backgrounds)
        if worst < AA:
            lighter = "a darker" if scheme == "light" else "a lighter"
            problems.append(
                f"BRAND_COLORS['{key}'] {colour} has a contrast of {worst:.1f}:1 on the {scheme}"
                f" scheme's backgrounds; links need {AA}:1, choose {lighter} colour"
            )
    return problems
