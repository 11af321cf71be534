"""What is new, what is kept, and where it is written: never over an editor's file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from feed_server import NOW, AddBlogger, FeedServer, featured_problems

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header


def titles(paths: list[Path]) -> list[str]:
    """The titles of written files, sorted."""
    return sorted(read_header(path)["title"] for path in paths)


def test_a_second_run_writes_nothing_even_without_the_cache(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """Entry ids and original URLs in content/featured/ decide what is new."""
    blogger("pocket-lens", feeds.url("feed/rss-2.0.xml"))
    assert len(collect(content, settings, "UTC", NOW).written) == 1
    settings.cache_path.unlink()
    assert collect(content, settings, "UTC", NOW).written == []
    assert len(list((content / "featured").iterdir())) == 1


def test_an_edited_collected_file_is_never_overwritten(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """An editor annotates one file and renames another; the next runs leave both alone."""
    blogger("pocket-lens", feeds.url("feed/rss-2.0.xml"))
    blogger("atom", feeds.url("feed/atom-1.0.xml"))
    first, second = collect(content, settings, "UTC", NOW).written
    annotated = first.read_text().replace("Editor-Note:", "Editor-Note: Worth reading.")
    annotated = annotated.replace("Excerpt: ", "Excerpt: Edited. ")
    first.write_text(annotated)
    renamed = second.with_name("renamed-by-editor.md")
    second.rename(renamed)
    settings.cache_path.unlink()  # the feeds are read again in full
    assert collect(content, settings, "UTC", NOW).written == []
    assert first.read_text() == annotated
    assert not second.exists() and renamed.exists()


def test_an_editor_written_link_with_another_form_is_not_collected_again(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """http/https, the host's case and a closing slash do not make a post new."""
    (content / "featured").mkdir()
    (content / "featured" / "by-hand.md").write_text(
        "Title: Written by hand\nBlogger: pocket-lens\n"
        f"Original-URL: {feeds.url('rss20/1/').replace('http://127.0.0.1', 'https://127.0.0.1')}\n"
        "Date: 2026-11-16\nExcerpt: By hand.\n",
        encoding="utf-8",
    )
    blogger("pocket-lens", feeds.url("feed/rss-2.0.xml"))
    assert collect(content, settings, "UTC", NOW).written == []


def test_slugs_are_unique_across_items_and_files_are_never_replaced(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A title taken by a company post or another file gets -2, -3; the other file is untouched."""
    (content / "posts").mkdir()
    post = content / "posts" / "same-title.md"
    post.write_text("Title: Same title\n", encoding="utf-8")
    (content / "featured").mkdir()
    hand = content / "featured" / "same-title-2.md"
    hand.write_text("Title: Same title\nOriginal-URL: https://elsewhere.example/\n")
    blogger("pocket-lens", feeds.url("feed/relative-links-atom.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert sorted(p.name for p in report.written) == [
        "relative-link.md",
        "same-title-3.md",
        "same-title-4.md",
    ]
    assert post.read_text() == "Title: Same title\n"
    assert hand.read_text().startswith("Title: Same title\nOriginal-URL: https://elsewhere")
    assert all(featured_problems(path) == [] for path in report.written)


def test_the_blogger_filter_keeps_matching_words_and_tags(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """Whole words, any case, in the title, the text or the tags; empty keeps every post."""
    blogger("picky", feeds.url("feed/filter-rss.xml"), words="Lumen, Lumen Mobile")
    report = collect(content, settings, "UTC", NOW)
    assert titles(report.written) == ["Holiday pictures", "My Lumen X2 review", "Tagged post"]
    blogger("picky", feeds.url("feed/filter-rss.xml"), words="")
    settings.cache_path.unlink()
    rest = collect(content, settings, "UTC", NOW)
    assert titles(rest.written) == ["Illumenated signs", "Pasta recipe"]


def test_a_first_collection_reaches_back_max_age_days_and_later_runs_keep_to_it(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """Old posts stay out, now and later; undated ones are kept; a future date becomes now."""
    blogger("pocket-lens", feeds.url("feed/old-and-new-rss.xml"))
    limited = replace(settings, max_age_days=30)
    report = collect(content, limited, "UTC", NOW)
    assert titles(report.written) == [
        "A new Lumen post",
        "A post from the future",
        "An undated Lumen post",
    ]
    dates = {read_header(p)["title"]: read_header(p)["date"] for p in report.written}
    assert dates["A post from the future"] == dates["An undated Lumen post"] == "2026-11-24 12:00"
    cache = json.loads(limited.cache_path.read_text(encoding="utf-8"))
    assert cache[feeds.url("feed/old-and-new-rss.xml")]["since"] == "2026-10-25T12:00:00+00:00"
    later = replace(limited, max_age_days=3650)  # a changed setting does not widen a feed's start
    assert collect(content, later, "UTC", NOW).written == []


def test_no_age_limit(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """COLLECT_MAX_AGE_DAYS = 0 keeps every post of the feed."""
    blogger("pocket-lens", feeds.url("feed/old-and-new-rss.xml"))
    report = collect(content, replace(settings, max_age_days=0), "UTC", NOW)
    assert len(report.written) == 4


def test_a_dry_run_writes_nothing_and_keeps_no_cache(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """It says which files it would write, and writes none."""
    blogger("pocket-lens", feeds.url("etag/relative-links-atom.xml"))
    report = collect(content, settings, "UTC", NOW, dry_run=True)
    assert sorted(p.name for p in report.written) == [
        "relative-link.md",
        "same-title-2.md",
        "same-title.md",
    ]
    assert "new Pocket Lens: same-title.md (dry run: not written)" in report.lines
    assert report.summary.endswith(
        "3 new items would be written (dry run) (3 featured posts); "
        "0 collected drafts waiting for review."
    )
    assert not (content / "featured").exists()
    assert not settings.cache_path.exists()


def test_an_unreadable_featured_file_is_a_warning(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A featured file that is not UTF-8 is named; the run goes on."""
    (content / "featured").mkdir()
    (content / "featured" / "latin1.md").write_bytes("Title: Caf\xe9\n".encode("latin-1"))
    blogger("pocket-lens", feeds.url("feed/rss-2.0.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert report.ok and len(report.written) == 1
    assert any("latin1.md" in line and line.startswith("warning") for line in report.lines)
