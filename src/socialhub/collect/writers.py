"""Write one chosen entry as its kind's file, with its pictures or poster saved under content/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import httpx

from socialhub.collect.clean import CleanEntry
from socialhub.collect.dedup import Known
from socialhub.collect.films import film_text
from socialhub.collect.follow_friday import Picture, friday_of, shout_out_text
from socialhub.collect.images import ImageRefused, save_image
from socialhub.collect.settings import CollectSettings
from socialhub.collect.write import featured_text, problems_in, unique_slug
from socialhub.kinds import FEATURED, FOLLOW_FRIDAY, KINDS_BY_NAME, VIDEO
from socialhub.text import slugify

if TYPE_CHECKING:
    from socialhub.collect.run import Candidate, CollectReport

MAX_PICTURES = 4  # an #FF post carries four pictures at most on every platform we read


def _title_of(text: str) -> str:
    """The Title (or Name) line of a file's text."""
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "title":
            return value.strip()
    return ""


def _named(entry: CleanEntry) -> str:
    """An entry in a line: its title, or its address when it has none (Mastodon's posts)."""
    return repr(entry.title[:60]) if entry.title else entry.link


def _is_draft(text: str) -> bool:
    return any(line.strip().lower() == "status: draft" for line in text.splitlines())


@dataclass
class Writer:
    """Writes chosen entries: never over a file, each under a slug no item uses yet."""

    content_dir: Path
    settings: CollectSettings
    zone: ZoneInfo
    client: httpx.Client
    known: Known
    report: CollectReport
    dry_run: bool = False

    def write(self, candidate: Candidate) -> Path | None:
        """Write one candidate's file (or say which it would be); None when it cannot be."""
        kind = candidate.source.kind
        if kind == FOLLOW_FRIDAY.name:
            return self.shout_out(candidate)
        if kind == VIDEO.name:
            return self.film(candidate)
        text = featured_text(
            candidate.entry, candidate.source.owner, candidate.posted, candidate.source.trusted
        )
        slug = unique_slug(candidate.entry, candidate.source.owner, self.known.slugs)
        return self.file(candidate, FEATURED.folder, slug, text)

    def shout_out(self, candidate: Candidate) -> Path | None:
        """An #FF file with every picture of the post saved, alt text kept."""
        entry, source = candidate.entry, candidate.source
        posted = candidate.posted
        draft = shout_out_text(entry, [], posted=posted, trusted=source.trusted, entry_id=entry.id)
        slug = self.slug(_title_of(draft), f"ff-{friday_of(posted.date()):%Y-%m-%d}")
        folder = self.content_dir / "images" / "follow-friday"
        pictures = []
        images = [m for m in entry.media if m.medium == "image" or m.type.startswith("image/")]
        for number, media in enumerate(images[:MAX_PICTURES], start=1):
            try:
                saved = save_image(
                    self.client,
                    media.url,
                    folder,
                    f"{slug}-{number}",
                    self.settings,
                    content_dir=self.content_dir,
                    dry_run=self.dry_run,
                )
            except ImageRefused as error:
                self.report.say(f"warning {source.where}: picture {number} not saved: {error}")
                continue
            pictures.append(Picture(saved.site_path, media.alt))
        if not pictures:
            self.report.counts["skipped"] += 1
            self.report.say(
                f"skipped {source.where}: {_named(entry)} has no picture that could be "
                "saved, and a shout-out needs one"
            )
            return None
        text = shout_out_text(
            entry, pictures, posted=posted, trusted=source.trusted, entry_id=entry.id
        )
        return self.file(candidate, FOLLOW_FRIDAY.folder, slug, text)

    def film(self, candidate: Candidate) -> Path | None:
        """A film file with its poster saved (never hot-linked: readers call no other site)."""
        entry, source, contest = candidate.entry, candidate.source, candidate.contest
        if contest is None:  # the run only makes film candidates for known contests
            return None
        slug = self.slug(entry.title, f"{contest.slug}-film")
        poster = ""
        # Why a draft without a poster rather than nothing: the film is real, and an
        # editor can add a still; the build's warning names the empty field.
        if not entry.thumbnail:
            self.report.say(f"warning {source.where}: {_named(entry)} has no poster image")
        else:
            try:
                poster = save_image(
                    self.client,
                    entry.thumbnail,
                    self.content_dir / "images" / "posters",
                    slug,
                    self.settings,
                    content_dir=self.content_dir,
                    dry_run=self.dry_run,
                ).site_path
            except ImageRefused as error:
                self.report.say(f"warning {source.where}: {_named(entry)}: no poster: {error}")
        text = film_text(
            entry,
            contest,
            poster=poster,
            posted=candidate.posted,
            trusted=source.trusted,
            entry_id=entry.id,
        )
        return self.file(candidate, VIDEO.folder, slug, text)

    def exists(self, site_path: str) -> bool:
        """Whether a picture is in content/ (in a dry run, pictures are taken as saved)."""
        return self.dry_run or (self.content_dir / site_path.lstrip("/")).is_file()

    def slug(self, title: str, fallback: str) -> str:
        """A slug from a title that no item uses yet (reserved at once)."""
        base = slugify(title)[:60].strip("-") or fallback
        slug, number = base, 2
        while slug in self.known.slugs:
            slug, number = f"{base}-{number}", number + 1
        self.known.slugs.add(slug)
        return slug

    def file(self, candidate: Candidate, folder_name: str, slug: str, text: str) -> Path:
        """Write the text under content/<folder>/<slug>.md, never over an existing file."""
        folder = self.content_dir / folder_name
        kind = KINDS_BY_NAME[candidate.source.kind]
        path = folder / f"{slug}.md"
        if not self.dry_run:
            folder.mkdir(parents=True, exist_ok=True)
            while True:
                try:
                    # "x": a file that appeared since we looked is an editor's, never replaced.
                    with open(path, "x", encoding="utf-8") as handle:
                        handle.write(text)
                    break
                except FileExistsError:
                    slug = self.slug(slug, slug)
                    path = folder / f"{slug}.md"
        self.known.slugs.add(slug)
        self.known.add(
            candidate.entry,
            kind.name,
            f"{folder_name}/{path.name} (collected this run from {candidate.source.name})",
        )
        report = self.report
        report.written.append(path)
        report.made[kind.name] += 1
        draft = _is_draft(text)
        report.drafts += draft
        how = " (dry run: not written)" if self.dry_run else ""
        review = ", a draft to review" if draft else ""
        report.say(f"new {candidate.source.name}: {path.name}{review}{how}")
        for problem in problems_in(text, path, self.zone, kind, self.exists):
            if draft:  # the build leaves a draft out; the editor fixes it to publish it
                report.say(f"to review {path}: {problem}; fix it, then publish it")
            else:
                report.say(f"warning {path}: {problem}; fix it before building")
        return path
