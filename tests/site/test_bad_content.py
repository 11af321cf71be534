"""A table of bad content files and the exact one-line message each must produce.

Each case adds one broken file to a copy of the minimal site and builds it for
real; the build must stop with exactly the expected problem, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from socialhub.errors import ContentError
from socialhub.guide import MESSAGES

ROOT = Path(__file__).resolve().parents[2]

POST = "Title: A post\nDate: 2026-11-10\nAuthor: Mara\nSummary: Short.\n"
BLOGGER = (
    "Name: Nina\nBlog-Name: Pocket Lens\nBlog-URL: https://nina.example/\n"
    "Feed-URL: https://nina.example/feed.xml\nAvatar: /images/avatars/ada.png\n"
    "Member-Since: 2025-02-01\n"
)
FEATURED = (
    "Title: A review\nBlogger: ada-lens\nOriginal-URL: https://ada.example/r/\n"
    "Date: 2026-11-09\nExcerpt: Good phone.\n"
)
SHOUTOUT = (
    "Title: #FF\nDate: 2026-11-13\nHandles: @ada\nCaption: Thanks!\n"
    "Original-URL: https://social.example/@lumen/2\n"
)
CONTEST = (
    "Name: Day Shorts\nDevice: Lumen X2\nOpens: 2026-11-01\nCloses: 2026-12-01\n"
    "Prizes: A phone\nSummary: Films by day.\n"
)
VIDEO = (
    "Title: Second Film\nDate: 2026-09-12\nEntrant: Ola\nContest: night-shorts\n"
    "Video-URL: https://vimeo.com/123456\nPoster: /images/posters/first-film.png\n"
    "Duration: 1:10\n"
)
COMMENT = "Author: Kim\nDate: 2026-11-04 10:00\n"
IMAGE = '![ADA in phones](/images/ff/ada.png "Ada")'


@dataclass(frozen=True)
class Case:
    """A bad file, where it goes, and the problem lines the build must print."""

    name: str
    path: str
    text: str | bytes
    expected: tuple[str, ...]


CASES = [
    Case(
        "post_missing_title",
        "posts/bad.md",
        "Date: 2026-11-10\nAuthor: Mara\nSummary: Short.\n\nBody.\n",
        (
            "content/posts/bad.md: title: missing; add a line 'Title: Our year with you' "
            "(the headline)",
        ),
    ),
    Case(
        "post_with_impossible_date",
        "posts/bad.md",
        POST.replace("2026-11-10", "2026-13-45") + "\nBody.\n",
        (
            "content/posts/bad.md: date: '2026-13-45' is not a date; write it as YYYY-MM-DD "
            "or YYYY-MM-DD HH:MM, e.g. 2026-11-20 09:00",
        ),
    ),
    Case(
        "post_with_misspelt_field",
        "posts/bad.md",
        POST + "Tgas: cameras\n\nBody.\n",
        ("content/posts/bad.md: tgas: unknown field for a company post; did you mean 'Tags'?",),
    ),
    Case(
        "post_with_unknown_field",
        "posts/bad.md",
        POST + "Mood: happy\n\nBody.\n",
        (
            "content/posts/bad.md: mood: unknown field for a company post; remove it or use "
            "one of: Title, Date, Author, Tags, Summary, Image, Modified, Comments, Status",
        ),
    ),
    Case(
        "post_with_comments_maybe",
        "posts/bad.md",
        POST + "Comments: maybe\n\nBody.\n",
        ("content/posts/bad.md: comments: 'maybe' is not yes or no; write yes or no",),
    ),
    Case(
        "post_with_status_typo",
        "posts/bad.md",
        POST + "Status: publish\n\nBody.\n",
        (
            "content/posts/bad.md: status: 'publish' is not one of: published, draft; "
            "did you mean 'published'?",
        ),
    ),
    Case(
        "post_with_missing_image_file",
        "posts/bad.md",
        POST + "Image: /images/nope.png\n\nBody.\n",
        (
            "content/posts/bad.md: image: the image /images/nope.png does not exist; "
            "put the file at content/images/nope.png or fix the path",
        ),
    ),
    Case(
        "post_with_remote_image",
        "posts/bad.md",
        POST + "Image: https://cdn.example/x.png\n\nBody.\n",
        (
            "content/posts/bad.md: image: 'https://cdn.example/x.png' is on another site; "
            "save the picture under content/images/ and give its path: readers' browsers "
            "must not call other sites",
        ),
    ),
    Case(
        "post_without_body",
        "posts/bad.md",
        POST,
        (
            "content/posts/bad.md: body: missing: a company post needs the post itself, in "
            "Markdown; write it below the header, after one empty line",
        ),
    ),
    Case(
        "post_with_html_title",
        "posts/bad.md",
        POST.replace("A post", "<b>A post</b>") + "\nBody.\n",
        ("content/posts/bad.md: title: contains HTML; write plain text without tags",),
    ),
    Case(
        "post_with_scaffold_placeholder",
        "posts/bad.md",
        POST.replace("Mara", "TODO: who wrote it (e.g. Mara Lindqvist)") + "\nBody.\n",
        (
            "content/posts/bad.md: author: still holds the scaffold's placeholder; replace it: "
            "who wrote it (e.g. Mara Lindqvist)",
        ),
    ),
    Case(
        "blogger_with_url_without_scheme",
        "bloggers/nina.md",
        BLOGGER.replace("https://nina.example/\n", "nina.example\n") + "\nBio.\n",
        (
            "content/bloggers/nina.md: blog-url: 'nina.example' is not an absolute http(s) "
            "URL; write the full address, e.g. https://pocketlens.example/",
        ),
    ),
    Case(
        "blogger_with_bad_handle",
        "bloggers/nina.md",
        BLOGGER + "Handles: @nina, nina at home\n\nBio.\n",
        (
            "content/bloggers/nina.md: handles: 'nina at home' is not a handle; write @name or "
            "@name@server, e.g. @ninaokafor",
        ),
    ),
    Case(
        "blogger_without_avatar",
        "bloggers/nina.md",
        BLOGGER.replace("Avatar: /images/avatars/ada.png\n", "") + "\nBio.\n",
        (
            "content/bloggers/nina.md: avatar: missing; add a line 'Avatar: "
            "/images/avatars/nina-okafor.png' (a square picture under content/images/)",
        ),
    ),
    Case(
        "featured_with_unknown_blogger",
        "featured/bad.md",
        FEATURED.replace("ada-lens", "ada-lense"),
        ("content/featured/bad.md: blogger: no blogger 'ada-lense'; did you mean 'ada-lens'?",),
    ),
    Case(
        "featured_with_body",
        "featured/bad.md",
        FEATURED + "\nA long review copied here.\n",
        (
            "content/featured/bad.md: body: a featured blogger post has no body, but this file "
            "has text below its header; move the text into a field (see invoke new featured) "
            "or delete it; a header line without 'Field: value' also ends the header",
        ),
    ),
    Case(
        "featured_with_unknown_verdict",
        "featured/bad.md",
        FEATURED + "Verdict: good\n",
        (
            "content/featured/bad.md: verdict: 'good' is not one of: praise, mixed, criticism; "
            "use one of: praise, mixed, criticism",
        ),
    ),
    Case(
        "shoutout_on_a_thursday",
        "follow-friday/bad.md",
        SHOUTOUT.replace("2026-11-13", "2026-11-12") + "\n" + IMAGE + "\n",
        (
            "content/follow-friday/bad.md: date: 2026-11-12 is a Thursday, not a Friday; "
            "#FF is posted on Fridays: use the Friday of that week, 2026-11-13",
        ),
    ),
    Case(
        "shoutout_image_without_alt",
        "follow-friday/bad.md",
        SHOUTOUT + "\n![](/images/ff/ada.png)\n",
        (
            "content/follow-friday/bad.md: images: the 1st image (/images/ff/ada.png) has no "
            "alt text; describe the picture between the brackets: ![what it shows](path)",
        ),
    ),
    Case(
        "shoutout_image_missing",
        "follow-friday/bad.md",
        SHOUTOUT + "\n" + IMAGE + "\n\n![Two](/images/ff/two.png)\n",
        (
            "content/follow-friday/bad.md: images: the 2nd image (/images/ff/two.png) does not "
            "exist; put the file at content/images/ff/two.png or fix the path",
        ),
    ),
    Case(
        "shoutout_without_image",
        "follow-friday/bad.md",
        SHOUTOUT + "\nThanks to everyone!\n",
        (
            "content/follow-friday/bad.md: images: no picture: an #FF shout-out needs at least "
            "one image; add one below the header: ![The name NINA spelled with twelve phones on "
            'a desk](/images/follow-friday/example.png "Nina, in phones")',
        ),
    ),
    Case(
        "shoutout_with_wordy_reshares",
        "follow-friday/bad.md",
        SHOUTOUT + "Reshares: many\n\n" + IMAGE + "\n",
        (
            "content/follow-friday/bad.md: reshares: 'many' is not a whole number; write digits "
            "only, e.g. 12",
        ),
    ),
    Case(
        "contest_with_unknown_status",
        "contests/bad.md",
        CONTEST + "Status: finished\n\nRules.\n",
        (
            "content/contests/bad.md: status: 'finished' is not one of: open, judging, closed; "
            "use one of: open, judging, closed",
        ),
    ),
    Case(
        "contest_closing_before_it_opens",
        "contests/bad.md",
        CONTEST.replace("2026-12-01", "2026-10-01") + "Status: open\n\nRules.\n",
        (
            "content/contests/bad.md: closes: 2026-10-01 is before the contest opens "
            "(2026-11-01); swap the dates or fix one of them",
        ),
    ),
    Case(
        "contest_with_unknown_winner",
        "contests/bad.md",
        CONTEST + "Status: closed\nWinners: frist-film\n\nRules.\n",
        ("content/contests/bad.md: winners: no video 'frist-film'; did you mean 'first-film'?",),
    ),
    Case(
        "contest_open_with_winners",
        "contests/bad.md",
        CONTEST + "Status: open\nWinners: first-film\n\nRules.\n",
        (
            "content/contests/bad.md: winners: a contest still open has no winners yet; remove "
            "the Winners line, or set Status: closed",
            "content/contests/bad.md: winners: the video 'first-film' was entered in "
            "'night-shorts', not in this contest; list only this contest's videos",
        ),
    ),
    Case(
        "video_with_unknown_contest",
        "videos/bad.md",
        VIDEO.replace("night-shorts", "night-short") + "\nA film.\n",
        ("content/videos/bad.md: contest: no contest 'night-short'; did you mean 'night-shorts'?",),
    ),
    Case(
        "video_on_an_unknown_host",
        "videos/bad.md",
        VIDEO.replace("https://vimeo.com/123456", "https://dailymotion.example/x8") + "\nFilm.\n",
        (
            "content/videos/bad.md: video-url: 'https://dailymotion.example/x8' is not a YouTube "
            "or Vimeo video, nor a video file; give a youtube.com/watch?v=…, youtu.be/…, "
            "vimeo.com/<number> URL, or a .mp4/.webm file under content/media/",
        ),
    ),
    Case(
        "video_with_wordy_duration",
        "videos/bad.md",
        VIDEO.replace("1:10", "3 minutes") + "\nA film.\n",
        (
            "content/videos/bad.md: duration: '3 minutes' is not a duration; write "
            "minutes:seconds or hours:minutes:seconds, e.g. 3:25",
        ),
    ),
    Case(
        "video_winner_not_listed_by_its_contest",
        "videos/bad.md",
        VIDEO + "Award: winner\n\nA film.\n",
        (
            "content/videos/bad.md: award: 'winner', but the contest 'night-shorts' does not "
            "list it in its Winners; add 'bad' to Winners in content/contests/night-shorts.md, "
            "or change the Award",
        ),
    ),
    Case(
        "video_with_missing_local_file",
        "videos/bad.md",
        VIDEO.replace("https://vimeo.com/123456", "/media/gone.webm") + "\nA film.\n",
        (
            "content/videos/bad.md: video-url: the video /media/gone.webm does not exist; "
            "put the file at content/media/gone.webm or fix the path",
        ),
    ),
    Case(
        "comment_replying_to_unknown_comment",
        "comments/first-post/c-20261104-dddd.md",
        COMMENT + "Reply-To: c-20261102-aaab\n\nHi.\n",
        (
            "content/comments/first-post/c-20261104-dddd.md: reply-to: no comment "
            "'c-20261102-aaab' on this item; did you mean 'c-20261102-aaaa'?",
        ),
    ),
    Case(
        "comment_on_unknown_item",
        "comments/frist-post/c-20261104-dddd.md",
        COMMENT + "\nHi.\n",
        (
            "content/comments/frist-post/c-20261104-dddd.md: item: no post, featured post, #FF "
            "or video 'frist-post'; did you mean 'first-post'?",
        ),
    ),
    Case(
        "webmention_without_source_url",
        "comments/first-post/c-20261104-dddd.md",
        COMMENT + "Source: webmention\n\nLinked.\n",
        (
            "content/comments/first-post/c-20261104-dddd.md: source-url: missing: a Webmention "
            "needs the page that links here; add 'Source-URL: https://…'",
        ),
    ),
    Case(
        "comment_outside_an_item_folder",
        "comments/c-20261104-dddd.md",
        COMMENT + "\nHi.\n",
        (
            "content/comments/c-20261104-dddd.md: file: a comment must be in the folder of the "
            "item it is about; move it to content/comments/<item-slug>/",
        ),
    ),
    Case(
        "post_in_latin1",
        "posts/bad.md",
        (POST + "\nCaf\u00e9.\n").encode("latin-1"),
        (
            "content/posts/bad.md: file: not UTF-8 text (byte 0xe9 on line 6); re-save the "
            "file with UTF-8 encoding",
        ),
    ),
    Case(
        "empty_file",
        "posts/bad.md",
        "",
        (
            "content/posts/bad.md: file: the file is empty; start from a template: invoke new "
            'post "<title>"',
        ),
    ),
    Case(
        "file_in_unknown_folder",
        "articles/bad.md",
        POST + "\nBody.\n",
        (
            "content/articles/bad.md: file: not in a known folder; move it into one of "
            "content/posts/, content/bloggers/, content/featured/, content/follow-friday/, "
            "content/contests/, content/videos/, content/comments/",
        ),
    ),
    Case(
        "text_file_among_posts",
        "posts/notes.txt",
        "Ideas for posts.\n",
        (
            "content/posts/notes.txt: file: '.txt' files are not read in content/posts/; write "
            "items as Markdown files ending in .md; put pictures in content/images/",
        ),
    ),
    Case(
        "video_slug_taken_by_a_post",
        "videos/first-post.md",
        VIDEO + "\nA film.\n",
        (
            "content/videos/first-post.md: file: the slug 'first-post' is also used by "
            "content/posts/first-post.md; rename one of the two files: comments and feeds need "
            "each item's slug to be unique",
        ),
    ),
    Case(
        "post_with_html_in_a_tag",
        "posts/bad.md",
        POST + "Tags: <b>Cameras</b>, News\n\nBody.\n",
        ("content/posts/bad.md: tags: contains HTML; write plain text without tags",),
    ),
    Case(
        "post_with_an_entity_in_its_title",
        "posts/bad.md",
        POST.replace("A post", "Tips &amp; tricks") + "\nBody.\n",
        (
            "content/posts/bad.md: title: contains the HTML entity '&amp;'; write the "
            "character itself: &",
        ),
    ),
    Case(
        "contest_with_html_in_its_prizes",
        "contests/bad.md",
        CONTEST.replace("A phone", "<em>A phone</em>") + "Status: open\n\n1. Film by day.\n",
        ("content/contests/bad.md: prizes: contains HTML; write plain text without tags",),
    ),
    Case(
        "post_summary_with_a_picture_from_another_site",
        "posts/bad.md",
        POST.replace("Short.", "Short ![x](https://cdn.example/x.png)") + "\nBody.\n",
        (
            "content/posts/bad.md: summary: line 4: the picture https://cdn.example/x.png is "
            "on another site; save it under content/images/: readers' browsers must not call "
            "other sites",
        ),
    ),
]


def _write(content: Path, case: Case) -> None:
    path = content / case.path
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(case.text, bytes):
        path.write_bytes(case.text)
    else:
        path.write_text(case.text, encoding="utf-8")


def test_the_table_covers_every_kind_and_at_least_25_cases() -> None:
    """The issue asks for at least 25 cases over every kind."""
    folders = {case.path.split("/")[0] for case in CASES}
    assert len(CASES) >= 25
    assert {"posts", "bloggers", "featured", "follow-friday", "contests", "videos"} <= folders
    assert "comments" in folders


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_file_gives_its_exact_message(
    case: Case, minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """The build stops with exactly the expected problem for this file."""
    _write(minimal_copy, case)
    with pytest.raises(ContentError) as raised:
        build(minimal_copy)
    assert [str(problem) for problem in raised.value.problems] == list(case.expected)


def test_all_bad_files_at_once_are_all_reported_without_traceback(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """`invoke build` lists every file's problem, one per line, exits 1, shows no traceback."""
    paths = []
    for number, case in enumerate(CASES):
        # Give every case its own file so that all of them sit in one content folder.
        stem = case.path.rsplit("/", 1)[-1].split(".")[0]
        unique = f"{stem}-{number:02d}" if stem != "c-20261104-dddd" else f"c-20261104-{number:04d}"
        path = case.path.replace(f"{stem}.", f"{unique}.")
        if case.name == "video_slug_taken_by_a_post":
            path = case.path
        _write(minimal_copy, Case(case.name, path, case.text, ()))
        paths.append(f"content/{path}")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "build",
            "--content",
            str(minimal_copy),
            "--output",
            str(tmp_path / "output"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    for path in paths:
        assert any(line.startswith(f"{path}: ") for line in lines), path
    assert not (tmp_path / "output" / "index.html").exists()


def test_every_message_in_the_editors_guide_is_what_the_build_prints() -> None:
    """The guide quotes messages word for word: each must be one of this table's."""
    produced = {line for case in CASES for line in case.expected}
    for message, _meaning in MESSAGES:
        assert message in produced, message
