"""Captions of a film on this site: a <track> per WebVTT file, served with the site.

The sample's self-hosted film has English captions; a film file without any
builds, with a warning naming it.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from helpers import ROOT

from socialhub.build import run_build
from socialhub.errors import ContentError

FILM = (
    "Title: Dawn Film\nDate: 2026-09-12\nEntrant: Ola\nContest: night-shorts\n"
    "Video-URL: /media/dawn.webm\nPoster: /images/posters/first-film.png\n"
    "Duration: 0:04\n"
)
CUES = "WEBVTT\n\n00:00.000 --> 00:04.000\nA horn sounds twice.\n"


def _build(content: Path, output: Path) -> list[str]:
    """Build ``content``; the build's warnings."""
    report = run_build(
        ROOT / "pelicanconf.py",
        {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(output) + "-cache"},
    )
    return report.warnings


def _film(content: Path, captions: str = "", files: dict[str, str | bytes] | None = None) -> None:
    (content / "media").mkdir(exist_ok=True)
    (content / "media" / "dawn.webm").write_bytes(b"\x1aE\xdf\xa3 a film")
    for name, data in (files or {}).items():
        target = content / "media" / name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    line = f"Captions: {captions}\n" if captions else ""
    (content / "videos" / "dawn.md").write_text(FILM + line + "\nA film.\n", encoding="utf-8")


def _tracks(page: Path) -> list[dict[str, str]]:
    video = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("video")
    assert video is not None, "no <video> on the page"
    return [{k: str(v) for k, v in track.attrs.items()} for track in video.find_all("track")]


def test_the_sample_film_has_its_english_captions_and_they_are_served(sample_output: Path) -> None:
    """The self-hosted film's page has a default English <track>; its file is WebVTT."""
    tracks = _tracks(sample_output / "videos" / "the-last-ferry" / "index.html")
    assert tracks == [
        {
            "kind": "captions",
            "src": "/media/the-last-ferry.en.vtt",
            "srclang": "en",
            "label": "English",
            "default": "",
        }
    ]
    served = sample_output / "media" / "the-last-ferry.en.vtt"
    assert served.read_text(encoding="utf-8").startswith("WEBVTT\n")


def test_hosted_films_have_no_track(sample_output: Path) -> None:
    """A YouTube, Vimeo or PeerTube film has no <video> here: its captions are the platform's."""
    page = sample_output / "videos" / "harbour-lights" / "index.html"
    assert "<track" not in page.read_text(encoding="utf-8")


def test_a_film_file_without_captions_builds_with_a_warning_naming_it(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """No captions: the film is published, and the build says which file needs them."""
    _film(minimal_copy)
    warnings = _build(minimal_copy, tmp_path / "output")
    assert [w for w in warnings if "captions" in w] == [
        "content/videos/dawn.md: captions: the film has no captions, so readers who cannot "
        "hear it miss what is said; add a line 'Captions: /media/dawn.en.vtt' "
        "with a WebVTT file there"
    ]
    assert _tracks(tmp_path / "output" / "videos" / "dawn" / "index.html") == []


def test_several_languages_give_one_track_each_the_first_by_default(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """Labels come from the language, or from the brackets; only the first is default."""
    _film(
        minimal_copy,
        "/media/dawn.sv.vtt, {static}/media/dawn.pt-BR.vtt (Português do Brasil)",
        {"dawn.sv.vtt": "\ufeff" + CUES, "dawn.pt-BR.vtt": CUES},
    )
    warnings = _build(minimal_copy, tmp_path / "output")
    assert not [w for w in warnings if "captions" in w]
    assert _tracks(tmp_path / "output" / "videos" / "dawn" / "index.html") == [
        {
            "kind": "captions",
            "src": "/media/dawn.sv.vtt",
            "srclang": "sv",
            "label": "Svenska",
            "default": "",
        },
        {
            "kind": "captions",
            "src": "/media/dawn.pt-BR.vtt",
            "srclang": "pt-BR",
            "label": "Português do Brasil",
        },
    ]
    assert (tmp_path / "output" / "media" / "dawn.pt-BR.vtt").read_text().startswith("WEBVTT")


def test_fixing_a_captions_file_is_seen_by_the_next_build(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """The check reads the file, so a cached check must not outlive a change to it."""
    _film(minimal_copy, "/media/dawn.en.vtt", {"dawn.en.vtt": "1\n00:00:00,000 --> 00:00:01,000\n"})
    try:
        _build(minimal_copy, tmp_path / "output")
    except ContentError as error:
        assert "does not start with WEBVTT" in str(error)
    else:
        raise AssertionError("a SubRip file named .vtt was accepted")
    (minimal_copy / "media" / "dawn.en.vtt").write_text(CUES, encoding="utf-8")
    _build(minimal_copy, tmp_path / "output")
    assert len(_tracks(tmp_path / "output" / "videos" / "dawn" / "index.html")) == 1
