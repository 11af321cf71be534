"""The preview server: serve the built site on 127.0.0.1, rebuild on a change, reload the page.

Why not livereload: it polls every 0.8 s and ignores a change that comes within
3 s of the last reload, so an editor who saves twice does not see the second
save. Here watchfiles (inotify) sees a save at once, the site is rebuilt, and the
open pages reload through a Server-Sent Events stream.

When a build fails, every page the preview serves carries an overlay with the
build's problem lines until a build succeeds (the open pages reload both times),
so the editor never takes the last good page for the result of their change.
The overlay is added here, as the page is sent: it is never in the built site.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable, Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from watchfiles import watch

from socialhub.activitypub.config import ACTIVITY_JSON, JRD_JSON
from socialhub.errors import ConfigError
from socialhub.publish import content_type

log = logging.getLogger(__name__)

RELOAD_PATH = "/__hub_reload"
# Why the build's number in the stream's address: a build that ends between the
# page being sent and its stream connecting still reloads the page.
RELOAD_SCRIPT = (
    "<script>(function(){var s=new EventSource('" + RELOAD_PATH + "?after=%d');"
    "s.addEventListener('reload',function(){s.close();location.reload();});})();</script>"
)
OVERLAY_ID = "hub-build-failure"
# Why inline and self-contained: the page's own stylesheet may be what is broken.
# Both schemes keep a contrast well above WCAG AA (the text is at least 12:1).
OVERLAY_STYLE = (
    "<style>#hub-build-failure{position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;"
    "max-height:70vh;overflow:auto;margin:0 auto;max-width:60rem;padding:1rem 1.25rem;"
    "border:2px solid #b3261e;border-left-width:.5rem;border-radius:.5rem;background:#fff;"
    "color:#1b1b1b;font:16px/1.5 system-ui,sans-serif;box-shadow:0 .5rem 2rem rgba(0,0,0,.35)}"
    "#hub-build-failure h2{margin:0 0 .5rem;font-size:1.15rem;color:#8c1d18}"
    "#hub-build-failure p{margin:0 0 .5rem}"
    "#hub-build-failure pre{margin:0 0 .75rem;padding:.75rem;white-space:pre-wrap;"
    "overflow-wrap:anywhere;background:#f4f4f4;color:#1b1b1b;border-radius:.25rem;"
    "font:14px/1.45 ui-monospace,monospace}"
    "#hub-build-failure button{font:inherit;padding:.35rem 1rem;border:2px solid currentColor;"
    "border-radius:.25rem;background:transparent;color:inherit;cursor:pointer}"
    "#hub-build-failure button:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}"
    "@media (prefers-color-scheme:dark){#hub-build-failure{background:#1e1e1e;color:#f2f2f2;"
    "border-color:#ff8a80}#hub-build-failure h2{color:#ffb4ab}"
    "#hub-build-failure pre{background:#2b2b2b;color:#f2f2f2}"
    "#hub-build-failure button:focus-visible{outline-color:#99c1f1}}</style>"
)
OVERLAY_SCRIPT = (
    "<script>(function(){var o=document.getElementById('" + OVERLAY_ID + "');if(!o)return;"
    "function close(){o.remove();document.removeEventListener('keydown',key);}"
    "function key(e){if(e.key==='Escape')close();}"
    "o.querySelector('button').addEventListener('click',close);"
    "document.addEventListener('keydown',key);})();</script>"
)


def overlay(lines: Sequence[str]) -> str:
    """The preview's overlay of a failed build: its problem lines, escaped, and a close button."""
    text = html.escape("\n".join(lines))
    return (
        f'<div id="{OVERLAY_ID}" role="alert" aria-labelledby="{OVERLAY_ID}-title">'
        f'<h2 id="{OVERLAY_ID}-title">The site was not rebuilt</h2>'
        "<p>This page is from the last build that worked. Fix what is listed below and save:"
        " the page reloads by itself when the build works again.</p>"
        f"<pre>{text}</pre>"
        '<button type="button">Dismiss</button></div>' + OVERLAY_SCRIPT
    )


def with_preview_parts(page: str, failure: Sequence[str], version: int = 0) -> str:
    """A page as the preview sends it: the reload script, and the overlay when a build failed."""
    added = RELOAD_SCRIPT % version
    if failure:
        added = overlay(failure) + added
        head = page.find("</head>")
        if head != -1:
            page = page[:head] + OVERLAY_STYLE + page[head:]
        else:
            added = OVERLAY_STYLE + added
    marker = page.rfind("</body>")
    if marker == -1:
        return page + added
    return page[:marker] + added + page[marker:]


FAILED_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>The site was not built</title></head><body></body></html>"
)


class Reloads:
    """A counter of builds that waiting page streams are woken up by; the last one's failure."""

    def __init__(self, failure: Sequence[str] = ()) -> None:
        self.version = 0
        self._changed = threading.Condition()
        self.stopping = False
        self.failure: tuple[str, ...] = tuple(failure)  # empty: the last build worked

    def bump(self, failure: Sequence[str] = ()) -> None:
        """A build has ended (with these problem lines if it failed): wake every open page."""
        with self._changed:
            self.failure = tuple(failure)
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
        address = urlsplit(self.path)
        if address.path == RELOAD_PATH:
            after = parse_qs(address.query).get("after", [""])[0]
            self._stream_reloads(int(after) if after.isdigit() else self.reloads.version)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self._send_page(path, HTTPStatus.OK)
            return
        if not path.exists() or path.is_dir():
            # Why a directory too: a deleted item's folder may still be there,
            # and a listing of it is not a page of the site.
            self._send_missing()
            return
        super().do_GET()

    def _send_missing(self) -> None:
        """The site's 404 page; while the build is broken and there is none, the overlay alone."""
        missing = Path(self.directory) / "404.html"
        if missing.is_file():
            self._send_page(missing, HTTPStatus.NOT_FOUND)
        elif self.reloads.failure:
            self._send_html(FAILED_PAGE, HTTPStatus.SERVICE_UNAVAILABLE)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def guess_type(self, path: Any) -> str:
        """Feeds, the blogroll and the fediverse documents get their own types."""
        name = Path(str(path)).as_posix()
        # As nginx serves them (deploy/nginx-hub.conf): WebFinger has no suffix at all.
        if name.endswith("/.well-known/webfinger"):
            return JRD_JSON
        if "/fediverse/" in name and name.endswith(".json"):
            return ACTIVITY_JSON
        return content_type(str(path))

    def _send_page(self, path: Path, status: HTTPStatus) -> None:
        self._send_html(path.read_text(encoding="utf-8"), status)

    def _send_html(self, page: str, status: HTTPStatus) -> None:
        # The version first: a page showing a newer state than its number says is
        # reloaded once more; one showing an older state would never be.
        version = self.reloads.version
        failure = self.reloads.failure
        body = with_preview_parts(page, failure, version).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _stream_reloads(self, seen: int) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
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
    rebuild: Callable[[], Sequence[str]],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    failure: Sequence[str] = (),
) -> None:
    """Serve ``output`` until interrupted, calling ``rebuild`` after every change.

    ``rebuild`` returns the problem lines of a failed build (empty when it worked);
    ``failure`` is those of the build made before serving.
    """
    reloads = Reloads(failure)
    handler = partial(
        type("Handler", (PreviewHandler,), {"reloads": reloads}), directory=str(output)
    )
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        # Why a sentence: most often another `invoke serve` still holds the port.
        raise ConfigError(
            f"cannot serve on {host}:{port} ({error.strerror or error}); stop the program "
            "using that port, or pick another with --port"
        ) from None
    server.daemon_threads = True
    print(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    stop = threading.Event()

    def watch_and_rebuild() -> None:
        existing = [str(path) for path in watched if path.exists()]
        for changes in watch(*existing, stop_event=stop, debounce=50, step=20):
            log.debug("changed: %s", changes)
            reloads.bump(rebuild())

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
