"""Readable slugs for titles in every Latin script: the same in scaffold, collector and build."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from socialhub.collect.clean import CleanEntry
from socialhub.collect.write import unique_slug
from socialhub.kinds import KINDS_BY_NAME
from socialhub.scaffold import new_item
from socialhub.text import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Første frost", "forste-frost"),  # Norwegian
        ("Ærøskøbing i regn", "aeroskobing-i-regn"),  # Danish
        ("Straße der Lichter", "strasse-der-lichter"),  # German
        ("Über Nacht", "uber-nacht"),
        ("Café déjà vu à l'œil", "cafe-deja-vu-a-l-oeil"),  # French
        ("Łódź zimą", "lodz-zima"),  # Polish
        ("Şişli'de gece", "sisli-de-gece"),  # Turkish
        ("Háskóli Íslands þór", "haskoli-islands-thor"),  # Icelandic
        ("Dvořák's Nový svět", "dvorak-s-novy-svet"),  # Czech
        ("  Night -- shorts!  ", "night-shorts"),
        ("#FF: spelled in phones", "ff-spelled-in-phones"),
    ],
)
def test_slugify_transliterates_instead_of_dropping_letters(title: str, slug: str) -> None:
    """Letters without an ASCII decomposition (ø, ß, ł, þ) become their usual spelling."""
    assert slugify(title) == slug


def test_the_scaffold_names_the_file_with_the_same_slug(minimal_copy: Path) -> None:
    """`invoke new post "Første frost"` writes content/posts/forste-frost.md."""
    path = new_item(minimal_copy, KINDS_BY_NAME["post"], "Første frost", date(2026, 11, 24))
    assert path.name == "forste-frost.md"
    assert path.read_text(encoding="utf-8").startswith("Title: Første frost\n")


def test_the_collector_names_a_featured_post_with_the_same_slug() -> None:
    """A collected entry titled in German gets a readable file name."""
    entry = CleanEntry("id", "Straße im Winter", "https://x.example/", None, "", "", ())
    assert unique_slug(entry, "ada-lens", set()) == "strasse-im-winter"


def test_the_build_gives_tags_the_same_slug(minimal_copy: Path, build: Callable[..., Path]) -> None:
    """A tag in Norwegian gets a page at /tags/forste-frost/ that lists its item."""
    post = minimal_copy / "posts" / "first-post.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Tags: Cameras,", "Tags: Første frost,"), encoding="utf-8")
    output = build(minimal_copy)
    page = output / "tags" / "forste-frost" / "index.html"
    assert page.is_file()
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("a", href=lambda href: bool(href) and "/posts/first-post/" in href)
