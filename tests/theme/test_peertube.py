"""PeerTube films: recognised on any server, shown behind a local poster, played privately."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import SAMPLE, served

from socialhub.build import run_build
from socialhub.validate import video_source

ROOT = Path(__file__).resolve().parents[2]

SHORT_ID = "2vXh7NqKcT9pRmWsYd3bLe"
UUID = "6f1c2a9e-3d4b-4e5f-8a7b-9c0d1e2f3a4b"
FILMS = {
    "frost-ferns": f"https://tube.example/w/{SHORT_ID}",
    "quay-at-four": f"https://Videos.Example.org/videos/watch/{UUID}",
}


def _film(title: str, url: str) -> str:
    return (
        f"Title: {title}\n"
        "Date: 2026-11-22 21:00\n"
        "Entrant: Lumen Films\n"
        "Contest: winter-light\n"
        f"Video-URL: {url}\n"
        "Poster: /images/posters/first-frost.jpg\n"
        "Duration: 1:28\n"
        "Tags: video, contests\n"
        "\n"
        "Frost growing on a window, in time lapse.\n"
    )


@pytest.fixture(scope="module")
def peertube_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample hub with two PeerTube films, one per form of watch URL, built once."""
    root = tmp_path_factory.mktemp("peertube")
    content = root / "content"
    shutil.copytree(SAMPLE, content)
    for slug, url in FILMS.items():
        title = slug.replace("-", " ").title()
        (content / "videos" / f"{slug}.md").write_text(_film(title, url), encoding="utf-8")
    output = root / "output"
    cache = root / "cache"
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache)}
    run_build(ROOT / "pelicanconf.py", overrides)
    return output


def _page(output: Path, slug: str) -> BeautifulSoup:
    html = (output / "videos" / slug / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml")


@pytest.mark.parametrize(
    ("slug", "host", "video_id"),
    [("frost-ferns", "tube.example", SHORT_ID), ("quay-at-four", "videos.example.org", UUID)],
)
def test_a_peertube_film_plays_from_its_server_without_p2p(
    peertube_output: Path, slug: str, host: str, video_id: str
) -> None:
    """The facade links to the watch page and embeds /videos/embed/<id> with P2P off."""
    soup = _page(peertube_output, slug)
    facade = soup.select_one("a.facade")
    assert facade is not None
    assert facade["href"] == f"https://{host}/w/{video_id}"
    embed = urlsplit(facade["data-embed"])
    assert (embed.scheme, embed.netloc, embed.path) == ("https", host, f"/videos/embed/{video_id}")
    assert parse_qs(embed.query) == {"autoplay": ["1"], "p2p": ["0"], "warningTitle": ["0"]}
    assert facade.img["src"].startswith("/images/")
    label = " ".join(facade.select_one(".facade__label").get_text().split())
    assert label.endswith(f"from PeerTube ({host})")
    assert facade["data-title"].endswith(f"(PeerTube ({host}) player)")


def test_the_note_names_peertube_and_its_server(peertube_output: Path) -> None:
    """The note says where the player comes from and that peer-to-peer sharing is off."""
    note = _page(peertube_output, "frost-ferns").select_one(".player__note")
    assert note is not None
    text = " ".join(note.get_text().split())
    assert text.startswith("Nothing loads from PeerTube (tube.example) until you press play")
    assert "the player comes from tube.example with peer-to-peer sharing turned off" in text
    assert note.a["href"] == f"https://tube.example/w/{SHORT_ID}"
    assert note.a.get_text() == "Watch on PeerTube (tube.example) instead"


def test_nothing_loads_from_the_server_before_play(peertube_output: Path) -> None:
    """No frame, script, picture or style of the PeerTube server is in the page itself."""
    soup = _page(peertube_output, "frost-ferns")
    assert soup.find("iframe") is None
    for tag in soup.find_all(["script", "img", "link", "source", "video", "iframe"]):
        for attribute in ("src", "href", "srcset", "poster"):
            assert "tube.example" not in str(tag.get(attribute, "")), tag


@pytest.mark.parametrize(
    "url",
    [
        f"https://tube.example/w/{SHORT_ID}",
        f"https://peertube.example.net/videos/watch/{UUID}",
        f"https://peertube.example.net/videos/watch/{SHORT_ID}?start=10s",
        f"http://tube.example/w/{UUID}",
    ],
)
def test_video_source_knows_peertube_watch_urls_on_any_host(url: str) -> None:
    """/w/<shortUUID> and /videos/watch/<uuid or shortUUID>, as PeerTube's client writes them."""
    source = video_source(url)
    assert source is not None and source.provider == "peertube"
    assert source.watch_url.startswith("https://") and source.watch_url.endswith(source.video_id)


@pytest.mark.parametrize(
    "url",
    [
        f"https://tube.example/w/p/{SHORT_ID}",  # a playlist
        "https://tube.example/w/not-an-id",
        "https://tube.example/w/0OIl0OIl0OIl0OIl0OIl0O",  # not base 58
        f"https://tube.example/videos/watch/playlist/{SHORT_ID}",
        f"https://tube.example/x/{SHORT_ID}",
        "https://en.wikipedia.org/w/index.php",
        "https://www.youtube.com/w/abcdefghijk",
    ],
)
def test_video_source_refuses_what_is_not_a_peertube_film(url: str) -> None:
    """Playlists, other paths and malformed ids are not films the player can show."""
    assert video_source(url) is None


def test_youtube_and_vimeo_are_still_theirs() -> None:
    """The PeerTube rule comes after YouTube's and Vimeo's and does not take their URLs."""
    youtube = video_source("https://www.youtube.com/watch?v=LXb3EKWsInQ")
    vimeo = video_source("https://vimeo.com/channels/winterlight/1033000011")
    assert youtube is not None and youtube.provider == "youtube"
    assert vimeo is not None and vimeo.provider == "vimeo" and vimeo.video_id == "1033000011"


@pytest.fixture(scope="module")
def peertube_url(peertube_output: Path) -> Iterator[str]:
    """The built copy served on 127.0.0.1 at a free port while this module's tests run."""
    with served(peertube_output) as url:
        yield url


@pytest.mark.slow
@pytest.mark.browser
def test_play_loads_the_peertube_player_and_nothing_before(
    chromium: Any, peertube_url: str
) -> None:
    """Before play no request leaves the site; play asks the film's server for the embed only."""
    local = urlsplit(peertube_url).netloc
    outside: list[str] = []

    def answer(route: Any) -> None:
        # Why a stub: no network in tests; what matters is what the page asked for.
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.fulfill(
                status=200, content_type="text/html", body="<!DOCTYPE html><title>p</title>"
            )

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.route("**/*", answer)
        page = context.new_page()
        page.goto(peertube_url + "/videos/frost-ferns/")
        page.wait_for_load_state("networkidle")
        assert outside == [] and page.locator("iframe").count() == 0
        page.locator("a.facade").click()
        frame = page.locator(".player iframe")
        frame.wait_for()
        page.wait_for_load_state("networkidle")
        embed = f"https://tube.example/videos/embed/{SHORT_ID}?autoplay=1&p2p=0&warningTitle=0"
        assert frame.get_attribute("src") == embed
        assert outside == [embed]
        assert frame.get_attribute("title") == "Frost Ferns (PeerTube (tube.example) player)"
    finally:
        context.close()
