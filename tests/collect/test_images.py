"""Pictures and posters: fetched with the collector's rules, decoded, saved without metadata."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from feed_server import FeedServer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms

from socialhub.collect.fetch import make_client
from socialhub.collect.images import ImageRefused, SavedImage, save_image
from socialhub.collect.settings import CollectSettings

GPS_WORDS = (b"Phone X", b"secret comment", b"where I live")


@pytest.fixture
def client(settings: CollectSettings) -> Iterator[httpx.Client]:
    """The collector's one client, closed after the test."""
    with make_client(settings) as made:
        yield made


@pytest.fixture
def folder(content: Path) -> Path:
    """Where #FF pictures go."""
    return content / "images" / "follow-friday"


def _picture(
    kind: str = "JPEG", size: tuple[int, int] = (40, 20), mode: str = "RGB", **options: object
) -> bytes:
    """A picture whose left half is red and right half blue, saved with ``options``."""
    image = Image.new(mode, size, "red")
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: the model, an orientation and where the photo was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Phone X"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 13.0, 7.5)
    return exif


def _serve(feeds: FeedServer, name: str, body: bytes, kind: str = "image/jpeg") -> str:
    feeds.custom[name] = body
    feeds.custom_types[name] = kind
    return feeds.url(f"custom/{name}")


def _save(
    client: httpx.Client,
    url: str,
    folder: Path,
    settings: CollectSettings,
    stem: str = "2026-11-20-lumen-1",
    **options: bool,
) -> SavedImage:
    return save_image(client, url, folder, stem, settings, content_dir=folder.parents[1], **options)


def _refused(
    client: httpx.Client, url: str, folder: Path, settings: CollectSettings, stem: str = "pic"
) -> str:
    """The one-line reason, checked to name the URL; nothing is left in the folder."""
    with pytest.raises(ImageRefused) as refused:
        _save(client, url, folder, settings, stem)
    reason = str(refused.value)
    assert "\n" not in reason
    assert url in reason
    assert not folder.exists() or [p.name for p in folder.iterdir()] == []
    return reason


def _near(pixel: object, colour: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) < 40 for a, b in zip(pixel[:3], colour, strict=True))


def test_a_phone_photo_is_saved_without_exif_gps_xmp_or_comment(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """Where the photo was taken, and with which phone, never reaches the site."""
    body = _picture(exif=_exif(), comment=GPS_WORDS[1], xmp=b"<x:xmpmeta>where I live</x:xmpmeta>")
    assert all(word in body for word in GPS_WORDS)
    saved = _save(client, _serve(feeds, "photo.jpg", body), folder, settings)
    assert saved.path == folder / "2026-11-20-lumen-1.jpg"
    assert saved.site_path == "/images/follow-friday/2026-11-20-lumen-1.jpg"
    assert (saved.width, saved.height) == (40, 20)
    written = saved.path.read_bytes()
    assert not any(word in written for word in GPS_WORDS)
    assert b"Exif" not in written
    with Image.open(saved.path) as again:
        assert again.format == "JPEG"
        assert dict(again.getexif()) == {}
        assert not {"exif", "xmp", "comment"} & set(again.info)
    assert [p.name for p in folder.iterdir()] == [saved.path.name]  # no temporary file left


def test_the_exif_orientation_is_applied(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """A photo taken upright (orientation 6: turn 90° clockwise) is saved upright."""
    body = _picture(exif=_exif(orientation=6), quality=95)
    saved = _save(client, _serve(feeds, "turned.jpg", body), folder, settings)
    assert (saved.width, saved.height) == (20, 40)
    with Image.open(saved.path) as again:
        assert again.size == (20, 40)
        assert _near(again.getpixel((10, 5)), (255, 0, 0))  # the left half is now on top
        assert _near(again.getpixel((10, 35)), (0, 0, 255))


@pytest.mark.parametrize(
    "case",
    [
        ("page.jpg", b"<!doctype html><html><body>Login</body></html>", "image/jpeg"),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("empty.png", b"", "image/png"),
        ("tiff.jpg", _picture("TIFF"), "image/jpeg"),
        ("sound.webp", b"RIFF\x24\0\0\0WAVEfmt " + b"\0" * 40, "image/webp"),
    ],
    ids=["html-as-jpeg", "svg", "empty", "tiff", "riff-not-webp"],
)
def test_what_is_not_a_jpeg_png_gif_or_webp_is_refused(
    feeds: FeedServer,
    client: httpx.Client,
    folder: Path,
    settings: CollectSettings,
    case: tuple[str, bytes, str],
) -> None:
    """The type is what decodes, not what the server or the name says."""
    name, body, kind = case
    reason = _refused(client, _serve(feeds, name, body, kind), folder, settings)
    assert reason.endswith(": not a JPEG, PNG, GIF or WebP picture")


def test_a_truncated_jpeg_is_refused(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """Half a picture is not saved as a grey half-picture."""
    noise = Image.effect_noise((200, 200), 64).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    body = out.getvalue()[: len(out.getvalue()) // 2]
    reason = _refused(client, _serve(feeds, "half.jpg", body), folder, settings)
    assert "not a readable picture (image file is truncated" in reason


def test_a_picture_over_the_byte_cap_is_refused(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """max_image_bytes caps pictures, apart from the feeds' cap."""
    body = _picture(size=(400, 400), quality=100) + b"\0" * 4000
    assert len(body) > 4096
    small = replace(settings, max_image_bytes=4096, max_bytes=10_000_000)
    reason = _refused(client, _serve(feeds, "big.jpg", body), folder, small)
    assert f"too large ({len(body)} bytes; the limit is 4096)" in reason
    # Why: the feeds' own cap (smaller here) does not refuse a picture below its cap.
    tiny_feeds = replace(settings, max_bytes=1024, max_image_bytes=10_000_000)
    assert _save(client, _serve(feeds, "big.jpg", body), folder, tiny_feeds).width == 400


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` by ``height`` pixels in a few bytes (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + width // 8) * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "case",
    [
        (_picture("PNG", size=(1100, 1000)), 1_000_000, "1100×1000 pixels is more than"),
        (_png_header_only(50_000, 50_000), 40_000_000, "50000×50000 pixels is more than"),
        (_picture("GIF", size=(1100, 1000)), 1_000_000, "1100×1000 pixels is more than"),
    ],
    ids=["over-the-setting", "pillows-own-bomb", "gif"],
)
def test_too_many_pixels_are_refused_before_decoding(
    feeds: FeedServer,
    client: httpx.Client,
    folder: Path,
    settings: CollectSettings,
    case: tuple[bytes, int, str],
) -> None:
    """max_image_pixels decides, also over Pillow's own bomb limit (no warning, no error)."""
    body, limit, words = case
    capped = replace(settings, max_image_pixels=limit)
    reason = _refused(client, _serve(feeds, "bomb.png", body, "image/png"), folder, capped)
    assert words in reason


def test_a_redirect_to_a_local_file_is_refused(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """A picture's server cannot point the collector at the machine's own files."""
    reason = _refused(client, feeds.url("file/x.jpg"), folder, settings)
    assert reason.endswith("not an http(s) address: file:///etc/passwd")


def test_an_http_error_is_refused(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """A gone picture is one line, not a traceback."""
    reason = _refused(client, feeds.url("status/404"), folder, settings)
    assert reason == f"{feeds.url('status/404')}: HTTP 404 Not Found"


def test_an_existing_file_is_never_overwritten(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """An editor's picture under the same name stays; the new one takes the next number."""
    folder.mkdir(parents=True)
    (folder / "pic.jpg").write_bytes(b"the editor's own")
    url = _serve(feeds, "photo.jpg", _picture())
    second = _save(client, url, folder, settings, "pic")
    third = _save(client, url, folder, settings, "pic")
    assert (second.path.name, third.path.name) == ("pic-2.jpg", "pic-3.jpg")
    assert third.site_path == "/images/follow-friday/pic-3.jpg"
    assert (folder / "pic.jpg").read_bytes() == b"the editor's own"
    assert sorted(p.name for p in folder.iterdir()) == ["pic-2.jpg", "pic-3.jpg", "pic.jpg"]


def test_a_dry_run_writes_nothing(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """The would-be path and size are known; no folder or file is made."""
    url = _serve(feeds, "photo.jpg", _picture())
    saved = _save(client, url, folder, settings, "pic", dry_run=True)
    assert (saved.path, saved.width, saved.height) == (folder / "pic.jpg", 40, 20)
    assert not folder.exists()
    folder.mkdir(parents=True)
    (folder / "pic.jpg").write_bytes(b"taken")
    assert _save(client, url, folder, settings, "pic", dry_run=True).path.name == "pic-2.jpg"
    assert [p.name for p in folder.iterdir()] == ["pic.jpg"]


def test_an_unwritable_folder_is_refused(
    feeds: FeedServer, client: httpx.Client, content: Path, settings: CollectSettings
) -> None:
    """A disk that cannot take the file is one line naming the picture."""
    (content / "images").write_text("a file where the folder should be", encoding="utf-8")
    url = _serve(feeds, "photo.jpg", _picture())
    with pytest.raises(ImageRefused, match=r"cannot write into .*follow-friday \(Not a directory"):
        _save(client, url, content / "images" / "follow-friday", settings)


def test_an_animated_gif_becomes_a_png_of_its_first_frame(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """GIF is kept as a still PNG, transparency and all."""
    first = Image.new("P", (30, 10), 1)
    first.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255])
    first.paste(0, (0, 0, 5, 10))  # colour 0 is transparent
    second = first.copy()
    second.paste(2, (0, 0, 30, 10))
    out = io.BytesIO()
    first.save(out, "GIF", save_all=True, append_images=[second], transparency=0, duration=100)
    saved = _save(client, _serve(feeds, "anim.gif", out.getvalue(), "image/gif"), folder, settings)
    assert saved.path.name == "2026-11-20-lumen-1.png"
    with Image.open(saved.path) as again:
        assert again.format == "PNG"
        assert not getattr(again, "is_animated", False)
        rgba = again.convert("RGBA")
        assert rgba.getpixel((20, 5)) == (255, 0, 0, 255)  # the first frame's red
        assert rgba.getpixel((2, 5))[3] == 0  # still transparent


def test_png_and_webp_keep_their_format_and_lose_their_text(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """A PNG's text chunks and a WebP's EXIF are metadata too."""
    from PIL.PngImagePlugin import PngInfo  # noqa: PLC0415 - only this test writes text chunks

    text = PngInfo()
    text.add_text("Comment", "secret comment")
    png = _picture("PNG", pnginfo=text, exif=_exif())
    webp = _picture("WEBP", exif=_exif(), xmp=b"<x:xmpmeta>where I live</x:xmpmeta>")
    for name, body, kind, suffix in (
        ("a.png", png, "PNG", ".png"),
        ("b.webp", webp, "WEBP", ".webp"),
    ):
        assert any(word in body for word in GPS_WORDS)
        saved = _save(client, _serve(feeds, name, body, "image/png"), folder, settings, name[0])
        assert saved.path.suffix == suffix
        written = saved.path.read_bytes()
        assert not any(word in written for word in GPS_WORDS)
        with Image.open(saved.path) as again:
            assert again.format == kind
            assert dict(again.getexif()) == {}


def test_a_colour_profile_is_applied_then_dropped(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """The pixels come out in sRGB; the profile, with its description text, stays behind."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    body = _picture(icc_profile=profile, quality=95)
    saved = _save(client, _serve(feeds, "profiled.jpg", body), folder, settings)
    assert profile not in saved.path.read_bytes()
    with Image.open(saved.path) as again:
        assert "icc_profile" not in again.info
        assert _near(again.getpixel((5, 5)), (255, 0, 0))


def test_the_request_asks_for_pictures(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings
) -> None:
    """The Accept header names image types, not feeds."""
    _save(client, _serve(feeds, "photo.jpg", _picture()), folder, settings)
    assert feeds.headers["/custom/photo.jpg"]["Accept"].startswith("image/")


@pytest.mark.parametrize("stem", ["../../etc/x", "", "Pic", "a/b", ".hidden"])
def test_a_bad_stem_is_refused_without_fetching(
    feeds: FeedServer, client: httpx.Client, folder: Path, settings: CollectSettings, stem: str
) -> None:
    """The caller's file name cannot climb out of the folder."""
    reason = _refused(client, feeds.url("custom/none"), folder, settings, stem)
    assert reason.endswith(f"{stem!r} is not a file name of a-z, 0-9 and hyphens")
    assert feeds.hits == {}


def test_a_folder_outside_content_is_refused(
    client: httpx.Client, tmp_path: Path, content: Path, settings: CollectSettings
) -> None:
    """Pictures go under content/, where the site's paths start."""
    with pytest.raises(ImageRefused, match="is not inside"):
        save_image(
            client,
            "https://x.example/a.jpg",
            tmp_path / "elsewhere",
            "a",
            settings,
            content_dir=content,
        )


_MAGIC = st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF", b""])


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.tuples(_MAGIC, st.binary(max_size=600)), st.integers(min_value=0, max_value=3000))
def test_hostile_bytes_are_saved_or_refused_never_a_traceback(
    tmp_path: Path, settings: CollectSettings, piece: tuple[bytes, bytes], cut: int
) -> None:
    """Random bytes, and real pictures cut or corrupted anywhere: ImageRefused or a file."""
    magic, noise = piece
    real = _picture("PNG" if magic.startswith(b"\x89") else "GIF" if magic else "JPEG")
    bodies = [magic + noise, real[:cut] + noise, real[:cut] + noise[:8] + real[cut + 8 :]]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies[int(request.url.path.strip("/"))])

    content = tmp_path / "fuzz" / "content"
    small = replace(settings, max_image_pixels=1_000_000)  # why: random sizes stay cheap
    with httpx.Client(transport=httpx.MockTransport(answer)) as mock:
        for number in range(len(bodies)):
            try:
                saved = save_image(
                    mock,
                    f"https://x.example/{number}",
                    content / "images" / "posters",
                    "p",
                    small,
                    content_dir=content,
                    dry_run=True,
                )
            except ImageRefused as refused:
                assert "\n" not in str(refused)
            else:
                assert saved.width > 0
