"""A local server for the platform feeds: the fixtures of tests/data/collect/platforms/, pictures.

Every picture a fixture names on ``{base}`` (a .jpg, .png, .webp or .gif) is made with
Pillow (a JPEG carries EXIF with a GPS position, to check that it is stripped),
except names that ask for trouble: ``html-…`` serves a web page as image/jpeg,
``missing-…`` is a 404, ``huge-…`` is larger than any cap.
"""

from __future__ import annotations

import hashlib
import io
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from feed_server import QuietServer
from PIL import Image

PLATFORMS = Path(__file__).resolve().parents[1] / "data" / "collect" / "platforms"
TYPES = {
    ".rss": "application/rss+xml",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
}
PICTURE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
PICTURE_TYPES |= {".webp": "image/webp", ".gif": "image/gif"}
GPS_TAG = 0x8825  # EXIF's GPSInfo


def picture(name: str) -> bytes:
    """A small picture whose colour comes from its name; JPEGs carry a camera and a GPS fix."""
    colour = tuple(hashlib.sha256(name.encode()).digest()[:3])
    image = Image.new("RGB", (640, 480), colour)
    suffix = Path(name).suffix.lower()
    out = io.BytesIO()
    if suffix in (".jpg", ".jpeg"):
        exif = Image.Exif()
        exif[0x010F] = "Lumen"  # Make
        exif[0x0110] = "Lumen X2"  # Model
        exif[GPS_TAG] = {1: "N", 2: (69.0, 40.0, 0.0), 3: "E", 4: (18.0, 57.0, 0.0)}
        image.save(out, "JPEG", exif=exif)
    elif suffix == ".gif":
        image.convert("P").save(out, "GIF")
    else:
        image.save(out, {".png": "PNG", ".webp": "WEBP"}.get(suffix, "PNG"))
    return out.getvalue()


class PlatformServer:
    """Serves the platform fixtures with {base} pointing here, and counts what it was asked."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.stop = threading.Event()
        self.server = QuietServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))
        self.thread.start()

    def url(self, path: str) -> str:
        """The address of a path on this server."""
        return f"{self.base}/{path.lstrip('/')}"

    def fixture(self, name: str) -> bytes:
        """A platform fixture with {base} pointing at this server."""
        text = (PLATFORMS / name).read_text(encoding="utf-8")
        return text.replace("{base}", self.base).encode()

    def close(self) -> None:
        """Wake sleeping handlers, stop serving, and wait for every thread."""
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _handler(server: PlatformServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: PLR0911 - one branch per route
            path = self.path.split("?", 1)[0]
            route, _, name = path.strip("/").partition("/")
            server.hits[path] = server.hits.get(path, 0) + 1
            if route == "platforms" and (PLATFORMS / name).is_file():
                kind = TYPES.get(Path(name).suffix, "application/xml")
                return self.send(200, server.fixture(name), kind)
            suffix = Path(path).suffix.lower()
            if suffix in PICTURE_TYPES:  # /images/…, YouTube's /vi/<id>/…, PeerTube's thumbnails
                name = Path(path).name
                if name.startswith("missing-"):
                    return self.send(404, b"gone", "text/plain")
                if name.startswith("html-"):
                    return self.send(200, b"<!doctype html><script>alert(1)</script>", "image/jpeg")
                if name.startswith("huge-"):
                    return self.send(200, b"\xff\xd8\xff" + b"\0" * 12_000_000, "image/jpeg")
                return self.send(200, picture(path), PICTURE_TYPES[suffix])
            if route == "slow":
                server.stop.wait(5)
                return self.send(200, b"<rss version='2.0'><channel></channel></rss>")
            if route == "huge":
                return self.send(200, b"<rss>" + b"x" * 6_000_000 + b"</rss>")
            if route == "busy":
                return self.send(429, b"slow down", "text/plain", {"Retry-After": "7200"})
            return self.send(404, b"not found", "text/plain")

        def send(
            self,
            status: int,
            body: bytes,
            kind: str = "application/xml",
            extra: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the collector gave up: expected
                return

        def log_message(self, *args: object) -> None:
            return

    return Handler
