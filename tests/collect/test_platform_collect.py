"""`invoke collect` on every platform's feed: #FF shout-outs and films, written, built, shown.

A local server plays Mastodon, Pixelfed, Bluesky, YouTube, Vimeo, PeerTube, a
podcast-style RSS with enclosures and a JSON Feed (tests/data/collect/platforms/,
each written from the platform's documentation and code, each with hostile and
broken parts), plus a feed too slow and one too large. The test is an editor's
week: collect, read the summary, review the drafts, build, look at the hub.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from feed_server import NOW
from helpers import run_invoke
from PIL import Image
from platform_server import GPS_TAG, PlatformServer

from socialhub.collect.run import CollectReport, collect, status
from socialhub.collect.settings import CollectSettings, FollowFridayFeed
from socialhub.headers import read_header

ROOT = Path(__file__).resolve().parents[2]
FILM_FEEDS = (
    "youtube-channel.xml",
    "youtube-playlist.xml",
    "vimeo-user.rss",
    "vimeo-channel.rss",
    "vimeo-album.rss",
    "peertube-channel.xml",
    "rss-enclosures.xml",
    "jsonfeed-attachments.json",
)
TRUSTED_FF = ("mastodon-account.rss", "pixelfed-account.atom", "bluesky-profile.rss")
UNTRUSTED_FF = ("mastodon-tag.rss", "rss-enclosures.xml", "jsonfeed-attachments.json")
CONTEST = """Name: Winter Light
Device: Lumen X2 or Lumen Mini
Opens: 2026-11-01
Closes: 2027-01-15
Status: open
Prizes: First prize: a Lumen X2 Pro
Summary: Two minutes about winter light.
Collect-Feed: {feeds}
Collect-Tag: #WinterLight

1. Shoot on a Lumen phone.
"""


@pytest.fixture
def platforms() -> Iterator[PlatformServer]:
    """The platforms' local server, stopped at the end of the test."""
    server = PlatformServer()
    yield server
    server.close()


@pytest.fixture
def hub(minimal_copy: Path, platforms: PlatformServer) -> Path:
    """The minimal site with a Winter Light contest collecting from every video platform."""
    feeds = ", ".join(platforms.url(f"platforms/{name}") for name in FILM_FEEDS)
    contest = minimal_copy / "contests" / "winter-light.md"
    contest.write_text(CONTEST.format(feeds=feeds), encoding="utf-8")
    # The blogger's feed is one of them too: three kinds of source in one run.
    ada = minimal_copy / "bloggers" / "ada-lens.md"
    blog = platforms.url("platforms/rss-enclosures.xml")
    ada.write_text(ada.read_text().replace("https://ada.example/feed.xml", blog))
    return minimal_copy


@pytest.fixture
def platform_settings(settings: CollectSettings, platforms: PlatformServer) -> CollectSettings:
    """Every #FF feed (the company's own trusted, hashtags not), a slow and a huge one."""
    feeds = [FollowFridayFeed(platforms.url(f"platforms/{name}"), True) for name in TRUSTED_FF]
    feeds += [FollowFridayFeed(platforms.url(f"platforms/{name}"), False) for name in UNTRUSTED_FF]
    feeds += [FollowFridayFeed(platforms.url("slow/feed.rss"), True)]
    feeds += [FollowFridayFeed(platforms.url("huge/feed.rss"), True)]
    return replace(settings, follow_friday_feeds=tuple(feeds), timeout=2.0, max_bytes=5_000_000)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder and a digest of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def headers(report: CollectReport, folder: str) -> dict[str, dict[str, str]]:
    """The header of every file the run wrote into one folder, by file name."""
    return {p.name: read_header(p) for p in report.written if p.parent.name == folder}


def invoke_build(content: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """`invoke build` as an editor runs it, on another content folder."""
    return run_invoke("build", "--content", str(content), "--output", str(output), timeout=300)


@pytest.fixture
def first_run(hub: Path, platform_settings: CollectSettings) -> tuple[CollectReport, list[str]]:
    """The week's collection, and the progress lines it showed as it went."""
    lines: list[str] = []
    report = collect(hub, platform_settings, "Europe/Oslo", NOW, progress=lines.append)
    return report, lines


def test_every_source_is_read_and_said_so(first_run: tuple[CollectReport, list[str]]) -> None:
    """The broken sources are FAILED lines; a progress line per source; a summary of all."""
    report, lines = first_run
    failed = [line for line in report.lines if line.startswith("FAILED")]
    assert len(failed) == report.failed == 2, failed
    assert any("slow/feed.rss" in line and "timed out" in line for line in failed)
    assert any("huge/feed.rss" in line and "too large" in line for line in failed)
    assert report.fetched == len(FILM_FEEDS) + len(TRUSTED_FF) + len(UNTRUSTED_FF) + 1
    assert len([line for line in lines if line.startswith("fetched [")]) == report.fetched + 2
    assert len([line for line in lines if line.startswith("done ")]) == report.fetched
    made = report.made
    assert made["featured"] and made["follow-friday"] and made["video"]
    assert report.summary.startswith(f"{report.fetched} feeds fetched, 0 not modified, 2 failed; ")
    assert (
        f"{len(report.written)} new items written ({made['featured']} featured posts, "
        f"{made['follow-friday']} #FF shout-outs, {made['video']} films; "
        f"{report.drafts} as drafts)"
    ) in report.summary
    assert f"{report.counts['merged']} merged with the same from another source" in report.summary
    assert f"{report.counts['filtered']} skipped by a filter" in report.summary
    assert f"{report.drafts_waiting} collected drafts waiting for review." in report.summary


def test_shout_outs_keep_their_pictures_and_alt_text(
    hub: Path, first_run: tuple[CollectReport, list[str]]
) -> None:
    """Dated on a Friday, thanking handles; pictures saved here, without EXIF or GPS."""
    report, _lines = first_run
    shout_outs = headers(report, "follow-friday")
    assert len(shout_outs) == report.made["follow-friday"] >= 4
    for name, header in shout_outs.items():
        assert header["collected"] == "yes"
        assert datetime.date.fromisoformat(header["date"]).weekday() == 4, name
        assert all(h.strip().startswith("@") for h in header["handles"].split(",")), name
        text = (hub / "follow-friday" / name).read_text(encoding="utf-8")
        pictures = re.findall(r"!\[([^\]]*)\]\((/images/follow-friday/[^ )]+)", text)
        assert pictures, name
        for alt, site_path in pictures:
            assert "<" not in alt, (name, alt)
            with Image.open(hub / site_path.lstrip("/")) as image:
                exif = image.getexif()
                assert not exif.get_ifd(GPS_TAG), site_path
                assert 0x010F not in exif, site_path  # the camera's make is gone too
        # A picture without alt text makes a draft, whatever the source's trust.
        if any(not alt for alt, _path in pictures):
            assert header["status"] == "draft", name
    assert any(h.get("status") != "draft" for h in shout_outs.values())
    assert any(line.startswith("note ") and "Posted on" in line for line in report.lines)


def test_films_are_collected_once_with_their_posters(
    hub: Path, first_run: tuple[CollectReport, list[str]]
) -> None:
    """One file per film whatever the platforms carrying it; posters saved; drafts."""
    report, _lines = first_run
    films = headers(report, "videos")
    titles = [header["title"] for header in films.values()]
    assert len(titles) == len(set(titles)), titles
    assert titles.count("Harbour Lights at Dawn") == 1  # on YouTube, Vimeo and PeerTube
    assert "Autumn Reel" not in titles  # dated before the contest opened
    assert report.counts["outside_dates"] >= 1
    merged = [line for line in report.lines if line.startswith("merged ")]
    assert any(
        "Harbour Lights at Dawn" in line and "same title and date" in line for line in merged
    )
    providers = {urlsplit(h["video-url"]).hostname for h in films.values()}
    assert {"www.youtube.com", "vimeo.com"} <= providers and len(providers) >= 3
    for name, header in films.items():
        assert header["contest"] == "winter-light"
        assert header["status"] == "draft", name  # anyone can tag a film: an editor reviews it
        if not header["poster"]:  # the feed gave none: said, and left for the editor
            assert any(
                line.startswith("warning ") and header["title"] in line and "no poster" in line
                for line in report.lines
            ), name
            continue
        assert header["poster"].startswith("/images/posters/"), name
        assert (hub / header["poster"].lstrip("/")).is_file(), name
    assert sum(1 for h in films.values() if h["poster"]) >= len(films) - 1


def test_a_second_run_writes_nothing_and_the_status_table_is_right(
    hub: Path,
    platforms: PlatformServer,
    platform_settings: CollectSettings,
    first_run: tuple[CollectReport, list[str]],
) -> None:
    """Nothing new, nothing changed, no merge said twice; every source in the table."""
    before = snapshot(hub)
    again = collect(hub, platform_settings, "Europe/Oslo", NOW)
    assert again.written == []
    assert snapshot(hub) == before
    assert not [line for line in again.lines if line.startswith("merged ")]
    assert again.counts["merged"] == first_run[0].counts["merged"]
    table = status(hub, platform_settings, NOW)
    flat = table.replace("\n", "")
    for name in (*FILM_FEEDS, *TRUSTED_FF, *UNTRUSTED_FF):
        assert platforms.url(f"platforms/{name}") in flat, name
    assert "timed out" in table and "too large" in table
    assert "2 failing" in table or "failing: 2" in table or "2 sources failing" in table, table


def test_after_review_the_hub_the_gallery_and_the_contest_show_them(
    hub: Path, first_run: tuple[CollectReport, list[str]], tmp_path: Path
) -> None:
    """The build names what a draft lacks; reviewed, everything shows, nothing hostile."""
    report, _lines = first_run
    output = tmp_path / "output"
    built = invoke_build(hub, output)
    said = built.stdout + built.stderr
    assert built.returncode == 0, said
    shout_outs, films = headers(report, "follow-friday"), headers(report, "videos")
    lacking_alt = {n for n in shout_outs if "![](" in (hub / "follow-friday" / n).read_text()}
    assert lacking_alt
    for name in lacking_alt:  # the build says which picture needs alt text
        [line] = [line for line in said.splitlines() if f"follow-friday/{name}" in line]
        assert "has no alt text" in line and "/images/follow-friday/" in line, line
    for name, header in films.items():
        assert f"videos/{name}" in said, name  # a draft, left out, named
        if not header.get("duration"):  # YouTube's feeds give no running time
            [line] = [line for line in said.splitlines() if f"videos/{name}" in line]
            assert "duration" in line, line

    # The editor reviews: a running time where the feed gave none, then publish.
    for name, header in films.items():
        path = hub / "videos" / name
        text = path.read_text(encoding="utf-8").replace("Status: draft", "Status: published")
        if not header.get("duration"):
            text = text.replace("Duration:\n", "Duration: 1:58\n")
        if not header.get("poster"):  # a still the editor made
            Image.new("RGB", (1280, 720), "navy").save(hub / "images" / "posters" / f"{name}.png")
            text = text.replace("Poster:\n", f"Poster: /images/posters/{name}.png\n")
        path.write_text(text, encoding="utf-8")
    for name in set(shout_outs) - lacking_alt:
        path = hub / "follow-friday" / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Status: draft", "Status: published"), encoding="utf-8")
    built = invoke_build(hub, output)
    assert built.returncode == 0, built.stdout + built.stderr

    gallery = BeautifulSoup((output / "follow-friday" / "index.html").read_text(), "lxml")
    contest = BeautifulSoup(
        (output / "contests" / "winter-light" / "index.html").read_text(), "lxml"
    )
    hub_pages = " ".join(p.read_text() for p in (output / "hub").rglob("index.html"))
    for name in set(shout_outs) - lacking_alt:
        slug = name.removesuffix(".md")
        assert gallery.find("a", href=re.compile(f"/follow-friday/{slug}/$")), slug
        assert f"/follow-friday/{slug}/" in hub_pages, slug
    for name in lacking_alt:
        assert not (output / "follow-friday" / name.removesuffix(".md")).exists()
    for name in films:
        slug = name.removesuffix(".md")
        assert contest.find("a", href=re.compile(f"/videos/{slug}/$")), slug
        assert f"/videos/{slug}/" in hub_pages, slug
        page = BeautifulSoup((output / "videos" / slug / "index.html").read_text(), "lxml")
        facade = page.select_one("a.facade")
        assert facade is not None and facade.get("data-embed"), slug
        # Nothing from the platform loads before play: no frame, no picture from there.
        assert page.find("iframe") is None
        for tag in page.find_all(["img", "source"]):
            for attribute in ("src", "srcset"):
                assert "://" not in str(tag.get(attribute, "")), (slug, tag)
    assert_nothing_hostile(output)


def assert_nothing_hostile(output: Path) -> None:
    """No script, handler or javascript: link from outside in any page or feed."""
    for page_path in output.rglob("*.html"):
        page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "lxml")
        for script in page.find_all("script"):
            # Structured data is data, not run: it may quote a title, never break out.
            assert "<" not in script.get_text(), page_path
            if script.get("type") != "application/ld+json":
                assert "alert" not in script.get_text(), page_path
        for tag in page.find_all(True):
            for attribute, value in tag.attrs.items():
                assert not attribute.lower().startswith("on"), (page_path, tag.name, attribute)
                assert "javascript:" not in str(value).lower(), (page_path, tag.name, value)
    for feed_path in (output / "feeds").glob("*.xml"):
        parsed = feedparser.parse(feed_path.read_bytes())
        assert not parsed.bozo, (feed_path, parsed.get("bozo_exception"))
        for entry in parsed.entries:
            details = [entry.get("summary_detail") or {}, *entry.get("content", [])]
            for detail in details:
                if detail.get("type") != "text/html":  # plain text shows markup as typed
                    continue
                soup = BeautifulSoup(detail.get("value", ""), "html.parser")
                assert soup.find("script") is None, feed_path
                assert not any(
                    a.lower().startswith("on") for tag in soup.find_all(True) for a in tag.attrs
                ), feed_path


def test_a_source_that_asks_to_wait_is_not_fetched_until_then(
    hub: Path, platforms: PlatformServer, settings: CollectSettings
) -> None:
    """A 429 with Retry-After: one failed line, then the source waits; --force fetches it."""
    busy = replace(
        settings, follow_friday_feeds=(FollowFridayFeed(platforms.url("busy/feed.rss")),)
    )
    first = collect(hub, busy, "UTC", NOW)
    assert first.failed >= 1
    assert any("busy/feed.rss" in line and "HTTP 429" in line for line in first.lines)
    assert platforms.hits["/busy/feed.rss"] == 1
    later = collect(hub, busy, "UTC", NOW + timedelta(minutes=30))
    [waiting] = [line for line in later.lines if line.startswith("waiting ")]
    assert "busy/feed.rss" in waiting and "Retry-After" in waiting
    assert later.waiting == 1 and "1 waiting" in later.summary
    assert platforms.hits["/busy/feed.rss"] == 1  # not asked again
    forced = collect(hub, busy, "UTC", NOW + timedelta(minutes=31), force=True)
    assert forced.waiting == 0
    assert platforms.hits["/busy/feed.rss"] == 2
    assert "busy/feed.rss" in status(hub, busy, NOW).replace("\n", "")


def test_invoke_collect_status_lists_every_source(hub: Path) -> None:
    """`invoke collect --status` prints the table of the content folder's sources."""
    result = run_invoke("collect", "--status", "--content", str(hub), timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["SOURCE", "KIND", "LAST", "SUCCESS", "FAILURES", "NEXT", "FETCH"]
    rows = [line for line in lines if line and not line.startswith(" ")]
    assert len([row for row in rows if row.startswith("Ada Lens ")]) == 1
    assert len([row for row in rows if row.startswith("contest Winter Light ")]) == len(FILM_FEEDS)
    assert [line for line in lines if line][-1].startswith(
        f"{len(FILM_FEEDS) + 1} sources, 0 failing"
    )
    assert "Traceback" not in result.stderr


def test_invoke_collect_with_settings_of_its_own(
    hub: Path, platforms: PlatformServer, tmp_path: Path
) -> None:
    """`invoke collect --settings`: the #FF feeds of a settings file, as a maintainer sets them."""
    settings_file = tmp_path / "collectconf.py"
    own = platforms.url("platforms/mastodon-account.rss")
    hashtag = platforms.url("platforms/mastodon-tag.rss")
    settings_file.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"COLLECT_FOLLOW_FRIDAY_FEEDS = [{own!r}, {{'url': {hashtag!r}, 'trusted': False}}]\n"
        f"COLLECT_CACHE_PATH = {str(tmp_path / 'state.json')!r}\n",
        encoding="utf-8",
    )

    def run() -> subprocess.CompletedProcess[str]:
        return run_invoke("collect", "--settings", str(settings_file), "--content", str(hub))

    first = run()
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert any(line.startswith("fetched [") and own in line for line in lines)
    assert any(line.startswith("new #FF feed: ") for line in lines)
    assert any(line.startswith("new contest Winter Light: ") for line in lines)
    assert sorted((hub / "follow-friday").glob("ff-*.md"))
    assert (tmp_path / "state.json").is_file()
    second = run()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "; 0 new items written;" in second.stdout.splitlines()[-1]
    assert "Traceback" not in first.stderr + second.stderr
