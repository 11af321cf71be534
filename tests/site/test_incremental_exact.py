"""An incremental rebuild gives exactly the site a clean build gives, and touches nothing else.

For each kind of change (one item's body, a blogger's name, a tag, a film shown
under its contest's other films, a new featured post, a newest post, a
template, a new comment, and the changes that move a count shown on a page: an
older featured post or film, a deleted featured post, a comment or a tag on an
old item, a draft published) the sample hub is built, changed, and built again with the caches of
the first build; then built once more from nothing into another folder. The
rebuild must hold the same files with the same bytes as the clean build (every
page that should change did), and the files it wrote must be exactly those whose
bytes changed (no other page was touched).

Counts a reader sees: the hub's and each filter's "N items", a tag's "N items"
(on their front pages and on /tags/), a blogger's "N featured posts" (on their page, the
directory and the byline of each post), a contest's "N films" (on its page and
on /contests/), the comments on each card and above each thread. The count cases
make the change where it moves a count on a page whose list of cards does not
change (an item added or removed on a later page), some with small hub pages
(HUB_PAGE_SIZE) so that a list has several pages.

Pages are numbered from the oldest item: the "newest item" cases list exactly
which list pages a new item may change (the front pages and the top of its
lists); every other list page must keep its bytes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import SAMPLE

from socialhub.build import run_build

ROOT = Path(__file__).resolve().parents[2]

Snapshot = dict[str, tuple[str, int]]


def _in_search_bundle(path: Path, output: Path) -> bool:
    """Pagefind's files: its filter indexes come in no fixed order (Pagefind issue #638).

    tests/site/test_search.py checks that a rebuild's index holds what a clean one does.
    """
    return path.relative_to(output).parts[0] == "pagefind"


def _snapshot(output: Path) -> Snapshot:
    """Every file of a built site (but the search bundle): its hash and its modification time."""
    return {
        str(path.relative_to(output)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in output.rglob("*")
        if path.is_file() and not _in_search_bundle(path, output)
    }


def _folders(output: Path) -> set[str]:
    """Every folder of a built site (an empty one left behind would be listed by a server)."""
    return {
        str(path.relative_to(output))
        for path in output.rglob("*")
        if path.is_dir() and not _in_search_bundle(path, output)
    }


def _build(content: Path, output: Path, theme: Path, settings: Mapping[str, object]) -> int:
    """Build with the project's settings (and ``settings``); the number of pages rendered."""
    report = run_build(
        ROOT / "pelicanconf.py",
        {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / f".cache-{output.name}"),
            "THEME": str(theme),
            **settings,
        },
    )
    return report.rendered


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_body(content: Path, _theme: Path) -> None:
    """One company post's body."""
    _edit(content / "posts/night-mode-update.md", "brings a new night mode", "brings NIGHT MODE")


def change_blogger_name(content: Path, _theme: Path) -> None:
    """The name of a blogger with two featured posts."""
    _edit(content / "bloggers/lea-fontaine.md", "Name: Léa Fontaine", "Name: Léa Fontaine-Roux")


def add_tag(content: Path, _theme: Path) -> None:
    """A new tag on one post."""
    _edit(
        content / "posts/night-mode-update.md",
        "Tags: cameras, night mode, software",
        "Tags: cameras, night mode, software, astrophotography",
    )


def change_template(_content: Path, theme: Path) -> None:
    """The template of video pages only."""
    template = theme / "templates" / "video.html"
    text = template.read_text(encoding="utf-8")
    marker = "{% block content %}"
    assert marker in text
    template.write_text(text.replace(marker, marker + "<!-- v2 -->", 1), encoding="utf-8")


def add_comment(content: Path, _theme: Path) -> None:
    """An approved comment on a post that had none."""
    folder = content / "comments" / "conference-2026-schedule"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "c-20261101-0001.md").write_text(
        "Author: Ada Reader\nDate: 2026-11-01 10:00\nSource: form\n\n"
        "Will the *keynote* be streamed?\n",
        encoding="utf-8",
    )


def retitle_sibling_film(content: Path, _theme: Path) -> None:
    """The title of a film shown under the other films of its contest."""
    _edit(content / "videos/neon-rain.md", "Title: Neon Rain", "Title: Neon Rain at Dawn")


def add_featured_post(content: Path, _theme: Path) -> None:
    """A third featured post by a blogger (her other posts' byline cards count them)."""
    source = content / "featured/student-budget-x2.md"
    text = source.read_text(encoding="utf-8")
    header, _blank, body = text.partition("\n\n")
    lines = [
        line
        for line in header.splitlines()
        if not line.startswith(("Title:", "Original-URL:", "Date:", "Entry-Id:"))
    ]
    lines += [
        "Title: A second year on the X2",
        "Original-URL: https://campusbytes.example/second-year-x2/",
        "Date: 2026-11-02 09:00",
    ]
    (content / "featured/second-year-x2.md").write_text(
        "\n".join(lines) + "\n\n" + body, encoding="utf-8"
    )


def add_newest_post(content: Path, _theme: Path) -> None:
    """A company post newer than everything (the hub's pages shift; empty feeds are dated)."""
    (content / "posts/winter-opening-hours.md").write_text(
        "Title: Winter opening hours\nDate: 2026-12-20 09:00\nAuthor: Daniel Osei\n"
        "Tags: stores\nSummary: When the stores open over the holidays.\n\n"
        "Every store opens at ten from the 21st.\n",
        encoding="utf-8",
    )


def add_newest_video_post(content: Path, _theme: Path) -> None:
    """A company post newer than everything, tagged video (12 items before) and a new tag."""
    (content / "posts/behind-the-contest.md").write_text(
        "Title: Behind the contest\nDate: 2026-12-21 09:00\nAuthor: Daniel Osei\n"
        "Tags: video, stores\nSummary: How we judge the films.\n\n"
        "Three judges watch every film twice.\n",
        encoding="utf-8",
    )


def delete_shoutout(content: Path, _theme: Path) -> None:
    """A #FF shout-out deleted with its comments (its picture stays in content/images/)."""
    (content / "follow-friday/ff-oskar-message-in-a-bottle.md").unlink()
    shutil.rmtree(content / "comments/ff-oskar-message-in-a-bottle")


def delete_film(content: Path, _theme: Path) -> None:
    """A film deleted; its poster stays in content/images/, its thumbnails must go."""
    (content / "videos/moth-and-lamp.md").unlink()


def add_older_featured_post(content: Path, _theme: Path) -> None:
    """A featured post older than those on the first page of /hub/bloggers/ (15 → 16 items)."""
    (content / "featured/x2-first-week.md").write_text(
        "Title: A first week with the X2\nBlogger: priya-raman\n"
        "Original-URL: https://a11ynotes.example/2025/x2-first-week/\n"
        "Date: 2025-02-20 10:00\n"
        "Excerpt: The screen reader of the X2 is quick and quiet; the braille display is next.\n"
        "Device: Lumen X2\nVerdict: mixed\nTags: accessibility\n",
        encoding="utf-8",
    )


def delete_featured_post(content: Path, _theme: Path) -> None:
    """An older featured post without comments is deleted (and with it its only tag)."""
    (content / "featured/x2-repairability-teardown.md").unlink()


def add_older_film(content: Path, _theme: Path) -> None:
    """An older film entered in a contest (its poster is another film's picture)."""
    (content / "videos/porch-moths.md").write_text(
        "Title: Porch Moths\nDate: 2026-08-10 22:00\nEntrant: Aino Virtanen\n"
        "Contest: nightfall-shorts\nVideo-URL: https://vimeo.com/148751764\n"
        "Poster: /images/posters/moth-and-lamp.jpg\nDuration: 0:48\nAward: entry\n"
        "Tags: video, macro\n\nMoths again, a week earlier.\n",
        encoding="utf-8",
    )


def comment_on_old_item(content: Path, _theme: Path) -> None:
    """The first comment on the oldest item, shown as a card on later pages of lists."""
    folder = content / "comments" / "x2-braille-display"
    folder.mkdir(parents=True)
    (folder / "c-20261101-0002.md").write_text(
        "Author: Ola Nordmann\nDate: 2026-11-01 11:00\nSource: form\n\n"
        "Did the June update fix it for you too?\n",
        encoding="utf-8",
    )


def tag_old_item(content: Path, _theme: Path) -> None:
    """A tag already on 12 items added to the oldest one (it lands on the tag's last page)."""
    _edit(
        content / "featured/x2-braille-display.md",
        "Tags: accessibility, braille, software",
        "Tags: accessibility, braille, software, video",
    )


def write_draft(content: Path, _theme: Path) -> None:
    """Before the first build: an older company post, still a draft (left out)."""
    (content / "posts/spring-cleaning.md").write_text(
        "Title: Spring cleaning in the app store\nDate: 2026-01-12 09:00\n"
        "Author: Daniel Osei\nTags: software\nStatus: draft\n"
        "Summary: Old apps we no longer list.\n\nWe removed forty apps nobody used.\n",
        encoding="utf-8",
    )


def publish_draft(content: Path, _theme: Path) -> None:
    """The draft is published."""
    _edit(content / "posts/spring-cleaning.md", "Status: draft", "Status: published")


@dataclass(frozen=True)
class Case:
    """A change, and pages that must show it (a few, as a reader would look for them)."""

    change: Callable[[Path, Path], None]
    expected: dict[str, str]
    prepare: Callable[[Path, Path], None] | None = None  # done before the first build
    settings: dict[str, object] = field(default_factory=dict)  # for every build of the case
    # When given: exactly the list pages (the hub, its filters, tags) whose bytes change.
    listings: frozenset[str] | None = None
    most_rendered: float = 1 / 3  # of the pages of a cold build, for one change


SMALL_PAGES = {"HUB_PAGE_SIZE": 5}
# 36 items: 9 full pages of 4, so that one more makes a new page 10.
FULL_PAGES = {"HUB_PAGE_SIZE": 4}

# The list pages: the front pages, the hub's pages and filters, each tag's pages.
LISTING = re.compile(r"^(index\.html|hub/.*index\.html|tags/[^/]+/(page/\d+/)?index\.html)$")


CASES: dict[str, Case] = {
    "body": Case(change_body, {"posts/night-mode-update/index.html": "brings NIGHT MODE"}),
    "blogger name": Case(
        change_blogger_name,
        {
            "bloggers/lea-fontaine/index.html": "Léa Fontaine-Roux",
            "bloggers/index.html": "Léa Fontaine-Roux",
            "bloggers/lea-fontaine/student-budget-x2/index.html": "Léa Fontaine-Roux",
            "bloggers.opml": "Léa Fontaine-Roux",
        },
    ),
    "tag": Case(
        add_tag,
        {
            "tags/astrophotography/index.html": "Night mode 2.0",
            "feeds/tags/astrophotography.atom.xml": "Night mode 2.0",
            "posts/night-mode-update/index.html": "astrophotography",
        },
    ),
    "sibling film": Case(
        retitle_sibling_film,
        {
            "videos/neon-rain/index.html": "Neon Rain at Dawn",
            "videos/harbour-lights/index.html": "Neon Rain at Dawn",
            "contests/nightfall-shorts/index.html": "Neon Rain at Dawn",
        },
    ),
    "featured post": Case(
        add_featured_post,
        {
            "bloggers/lea-fontaine/second-year-x2/index.html": "A second year on the X2",
            "bloggers/lea-fontaine/student-budget-x2/index.html": "3 featured posts",
            "bloggers/lea-fontaine/index.html": "A second year on the X2",
            "feeds/bloggers/lea-fontaine.atom.xml": "A second year on the X2",
        },
    ),
    "newest post": Case(
        add_newest_post,
        {
            "posts/winter-opening-hours/index.html": "Every store opens at ten",
            "hub/index.html": "Winter opening hours",
            "feeds/all.atom.xml": "Winter opening hours",
            "tags/stores/index.html": "Winter opening hours",
        },
    ),
    "deleted film": Case(
        delete_film,
        {"contests/nightfall-shorts/index.html": "Nightfall", "feeds/videos.atom.xml": "<feed"},
    ),
    "deleted item": Case(
        delete_shoutout,
        {"follow-friday/index.html": "#FF", "feeds/follow-friday.atom.xml": "#FF"},
        # Pages are numbered from the oldest: the items newer than a deleted one move down
        # one place, so every list page above it is rendered again (and most rewritten).
        most_rendered=0.5,
    ),
    "template": Case(change_template, {"videos/harbour-lights/index.html": "<!-- v2 -->"}),
    "comment": Case(
        add_comment,
        {
            "posts/conference-2026-schedule/index.html": "Will the <em>keynote</em> be streamed?",
            "posts/conference-2026-schedule/comments.atom.xml": "Ada Reader",
            "feeds/comments.rss.xml": "Ada Reader",
        },
    ),
    "older featured post": Case(
        add_older_featured_post,
        {
            "hub/bloggers/index.html": "16 items, newest first",
            "hub/bloggers/page/1/index.html": "A first week with the X2",
            "bloggers/priya-raman/index.html": "4 featured posts",
            "bloggers/index.html": "4 featured posts",
            "bloggers/priya-raman/talkback-on-the-mini/index.html": "4 featured posts on the hub",
            "tags/accessibility/index.html": "5 items",
        },
    ),
    "deleted featured post": Case(
        delete_featured_post,
        {
            "index.html": "35 items, newest first",
            "hub/index.html": "35 items, newest first",
            "hub/bloggers/index.html": "14 items, newest first",
            "bloggers/marcus-hale/index.html": "3 featured posts",
            "bloggers/index.html": "3 featured posts",
            "bloggers/marcus-hale/buds-review/index.html": "3 featured posts on the hub",
            "tags/lab-test/index.html": "1 item",
        },
    ),
    "older film": Case(
        add_older_film,
        {
            "videos/porch-moths/index.html": "Moths again",
            "contests/nightfall-shorts/index.html": "6 films",
            "contests/index.html": "6 films",
            "hub/videos/index.html": "9 items, newest first",
            "tags/macro/index.html": "2 items",
        },
        settings=SMALL_PAGES,
    ),
    "comment on an old item": Case(
        comment_on_old_item,
        {
            "bloggers/priya-raman/x2-braille-display/index.html": "Did the June update fix it",
            "bloggers/priya-raman/index.html": "1 comment",
            "hub/page/1/index.html": "1 comment",
            "hub/bloggers/page/1/index.html": "1 comment",
            "tags/braille/index.html": "1 comment",
        },
    ),
    "tag on an old item": Case(
        tag_old_item,
        {
            "tags/video/index.html": "13 items",
            "tags/video/page/1/index.html": "The Lumen X2 and my braille display",
            "tags/index.html": "13 items",
        },
        settings=SMALL_PAGES,
    ),
    "draft published": Case(
        publish_draft,
        {
            "posts/spring-cleaning/index.html": "We removed forty apps",
            "hub/index.html": "37 items, newest first",
            "hub/posts/index.html": "7 items, newest first",
            "tags/software/index.html": "6 items",
        },
        prepare=write_draft,
        settings=SMALL_PAGES,
    ),
    # Pages are numbered from the oldest: a newest item changes the front pages and the top
    # page of each of its lists (hub 36 -> 37 items on 8 pages of 5, posts 6 -> 7 on 2,
    # video 12 -> 13 on 3), and nothing else.
    "newest item, older pages kept": Case(
        add_newest_video_post,
        {
            "hub/index.html": "Behind the contest",
            "hub/page/8/index.html": "Behind the contest",
            "tags/video/page/3/index.html": "Behind the contest",
        },
        settings=SMALL_PAGES,
        listings=frozenset(
            {
                "index.html",
                "hub/index.html",
                "hub/page/8/index.html",
                "hub/posts/index.html",
                "hub/posts/page/2/index.html",
                "tags/video/index.html",
                "tags/video/page/3/index.html",
                "tags/stores/index.html",
            }
        ),
    ),
    # ... and when it opens a new top page (hub 36 -> 37 on pages of 4: a page 10), the pages
    # whose pager row reaches the top (WINDOW = 2 below the old top page 9) change too.
    "newest item, new top page": Case(
        add_newest_video_post,
        {
            "hub/page/10/index.html": "Behind the contest",
            "hub/page/9/index.html": 'href="/hub/page/10/" rel="prev"',
            "tags/video/page/4/index.html": "Behind the contest",
        },
        settings=FULL_PAGES,
        listings=frozenset(
            {
                "index.html",
                "hub/index.html",
                *(f"hub/page/{number}/index.html" for number in (7, 8, 9, 10)),
                "hub/posts/index.html",
                "hub/posts/page/2/index.html",
                "tags/video/index.html",
                *(f"tags/video/page/{number}/index.html" for number in (1, 2, 3, 4)),
                "tags/stores/index.html",
            }
        ),
    ),
}


# change → files that a clean build does not make any more (the rebuild must delete them).
GONE = {
    "deleted film": [
        "videos/moth-and-lamp/index.html",
        "videos/moth-and-lamp/comments.json",
        "fediverse/objects/videos/moth-and-lamp/index.json",
    ],
    "deleted item": [
        "follow-friday/ff-oskar-message-in-a-bottle/index.html",
        "follow-friday/ff-oskar-message-in-a-bottle/comments.atom.xml",
        "fediverse/objects/follow-friday/ff-oskar-message-in-a-bottle/index.json",
    ],
}


@pytest.fixture
def sample_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample content and of the theme, to change."""
    content, theme = tmp_path / "content", tmp_path / "theme"
    shutil.copytree(SAMPLE, content)
    shutil.copytree(ROOT / "theme", theme)
    return content, theme


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_rebuild_equals_a_clean_build_and_writes_only_what_changed(
    case: str, sample_copy: tuple[Path, Path], tmp_path: Path
) -> None:
    """Rebuilt after a change: same bytes as a clean build; written files = changed files."""
    content, theme = sample_copy
    this = CASES[case]
    if this.prepare is not None:
        this.prepare(content, theme)
    output = tmp_path / "output"
    total = _build(content, output, theme, this.settings)
    before = _snapshot(output)
    assert _build(content, output, theme, this.settings) <= 8, (
        "a rebuild with no change rendered pages again"
    )
    assert _snapshot(output) == before, "a rebuild with no change wrote files"

    this.change(content, theme)
    rendered = _build(content, output, theme, this.settings)
    after = _snapshot(output)
    clean = tmp_path / "clean"
    _build(content, clean, theme, this.settings)
    fresh = _snapshot(clean)

    assert sorted(after) == sorted(fresh), "the rebuild left or missed files"
    assert _folders(output) == _folders(clean), "the rebuild left or missed folders"
    for name in GONE.get(case, []):
        assert name in before and name not in after, name
    differing = [name for name in fresh if after[name][0] != fresh[name][0]]
    assert not differing, f"the rebuild differs from a clean build in {differing}"
    changed = {name for name in after if before.get(name, ("", 0))[0] != after[name][0]}
    written = {name for name in after if before.get(name, ("", 0))[1] != after[name][1]}
    assert written == changed, (
        f"written but unchanged: {sorted(written - changed)}; "
        f"changed but not written: {sorted(changed - written)}"
    )
    if this.listings is not None:
        listed = {name for name in changed if LISTING.match(name)}
        assert listed == this.listings, (
            f"list pages changed but not expected: {sorted(listed - this.listings)}; "
            f"expected but unchanged: {sorted(this.listings - listed)}"
        )
    for page, text in this.expected.items():
        assert page in changed, f"{page} did not change"
        assert text in (output / page).read_text(encoding="utf-8")
    if case != "template":
        assert rendered < total * this.most_rendered, (
            f"{rendered} of {total} pages rendered for one change"
        )
