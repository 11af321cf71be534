"""URLs as the Webmention receiver compares them: the same page however it is spelled."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normal_url(url: str, keep_fragment: bool = False) -> str:
    """A URL as compared: scheme and host in lower case, no default port, no trailing slash.

    ``/p`` and ``/p/`` are one page, since the hub serves every page as a folder.
    The fragment is dropped unless ``keep_fragment``: a mention of an item and one
    of a comment on it (``#comment-…``) are the same page but two mentions.
    """
    base, _, fragment = url.strip().partition("#")
    try:
        parts = urlsplit(base)
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = (parts.path or "/").rstrip("/") or "/"
    normal = urlunsplit((scheme, netloc, path, parts.query, ""))
    return f"{normal}#{fragment}" if keep_fragment and fragment else normal
