"""Worker pools change how fast a site is built, never what is built."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLE, build_site

from socialhub import cards, media, render


def _files(output: Path) -> dict[str, bytes]:
    # Pagefind's bundle is left out: Pagefind writes some of its files in no fixed order.
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file() and path.relative_to(output).parts[0] != "pagefind"
    }


def test_a_build_with_every_pool_is_byte_for_byte_one_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One process, or pools for pages, cards and thumbnails even for a tiny site: the same site."""
    # Why one keys folder: each build would otherwise make its own key pair for the actor.
    keys = str(tmp_path / "keys")
    alone = _files(
        build_site(
            SAMPLE, tmp_path / "alone" / "output", HUB_BUILD_WORKERS=1, ACTIVITYPUB_KEYS_DIR=keys
        )
    )
    for module in (render, cards, media):
        monkeypatch.setattr(module, "PARALLEL_THRESHOLD", 1)
    for cached in (cards._fitted, cards._upright_width, cards._palette, cards._text_background):
        cached.cache_clear()  # what the first build kept must not be what the pools use
    pooled = _files(
        build_site(
            SAMPLE, tmp_path / "pooled" / "output", HUB_BUILD_WORKERS=2, ACTIVITYPUB_KEYS_DIR=keys
        )
    )
    assert sorted(pooled) == sorted(alone)
    different = [name for name in alone if alone[name] != pooled[name]]
    assert different == []
    assert any(name.startswith("thumbs/cards/") for name in alone)
