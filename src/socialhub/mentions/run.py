"""One run of `invoke mentions.send`: compare the outbox with the state, send what changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from socialhub.mentions import state as sent_state
from socialhub.mentions.discovery import Limits
from socialhub.mentions.outbox import Outgoing
from socialhub.mentions.sender import FAILED, NO_ENDPOINT, REFUSED, SENT, Result, send
from socialhub.mentions.state import Entry

Sender = Callable[[str, str, Limits], Result]


@dataclass
class Report:
    """What a run did, counted, with one line per mention."""

    sent: int = 0
    no_endpoint: int = 0
    refused: int = 0
    failed: int = 0
    would_send: int = 0  # a dry run's count
    lines: list[str] = field(default_factory=list)

    def count(self, status: str) -> None:
        """Count one mention by what became of it."""
        name = {SENT: "sent", NO_ENDPOINT: "no_endpoint", REFUSED: "refused"}.get(status, "failed")
        setattr(self, name, getattr(self, name) + 1)

    @property
    def summary(self) -> str:
        """One line: what was sent, skipped and failed (or, in a dry run, would be sent)."""
        if self.would_send:
            return f"Webmentions: {self.would_send} would be sent (dry run: nothing was sent)."
        if not (self.sent or self.no_endpoint or self.refused or self.failed):
            return "Webmentions: nothing new to send."
        text = f"Webmentions: {self.sent} sent, {self.no_endpoint} to pages without an endpoint"
        if self.refused:
            text += f", {self.refused} refused by the receiver (not sent again)"
        if self.failed:
            text += f", {self.failed} failed (tried again at the next run)"
        return text + "."


def plan(items: list[Outgoing], state: dict[str, Entry]) -> dict[str, Entry]:
    """The state after this build, before sending: each changed item's links made pending.

    New or changed item: every link it has now, then every link it had before.
    Unchanged: what is still pending (earlier failures). A deleted item: every link
    it had, once (its page is a tombstone by now).
    """
    planned: dict[str, Entry] = {}
    live = {item.url for item in items}
    for item in items:
        before = state.get(item.url)
        if before is not None and before.fingerprint == item.fingerprint and not before.deleted:
            planned[item.url] = before
            continue
        removed = [link for link in (before.links if before else []) if link not in item.links]
        # Why the earlier pending too: a link removed by an earlier edit, not yet told.
        removed += before.pending if before else []
        planned[item.url] = Entry(
            path=item.path,
            kind=item.kind,
            fingerprint=item.fingerprint,
            links=list(item.links),
            pending=list(dict.fromkeys([*item.links, *removed])),
            results=dict(before.results) if before else {},
        )
    for url, before in state.items():
        if url in live:
            continue
        planned[url] = before
        if not before.deleted:
            planned[url] = Entry(
                path=before.path,
                kind=before.kind,
                fingerprint="deleted",
                links=before.links,
                pending=list(dict.fromkeys([*before.links, *before.pending])),
                results=dict(before.results),
                deleted=True,
            )
    return planned


def send_all(
    items: list[Outgoing],
    state_file: Path,
    limits: Limits,
    *,
    dry_run: bool = False,
    baseline: bool = False,
    progress: Callable[[str], None] = print,
    sender: Sender = send,
) -> Report:
    """Send every pending mention; save the state (unless ``dry_run``); report each."""
    planned = plan(items, sent_state.load(state_file))
    report = Report()

    def say(line: str) -> None:
        report.lines.append(line)
        progress(line)

    if not dry_run:
        # Why first: a state that cannot be written stops the run before anything is sent.
        sent_state.save(state_file, planned)
    try:
        for source, entry in planned.items():
            if baseline:
                entry.pending.clear()
                continue
            for target in list(entry.pending):
                if dry_run:
                    say(f"would send {source} -> {target}")
                    report.would_send += 1
                    continue
                result = sender(source, target, limits)
                entry.results[target] = f"{result.status}: {result.detail}"
                if result.done:
                    entry.pending.remove(target)
                    # Why at once: a process ended by a signal (a lost SSH session) runs no finally.
                    sent_state.save(state_file, planned)
                report.count(result.status)
                words = {
                    SENT: "sent",
                    NO_ENDPOINT: "no endpoint",
                    REFUSED: "refused",
                    FAILED: "FAILED",
                }
                say(f"{words[result.status]}: {source} -> {target}: {result.detail}")
    finally:
        # Why in finally: what was sent before an interruption is not sent twice.
        if not dry_run:
            sent_state.save(state_file, planned)
    if baseline:
        say(f"Recorded {len(planned)} items as announced; nothing was sent.")
    return report
