"""The link check of `invoke check`: every internal link, picture and fragment resolves."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from socialhub.linkcheck import check_links

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = "http://127.0.0.1:8000"


def _page(root: Path, name: str, body: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"<!DOCTYPE html><html lang=en><title>t</title><body>{body}</body></html>", "utf-8"
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A hand-made built site: a home page linking every way a page links."""
    root = tmp_path / "site"
    _page(root, "a/index.html", '<h2 id="x">X</h2><a name="old">old</a><a href="../">home</a>')
    _page(root, "a/b/index.html", '<a href="../">up</a><a href="../../nope/">no</a>')
    (root / "images").mkdir()
    (root / "images" / "p.png").write_bytes(b"png")
    (root / "feed.xml").write_text("<feed/>", "utf-8")
    _page(
        root,
        "index.html",
        '<main id="main"><a href="#main">skip</a><a href="#top">top</a><a href="#">x</a>'
        '<a href="/a/">a</a><a href="/a">a, no slash</a><a href="a/b/">relative</a>'
        '<a href="/a/#x">id</a><a href="/a/#old">name</a><a href="/a/?page=2#x">query</a>'
        '<a href="/a/#gone">missing id</a><a href="#nowhere">missing here</a>'
        '<a href="/missing/">missing page</a><a href="/feed.xml#x">a feed</a>'
        f'<a href="{SITE_URL}/a/">absolute, ours</a><a href="{SITE_URL}/zzz/">ours, missing</a>'
        '<a href="https://other.example/x/">another site</a><a href="mailto:a@b.example">m</a>'
        '<img src="/images/p.png" alt="" srcset="/images/p.png 1x, /images/p-2x.png 2x">'
        '<link rel="webmention" href="/webmention"><link rel="alternate" href="/feed.xml">'
        '<a href="/a/#:~:text=X">a text fragment</a></main>',
    )
    return root


def test_every_kind_of_broken_link_is_found_and_nothing_else(site: Path) -> None:
    """Missing pages, files, ids (here and on other pages), srcset candidates, our absolute URLs."""
    report = check_links(site, SITE_URL)
    assert [str(link) for link in report.broken] == [
        "a/b/index.html: ../../nope/: no file at /nope/",
        "index.html: /a/#gone: no element with id 'gone' on /a/",
        "index.html: #nowhere: no element with id 'nowhere' on /",
        "index.html: /missing/: no file at /missing/",
        f"index.html: {SITE_URL}/zzz/: no file at /zzz/",
        "index.html: /images/p-2x.png: no file at /images/p-2x.png",
    ]
    assert report.pages == 3
    assert report.links == 23  # the other site, the e-mail and the Webmention endpoint are not
    summary = report.summary()
    assert summary.startswith(
        "links checked on 3 pages: 23 internal links and fragments, 6 broken (on 2 pages)."
    )
    assert "  1 × /missing/: no file at /missing/" in summary.splitlines()


def test_a_site_whose_links_all_resolve_has_an_empty_report(site: Path) -> None:
    """Without the broken links, nothing is reported."""
    _page(site, "a/b/index.html", '<a href="../">up</a>')
    _page(site, "index.html", '<a href="/a/#x">x</a><img src="/images/p.png" alt="">')
    report = check_links(site, SITE_URL)
    assert report.broken == []
    assert report.summary() == "links checked on 3 pages: 4 internal links and fragments, 0 broken."


def _invoke_check(output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.slow
def test_invoke_check_fails_on_a_broken_link_with_a_summary(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """`invoke check` passes on a good build; a broken link → the page and URL, exit 1."""
    output = build(minimal_copy)
    good = _invoke_check(output)
    assert good.returncode == 0, good.stdout + good.stderr
    assert " 0 broken." in good.stdout
    assert "vnu checked" in good.stdout
    page = output / "posts" / "first-post" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace('href="/hub/"', 'href="/hub/nowhere/"', 1), "utf-8")
    bad = _invoke_check(output)
    assert bad.returncode == 1
    lines = bad.stdout.splitlines()
    assert "posts/first-post/index.html: /hub/nowhere/: no file at /hub/nowhere/" in lines
    assert "internal links and fragments, 1 broken (on 1 page)." in bad.stdout
    assert "vnu checked" in bad.stdout, "the HTML check runs even when links are broken"
    assert "The check failed" in bad.stderr
    assert "Traceback" not in bad.stderr
