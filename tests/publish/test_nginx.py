"""The guide's nginx configuration, run for real on loopback: the site and the comment service."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import discover, shipped_nginx, wait_for_port

from socialhub.comments.config import manifest_location
from socialhub.publish import content_type

ROOT = Path(__file__).resolve().parents[2]
SERVICE = """
import sys
from pathlib import Path
from waitress import serve
from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
root = Path(sys.argv[1])
config = CommentsConfig(queue_dir=root / "queue", content_dir=root / "content",
    state_dir=root / "state",
    manifest_path=Path(sys.argv[3]), site_url="http://127.0.0.1:8000",
    allowed_origins=("http://127.0.0.1:8000",), trusted_proxies=1)
serve(create_app(config), host="127.0.0.1", port=int(sys.argv[2]), _quiet=True)
"""


@pytest.fixture
def nginx_site(sample_output: Path, tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """deploy/nginx-hub.conf with test ports and folders; (site URL, comments URL, queue)."""
    nginx = shipped_nginx(tmp_path, sample_output)
    site_port, comments_port, service_port = (
        nginx.site_port,
        nginx.comments_port,
        nginx.service_port,
    )
    checked = subprocess.run([*nginx.command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    service = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SERVICE,
            str(tmp_path),
            str(service_port),
            str(manifest_location({"OUTPUT_PATH": str(sample_output)})),
        ]
    )
    server = subprocess.Popen(nginx.command)
    try:
        wait_for_port(site_port)
        wait_for_port(service_port)
        yield (
            f"http://127.0.0.1:{site_port}",
            f"http://127.0.0.1:{comments_port}",
            tmp_path / "queue",
        )
    finally:
        server.terminate()
        service.terminate()
        server.wait(timeout=10)
        service.wait(timeout=10)


@pytest.mark.slow
def test_nginx_names_the_type_of_every_kind_of_file_the_site_has(
    nginx_site, sample_output: Path
) -> None:
    """One file of each suffix in the built site has the type publishing to S3 gives it."""
    site, _, _ = nginx_site
    one_of_each: dict[str, Path] = {}
    for path in sorted(sample_output.rglob("*")):
        if path.is_file() and path.suffix:
            one_of_each.setdefault(path.suffix.lower(), path)
    assert ".vtt" in one_of_each and ".webm" in one_of_each
    mismatches: list[tuple[str, str]] = []
    for suffix, path in one_of_each.items():
        address = site + "/" + urllib.parse.quote(path.relative_to(sample_output).as_posix())
        with urllib.request.urlopen(address, timeout=5) as answer:
            served = answer.headers["Content-Type"]
        mismatches += [] if same_type(served, content_type(path.name)) else [(suffix, served)]
    assert not mismatches, "nginx serves these with another type than the S3 upload"


def same_type(served: str, expected: str) -> bool:
    """Whether two Content-Type values name the same media type (parameters aside)."""
    return (
        served.split(";", maxsplit=1)[0].strip().lower()
        == expected.split(";", maxsplit=1)[0].strip().lower()
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a redirect as the answer."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Do not follow."""
        return


@pytest.mark.slow
def test_nginx_serves_the_site_and_proxies_the_comment_service(nginx_site) -> None:
    """Pages, feeds with their types, the 404 page, and a comment through the proxy."""
    site, comments, queue = nginx_site
    with urllib.request.urlopen(f"{site}/hub/", timeout=5) as page:
        assert page.headers["Content-Type"].startswith("text/html")
    for path, kind in (
        ("/feeds/all.rss.xml", "application/rss+xml"),
        ("/feeds/all.atom.xml", "application/atom+xml"),
        ("/feeds/all.json", "application/feed+json"),
        ("/bloggers.opml", "text/x-opml"),
    ):
        with urllib.request.urlopen(f"{site}{path}", timeout=5) as feed:
            assert feed.headers["Content-Type"].startswith(kind), path
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{site}/no/such/page/", timeout=5)
    assert missing.value.code == 404
    assert "Page not found" in missing.value.read().decode()
    missing.value.close()
    data = urllib.parse.urlencode(
        {"item": "welcome-to-the-hub", "author": "Via nginx", "body": "Hello through the proxy."}
    ).encode()
    request = urllib.request.Request(
        f"{comments}/comments", data=data, headers={"Origin": "http://127.0.0.1:8000"}
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.build_opener(NoRedirect).open(request, timeout=5)
    assert answer.value.code == 303
    answer.value.close()
    [queued] = list((queue / "pending").glob("*.json"))
    assert '"client": "127.0.0.1"' in queued.read_text(encoding="utf-8")


@pytest.mark.slow
def test_nginx_names_the_webmention_endpoint_and_it_answers(
    nginx_site, sample_output: Path
) -> None:
    """Every page answers with a Link header; a sender discovers it and its POST is taken."""
    site, comments, queue = nginx_site
    expected = f'<{comments}/webmention>; rel="webmention"'
    for path in ("/", "/hub/", "/feeds/", "/feeds/all.atom.xml"):
        with urllib.request.urlopen(f"{site}{path}", timeout=5) as answer:
            assert answer.headers.get_all("Link") == [expected], path
    manifest_file = manifest_location({"OUTPUT_PATH": str(sample_output)})
    manifest = json.loads(manifest_file.read_text("utf-8"))
    url = next(item["url"] for item in manifest["items"].values() if item["comments_open"])
    with urllib.request.urlopen(f"{site}{url}", timeout=5) as page:
        endpoint = discover(page.url, page.read().decode(), page.headers["Link"])
    assert endpoint == f"{comments}/webmention"
    # The service knows the site as http://127.0.0.1:8000 (its SITE_URL), as a sender
    # outside would; a private source is then refused in the background, not here.
    data = urllib.parse.urlencode(
        {"source": "http://127.0.0.1:9/reply", "target": f"http://127.0.0.1:8000{url}"}
    ).encode()
    with urllib.request.urlopen(urllib.request.Request(endpoint, data=data), timeout=5) as sent:
        assert sent.status == 202
    stored = [*queue.glob("incoming/*.json"), *queue.glob("rejected/*.json")]
    assert len(stored) == 1  # kept before the answer; verification may have moved it


@pytest.mark.slow
def test_nginx_answers_the_section_redirects_with_301(nginx_site, sample_output: Path) -> None:
    """Each redirect page the build writes has the same 301 in the nginx configuration."""
    site, _comments, _queue = nginx_site
    redirects = {}
    for page in sample_output.glob("*/index.html"):
        refresh = re.search(
            r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text("utf-8")
        )
        if refresh:
            redirects[f"/{page.parent.name}/"] = refresh.group(1)
    assert redirects == {"/posts/": "/hub/posts/", "/videos/": "/hub/videos/"}
    for path, target in redirects.items():
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.build_opener(NoRedirect).open(f"{site}{path}", timeout=5)
        assert answer.value.code == 301, path
        assert urllib.parse.urlsplit(answer.value.headers["Location"]).path == target
        answer.value.close()
        with urllib.request.urlopen(f"{site}{path}", timeout=5) as followed:
            assert urllib.parse.urlsplit(followed.url).path == target
            assert followed.status == 200


def fetch_gzip(address: str) -> tuple[str | None, bytes]:
    """GET asking for gzip; (Content-Encoding, the body as it arrived)."""
    request = urllib.request.Request(address, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.headers["Content-Encoding"], answer.read()


@pytest.mark.slow
def test_nginx_gzips_text_and_leaves_pictures_alone(nginx_site, sample_output: Path) -> None:
    """A page, the CSS and a feed arrive gzipped and unpack to the file; pictures do not."""
    site, _, _ = nginx_site
    texts = [
        sample_output / "hub" / "index.html",
        next(iter(sorted(sample_output.rglob("*.css")))),
        next(iter(sorted(sample_output.rglob("*.atom.xml")))),
        next(iter(sorted(sample_output.rglob("*.rss.xml")))),
        next(iter(sorted((sample_output / "feeds").rglob("*.json")))),
    ]
    for path in texts:
        address = site + "/" + urllib.parse.quote(path.relative_to(sample_output).as_posix())
        encoding, body = fetch_gzip(address)
        assert encoding == "gzip", path.name
        assert gzip.decompress(body) == path.read_bytes(), path.name
    for suffix in ("*.webp", "*.jpg"):
        path = next(iter(sorted(sample_output.rglob(suffix))))
        address = site + "/" + urllib.parse.quote(path.relative_to(sample_output).as_posix())
        encoding, body = fetch_gzip(address)
        assert encoding is None, path.name
        assert body == path.read_bytes(), path.name


@pytest.mark.slow
def test_nginx_proxies_the_moderation_page_with_its_headers(nginx_site) -> None:
    """/moderation/ reaches the service: no session leads to the login form, no-store and CSP."""
    _site, comments, _queue = nginx_site
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(f"{comments}/moderation/", timeout=5)
    assert answer.value.code == 303
    assert answer.value.headers["Location"].endswith("/moderation/login")
    answer.value.close()
    with urllib.request.urlopen(f"{comments}/moderation/login", timeout=5) as login:
        page = login.read().decode()
        assert login.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in login.headers["Content-Security-Policy"]
        assert login.headers["X-Frame-Options"] == "DENY"
        cookie = login.headers["Set-Cookie"]
    assert 'name="password"' in page
    # Plain HTTP through the proxy (X-Forwarded-Proto: http): no Secure flag.
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    with pytest.raises(urllib.error.HTTPError) as cross_site:
        urllib.request.urlopen(
            urllib.request.Request(
                f"{comments}/moderation/act",
                data=b"do=approve&csrf=x",
                headers={"Origin": "https://evil.example"},
            ),
            timeout=5,
        )
    assert cross_site.value.code == 403
    cross_site.value.close()
