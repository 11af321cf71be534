"""The site's side of commenters' rights: the form's email block and the privacy page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup


def test_the_form_offers_email_and_the_privacy_page_says_what_is_kept(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """An optional email, three notification choices, and a privacy page with the settings' days."""
    output = build(minimal_copy, COMMENTS_KEEP_REJECTED_DAYS=45, COMMENTS_CONFIRM_DAYS=3)
    post = BeautifulSoup((output / "posts/first-post/index.html").read_bytes(), "lxml")
    form = post.find("form", id="comment-form")
    email = form.find("input", attrs={"name": "email"})
    assert email["type"] == "email" and not email.has_attr("required")
    label = form.find("label", attrs={"for": "comment-email"}).get_text(" ", strip=True)
    assert "never published" in label
    choices = [radio["value"] for radio in form.find_all("input", attrs={"name": "notify"})]
    assert choices == ["", "replies", "item"]
    assert form.find("a", href="/privacy/") is not None
    assert post.find("footer").find("a", href="/privacy/") is not None
    assert post.find(id="comment-approved") is not None
    privacy = BeautifulSoup((output / "privacy/index.html").read_bytes(), "lxml")
    text = " ".join(privacy.get_text(" ").split())
    assert "kept 45 days" in text
    assert "deleted after 3 days" in text
    assert "until you unsubscribe" in text
    request = privacy.find("a", string="Ask for your comments to be deleted")
    assert request["href"] == "http://127.0.0.1:8001/comments/delete-request"
