"""A synthetic hub of N items with the real mix of kinds, and the same bodies as plain articles.

Deterministic (seeded): the same N gives the same files. Used by bench/build.py.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

# The mix of a hub that has grown for years (shares of N).
MIX = {
    "bloggers": 0.03,
    "featured": 0.35,
    "follow-friday": 0.10,
    "contests": 0.005,
    "videos": 0.15,
    "posts": 0.15,
    "comments": 0.20,
}
WORDS = [
    "lumen",
    "phone",
    "camera",
    "battery",
    "night",
    "mode",
    "review",
    "screen",
    "video",
    "film",
    "friday",
    "thanks",
    "blogger",
    "light",
    "lens",
    "zoom",
    "portrait",
    "update",
    "charge",
    "speaker",
    "sound",
    "repair",
    "durable",
    "colour",
    "contrast",
    "weekend",
    "travel",
    "city",
    "harbour",
    "snow",
    "frost",
    "lamp",
    "street",
    "rain",
    "story",
    "editor",
    "reader",
    "community",
    "contest",
    "jury",
    "winner",
    "finalist",
    "entry",
    "short",
    "frame",
    "shot",
    "scene",
    "music",
    "quiet",
    "loud",
    "bright",
    "dark",
]
TAGS = [f"topic-{number:03d}" for number in range(200)]
START = date(2022, 1, 3)


def _paragraphs(rng: random.Random, words: int) -> str:
    out, left = [], words
    while left > 0:
        size = min(left, rng.randint(40, 120))
        sentence_words = [rng.choice(WORDS) for _ in range(size)]
        text = " ".join(sentence_words).capitalize() + "."
        if rng.random() < 0.3:
            text = text.replace(" lumen ", " **Lumen** ", 1).replace(" review ", " *review* ", 1)
        if rng.random() < 0.2:
            text += " See [the details](https://example.org/details)."
        out.append(text)
        left -= size
    if rng.random() < 0.4:
        out.append("\n".join(f"- {rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(4)))
    return "\n\n".join(out)


def _date(rng: random.Random) -> date:
    return START + timedelta(days=rng.randint(0, 1750))


def _friday(rng: random.Random) -> date:
    day = _date(rng)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def _tags(rng: random.Random) -> str:
    return ", ".join(rng.sample(TAGS, rng.randint(1, 3)))


def _pictures(images: Path, rng: random.Random) -> None:
    """A small pool of photo-like pictures (noise does not compress away), reused by items."""
    images.mkdir(parents=True, exist_ok=True)
    for number in range(6):
        picture = Image.new("RGB", (1200, 800), (rng.randint(0, 255), 90, 140))
        draw = ImageDraw.Draw(picture)
        for _ in range(400):
            x, y = rng.randint(0, 1200), rng.randint(0, 800)
            color = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
            draw.rectangle((x, y, x + rng.randint(5, 60), y + rng.randint(5, 60)), fill=color)
        picture.save(images / f"pool-{number}.jpg", quality=82)


def _count(n: int, kind: str, minimum: int) -> int:
    return max(minimum, round(n * MIX[kind]))


def write_hub(root: Path, n: int, seed: int = 7) -> dict[str, int]:
    """Write content/ of a hub of about ``n`` items under root; the count of each kind."""
    rng = random.Random(seed)
    content = root / "content"
    for kind in ("bloggers", "featured", "follow-friday", "contests", "videos", "posts"):
        (content / kind).mkdir(parents=True, exist_ok=True)
    _pictures(content / "images" / "pool", rng)
    (content / "images" / "brand").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64), (11, 92, 173)).save(content / "images" / "brand" / "logo.png")
    counts = {kind: _count(n, kind, 2) for kind in MIX}
    pool = [f"/images/pool/pool-{number}.jpg" for number in range(6)]
    for number in range(counts["bloggers"]):
        (content / "bloggers" / f"blogger-{number:05d}.md").write_text(
            f"Name: Blogger {number}\nBlog-Name: Blog {number}\n"
            f"Blog-URL: https://blog{number}.example/\nFeed-URL: https://blog{number}.example/feed\n"
            f"Avatar: {rng.choice(pool)}\nHandles: @blogger{number}\nDevices: Lumen X2\n"
            f"Member-Since: {_date(rng)}\n\n{_paragraphs(rng, 60)}\n",
            encoding="utf-8",
        )
    stream: list[str] = []
    for number in range(counts["featured"]):
        slug = f"featured-{number:05d}"
        stream.append(slug)
        (content / "featured" / f"{slug}.md").write_text(
            f"Title: Featured post {number}\n"
            f"Blogger: blogger-{rng.randrange(counts['bloggers']):05d}\n"
            f"Original-URL: https://blog.example/{number}/\nDate: {_date(rng)} 10:00\n"
            f"Excerpt: {_paragraphs(rng, 40).splitlines()[0][:280]}\n"
            f"Editor-Note: {rng.choice(WORDS).capitalize()} and fair.\nDevice: Lumen X2\n"
            f"Verdict: {rng.choice(['praise', 'mixed', 'criticism'])}\nTags: {_tags(rng)}\n",
            encoding="utf-8",
        )
    for number in range(counts["follow-friday"]):
        slug = f"ff-{number:05d}"
        stream.append(slug)
        images = "\n\n".join(
            f'![Picture {k} of shout-out {number}]({rng.choice(pool)} "Caption {k}")'
            for k in range(rng.randint(1, 3))
        )
        (content / "follow-friday" / f"{slug}.md").write_text(
            f"Title: #FF {number}\nDate: {_friday(rng)}\nHandles: @a{number}, @b{number}\n"
            f"Caption: Thanks to everyone this week ({number}).\n"
            f"Original-URL: https://social.example/@hub/{number}\nReshares: {rng.randint(0, 99)}\n"
            f"Tags: {_tags(rng)}\n\n{images}\n",
            encoding="utf-8",
        )
    contests = counts["contests"]
    videos_of: dict[int, list[str]] = {c: [] for c in range(contests)}
    for number in range(counts["videos"]):
        slug = f"video-{number:05d}"
        stream.append(slug)
        contest = number % contests
        videos_of[contest].append(slug)
        winner = contest % 2 == 0 and len(videos_of[contest]) == 1
        url = (
            f"https://www.youtube.com/watch?v={number:011d}"
            if number % 2
            else f"https://vimeo.com/{100000 + number}"
        )
        (content / "videos" / f"{slug}.md").write_text(
            f"Title: Film {number}\nDate: {_date(rng)} 20:00\nEntrant: Maker {number}\n"
            f"Contest: contest-{contest:04d}\nVideo-URL: {url}\nPoster: {rng.choice(pool)}\n"
            f"Duration: {rng.randint(0, 2)}:{rng.randint(10, 59)}\n"
            f"Award: {'winner' if winner else 'entry'}\nTags: {_tags(rng)}\n\n"
            f"{_paragraphs(rng, 80)}\n",
            encoding="utf-8",
        )
    for contest in range(contests):
        closed = contest % 2 == 0
        winners = f"Winners: {videos_of[contest][0]}\n" if closed and videos_of[contest] else ""
        (content / "contests" / f"contest-{contest:04d}.md").write_text(
            f"Name: Contest {contest}\nDevice: Lumen X2\nOpens: 2025-01-01\nCloses: 2025-03-01\n"
            f"Status: {'closed' if closed else 'open'}\nPrizes: A phone\n    A pair of earbuds\n"
            f"{winners}Summary: Short films, round {contest}.\n\n{_paragraphs(rng, 120)}\n",
            encoding="utf-8",
        )
    for number in range(counts["posts"]):
        slug = f"post-{number:05d}"
        stream.append(slug)
        (content / "posts" / f"{slug}.md").write_text(
            f"Title: Company post {number}\nDate: {_date(rng)} 09:00\nAuthor: Editor {number % 7}\n"
            f"Tags: {_tags(rng)}\nSummary: What happened in week {number}.\n\n"
            f"{_paragraphs(rng, rng.randint(300, 1200))}\n",
            encoding="utf-8",
        )
    comments: dict[str, list[str]] = {}
    for number in range(counts["comments"]):
        item = rng.choice(stream)
        folder = content / "comments" / item
        folder.mkdir(parents=True, exist_ok=True)
        identifier = f"c-20260101-{number:06x}"
        earlier = comments.setdefault(item, [])
        reply = f"Reply-To: {rng.choice(earlier)}\n" if earlier and rng.random() < 0.3 else ""
        (folder / f"{identifier}.md").write_text(
            f"Author: Reader {number}\nDate: 2026-01-{1 + number % 28:02d} 12:{number % 60:02d}\n"
            f"{reply}Source: form\n\n{_paragraphs(rng, rng.randint(15, 80))}\n",
            encoding="utf-8",
        )
        earlier.append(identifier)
    return counts


CATEGORIES = ("kind", "per-item")


def _category(path: Path, content: Path, categories: str) -> str:
    """The plain article's category: its kind, or (the old, labelled variant) its folder."""
    if categories == "per-item":
        # Comment files sit in a folder per commented item: one category per item.
        return path.parent.name
    return path.relative_to(content).parts[0]


def write_plain(root: Path, hub: Path, n: int, categories: str = "kind") -> int:
    """N plain Pelican articles with the same bodies as the hub's items (for the comparison).

    ``categories="kind"`` gives one category per kind of item, as a real site would have;
    ``"per-item"`` is the old variant (a category per commented item, thousands of them).
    """
    if categories not in CATEGORIES:
        raise ValueError(f"categories must be one of {', '.join(CATEGORIES)}, not {categories!r}")
    articles = root / "content"
    articles.mkdir(parents=True, exist_ok=True)
    content = hub / "content"
    sources = sorted(content.rglob("*.md"))
    for written in range(n):
        path = sources[written % len(sources)]  # cycle when the hub has fewer files than n
        text = path.read_text(encoding="utf-8")
        body = text.split("\n\n", 1)[1] if "\n\n" in text else text
        (articles / f"article-{written:05d}.md").write_text(
            f"Title: Article {written}\nDate: 2024-01-01 10:{written % 60:02d}\n"
            f"Category: {_category(path, content, categories)}\n"
            f"Tags: {TAGS[written % len(TAGS)]}\n\n{body}",
            encoding="utf-8",
        )
    return n
