"""The command line of the social hub (invoke): `invoke --list` shows every task."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

from invoke import Collection, task
from invoke.exceptions import Exit

from socialhub.activitypub.tasks import fediverse as fediverse_tasks
from socialhub.build import build_and_report, load_settings, run_build
from socialhub.comments.tasks import comments as comments_tasks
from socialhub.errors import ConfigError, SocialHubError
from socialhub.kinds import KINDS, KINDS_BY_NAME
from socialhub.mentions.tasks import mentions as mentions_tasks

# Why the other tasks import what they use inside them: every command loads this
# file, and `invoke build` (run on every save in the preview) should not pay for
# the collector's, the publisher's and the checker's imports.

ROOT = Path(__file__).resolve().parent
CONTENT = ROOT / "content"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the browser tests drive it with Playwright
TEST_MODULES = ("pytest", "playwright")  # what the tests import from the test extra


def _overrides(output: str | None, content: str | None) -> dict[str, str]:
    """Settings that the command line's --output and --content replace."""
    overrides = {}
    if output:
        overrides["OUTPUT_PATH"] = str(Path(output).resolve())
    if content:
        overrides["PATH"] = str(Path(content).resolve())
        overrides["CACHE_PATH"] = str(Path(output or "output").resolve().parent / ".cache")
        # Another content folder is another site: what its hub was told is kept beside it.
        overrides["WEBSUB_STATE_FILE"] = overrides["CACHE_PATH"] + "/websub-feeds.json"
        # ...and the Webmentions it sent beside its content (unless the environment
        # names the file): with the main site's, its items would all look deleted.
        sent = os.environ.get("HUB_WEBMENTION_SENT_FILE")
        beside = Path(content).resolve().parent / "data" / "webmentions-sent.json"
        overrides["WEBMENTION_SENT_FILE"] = sent or str(beside)
    return overrides


def _build(settings: str, output: str | None = None, content: str | None = None) -> list[str]:
    """Build once and print a summary; on a failure print and return its lines (else [])."""
    overrides = _overrides(output, content)
    folder = Path(overrides.get("PATH", CONTENT))
    if not folder.is_dir():
        lines = [f"There is no content folder at {folder}: create it or pass --content."]
        print(lines[0], file=sys.stderr)
        return lines
    return build_and_report(lambda: run_build(ROOT / settings, overrides))


@task(
    help={
        "settings": "settings file (default pelicanconf.py)",
        "output": "output folder (default output/)",
        "content": "content folder (default content/)",
    }
)
def build(c, settings="pelicanconf.py", output=None, content=None):
    """Build the site into output/ (validating every content file first)."""
    if _build(settings, output, content):
        raise Exit(code=1)


@task(
    help={
        "port": "port to serve on (default 8000)",
        "host": "address (default 127.0.0.1)",
        "content": "content folder (default content/)",
        "output": "output folder (default output/)",
    }
)
def serve(c, port=8000, host="127.0.0.1", content=None, output=None):
    """Build, serve on http://127.0.0.1:8000, rebuild and reload the page on every change."""
    from socialhub.devserver import serve as preview  # noqa: PLC0415 - see the imports

    output_dir = Path(output).resolve() if output else ROOT / "output"

    def rebuild() -> list[str]:
        return _build("pelicanconf.py", str(output_dir), content)

    failure = rebuild()
    content_dir = Path(content).resolve() if content else CONTENT
    watched = [content_dir, ROOT / "theme", ROOT / "pelicanconf.py"]
    try:
        preview(output_dir, watched, rebuild, host=host, port=int(port), failure=failure)
    except ConfigError as error:
        raise Exit(f"Not serving: {error}", code=1) from None


@task(
    positional=["kind", "title"],
    help={
        "kind": "one of: " + ", ".join(kind.name for kind in KINDS),
        "title": "the item's title (its name for a blogger or a contest)",
        "item": "for a comment: the slug of the item it is about",
        "content": "content folder (default content/)",
    },
)
def new(c, kind, title, item="", content=None):
    """Write a new content file for KIND with every field present and explained."""
    from socialhub.scaffold import new_item  # noqa: PLC0415 - see the imports

    spec = KINDS_BY_NAME.get(kind)
    if spec is None:
        names = ", ".join(k.name for k in KINDS)
        raise Exit(f"unknown kind '{kind}'; use one of: {names}", code=2)
    try:
        folder = Path(content).resolve() if content else CONTENT
        path = new_item(folder, spec, title, date.today(), item)
    except SocialHubError as error:
        raise Exit(str(error), code=1) from None
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"Wrote {shown}: replace every TODO, then run invoke build.")


@task(
    help={
        "dry_run": "show what would change at the destination, change nothing",
        "destination": "override PUBLISH_DESTINATION (folder, user@host:/path, s3://bucket)",
        "content": "content folder (default content/)",
        "output": "build folder (default public/)",
        "no-mentions": "do not send the Webmentions of new, changed or deleted items",
        "no-fediverse": "do not tell fediverse followers of new, changed or deleted items",
    }
)
def publish(  # noqa: PLR0917 - invoke passes each command-line option as an argument
    c,
    dry_run=False,
    destination=None,
    content=None,
    output=None,
    no_mentions=False,
    no_fediverse=False,
):
    """Build with publishconf.py, sync it, ping the WebSub hub, send Webmentions and Creates."""
    from socialhub.publish import describe, parse_destination  # noqa: PLC0415 - see the imports
    from socialhub.publish import publish as publish_site  # noqa: PLC0415

    if _build("publishconf.py", output, content):
        raise Exit("Nothing was published.", code=1)
    settings = load_settings(ROOT / "publishconf.py", _overrides(output, content))
    source = Path(settings["OUTPUT_PATH"])
    try:
        target = parse_destination(
            destination or settings.get("PUBLISH_DESTINATION", ""),
            settings.get("PUBLISH_SSH_COMMAND", ""),
        )
        changes = publish_site(source, target, dry_run)
    except ConfigError as error:
        raise Exit(f"Nothing was published: {error}", code=1) from None
    for line in changes:
        print(f"  {line}")
    print(describe(changes, target, dry_run))
    if not dry_run:
        from socialhub.mentions.websub import ping_changed_feeds  # noqa: PLC0415

        # Never fails the publish: the site is out; a hub that did not hear is retried.
        state = ROOT / settings.get("WEBSUB_STATE_FILE", ".cache/websub-feeds.json")
        for line in ping_changed_feeds(source, settings, state):
            print(line)
    if not dry_run and not no_mentions:
        from socialhub.mentions.tasks import send_mentions  # noqa: PLC0415 - see the imports

        # Why last and never fatal: the site is out; a mention that fails is kept and
        # tried again at the next publish.
        try:
            send_mentions(settings)
        except (ConfigError, OSError) as error:
            print(f"Webmentions were not sent: {error}")
    if not dry_run and not no_fediverse and settings.get("ACTIVITYPUB_ACCOUNT"):
        from socialhub.activitypub.tasks import deliver_fediverse  # noqa: PLC0415

        # Why after the sync and never fatal: a follower's server fetches what the
        # activity links to, so the site must be out first; what fails stays queued
        # for the next publish or the timer's retries.
        try:
            deliver_fediverse(settings, ROOT, progress=lambda line: print(f"  {line}"))
        except (ConfigError, OSError) as error:
            print(f"Fediverse followers were not told: {error}")


@task(
    help={
        "content": "content folder (default content/)",
        "dry-run": "fetch and report, but write no file and keep no state",
        "status": "print every source's health (last success, errors, next fetch) and stop",
        "force": "fetch every source now, even those resting after failures or a Retry-After",
        "settings": "settings file (default pelicanconf.py; publishconf.py names the real site)",
    }
)
def collect(  # noqa: PLR0917 - invoke passes each command-line option as an argument
    c, content=None, dry_run=False, status=False, force=False, settings="pelicanconf.py"
):
    """Fetch bloggers' feeds, the #FF feeds and the contests' feeds; write what is new to review."""
    from socialhub.collect.run import collect as collect_feeds  # noqa: PLC0415 - see the imports
    from socialhub.collect.run import status as source_status  # noqa: PLC0415
    from socialhub.collect.settings import load_settings as load_collect  # noqa: PLC0415

    folder = Path(content).resolve() if content else CONTENT
    if not (folder / "bloggers").is_dir():
        raise Exit(f"There is no {folder / 'bloggers'} folder: pass --content.", code=2)
    settings_file = ROOT / settings
    if not settings_file.is_file():
        raise Exit(f"There is no settings file at {settings_file}: pass --settings.", code=2)
    site = load_settings(settings_file, _overrides(None, content))
    try:
        collector = load_collect(site, root=ROOT)
    except ConfigError as error:
        raise Exit(str(error), code=2) from None
    if status:
        print(source_status(folder, collector))
        return
    # Why lines as they come: fetching dozens of feeds takes a while, and a person
    # watching wants to see which source is being worked on.
    report = collect_feeds(
        folder,
        collector,
        site.get("TIMEZONE", "UTC"),
        dry_run=dry_run,
        force=force,
        progress=lambda line: print(line, flush=True),
    )
    print(report.summary)
    if report.failed:
        raise Exit(code=1)


@task(
    help={
        "sizes": "item counts, e.g. 1000,10000",
        "runs": "runs per measurement",
        "quick": "N = 200, one run; 50 comments, without Isso",
        "comments": "also measure the comment service against Isso (default on)",
    }
)
def bench(c, sizes="1000,10000", runs=3, quick=False, comments=True):
    """Measure the build against plain Pelican and the comment service against Isso."""
    options = "--quick" if quick else f"--sizes {sizes} --runs {runs}"
    c.run(f"{sys.executable} bench/build.py {options}", pty=False)
    if comments:
        reference = "--quick --no-isso" if quick else f"--rounds {runs}"
        c.run(f"{sys.executable} bench/comments.py {reference}", pty=False)


@task
def docs(c):
    """Regenerate the parts of docs/ made from the code (the fields of every kind)."""
    from socialhub.guide import update_guide  # noqa: PLC0415 - see the imports

    changed = update_guide(ROOT / "docs" / "editing.md")
    print("docs/editing.md " + ("updated." if changed else "was up to date."))


@task
def clean(c):
    """Remove the built site and the build caches."""
    for folder in ("output", ".cache/pelican"):
        shutil.rmtree(ROOT / folder, ignore_errors=True)
    print("Removed output/ and .cache/pelican/.")


@task(
    help={
        "output": "the built site to check (default: the settings' OUTPUT_PATH, output/)",
        "settings": "the settings it was built with (default pelicanconf.py), for its SITEURL",
    }
)
def check(c, output=None, settings="pelicanconf.py"):
    """Check the built site: every internal link and fragment, then the Nu HTML Checker."""
    from socialhub.htmlcheck import VNU_JAR, check_html, summary  # noqa: PLC0415 - see the imports
    from socialhub.linkcheck import check_links  # noqa: PLC0415
    from socialhub.urls import site_base  # noqa: PLC0415

    loaded = load_settings(ROOT / settings, _overrides(output, None))
    folder = Path(loaded["OUTPUT_PATH"]).resolve()
    pages = sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0
    if not pages:
        raise Exit(f"There are no HTML pages in {folder}: run invoke build first.", code=1)
    links = check_links(folder, site_base(loaded))
    for link in links.broken:
        print(link)
    print(links.summary(), flush=True)
    try:
        messages = check_html(folder, ROOT / VNU_JAR)
    except SocialHubError as error:
        raise Exit(str(error), code=1) from None
    errors = [message for message in messages if message.severity == "error"]
    for message in errors:
        print(message)
    print(summary(messages, pages))
    if links.broken or errors:
        raise Exit("The check failed: fix the links and the HTML errors listed above.", code=1)
    print("The check passed: every link resolves and every page is valid HTML.")


def _install_test_tools(c) -> None:
    """Install what the browser, validator and publishing tests need when missing, saying so."""
    if not (ROOT / "node_modules").is_dir():
        # Why --ignore-scripts: vnu-jar's postinstall downloads a Java runtime when none is found.
        print("node_modules/ is missing: npm ci --ignore-scripts (vnu-jar, axe-core)", flush=True)
        with c.cd(str(ROOT)):
            c.run("npm ci --ignore-scripts --no-audit --no-fund", pty=False)
    packages = []
    if not CHROMIUM.exists():
        packages.append("chromium")
    if shutil.which("java") is None:
        packages.append("default-jre-headless")
    # The publishing tests: rsync, an SSH server on loopback, nginx in front of the site.
    for command, package in (("rsync", "rsync"), ("nginx", "nginx"), ("ssh", "openssh-client")):
        if shutil.which(command) is None and not Path(f"/usr/sbin/{command}").exists():
            packages.append(package)
    if not Path("/usr/sbin/sshd").exists():
        packages.append("openssh-server")
    if not packages:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(
            f"warning: {' and '.join(packages)} missing; install them with apt-get as root,"
            " or the browser and validator tests fail.",
            file=sys.stderr,
        )
        return
    wanted = " ".join(packages)
    print(f"{wanted} missing: apt-get update && apt-get install -y {wanted}", flush=True)
    quiet = {"DEBIAN_FRONTEND": "noninteractive"}
    c.run("apt-get update -qq", pty=False, env=quiet)
    c.run(f"apt-get install -y -qq {wanted}", pty=False, env=quiet)


def _check_test_extra() -> None:
    """Stop with the command to run when the test extra (pytest, Playwright) is missing."""
    import importlib.util  # noqa: PLC0415 - see the imports

    missing = [name for name in TEST_MODULES if importlib.util.find_spec(name) is None]
    if not missing:
        return
    if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
        pip = ".venv/bin/pip"
    else:
        pip = f"{sys.executable} -m pip"
    raise Exit(
        f"The tests need the test extra ({', '.join(missing)} not installed): "
        f"{pip} install -e '.[test]'",
        code=1,
    )


@task(help={"args": "extra arguments for pytest"})
def test(c, args=""):
    """Run the whole test suite (browser and validator tests included; installs their tools)."""
    _check_test_extra()
    _install_test_tools(c)
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


ns = Collection(build, serve, new, publish, collect, bench, docs, clean, check, test)
ns.add_collection(comments_tasks)
ns.add_collection(mentions_tasks)
ns.add_collection(fediverse_tasks)
