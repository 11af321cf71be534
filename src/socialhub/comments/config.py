"""The comment service's settings: typed, with defaults, each bad key named."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from socialhub.activitypub.config import FediverseConfig, fediverse_config
from socialhub.errors import ConfigError

# COMMENTS_TRUST: who skips the moderation queue (standing.py keeps who is who).
TRUST_POLICIES = ("off", "trusted", "approved")
# Commenters' rights: how many days each kind of kept data lives (purge.py).
RETENTION_DAYS = ("confirm_days", "keep_rejected_days", "keep_approved_days")


@dataclass(frozen=True)
class CommentsConfig:
    """Everything the service and the moderation commands need."""

    queue_dir: Path = Path(".cache/comments-queue")
    # The service's private state (its secret key, moderators, sessions, audit log...):
    # outside git and outside the published output, writable by the service only.
    # Empty: beside the queue, as <queue>-state (so a queue of its own has state of its own).
    state_dir: Path = Path()
    trust: str = "off"  # who skips the queue: off, trusted (chosen by a moderator), approved
    content_dir: Path = Path("content")
    manifest_path: Path = Path(".cache/comments-manifest-output.json")
    site_url: str = "http://127.0.0.1:8000"
    allowed_origins: tuple[str, ...] = ("http://127.0.0.1:8000", "http://localhost:8000")
    timezone: str = "Europe/Oslo"
    max_request_bytes: int = 64 * 1024
    max_body_chars: int = 5000
    max_author_chars: int = 80
    max_website_chars: int = 300
    rate_limit_count: int = 5  # submissions per client...
    rate_limit_seconds: int = 60  # ...within this many seconds
    trusted_proxies: int = 0  # how many X-Forwarded-For hops to trust (behind nginx: 1)
    webmention_timeout: float = 5.0
    webmention_max_bytes: int = 1024 * 1024
    webmention_allow_private: bool = False  # True only in tests and local previews
    webmention_workers: int = 2
    smtp_host: str = ""  # empty: no email
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_to: str = ""
    # --- moderation in the browser (issue 15, points 1-3) ---
    moderation_path: str = "/moderation/"  # where the service serves the moderation page
    login_max_failures: int = 10  # wrong passwords for one account before it is locked...
    login_lockout_seconds: int = 900  # ...for this long, whoever sends them
    login_client_failures: int = 30  # wrong passwords from one client within the lockout time
    session_idle_seconds: int = 1800  # a moderator idle this long logs in again
    session_max_seconds: int = 12 * 3600  # and every session ends after this long
    git_commit: bool = False  # commit each approved comment file in the checkout
    git_email: str = "moderation@localhost"  # the commit author's address (name: the moderator)
    staff_author: str = "The hub team"  # the name shown on a reply written as the company
    # Spam defence, all local (score.py, formtoken.py) and moderators' notices (batch.py).
    spam_threshold: int = 5  # a score at or over this is queued as likely spam
    spam_reject: int = 0  # a score at or over this goes straight to rejected/ (0: never)
    spam_repeat_seconds: int = 7 * 24 * 3600  # how long a comment's text counts as seen
    blocked_words: tuple[str, ...] = ()
    form_token_min_seconds: int = 3  # a post sooner than this after the form's token: refused
    form_token_max_age: int = 24 * 3600  # a token older than this: refused (reload the page)
    notify_interval: int = 300  # seconds between two notices to moderators (0: one per comment)
    webhook_url: str = ""  # a JSON POST to this address with each batch (Slack-compatible)
    webhook_secret: str = ""  # signs the webhook's body: X-Hub-Signature-256: sha256=<hex>
    moderation_url: str = ""  # named in the notices (the moderation page)
    altcha: bool = False  # ALTCHA proof of work in the comment form (proof_of_work.py)
    altcha_cost: int = 1000  # PBKDF2 iterations of each try...
    altcha_max_counter: int = 2000  # ...and at most this many tries (about a second)
    altcha_expires: int = 1200  # seconds a challenge may be solved and sent
    # --- Commenters' rights: email, reply notifications, deletion, retention ---
    # The service's own address, for the links in the emails it sends (confirm,
    # unsubscribe, delete): COMMENT_SERVICE_URL unless set.
    service_url: str = "http://127.0.0.1:8001"
    max_email_chars: int = 254  # the longest address SMTP carries (RFC 5321)
    confirm_days: int = 7  # an unconfirmed subscription or deletion request lives this long
    keep_rejected_days: int = 30  # rejected submissions (with their client address) are kept
    keep_approved_days: int = 30  # the queue's copy of an approved one (the file stays in git)
    # --- The inbox (ActivityPub): on when ACTIVITYPUB_ACCOUNT is set ---
    fediverse: FediverseConfig | None = None  # from ACTIVITYPUB_* (activitypub/config.py)
    inbox_max_bytes: int = 256 * 1024  # the largest activity taken (Mastodon's are a few KiB)
    inbox_date_window: int = 3600  # a signed Date this many seconds off is refused
    inbox_rate_count: int = 300  # inbox requests per client (a big server sends many)...
    inbox_rate_seconds: int = 60  # ...within this many seconds
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.state_dir == Path():
            beside = self.queue_dir.with_name(self.queue_dir.name + "-state")
            object.__setattr__(self, "state_dir", beside)


# Settings names in pelicanconf.py / publishconf.py → config fields.
PREFIX = "COMMENTS_"


def load_config(settings: Mapping[str, Any], root: Path | None = None) -> CommentsConfig:
    """Read COMMENTS_* settings; every unknown key or wrong type is reported at once."""
    known = {f.name: f for f in fields(CommentsConfig) if f.name not in ("extra", "fediverse")}
    values: dict[str, Any] = {}
    problems = []
    for key, value in settings.items():
        if not key.startswith(PREFIX) or key == "COMMENTS_MANIFEST_PATH":
            continue  # the manifest's place is worked out with the build's (manifest_location)
        name = key.removeprefix(PREFIX).lower()
        if name not in known:
            problems.append(f"{key}: unknown setting; known: {', '.join(sorted(known))}")
            continue
        default = getattr(CommentsConfig, name)
        try:
            values[name] = _coerce(value, default)
        except (TypeError, ValueError):
            problems.append(f"{key}: {value!r} is not a {type(default).__name__}")
    problems.extend(_value_problems(values))
    if problems:
        raise ConfigError("bad comment service settings:\n" + "\n".join(problems))
    values["manifest_path"] = manifest_location(settings)
    values.setdefault("content_dir", Path(settings.get("PATH", "content")))
    base = settings.get("SITEURL") or settings.get("LOCAL_PREVIEW_URL")
    if base:
        values.setdefault("site_url", str(base).rstrip("/"))
        values.setdefault("allowed_origins", (str(base).rstrip("/"),))
    if settings.get("COMMENT_SERVICE_URL"):
        values.setdefault("service_url", str(settings["COMMENT_SERVICE_URL"]).rstrip("/"))
    if settings.get("TIMEZONE"):
        values.setdefault("timezone", settings["TIMEZONE"])
    values["fediverse"] = fediverse_config(settings, root)
    config = CommentsConfig(**values)
    if root is not None:
        config = _anchored(config, root)
    return config


def _value_problems(values: dict[str, Any]) -> list[str]:
    """What is wrong with the values themselves (their types are right)."""
    problems = []
    if values.get("trust", "off") not in TRUST_POLICIES:
        problems.append(
            f"COMMENTS_TRUST: {values['trust']!r} is not one of {', '.join(TRUST_POLICIES)}"
        )
    path = values.get("moderation_path", CommentsConfig.moderation_path)
    if not (path.startswith("/") and path.endswith("/") and len(path) > 2):
        problems.append(
            f"COMMENTS_MODERATION_PATH: {path!r} must start and end with / (e.g. /moderation/)"
        )
    for name in RETENTION_DAYS:  # commenters' rights: a day at least, so nothing goes at once
        if values.get(name, 1) < 1:
            problems.append(f"COMMENTS_{name.upper()}: {values[name]!r} must be 1 or more (days)")
    return problems


def manifest_location(settings: Mapping[str, Any]) -> Path:
    """Where the build writes the manifest of commentable items and the service reads it.

    Beside the output folder, never inside it: the manifest is for the service, not for
    readers, so it is not published. Named after the output folder, so that a preview
    build (output/) and a publishing build (public/) each keep their own site address.
    """
    output = Path(settings.get("OUTPUT_PATH", "output"))
    explicit = settings.get("COMMENTS_MANIFEST_PATH")
    if explicit:
        path = Path(explicit)
        return path if path.is_absolute() else output.parent / path
    return output.parent / ".cache" / f"comments-manifest-{output.name}.json"


def _coerce(value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.lower() in ("1", "yes", "true", "on")
        return bool(value)
    if isinstance(default, Path):
        return Path(value)
    if isinstance(default, tuple):
        return tuple(str(v) for v in (value.split(",") if isinstance(value, str) else value))
    return type(default)(value)


def _anchored(config: CommentsConfig, root: Path) -> CommentsConfig:
    """Relative folders are relative to the project, not to the working folder."""
    return replace(
        config,
        queue_dir=root / config.queue_dir,
        state_dir=root / config.state_dir,
        content_dir=root / config.content_dir,
        manifest_path=root / config.manifest_path,
    )
