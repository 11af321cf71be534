"""Sending: a test web of three sites (ours, a blogger's with an endpoint, one without)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT, SAMPLE, run_invoke, served
from mention_web import Page, Site, web_site

from socialhub.build import run_build
from socialhub.htmlcheck import VNU_JAR, check_html
from socialhub.mentions.discovery import Limits
from socialhub.mentions.outbox import Outgoing
from socialhub.mentions.run import send_all
from socialhub.mentions.sender import FAILED, NO_ENDPOINT, REFUSED, send

POST_PATH = "bloggers/marcus-hale/hello-from-b/"


def _featured(b: Site, c: Site, note: str) -> str:
    return (
        "Title: A blogger's post on site B\n"
        "Blogger: marcus-hale\n"
        f"Original-URL: {b.base}/2026/hello/\n"
        "Date: 2026-11-20 09:00\n"
        "Excerpt: The first words of the post.\n"
        f"Editor-Note: {note}\n"
        "Verdict: praise\n"
    )


def _settings(tmp: Path, content: Path, output: Path, site_url: str) -> Path:
    conf = tmp / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nOUTPUT_PATH = {str(output)!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nTHEME = {str(ROOT / 'theme')!r}\n"
        f"CACHE_PATH = {str(tmp / 'cache')!r}\nSITEURL = {site_url!r}\n"
        f"WEBMENTION_SENT_FILE = {str(tmp / 'sent.json')!r}\n"
        "WEBMENTION_ALLOW_PRIVATE = True\nWEBMENTION_TIMEOUT = 5\n",
        encoding="utf-8",
    )
    return conf


def _send(conf: Path, *options: str) -> str:
    result = run_invoke("mentions.send", "--settings", str(conf), *options)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


@pytest.mark.slow
def test_a_featured_post_is_announced_once_per_change_and_when_deleted(tmp_path: Path) -> None:
    """New: one mention to B; again: none; edit, link removed: again; deleted: tombstone."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    output = tmp_path / "output"
    output.mkdir()
    b_pages = {
        "/2026/hello/": Page(
            b"<html><body><p>Hello</p></body></html>",
            headers={"Content-Type": "text/html", "Link": '</webmention>; rel="webmention"'},
        ),
        "/webmention": Page(b"queued", 202),
    }
    c_pages = {"/notes/": Page(b"<html><body><p>No endpoint here</p></body></html>")}
    with served(output) as ours, web_site(b_pages) as b, web_site(c_pages) as c:
        conf = _settings(tmp_path, content, output, ours)
        run_build(conf)
        assert "Recorded" in _send(conf, "--baseline")  # the sample's items: old news
        assert not b.requests and not c.requests

        post = content / "featured" / "hello-from-b.md"
        post.write_text(_featured(b, c, f"See [the notes]({c.base}/notes/)."), encoding="utf-8")
        run_build(conf)
        printed = _send(conf)
        source = f"{ours}/{POST_PATH}"
        assert b.posts() == [
            ("/webmention", {"source": [source], "target": [f"{b.base}/2026/hello/"]})
        ]
        assert not c.posts() and [r[1] for r in c.requests] == ["/notes/"]
        assert "1 sent, 1 to pages without an endpoint" in printed
        page = BeautifulSoup((output / POST_PATH / "index.html").read_text(), "lxml")
        assert page.find("a", href=f"{b.base}/2026/hello/")  # B can verify it

        b.requests.clear()
        c.requests.clear()
        assert "nothing new to send" in _send(conf)
        assert not b.requests and not c.requests

        post.write_text(_featured(b, c, f"Updated: [notes]({c.base}/notes/)."), encoding="utf-8")
        run_build(conf)
        _send(conf)
        assert len(b.posts()) == 1 and [r[1] for r in c.requests] == ["/notes/"]

        b.requests.clear()
        c.requests.clear()
        post.write_text(_featured(b, c, "No link any more."), encoding="utf-8")
        run_build(conf)
        _send(conf)
        assert len(b.posts()) == 1
        assert [r[1] for r in c.requests] == ["/notes/"]  # the removed link is told too

        b.requests.clear()
        c.requests.clear()
        post.unlink()
        run_build(conf)
        _assert_tombstone(output, b, c)
        _send(conf)
        assert b.posts() == [
            ("/webmention", {"source": [source], "target": [f"{b.base}/2026/hello/"]})
        ]
        b.requests.clear()
        assert "nothing new to send" in _send(conf)
        assert not b.requests
        state = json.loads((tmp_path / "sent.json").read_text())
        assert state["items"][source]["deleted"] is True


def _assert_tombstone(output: Path, b: Site, c: Site) -> None:
    """The deleted post's address says it was removed, links nowhere old, is listed nowhere."""
    tombstone = BeautifulSoup((output / POST_PATH / "index.html").read_text(), "lxml")
    assert tombstone.h1.get_text() == "This featured blogger post was removed"
    assert tombstone.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert not tombstone.find("a", href=lambda h: h and (b.base in h or c.base in h))
    alone = output.parent / "tombstone-alone"
    alone.mkdir()
    shutil.copy(output / POST_PATH / "index.html", alone / "index.html")
    assert check_html(alone, VNU_JAR) == []  # valid HTML
    listings = [*output.rglob("*.xml"), *output.rglob("*.json")]  # feeds, sitemap, manifests
    assert len(listings) > 5
    for listing in listings:
        assert POST_PATH not in listing.read_text(encoding="utf-8"), listing


def _one(target: str, limits: Limits) -> tuple[str, str]:
    result = send("https://hub.example/posts/a/", target, limits)
    return result.status, result.detail


def test_hostile_and_dead_targets_give_a_line_and_are_kept(tmp_path: Path) -> None:
    """Timeout, huge page, 500, endpoint 500, endpoint on a private address: lines, no traceback."""
    huge = Page(b"<p>" + b"x" * 65536 + b"</p>", repeat=200)  # 13 MB without an endpoint
    pages = {
        "/slow/": Page(b"<p>late</p>", slow=3),
        "/huge/": huge,
        "/broken/": Page(b"oops", 500),
        "/bad-endpoint/": Page(b'<link rel="webmention" href="/endpoint-500">'),
        "/endpoint-500": Page(b"no", 500),
        "/private-endpoint/": Page(b'<a rel="webmention" href="http://127.0.0.1:9/wm">x</a>'),
    }
    loopback = Limits(timeout=1, max_bytes=100_000, allow_private=True)
    with web_site(pages) as site:
        status, detail = _one(f"{site.base}/slow/", loopback)
        assert status == FAILED and "in time" in detail
        assert _one(f"{site.base}/huge/", loopback)[0] == NO_ENDPOINT
        status, detail = _one(f"{site.base}/broken/", loopback)
        assert status == FAILED and "500" in detail
        status, detail = _one(f"{site.base}/bad-endpoint/", loopback)
        assert status == FAILED and "answered 500" in detail
        status, detail = _one(f"{site.base}/private-endpoint/", loopback)
        assert status == FAILED and "cannot connect" in detail
        item = Outgoing(
            "https://hub.example/posts/a/",
            "posts/a/",
            "company post",
            (f"{site.base}/broken/",),
            "f1",
        )
        lines: list[str] = []
        state = tmp_path / "sent.json"
        report = send_all([item], state, loopback, progress=lines.append)
        assert report.failed == 1 and lines[0].startswith("FAILED: ")
        assert json.loads(state.read_text())["items"][item.url]["pending"] == [item.links[0]]
        again = send_all([item], state, loopback, progress=lines.append)
        assert again.failed == 1  # kept for the next run, tried again


def test_an_endpoint_that_says_no_is_not_asked_again_until_the_item_changes(
    tmp_path: Path,
) -> None:
    """A 400, or a target gone (410), is an answer: not asked again until a change; 429 is."""
    pages = {
        "/no/": Page(b'<link rel="webmention" href="/wm-400">'),
        "/wm-400": Page(b"Source does not link to target", 400),
        "/busy/": Page(b'<link rel="webmention" href="/wm-429">'),
        "/wm-429": Page(b"slow down", 429),
        "/gone/": Page(b"gone", 410),
    }
    loopback = Limits(timeout=2, allow_private=True)
    with web_site(pages) as site:
        status, detail = _one(f"{site.base}/no/", loopback)
        assert status == REFUSED and "400: Source does not link to target" in detail
        assert _one(f"{site.base}/busy/", loopback)[0] == FAILED
        assert _one(f"{site.base}/gone/", loopback) == (
            REFUSED,
            "reading the target: the page answered 410",
        )
        links = (f"{site.base}/no/", f"{site.base}/busy/")
        item = Outgoing("https://hub.example/posts/a/", "posts/a/", "company post", links, "f1")
        state, lines = tmp_path / "sent.json", []
        first = send_all([item], state, loopback, progress=lines.append)
        assert (first.refused, first.failed) == (1, 1)
        assert "1 refused by the receiver" in first.summary
        again = send_all([item], state, loopback, progress=lines.append)
        assert (again.refused, again.failed) == (0, 1)  # only the busy one is tried again
        changed = Outgoing(item.url, item.path, item.kind, links, "f2")
        assert send_all([changed], state, loopback, progress=lines.append).refused == 1


def test_production_never_reads_a_private_address() -> None:
    """Without WEBMENTION_ALLOW_PRIVATE a loopback target is refused before any request."""
    pages = {"/p/": Page(b'<link rel="webmention" href="/wm">'), "/wm": Page(b"", 202)}
    with web_site(pages) as site:
        status, detail = _one(f"{site.base}/p/", Limits(timeout=2))
        assert status == FAILED and "not on the public internet" in detail
        assert not site.requests


@pytest.mark.slow
def test_publish_sends_last_and_a_private_endpoint_never_breaks_it(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """`invoke publish`: the site is out, the mention to a loopback blogger is a line, exit 0."""
    pages = {"/post/": Page(b'<link rel="webmention" href="/wm">'), "/wm": Page(b"", 202)}
    with web_site(pages) as blogger:
        featured = minimal_copy / "featured" / "ada-reviews-x2.md"
        text = featured.read_text(encoding="utf-8")
        featured.write_text(
            text.replace("https://ada.example/x2/", f"{blogger.base}/post/"), encoding="utf-8"
        )
        destination = tmp_path / "www"
        sent = tmp_path / "sent.json"
        command = [sys.executable, "-m", "invoke", "publish", "--content", str(minimal_copy)]
        command += ["--output", str(tmp_path / "public"), "--destination", str(destination)]
        command += ["--no-fediverse"]  # followers are tests/activitypub's
        result = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "HUB_WEBMENTION_SENT_FILE": str(sent)},
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert (destination / "index.html").is_file()
        assert "Traceback" not in result.stderr
        lines = result.stdout.splitlines()
        failed = [line for line in lines if f"{blogger.base}/post/" in line]
        assert len(failed) == 1 and "FAILED" in failed[0], result.stdout
        assert "not on the public internet" in failed[0]
        assert lines[-1].startswith("Webmentions:")  # the last step
        assert not blogger.requests
        assert sent.is_file()


def test_a_dry_run_lists_and_counts_what_it_would_send_and_sends_nothing(tmp_path: Path) -> None:
    """--dry-run: one line per mention, the count in the summary, no request, no state written."""
    pages = {"/p/": Page(b'<link rel="webmention" href="/wm">'), "/wm": Page(b"", 202)}
    with web_site(pages) as site:
        links = (f"{site.base}/p/", f"{site.base}/q/")
        item = Outgoing("https://hub.example/posts/a/", "posts/a/", "company post", links, "f1")
        state, lines = tmp_path / "sent.json", []
        report = send_all(
            [item],
            state,
            Limits(timeout=2, allow_private=True),
            dry_run=True,
            progress=lines.append,
        )
        assert lines == [f"would send {item.url} -> {link}" for link in links]
        assert report.summary == "Webmentions: 2 would be sent (dry run: nothing was sent)."
        assert not site.requests and not state.exists()
