"""The preview server: serve the built site on 127.0.0.1, rebuild on a change, reload the page.

Why not livereload: it polls every 0.8 s and ignores a change that comes within
3 s of the last reload, so an editor who saves twice does not see the second
save. Here watchfiles (inotify) sees a save at once, the site is rebuilt, and the
open pages reload through a Server-Sent Events stream.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watchfiles import watch

from socialhub.publish import content_type

log = logging.getLogger(__name__)

RELOAD_PATH = "/__hub_reload"
RELOAD_SCRIPT = (
    "<script>(function(){var s=new EventSource('" + RELOAD_PATH + "');"
    "s.addEventListener('reload',function(){s.close();location.reload();});})();</script>"
)


class Reloads:
    """A counter of builds that waiting page streams are woken up by."""

    def __init__(self) -> None:
        self.version = 0
        self._changed = threading.Condition()
        self.stopping = False

    def bump(self) -> None:
        """A new build is ready: wake every open page."""
        with self._changed:
            self.version += 1
            self._changed.notify_all()

    def wait_after(self, version: int, timeout: float) -> int:
        """Wait until the version passes ``version`` (or the timeout); the current version."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > version or self.stopping, timeout=timeout)
            return self.version

    def stop(self) -> None:
        """Release every waiting stream."""
        with self._changed:
            self.stopping = True
            self._changed.notify_all()


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the output folder; adds the reload script to pages; streams reload events."""

    reloads: Reloads

    def do_GET(self) -> None:
        """A page, a file, or the reload stream."""
        if self.path == RELOAD_PATH:
            self._stream_reloads()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self._send_page(path, HTTPStatus.OK)
            return
        if not path.exists():
            missing = Path(self.directory) / "404.html"
            if missing.is_file():
                self._send_page(missing, HTTPStatus.NOT_FOUND)
                return
        super().do_GET()

    def guess_type(self, path: Any) -> str:
        """Feeds and the blogroll get their own types (the last suffix alone says .xml)."""
        return content_type(str(path))

    def _send_page(self, path: Path, status: HTTPStatus) -> None:
        html = path.read_text(encoding="utf-8")
        marker = html.rfind("</body>")
        if marker != -1:
            html = html[:marker] + RELOAD_SCRIPT + html[marker:]
        body = html.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _stream_reloads(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.reloads.version
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not self.reloads.stopping:
                current = self.reloads.wait_after(seen, timeout=15)
                if current > seen:
                    self.wfile.write(f"event: reload\ndata: {current}\n\n".encode())
                    seen = current
                else:
                    self.wfile.write(b": keep-alive\n\n")  # notices a closed tab
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for build summaries."""
        log.debug(format, *args)


def serve(
    output: Path,
    watched: Sequence[Path],
    rebuild: Callable[[], object],
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve ``output`` until interrupted, calling ``rebuild`` after every change."""
    reloads = Reloads()
    handler = partial(
        type("Handler", (PreviewHandler,), {"reloads": reloads}), directory=str(output)
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    stop = threading.Event()

    def watch_and_rebuild() -> None:
        existing = [str(path) for path in watched if path.exists()]
        for changes in watch(*existing, stop_event=stop, debounce=50, step=20):
            log.debug("changed: %s", changes)
            rebuild()
            reloads.bump()

    watcher = threading.Thread(target=watch_and_rebuild, name="watcher", daemon=True)
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        reloads.stop()
        server.server_close()
