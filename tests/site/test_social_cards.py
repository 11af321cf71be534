"""Link previews: every page's Open Graph and Twitter card, its picture's size, drawn cards."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import SAMPLE
from PIL import Image as PILImage
from PIL import ImageOps

from socialhub import cards

BASE = "http://127.0.0.1:8000"
REQUIRED = (
    "og:title",
    "og:description",
    "og:url",
    "og:site_name",
    "og:type",
    "og:image",
    "og:image:width",
    "og:image:height",
    "og:image:alt",
    "twitter:card",
    "twitter:title",
    "twitter:description",
    "twitter:image",
    "twitter:image:alt",
)
# Pages that have no picture of their own: each is shared with a drawn card.
DRAWN = (
    "index.html",
    "hub/index.html",
    "hub/videos/index.html",
    "tags/index.html",
    "tags/battery/index.html",
    "404.html",
    "feeds/index.html",
    "bloggers/index.html",
    "follow-friday/index.html",
    "contests/index.html",
    "contests/winter-light/index.html",
    "posts/blogger-program-2026/index.html",
)


def _meta(soup: BeautifulSoup, key: str) -> str:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return str(tag["content"]) if tag else ""


def _pages(output: Path) -> Iterator[tuple[str, BeautifulSoup]]:
    for path in sorted(output.rglob("*.html")):
        yield path.relative_to(output).as_posix(), BeautifulSoup(path.read_text("utf-8"), "lxml")


def _page(output: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((output / name).read_text("utf-8"), "lxml")


def _file(output: Path, url: str) -> Path:
    assert url.startswith(BASE + "/"), url
    return output / url.removeprefix(BASE + "/")


def _expected_type(name: str) -> str:
    parts = name.split("/")
    if parts[0] == "bloggers" and len(parts) == 3:
        return "profile"
    if parts[0] == "bloggers" and len(parts) == 4:
        return "article"  # a featured blogger post
    if parts[0] in ("posts", "videos", "follow-friday") and len(parts) == 3:
        return "article"
    return "website"


def test_every_page_has_every_open_graph_and_twitter_tag(sample_output: Path) -> None:
    """Title, description, canonical URL, site name, type, image with size and alt, on all."""
    for name, soup in _pages(sample_output):
        missing = [key for key in REQUIRED if not _meta(soup, key).strip()]
        assert missing == [], name
        assert _meta(soup, "og:url") == soup.find("link", rel="canonical")["href"], name
        assert _meta(soup, "og:type") == _expected_type(name), name
        assert _meta(soup, "og:site_name") == "Lumen Social Hub", name
        assert _meta(soup, "twitter:card") == "summary_large_image", name
        assert _meta(soup, "twitter:image") == _meta(soup, "og:image"), name
        assert _meta(soup, "twitter:image:alt") == _meta(soup, "og:image:alt"), name
        assert _meta(soup, "twitter:title") == _meta(soup, "og:title"), name
        # Every page is shared with its card, drawn from its own picture when it has one.
        if name.startswith("feeds/") and name != "feeds/index.html":
            # Feed pages are noindex helpers for one stream: they share the company logo.
            assert _meta(soup, "og:image") == f"{BASE}/images/brand/logo.png", name
            continue
        assert _meta(soup, "og:image").startswith(f"{BASE}/thumbs/cards/"), name
        assert (_meta(soup, "og:image:width"), _meta(soup, "og:image:height")) == ("1200", "630")


def test_every_shared_picture_exists_with_the_stated_size(sample_output: Path) -> None:
    """og:image is a file of the built site, exactly og:image:width by og:image:height."""
    for name, soup in _pages(sample_output):
        path = _file(sample_output, _meta(soup, "og:image"))
        assert path.is_file(), (name, path)
        stated = (int(_meta(soup, "og:image:width")), int(_meta(soup, "og:image:height")))
        with PILImage.open(path) as opened:
            assert opened.size == stated, name


def test_pages_without_a_picture_get_a_drawn_card(sample_output: Path) -> None:
    """Hub, tags, 404, feeds, lists, contests and posts without a cover: a 1200x630 PNG each."""
    seen: set[str] = set()
    for name in DRAWN:
        soup = _page(sample_output, name)
        url = _meta(soup, "og:image")
        assert f"{BASE}/thumbs/cards/" in url, name
        with PILImage.open(_file(sample_output, url)) as opened:
            assert (opened.format, opened.size) == ("PNG", (1200, 630)), name
        assert _meta(soup, "og:image:alt").strip(), name
        seen.add(url)
    # The two addresses of the hub's first page share a card; every other page has its own.
    assert len(seen) == len(DRAWN) - 1
    post = _page(sample_output, "posts/blogger-program-2026/index.html")
    assert "How our blogger program works in 2026" in _meta(post, "og:image:alt")


def test_every_drawn_card_is_1200_by_630(sample_output: Path) -> None:
    """Whatever page it is for, a drawn card has the size that networks show large."""
    drawn = sorted((sample_output / "thumbs" / "cards").rglob("*.png"))
    assert len(drawn) > 30
    for path in drawn:
        with PILImage.open(path) as opened:
            assert opened.size == (cards.WIDTH, cards.HEIGHT), path


def _looks_like(card: PILImage.Image, box: tuple[int, int, int, int], picture: Path) -> bool:
    """Whether a region of a card shows the picture, cropped to it (a coarse colour match)."""
    size = (box[2] - box[0], box[3] - box[1])
    with PILImage.open(picture) as opened:
        expected = ImageOps.fit(opened.convert("RGB"), size).resize((12, 6))
    shown = card.convert("RGB").crop(box).resize((12, 6))
    pairs = zip(expected.tobytes(), shown.tobytes(), strict=True)
    difference = sum(abs(a - b) for a, b in pairs)
    return difference / (12 * 6 * 3) < 24


def test_items_with_a_picture_are_shared_with_it(sample_output: Path) -> None:
    """An #FF picture, a film's poster, a post's cover fill the card; an avatar sits beside."""
    content = SAMPLE
    shoutout = _page(sample_output, "follow-friday/ff-nina-in-phones/index.html")
    picture = shoutout.select_one("main figure img")
    assert _meta(shoutout, "og:image:alt") == picture["alt"]
    film = _page(sample_output, "videos/first-frost/index.html")
    cover = _page(sample_output, "posts/night-mode-update/index.html")
    cover_src = cover.select_one("main img")["src"]
    wide = [
        (shoutout, content / picture["src"].lstrip("/")),
        (film, content / "images" / "posters" / "first-frost.jpg"),
        (cover, content / cover_src.lstrip("/")),
    ]
    for soup, original in wide:
        with PILImage.open(_file(sample_output, _meta(soup, "og:image"))) as card:
            assert card.size == (1200, 630)
            assert _looks_like(card, (0, 0, 1200, 554), original), original
    for name in ("bloggers/marcus-hale/index.html", "bloggers/marcus-hale/buds-review/index.html"):
        blogger = _page(sample_output, name)
        assert _meta(blogger, "og:image:alt") == "Portrait of Marcus Hale", name
        avatar = content / "images" / "avatars" / "marcus-hale.png"
        side = cards.SIDE_PICTURE
        box = (1200 - cards.MARGIN - side, 210, 1200 - cards.MARGIN, 210 + side)
        with PILImage.open(_file(sample_output, _meta(blogger, "og:image"))) as card:
            assert _looks_like(card, box, avatar), name


def _cards(output: Path) -> dict[str, int]:
    folder = output / "thumbs" / "cards"
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*.png")}


def test_cards_are_drawn_once_and_again_only_when_their_page_changes(
    sample_copy: Path, build: Callable[..., Path]
) -> None:
    """A second build draws nothing; a new title draws that page's card, and only it."""
    output = build(sample_copy)
    first = _cards(output)
    assert len(first) > 30
    build(sample_copy)
    assert _cards(output) == first
    post = sample_copy / "posts" / "blogger-program-2026.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Title: How our", "Title: How the"), encoding="utf-8")
    build(sample_copy)
    after = _cards(output)
    gone = set(first) - set(after)
    new = set(after) - set(first)
    assert [name.rsplit("-", 1)[0] for name in gone] == ["posts/blogger-program-2026"]
    assert [name.rsplit("-", 1)[0] for name in new] == ["posts/blogger-program-2026"]
    assert {name: after[name] for name in set(first) & set(after)} == {
        name: first[name] for name in set(first) & set(after)
    }
    page = _page(output, "posts/blogger-program-2026/index.html")
    assert _meta(page, "og:image") == f"{BASE}/thumbs/cards/{new.pop()}"


def test_a_deleted_card_is_drawn_again(sample_copy: Path, build: Callable[..., Path]) -> None:
    """An unchanged page whose card file went missing gets it back in the next build."""
    output = build(sample_copy)
    page = _page(output, "tags/index.html")
    card = _file(output, _meta(page, "og:image"))
    card.unlink()
    build(sample_copy)
    assert card.is_file()


def test_a_removed_page_leaves_no_card_behind(
    sample_copy: Path, build: Callable[..., Path]
) -> None:
    """Deleting a post without a cover deletes its card in the next build."""
    output = build(sample_copy)
    assert any(name.startswith("posts/blogger-program-2026-") for name in _cards(output))
    (sample_copy / "posts" / "blogger-program-2026.md").unlink()
    build(sample_copy)
    assert not any(name.startswith("posts/blogger-program-2026-") for name in _cards(output))


def _brand(**settings: object) -> cards.Brand:
    base: dict[str, object] = {
        "PATH": str(SAMPLE),
        "SITENAME": "Lumen Social Hub",
        "COMPANY_NAME": "Lumen Mobile",
        "COMPANY_LOGO": "/images/brand/logo.png",
        "BRAND_COLORS": {"accent": "#0b5cad"},
    }
    return cards.Brand.from_settings({**base, **settings})


def test_a_long_title_is_wrapped_and_shortened_to_fit() -> None:
    """Three lines at most, none wider than the card's text, ending with an ellipsis."""
    font = cards._font(str(cards.BOLD_FONT), cards.TITLE_SIZES[-1])
    width = cards.WIDTH - 2 * cards.MARGIN
    title = " ".join(["Supercalifragilistic battery endurance"] * 12)
    lines, fits = cards.wrap(title, font, width, cards.TITLE_LINES)
    assert not fits
    assert len(lines) == cards.TITLE_LINES
    assert all(font.getlength(line) <= width for line in lines)
    assert lines[-1].endswith("…")
    long_word, fits = cards.wrap("A" * 200, font, width, cards.TITLE_LINES)
    assert not fits and font.getlength(long_word[0]) <= width
    image = cards.draw(cards.Subject(title, "Company post"), _brand())
    assert image.size == (1200, 630)


def test_a_short_title_is_drawn_whole_at_the_largest_size() -> None:
    """A title that fits is neither shortened nor made smaller."""
    width = cards.WIDTH - 2 * cards.MARGIN
    lines, _font, size = cards._title_lines("Night mode update", width, str(cards.BOLD_FONT))
    assert lines == ["Night mode update"] and size == cards.TITLE_SIZES[0]


def test_the_brand_draws_the_card() -> None:
    """The accent colour fills the band; a bad colour or a missing logo still draws a card."""
    subject = cards.Subject("Tags", "Topics")
    band = cards.draw(subject, _brand()).getpixel((5, cards.HEIGHT - 5))
    assert band == (11, 92, 173)
    red = cards.draw(subject, _brand(BRAND_COLORS={"accent": "#aa0000"}))
    assert red.getpixel((5, cards.HEIGHT - 5)) == (170, 0, 0)
    fallback = cards.draw(subject, _brand(BRAND_COLORS={"accent": "not a colour"}))
    assert fallback.getpixel((5, cards.HEIGHT - 5)) == band
    assert _brand(COMPANY_LOGO="/images/brand/missing.png").logo == ""
    assert cards.draw(subject, _brand(COMPANY_LOGO="/images/brand/missing.png")).size == (
        1200,
        630,
    )
    assert cards.card_path("tags/index.html", subject, _brand()) != cards.card_path(
        "tags/index.html", subject, _brand(SITENAME="Another hub")
    )


def test_missing_fonts_still_draw_a_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the shipped fonts, one warning names them and Pillow's own font draws the card."""
    monkeypatch.setattr(cards, "FONTS", tmp_path / "nowhere")
    with caplog.at_level(logging.WARNING, logger="socialhub.cards"):
        brand = _brand(THEME=str(tmp_path))
    assert brand.fonts == ("", "")
    assert "DejaVuSans.ttf" in caplog.text and "restore them" in caplog.text
    assert cards.draw(cards.Subject("Tags", "Topics"), brand).size == (1200, 630)


def _forget_drawn() -> None:
    """What a fresh process knows: no picture, palette or background kept yet."""
    for cached in (cards._fitted, cards._upright_width, cards._palette, cards._text_background):
        cached.cache_clear()


def test_cards_are_the_same_bytes_in_any_order_and_with_or_without_workers(
    tmp_path: Path,
) -> None:
    """Palettes and pictures kept between cards never change one: order and pool do not matter."""
    pictures = sorted((SAMPLE / "images" / "follow-friday").glob("*.jpg"))[:2]
    avatar = sorted((SAMPLE / "images" / "avatars").iterdir())[0]
    # Why so many tags: workers start only from PARALLEL_THRESHOLD cards.
    tags = max(6, cards.PARALLEL_THRESHOLD - 6)
    subjects = {f"t{n}/index.html": cards.Subject(f"Tag {n}", "Tag") for n in range(tags)}
    for number, picture in enumerate([*pictures, avatar] * 2):
        subjects[f"p{number}/index.html"] = cards.Subject(
            f"Picture {number}", "#FF shout-out", str(picture), "1", "alt"
        )
    made: list[dict[str, bytes]] = []
    for workers, order in ((1, 1), (1, -1), (2, 1)):
        _forget_drawn()
        folder = tmp_path / f"{workers}-{order}"
        maker = cards.CardMaker(_brand(), folder, workers=workers)
        paths = maker.prepare(dict(list(subjects.items())[::order]))
        assert maker.drawn == len(subjects) >= cards.PARALLEL_THRESHOLD
        made.append({path: (folder / path.lstrip("/")).read_bytes() for path in paths})
    assert made[0] == made[1] == made[2]
    first = made[0]
    with PILImage.open(tmp_path / "1-1" / next(iter(first)).lstrip("/")) as card:
        assert card.size == (cards.WIDTH, cards.HEIGHT) and card.mode == "P"
    # Cards of different pictures are different pictures.
    assert len(set(first.values())) == len(first)
