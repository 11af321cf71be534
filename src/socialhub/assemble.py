"""Checked files → the linked site model; every broken reference is a problem.

``validate.py`` checks each file alone; this module checks what files say about
each other (a featured post's blogger, a video's contest, a contest's winners,
a comment's item and reply-to) and builds the ``Site``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape, unescape
from typing import Any
from zoneinfo import ZoneInfo

from socialhub.errors import ContentError, Problem
from socialhub.kinds import STREAM_KINDS, Kind
from socialhub.model import (
    Blogger,
    Comment,
    Contest,
    FeaturedPost,
    Image,
    Item,
    Post,
    Shoutout,
    Site,
    Video,
)
from socialhub.sanitize import clean_html
from socialhub.stampcache import StampCache
from socialhub.text import counted
from socialhub.validate import (
    PLACEHOLDER,
    Checked,
    FileExists,
    FileReader,
    SourceFile,
    check_file,
    did_you_mean,
)

_IMAGE = re.compile(r"<img\b[^>]*>")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")
_TAG = re.compile(r"<[^>]+>")

# The kinds shown in the hub, each commentable: the items comments belong to.
_STREAM = tuple(kind.name for kind in STREAM_KINDS)

ITEM_URLS = {
    "post": "posts/{slug}/",
    "follow-friday": "follow-friday/{slug}/",
    "video": "videos/{slug}/",
}


def build_site(
    sources: Iterable[SourceFile],
    exists: FileExists,
    timezone: ZoneInfo,
    extra_problems: Iterable[Problem] = (),
    cache: StampCache | None = None,
    *,
    basis: str = "",
    warnings: list[Problem] | None = None,
    read: FileReader | None = None,
) -> Site:
    """Check every file and every link between files; raise ContentError on any problem.

    ``cache`` keeps each unchanged file's check, ``(values, problems)``, from the
    last build (its key says what a check depends on beyond the file, such as
    pictures); it is updated in place. ``basis`` names what every file's model
    object depends on beyond the file (the caches' keys): with each file's stamp
    it makes the identities that pages are fingerprinted with.

    Drafts and files that still hold ``invoke new``'s placeholders are left out:
    one line each is added to ``warnings``, and a reference to one is a problem.
    So is a film file without captions. ``read`` gives the first bytes of a file
    under content/, to check what captions files hold.
    """
    problems = list(extra_problems)
    checked_files = [_check_cached(source, exists, timezone, cache, read) for source in sources]
    by_kind: dict[str, list[Checked]] = {}
    left_out: dict[tuple[str, str], Checked] = {}
    for checked in checked_files:
        if _is_left_out(checked):
            left_out[(checked.source.kind.name, checked.source.slug)] = checked
            continue
        by_kind.setdefault(checked.source.kind.name, []).append(checked)
    hidden = _comments_of_left_out_items(by_kind, left_out)
    for checked in (c for files in by_kind.values() for c in files):
        problems.extend(checked.problems)
    if warnings is not None:
        for (kind, slug), checked in left_out.items():
            warnings.append(_left_out(checked, hidden.get(slug, 0) if kind in _STREAM else 0))
        warnings.extend(_captions_warnings(by_kind.get("video", [])))
    problems.extend(_check_links(by_kind, left_out))
    if problems:
        raise ContentError(sorted(set(problems)))
    site = _make_site(by_kind, sorted(c.source.path for c in left_out.values()))
    site.identities.update(
        {
            checked.source.path: f"{basis}:{checked.source.stamp[0]}:{checked.source.stamp[1]}"
            for checked in checked_files
            if checked.source.stamp is not None
        }
    )
    return site


def _captions_warnings(videos: list[Checked]) -> list[Problem]:
    """A warning for each film file on this site without captions, and each hosted one with.

    Why a hosted film's captions are only a warning: the film still plays, with
    the captions its platform has; the line is merely unused.
    """
    found = []
    for checked in videos:
        source = checked.values.get("video_url")
        if source is not None and source.provider != "file" and checked.values.get("captions"):
            found.append(
                Problem(
                    checked.source.path,
                    "captions",
                    "captions are shown only for a film file on this site, not for a hosted film",
                    "remove the line, and add the captions on the video platform instead",
                )
            )
        if source is None or source.provider != "file" or checked.values.get("captions"):
            continue
        if any(problem.field == "captions" for problem in checked.problems):
            continue  # the captions line is there but wrong: that error says enough
        found.append(
            Problem(
                checked.source.path,
                "captions",
                "the film has no captions, so readers who cannot hear it miss what is said",
                f"add a line 'Captions: {source.url.rsplit('.', 1)[0]}.en.vtt' "
                "with a WebVTT file there",
            )
        )
    return found


def _check_cached(
    source: SourceFile,
    exists: FileExists,
    timezone: ZoneInfo,
    cache: StampCache | None,
    read: FileReader | None = None,
) -> Checked:
    if cache is not None and source.stamp is not None:
        found = cache.get(source.path, source.stamp)
        if found is not None:
            return Checked(source, dict(found[0]), list(found[1]))
    checked = check_file(source, exists, timezone, read)
    if cache is not None and source.stamp is not None:
        cache.put(source.path, source.stamp, (checked.values, checked.problems))
    return checked


def _is_left_out(checked: Checked) -> bool:
    """A draft, or a file that still holds a TODO of invoke new."""
    return checked.values.get("status") == "draft" or any(
        problem.message == PLACEHOLDER for problem in checked.problems
    )


def _left_out(checked: Checked, comments: int = 0) -> Problem:
    """The warning for a left-out file; ``comments`` is how many are left out with it."""
    path = checked.source.path
    left = "left out of the site"
    if comments:
        left += f" with its {counted(comments, 'comment')}"
    problems = checked.problems
    placeholders = [p.field for p in problems if p.message == PLACEHOLDER]
    others = sorted({p.field for p in problems if p.message != PLACEHOLDER})
    if checked.values.get("status") == "draft":
        fix = "set Status: published when it is ready"
        if problems:
            fix += f" (first fix: {'; '.join(_each_problem(problems))})"
        return Problem(path, "status", f"draft, so it is {left}", fix)
    fields = list(dict.fromkeys(placeholders))
    also = f", and fix {_names(others)}" if others else ""
    return Problem(
        path,
        "file",
        f"unfinished ({_names(fields)} still {'holds' if len(fields) == 1 else 'hold'} "
        f"a TODO from invoke new), so it is {left}",
        f"replace each TODO with the real text{also}",
    )


def _each_problem(problems: list[Problem]) -> list[str]:
    """'field: what is wrong' for each problem, by field, each said once.

    Why the message and not the field alone: "images" does not tell an editor
    which picture needs alt text; "the 1st image (/images/ff/x.jpg) has no alt
    text" does. The fix is left out: the published file's error gives it.
    """
    said: dict[str, None] = {}
    for problem in sorted(problems, key=lambda p: p.field):
        message = "still holds a TODO from invoke new" if problem.message == PLACEHOLDER else ""
        said[f"{problem.field}: {message or problem.message}"] = None
    return list(said)


def _comments_of_left_out_items(
    by_kind: dict[str, list[Checked]], left_out: dict[tuple[str, str], Checked]
) -> dict[str, int]:
    """Take the comments of left-out items out of ``by_kind``; how many each item had.

    Why: an editor who turns a commented post back into a draft wants the post
    and its conversation off the site, not a build that stops on every comment.
    """
    items = {slug for kind, slug in left_out if kind in _STREAM}
    comments = by_kind.get("comment", [])
    counts: dict[str, int] = {}
    for checked in comments:
        if checked.source.parent in items:
            counts[checked.source.parent] = counts.get(checked.source.parent, 0) + 1
    if counts:
        by_kind["comment"] = [c for c in comments if c.source.parent not in items]
    return counts


def _names(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def _absent(
    kind: str, slug: str, left_out: dict[tuple[str, str], Checked]
) -> tuple[str, str] | None:
    """(what is wrong, the fix) when ``slug`` names a left-out file of ``kind``; else None."""
    checked = left_out.get((kind, slug))
    if checked is None:
        return None
    path = checked.source.path
    if checked.values.get("status") == "draft":
        return f"'{slug}' is a draft, left out of the site", f"publish {path} first"
    return f"'{slug}' is unfinished, left out of the site", f"replace the TODOs in {path} first"


def _check_links(
    by_kind: dict[str, list[Checked]], left_out: dict[tuple[str, str], Checked]
) -> list[Problem]:
    """Every reference between files, and slugs that two items share."""
    problems: list[Problem] = []

    def problem(checked: Checked, field: str, message: str, fix: str) -> None:
        problems.append(Problem(checked.source.path, field, message, fix))

    def left_out_ref(checked: Checked, field: str, kinds: tuple[str, ...], slug: str) -> bool:
        """Report a reference to a left-out file; True when it was one."""
        for kind in kinds:
            found = _absent(kind, slug, left_out)
            if found is not None:
                problem(checked, field, *found)
                return True
        return False

    bloggers = {c.source.slug for c in by_kind.get("blogger", [])}
    contests = {c.source.slug for c in by_kind.get("contest", [])}
    videos = {c.source.slug: c for c in by_kind.get("video", [])}
    stream = [c for name in _STREAM for c in by_kind.get(name, [])]

    seen: dict[str, Checked] = {}
    for checked in stream:
        slug = checked.source.slug
        if slug in seen:
            problem(
                checked,
                "file",
                f"the slug '{slug}' is also used by {seen[slug].source.path}",
                "rename one of the two files: comments and feeds need each item's "
                "slug to be unique",
            )
        else:
            seen[slug] = checked

    for checked in by_kind.get("featured", []):
        blogger = checked.values.get("blogger")
        if blogger and blogger not in bloggers:
            if left_out_ref(checked, "blogger", ("blogger",), blogger):
                continue
            hint = did_you_mean(blogger, bloggers) or "add the blogger to content/bloggers/"
            problem(checked, "blogger", f"no blogger '{blogger}'", hint)

    for checked in by_kind.get("video", []):
        contest = checked.values.get("contest")
        if contest and contest not in contests:
            if left_out_ref(checked, "contest", ("contest",), contest):
                continue
            hint = did_you_mean(contest, contests) or "add the contest to content/contests/"
            problem(checked, "contest", f"no contest '{contest}'", hint)

    for checked in by_kind.get("contest", []):
        _check_contest(checked, videos, problem, left_out_ref)

    commentable = {slug for slug, c in seen.items() if c.source.kind.commentable}
    _check_comments(by_kind.get("comment", []), commentable, problem, left_out_ref)
    return problems


def _check_contest(
    checked: Checked, videos: dict[str, Checked], problem: Any, left_out_ref: Any
) -> None:
    values = checked.values
    slug = checked.source.slug
    opens, closes = values.get("opens"), values.get("closes")
    if opens and closes and closes < opens:
        problem(
            checked,
            "closes",
            f"{closes:%Y-%m-%d} is before the contest opens ({opens:%Y-%m-%d})",
            "swap the dates or fix one of them",
        )
    winners = values.get("winners", ())
    status = values.get("status")
    if status in ("open", "judging") and winners:
        problem(
            checked,
            "winners",
            f"a contest still {status} has no winners yet",
            "remove the Winners line, or set Status: closed",
        )
    if status == "closed" and not winners and "winners" not in checked.source.meta:
        problem(
            checked,
            "winners",
            "missing: a closed contest names its winners",
            "add 'Winners: <video-slug>, …' with the winning videos' file names",
        )
    for winner in winners:
        video = videos.get(winner)
        if video is None:
            if left_out_ref(checked, "winners", ("video",), winner):
                continue
            hint = did_you_mean(winner, videos) or "give the slug of a file in content/videos/"
            problem(checked, "winners", f"no video '{winner}'", hint)
        elif video.values.get("contest") not in (None, slug):
            problem(
                checked,
                "winners",
                f"the video '{winner}' was entered in "
                f"'{video.values.get('contest')}', not in this contest",
                "list only this contest's videos",
            )
        elif video.values.get("award") != "winner":
            problem(
                checked,
                "winners",
                f"the video '{winner}' is listed as a winner but its Award is "
                f"'{video.values.get('award')}'",
                f"set 'Award: winner' in {video.source.path}",
            )
    for video in videos.values():
        if video.values.get("contest") == slug and video.values.get("award") == "winner":
            if video.source.slug not in winners and status == "closed":
                problem(
                    video,
                    "award",
                    f"'winner', but the contest '{slug}' does not list it in its Winners",
                    f"add '{video.source.slug}' to Winners in {checked.source.path}, "
                    "or change the Award",
                )
            elif status != "closed":
                problem(
                    video,
                    "award",
                    f"'winner', but the contest '{slug}' is still {status}",
                    "wait until the contest is closed, or use Award: finalist",
                )


def _check_comments(
    comments: list[Checked], commentable: set[str], problem: Any, left_out_ref: Any
) -> None:
    by_item: dict[str, dict[str, Checked]] = {}
    for checked in comments:
        item = checked.source.parent
        if not item:
            problem(
                checked,
                "file",
                "a comment must be in the folder of the item it is about",
                "move it to content/comments/<item-slug>/",
            )
            continue
        if item not in commentable and not left_out_ref(checked, "item", _STREAM, item):
            hint = did_you_mean(item, commentable) or "name the folder after an item's slug"
            problem(checked, "item", f"no post, featured post, #FF or video '{item}'", hint)
        by_item.setdefault(item, {})[checked.source.slug] = checked
    for thread in by_item.values():
        for checked in thread.values():
            if checked.values.get("source") == "webmention" and not checked.values.get(
                "source_url"
            ):
                problem(
                    checked,
                    "source-url",
                    "missing: a Webmention needs the page that links here",
                    "add 'Source-URL: https://…'",
                )
            parent = checked.values.get("reply_to")
            if not parent:
                continue
            if parent == checked.source.slug:
                problem(checked, "reply-to", "a comment cannot answer itself", "remove Reply-To")
            elif parent not in thread:
                if left_out_ref(checked, "reply-to", ("comment",), parent):
                    continue
                problem(
                    checked,
                    "reply-to",
                    f"no comment '{parent}' on this item",
                    _reply_hint(parent, checked.source.slug, thread),
                )
            elif _loops(checked.source.slug, thread):
                problem(
                    checked,
                    "reply-to",
                    "these comments answer each other in a circle",
                    "one comment of the thread must have no Reply-To",
                )


def _reply_hint(parent: str, own: str, thread: dict[str, Checked]) -> str:
    """A real comment of the item to answer: never the comment itself."""
    others = sorted(slug for slug in thread if slug != own)
    if not others:
        return "there is no other comment on this item yet: remove Reply-To"
    return did_you_mean(parent, others) or (
        "give the file name (without .md) of another comment in this folder: "
        + ", ".join(others[:3])
        + (", …" if len(others) > 3 else "")
    )


def _loops(start: str, thread: dict[str, Checked]) -> bool:
    seen = {start}
    current = thread[start].values.get("reply_to")
    while current and current in thread:
        if current in seen:
            return True
        seen.add(current)
        current = thread[current].values.get("reply_to")
    return False


def _make_site(by_kind: dict[str, list[Checked]], left_out: list[str]) -> Site:
    """Turn checked files into model objects; only called when there is no problem."""
    items: list[Item] = []
    for name in _STREAM:
        items.extend(_make_item(checked) for checked in by_kind.get(name, []))
    items.sort(key=lambda item: (item.date, item.slug), reverse=True)
    published = {item.slug for item in items}
    bloggers = {c.source.slug: _make_blogger(c) for c in by_kind.get("blogger", [])}
    contests = {c.source.slug: _make_contest(c) for c in by_kind.get("contest", [])}
    comments: dict[str, list[Comment]] = {}
    for checked in by_kind.get("comment", []):
        if checked.source.parent in published:
            comment = _make_comment(checked)
            comments.setdefault(comment.item, []).append(comment)
    return Site(
        items=tuple(items),
        bloggers=dict(sorted(bloggers.items())),
        contests=dict(sorted(contests.items())),
        comments={
            slug: tuple(sorted(found, key=lambda c: (c.date, c.id)))
            for slug, found in sorted(comments.items())
        },
        drafts=tuple(left_out),
    )


def _common(checked: Checked, url: str) -> dict[str, Any]:
    values = checked.values
    return {
        "kind": checked.source.kind.name,
        "slug": checked.source.slug,
        "source_path": checked.source.path,
        "title": values["title"],
        "date": values["date"],
        "modified": values.get("modified"),
        "tags": values.get("tags", ()),
        "comments_open": values.get("comments", True),
        "url": url,
        "body_html": checked.source.body_html,
        "summary_html": checked.html("summary"),
    }


def _make_item(checked: Checked) -> Item:
    values = checked.values
    kind: Kind = checked.source.kind
    slug = checked.source.slug
    if kind.name == "featured":
        common = _common(checked, f"bloggers/{values['blogger']}/{slug}/")
        common["summary_html"] = f"<p>{_escape(values['excerpt'])}</p>"
        return FeaturedPost(
            **common,
            blogger=values["blogger"],
            original_url=values["original_url"],
            excerpt=values["excerpt"],
            editor_note_html=checked.html("editor_note"),
            device=values.get("device", ""),
            verdict=values["verdict"],
            collected=values.get("collected", False),
            entry_id=values.get("entry_id", ""),
        )
    common = _common(checked, ITEM_URLS[kind.name].format(slug=slug))
    if kind.name == "post":
        cover = values.get("image")
        return Post(
            **common,
            author=values["author"],
            cover=Image(src=cover.src, alt="") if cover else None,
        )
    if kind.name == "follow-friday":
        common["summary_html"] = f"<p>{_escape(values['caption'])}</p>"
        common["body_html"] = _without_images(checked.source.body_html)
        return Shoutout(
            **common,
            handles=values["handles"],
            caption=values["caption"],
            original_url=values["original_url"],
            reshares=values.get("reshares", 0),
            images=values.get("images", ()),
        )
    duration, seconds = values["duration"]
    poster = values["poster"]
    common["summary_html"] = f"<p>{_escape(_first_paragraph(checked.source.body_html))}</p>"
    return Video(
        **common,
        entrant=values["entrant"],
        contest=values["contest"],
        source=values["video_url"],
        poster=Image(
            src=poster.src, alt=f"Still from {values['title']}", focus=values["poster_focus"]
        ),
        duration=duration,
        duration_seconds=seconds,
        award=values["award"],
        captions=values.get("captions") or (),
    )


def _make_blogger(checked: Checked) -> Blogger:
    values = checked.values
    avatar = values["avatar"]
    return Blogger(
        slug=checked.source.slug,
        source_path=checked.source.path,
        name=values["name"],
        blog_name=values["blog_name"],
        blog_url=values["blog_url"],
        feed_url=values["feed_url"],
        avatar=Image(src=avatar.src, alt=values["name"]),
        handles=values.get("handles", ()),
        devices=values.get("devices", ()),
        member_since=values["member_since"].date(),
        collect_filter=values.get("collect_filter", ()),
        bio_html=checked.source.body_html,
        url=f"bloggers/{checked.source.slug}/",
    )


def _make_contest(checked: Checked) -> Contest:
    values = checked.values
    return Contest(
        slug=checked.source.slug,
        source_path=checked.source.path,
        name=values["name"],
        device=values["device"],
        opens=values["opens"].date(),
        closes=values["closes"].date(),
        status=values["status"],
        prizes=values["prizes"],
        winners=values.get("winners", ()),
        summary_html=checked.html("summary"),
        rules_html=checked.source.body_html,
        url=f"contests/{checked.source.slug}/",
    )


def _make_comment(checked: Checked) -> Comment:
    values = checked.values
    return Comment(
        id=checked.source.slug,
        item=checked.source.parent,
        source_path=checked.source.path,
        author=values["author"],
        website=values.get("website", ""),
        date=values["date"],
        reply_to=values.get("reply_to", ""),
        source=values["source"],
        source_url=values.get("source_url", ""),
        body_html=clean_html(checked.source.body_html),
        mention_type=values.get("mention_type", "mention")
        if values["source"] == "webmention"
        else "mention",
        author_photo=values.get("author_photo") or None,
        staff=bool(values.get("staff", False)) and values["source"] == "form",
    )


def _escape(text: str) -> str:
    return escape(text, quote=False)


def _without_images(html: str) -> str:
    """The body's text without its pictures (the theme shows those as a gallery)."""
    text = _IMAGE.sub("", html)
    return _EMPTY_PARAGRAPH.sub("", text).strip()


def _first_paragraph(html: str) -> str:
    """The plain text of the first paragraph (regular expressions: bodies are our Markdown)."""
    first = html.split("</p>", 1)[0]
    return " ".join(unescape(_TAG.sub(" ", first)).split())
