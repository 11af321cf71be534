"""The theme's HTML, read from the built sample site: head, pictures, videos, comments, size."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from socialhub.build import load_settings
from socialhub.colours import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, brand_problems, contrast
from socialhub.headings import rebase_headings, split_heading
from socialhub.staticfiles import published

ROOT = Path(__file__).resolve().parents[2]
THEME = ROOT / "theme"


def _soup(output: Path, url: str) -> BeautifulSoup:
    path = output / url.lstrip("/")
    if url.endswith("/"):
        path /= "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _pages(output: Path) -> Iterator[tuple[str, BeautifulSoup]]:
    for path in sorted(output.rglob("*.html")):
        yield path.relative_to(output).as_posix(), BeautifulSoup(path.read_text("utf-8"), "lxml")


def _meta(soup: BeautifulSoup, key: str) -> str:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else ""


@pytest.fixture(scope="module")
def settings() -> dict:
    """The project's settings for a local build."""
    return load_settings(ROOT / "pelicanconf.py")


def test_every_page_has_its_head(sample_output: Path) -> None:
    """Title, description, canonical URL, Open Graph, Twitter card, lang and a skip link."""
    base = "http://127.0.0.1:8000"
    titles = set()
    for name, soup in _pages(sample_output):
        assert soup.html.get("lang") == "en", name
        title = soup.title.get_text()
        titles.add(title)
        assert title.strip(), name
        description = _meta(soup, "description")
        assert 20 <= len(description) <= 300 and "\n" not in description, name
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical.startswith(base + "/"), name
        assert _meta(soup, "og:url") == canonical, name
        assert _meta(soup, "og:title") == title.strip(), name
        assert _meta(soup, "og:image").startswith(base + "/"), name
        assert _meta(soup, "twitter:card") == "summary_large_image", name
        assert soup.find("link", rel="icon") is not None, name
        skip = soup.body.find("a")
        assert skip["href"] == "#main" and soup.find(id="main").name == "main", name
        assert soup.find("meta", attrs={"name": "viewport"}) is not None, name
    assert len(titles) > 50, "titles should differ from page to page"


def test_items_with_a_picture_share_it(sample_output: Path) -> None:
    """An item's own picture is its link preview, large; a page without one, its drawn card."""
    shoutout = next((sample_output / "follow-friday").glob("*/index.html"))
    soup = BeautifulSoup(shoutout.read_text("utf-8"), "lxml")
    # The card is drawn from the picture (tests/site/test_social_cards.py compares them).
    assert _meta(soup, "og:image").startswith("http://127.0.0.1:8000/thumbs/cards/follow-friday/")
    assert _meta(soup, "og:image:alt") == soup.select_one("main figure img")["alt"]
    assert _meta(soup, "twitter:card") == "summary_large_image"
    assert _meta(soup, "og:type") == "article"
    tags = _soup(sample_output, "/tags/")
    assert "/thumbs/cards/tags-" in _meta(tags, "og:image")
    assert _meta(tags, "twitter:card") == "summary_large_image"


def test_nothing_on_a_page_comes_from_another_host(sample_output: Path) -> None:
    """Pictures, styles, scripts and video files are all on this site; no iframe is embedded."""
    for name, soup in _pages(sample_output):
        assert soup.find("iframe") is None, name
        sources = [tag.get("src", "") for tag in soup.find_all(["img", "script", "source"])]
        sources += [tag.get("poster", "") for tag in soup.find_all("video")]
        sources += [link["href"] for link in soup.find_all("link", rel="stylesheet")]
        for tag in soup.find_all(srcset=True):
            sources += [part.split()[0] for part in tag["srcset"].split(",")]
        outside = [src for src in sources if src and urlsplit(src).netloc]
        assert outside == [], name


def test_gallery_pictures_have_thumbnails_and_open_full_size(sample_output: Path) -> None:
    """Each #FF picture: srcset, sizes, width, height, lazy below the fold, a full-size link."""
    soup = _soup(sample_output, "/follow-friday/")
    images = soup.select(".gallery img")
    assert len(images) > 4
    for number, image in enumerate(images):
        assert image["srcset"].count("w,") >= 2 and image.get("sizes")
        assert int(image["width"]) > 0 and int(image["height"]) > 0
        assert (image.get("loading") == "lazy") == (number >= 4)
        candidates = [part.split()[0] for part in image["srcset"].split(", ")]
        assert all((sample_output / c.lstrip("/")).is_file() for c in candidates)
        assert image.find_parent("a")["href"] == image["src"]


def test_avatars_have_thumbnails(sample_output: Path) -> None:
    """The bloggers' avatars are offered in small widths, with their box size set."""
    soup = _soup(sample_output, "/bloggers/")
    for avatar in soup.select(".blogger-card img"):
        assert "/thumbs/avatars/" in avatar["srcset"]
        assert avatar["width"] == avatar["height"] == "96"
        assert avatar["sizes"] == "96px"


def test_hosted_video_is_a_local_poster_with_a_play_link(sample_output: Path) -> None:
    """YouTube and Vimeo films show a local poster; play links to the site, embeds privately."""
    embeds = set()
    for path in sorted((sample_output / "videos").glob("*/index.html")):
        soup = BeautifulSoup(path.read_text("utf-8"), "lxml")
        facade = soup.select_one("a.facade")
        if facade is None:
            video = soup.select_one("video")
            assert video["preload"] == "none" and video["poster"].startswith("/")
            assert video.has_attr("controls")
            assert video.source["src"].startswith("/media/")
            continue
        assert facade.img["src"].startswith("/images/")
        embed = urlsplit(facade["data-embed"])
        embeds.add(embed.netloc)
        if embed.netloc == "player.vimeo.com":
            assert "dnt=1" in embed.query and facade["href"].startswith("https://vimeo.com/")
        else:
            assert embed.netloc == "www.youtube-nocookie.com"
            assert facade["href"].startswith("https://www.youtube.com/watch?v=")
        assert "Play" in facade.get_text()
    assert embeds == {"www.youtube-nocookie.com", "player.vimeo.com"}


def test_comment_form_posts_the_fields_the_service_expects(
    sample_output: Path, settings: dict
) -> None:
    """The form posts item, author, website, body, reply_to and the honeypot to the service."""
    forms = 0
    for name, soup in _pages(sample_output):
        form = soup.find("form", class_="comment-form")
        if form is None:
            continue
        forms += 1
        assert form["method"] == "post"
        assert form["action"] == settings["COMMENT_SERVICE_URL"] + "/comments"
        fields = {tag["name"] for tag in form.find_all(["input", "textarea", "select"])}
        expected = {"item", "author", "website", "body", "reply_to", "homepage", "email", "notify"}
        assert fields == expected | {"form_token"}, name
        for tag in form.find_all(["input", "textarea", "select"]):
            if tag.get("type") != "hidden":
                assert form.find("label", attrs={"for": tag["id"]}) is not None, name
        honeypot = form.find("input", attrs={"name": "homepage"})
        assert honeypot["tabindex"] == "-1"
        assert honeypot.find_parent(class_="honeypot")["aria-hidden"] == "true"
        assert soup.find(id="comment-pending") is not None
    assert forms > 0


def test_reply_links_and_permalinks(sample_output: Path) -> None:
    """Each comment links to itself; reply links name a comment the form can answer."""
    replies = 0
    for name, soup in _pages(sample_output):
        for comment in soup.select("article.comment"):
            assert comment.select_one(f'a[href="#{comment["id"]}"]') is not None, name
            reply = comment.select_one("a[data-reply-to]")
            if reply is not None:
                replies += 1
                option = soup.select_one(
                    f'#comment-reply-to option[value="{reply["data-reply-to"]}"]'
                )
                assert option is not None, name
    assert replies > 0


def test_cards_count_comments(sample_output: Path) -> None:
    """A card of an item with comments says how many and links to them."""
    counts = [
        a.get_text(" ", strip=True) for a in _soup(sample_output, "/").select(".card__comments")
    ]
    assert counts and all(re.match(r"\d+ comments?\b", text) for text in counts)


def test_headings_never_skip_a_level(sample_output: Path) -> None:
    """On every page the outline goes down one level at a time, from one h1."""
    for name, soup in _pages(sample_output):
        levels = [int(tag.name[1]) for tag in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels.count(1) == 1, name
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{name}: h{before} then h{after}"


def test_stylesheet_stays_small() -> None:
    """The stylesheet is under 26 KB as published (minified), the script 5 KB; no web fonts."""
    css = (THEME / "static" / "css" / "hub.css").read_text(encoding="utf-8")
    assert len(published("hub.css", css.encode("utf-8"))) < 26_000
    assert "@font-face" not in css and "@import" not in css and "url(" not in css
    assert (THEME / "static" / "js" / "hub.js").stat().st_size < 5_000


def _scheme_colours() -> tuple[dict[str, str], dict[str, str]]:
    """The theme's light and dark colour variables (hex values only), from hub.css."""
    css = (THEME / "static" / "css" / "hub.css").read_text(encoding="utf-8")
    light_block, dark_block = css.split("@media (prefers-color-scheme: dark)", 1)
    pattern = re.compile(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b")
    return dict(pattern.findall(light_block)), dict(pattern.findall(dark_block.split("}", 2)[0]))


def test_brand_colours_pass_aa_contrast(settings: dict) -> None:
    """The brand colours from settings read as links and buttons, in both schemes (AA, 4.5:1)."""
    light, dark = _scheme_colours()
    assert (light["bg"], light["surface"], light["surface-2"]) == LIGHT_BACKGROUNDS
    assert (dark["bg"], dark["surface"], dark["surface-2"]) == DARK_BACKGROUNDS
    assert dark["on-link"] == dark["bg"] and light["on-link"] == "#ffffff"
    assert brand_problems(settings["BRAND_COLORS"]) == []


def test_a_pale_brand_colour_is_a_build_warning(
    minimal_copy: Path, build: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    """A brand colour that fails AA is named in a warning, with the ratio and what to do."""
    with caplog.at_level(logging.WARNING):
        build(minimal_copy, BRAND_COLORS={"accent": "#ffcc00", "accent_dark": "#202060"})
    warnings = [r.getMessage() for r in caplog.records if r.getMessage().startswith("hub: BRAND")]
    assert warnings == [
        "hub: BRAND_COLORS['accent'] #ffcc00 has a contrast of 1.3:1 on the light scheme's"
        " backgrounds; links need 4.5:1, choose a darker colour",
        "hub: BRAND_COLORS['accent_dark'] #202060 has a contrast of 1.0:1 on the dark scheme's"
        " backgrounds; links need 4.5:1, choose a lighter colour",
    ]


def test_kind_colours_pass_aa_contrast() -> None:
    """Each kind's badge text passes AA on its tint and on the cards, in both schemes."""
    light, dark = _scheme_colours()
    for colours in (light, dark):
        for kind in ("featured", "ff", "video"):
            assert contrast(colours[kind], colours[f"{kind}-tint"]) >= 4.5, kind
            assert contrast(colours[kind], colours["surface"]) >= 4.5, kind
        assert contrast(colours["muted"], colours["surface-2"]) >= 4.5
        assert contrast(colours["good"], colours["surface"]) >= 4.5
        assert contrast(colours["bad"], colours["surface"]) >= 4.5


def test_body_headings_are_fitted_under_the_page() -> None:
    """A body starting at h3 (or h1) is shifted to start at the level asked for."""
    assert rebase_headings("<h3>A</h3><p>x</p><h4 id='b'>B</h4>", 2) == (
        "<h2>A</h2><p>x</p><h3 id='b'>B</h3>"
    )
    assert rebase_headings("<h1>A</h1><h2>B</h2>", 3) == "<h3>A</h3><h4>B</h4>"
    assert rebase_headings("<p>no heading</p>", 2) == "<p>no heading</p>"
    assert rebase_headings("<h5>A</h5><h6>B</h6>", 5) == "<h5>A</h5><h6>B</h6>"
    assert rebase_headings("<h2>A</h2><h6>B</h6>", 5) == "<h5>A</h5><h6>B</h6>"


def test_a_leading_heading_is_split_off() -> None:
    """The rules' own heading becomes the panel's heading; without one there is none."""
    assert split_heading("<h2>How to <em>enter</em></h2>\n<ol><li>x</li></ol>") == (
        "How to enter",
        "<ol><li>x</li></ol>",
    )
    assert split_heading("<p>Just rules</p>") == ("", "<p>Just rules</p>")
