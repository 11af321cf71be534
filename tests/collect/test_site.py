"""The built site shows collected posts; `invoke collect` prints a summary and an exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from feed_server import NOW, AddBlogger, FeedServer
from helpers import free_port

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings

ROOT = Path(__file__).resolve().parents[2]


def point_ada_at(minimal_copy: Path, url: str) -> None:
    """Move the minimal site's blogger onto the local server."""
    ada = minimal_copy / "bloggers" / "ada-lens.md"
    ada.write_text(ada.read_text().replace("https://ada.example/feed.xml", url))


def test_the_built_site_shows_collected_posts(
    minimal_copy: Path, feeds: FeedServer, settings: CollectSettings, build
) -> None:
    """A collected post has its page (excerpt, link to the original), is in the hub and feeds."""
    point_ada_at(minimal_copy, feeds.url("feed/rss-2.0.xml"))
    [path] = collect(minimal_copy, settings, "Europe/Oslo", NOW).written
    assert path.name == "rss-2-0-post-about-the-lumen.md"
    output = build(minimal_copy)
    page = BeautifulSoup(
        (output / "bloggers" / "ada-lens" / path.stem / "index.html").read_text(), "lxml"
    )
    assert page.h1.get_text() == "RSS 2.0 post about the Lumen"
    excerpt = page.select_one(".excerpt blockquote")
    assert excerpt["cite"] == feeds.url("rss20/1")
    assert excerpt.get_text(strip=True) == (
        "The Lumen camera is good, really. It is fast. A third sentence."
    )
    assert page.find("a", href=feeds.url("rss20/1")) is not None
    assert page.select_one(".collected") is not None
    hub = (output / "hub" / "bloggers" / "index.html").read_text()
    assert "RSS 2.0 post about the Lumen" in hub
    blogger_page = (output / "bloggers" / "ada-lens" / "index.html").read_text()
    assert f"bloggers/ada-lens/{path.stem}/" in blogger_page
    feed = (output / "feeds" / "bloggers.atom.xml").read_text()
    assert "RSS 2.0 post about the Lumen" in feed


def test_plain_text_titles_are_shown_as_written(
    minimal_copy: Path, feeds: FeedServer, settings: CollectSettings, build
) -> None:
    """An ampersand and a '<3' in a title reach the page once escaped, not twice."""
    point_ada_at(minimal_copy, feeds.url("feed/atom-1.0.xml"))
    [path] = collect(minimal_copy, settings, "UTC", NOW).written
    output = build(minimal_copy)
    html = (output / "bloggers" / "ada-lens" / path.stem / "index.html").read_text()
    assert BeautifulSoup(html, "lxml").h1.get_text() == "Atom 1.0 post: Tom & Jerry <3 the Lumen"
    assert "&amp;amp;" not in html


def run_invoke(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run `invoke collect` in the project, as an editor does."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", "collect", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_invoke_collect_exits_non_zero_when_a_feed_failed(
    content: Path, feeds: FeedServer, blogger: AddBlogger
) -> None:
    """Every line, then the counts; status 1 because one feed failed. (A dry run: no cache.)"""
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    blogger("dead", dead)
    blogger("pocket-lens", feeds.url("feed/rss-2.0.xml"))
    result = run_invoke("--content", str(content), "--dry-run")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    # Why filtered: a progress line per feed comes first, in the order the fetches end.
    fetched = sorted(line.split("] ", 1)[1] for line in lines if line.startswith("fetched ["))
    assert fetched[0] == f"Dead ({dead}): failed"
    assert fetched[1].startswith(f"Pocket Lens ({feeds.url('feed/rss-2.0.xml')}): ")
    assert [line for line in lines if not line.startswith(("fetched ", "done "))] == [
        f"FAILED Dead ({dead}): connection refused",
        "new Pocket Lens: rss-2-0-post-about-the-lumen.md (dry run: not written)",
        "1 feeds fetched, 0 not modified, 1 failed; 1 new item would be written (dry run) "
        "(1 featured post); 0 collected drafts waiting for review.",
    ]
    assert "Traceback" not in result.stderr
    assert not (content / "featured").exists()


def test_invoke_collect_exits_zero_when_every_feed_was_read(
    content: Path, feeds: FeedServer, blogger: AddBlogger
) -> None:
    """No failure, status 0."""
    blogger("pocket-lens", feeds.url("feed/rss-without-entries.xml"))
    result = run_invoke("--content", str(content), "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("1 feeds fetched, 0 not modified, 0 failed")


def test_invoke_collect_without_a_content_folder_says_so(tmp_path: Path) -> None:
    """A clear line and status 2, no traceback."""
    result = run_invoke("--content", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"There is no {tmp_path / 'nowhere' / 'bloggers'} folder: pass --content."
    )
