"""Run a Pelican build of the hub and summarise it; bad content becomes problems, not tracebacks.

``HubPelican`` is the Pelican class of this site (PELICAN_CLASS in
pelicanconf.py), so that ``invoke build`` and Pelican's own command line
(``pelican content``) check the same settings, print the same problem lines,
exit 1 on a failure without a traceback, and count the hub's items at the end.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError
from pelican import Pelican, signals
from pelican.log import LimitFilter, console
from pelican.settings import read_settings

from socialhub import render, search
from socialhub.errors import ConfigError, ContentError, SettingsError
from socialhub.settings_check import check_settings
from socialhub.text import counted

# Allocations between two runs of the youngest generation's collection (Python: 700).
BUILD_GC_THRESHOLD = 50_000


@dataclass
class BuildReport:
    """What a build did: where, how long, what it read, how many pages, which warnings."""

    output: Path
    seconds: float
    rendered: int  # pages rendered by this build
    unchanged: int  # pages whose inputs had not changed since the last build
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # items, bloggers, ... read
    search: search.IndexReport | None = None  # None: the search plugin is not used


def summary(report: BuildReport) -> str:
    """The closing line of a build: what was read, what was written."""
    counts = dict(report.counts)
    left_out = counts.pop("left out", 0)
    read = ", ".join(counted(count, noun) for noun, count in counts.items())
    if left_out:
        read += f" ({left_out} left out: drafts or unfinished)"
    warnings = counted(len(report.warnings), "warning")
    line = (
        f"Built {shown_path(report.output)} in {report.seconds:.2f} s: {read};"
        f" {report.rendered} pages rendered, {report.unchanged} unchanged, {warnings}."
    )
    return line if report.search is None else f"{line}\n{search.summary_line(report.search)}"


class _WarningCollector(logging.Handler):
    """Keeps every warning logged during a build, so the summary can show them."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember the message."""
        self.messages.append(record.getMessage())


def shown_path(path: str | Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    absolute = os.path.abspath(path)
    here = os.path.join(os.getcwd(), "")
    return absolute[len(here) :] if absolute.startswith(here) else str(path)


# A template's frame in a traceback (Jinja2 rewrites them to the template's file and line).
_TEMPLATE_FRAME = re.compile(r'File "([^"]+\.(?:html|xml|xsl|txt|j2|jinja2?))", line (\d+)')


def template_problem(error: BaseException) -> str | None:
    """``theme/templates/x.html: line 3: …; fix`` for an error raised by a template, else None."""
    message = " ".join(str(getattr(error, "message", None) or error).split())
    if isinstance(error, TemplateSyntaxError) and error.filename:
        where = (error.filename, error.lineno)
        message = f"TemplateSyntaxError: {message}"
    else:
        # Pages are rendered in worker processes too: their tracebacks come back as text.
        text = "".join(traceback.format_exception(error)) + str(getattr(error, "where", ""))
        frames = _TEMPLATE_FRAME.findall(text)
        if not frames:
            return None
        where = (frames[-1][0], int(frames[-1][1]))
        if not message.startswith(f"{type(error).__name__}:") and ":" not in message[:40]:
            message = f"{type(error).__name__}: {message}"
    return f"{shown_path(where[0])}: line {where[1]}: {message}; fix the template and build again"


def failure_lines(error: BaseException) -> list[str]:
    """What to print when a build fails: every problem on its own line, never a traceback."""
    if isinstance(error, ContentError):
        lines = [f"warning: {warning}" for warning in error.warnings]
        lines += str(error).splitlines()
        return [*lines, "The site was not built: fix the files above and run again."]
    if isinstance(error, SettingsError):
        return [*str(error).splitlines(), "The site was not built: fix the settings above."]
    located = template_problem(error)
    if located is not None:
        return [located, "The site was not built."]
    return [
        f"The build failed: {type(error).__name__}: {error}",
        "Set HUB_DEBUG=1 to see where (a traceback).",
    ]


def _settings_file_of_command_line(argv: list[str]) -> str:
    """The settings file given to Pelican's command line (-s), or the one it reads by default.

    Why from argv: Pelican reads the file and hands over only the settings.
    """
    for index, argument in enumerate(argv):
        if argument in ("-s", "--settings") and index + 1 < len(argv):
            return shown_path(argv[index + 1])
        if argument.startswith("--settings="):
            return shown_path(argument.split("=", 1)[1])
    return "pelicanconf.py"


class HubPelican(Pelican):
    """Pelican, with the hub's settings checked first and its own summary and failures."""

    def __init__(self, settings: dict[str, Any], settings_file: str = "") -> None:
        settings_file = settings_file or _settings_file_of_command_line(sys.argv[1:])
        wanted = list(settings.get("PLUGINS") or [])
        # Why kept, not raised: Pelican's command line prints a traceback for an
        # error raised while it makes this object; run() reports it in one line.
        self.refusal: Exception | None = None
        try:
            check_settings(settings, settings_file)
        except SettingsError as error:
            self.refusal = error
        super().__init__(settings)
        # Why: Pelican only logs a plugin it cannot load, and a hub built without
        # hub_items or feeds is a different site, not a warning.
        missing = [name for name in wanted if name not in self.settings["PLUGINS"]]
        if missing and self.refusal is None:
            paths = ", ".join(str(p) for p in settings.get("PLUGIN_PATHS", []))
            message = f"plugins not found: {', '.join(missing)} (PLUGIN_PATHS: {paths})"
            self.refusal = ConfigError(message)

    def build(self) -> BuildReport:
        """Build the site; raises ContentError (with every problem) when content is wrong."""
        if self.refusal is not None:
            raise self.refusal
        collector = _WarningCollector()
        root = logging.getLogger()
        root.addHandler(collector)
        counts: dict[str, int] = {}

        def count(generators: list[Any]) -> None:
            site = generators[0].context.get("hub") if generators else None
            if site is not None:
                counts.update(
                    {
                        "item": len(site.items),
                        "blogger": len(site.bloggers),
                        "contest": len(site.contests),
                        "comment": sum(len(comments) for comments in site.comments.values()),
                        "left out": len(site.drafts),
                    }
                )

        signals.all_generators_finalized.connect(count)
        # Why quiet: Pelican's own closing line counts articles and pages, which this
        # site does not have; summary() counts the hub's items instead.
        was_quiet = console.quiet
        console.quiet = True
        started = time.perf_counter()
        render.TOTALS.rendered = render.TOTALS.skipped = 0
        search.LAST.clear()
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
            super().run()
        except ContentError as error:
            error.warnings = tuple(collector.messages)
            raise
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            console.quiet = was_quiet
            root.removeHandler(collector)
            signals.all_generators_finalized.disconnect(count)
        return BuildReport(
            Path(self.settings["OUTPUT_PATH"]),
            time.perf_counter() - started,
            render.TOTALS.rendered,
            render.TOTALS.skipped,
            collector.messages,
            counts,
            search.LAST[0] if search.LAST else None,
        )

    def run(self) -> None:
        """Pelican's command line: build, print the warnings and the summary; exit 1 on failure."""
        if build_and_report(self.build):
            sys.exit(1)


def build_and_report(build: Callable[[], BuildReport]) -> list[str]:
    """Run ``build``, print its warnings and summary, or its failure; the failure's lines.

    Every failure is printed as lines, never a traceback; with HUB_DEBUG set, an
    unexpected one is raised instead, after the traceback text of a forked part.
    """
    try:
        report = build()
    except Exception as error:  # why broad: a theme or settings mistake must not end `serve`
        if os.environ.get("HUB_DEBUG") and not isinstance(error, ContentError | SettingsError):
            print(getattr(error, "where", ""), file=sys.stderr, end="")
            raise
        lines = failure_lines(error)
        for line in lines:
            print(line, file=sys.stderr)
        return lines
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(summary(report))
    return []


def load_settings(settings_file: str | Path, overrides: dict[str, Any] | None = None) -> dict:
    """Pelican's settings from a settings file, with ``overrides`` applied."""
    return read_settings(str(settings_file), override=dict(overrides or {}))


def run_build(settings_file: str | Path, overrides: dict[str, Any] | None = None) -> BuildReport:
    """Build the site; raises ContentError, SettingsError or the build's own error."""
    settings = load_settings(settings_file, overrides)
    return HubPelican(settings, shown_path(settings_file)).build()
