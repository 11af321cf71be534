"""The small exception tree; bad content is a ContentError carrying problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one content file, and how to fix it."""

    path: str
    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.path}: {self.field}: {self.message}"
        return f"{text}; {self.fix}" if self.fix else text


def _listing(problems: tuple[Problem, ...], where: str) -> str:
    """'2 problems in content:' and one line per problem."""
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun} {where}:\n" + "\n".join(str(p) for p in problems)


class SocialHubError(Exception):
    """The root of every error the social hub raises on purpose."""


class ContentError(SocialHubError):
    """Content files are wrong; carries every problem found, one per line."""

    # The build's warnings until it stopped: shown with the problems, as they
    # may say why (a picture removed from a body, then reported as missing).
    warnings: tuple[str, ...] = ()

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(_listing(self.problems, "in content"))


class ConfigError(SocialHubError):
    """A setting is missing or has a wrong value."""


class SettingsError(ConfigError):
    """Settings are wrong; carries every problem found (the setting is the field)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(_listing(self.problems, "in the settings"))
