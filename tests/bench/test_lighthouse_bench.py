"""The Lighthouse bench reads a report as Lighthouse writes it (its pure parts; no browser run)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from lighthouse import Summary, pages, summarise, table, verdict  # noqa: E402 - bench/ scripts

pytestmark = pytest.mark.slow


def _report(performance: float, seo: float) -> dict[str, Any]:
    """A Lighthouse 12 JSON report, cut to the parts the bench reads."""
    return {
        "categories": {
            "performance": {"score": performance, "auditRefs": []},
            "accessibility": {"score": 1, "auditRefs": [{"id": "image-alt", "weight": 10}]},
            "best-practices": {"score": 1, "auditRefs": []},
            "seo": {
                "score": seo,
                "auditRefs": [
                    {"id": "meta-description", "weight": 1},
                    {"id": "structured-data", "weight": 0},  # manual: never a failure
                ],
            },
        },
        "audits": {
            "image-alt": {"score": 1, "scoreDisplayMode": "binary", "title": "Images have alt"},
            "meta-description": {
                "score": 0,
                "scoreDisplayMode": "binary",
                "title": "Document has a meta description",
            },
            "structured-data": {"score": None, "scoreDisplayMode": "manual"},
            "unused-css-rules": {
                "details": {
                    "type": "opportunity",
                    "overallSavingsMs": 150,
                    "overallSavingsBytes": 12_000,
                }
            },
            "render-blocking-resources": {
                "details": {"type": "opportunity", "overallSavingsMs": 300}
            },
            "uses-text-compression": {"details": {"type": "opportunity", "overallSavingsMs": 0}},
        },
    }


def test_a_report_gives_scores_opportunities_largest_first_and_failed_audits() -> None:
    """Scores as whole numbers, only real savings, the failed scored audits by category."""
    summary = summarise(_report(0.974, 0.92), "home (/)", "phone")
    assert summary.scores == {
        "performance": 97,
        "accessibility": 100,
        "best-practices": 100,
        "seo": 92,
    }
    assert [row[0] for row in summary.opportunities] == [
        "render-blocking-resources",
        "unused-css-rules",
    ]
    assert summary.failed == ["seo: meta-description (Document has a meta description)"]


def test_targets_are_98_for_performance_and_100_for_the_rest() -> None:
    """PASS at the targets, MISS below them; the table shows both."""
    assert all(
        verdict(
            {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
        ).values()
    )
    missed = verdict({"performance": 97, "accessibility": 100, "best-practices": 99, "seo": 100})
    assert missed == {
        "performance": False,
        "accessibility": True,
        "best-practices": False,
        "seo": True,
    }
    text = table([Summary("home (/)", "desktop", {"performance": 97, "accessibility": 100})])
    assert "97 MISS" in text and "100 PASS" in text and "0 MISS" in text


def test_the_pages_measured_are_found_in_a_built_site(sample_output: Path) -> None:
    """Home, a featured post, the #FF gallery and a film page with a player facade."""
    found = pages(sample_output)
    assert list(found) == ["home", "featured post", "#FF gallery", "film"]
    for path in found.values():
        assert (sample_output / path.lstrip("/") / "index.html").is_file()
    film = (sample_output / found["film"].lstrip("/") / "index.html").read_text(encoding="utf-8")
    assert 'class="facade"' in film
