"""Where the collector looks: every blogger's feed, the #FF feeds, every contest's feeds."""

from __future__ import annotations

from dataclasses import dataclass


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
    def where(self) -> str:
        """Who and which feed, for the progress and summary lines."""
        return f"{self.name} ({self.url})"
