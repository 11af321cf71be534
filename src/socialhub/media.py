"""Images for the theme: thumbnails in a few widths, cached between builds.

Each picture on a page gets ``srcset``/``sizes`` candidates and its natural
size (so the browser reserves its box before it loads). Thumbnails are written
once into ``<output>/thumbs/`` and recorded in a small manifest under the build
cache; a later build reuses them while the source file keeps its size and
modification time, so an unchanged image is never decoded again. Encoded
thumbnails are also kept in a store under the build cache, outside the output
(``<CACHE_PATH>/thumbs/store/``), named by a hash of the source's bytes and the
width, format and quality: a cold build into an empty output copies them
instead of encoding the same pictures again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError, features

from socialhub import validate
from socialhub.errors import ContentError, Problem
from socialhub.kinds import KINDS_BY_NAME
from socialhub.model import Image, Item, Shoutout, Site

log = logging.getLogger(__name__)

# Why 720: a card of about 380 px on a phone at 1.75x density wants 665 px; without
# it the browser takes the 960 px file (Lighthouse counted 12-14 KiB more a page).
DEFAULT_WIDTHS = (320, 640, 720, 960, 1280)
AVATAR_WIDTHS = (96, 192, 320)
LOGO_WIDTHS = (48, 96)
THUMBS_FOLDER = "thumbs"
MANIFEST_VERSION = 2
# Below this many images to process, worker processes cost more than they save.
PARALLEL_THRESHOLD = 6
# Why WebP: a third of the bytes of JPEG at the same look, and every current browser shows it.
FORMAT = ("WEBP", "webp") if features.check("webp") else ("JPEG", "jpg")
CONTEXT_KEY = "hub_thumbnailer"
# Pillow's own limit (MAX_IMAGE_PIXELS), used when the setting is not given.
DEFAULT_MAX_PIXELS = 100_000_000
_BODY_IMAGE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]+)\"")


class ImageRefusedError(Exception):
    """A picture that cannot be used; its message says why, for an editor."""


@dataclass(frozen=True)
class Rendition:
    """One file of a picture at one width."""

    src: str  # site path, such as /thumbs/follow-friday/x-jpg-320-1a2b3c4d.webp
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """A picture with its natural size and its renditions, narrowest first."""

    src: str  # the original's site path
    width: int
    height: int
    renditions: tuple[Rendition, ...]

    def srcset(self, prefix: str = "") -> str:
        """The ``srcset`` value; ``prefix`` is SITEURL."""
        return ", ".join(f"{prefix}{r.src} {r.width}w" for r in self.renditions)

    def pick(self, width: int) -> Rendition:
        """The narrowest rendition at least ``width`` pixels wide (else the widest)."""
        for rendition in self.renditions:
            if rendition.width >= width:
                return rendition
        return self.renditions[-1]


def _thumb_path(src: str, width: int, version: str) -> str:
    """The site path of a thumbnail: /thumbs/<folder>/<stem>-<ext>-<width>-<version>.<format>.

    Why the version (a hash of the picture's bytes): published thumbnails are cached
    as immutable, so a changed picture must get new names.
    """
    relative = src.lstrip("/")
    if relative.startswith("images/"):
        relative = relative[len("images/") :]
    folder, _, name = relative.rpartition("/")
    stem, _, extension = name.rpartition(".")
    stem = f"{stem}-{extension.lower()}" if stem else extension
    prefix = f"/{THUMBS_FOLDER}/{folder}/" if folder else f"/{THUMBS_FOLDER}/"
    return f"{prefix}{stem}-{width}-{version}.{FORMAT[1]}"


def _scaled_height(width: int, height: int, target: int) -> int:
    return max(1, round(height * target / width))


_Job4 = tuple[str, str, str, tuple[int, ...], int, str]
# Part of the store's keys: a change of encoder settings makes new entries.
QUALITY = {"WEBP": "q80-m4", "JPEG": "q82-opt-prog"}


def _store_name(data_digest: str, size: tuple[int, int]) -> str:
    """The store's file name of one thumbnail: source bytes, size, format and quality."""
    key = f"{data_digest}-{size[0]}x{size[1]}-{FORMAT[0]}-{QUALITY[FORMAT[0]]}"
    return hashlib.blake2b(key.encode("ascii"), digest_size=16).hexdigest() + "." + FORMAT[1]


def _stored(path: Path, size: tuple[int, int]) -> bool:
    """True when a store entry is a whole picture of the expected size (else it is re-made)."""
    try:
        with PILImage.open(path) as opened:
            if opened.size != size:
                return False
            opened.load()  # a truncated or damaged entry fails here
    except Exception:  # why broad: Pillow raises many kinds on a damaged file
        return False
    return True


def _size_from_header(data: bytes, max_pixels: int) -> tuple[int, int]:
    """The upright size of a picture, read from its header without decoding its pixels."""
    saved = PILImage.MAX_IMAGE_PIXELS
    PILImage.MAX_IMAGE_PIXELS = None
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if width * height > max_pixels:
                raise ImageRefusedError(
                    f"has {width:,} × {height:,} pixels, more than IMAGE_MAX_PIXELS "
                    f"({max_pixels:,}): decoding it would take too much memory"
                )
            # EXIF orientations 5-8 turn the picture a quarter: exif_transpose swaps the sides.
            if opened.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
    finally:
        PILImage.MAX_IMAGE_PIXELS = saved
    return width, height


def _open_checked(data: bytes, max_pixels: int) -> PILImage.Image:
    """Decode a picture whole, refusing one over ``max_pixels`` before decoding it."""
    # Why Pillow's own limit is lifted meanwhile: ours (IMAGE_MAX_PIXELS) is checked
    # from the header, and Pillow's would fail or warn without saying the size.
    saved = PILImage.MAX_IMAGE_PIXELS
    PILImage.MAX_IMAGE_PIXELS = None
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if width * height > max_pixels:
                raise ImageRefusedError(
                    f"has {width:,} × {height:,} pixels, more than IMAGE_MAX_PIXELS "
                    f"({max_pixels:,}): decoding it would take too much memory"
                )
            image = ImageOps.exif_transpose(opened)
            image.load()
    finally:
        PILImage.MAX_IMAGE_PIXELS = saved
    return image


def _make_thumbnails(job: _Job4) -> dict[str, Any]:
    """In a worker: open one image, write its thumbnails narrower than it; describe them."""
    source, src, output_dir, widths, max_pixels, store_dir = job
    data = Path(source).read_bytes()
    version = hashlib.blake2b(data, digest_size=4).hexdigest()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    width, height = _size_from_header(data, max_pixels)
    store = Path(store_dir) if store_dir else None
    image: PILImage.Image | None = None  # decoded only when a thumbnail is not in the store
    thumbs: dict[str, str] = {}
    encoded = 0
    for target_width in widths:
        if target_width >= width:
            continue  # never upscaled: the original is the widest candidate
        size = (target_width, _scaled_height(width, height, target_width))
        site_path = _thumb_path(src, target_width, version)
        target = Path(output_dir) / site_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        kept = store / _store_name(digest, size) if store else None
        if kept is not None and _stored(kept, size):
            shutil.copyfile(kept, temporary)
        else:
            if image is None:
                image = _open_checked(data, max_pixels)
                has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                image = image.convert("RGBA" if has_alpha else "RGB")
            small = image.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
            if FORMAT[0] == "WEBP":
                small.save(temporary, "WEBP", quality=80, method=4)
            else:
                small.save(temporary, "JPEG", quality=82, optimize=True, progressive=True)
            encoded += 1
            if kept is not None:
                kept.parent.mkdir(parents=True, exist_ok=True)
                staged = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
                shutil.copyfile(temporary, staged)
                os.replace(staged, kept)  # whole or absent, even with parallel workers
        os.replace(temporary, target)
        thumbs[str(target_width)] = site_path
    return {"width": width, "height": height, "thumbs": thumbs, "encoded": encoded}


def _safe_make(job: _Job4) -> dict[str, Any]:
    """``_make_thumbnails``, or ``{"error": why}`` for a picture that cannot be used."""
    try:
        return _make_thumbnails(job)
    except ImageRefusedError as refused:
        return {"error": str(refused)}
    except UnidentifiedImageError:
        return {"error": "is not a picture (not PNG, JPEG, GIF, WebP or AVIF data)"}
    except Exception as error:  # why broad: Pillow raises many kinds on a damaged file
        if "truncated" in str(error):
            return {"error": "is cut short (truncated): the file was not saved or copied whole"}
        return {"error": f"is damaged ({type(error).__name__}: {error})"}


@dataclass
class _Job:
    src: str
    path: Path
    stamp: tuple[int, int]
    widths: tuple[int, ...]


class Thumbnailer:
    """Makes and remembers the thumbnails of one output folder."""

    def __init__(
        self,
        content_dir: Path,
        output_dir: Path,
        manifest_path: Path,
        *,
        workers: int = 0,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        store_dir: Path | None = None,
    ) -> None:
        self.content_dir = Path(content_dir)
        self.store_dir = store_dir  # encoded thumbnails kept across output folders
        self.encoded = 0  # thumbnails encoded by this instance (the store's misses)
        self.max_pixels = max_pixels
        self.failed: dict[str, str] = {}  # source → why it cannot be used, in this build
        self.output_dir = Path(output_dir)
        self.manifest_path = Path(manifest_path)
        self.workers = workers or os.cpu_count() or 1
        self.pictures: dict[str, Picture] = {}
        self.processed = 0  # images decoded by this instance (the cache's misses)
        self._wanted: dict[str, set[int]] = {}  # widths asked for in this build, per source
        self._entries: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return {}
        entries = data.get("images")
        return entries if isinstance(entries, dict) else {}

    def _save(self) -> None:
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.manifest_path.with_suffix(".tmp")
        data = {"version": MANIFEST_VERSION, "format": FORMAT[1], "images": self._entries}
        temporary.write_text(json.dumps(data, sort_keys=True, indent=1), encoding="utf-8")
        os.replace(temporary, self.manifest_path)

    def _cached(self, src: str, stamp: tuple[int, int], widths: tuple[int, ...]) -> bool:
        """True when every wanted thumbnail of an unchanged source is on disk."""
        entry = self._entries.get(src)
        if not entry or tuple(entry.get("stamp", ())) != stamp:
            return False
        if entry.get("format") != FORMAT[1]:
            return False
        made = entry.get("thumbs", {})
        wanted = [w for w in widths if w < entry["width"]]
        return all(
            str(w) in made and (self.output_dir / made[str(w)].lstrip("/")).is_file()
            for w in wanted
        )

    def prepare(
        self, images: Iterable[Image | str], widths: tuple[int, ...] = DEFAULT_WIDTHS
    ) -> None:
        """Make the missing thumbnails of ``images`` (on every core when there are many)."""
        sources = sorted({image if isinstance(image, str) else image.src for image in images})
        jobs: list[_Job] = []
        for src in sources:
            asked = self._wanted.setdefault(src, set())
            if asked and asked.issuperset(widths):
                continue  # already checked in this build (another plugin shows it too)
            asked.update(widths)
            path = self.content_dir / src.lstrip("/")
            try:
                status = path.stat()
            except OSError:
                log.warning("media: %s does not exist; it is shown without thumbnails", src)
                continue
            stamp = (status.st_mtime_ns, status.st_size)
            known = self._entries.get(src, {})
            wanted = tuple(sorted(set(widths) | {int(w) for w in known.get("thumbs", {})}))
            if not self._cached(src, stamp, wanted):
                jobs.append(_Job(src, path, stamp, wanted))
        if jobs:
            self._run(jobs)
            self._save()
        for src in sources:
            if src in self._entries:
                self.pictures[src] = self._picture(src)

    def _run(self, jobs: list[_Job]) -> None:
        """Decode each job's image once and write its thumbnails, on every core when many."""
        work = [
            (
                str(job.path),
                job.src,
                str(self.output_dir),
                job.widths,
                self.max_pixels,
                str(self.store_dir or ""),
            )
            for job in jobs
        ]
        results: list[dict[str, Any]]
        if len(work) >= PARALLEL_THRESHOLD and self.workers > 1:
            with multiprocessing.get_context("fork").Pool(min(self.workers, len(work))) as pool:
                results = pool.map(_safe_make, work)
        else:
            results = [_safe_make(item) for item in work]
        for job, result in zip(jobs, results, strict=True):
            self.processed += 1
            if "error" in result:
                # Not cached: a refused picture is looked at again in the next build.
                self.failed[job.src] = result["error"]
                self._entries.pop(job.src, None)
                continue
            self.failed.pop(job.src, None)
            self.encoded += result.pop("encoded", 0)
            before = set(self._entries.get(job.src, {}).get("thumbs", {}).values())
            for stale in before - set(result["thumbs"].values()):
                (self.output_dir / stale.lstrip("/")).unlink(missing_ok=True)
            self._entries[job.src] = {"stamp": list(job.stamp), "format": FORMAT[1], **result}

    def prune(self) -> None:
        """Forget the images whose source is gone, and delete their thumbnails."""
        gone = [src for src in self._entries if not (self.content_dir / src.lstrip("/")).is_file()]
        for src in gone:
            for site_path in self._entries.pop(src).get("thumbs", {}).values():
                (self.output_dir / site_path.lstrip("/")).unlink(missing_ok=True)
        if gone:
            self._save()

    def drop_unused(self) -> None:
        """Delete the thumbnails of images that no page of this build shows (a clean build's)."""
        unused = [src for src in self._entries if src not in self._wanted]
        for src in unused:
            for site_path in self._entries.pop(src).get("thumbs", {}).values():
                (self.output_dir / site_path.lstrip("/")).unlink(missing_ok=True)
        if unused:
            self._save()

    def _picture(self, src: str) -> Picture:
        """The picture of a prepared source: the thumbnails asked for in this build."""
        widths = self._wanted[src]
        entry = self._entries[src]
        width, height = entry["width"], entry["height"]
        renditions = [
            Rendition(entry["thumbs"][str(w)], w, _scaled_height(width, height, w))
            for w in sorted(widths)
            if str(w) in entry["thumbs"]
        ]
        # The original is the widest candidate unless it is wider than any width asked for.
        if not renditions or width <= max(widths):
            renditions.append(Rendition(src, width, height))
        return Picture(src, width, height, tuple(renditions))

    def stamp(self) -> str:
        """A digest of every picture prepared so far: pages that show them depend on it."""
        hasher = hashlib.blake2b(digest_size=16)
        for src in sorted(self.pictures):
            hasher.update(repr(self.pictures[src]).encode("utf-8"))
        return hasher.hexdigest()

    def __call__(self, image: Image | str | None) -> Picture | None:
        """The prepared picture of ``image`` (the templates' ``thumbs``), or None."""
        if image is None:
            return None
        src = image if isinstance(image, str) else image.src
        return self.pictures.get(src)


def thumbnailer(context: MutableMapping[str, Any], settings: Mapping[str, Any]) -> Thumbnailer:
    """The build's one thumbnailer, made by the first plugin that asks for it."""
    existing = context.get(CONTEXT_KEY)
    if isinstance(existing, Thumbnailer):
        return existing
    cache = Path(settings.get("CACHE_PATH", ".cache"))
    output = Path(settings["OUTPUT_PATH"]).resolve()
    key = hashlib.blake2b(str(output).encode("utf-8"), digest_size=8).hexdigest()
    made = Thumbnailer(
        Path(settings["PATH"]),
        output,
        cache / "thumbs" / f"{key}-manifest.json",
        workers=int(settings.get("HUB_BUILD_WORKERS", 0) or 0),
        max_pixels=int(settings.get("IMAGE_MAX_PIXELS", 0) or DEFAULT_MAX_PIXELS),
        store_dir=cache / "thumbs" / "store",
    )
    made.prune()
    logo = str(settings.get("COMPANY_LOGO", ""))
    if logo and (made.content_dir / logo.lstrip("/")).is_file():
        made.prepare([logo], LOGO_WIDTHS)
    context[CONTEXT_KEY] = made
    return made


def prepare(
    context: MutableMapping[str, Any],
    settings: Mapping[str, Any],
    images: Iterable[Image | str],
    widths: tuple[int, ...] = DEFAULT_WIDTHS,
) -> Thumbnailer:
    """Make the thumbnails of ``images`` with the build's thumbnailer (a plugin's one call)."""
    made = thumbnailer(context, settings)
    wanted = [image if isinstance(image, str) else image.src for image in images]
    made.prepare(wanted, widths)
    refused = sorted({src for src in wanted if src in made.failed})
    site = context.get("hub")
    if refused and isinstance(site, Site):
        uses = image_uses(site)
        problems = [
            Problem(path, field, f"the picture {src} {made.failed[src]}", _REFUSED_FIX)
            for src in refused
            for path, field in uses.get(src, [("content" + src, "file")])
        ]
        raise ContentError(sorted(set(problems)))
    return made


_REFUSED_FIX = "open it in an image editor and export it again as PNG, JPEG or WebP"


def _body_images(html: str) -> list[str]:
    return [validate.site_path(src) for src in _BODY_IMAGE.findall(html)]


def _role(kind: str) -> str:
    body = KINDS_BY_NAME[kind].body
    return body.role if body is not None else "body"


def image_uses(site: Site) -> dict[str, list[tuple[str, str]]]:
    """Every picture of the site: which files use it, in which field."""
    uses: dict[str, list[tuple[str, str]]] = {}

    def use(src: str, path: str, field: str) -> None:
        found = uses.setdefault(src, [])
        if (path, field) not in found:
            found.append((path, field))

    item: Item
    for item in site.items:
        if isinstance(item, Shoutout):
            for image in item.images:
                use(image.src, item.source_path, _role(item.kind))
        elif item.image is not None:
            use(item.image.src, item.source_path, "poster" if item.kind == "video" else "image")
    for blogger in site.bloggers.values():
        use(blogger.avatar.src, blogger.source_path, "avatar")
    for path, role, html in _bodies(site):
        for src in _body_images(html):
            use(src, path, role)
    return uses


def body_images(site: Site) -> list[str]:
    """The pictures shown inside bodies (not as covers, avatars or #FF pictures)."""
    return sorted({src for _path, _role, html in _bodies(site) for src in _body_images(html)})


def _bodies(site: Site) -> Iterator[tuple[str, str, str]]:
    """Every body of the site's files: (the file, the body's role, its HTML)."""
    for item in site.items:
        yield item.source_path, _role(item.kind), item.body_html
    for blogger in site.bloggers.values():
        yield blogger.source_path, _role("blogger"), blogger.bio_html
    for contest in site.contests.values():
        yield contest.source_path, _role("contest"), contest.rules_html


def lookup(context: Mapping[str, Any]) -> Callable[[Image | str | None], Picture | None]:
    """The templates' ``thumbs(image)``: the picture a plugin prepared in this build, or None."""

    def thumbs(image: Image | str | None) -> Picture | None:
        made = context.get(CONTEXT_KEY)
        return made(image) if isinstance(made, Thumbnailer) else None

    return thumbs
