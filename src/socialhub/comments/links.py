"""The addresses of the links the service emails to commenters, and of their pages."""

from __future__ import annotations

from urllib.parse import urlencode

from socialhub.comments.config import CommentsConfig
from socialhub.comments.manifest import Manifest
from socialhub.comments.tokens import make_token

# The service's pages for commenters (app.py routes them here).
CONFIRM_PATH = "/comments/confirm"
UNSUBSCRIBE_PATH = "/comments/unsubscribe"
DELETE_REQUEST_PATH = "/comments/delete-request"
DELETE_PATH = "/comments/delete"


def service_link(config: CommentsConfig, path: str, token: str) -> str:
    """An absolute link to one of the service's pages carrying a signed token."""
    return f"{config.service_url.rstrip('/')}{path}?{urlencode({'t': token})}"


def signed_link(
    config: CommentsConfig, secret: bytes, purpose: str, path: str, *, record: str, nonce: str
) -> str:
    """A signed link for one record and its nonce."""
    return service_link(config, path, make_token(secret, purpose, record, nonce))


def site_base(config: CommentsConfig, manifest: Manifest) -> str:
    """The site's address without a trailing slash (the build's, else the setting)."""
    return (manifest.site_url or config.site_url).rstrip("/")


def comment_link(config: CommentsConfig, manifest: Manifest, item: str, comment_id: str) -> str:
    """The address of a comment on its item's page (after the next build)."""
    target = manifest.item(item)
    path = target.url if target is not None else "/"
    return f"{site_base(config, manifest)}{path}#comment-{comment_id}"


def privacy_link(config: CommentsConfig, manifest: Manifest) -> str:
    """The site's privacy page."""
    return f"{site_base(config, manifest)}/privacy/"
