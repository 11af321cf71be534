"""Where the collector looks: every blogger's feed, the #FF feeds, every contest's feeds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from socialhub.collect.films import Contest
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header
from socialhub.kinds import BLOGGER, FEATURED, FOLLOW_FRIDAY, VIDEO


@dataclass(frozen=True)
class Source:
    """One feed to collect and what its entries become."""

    url: str
    kind: str  # "featured", "follow-friday" or "video": the kind of item its entries become
    owner: str  # the blogger's or the contest's slug; "" for a #FF feed
    name: str  # for people: "Léa Fontaine", "#FF feed", "contest Winter Light"
    trusted: bool  # True: written as published; False: written as drafts for an editor
    words: tuple[str, ...] = ()  # only entries with one of these (Collect-Filter, Collect-Tag)

    @property
    def key(self) -> str:
        """Where its state is kept: one feed may serve two purposes (#FF and a contest)."""
        # Why the bare URL for bloggers: the state file of earlier versions used it.
        return self.url if self.kind == FEATURED.name else f"{self.kind} {self.owner} {self.url}"

    @property
    def where(self) -> str:
        """Who and which feed, for the progress and summary lines."""
        return f"{self.name} ({self.url})"


def _yes(text: str) -> bool:
    return text.strip().lower() in ("yes", "true", "on")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


def blogger_sources(content_dir: Path) -> tuple[list[Source], list[tuple[str, str]]]:
    """Every blogger's feed; and (who, what to do) for each blogger file that cannot be read."""
    found, problems = [], []
    for path in sorted((content_dir / BLOGGER.folder).glob("*.md")):
        try:
            header = read_header(path)
        except (OSError, UnicodeDecodeError) as error:
            problems.append(
                (f"{path.stem} ({path})", f"cannot read the file ({type(error).__name__})")
            )
            continue
        name = header.get("name") or path.stem
        url = header.get("feed-url", "")
        if not url:
            problems.append((f"{name} (no Feed-URL)", f"add a Feed-URL to {path}"))
            continue
        trusted = _yes(header.get("collect-trusted", ""))
        words = _words(header.get("collect-filter", ""))
        found.append(Source(url, FEATURED.name, path.stem, name, trusted, words))
    return found, problems


def follow_friday_sources(settings: CollectSettings) -> list[Source]:
    """The #FF feeds of COLLECT_FOLLOW_FRIDAY_FEEDS; only shout-outs are taken from them."""
    return [
        Source(
            feed.url, FOLLOW_FRIDAY.name, "", "#FF feed", feed.trusted, settings.follow_friday_tags
        )
        for feed in settings.follow_friday_feeds
    ]


def contest_sources(contests: list[Contest]) -> list[Source]:
    """Every contest's Collect-Feed; films are entries by outsiders, so drafts to review."""
    return [
        Source(
            url,
            VIDEO.name,
            contest.slug,
            f"contest {contest.name}",
            False,
            (contest.tag,) if contest.tag else (),
        )
        for contest in contests
        for url in contest.feeds
    ]


def every_source(sources: list[Source]) -> tuple[list[Source], list[str]]:
    """Each feed once: a URL given twice for one purpose is fetched once (lines say so)."""
    kept: dict[tuple[str, str, str], Source] = {}
    lines = []
    for source in sources:
        key = (source.url, source.kind, source.owner)
        if key in kept:
            lines.append(f"warning {source.where}: listed twice; collected once")
            continue
        kept[key] = source
    return list(kept.values()), lines
