"""The thumbnail store under the build cache: a cold build into a new output encodes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from socialhub.media import Thumbnailer, thumbnailer

Make = Callable[[str], Thumbnailer]


def _photo(content: Path, name: str, colour: tuple[int, int, int]) -> str:
    """A picture with some detail under content/images/; its site path."""
    path = content / "images" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    picture = PILImage.new("RGB", (1200, 800), colour)
    ImageDraw.Draw(picture).rectangle((100, 100, 500, 400), fill=(10, 200, 90))
    picture.save(path, quality=90)
    return f"/images/{name}"


@pytest.fixture
def make(tmp_path: Path) -> Make:
    """A thumbnailer of the same content and cache writing into the output folder named."""
    return lambda output: Thumbnailer(
        tmp_path / "content",
        tmp_path / output,
        tmp_path / "cache" / "thumbs" / f"{output}-manifest.json",
        workers=1,
        store_dir=tmp_path / "cache" / "thumbs" / "store",
    )


def _thumb_files(output: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((output / "thumbs").rglob("*.*"))}


def test_a_cold_build_into_a_new_output_copies_instead_of_encoding(
    tmp_path: Path, make: Make
) -> None:
    """The second output folder gets the same thumbnails, with no encode at all."""
    src = _photo(tmp_path / "content", "ff/photo.jpg", (200, 80, 40))
    first = make("output-a")
    first.prepare([src])
    assert first.encoded == 4  # 320, 640, 720 and 960 (1280 is wider than the picture)
    second = make("output-b")
    second.prepare([src])
    assert second.encoded == 0
    assert second(src) == first(src)
    assert _thumb_files(tmp_path / "output-b") == _thumb_files(tmp_path / "output-a")
    with PILImage.open(tmp_path / "output-b" / second(src).pick(640).src.lstrip("/")) as thumb:
        assert thumb.size == (640, 427)


def test_the_store_is_used_only_when_source_and_size_match(tmp_path: Path, make: Make) -> None:
    """A changed picture and a new width are encoded; the unchanged widths are not."""
    src = _photo(tmp_path / "content", "ff/photo.jpg", (200, 80, 40))
    make("output-a").prepare([src], (320, 640))
    _photo(tmp_path / "content", "ff/photo.jpg", (20, 40, 220))  # same name, new bytes
    changed = make("output-b")
    changed.prepare([src], (320, 640))
    assert changed.encoded == 2
    with PILImage.open(tmp_path / "output-b" / changed(src).pick(320).src.lstrip("/")) as thumb:
        red, _green, blue = thumb.convert("RGB").getpixel((10, 10))
        assert blue > red  # the new picture's colours, not the stored old one's
    wider = make("output-c")
    wider.prepare([src], (320, 640, 960))
    assert wider.encoded == 1


def test_a_corrupt_store_entry_is_made_again(tmp_path: Path, make: Make) -> None:
    """A cut-short entry is not copied: it is encoded again and the store is repaired."""
    src = _photo(tmp_path / "content", "photo.jpg", (200, 80, 40))
    make("output-a").prepare([src], (320,))
    [entry] = (tmp_path / "cache" / "thumbs" / "store").iterdir()
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 3])
    again = make("output-b")
    again.prepare([src], (320,))
    assert again.encoded == 1
    assert entry.read_bytes() == good
    with PILImage.open(tmp_path / "output-b" / again(src).pick(320).src.lstrip("/")) as thumb:
        thumb.load()
        assert thumb.size == (320, 213)


def test_the_build_keeps_its_store_under_the_cache_path(tmp_path: Path) -> None:
    """The build's thumbnailer stores encoded thumbnails under CACHE_PATH, not the output."""
    src = _photo(tmp_path / "content", "photo.jpg", (200, 80, 40))
    settings = {
        "PATH": str(tmp_path / "content"),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "HUB_BUILD_WORKERS": 1,
    }
    made = thumbnailer({}, settings)
    made.prepare([src], (320,))
    assert made.encoded == 1
    assert len(list((tmp_path / "cache" / "thumbs" / "store").glob("*.*"))) == 1
    settings["OUTPUT_PATH"] = str(tmp_path / "fresh-output")
    fresh = thumbnailer({}, settings)
    fresh.prepare([src], (320,))
    assert fresh.encoded == 0


def test_a_second_cold_build_into_a_new_output_encodes_nothing(
    minimal_copy: Path, tmp_path: Path, build: Callable[..., Path]
) -> None:
    """The real build, twice cold into empty outputs sharing a cache: the store is untouched."""
    _photo(minimal_copy, "ff/ada.png", (200, 80, 40))  # a picture the site shows
    cache = tmp_path / "shared-cache"
    build(minimal_copy, OUTPUT_PATH=str(tmp_path / "first"), CACHE_PATH=str(cache))
    first = tmp_path / "first"
    store = cache / "thumbs" / "store"
    entries = {path.name: path.stat().st_mtime_ns for path in store.iterdir()}
    assert len(entries) >= 3  # every encode leaves its entry in the store
    build(minimal_copy, OUTPUT_PATH=str(tmp_path / "second"), CACHE_PATH=str(cache))
    second = tmp_path / "second"
    assert {path.name: path.stat().st_mtime_ns for path in store.iterdir()} == entries
    assert _thumb_files(second) == _thumb_files(first)
    assert any(name.startswith("ada-png-640-") for name in _thumb_files(second))
