"""The `invoke comments.*` commands: serve the service, moderate the queue."""

from __future__ import annotations

import logging
from pathlib import Path

from invoke import Collection, task
from invoke.exceptions import Exit

from socialhub.build import load_settings
from socialhub.comments.config import CommentsConfig, load_config
from socialhub.comments.manifest import Manifest
from socialhub.comments.queue import Queue
from socialhub.errors import ConfigError
from socialhub.text import counted

# Why the service and the moderation code are imported inside the tasks: every
# `invoke` command loads this module, and they bring Werkzeug, mf2py and requests.

ROOT = Path.cwd()


def _config(settings: str) -> CommentsConfig:
    try:
        return load_config(load_settings(ROOT / settings), root=ROOT)
    except (ConfigError, ValueError) as error:
        raise Exit(f"Cannot read the comment settings: {error}", code=2) from None


@task(
    help={
        "port": "port (default 8001)",
        "host": "address (default 127.0.0.1)",
        "settings": "settings file (default pelicanconf.py)",
        "threads": "worker threads",
    }
)
def serve(c, port=8001, host="127.0.0.1", settings="pelicanconf.py", threads=4):
    """Run the comment service under waitress (behind a reverse proxy in production)."""
    from waitress import serve as waitress_serve  # noqa: PLC0415 - only this task needs it

    from socialhub.comments.app import create_app  # noqa: PLC0415 - see the imports

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = _config(settings)
    app = create_app(config)
    print(f"Comment service on http://{host}:{port}/ (queue: {config.queue_dir})", flush=True)
    # Why these: waitress reads each request whole in its main loop before a thread runs
    # it, so slow clients hold connections, not threads; allow a few hundred of them and
    # drop one that sends nothing for a minute.
    waitress_serve(
        app,
        host=host,
        port=int(port),
        threads=int(threads),
        ident="hub-comments",
        connection_limit=400,
        channel_timeout=60,
    )


@task(name="list", help={"settings": "settings file (default pelicanconf.py)"})
def list_(c, settings="pelicanconf.py"):
    """List the comments and mentions waiting for moderation."""
    from socialhub.comments.moderation import list_lines  # noqa: PLC0415 - see the imports

    config = _config(settings)
    queue = Queue(config.queue_dir)
    pending = list(queue.list())
    for line in list_lines(config, queue, pending):
        print(line)
    print(f"{len(pending)} waiting for moderation.")


@task(help={"settings": "settings file (default pelicanconf.py)"})
def show(c, identifier, settings="pelicanconf.py"):
    """Show one waiting comment in full."""
    from socialhub.comments.moderation import describe  # noqa: PLC0415 - see the imports

    try:
        submission = Queue(_config(settings).queue_dir).get(identifier)
    except ValueError as error:  # not an id, or a queue file naming a path elsewhere
        raise Exit(f"Cannot show {identifier}: {error}", code=1) from None
    if submission is None:
        raise Exit(f"No comment {identifier} is waiting for moderation.", code=1)
    print(describe(submission))


@task(help={"ids": "comment ids, separated by commas or spaces"})
def approve_(c, ids, settings="pelicanconf.py"):
    """Approve comments: each becomes content/comments/<item>/<id>.md for the next build."""
    from socialhub.comments.moderation import approve  # noqa: PLC0415 - see the imports

    _report(approve(_config(settings), _split(ids)))


@task(help={"ids": "comment ids, separated by commas or spaces", "reason": "why (kept with it)"})
def reject_(c, ids, reason="", settings="pelicanconf.py"):
    """Reject comments: they are kept in the queue's rejected/ folder with the reason."""
    from socialhub.comments.moderation import reject  # noqa: PLC0415 - see the imports

    _report(reject(_config(settings), _split(ids), reason))


@task(help={"settings": "settings file (default pelicanconf.py)"})
def verify(c, settings="pelicanconf.py"):
    """Check every published Webmention again; delete those whose source is gone or unlinked."""
    from socialhub.comments.moderation import reverify  # noqa: PLC0415 - see the imports

    config = _config(settings)
    manifest = Manifest(config.manifest_path)
    outcomes = reverify(config, manifest.site_url or config.site_url, manifest.urls())
    for outcome in outcomes:
        print(f"{outcome.id}: {outcome.message}")
    deleted = sum(1 for outcome in outcomes if not outcome.ok)
    print(f"{counted(len(outcomes), 'mention')} checked, {deleted} deleted.")


def _password(password_stdin: bool) -> str:
    """The new password: typed twice (not shown), or one line of standard input for scripts."""
    import getpass  # noqa: PLC0415 - only these tasks need it
    import sys  # noqa: PLC0415

    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("The same again: ") != first:
        raise Exit("The two passwords differ; nothing was changed.", code=1)
    return first


_PASSWORD_HELP = {
    "name": "the moderator's login name",
    "password_stdin": "read the password from standard input (for scripts)",
    "settings": "settings file (default pelicanconf.py)",
}


@task(help=_PASSWORD_HELP)
def add_moderator(c, name, password_stdin=False, settings="pelicanconf.py"):
    """Create a moderator for the moderation page (the password is stored as an Argon2id hash)."""
    from socialhub.comments.moderation_web.accounts import (  # noqa: PLC0415 - see the imports
        AccountError,
        Accounts,
        check_name,
        check_password,
    )

    accounts = Accounts(_config(settings).state_dir)
    try:
        if accounts.exists(check_name(name)):
            raise AccountError(f"{name} is already a moderator (use comments.reset-password)")
        accounts.add(name, check_password(_password(password_stdin)))
    except AccountError as error:
        raise Exit(f"Cannot add {name}: {error}", code=1) from None
    print(f"{name} can now log in to the moderation page.")


@task(help=_PASSWORD_HELP)
def reset_password(c, name, password_stdin=False, settings="pelicanconf.py"):
    """Give a moderator a new password; their open sessions end and a lockout is lifted."""
    from socialhub.comments.moderation_web.accounts import (  # noqa: PLC0415 - see the imports
        AccountError,
        Accounts,
    )
    from socialhub.comments.moderation_web.sessions import Sessions  # noqa: PLC0415

    config = _config(settings)
    accounts = Accounts(config.state_dir)
    try:
        if not accounts.exists(name):
            raise AccountError(f"{name} is not a moderator")
        accounts.set_password(name, _password(password_stdin))
    except AccountError as error:
        raise Exit(f"Cannot reset the password of {name}: {error}", code=1) from None
    sessions = Sessions(config.state_dir, 0, 0)
    sessions.end_all(name)
    sessions.succeeded(f"account:{name}")
    print(f"{name} has a new password; their sessions ended.")


@task(help={"name": "the moderator's login name", "settings": "settings file"})
def remove_moderator(c, name, settings="pelicanconf.py"):
    """Remove a moderator: they can no longer log in, and their open sessions end."""
    from socialhub.comments.moderation_web.accounts import (  # noqa: PLC0415 - see the imports
        AccountError,
        Accounts,
    )
    from socialhub.comments.moderation_web.sessions import Sessions  # noqa: PLC0415

    config = _config(settings)
    try:
        Accounts(config.state_dir).remove(name)
    except AccountError as error:
        raise Exit(f"Cannot remove {name}: {error}", code=1) from None
    Sessions(config.state_dir, 0, 0).end_all(name)
    print(f"{name} is no longer a moderator.")


@task(name="notify", help={"settings": "the settings file"})
def notify(c, settings="pelicanconf.py"):
    """Send the moderators' notice of the comments waiting now, without waiting for the batch."""
    from socialhub.comments.batch import channels, flush  # noqa: PLC0415 - see the imports
    from socialhub.comments.queue import Queue  # noqa: PLC0415

    config = _config(settings)
    if not channels(config):
        print(
            "No notices are set up: set COMMENTS_SMTP_HOST and COMMENTS_SMTP_TO, "
            "or COMMENTS_WEBHOOK_URL."
        )
        return
    named = flush(config, Queue(config.queue_dir), force=True)
    print(f"{counted(named, 'comment')} named in the notice." if named else "Nothing new to tell.")


# --- Commenters' rights: deletion requests and the purge ---------------------------


@task(help={"settings": "settings file (default pelicanconf.py)"})
def deletions(c, settings="pelicanconf.py"):
    """List the confirmed "delete my comments" requests waiting for a moderator."""
    from socialhub.comments.deletion import pending_deletions  # noqa: PLC0415 - see the imports

    waiting = pending_deletions(_config(settings))
    for request in waiting:
        ids = ", ".join(f"{found.item}/{found.id}" for found in request.comments)
        print(f"{request.id}  {counted(len(request.comments), 'comment')}: {ids}")
    print(f"{counted(len(waiting), 'deletion request')} waiting.")


@task(help={"ids": "deletion request ids (d-…), separated by commas or spaces"})
def delete(c, ids, settings="pelicanconf.py"):
    """Carry out deletion requests: remove their comments from content/ and the queue."""
    from socialhub.comments.deletion import carry_out  # noqa: PLC0415 - see the imports

    config = _config(settings)
    failed = 0
    for identifier in _split(ids):
        try:
            lines = carry_out(config, identifier)
        except (LookupError, ValueError, OSError) as error:
            print(f"{identifier}: not done: {error}")
            failed += 1
            continue
        for line in lines:
            print(f"{identifier}: {line}")
    print(
        "Now commit and publish: git add -A content/comments && "
        'git commit -m "Delete comments at their authors\' request" && invoke publish'
    )
    if failed:
        raise Exit(code=1)


@task(help={"settings": "settings file (default pelicanconf.py)"})
def purge(c, settings="pelicanconf.py"):
    """Remove what is kept longer than the retention settings say (run it daily)."""
    from socialhub.comments.purge import purge as run_purge  # noqa: PLC0415 - see the imports

    print(run_purge(_config(settings)).summary())


def _split(ids: str) -> list[str]:
    return [part for part in ids.replace(",", " ").split() if part]


def _report(outcomes: list) -> None:
    for outcome in outcomes:
        print(f"{outcome.id}: {outcome.message}")
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes) - len(failed)} done, {len(failed)} not.")
    if failed:
        raise Exit(code=1)


comments = Collection(
    "comments",
    serve,
    list_,
    show,
    verify,
    notify,
    add_moderator,
    reset_password,
    remove_moderator,
    deletions,
    delete,
    purge,
)
comments.add_task(approve_, name="approve")
comments.add_task(reject_, name="reject")
