"""COMMENTS_ALTCHA in the build: the widget beside the form, from the site's own origin."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT, build_site

from socialhub import widgets
from socialhub.errors import SettingsError
from socialhub.settings_check import check_settings

MINIMAL = ROOT / "tests" / "data" / "sites" / "minimal" / "content"


def test_with_altcha_on_the_form_carries_the_widget_from_our_origin(tmp_path: Path) -> None:
    output = build_site(MINIMAL, tmp_path / "output", COMMENTS_ALTCHA=True)
    assert (output / widgets.ALTCHA_PUBLISHED).read_bytes() == widgets.ALTCHA_WIDGET.read_bytes()
    forms = []
    for page in output.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        form = soup.find("form", id="comment-form")
        if form is not None:
            forms.append(form)
            widget = form.find("altcha-widget")
            assert widget is not None and widget["name"] == "altcha", page
            assert widget["challenge"].endswith("/altcha/challenge")
            script = form.find("script", src=True)
            assert script["type"] == "module" and script["src"].endswith(widgets.ALTCHA_PUBLISHED)
    assert forms, "the minimal site has a page with a comment form"


def test_with_altcha_off_nothing_of_it_is_published(tmp_path: Path) -> None:
    output = build_site(MINIMAL, tmp_path / "output")
    assert not (output / widgets.ALTCHA_PUBLISHED).exists()
    assert all("altcha-widget" not in p.read_text("utf-8") for p in output.rglob("*.html"))


def test_altcha_on_without_the_widget_installed_names_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widgets, "ALTCHA_WIDGET", tmp_path / "missing.js")
    settings = {"COMMENTS_ALTCHA": True, "PATH": str(MINIMAL)}
    with pytest.raises(SettingsError) as raised:
        check_settings(settings, "pelicanconf.py")
    assert "COMMENTS_ALTCHA" in str(raised.value)
    assert "npm ci --ignore-scripts" in str(raised.value)
