"""Every internal link, picture and fragment of a built site resolves: `invoke check`, tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree, html

from socialhub.sanitize import srcset_urls
from socialhub.text import counted

# (element, attribute) pairs whose value is one URL the browser follows or loads.
URL_ATTRIBUTES = (
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("source", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("script", "src"),
    ("iframe", "src"),
)
# Attributes holding a list of candidates: "url 480w, url 960w".
SRCSET_ELEMENTS = ("img", "source")
# <link rel> values that name a service endpoint or a hint, not a file of the site.
ENDPOINT_RELS = {"webmention", "pingback", "preconnect", "dns-prefetch"}
# Fragments a browser understands without an element of that id.
IMPLICIT_FRAGMENTS = {"", "top"}


@dataclass(frozen=True)
class BrokenLink:
    """One link that leads nowhere: the page it is on, the URL as written, why."""

    page: str  # relative to the checked folder, e.g. "posts/hello/index.html"
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


@dataclass
class LinkReport:
    """What the link check found on a whole site."""

    pages: int = 0
    links: int = 0
    broken: list[BrokenLink] = field(default_factory=list)

    def summary(self) -> str:
        """One line with the counts, then the most frequent broken targets."""
        pages_with = len({link.page for link in self.broken})
        where = f" (on {counted(pages_with, 'page')})" if self.broken else ""
        lines = [
            f"links checked on {counted(self.pages, 'page')}: {self.links} internal links"
            f" and fragments, {len(self.broken)} broken{where}."
        ]
        counts = Counter((link.target, link.reason) for link in self.broken)
        for (target, reason), number in counts.most_common(10):
            lines.append(f"  {number} × {target}: {reason}")
        if len(counts) > 10:
            lines.append(f"  … and {len(counts) - 10} other broken targets")
        return "\n".join(lines)


def _page_url(relative: str) -> str:
    """The site path a page is served at: "posts/x/index.html" → "/posts/x/"."""
    if relative == "index.html" or relative.endswith("/index.html"):
        return "/" + relative.removesuffix("index.html")
    return "/" + relative


def _parse(path: Path) -> etree._Element | None:
    """The page's element tree, or None when it holds no markup at all."""
    data = path.read_bytes()
    if not data.strip():
        return None
    return html.fromstring(data, parser=html.HTMLParser(encoding="utf-8"))


def _anchors(tree: etree._Element | None) -> frozenset[str]:
    """Every fragment a page answers: its ids, and the names of its <a name> anchors."""
    if tree is None:
        return frozenset()
    ids = tree.xpath("//@id | //a/@name")
    return frozenset(str(value) for value in ids)


def _urls(tree: etree._Element) -> Iterator[str]:
    """Every URL that a page's elements link to or load, as written."""
    for tag, attribute in URL_ATTRIBUTES:
        for element in tree.iter(tag):
            value = element.get(attribute)
            if value is None:
                continue
            if tag == "link" and ENDPOINT_RELS & set((element.get("rel") or "").lower().split()):
                continue
            yield value.strip()
    for tag in SRCSET_ELEMENTS:
        for element in tree.iter(tag):
            yield from srcset_urls(element.get("srcset") or "")


class _Site:
    """A built site on disk, with each page's anchors read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._anchors: dict[Path, frozenset[str]] = {}

    def file_for(self, site_path: str) -> Path | None:
        """The file a site path is served from (a folder serves its index.html), or None."""
        local = self.root / unquote(site_path).lstrip("/")
        if site_path.endswith("/") or local.is_dir():
            local = local / "index.html"
        try:
            inside = local.resolve().is_relative_to(self.root.resolve())
        except OSError:
            return None
        return local if inside and local.is_file() else None

    def anchors(self, path: Path, tree: etree._Element | None = None) -> frozenset[str]:
        """The fragments the page at ``path`` answers."""
        if path not in self._anchors:
            self._anchors[path] = _anchors(tree if tree is not None else _parse(path))
        return self._anchors[path]


def _internal_path(url: str, page_url: str, site_url: str) -> tuple[str, str] | None:
    """(site path, fragment) of a link into the site, or None for another site or scheme."""
    if site_url and (url == site_url or url.startswith(site_url + "/")):
        url = url[len(site_url) :] or "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page_url, parts.fragment
    return urlsplit(urljoin(page_url, parts.path)).path, parts.fragment


def check_links(output: Path, site_url: str = "") -> LinkReport:
    """Check every internal link, picture and fragment of every HTML page under ``output``.

    ``site_url`` is the site's absolute base (``https://hub.example``): absolute
    links to it (canonical URLs, feed links) are checked as internal ones.
    """
    site = _Site(output)
    report = LinkReport()
    base = site_url.rstrip("/")
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        tree = _parse(path)
        report.pages += 1
        if tree is None:
            continue
        site.anchors(path, tree)
        page_url = _page_url(relative)
        for url in _urls(tree):
            internal = _internal_path(url, page_url, base)
            if internal is None:
                continue
            report.links += 1
            site_path, fragment = internal
            target = site.file_for(site_path)
            if target is None:
                report.broken.append(BrokenLink(relative, url, f"no file at {site_path}"))
                continue
            fragment = unquote(fragment)
            if (
                target.suffix == ".html"
                and fragment not in IMPLICIT_FRAGMENTS
                and not fragment.startswith(":~:")  # a text fragment, not an id
                and fragment not in site.anchors(target)
            ):
                shown = _page_url(target.relative_to(output).as_posix())
                reason = f"no element with id '{fragment}' on {shown}"
                report.broken.append(BrokenLink(relative, url, reason))
    return report
