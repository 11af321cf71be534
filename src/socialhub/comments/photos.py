"""Mention authors' pictures: fetched once at approval, made small and ours, or none.

A reader's page never asks another site for anything: the picture an h-card
names is fetched by the moderator's approval through the pinned client (never a
private address, one deadline, a size cap), decoded with Pillow, cut to a square
of ``SIZE`` pixels and written again as a JPEG without any metadata (no EXIF, no
colour profile, no comment) under content/images/mentions/. Whatever goes wrong
leaves no file, and the theme shows the author's initials instead.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig
from socialhub.comments.webmention import fetch_bytes
from socialhub.stampcache import write_atomically

SIZE = 96  # pixels: shown at 32 or 40 CSS pixels, sharp on a screen of density 2 or 3
FOLDER = "images/mentions"
# Why a pixel limit of our own: Pillow's own only warns below 179 million pixels, and
# decoding a small file that claims a huge picture would take the moderator's memory.
MAX_PIXELS = 25_000_000


def photo_path(url: str) -> str:
    """The site path of an author's picture: one file per picture address."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return f"/{FOLDER}/{digest}.jpg"


def small_jpeg(data: bytes) -> bytes:
    """The picture as a square JPEG of SIZE pixels, no metadata; Refusal if it is none."""
    try:
        with warnings.catch_warnings():
            # Pillow warns of a picture over its own limit: refuse it like any other.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
        with picture:
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise Refusal(f"the picture is too large ({width}×{height} pixels)")
            picture.draft("RGB", (SIZE * 2, SIZE * 2))  # JPEG: decode at a smaller scale
            upright = ImageOps.exif_transpose(picture)
            square = ImageOps.fit(upright.convert("RGB"), (SIZE, SIZE), Image.Resampling.LANCZOS)
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise Refusal(f"the picture cannot be read ({type(error).__name__})") from error
    out = io.BytesIO()
    # A new image from the pixels alone: no info dictionary, so nothing but pixels is saved.
    clean = Image.frombytes("RGB", square.size, square.tobytes())
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def fetch_photo(url: str, config: CommentsConfig) -> str:
    """Fetch, shrink and store an author's picture; its site path, or Refusal saying why."""
    path = photo_path(url)
    target = Path(config.content_dir) / path.lstrip("/")
    if target.is_file():
        return path  # the same picture for another mention of the same author
    _final, data, _encoding = fetch_bytes(url, config, accept="image/*", what="the picture")
    jpeg = small_jpeg(data)
    try:
        write_atomically(target, jpeg)
    except OSError as error:
        raise Refusal(f"the picture could not be written ({error.strerror or error})") from error
    return path
