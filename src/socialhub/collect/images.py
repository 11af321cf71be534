"""Pictures and posters saved under content/: fetched politely, decoded, re-encoded bare.

A picture from a social platform is data from a stranger: its type is what
Pillow decodes, not what the server or the name says; its pixels are capped
before they are decoded; and it is written anew from its pixels alone, so no
EXIF (a phone's GPS position, its serial number), XMP or comment reaches the
site.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import (
    GifImagePlugin,
    Image,
    ImageCms,
    ImageFile,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    WebPImagePlugin,
)

from socialhub.collect.fetch import fetch
from socialhub.collect.settings import CollectSettings

ACCEPT = "image/webp, image/png, image/jpeg, image/gif;q=0.8, image/*;q=0.5"
JPEG_QUALITY = 88

# The first bytes of each accepted format (a WebP also says WEBP at byte 8), the
# plugin that decodes it, what it is saved as, and the file extension. Why our own
# table rather than Image.open: Image.open checks the pixel count against Pillow's
# global MAX_IMAGE_PIXELS (a warning, then an error), which settings cannot change
# without touching every thread's Pillow; opening the plugin directly lets
# max_image_pixels decide, before a single pixel is decoded.
_FORMATS: tuple[tuple[tuple[bytes, ...], type[ImageFile.ImageFile], str, str], ...] = (
    ((b"\xff\xd8\xff",), JpegImagePlugin.JpegImageFile, "JPEG", ".jpg"),
    ((b"\x89PNG\r\n\x1a\n",), PngImagePlugin.PngImageFile, "PNG", ".png"),
    ((b"GIF87a", b"GIF89a"), GifImagePlugin.GifImageFile, "PNG", ".png"),
    ((b"RIFF",), WebPImagePlugin.WebPImageFile, "WEBP", ".webp"),
)
# The modes each format is saved in; any other (CMYK, YCbCr, LA...) is converted.
_MODES = {
    "JPEG": ("L", "RGB"),
    "WEBP": ("RGB", "RGBA"),
    "PNG": ("1", "L", "P", "RGB", "RGBA", "I;16"),
}
_STEM = re.compile(r"[a-z0-9][a-z0-9-]{0,100}")
_MAX_NAMES = 1000  # stem.ext, stem-2.ext ... stem-1000.ext, then the folder is odd
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRefused(Exception):  # noqa: N818 - the collector's word: a picture is refused
    """Why a picture was not saved, in one line (str(error))."""


@dataclass(frozen=True)
class SavedImage:
    """A picture written (or, in a dry run, that would be written) under content/."""

    path: Path  # the file written under content/
    site_path: str  # "/images/follow-friday/2026-11-20-lumenmobile-1.jpg"
    width: int
    height: int


def save_image(
    client: httpx.Client,
    url: str,
    folder: Path,
    stem: str,
    settings: CollectSettings,
    *,
    content_dir: Path,
    dry_run: bool = False,
) -> SavedImage:
    """Fetch the picture at ``url`` and save it bare as folder/stem.ext; ImageRefused if not."""
    where = _line(url)
    if not _STEM.fullmatch(stem):
        raise ImageRefused(f"{where}: {stem!r} is not a file name of a-z, 0-9 and hyphens")
    try:
        relative = folder.resolve().relative_to(content_dir.resolve())
    except ValueError:
        raise ImageRefused(f"{where}: {folder} is not inside {content_dir}") from None
    fetched = fetch(client, url, settings, accept=ACCEPT, max_bytes=settings.max_image_bytes)
    if fetched.status != "ok":
        raise ImageRefused(f"{where}: {fetched.error or 'no picture in the answer'}")
    encoded, extension, width, height = _reencode(fetched.body, settings.max_image_pixels, where)
    if dry_run:
        path = folder / _free_name(folder, stem, extension, where)
    else:
        path = _write_new(folder, stem, extension, encoded, where)
    site_path = "/" + (relative / path.name).as_posix()
    return SavedImage(path, site_path, width, height)


def _line(text: str, limit: int = 200) -> str:
    """One printable line (a URL from a feed may hold anything)."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(printable.split())[:limit]


def _open(body: bytes, where: str) -> tuple[ImageFile.ImageFile, str, str]:
    """The image file of the format the first bytes name, with what to save it as."""
    for magics, plugin, save_as, extension in _FORMATS:
        if body.startswith(magics) and (save_as != "WEBP" or body[8:12] == b"WEBP"):
            return plugin(io.BytesIO(body)), save_as, extension
    raise ImageRefused(f"{where}: not a JPEG, PNG, GIF or WebP picture")


def _reencode(body: bytes, max_pixels: int, where: str) -> tuple[bytes, str, int, int]:
    """The picture's first frame, turned upright, encoded anew without metadata."""
    try:
        source, save_as, extension = _open(body, where)
        width, height = source.size
        if width * height > max_pixels:
            raise ImageRefused(
                f"{where}: {width}×{height} pixels is more than the limit of {max_pixels}"
            )
        source.load()  # decode now: a truncated or broken file fails here, not later
        ImageOps.exif_transpose(source, in_place=True)  # in place: one picture less in memory
        bare = _bare(source, save_as)
        out = io.BytesIO()
        if save_as == "JPEG":
            bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        elif save_as == "WEBP":
            bare.save(out, "WEBP", quality=JPEG_QUALITY)
        else:
            bare.save(out, "PNG")
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Why both: a GIF frame or WebP canvas is checked by Pillow itself, and
        # with warnings as errors (the tests) the warning arrives raised.
        raise ImageRefused(f"{where}: too many pixels ({_line(str(error), 80)})") from None
    except Exception as error:  # why so broad: Pillow's decoders raise every kind on hostile bytes
        reason = _line(str(error), 80) or type(error).__name__
        raise ImageRefused(f"{where}: not a readable picture ({reason})") from None
    return out.getvalue(), extension, bare.width, bare.height


def _bare(image: Image.Image, save_as: str) -> Image.Image:
    """The pixels alone, in sRGB and a mode the format saves; no EXIF, XMP, comment or ICC."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA"):
        # Why convert rather than drop: a Display P3 photo without its profile
        # shows washed-out colours; in sRGB it looks right with no profile at all.
        # An unreadable profile leaves the pixels as they are.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, profile, _SRGB) or image
    if "transparency" in image.info or image.mode in ("PA", "LA", "La", "RGBa"):
        image = image.convert("RGBA")
    if image.mode not in _MODES[save_as]:
        image = image.convert("RGBA" if "A" in image.mode and save_as != "JPEG" else "RGB")
    # Why a fresh image: Pillow's savers read some metadata (a JPEG comment, XMP)
    # from .info; an image made from the pixels alone has none to carry over.
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        fresh.putpalette(image.getpalette() or [])
    return fresh


def _why(error: OSError) -> str:
    return error.strerror or _line(str(error), 80) or type(error).__name__


def _name(stem: str, extension: str, number: int) -> str:
    return f"{stem}{extension}" if number == 1 else f"{stem}-{number}{extension}"


def _free_name(folder: Path, stem: str, extension: str, where: str) -> str:
    """The first of stem.ext, stem-2.ext ... not yet taken (for a dry run)."""
    for number in range(1, _MAX_NAMES + 1):
        if not (folder / _name(stem, extension, number)).exists():
            return _name(stem, extension, number)
    raise ImageRefused(f"{where}: {folder} already holds {_MAX_NAMES} files named {stem}")


def _write_new(folder: Path, stem: str, extension: str, data: bytes, where: str) -> Path:
    """Write ``data`` whole under the first free name; never over an existing file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=".part")
    except OSError as error:
        raise ImageRefused(f"{where}: cannot write into {folder} ({_why(error)})") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        # Why a hard link: it appears whole and fails if the name is taken, even
        # when another collector writes the same name at the same moment.
        for number in range(1, _MAX_NAMES + 1):
            target = folder / _name(stem, extension, number)
            try:
                os.link(temporary, target)
            except FileExistsError:
                continue
            return target
        raise ImageRefused(f"{where}: {folder} already holds {_MAX_NAMES} files named {stem}")
    except OSError as error:
        raise ImageRefused(f"{where}: cannot write into {folder} ({_why(error)})") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
