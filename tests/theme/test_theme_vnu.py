"""The Nu HTML Checker on every page of the built sample hub (tests/data/sites/sample/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialhub.htmlcheck import VNU_JAR, CheckerMissingError, check_html, summary

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "test-artifacts" / "vnu.txt"


@pytest.mark.slow
def test_every_page_is_valid_html(sample_output: Path) -> None:
    """vnu finds no error on any page (warnings are written to test-artifacts/vnu.txt)."""
    messages = check_html(sample_output, ROOT / VNU_JAR)
    pages = sum(1 for _ in sample_output.rglob("*.html"))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        summary(messages, pages) + "\n" + "".join(f"{m}\n" for m in messages), encoding="utf-8"
    )
    assert pages > 50
    assert [str(m) for m in messages if m.severity == "error"] == []


@pytest.mark.slow
def test_the_checker_reports_errors_by_page_and_line(tmp_path: Path) -> None:
    """A broken page gives errors naming it; a missing checker is a clear error."""
    page = tmp_path / "bad" / "index.html"
    page.parent.mkdir()
    page.write_text("<!DOCTYPE html>\n<html lang=en><title>x</title>\n<p><div></p>\n", "utf-8")
    messages = check_html(tmp_path, ROOT / VNU_JAR)
    errors = [m for m in messages if m.severity == "error"]
    assert errors and all(m.path == "bad/index.html" and m.line >= 1 for m in errors)
    assert "1 pages: " in summary(messages, 1)
    with pytest.raises(CheckerMissingError, match="npm ci"):
        check_html(tmp_path, tmp_path / "vnu.jar")
