"""Social cards: the 1200x630 picture every page shows when it is shared, drawn at build time.

An item with a picture (an #FF image, a film's poster, a post's cover) is shared
with that picture, cropped to the card's shape, over a band naming the company;
a page with a small picture (a blogger's avatar) gets the drawn card with the
picture beside its title. Every other page gets a card drawn here with Pillow
from the brand settings (SITENAME, COMPANY_NAME, COMPANY_LOGO, BRAND_COLORS)
and the page's title and kind, in the DejaVu fonts shipped in theme/fonts/.

A card's file name ends with a hash of everything drawn on it, so an unchanged
page never draws its card again (the file is already there), a changed title
draws a new one, and published cards can be cached as immutable like thumbnails.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw, ImageFont, ImageOps

from socialhub.media import THUMBS_FOLDER, Picture, Rendition
from socialhub.media import lookup as thumbs_lookup
from socialhub.model import Image
from socialhub.pages import Pager
from socialhub.render import PagePlan, keep_outputs

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630  # what Facebook, LinkedIn and X show large (1.91:1)
# Bump when the drawing changes: every card is then drawn again, under new names.
CARD_VERSION = "5"
CARDS_FOLDER = f"{THUMBS_FOLDER}/cards"
CONTEXT_KEY = "hub_card_maker"
# The theme's fonts/ folder (THEME), else the repository's: DejaVu, under an open licence.
FONT_NAMES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONTS = Path(__file__).resolve().parents[2] / "theme" / "fonts"
REGULAR_FONT = FONTS / FONT_NAMES[0]
BOLD_FONT = FONTS / FONT_NAMES[1]
DEFAULT_ACCENT = "#0b5cad"
INK = (20, 24, 31)  # the title's colour, on PAPER: contrast above 15:1
PAPER = (246, 248, 251)
# Below this many cards to draw, worker processes cost more than they save (a
# pool costs about 0.1 s of CPU, a card 13 ms).
PARALLEL_THRESHOLD = 32
# Colours of a card's PNG: a card has five flat colours and their antialiased edges
# (or a photo under the band); 64 keep it at 40 % of the RGB file's size.
PALETTE_COLOURS = 64
# What the palette of a picture's cards (or of the text cards) is taken from: a card
# with every colour the real ones have (ink, accent, white on the accent, the logo).
SAMPLE = ("Sample title of a card", "Sample kind")
# Titles are set as large as fits in this many lines, then shortened with "…".
TITLE_SIZES = (72, 64, 56, 48)
TITLE_LINES = 3
MARGIN = 80
WIDE_PICTURE = 1000  # a picture at least this wide fills the card; a smaller one sits beside
SIDE_PICTURE = 260  # the side of a small picture (an avatar) on a drawn card
# The hub's headings per filter, as its pages show them (theme/templates/hub.html).
HUB_HEADINGS = {
    "posts": "News",
    "bloggers": "Blogger posts",
    "follow-friday": "#FF shout-outs",
    "videos": "Films",
}


@dataclass(frozen=True)
class Card:
    """A drawn card: its site path, size and the text that describes it."""

    src: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Subject:
    """What a card shows: the page's title, what kind of page it is, and its picture if any."""

    title: str
    kind: str
    picture: str = ""  # the picture's file under content/, or "" for a text card
    picture_version: str = ""  # its size and time, so that a new picture draws a new card
    alt: str = ""  # the picture's alt text, when it has one


@dataclass(frozen=True)
class Brand:
    """The settings every card is drawn from."""

    site_name: str
    company: str
    accent: tuple[int, int, int]
    logo: str  # a file path, or "" when COMPANY_LOGO is missing
    logo_version: str  # a hash of the logo's bytes
    fonts: tuple[str, str]  # the regular and the bold font files ("": Pillow's own font)
    fonts_version: str  # their names and sizes

    @property
    def fingerprint(self) -> str:
        """Everything of the brand that a card shows (no file paths: a moved checkout keeps it)."""
        return repr((self.site_name, self.company, self.accent, self.logo_version))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Brand:
        """The brand of a build's settings (a bad colour falls back to the default accent)."""
        colours = settings.get("BRAND_COLORS") or {}
        try:
            accent = ImageColor.getrgb(str(colours.get("accent", DEFAULT_ACCENT)))[:3]
        except ValueError:
            # brand_problems (the hub plugin) already warns about the setting.
            accent = ImageColor.getrgb(DEFAULT_ACCENT)[:3]
        logo = Path(str(settings.get("PATH", "content"))) / str(
            settings.get("COMPANY_LOGO", "")
        ).lstrip("/")
        try:
            data = logo.read_bytes() if settings.get("COMPANY_LOGO") else b""
        except OSError:
            data = b""
        fonts = _font_files(Path(str(settings.get("THEME", "theme"))) / "fonts")
        return cls(
            site_name=str(settings.get("SITENAME", "")),
            company=str(settings.get("COMPANY_NAME", "")),
            accent=(accent[0], accent[1], accent[2]),
            logo=str(logo) if data else "",
            logo_version=hashlib.blake2b(data, digest_size=8).hexdigest(),
            fonts=(str(fonts[0]), str(fonts[1])) if fonts else ("", ""),
            fonts_version=",".join(f"{p.name}:{p.stat().st_size}" for p in fonts or ()),
        )


def _font_files(theme_fonts: Path) -> tuple[Path, Path] | None:
    """The card fonts of the theme, else the repository's; None (with a warning) when neither."""
    for folder in (theme_fonts, FONTS):
        regular, bold = folder / FONT_NAMES[0], folder / FONT_NAMES[1]
        if regular.is_file() and bold.is_file():
            return regular, bold
    log.warning(
        "cards: %s and %s are missing from %s; cards are drawn in Pillow's own font "
        "until you restore them from the repository",
        *FONT_NAMES,
        theme_fonts,
    )
    return None


_INDEX_PAGE = re.compile(r"(^|/)index\.html$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_/-]+")


def card_key(save_as: str) -> str:
    """The stem of a page's card: its output path without index.html, as safe characters."""
    stem = _INDEX_PAGE.sub("", save_as).removesuffix(".html").strip("/")
    return _UNSAFE.sub("-", stem) or "index"


def card_path(save_as: str, subject: Subject, brand: Brand) -> str:
    """The site path of a page's card: /thumbs/cards/<page>-<hash of what is drawn>.png."""
    drawn = "\x00".join(
        [
            CARD_VERSION,
            brand.fonts_version,
            brand.fingerprint,
            subject.title,
            subject.kind,
            # Why os.path and not Path here and below: these run for every page of
            # every rebuild (100,000 pages and more), and Path objects cost several
            # times as much as the strings.
            os.path.basename(subject.picture),
            subject.picture_version,
        ]
    ).encode("utf-8", "surrogatepass")
    version = hashlib.blake2b(drawn, digest_size=5).hexdigest()
    return f"/{CARDS_FOLDER}/{card_key(save_as)}-{version}.png"


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def _font(path: str, size: int) -> Font:
    """A font file at ``size`` pixels, loaded once per process ("": Pillow's own font)."""
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _fit(text: str, font: Font, width: int) -> str:
    """``text`` shortened with an ellipsis until it is at most ``width`` pixels wide."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text.rstrip() + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, font: Font, width: int, lines: int) -> tuple[list[str], bool]:
    """``text`` in at most ``lines`` lines of ``width`` pixels; True when all of it fits."""
    result: list[str] = []
    words = text.split()
    while words and len(result) < lines:
        line = words.pop(0)
        while words and font.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        result.append(line)
    fits = not words and all(font.getlength(line) <= width for line in result)
    if not fits and result:
        # Why one more word: the last line then ends with "…" where the title goes on.
        rest = " ".join([result[-1], *words[:1]]) if words else result[-1]
        result[-1] = _fit(rest + (" …" if words else ""), font, width)
    return result, fits


def _title_lines(title: str, width: int, path: str) -> tuple[list[str], Font, int]:
    """The title at the largest size that fits whole, else shortened at the smallest."""
    for size in TITLE_SIZES:
        font = _font(path, size)
        lines, fits = wrap(title, font, width, TITLE_LINES)
        if fits:
            return lines, font, size
    return lines, font, size


@functools.cache
def _logo(path: str, version: str, size: int) -> PILImage.Image | None:
    """The logo at ``size`` pixels, read once per build and process (``version``: its bytes)."""
    try:
        with PILImage.open(path) as opened:
            logo = opened.convert("RGBA")
    except (OSError, ValueError):
        return None
    logo.thumbnail((size, size), PILImage.Resampling.LANCZOS)
    return logo


@functools.lru_cache(maxsize=16)
def _fitted(path: str, version: str, size: tuple[int, int]) -> PILImage.Image | None:
    """A content picture, upright, in RGB, cropped to ``size`` (None when it cannot be read).

    Why cached (``version``: its size and time): an avatar is on every featured
    post of its blogger, and reading a photo is a third of drawing its card. Why
    ``draft``: a JPEG decodes at 1/2 to 1/8 of its size when that still covers
    ``size``, a fraction of the work for a camera's 4,000-pixel photo.
    """
    try:
        with PILImage.open(path) as opened:
            opened.draft("RGB", (max(size), max(size)))
            upright = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None
    return ImageOps.fit(upright, size, PILImage.Resampling.LANCZOS)


@functools.lru_cache(maxsize=256)
def _upright_width(path: str, version: str) -> int | None:
    """A content picture's width as shown (its EXIF orientation applied), from its header."""
    try:
        with PILImage.open(path) as opened:
            turned = opened.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
            return opened.height if turned else opened.width
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None


ORIENTATION = 0x0112  # the EXIF tag saying how a camera's picture is turned


def _band(image: PILImage.Image, brand: Brand, text: str) -> None:
    """The accent band along the bottom, naming the company (white: 4.5:1 on the accent)."""
    pen = ImageDraw.Draw(image)
    band = HEIGHT - 76
    pen.rectangle((0, band, WIDTH, HEIGHT), fill=brand.accent)
    font = _font(brand.fonts[0], 30)
    pen.text((MARGIN, band + 38), _fit(text, font, WIDTH - 2 * MARGIN), "white", font, "lm")


def draw(subject: Subject, brand: Brand) -> PILImage.Image:
    """The card of ``subject``: its wide picture over the band, or the drawn card."""
    width = _upright_width(subject.picture, subject.picture_version) if subject.picture else None
    if width is not None and width >= WIDE_PICTURE:
        # Why cropped, not letterboxed: networks show the card at 1.91:1 either way,
        # and a crop keeps the picture as large as the card.
        size = (WIDTH, HEIGHT - 76)
        image = _fitted(subject.picture, subject.picture_version, size)
        if image is not None:
            card = PILImage.new("RGB", (WIDTH, HEIGHT), PAPER)
            card.paste(image, (0, 0))
            what = f"{subject.kind}: {subject.title}" if subject.kind else subject.title
            _band(card, brand, f"{brand.company} · {what}" if brand.company else what)
            return card
    small = None
    if width is not None:
        side = (SIDE_PICTURE, SIDE_PICTURE)
        small = _fitted(subject.picture, subject.picture_version, side)
    return _text_card(subject, brand, small)


@functools.lru_cache(maxsize=64)
def _palette(brand: Brand, picture: str, version: str) -> PILImage.Image:
    """The colours of every card with this picture ("" for text cards), as a palette image.

    Why one palette for many cards: choosing the colours is two thirds of a text
    card's cost, and cards of one brand (or one picture) share their colours. Why
    from a sample, not the first card drawn: every process and every order of
    drawing must make the same bytes.
    """
    sample = Subject(*SAMPLE, picture=picture, picture_version=version)
    chosen = draw(sample, brand).quantize(PALETTE_COLOURS, method=PILImage.Quantize.FASTOCTREE)
    palette = PILImage.new("P", (1, 1))
    palette.putpalette(chosen.getpalette() or [])
    return palette


@functools.lru_cache(maxsize=4)
def _text_background(brand: Brand) -> PILImage.Image:
    """What every drawn card of a brand shows: the logo and site name, the band naming the company.

    Why drawn once per process: it is the same on every card, and text is the slow part.
    """
    image = PILImage.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    logo = _logo(brand.logo, brand.logo_version, 96) if brand.logo else None
    left = MARGIN
    if logo is not None:
        image.paste(logo, (MARGIN, 64), logo)
        left = MARGIN + logo.width + 28
    name_font = _font(brand.fonts[1], 40)
    pen.text(
        (left, 112), _fit(brand.site_name, name_font, WIDTH - MARGIN - left), INK, name_font, "lm"
    )
    # White on the accent: brand_problems asks the accent for 4.5:1 against white.
    _band(image, brand, brand.company)
    return image


def _text_card(subject: Subject, brand: Brand, small: PILImage.Image | None) -> PILImage.Image:
    """Logo and site name, kind, title, a small picture beside them, the accent band."""
    image = _text_background(brand).copy()
    pen = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    if small is not None:
        image.paste(small, (WIDTH - MARGIN - SIDE_PICTURE, 210))
        text_width -= SIDE_PICTURE + 40
    regular, bold = brand.fonts
    top = 210
    if subject.kind:
        kind_font = _font(regular, 32)
        pen.text(
            (MARGIN, top),
            _fit(subject.kind.upper(), kind_font, text_width),
            brand.accent,
            kind_font,
        )
        top += 62
    lines, font, size = _title_lines(subject.title, text_width, bold)
    line_height = round(size * 1.18)
    for number, line in enumerate(lines):
        pen.text((MARGIN, top + number * line_height), line, INK, font)
    return image


_DrawJob = tuple[str, Subject, Brand]


def _draw_file(job: _DrawJob) -> str:
    """In a worker: draw one card and write it (through a temporary name); its path."""
    target, subject, brand = job
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    palette = _palette(brand, subject.picture, subject.picture_version)
    card = draw(subject, brand).quantize(palette=palette, dither=PILImage.Dither.NONE)
    card.save(temporary, "PNG", compress_level=3)
    os.replace(temporary, path)
    return target


class CardMaker:
    """Draws and remembers the cards of one build's pages."""

    def __init__(self, brand: Brand, output_dir: Path, *, workers: int = 0) -> None:
        self.brand = brand
        self.output_dir = Path(output_dir)
        self.workers = workers or os.cpu_count() or 1
        self.cards: dict[str, Card] = {}  # page (save_as) → its card
        self.drawn = 0  # cards drawn by this instance (the cache's misses)
        self.kept = 0  # cards already there

    def prepare(self, subjects: Mapping[str, Subject]) -> list[str]:
        """Draw the missing cards of these pages (save_as → subject); their site paths."""
        jobs: list[_DrawJob] = []
        paths: list[str] = []
        drawn: dict[Subject, Card] = {}  # why: "/" and "/hub/" show the same card
        output_dir = str(self.output_dir)
        for save_as, subject in subjects.items():
            if subject in drawn:
                self.cards[save_as] = drawn[subject]
                continue
            src = card_path(save_as, subject, self.brand)
            alt = f"{subject.kind}: {subject.title}" if subject.kind else subject.title
            alt = f"{alt} — {self.brand.site_name}" if self.brand.site_name else alt
            alt = subject.alt or alt
            self.cards[save_as] = drawn[subject] = Card(src, WIDTH, HEIGHT, alt)
            paths.append(src)
            target = os.path.join(output_dir, src.lstrip("/"))
            if os.path.isfile(target):
                self.kept += 1
            else:
                jobs.append((target, subject, self.brand))
        if len(jobs) >= PARALLEL_THRESHOLD and self.workers > 1:
            with multiprocessing.get_context("fork").Pool(min(self.workers, len(jobs))) as pool:
                pool.map(_draw_file, jobs)
        else:
            for job in jobs:
                _draw_file(job)
        self.drawn += len(jobs)
        return paths

    def __call__(self, save_as: str | None) -> Card | None:
        """The card of a page (the templates' ``social_card(output_file)``), or None."""
        return self.cards.get(save_as or "")


def maker(context: MutableMapping[str, Any], settings: Mapping[str, Any]) -> CardMaker:
    """The build's one card maker, made by the first plugin that asks for it."""
    existing = context.get(CONTEXT_KEY)
    if isinstance(existing, CardMaker):
        return existing
    made = CardMaker(
        Brand.from_settings(settings),
        Path(settings["OUTPUT_PATH"]).resolve(),
        workers=int(settings.get("HUB_BUILD_WORKERS", 0) or 0),
    )
    context[CONTEXT_KEY] = made
    return made


def _paged(kind: str, variables: Mapping[str, Any]) -> str:
    pager = variables.get("pager")
    if isinstance(pager, Pager) and not pager.is_front:
        return f"{kind} · page {pager.number}"
    return kind


# Pages of one kind that list things: their card's title and kind.
LIST_PAGES = {
    "tags": Subject("Tags", "Topics"),
    "bloggers": Subject("Featured bloggers", "Bloggers"),
    "follow_friday": Subject("#FF gallery", "#FF shout-outs"),
    "contests": Subject("Short-film contests", "Contests"),
    "feeds": Subject("Feeds", "RSS, Atom and JSON Feed"),
    "404": Subject("Page not found", "Error 404"),
    "search": Subject("Search the hub", "Search"),
}


def own_picture(template: str, variables: Mapping[str, Any]) -> Image | None:
    """The picture a page is shared with (as its template's og_image block names it)."""
    if template in ("blogger", "featured"):
        return variables["blogger"].avatar
    item = variables.get("item")
    if template == "video" and item is not None:
        return item.poster
    if template in ("post", "shoutout") and item is not None:
        return item.image
    return None


def subject(
    template: str,
    variables: Mapping[str, Any],
    settings: Mapping[str, Any],
    has_picture: Callable[[Image | None], bool],
) -> Subject:
    """What a page's card shows: its title and kind, and its own picture when it has one."""
    found = plain_subject(template, variables, settings)
    image = own_picture(template, variables)
    if image is None or not has_picture(image):
        return found
    path = os.path.join(str(settings.get("PATH", "content")), image.src.lstrip("/"))
    try:
        stamp = os.stat(path)
    except OSError:  # the build's checks name a missing picture
        return found
    version = f"{stamp.st_size}:{stamp.st_mtime_ns}"
    return Subject(found.title, found.kind, picture=path, picture_version=version, alt=image.alt)


def plain_subject(
    template: str, variables: Mapping[str, Any], settings: Mapping[str, Any]
) -> Subject:
    """A page's title and kind, as its card names them."""
    item = variables.get("item")
    if item is not None:
        return Subject(item.title, item_kind_label(item.kind))
    if template == "hub":
        hub_filter = variables.get("hub_filter") or ""
        company = str(settings.get("COMPANY_NAME", ""))
        title = HUB_HEADINGS.get(hub_filter, f"The {company} social hub")
        return Subject(title, _paged("Hub", variables))
    named = {
        "tag": lambda: Subject(f"Tagged “{variables['tag'].name}”", _paged("Tag", variables)),
        "blogger": lambda: Subject(variables["blogger"].name, "Blogger"),
        "contest": lambda: Subject(variables["contest"].name, "Contest"),
        "redirect": lambda: Subject(str(variables.get("label", "")), "Hub"),
    }
    if template in named:
        return named[template]()
    return LIST_PAGES.get(template, Subject(str(settings.get("SITENAME", "")), ""))


def item_kind_label(kind: str) -> str:
    """A kind of item as a card names it: "Company post", "Contest video"..."""
    from socialhub.kinds import KINDS_BY_NAME  # noqa: PLC0415 - kinds imports the model

    found = KINDS_BY_NAME.get(kind)
    label = found.label if found is not None else kind
    return label[:1].upper() + label[1:]


def prepare(context: MutableMapping[str, Any], settings: Mapping[str, Any], plan: PagePlan) -> None:
    """Draw the cards of a plan's pages that have no picture of their own (a plugin's one call).

    Each page's card path joins what the page shows, so a page whose card changes
    (a new logo, a renamed tag) is rendered again; the cards of pages this plugin
    no longer writes are deleted.
    """
    made = maker(context, settings)
    before = (made.drawn, made.kept)
    thumbs = thumbs_lookup(context)

    def has_picture(image: Image | None) -> bool:
        return image is not None and thumbs(image) is not None

    subjects: dict[str, Subject] = {}
    for job in plan.jobs:
        subjects[job.save_as] = subject(job.template, job.variables, settings, has_picture)
    paths = made.prepare(subjects)
    for job in plan.jobs:
        card = made(job.save_as)
        if card is not None and job.inputs is not None:
            job.inputs = (*job.inputs, card.src)
    keep_outputs(dict(settings), f"cards-{plan.name}", [path.lstrip("/") for path in paths])
    drawn, kept = made.drawn - before[0], made.kept - before[1]
    log.info("%s: %d social cards drawn, %d unchanged", plan.name, drawn, kept)


def shared(picture: Picture) -> Rendition:
    """The file to share of a picture: the narrowest at least 1200 px wide, else the original."""
    original = Rendition(picture.src, picture.width, picture.height)
    wide = [r for r in (*picture.renditions, original) if r.width >= WIDTH]
    return min(wide, key=lambda r: r.width) if wide else original


def lookup(context: Mapping[str, Any]) -> Callable[[str | None], Card | None]:
    """The templates' ``social_card(output_file)``: the card drawn for a page, or None."""

    def social_card(save_as: str | None) -> Card | None:
        made = context.get(CONTEXT_KEY)
        return made(save_as) if isinstance(made, CardMaker) else None

    return social_card


def picture_lookup(context: Mapping[str, Any]) -> Callable[[Image | str | None], Rendition | None]:
    """The templates' ``shared_picture(image)``: the file of a prepared picture to share."""
    thumbs = thumbs_lookup(context)

    def shared_picture(image: Image | str | None) -> Rendition | None:
        picture = thumbs(image or None)
        return shared(picture) if picture is not None else None

    return shared_picture
