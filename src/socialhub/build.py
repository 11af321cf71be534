"""Run a Pelican build of the hub and summarise it; bad content becomes problems, not tracebacks."""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.log import LimitFilter, console
from pelican.settings import read_settings

from socialhub import render
from socialhub.errors import ConfigError

# Allocations between two runs of the youngest generation's collection (Python: 700).
BUILD_GC_THRESHOLD = 50_000


@dataclass
class BuildReport:
    """What a build did: where, how long, how many pages, which warnings."""

    output: Path
    seconds: float
    rendered: int  # pages rendered by this build
    unchanged: int  # pages whose inputs had not changed since the last build
    warnings: list[str] = field(default_factory=list)


class _WarningCollector(logging.Handler):
    """Keeps every warning logged during a build, so the summary can show them."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember the message."""
        self.messages.append(record.getMessage())


def load_settings(settings_file: str | Path, overrides: dict[str, Any] | None = None) -> dict:
    """Pelican's settings from a settings file, with ``overrides`` applied."""
    return read_settings(str(settings_file), override=dict(overrides or {}))


def run_build(settings_file: str | Path, overrides: dict[str, Any] | None = None) -> BuildReport:
    """Build the site; raises ContentError (with every problem) when content is wrong."""
    settings = load_settings(settings_file, overrides)
    collector = _WarningCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    # Why quiet: Pelican's own closing line counts articles and pages, which this
    # site does not have; the command line prints our summary instead.
    was_quiet = console.quiet
    console.quiet = True
    started = time.perf_counter()
    render.TOTALS.rendered = render.TOTALS.skipped = 0
    # Why: Pelican's loggers drop a warning already logged in this process, so the
    # preview's second build of an unchanged file would hide its warnings.
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    # Why: a build makes millions of small objects that live until it ends (the
    # model, the caches, the page plans); at Python's default threshold the cyclic
    # collector walks them thousands of times, an eighth of a rebuild at 10,000 items.
    thresholds = gc.get_threshold()
    gc.set_threshold(BUILD_GC_THRESHOLD, *thresholds[1:])
    try:
        wanted = list(settings.get("PLUGINS") or [])
        pelican = Pelican(settings)
        # Why: Pelican only logs a plugin it cannot load, and a hub built without
        # hub_items or feeds is a different site, not a warning.
        missing = [name for name in wanted if name not in pelican.settings["PLUGINS"]]
        if missing:
            paths = ", ".join(str(p) for p in settings.get("PLUGIN_PATHS", []))
            raise ConfigError(f"plugins not found: {', '.join(missing)} (PLUGIN_PATHS: {paths})")
        pelican.run()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        console.quiet = was_quiet
        root.removeHandler(collector)
    output = Path(settings["OUTPUT_PATH"])
    return BuildReport(
        output,
        time.perf_counter() - started,
        render.TOTALS.rendered,
        render.TOTALS.skipped,
        collector.messages,
    )
