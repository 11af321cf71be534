"""Make every URL in an HTML fragment absolute, so that content survives a feed reader."""

from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup

_URL_ATTRIBUTES = {"a": "href", "img": "src", "source": "src", "video": "poster", "audio": "src"}


def absolutize(html: str, base: str) -> str:
    """Resolve href/src/poster/srcset against ``base`` (a page's absolute URL)."""
    if not html or ("href=" not in html and "src" not in html and "poster=" not in html):
        return html
    soup = BeautifulSoup(html, "html.parser")
    for tag, attribute in _URL_ATTRIBUTES.items():
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if isinstance(value, str) and value:
                element[attribute] = urljoin(base, value)
    for element in soup.find_all(srcset=True):
        candidates = []
        for candidate in str(element["srcset"]).split(","):
            parts = candidate.strip().split()
            if parts:
                parts[0] = urljoin(base, parts[0])
                candidates.append(" ".join(parts))
        element["srcset"] = ", ".join(candidates)
    return str(soup)
