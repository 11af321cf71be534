"""Thumbnails: the widths made, never upscaled, and a cache that skips unchanged images."""

from __future__ import annotations

import logging
import os
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image as PILImage

from socialhub.errors import ContentError
from socialhub.media import FORMAT, Thumbnailer, thumbnailer


def _photo(path: Path, size: tuple[int, int], mode: str = "RGB") -> str:
    """Write a picture under content/images/ and return its site path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    colour = (200, 80, 40, 128) if mode == "RGBA" else (200, 80, 40)
    PILImage.new(mode, size, colour).save(path)
    content = next(parent for parent in path.parents if parent.name == "content")
    return "/" + path.relative_to(content).as_posix()


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """content/, output/ and the manifest of a fresh site."""
    return tmp_path / "content", tmp_path / "output", tmp_path / "cache" / "thumbs.json"


@pytest.fixture
def make(folders: tuple[Path, Path, Path]) -> Callable[[], Thumbnailer]:
    """A new thumbnailer on the same folders (as the next build would make)."""
    return lambda: Thumbnailer(*folders, workers=1)


def test_thumbnails_in_each_width_never_wider_than_the_original(
    folders: tuple[Path, Path, Path], make: Callable[[], Thumbnailer]
) -> None:
    """A 1200 px photo gets 320, 640, 720 and 960 px thumbnails; 1280 px is the original's job."""
    content, output, _ = folders
    src = _photo(content / "images" / "ff" / "photo.jpg", (1200, 800))
    thumbs = make()
    thumbs.prepare([src])
    picture = thumbs(src)
    assert picture is not None
    assert (picture.width, picture.height) == (1200, 800)
    assert [(r.width, r.height) for r in picture.renditions] == [
        (320, 213),
        (640, 427),
        (720, 480),
        (960, 640),
        (1200, 800),
    ]
    assert picture.renditions[-1].src == src
    for rendition in picture.renditions[:-1]:
        file = output / rendition.src.lstrip("/")
        assert rendition.src.startswith("/thumbs/ff/photo-jpg-")
        with PILImage.open(file) as image:
            assert image.size == (rendition.width, rendition.height)
            assert image.format == FORMAT[0]
    version = picture.renditions[0].src.rsplit("-", 1)[1].split(".")[0]
    assert re.fullmatch(r"[0-9a-f]{8}", version)
    assert picture.srcset("https://x.example") == (
        f"https://x.example/thumbs/ff/photo-jpg-320-{version}.{FORMAT[1]} 320w, "
        f"https://x.example/thumbs/ff/photo-jpg-640-{version}.{FORMAT[1]} 640w, "
        f"https://x.example/thumbs/ff/photo-jpg-720-{version}.{FORMAT[1]} 720w, "
        f"https://x.example/thumbs/ff/photo-jpg-960-{version}.{FORMAT[1]} 960w, "
        "https://x.example/images/ff/photo.jpg 1200w"
    )
    assert picture.pick(500).width == 640
    assert picture.pick(5000).width == 1200


def test_a_small_picture_is_never_upscaled(
    folders: tuple[Path, Path, Path], make: Callable[[], Thumbnailer]
) -> None:
    """A picture narrower than every width is used as it is, and no file is written."""
    content, output, _ = folders
    src = _photo(content / "images" / "avatars" / "tiny.png", (200, 100))
    thumbs = make()
    thumbs.prepare([src])
    picture = thumbs(src)
    assert picture is not None
    assert [(r.src, r.width) for r in picture.renditions] == [(src, 200)]
    assert not (output / "thumbs").exists()


def test_a_huge_picture_is_not_a_candidate_itself(
    folders: tuple[Path, Path, Path], make: Callable[[], Thumbnailer]
) -> None:
    """A picture wider than the widest thumbnail is only offered through its thumbnails."""
    content, _output, _ = folders
    src = _photo(content / "images" / "big.jpg", (2000, 1000))
    thumbs = make()
    thumbs.prepare([src], (320, 640))
    picture = thumbs(src)
    assert picture is not None
    assert [r.width for r in picture.renditions] == [320, 640]


def test_transparency_is_kept(
    folders: tuple[Path, Path, Path], make: Callable[[], Thumbnailer]
) -> None:
    """A logo with an alpha channel keeps it in its thumbnails."""
    content, output, _ = folders
    src = _photo(content / "images" / "brand" / "logo.png", (256, 256), "RGBA")
    thumbs = make()
    thumbs.prepare([src], (48, 96))
    picture = thumbs(src)
    assert picture is not None
    with PILImage.open(output / picture.renditions[0].src.lstrip("/")) as image:
        assert image.mode == "RGBA"


def test_an_unchanged_picture_is_not_processed_again(
    folders: tuple[Path, Path, Path], make: Callable[[], Thumbnailer]
) -> None:
    """The next build reuses the thumbnails of a picture whose file did not change."""
    content, output, _ = folders
    src = _photo(content / "images" / "ff" / "photo.jpg", (1200, 800))
    first = make()
    first.prepare([src])
    assert first.processed == 1
    stamps = {p: p.stat().st_mtime_ns for p in (output / "thumbs").rglob("*.*")}
    second = make()
    second.prepare([src])
    assert second.processed == 0
    assert second(src) == first(src)
    assert {p: p.stat().st_mtime_ns for p in (output / "thumbs").rglob("*.*")} == stamps


def test_a_changed_or_lost_thumbnail_is_made_again(
    folders: tuple[Path, Path, Path], make: Callable[[], Thumbnailer]
) -> None:
    """A new version of the picture gets new thumbnails; a deleted one is made again."""
    content, output, _ = folders
    path = content / "images" / "ff" / "photo.jpg"
    src = _photo(path, (1200, 800))
    make().prepare([src])
    old_files = set((output / "thumbs").rglob("*.*"))
    _photo(path, (900, 900))
    os.utime(path, ns=(1, 1))  # a different mtime even on a coarse clock
    again = make()
    again.prepare([src])
    assert again.processed == 1
    picture = again(src)
    assert picture is not None
    assert [r.width for r in picture.renditions] == [320, 640, 720, 900]
    # New names (published thumbnails are cached as immutable); the old files are gone.
    new_files = set((output / "thumbs").rglob("*.*"))
    assert new_files and not new_files & old_files
    assert not any(path.exists() for path in old_files)
    (output / picture.renditions[0].src.lstrip("/")).unlink()
    third = make()
    third.prepare([src])
    assert third.processed == 1
    assert (output / picture.renditions[0].src.lstrip("/")).is_file()


def test_many_pictures_are_made_on_several_cores(folders: tuple[Path, Path, Path]) -> None:
    """Enough new pictures go to worker processes, with the same results."""
    content, _output, _ = folders
    sources = [_photo(content / "images" / "ff" / f"p{n}.jpg", (700, 350)) for n in range(8)]
    thumbs = Thumbnailer(*folders, workers=2)
    thumbs.prepare(sources)
    assert thumbs.processed == 8
    for src in sources:
        picture = thumbs(src)
        assert picture is not None
        assert [r.width for r in picture.renditions] == [320, 640, 700]


def test_an_unreadable_picture_is_named_and_shown_without_thumbnails(
    folders: tuple[Path, Path, Path],
    make: Callable[[], Thumbnailer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A file Pillow cannot read is refused with the reason; a missing one logs a warning."""
    content, _output, _ = folders
    broken = content / "images" / "ff" / "broken.jpg"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not a picture")
    thumbs = make()
    with caplog.at_level(logging.WARNING):
        thumbs.prepare(["/images/ff/broken.jpg", "/images/ff/missing.jpg"])
    assert thumbs("/images/ff/broken.jpg") is None
    assert thumbs(None) is None
    assert thumbs.failed == {
        "/images/ff/broken.jpg": "is not a picture (not PNG, JPEG, GIF, WebP or AVIF data)"
    }
    messages = [record.getMessage() for record in caplog.records]
    assert any("/images/ff/missing.jpg" in message for message in messages)


def test_a_removed_picture_loses_its_thumbnails(
    folders: tuple[Path, Path, Path], make: Callable[[], Thumbnailer]
) -> None:
    """When a picture's file is gone, the next build deletes its thumbnails."""
    content, output, _ = folders
    path = content / "images" / "ff" / "photo.jpg"
    src = _photo(path, (1200, 800))
    make().prepare([src])
    assert list((output / "thumbs").rglob("*.*"))
    path.unlink()
    make().prune()
    assert not list((output / "thumbs").rglob("*.*"))


def test_the_build_makes_thumbnails_once(minimal_copy: Path, build: Callable[..., Path]) -> None:
    """Two builds of the same site: the second one writes no thumbnail again."""
    _photo(minimal_copy / "images" / "ff" / "ada.png", (1000, 600))
    output = build(minimal_copy)
    thumbs = sorted((output / "thumbs").rglob("*.*"))
    names = [path.name for path in thumbs if path.parent.name == "ff"]
    assert [name.rsplit("-", 1)[0] for name in names] == [
        f"ada-png-{width}" for width in (320, 640, 720, 960)
    ]
    stamps = [path.stat().st_mtime_ns for path in thumbs]
    build(minimal_copy)
    assert [path.stat().st_mtime_ns for path in thumbs] == stamps


def test_plugins_share_one_thumbnailer(tmp_path: Path) -> None:
    """Every plugin asking for the thumbnailer in a build gets the same one."""
    context: dict[str, object] = {}
    settings = {"PATH": str(tmp_path), "OUTPUT_PATH": str(tmp_path / "out")}
    assert thumbnailer(context, settings) is thumbnailer(context, settings)


def _truncated_jpeg(path: Path) -> None:
    """A JPEG cut in the middle, as an interrupted copy leaves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.effect_noise((400, 300), 60).convert("RGB").save(path, "JPEG", quality=90)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _png_header(path: Path, width: int, height: int) -> None:
    """A tiny file whose header claims a huge picture: a decompression bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


REFUSED_FIX = "open it in an image editor and export it again as PNG, JPEG or WebP"


def _build_problems(build: Callable[..., Path], content: Path, **settings: object) -> list[str]:
    with pytest.raises(ContentError) as raised:
        build(content, **settings)
    return [str(problem) for problem in raised.value.problems]


def test_a_truncated_picture_is_an_error_naming_the_item_and_the_file(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """An #FF picture cut short stops the build: no silently missing thumbnail."""
    _truncated_jpeg(minimal_copy / "images" / "ff" / "cut.jpg")
    shoutout = minimal_copy / "follow-friday" / "ff-ada.md"
    shoutout.write_text(
        shoutout.read_text(encoding="utf-8").replace("/images/ff/ada.png", "/images/ff/cut.jpg"),
        encoding="utf-8",
    )
    assert _build_problems(build, minimal_copy) == [
        "content/follow-friday/ff-ada.md: images: the picture /images/ff/cut.jpg is cut "
        "short (truncated): the file was not saved or copied whole; " + REFUSED_FIX
    ]


def test_a_picture_over_the_pixel_limit_is_refused_before_it_is_decoded(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """A 40,000 by 40,000 header in a tiny file: refused by size, named, nothing decoded."""
    _png_header(minimal_copy / "images" / "avatars" / "ada.png", 40_000, 40_000)
    assert _build_problems(build, minimal_copy) == [
        "content/bloggers/ada-lens.md: avatar: the picture /images/avatars/ada.png has "
        "40,000 × 40,000 pixels, more than IMAGE_MAX_PIXELS (100,000,000): decoding it would "
        "take too much memory; " + REFUSED_FIX
    ]


def test_the_pixel_limit_is_a_setting_and_covers_pictures_inside_bodies(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """IMAGE_MAX_PIXELS applies to a picture shown in a post's body too."""
    _photo(minimal_copy / "images" / "inline.png", (300, 200))
    post = minimal_copy / "posts" / "first-post.md"
    post.write_text(
        post.read_text(encoding="utf-8") + "\n![A chart](/images/inline.png)\n", encoding="utf-8"
    )
    assert _build_problems(build, minimal_copy, IMAGE_MAX_PIXELS=50_000) == [
        "content/posts/first-post.md: body: the picture /images/inline.png has 300 × 200 "
        "pixels, more than IMAGE_MAX_PIXELS (50,000): decoding it would take too much "
        "memory; " + REFUSED_FIX
    ]
    build(minimal_copy, IMAGE_MAX_PIXELS=60_000)  # at the limit: built
