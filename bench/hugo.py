"""The same plain articles as a Hugo site with a minimal theme, for the comparison with Hugo.

The theme is written into the site folder: a list page (home: every article, like Pelican's
index; sections, categories and tags), single pages and an RSS feed per list, comparable to
the plain Pelican site. Hugo is optional: without a ``hugo`` binary the bench says how to
install it and skips it.
"""

from __future__ import annotations

import queue
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

INSTALL = "Hugo not found: skipped (install it with `apt-get install -y hugo`)."
CONFIG = """baseURL = "http://127.0.0.1/"
title = "Plain Hugo"
disableKinds = ["robotsTXT", "sitemap", "404"]
[taxonomies]
category = "categories"
tag = "tags"
"""
BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head><body><header><a href="/">{{ .Site.Title }}</a>
<nav>{{ range .Site.Taxonomies.categories }}
<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav>
</header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ range $pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2006-01-02" }}</time>{{ .Summary }}</article>{{ end }}{{ end }}
"""
SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}<p>{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
</article>{{ end }}
"""
RSS = """{{ printf "<?xml version=%q encoding=%q?>" "1.0" "utf-8" | safeHTML }}
<rss version="2.0"><channel>
<title>{{ .Title }} · {{ .Site.Title }}</title><link>{{ .Permalink }}</link>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ range first 10 $pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<description>{{ .Content | html }}</description></item>{{ end }}
</channel></rss>
"""
HEADER = re.compile(r"^(Title|Date|Category|Tags): (.*)$")


def binary() -> str | None:
    """The hugo executable, or None."""
    return shutil.which("hugo")


def _front_matter(header: str) -> str:
    fields = {}
    for line in header.splitlines():
        found = HEADER.match(line)
        if found:
            fields[found.group(1)] = found.group(2)
    date = fields.get("Date", "2024-01-01 10:00").replace(" ", "T") + ":00Z"
    tags = ", ".join(f'"{tag.strip()}"' for tag in fields.get("Tags", "").split(",") if tag)
    return (
        f'+++\ntitle = "{fields.get("Title", "")}"\ndate = {date}\n'
        f'categories = ["{fields.get("Category", "misc")}"]\ntags = [{tags}]\n+++\n'
    )


def write_site(site: Path, plain_content: Path) -> None:
    """A Hugo site under ``site`` with the plain Pelican articles of ``plain_content``."""
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(CONFIG, encoding="utf-8")
    (layouts / "baseof.html").write_text(BASE, encoding="utf-8")
    (layouts / "list.html").write_text(LIST, encoding="utf-8")
    (layouts / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "rss.xml").write_text(RSS, encoding="utf-8")
    posts = site / "content" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    for path in sorted(plain_content.glob("*.md")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        (posts / path.name).write_text(_front_matter(header) + "\n" + body, encoding="utf-8")


def build_command(hugo: str, site: Path) -> list[str]:
    """A cold Hugo build of the site into site/public."""
    return [hugo, "--source", str(site), "--destination", str(site / "public"), "--quiet"]


def first_post(site: Path) -> Path:
    """The article the one-change measurement edits."""
    return sorted((site / "content" / "posts").glob("*.md"))[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_rerender(hugo: str, site: Path, edits: int, timeout: float = 300) -> list[float]:
    """Seconds `hugo server` takes to re-render after each of ``edits`` edits of one article.

    Timed from the edit to Hugo's "Total in N ms" line after "Change detected"; [] when the
    server does not report in time (the bench then says so).
    """
    port = _free_port()
    command = [hugo, "server", "--source", str(site), "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--disableFastRender", "--disableLiveReload"]  # served from memory by default
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines: queue.Queue[str] = queue.Queue()
    # A reader thread, so that a silent server cannot block the bench past its timeout.
    reader = threading.Thread(target=_read, args=(server, lines), daemon=True)
    reader.start()
    times: list[float] = []
    try:
        if not _wait_for(lines, "Web Server is available", timeout):
            return []
        for edit in range(edits):
            path = first_post(site)
            started = time.perf_counter()
            path.write_text(path.read_text(encoding="utf-8") + f"\n\nServer edit {edit}.\n")
            if not _wait_for(lines, "Total in", timeout):
                return []
            times.append(time.perf_counter() - started)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=60)
        reader.join(timeout=60)  # the pipe is at its end once the server has exited
        if server.stdout is not None and not reader.is_alive():
            server.stdout.close()
    return times


def _read(server: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert server.stdout is not None
    for line in server.stdout:
        lines.put(line)
    lines.put("")  # the server has ended


def _wait_for(lines: queue.Queue[str], text: str, timeout: float) -> bool:
    """Wait for a line containing ``text``; False when the server ends or time runs out."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            return False
        if not line:
            return False
        if text in line:
            return True
    return False
