"""Likes, reposts, replies and bookmarks from a blogger's site, through to the built page.

A local "blogger site" serves real posts marked up with microformats2 (h-entry
with u-like-of, u-repost-of, u-in-reply-to, u-bookmark-of, an h-card with a
u-photo). Each is sent to the real service, verified, approved as a moderator
does, and the minimal site is built; the item page is read with BeautifulSoup
and mf2py as a reader and another site would read it.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mf2py
import pytest
from bs4 import BeautifulSoup
from PIL import Image
from werkzeug.test import Client

from socialhub.comments.app import CommentService
from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig
from socialhub.comments.moderation import approve
from socialhub.comments.photos import SIZE, small_jpeg
from socialhub.comments.queue import Queue
from socialhub.comments.webmention import read_mention
from socialhub.headers import read_header
from socialhub.htmlcheck import VNU_JAR, check_html

ROOT = Path(__file__).resolve().parents[2]

TARGET = "http://127.0.0.1:8000/posts/first-post/"
PARENT = "c-20261102-aaaa"  # Sam Reader's comment in the minimal site
REPLY_TEXT = (
    "I tried the night mode on the ferry last week and the sky stayed black. "
    "The orange cast from the street lights is gone, and focusing is quicker. " * 3
).strip()


def photo_with_exif() -> bytes:
    """A 300 by 200 JPEG that carries EXIF (a camera make and a GPS-like comment)."""
    picture = Image.new("RGB", (300, 200), (200, 40, 90))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x9286] = "taken at home, 59.9N 10.7E"  # UserComment
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def entry(prop: str, author: str, website: str, words: str, *, photo: str = "", to: str = TARGET):
    """A blogger's post: an h-entry whose ``prop`` (u-like-of, …) points at ``to``."""
    picture = f'<img class="u-photo" src="{photo}" alt="">' if photo else ""
    link = f'<a class="{prop}" href="{to}">the post</a>' if prop else f'<a href="{to}">the post</a>'
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{author}'s post</title></head><body>
<article class="h-entry">
  <header class="p-author h-card">{picture}
    <a class="p-name u-url" href="{website}">{author}</a></header>
  <p class="p-summary">{words[:60]}</p>
  <div class="e-content"><p>{words} About {link}.</p></div>
</article></body></html>"""


def blogger_site(pages) -> dict[str, str]:
    """The blogger site's posts (path → the role of the post); Ana's picture at /ana.jpg."""
    pages.pages["/ana.jpg"] = (200, photo_with_exif())
    posts = {
        "/likes/ana": ("u-like-of", "Ana Lind", "https://ana.example/", "Liked.", "/ana.jpg"),
        "/likes/bo": ("u-like-of", "Bo Berg", "https://bo.example/", "Liked too.", ""),
        # Cy's picture is missing (404): approved all the same, with initials.
        "/likes/cy": ("u-like-of", "Cy Dahl", "https://cy.example/", "Me too.", "/cy.jpg"),
        "/reposts/ana": ("u-repost-of", "Ana Lind", "https://ana.example/", "Shared.", "/ana.jpg"),
        "/replies/ana": (
            "u-in-reply-to",
            "Ana Lind",
            "https://ana.example/",
            REPLY_TEXT,
            "/ana.jpg",
        ),
        "/bookmarks/bo": (
            "u-bookmark-of",
            "Bo Berg",
            "https://bo.example/",
            "Saved for later.",
            "",
        ),
        "/notes/cy": ("", "Cy Dahl", "https://cy.example/", "A note that links to", ""),
    }
    for path, (prop, author, website, words, photo) in posts.items():
        url = pages.base + photo if photo else ""
        pages.pages[path] = (200, entry(prop, author, website, words, photo=url))
    # A reply to Sam's comment: its in-reply-to is the comment's address on our page.
    to_comment = f"{TARGET}#comment-{PARENT}"
    pages.pages["/replies/to-sam"] = (
        200,
        entry("u-in-reply-to", "Bo Berg", "https://bo.example/", "Agreed, Sam.", to=to_comment),
    )
    return dict.fromkeys(posts, TARGET) | {"/replies/to-sam": to_comment}


def h_cites(parsed: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every h-cite of a parse, wherever it is (top level, a property, a child)."""
    stack: list[Any] = list(parsed.get("items", []))
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "h-cite" in node.get("type", []):
                yield node
            stack.extend(node.get("children", []))
            for values in node.get("properties", {}).values():
                stack.extend(v for v in values if isinstance(v, dict))


def first(props: dict[str, list[Any]], name: str) -> Any:
    """The first value of a property (a nested microformat is a dict)."""
    return props[name][0]


def visible_text(element: Any) -> str:
    """The words a reader sees and hears: what is aria-hidden left out, spaces collapsed."""
    copy = BeautifulSoup(str(element), "lxml")
    for hidden in copy.select("[aria-hidden]"):
        hidden.decompose()
    return " ".join(copy.get_text().split())


@pytest.mark.slow  # the Nu HTML Checker starts a Java machine
def test_likes_reposts_replies_and_bookmarks_are_shown_as_such(  # noqa: PLR0915 - one story
    make_service: Callable[..., CommentService],
    config: CommentsConfig,
    pages,
    minimal_copy: Path,
    build: Callable[..., Path],
) -> None:
    """Sent, verified, approved (pictures fetched then), built, and read back as a reader would."""
    assert config.content_dir == minimal_copy
    service = make_service(rate_limit_count=100)
    client = Client(service)
    for path, target in blogger_site(pages).items():
        response = client.post("/webmention", data={"source": pages.base + path, "target": target})
        assert response.status_code == 202, path
    service.close()  # every background verification done
    queue = Queue(config.queue_dir)
    waiting = {m.source_url.removeprefix(pages.base): m for m in queue.list()}
    types = {path: m.mention_type for path, m in waiting.items()}
    assert types == {
        "/likes/ana": "like",
        "/likes/bo": "like",
        "/likes/cy": "like",
        "/reposts/ana": "repost",
        "/replies/ana": "reply",
        "/replies/to-sam": "reply",
        "/bookmarks/bo": "bookmark",
        "/notes/cy": "mention",
    }
    assert waiting["/replies/to-sam"].reply_to == PARENT
    assert REPLY_TEXT in waiting["/replies/ana"].body  # a reply keeps its whole text
    # Verification read the pages only: no picture was fetched before approval.
    assert not any(path.endswith(".jpg") for path in pages.requests)

    outcomes = approve(config, [m.id for m in waiting.values()])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    [cy_like] = [o for o in outcomes if o.id == waiting["/likes/cy"].id]
    assert "no picture, initials instead: the picture answered HTTP 404" in cy_like.message
    assert pages.requests.count("/ana.jpg") == 1  # fetched once, shared by Ana's three
    ana_file = minimal_copy / "comments" / "first-post" / f"{waiting['/likes/ana'].id}.md"
    header = read_header(ana_file)
    assert header["mention-type"] == "like"
    photo = header["author-photo"]
    assert photo.startswith("/images/mentions/") and photo.endswith(".jpg")
    with Image.open(minimal_copy / photo.lstrip("/")) as stored:
        assert stored.size == (SIZE, SIZE) and stored.format == "JPEG"
        assert not stored.getexif() and "exif" not in stored.info

    output = build(minimal_copy)
    page_path = output / "posts" / "first-post" / "index.html"
    html = page_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    section = soup.select_one("section.comments")
    assert section is not None

    # Likes and reposts: counts with the names, each linking to the author, nofollow ugc.
    likes = section.select_one(".reactions--like")
    assert likes is not None
    # Oldest first: these arrived in the same minute, so in any order.
    said = re.fullmatch(r"3 likes: (\w+ \w+), (\w+ \w+) and (\w+ \w+)", visible_text(likes))
    assert said is not None, visible_text(likes)
    assert sorted(said.groups()) == ["Ana Lind", "Bo Berg", "Cy Dahl"]
    names = [(a.select_one(".p-name").get_text(), a["href"], a["rel"]) for a in likes.select("a")]
    assert sorted(names) == [
        ("Ana Lind", "https://ana.example/", ["nofollow", "ugc"]),
        ("Bo Berg", "https://bo.example/", ["nofollow", "ugc"]),
        ("Cy Dahl", "https://cy.example/", ["nofollow", "ugc"]),
    ]
    # Ana has her picture; Bo and Cy their initials, hidden from screen readers.
    assert sorted(i.get_text() for i in likes.select(".face--initials")) == ["BB", "CD"]
    assert all(i["aria-hidden"] == "true" for i in likes.select(".face--initials"))
    assert [img["alt"] for img in likes.select("img")] == [""]
    reposts = section.select_one(".reactions--repost")
    assert reposts is not None
    assert visible_text(reposts) == "1 repost: Ana Lind"

    # Replies: threaded among the comments, marked as coming from their site.
    replies = section.select("article.comment--mention")
    assert len(replies) == 2
    ana_reply = section.select_one(f"#comment-{waiting['/replies/ana'].id}")
    assert ana_reply is not None and ana_reply.name == "article"
    assert " ".join(REPLY_TEXT.split()) in " ".join(ana_reply.get_text(" ").split())
    origin = ana_reply.select_one(".comment__from a")
    assert origin is not None and origin["href"] == pages.base + "/replies/ana"
    assert origin.get_text() == "127.0.0.1"
    sam = section.select_one(f"#comment-{PARENT}")
    assert sam is not None
    under_sam = sam.find_parent("li").select(".comment-replies article")
    assert f"comment-{waiting['/replies/to-sam'].id}" in [a["id"] for a in under_sam]

    # Bookmarks and plain mentions: "Mentioned by".
    mentioned = [li.get_text(" ", strip=True) for li in section.select(".mentions .mention")]
    assert any("Bo Berg" in text and "bookmarked this" in text for text in mentioned)
    assert any("Cy Dahl" in text and "A note that links to" in text for text in mentioned)
    assert all("Liked" not in text and "Shared" not in text for text in mentioned)

    # No request to another site from the reader's page: every picture is ours.
    for img in section.select("img"):
        assert img["src"].startswith("/images/mentions/"), img
        assert (output / img["src"].lstrip("/")).is_file()
    assert "ana.jpg" not in html and pages.base not in str(section.select("img"))

    # Microformats: each comment and mention a p-comment h-cite, likes and reposts too.
    cites = list(h_cites(mf2py.parse(doc=html, url=TARGET)))
    by_url = {first(c["properties"], "url"): c["properties"] for c in cites}
    reply = by_url[pages.base + "/replies/ana"]
    assert reply["in-reply-to"] == [TARGET]
    author = first(reply, "author")["properties"]
    assert author["name"] == ["Ana Lind"] and author["url"] == ["https://ana.example/"]
    picture = author["photo"][0]
    picture = picture["value"] if isinstance(picture, dict) else picture
    assert picture == "http://127.0.0.1:8000" + photo
    assert reply["published"][0].startswith("20")
    assert REPLY_TEXT[:40] in first(reply, "content")["value"]
    to_sam = by_url[pages.base + "/replies/to-sam"]
    assert to_sam["in-reply-to"] == [f"{TARGET}#comment-{PARENT}"]
    sams = by_url[f"{TARGET}#comment-{PARENT}"]  # a form comment: its anchor is its URL
    assert sams["in-reply-to"] == [TARGET]
    assert first(sams, "author")["properties"]["name"] == ["Sam Reader"]
    liked = [c for c in cites if c["properties"].get("like-of") == [TARGET]]
    assert sorted(first(c["properties"], "author")["properties"]["name"][0] for c in liked) == [
        "Ana Lind",
        "Bo Berg",
        "Cy Dahl",
    ]
    reposted = [c for c in cites if c["properties"].get("repost-of") == [TARGET]]
    assert [first(c["properties"], "url") for c in reposted] == [pages.base + "/reposts/ana"]
    bookmark = by_url[pages.base + "/bookmarks/bo"]
    assert bookmark["in-reply-to"] == [TARGET]

    # And the page stays valid HTML for the Nu checker.
    checked = minimal_copy.parent / "checked" / "posts" / "first-post"
    checked.mkdir(parents=True)
    (checked / "index.html").write_text(html, encoding="utf-8")
    messages = check_html(minimal_copy.parent / "checked", ROOT / VNU_JAR)
    assert [str(m) for m in messages if m.severity == "error"] == []


def test_a_property_that_points_elsewhere_is_a_plain_mention() -> None:
    """u-like-of another page, with a plain link to ours: a mention, not a like."""
    html = entry("u-like-of", "Ana", "https://ana.example/", "Liked", to="https://else.example/")
    html = html.replace("</article>", f'<p><a href="{TARGET}">and ours</a></p></article>')
    mention = read_mention(html, "https://ana.example/p", target=TARGET)
    assert mention.mention_type == "mention"
    liked = read_mention(
        entry("u-like-of", "Ana", "https://ana.example/", "Liked", to=TARGET.rstrip("/")),
        "https://ana.example/p",
        target=TARGET,
    )
    assert liked.mention_type == "like"  # the same page without its trailing slash


def test_a_picture_that_is_not_one_gives_initials(
    client: Client, service: CommentService, config: CommentsConfig, pages
) -> None:
    """An h-card photo that is HTML, not a picture: approved, no file, a line saying why."""
    pages.pages["/fake.jpg"] = (200, "<html>not a picture</html>")
    pages.pages["/like"] = (
        200,
        entry("u-like-of", "Dee", "https://dee.example/", "Liked.", photo=pages.base + "/fake.jpg"),
    )
    client.post("/webmention", data={"source": pages.base + "/like", "target": TARGET})
    service.close()
    [mention] = Queue(config.queue_dir).list()
    [outcome] = approve(config, [mention.id])
    assert outcome.ok
    assert "no picture, initials instead: the picture cannot be read" in outcome.message
    text = (config.content_dir / "comments" / "first-post" / f"{mention.id}.md").read_text()
    assert "Author-Photo" not in text
    assert not (config.content_dir / "images" / "mentions").exists()


def test_small_jpeg_refuses_a_picture_that_claims_to_be_huge() -> None:
    """A small file whose header claims 6,000 by 6,000 pixels is refused before decoding."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    data = bytearray(out.getvalue())
    # The IHDR chunk: length, type, then width and height; its CRC made right again.
    data[16:24] = struct.pack(">II", 6000, 6000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    with pytest.raises(Refusal) as refused:
        small_jpeg(bytes(data))
    assert refused.value.reason == "the picture is too large (6000×6000 pixels)"
