"""Draw the sample content's pictures with Pillow: logo, avatars, #FF pictures, film stills.

Deterministic: the same files come out of every run (seeded randoms, no
timestamps), so the committed pictures can be made again and compared.
Drawings are PNG; photo-like pictures with grain are JPEG, which keeps them small.
Run: .venv/bin/python scripts/make_sample_images.py
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

IMAGES = Path(__file__).resolve().parent.parent / "content" / "images"
POSTER = (1280, 720)
PICTURE = (1200, 800)
Color = tuple[int, int, int]
Point = tuple[float, float]
Stamp = Callable[[ImageDraw.ImageDraw, int, int, int, int], None]

# 5x7 pixel letters, so that names can be "spelled" with phones, post-its or
# bulbs without any font file.
GLYPHS = {
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "C": ["01111", "10000", "10000", "10000", "10000", "10000", "01111"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "I": ["11111", "00100", "00100", "00100", "00100", "00100", "11111"],
    "K": ["10001", "10010", "10100", "11000", "10100", "10010", "10001"],
    "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "M": ["10001", "11011", "10101", "10101", "10001", "10001", "10001"],
    "N": ["10001", "11001", "10101", "10011", "10001", "10001", "10001"],
    "P": ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
    "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "S": ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
    "U": ["10001", "10001", "10001", "10001", "10001", "10001", "01110"],
    "Y": ["10001", "10001", "01010", "00100", "00100", "00100", "00100"],
    " ": ["00000"] * 7,
}


# --- Helpers -------------------------------------------------------------------


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at a size (no system font needed)."""
    return ImageFont.load_default(size=size)


def save(image: Image.Image, relative: str) -> None:
    """Write a PNG (drawings) or a JPEG (photo-like pictures) under content/images/."""
    path = IMAGES / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".jpg":
        image.convert("RGB").save(path, format="JPEG", quality=80, optimize=True)
    else:
        image.save(path, format="PNG", optimize=True)


def mix(a: Color, b: Color, t: float) -> Color:
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    """A vertical gradient: a sky, a wall, the sea."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=mix(top, bottom, y / max(1, height - 1)))
    return image


def glow(image: Image.Image, center: Point, radius: float, color: Color, strength: float) -> None:
    """Light a soft halo into ``image`` around ``center`` (a lamp, the sun, a bulb)."""
    size = max(4, round(radius * 4))
    mask = Image.new("L", (size, size), 0)
    inner = (size / 2 - radius, size / 2 - radius, size / 2 + radius, size / 2 + radius)
    ImageDraw.Draw(mask).ellipse(inner, fill=round(255 * strength))
    mask = mask.filter(ImageFilter.GaussianBlur(radius / 2))
    left, top = round(center[0] - size / 2), round(center[1] - size / 2)
    image.paste(color, (left, top, left + size, top + size), mask)


def reflect(
    draw: ImageDraw.ImageDraw,
    x: float,
    span: tuple[float, float],
    color: Color,
    water: Color,
    *,
    rng: random.Random,
) -> None:
    """A light's broken reflection on dark water: short dashes that fade with depth."""
    top, bottom = span
    y = top
    while y < bottom:
        shade = mix(color, water, 0.35 + 0.6 * (y - top) / max(1.0, bottom - top))
        half = 3 + 6 * rng.random()
        shift = rng.uniform(-4, 4)
        draw.line([(x - half + shift, y), (x + half + shift, y)], fill=shade, width=2)
        y += rng.randint(4, 9)


def noise(image: Image.Image, seed: int, amount: int = 14) -> Image.Image:
    """Fine grain, as in a photo taken in low light."""
    rng = random.Random(seed)
    width, height = image.size
    grain = Image.new("L", (width // 4, height // 4))
    grain.putdata([128 + rng.randint(-amount, amount) for _ in range(grain.width * grain.height)])
    grain = grain.resize((width, height), Image.Resampling.BILINEAR).convert("RGB")
    return Image.blend(image, grain, 0.08)


def title_card(image: Image.Image, title: str, credit: str) -> Image.Image:
    """The film's opening title, in a dark band at the bottom of the still."""
    width, height = image.size
    band = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(band).rectangle((0, height - 130, width, height), fill=(0, 0, 0, 120))
    image = Image.alpha_composite(image.convert("RGBA"), band).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.text((64, height - 82), title, font=font(54), fill=(255, 255, 255), anchor="lm")
    draw.text((66, height - 34), credit, font=font(26), fill=(215, 215, 225), anchor="lm")
    return image


def spell(
    draw: ImageDraw.ImageDraw, text: str, origin: tuple[int, int], cell: int, stamp: Stamp
) -> None:
    """Draw ``text`` as 5x7 letters, calling ``stamp`` for every lit pixel."""
    x0, y0 = origin
    for index, letter in enumerate(text):
        for row, bits in enumerate(GLYPHS[letter]):
            for column, bit in enumerate(bits):
                if bit == "1":
                    stamp(draw, x0 + (index * 6 + column) * cell, y0 + row * cell, cell, index)


# --- The brand and the bloggers ----------------------------------------------------


def logo() -> None:
    """The company's mark: a rounded phone with a ray of light."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((48, 16, 208, 240), radius=36, fill=(11, 92, 173))
    draw.rounded_rectangle((64, 40, 192, 200), radius=12, fill=(238, 246, 255))
    draw.polygon([(128, 60), (168, 150), (128, 130), (88, 150)], fill=(255, 184, 28))
    draw.ellipse((116, 210, 140, 234), fill=(238, 246, 255))
    save(image, "brand/logo.png")


AVATARS = {
    "nina-okafor": ("NO", (196, 69, 54), (255, 214, 165)),
    "marcus-hale": ("MH", (33, 87, 138), (182, 220, 254)),
    "priya-raman": ("PR", (93, 52, 143), (226, 207, 255)),
    "tomas-berg": ("TB", (32, 120, 84), (196, 240, 214)),
    "lea-fontaine": ("LF", (181, 96, 16), (255, 228, 189)),
    "oskar-lind": ("OL", (70, 70, 70), (225, 225, 225)),
}


def avatars() -> None:
    """Illustrated initials, one colour pair per blogger."""
    for slug, (initials, dark, light) in AVATARS.items():
        image = gradient((256, 256), light, dark)
        draw = ImageDraw.Draw(image)
        draw.ellipse((28, 28, 228, 228), fill=dark, outline=light, width=6)
        draw.text((128, 132), initials, font=font(92), fill=light, anchor="mm")
        save(image, f"avatars/{slug}.png")


# --- #FF pictures ------------------------------------------------------------------


def phone_stamp(draw: ImageDraw.ImageDraw, x: int, y: int, cell: int, index: int) -> None:
    """One phone lying on a desk, its screen lit in a colour per letter."""
    screens = [(255, 196, 0), (0, 186, 255), (255, 95, 135), (120, 230, 120), (190, 140, 255)]
    draw.rounded_rectangle((x + 4, y + 5, x + cell - 1, y + cell), radius=5, fill=(96, 62, 34))
    draw.rounded_rectangle((x + 2, y + 2, x + cell - 3, y + cell - 3), radius=5, fill=(20, 20, 24))
    draw.rectangle((x + 5, y + 6, x + cell - 6, y + cell - 8), fill=screens[index % len(screens)])


def spelled_in_phones(name: str, relative: str, seed: int) -> None:
    """A name spelled with phones lying face up on a wooden desk."""
    image = gradient(PICTURE, (171, 122, 77), (120, 80, 46))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(40):  # wood grain
        y = rng.randint(0, 800)
        draw.line([(0, y), (1200, y + rng.randint(-30, 30))], fill=(140, 95, 55), width=2)
    cell = min(40, 1100 // (len(name) * 6))
    width = len(name) * 6 * cell
    spell(draw, name, ((1200 - width) // 2, (800 - 7 * cell) // 2), cell, phone_stamp)
    save(noise(image, seed), relative)


def postit_stamp(draw: ImageDraw.ImageDraw, x: int, y: int, cell: int, index: int) -> None:
    """One post-it note stuck slightly crooked, with its shadow on the wall."""
    colors = [(255, 214, 10), (255, 138, 51), (255, 84, 140), (40, 170, 240), (90, 200, 90)]
    tilt = ((x // cell) * 3 + (y // cell) * 5 + index) % 5 - 2
    corners = [
        (x + 1, y + 1 + tilt),
        (x + cell - 2, y + 1),
        (x + cell - 2 + tilt, y + cell - 2),
        (x + 1, y + cell - 2 - tilt),
    ]
    draw.polygon([(px + 3, py + 4) for px, py in corners], fill=(160, 156, 148))
    draw.polygon(corners, fill=colors[(x // cell + 2 * (y // cell) + index) % len(colors)])


def postits(name: str, relative: str, seed: int) -> None:
    """A name in post-it notes on an office wall, with a bigger note saying thank you."""
    image = gradient(PICTURE, (232, 230, 224), (200, 197, 190))
    draw = ImageDraw.Draw(image)
    cell = min(44, 1100 // (len(name) * 6))
    width = len(name) * 6 * cell
    spell(draw, name, ((1200 - width) // 2, (800 - 7 * cell) // 2 - 60), cell, postit_stamp)
    draw.polygon([(448, 618), (778, 608), (782, 728), (452, 736)], fill=(160, 156, 148))
    draw.polygon([(444, 612), (774, 602), (778, 722), (448, 730)], fill=(255, 226, 70))
    draw.text((612, 668), "thank you!", font=font(58), fill=(40, 40, 60), anchor="mm")
    save(noise(image, seed), relative)


@dataclass(frozen=True)
class Sea:
    """The colours and the sun of one message-in-a-bottle picture."""

    sky: tuple[Color, Color]
    sea: tuple[Color, Color]
    sun: Color
    sun_at: Point
    foam: Color
    glass: Color


NOON_SEA = Sea(
    sky=((120, 190, 235), (200, 230, 248)),
    sea=((40, 120, 180), (12, 56, 104)),
    sun=(255, 236, 150),
    sun_at=(960, 120),
    foam=(200, 230, 250),
    glass=(150, 210, 190),
)
EVENING_SEA = Sea(
    sky=((90, 50, 110), (255, 168, 110)),
    sea=((120, 70, 120), (36, 20, 60)),
    sun=(255, 140, 60),
    sun_at=(200, 400),  # setting on the horizon
    foam=(255, 200, 170),
    glass=(190, 130, 60),
)


def bottle(name: str, relative: str, sea: Sea, seed: int) -> None:
    """A message in a bottle on the sea, the name written on the rolled note."""
    image = gradient(PICTURE, *sea.sky)
    image.paste(gradient((1200, 380), *sea.sea), (0, 420))
    glow(image, sea.sun_at, 70, sea.sun, 1.0)
    image.paste(gradient((1200, 380), *sea.sea), (0, 420))  # the sun sets behind the sea
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for row in range(12):  # waves
        y = 430 + row * 31
        points = [(x, y + 10 * math.sin((x + row * 40) / 60)) for x in range(0, 1201, 20)]
        draw.line(points, fill=sea.foam if row % 2 else mix(*sea.sea, 0.5), width=3)
    draw.rounded_rectangle((360, 330, 840, 470), radius=60, fill=sea.glass)
    draw.rectangle((840, 375, 920, 425), fill=sea.glass)
    draw.rectangle((915, 368, 950, 432), fill=(150, 105, 60))
    draw.line([(400, 350), (800, 346)], fill=mix(sea.glass, (255, 255, 255), 0.5), width=6)
    draw.rounded_rectangle((420, 362, 790, 448), radius=12, fill=(250, 240, 210))
    draw.text((605, 405), name, font=font(48), fill=(60, 40, 20), anchor="mm")
    for _ in range(30):  # glints on the water
        x, y = rng.randint(0, 1200), rng.randint(480, 800)
        draw.line([(x, y), (x + 14, y)], fill=sea.foam, width=2)
    save(image, relative)


def screens_wall(name: str, relative: str, seed: int) -> None:
    """Phones standing on a dark shelf, each screen showing one letter of a word."""
    image = Image.new("RGB", PICTURE, (24, 26, 32))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    width = 1100 // len(name)
    hues = [(255, 120, 90), (255, 200, 60), (90, 200, 255), (150, 255, 160), (220, 140, 255)]
    draw.rectangle((0, 590, 1200, 620), fill=(60, 44, 34))  # the shelf
    for index, letter in enumerate(name):
        x = 50 + index * width
        draw.rounded_rectangle((x + 6, 220, x + width - 6, 590), radius=18, fill=(5, 5, 8))
        draw.rectangle((x + 14, 240, x + width - 14, 565), fill=hues[index % len(hues)])
        draw.text(
            (x + width // 2, 400),
            letter,
            font=font(min(150, width)),
            fill=(20, 20, 20),
            anchor="mm",
        )
    for _ in range(60):
        draw.point((rng.randint(0, 1200), rng.randint(0, 200)), fill=(200, 200, 220))
    save(image, relative)


def fairy_lights(name: str, relative: str, seed: int) -> None:
    """A name spelled in fairy lights hung in a dark window, with snow falling outside."""
    image = gradient(PICTURE, (10, 16, 42), (28, 34, 68))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(260):  # snow outside the glass
        x, y, r = rng.randint(0, 1200), rng.randint(0, 800), rng.choice((1, 1, 2, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(190, 200, 228))
    for box in ((0, 0, 1200, 40), (0, 0, 40, 800), (1160, 0, 1200, 800)):
        draw.rectangle(box, fill=(92, 60, 38))  # the window frame
    draw.rectangle((0, 740, 1200, 800), fill=(236, 240, 248))  # snow on the sill
    cell = min(44, 1100 // (len(name) * 6))
    origin = ((1200 - len(name) * 6 * cell) // 2, (800 - 7 * cell) // 2 + 20)
    lit: list[tuple[int, int]] = []
    spell(draw, name, origin, cell, lambda _d, x, y, _c, _i: lit.append((x, y)))
    bulbs = [(x + cell / 2, y + cell / 2) for x, y in lit]
    bulbs += [(60 + 45 * n, 70 + 50 * math.sin(math.pi * n / 24)) for n in range(25)]  # a garland
    colors = [(255, 190, 60), (255, 80, 70), (70, 170, 255), (120, 230, 100)]
    for number, center in enumerate(bulbs):
        glow(image, center, 20, colors[number % 4], 0.7)
    draw = ImageDraw.Draw(image)
    places = set(lit)
    for x, y in lit:  # the wire joins neighbouring bulbs; a diagonal only round a corner
        for dx, dy in ((cell, 0), (0, cell), (cell, cell), (-cell, cell)):
            corner = dx and dy and ((x + dx, y) in places or (x, y + dy) in places)
            if (x + dx, y + dy) in places and not corner:
                start, end = (x + cell / 2, y + cell / 2), (x + dx + cell / 2, y + dy + cell / 2)
                draw.line([start, end], fill=(30, 70, 40), width=2)
    draw.line(bulbs[len(lit) :], fill=(30, 70, 40), width=2)
    for number, (bx, by) in enumerate(bulbs):
        draw.ellipse(
            (bx - 7, by - 9, bx + 7, by + 9), fill=mix(colors[number % 4], (255, 255, 255), 0.3)
        )
    save(noise(image, seed, 10), relative)


# --- Film stills (posters) and the post picture --------------------------------------


def boat(image: Image.Image, x: float, waterline: float, scale: float, rng: random.Random) -> None:
    """A small fishing boat at night: hull, lit wheelhouse, mast lights, reflections."""
    draw = ImageDraw.Draw(image)
    s = scale
    hull = [(x - 150 * s, waterline - 40 * s), (x + 170 * s, waterline - 48 * s)]
    hull += [(x + 130 * s, waterline), (x - 120 * s, waterline)]
    draw.polygon(hull, fill=(16, 18, 30))
    draw.rectangle(
        (x - 40 * s, waterline - 110 * s, x + 60 * s, waterline - 44 * s), fill=(24, 26, 40)
    )
    for pane in range(3):
        left = x - 30 * s + pane * 30 * s
        draw.rectangle(
            (left, waterline - 98 * s, left + 20 * s, waterline - 74 * s), fill=(255, 206, 120)
        )
        reflect(
            draw,
            left + 10 * s,
            (waterline + 6, waterline + 120 * s),
            (255, 206, 120),
            (6, 10, 24),
            rng=rng,
        )
    draw.line(
        [(x - 90 * s, waterline - 44 * s), (x - 90 * s, waterline - 220 * s)],
        fill=(30, 30, 44),
        width=3,
    )
    glow(image, (x - 90 * s, waterline - 220 * s), 14 * s, (255, 250, 235), 0.9)
    glow(image, (x + 150 * s, waterline - 60 * s), 10 * s, (60, 230, 120), 0.9)
    glow(image, (x - 140 * s, waterline - 52 * s), 10 * s, (255, 60, 60), 0.9)


def harbour_lights() -> Image.Image:
    """Fishing boats coming in at night, a lamp over crates on the quay."""
    rng = random.Random(101)
    image = gradient(POSTER, (6, 10, 30), (30, 34, 72))
    image.paste(gradient((1280, 320), (14, 22, 48), (4, 8, 20)), (0, 400))
    draw = ImageDraw.Draw(image)
    shore = [(0, 400), (0, 360), (220, 334), (430, 352), (700, 322), (980, 346), (1280, 330)]
    draw.polygon([*shore, (1280, 400)], fill=(10, 12, 26))
    for _ in range(46):  # the town across the water
        x, y = rng.randint(0, 1280), rng.randint(360, 396)
        draw.rectangle((x, y, x + 2, y + 2), fill=(255, 214, 140))
    for x, line, scale in ((1130, 430, 0.45), (920, 452, 0.65), (640, 500, 1.0)):
        boat(image, x, line, scale, rng)
    draw.polygon([(0, 560), (380, 540), (430, 720), (0, 720)], fill=(22, 22, 28))
    for left in (90, 170, 250):  # fish crates
        draw.rectangle(
            (left, 500, left + 70, 552), fill=(96, 64, 40), outline=(60, 40, 26), width=3
        )
    draw.line([(330, 260), (330, 545)], fill=(12, 12, 16), width=8)
    draw.line([(330, 262), (372, 262)], fill=(12, 12, 16), width=6)
    glow(image, (372, 276), 90, (255, 190, 100), 0.45)
    glow(image, (372, 276), 18, (255, 236, 190), 1.0)
    return image


def tram_at_midnight() -> Image.Image:
    """The last tram on a wet street, lit windows and a few late passengers."""
    rng = random.Random(102)
    image = gradient(POSTER, (14, 10, 34), (50, 40, 70))
    draw = ImageDraw.Draw(image)
    for left in range(0, 1280, 160):  # houses behind the street
        top = rng.randint(90, 220)
        draw.rectangle((left, top, left + 150, 470), fill=(20, 18, 32))
        for wy in range(top + 20, 440, 50):
            for wx in range(left + 18, left + 130, 42):
                if rng.random() < 0.25:
                    draw.rectangle((wx, wy, wx + 18, wy + 24), fill=(230, 190, 110))
    image.paste(gradient((1280, 250), (40, 38, 52), (16, 16, 24)), (0, 470))
    draw.line([(0, 150), (1280, 170)], fill=(70, 70, 90), width=2)  # overhead wire
    draw.line([(640, 166), (700, 300)], fill=(60, 60, 70), width=4)  # pantograph
    draw.rounded_rectangle((220, 300, 1100, 500), radius=34, fill=(36, 84, 150))
    draw.rectangle((220, 460, 1100, 500), fill=(22, 48, 90))
    for index, left in enumerate(range(260, 1040, 98)):
        draw.rectangle((left, 330, left + 80, 420), fill=(255, 222, 150))
        if index % 3 != 1:  # a passenger's head and shoulders
            draw.ellipse((left + 26, 352, left + 50, 376), fill=(70, 52, 40))
            draw.rounded_rectangle((left + 14, 374, left + 62, 420), radius=14, fill=(70, 52, 40))
    glow(image, (1092, 460), 40, (255, 250, 220), 0.9)
    reflection = image.crop((220, 300, 1100, 500)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    reflection = Image.blend(reflection, Image.new("RGB", reflection.size, (16, 16, 24)), 0.6)
    image.paste(reflection.filter(ImageFilter.GaussianBlur(4)), (220, 502))
    return image


def neon_rain() -> Image.Image:
    """Shop signs reflected in a puddle, rain streaking across the frame."""
    rng = random.Random(103)
    image = gradient(POSTER, (18, 10, 34), (40, 16, 50))
    draw = ImageDraw.Draw(image)
    signs = [
        ((120, 90, 500, 200), (255, 60, 170), "OPEN"),
        ((700, 60, 1160, 170), (60, 230, 255), "KAFFE"),
    ]
    signs.append(((520, 250, 900, 330), (255, 200, 60), "NATTBAR"))
    for box, color, word in signs:
        glow(
            image,
            ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
            (box[2] - box[0]) / 2,
            color,
            0.35,
        )
        draw.rounded_rectangle(box, radius=18, outline=color, width=6)
        draw.text(
            ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
            word,
            font=font(64),
            fill=color,
            anchor="mm",
        )
    image.paste(gradient((1280, 360), (30, 26, 36), (14, 12, 18)), (0, 360))
    mask = Image.new("L", POSTER, 0)
    ImageDraw.Draw(mask).ellipse((80, 420, 1200, 700), fill=255)
    puddle = image.crop((0, 0, 1280, 360)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    puddle = puddle.resize((1280, 360)).filter(ImageFilter.GaussianBlur(3))
    full = Image.new("RGB", POSTER)
    full.paste(puddle, (0, 380))
    image.paste(full, (0, 0), mask.filter(ImageFilter.GaussianBlur(12)))
    draw = ImageDraw.Draw(image)
    for _ in range(14):  # rings where drops land
        x, y, r = rng.randint(150, 1130), rng.randint(450, 680), rng.randint(10, 40)
        draw.ellipse((x - r, y - r / 4, x + r, y + r / 4), outline=(150, 140, 170), width=1)
    for _ in range(420):  # rain
        x, y = rng.randint(-100, 1280), rng.randint(-40, 720)
        draw.line([(x, y), (x + 8, y + 34)], fill=(150, 160, 190), width=1)
    return image


def last_ferry(progress: float) -> Image.Image:
    """The ferry pulling away from the quay at night; ``progress`` 0 at the quay, 1 far out.

    The film of the same name (scripts/make_sample_video.py) is these frames.
    """
    still = random.Random(104)
    shimmer = random.Random(1040 + round(progress * 1000))
    water = (8, 14, 32)
    image = gradient(POSTER, (8, 12, 36), (26, 32, 66))
    image.paste(gradient((1280, 330), (16, 26, 54), water), (0, 390))
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(0, 390), (0, 350), (300, 330), (620, 356), (900, 326), (1280, 344), (1280, 390)],
        fill=(12, 14, 28),
    )
    for _ in range(50):  # the far shore's lights
        lx, ly = still.randint(0, 1280), still.randint(352, 386)
        draw.rectangle((lx, ly, lx + 2, ly + 2), fill=(255, 220, 150))
    for row in range(9):  # swell
        wy = 410 + row * 34 + 6 * math.sin(progress * 6 + row)
        draw.line([(0, wy), (1280, wy + 4)], fill=(20, 34, 64), width=2)
    s = 1.0 - 0.5 * progress
    x, line = 940 - 520 * progress, 560 - 120 * progress
    draw.polygon(
        [
            (x - 260 * s, line - 70 * s),
            (x + 300 * s, line - 70 * s),
            (x + 250 * s, line),
            (x - 230 * s, line),
        ],
        fill=(14, 16, 26),
    )
    draw.rectangle((x - 180 * s, line - 150 * s, x + 190 * s, line - 70 * s), fill=(22, 24, 38))
    draw.rectangle(
        (x - 60 * s, line - 200 * s, x + 10 * s, line - 150 * s), fill=(120, 30, 30)
    )  # funnel
    for deck in (0, 1):
        y = line - (128 - deck * 40) * s
        for pane in range(14):
            left = x - 170 * s + pane * 25 * s
            draw.rectangle((left, y, left + 15 * s, y + 16 * s), fill=(255, 214, 140))
            if pane % 2 == 0:
                reflect(
                    draw,
                    left + 7 * s,
                    (line + 4, line + 150 * s),
                    (255, 214, 140),
                    water,
                    rng=shimmer,
                )
    glow(image, (x + 150 * s, line - 170 * s), 12 * s, (255, 255, 240), 1.0)
    glow(image, (x - 220 * s, line - 66 * s), 10 * s, (255, 60, 60), 0.9)
    draw.polygon([(820, 720), (1280, 640), (1280, 720)], fill=(30, 30, 36))  # the quay
    for bx in (1010, 1180):
        top = 720 - (bx - 820) * 80 / 460 - 36
        draw.rounded_rectangle((bx - 16, top, bx + 16, top + 44), radius=8, fill=(10, 10, 14))
    return image


def moth_and_lamp() -> Image.Image:
    """A macro shot: one moth at a porch lamp, dust glittering in the light."""
    rng = random.Random(105)
    image = gradient(POSTER, (40, 26, 14), (16, 10, 6))
    draw = ImageDraw.Draw(image)
    for left in range(0, 1280, 90):  # the wooden wall of the porch
        draw.line([(left, 0), (left, 720)], fill=(30, 20, 10), width=3)
    glow(image, (520, 300), 300, (255, 170, 70), 0.55)
    glow(image, (520, 300), 110, (255, 226, 160), 0.9)
    draw = ImageDraw.Draw(image)
    draw.rectangle((470, 120, 570, 150), fill=(30, 24, 20))  # the lamp's cap
    draw.rounded_rectangle((480, 150, 560, 420), radius=26, outline=(40, 30, 24), width=6)
    glow(image, (520, 300), 40, (255, 252, 235), 1.0)
    draw = ImageDraw.Draw(image)
    mx, my = 840, 360  # the moth
    wing = (118, 96, 74)
    draw.polygon([(mx, my), (mx - 190, my - 150), (mx - 210, my - 40)], fill=wing)
    draw.polygon([(mx, my), (mx + 190, my - 150), (mx + 210, my - 40)], fill=wing)
    draw.polygon([(mx, my + 4), (mx - 150, my + 110), (mx - 60, my + 140)], fill=(98, 80, 62))
    draw.polygon([(mx, my + 4), (mx + 150, my + 110), (mx + 60, my + 140)], fill=(98, 80, 62))
    for side in (-1, 1):  # eye spots and antennae
        draw.ellipse(
            (mx + side * 120 - 16, my - 96, mx + side * 120 + 16, my - 64), fill=(60, 44, 30)
        )
        draw.line([(mx, my - 60), (mx + side * 70, my - 160)], fill=(70, 54, 40), width=3)
    draw.ellipse((mx - 18, my - 70, mx + 18, my + 110), fill=(82, 66, 50))
    for _ in range(70):  # dust in the light
        x, y = rng.randint(300, 760), rng.randint(80, 560)
        draw.point((x, y), fill=(255, 240, 200))
    return image


def first_frost() -> Image.Image:
    """Frost on a bike saddle, lit only by a bike lamp."""
    rng = random.Random(106)
    image = gradient(POSTER, (10, 20, 46), (22, 40, 70))
    for _ in range(9):  # distant street lamps, out of focus
        center = (rng.randint(0, 1280), rng.randint(40, 300))
        glow(image, center, rng.randint(20, 46), (140, 170, 230), 0.35)
    beam = Image.new("L", POSTER, 0)
    ImageDraw.Draw(beam).polygon([(90, 560), (110, 600), (1280, 420), (1280, 120)], fill=120)
    image.paste((255, 248, 220), (0, 0), beam.filter(ImageFilter.GaussianBlur(30)))
    draw = ImageDraw.Draw(image)
    draw.polygon([(600, 410), (650, 410), (720, 720), (660, 720)], fill=(40, 44, 52))  # seat post
    draw.line([(420, 420), (900, 392)], fill=(90, 94, 104), width=6)  # the rails
    saddle = [(200, 340), (260, 298), (520, 286), (800, 306), (1040, 328), (1086, 350)]
    saddle += [(1040, 374), (800, 392), (520, 424), (260, 424), (196, 392)]
    draw.polygon(saddle, fill=(28, 26, 30))
    draw.line(saddle[1:5], fill=(64, 62, 72), width=5)  # light on the saddle's ridge
    needles = Image.new("L", POSTER, 0)
    needle_draw = ImageDraw.Draw(needles)
    for _ in range(1400):  # ice crystals: short needles in every direction
        x, y = rng.randint(190, 1090), rng.randint(284, 426)
        length, angle = rng.randint(2, 8), rng.random() * math.pi
        dx, dy = length * math.cos(angle), length * math.sin(angle)
        needle_draw.line([(x - dx, y - dy), (x + dx, y + dy)], fill=255, width=1)
    on_saddle = Image.new("L", POSTER, 0)
    ImageDraw.Draw(on_saddle).polygon(saddle, fill=255)
    image.paste((225, 236, 255), (0, 0), ImageChops.multiply(needles, on_saddle))
    draw.rounded_rectangle((40, 540, 110, 600), radius=10, fill=(20, 20, 24))  # the bike lamp
    glow(image, (104, 572), 30, (255, 252, 230), 1.0)
    return image


def snow_on_the_quay() -> Image.Image:
    """The harbour in the blue hour: snow on bollards and crates, lamps coming on."""
    rng = random.Random(107)
    image = gradient(POSTER, (18, 38, 92), (96, 126, 178))
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(0, 380), (0, 300), (260, 240), (540, 300), (820, 230), (1280, 290), (1280, 380)],
        fill=(190, 206, 232),
    )
    image.paste(gradient((1280, 120), (40, 62, 100), (22, 36, 66)), (0, 380))
    draw.polygon([(0, 500), (1280, 470), (1280, 720), (0, 720)], fill=(226, 234, 246))
    for bx in (160, 420, 680, 940, 1200):
        top = 470 + (1280 - bx) * 30 / 1280 - 50
        draw.rounded_rectangle((bx - 22, top, bx + 22, top + 60), radius=10, fill=(28, 30, 40))
        draw.ellipse((bx - 26, top - 10, bx + 26, top + 12), fill=(244, 248, 255))
    for lx in (300, 820):
        draw.line([(lx, 270), (lx, 490)], fill=(30, 32, 44), width=6)
        glow(image, (lx, 266), 70, (255, 196, 110), 0.5)
        glow(image, (lx, 266), 12, (255, 240, 200), 1.0)
    draw = ImageDraw.Draw(image)
    for _ in range(500):  # falling snow
        x, y, r = rng.randint(0, 1280), rng.randint(0, 720), rng.choice((1, 2, 2, 3, 4))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(240, 246, 255))
    return image


def breath_clouds() -> Image.Image:
    """Children at a bus stop in the low winter sun, their breath in clouds."""
    image = gradient(POSTER, (110, 150, 200), (255, 196, 140))
    image.paste(gradient((1280, 300), (244, 236, 232), (190, 206, 232)), (0, 420))
    glow(image, (1040, 420), 170, (255, 200, 120), 0.7)
    glow(image, (1040, 420), 50, (255, 246, 210), 1.0)
    draw = ImageDraw.Draw(image)
    draw.line([(180, 200), (180, 560)], fill=(60, 66, 80), width=10)  # the bus stop
    draw.ellipse((130, 150, 230, 250), fill=(30, 90, 170), outline=(240, 240, 240), width=6)
    draw.text((180, 200), "BUSS", font=font(26), fill=(255, 255, 255), anchor="mm")
    children = ((420, 1.0, (180, 40, 50)), (600, 0.85, (40, 110, 70)), (760, 0.95, (40, 60, 140)))
    for x, s, coat in children:
        feet = 600
        draw.polygon(
            [
                (x - 30 * s, feet),
                (x - 330 * s, feet + 60),
                (x - 300 * s, feet + 80),
                (x + 20 * s, feet),
            ],
            fill=(160, 176, 206),
        )
        draw.rounded_rectangle(
            (x - 40 * s, feet - 190 * s, x + 40 * s, feet), radius=30 * s, fill=coat
        )
        draw.ellipse((x - 30 * s, feet - 250 * s, x + 30 * s, feet - 190 * s), fill=(236, 190, 160))
        draw.pieslice((x - 34 * s, feet - 262 * s, x + 34 * s, feet - 200 * s), 180, 360, fill=coat)
        draw.ellipse((x - 10 * s, feet - 280 * s, x + 10 * s, feet - 260 * s), fill=(250, 250, 250))
        glow(image, (x + 70 * s, feet - 226 * s), 34 * s, (255, 248, 240), 0.75)
        glow(image, (x + 120 * s, feet - 246 * s), 26 * s, (255, 248, 240), 0.5)
        draw = ImageDraw.Draw(image)
    return image


def night_mode_post() -> Image.Image:
    """A phone showing a night harbour picture, against the out-of-focus lights of a city."""
    rng = random.Random(200)
    image = gradient(POSTER, (8, 10, 30), (30, 24, 60))
    for _ in range(24):  # bokeh
        color = rng.choice([(255, 190, 90), (90, 170, 255), (255, 100, 150)])
        glow(image, (rng.randint(0, 1280), rng.randint(0, 720)), rng.randint(24, 60), color, 0.4)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (150, 60, 470, 680), radius=40, fill=(12, 12, 16), outline=(70, 70, 80), width=4
    )
    screen = harbour_lights().resize((540, 304)).crop((120, 0, 400, 304)).resize((280, 540))
    image.paste(screen, (170, 100))
    draw.text((560, 300), "Night mode 2.0", font=font(84), fill=(255, 255, 255), anchor="lm")
    draw.text((564, 390), "Lumen X2 and X2 Pro", font=font(40), fill=(180, 200, 240), anchor="lm")
    return image


FILMS: list[tuple[str, str, str, Callable[[], Image.Image]]] = [
    ("harbour-lights", "Harbour Lights", "a film by Ida Brandt", harbour_lights),
    ("tram-at-midnight", "Tram at Midnight", "Jonas Eide and Mei Tanaka", tram_at_midnight),
    ("neon-rain", "Neon Rain", "a film by Sofia Marques", neon_rain),
    ("the-last-ferry", "The Last Ferry", "a study by Henrik Dahl", lambda: last_ferry(0.3)),
    ("moth-and-lamp", "Moth and Lamp", "a film by Aino Virtanen", moth_and_lamp),
    ("first-frost", "First Frost", "the Campus Bytes team", first_frost),
    ("snow-on-the-quay", "Snow on the Quay", "a film by Ida Brandt", snow_on_the_quay),
    ("breath-clouds", "Breath Clouds", "a film by Kari Nilsen", breath_clouds),
]


def main() -> None:
    """Draw every picture of the sample content."""
    logo()
    avatars()
    spelled_in_phones("NINA", "follow-friday/2026-10-02-nina-in-phones.jpg", 1)
    postits("MARCUS", "follow-friday/2026-10-09-marcus-postits.jpg", 2)
    postits("PRIYA", "follow-friday/2026-10-09-priya-postits.jpg", 3)
    bottle("@oskar", "follow-friday/2026-10-16-oskar-bottle.png", NOON_SEA, 4)
    screens_wall("TOMAS", "follow-friday/2026-10-23-tomas-screens.png", 5)
    spelled_in_phones("LEA", "follow-friday/2026-11-06-lea-in-phones.jpg", 6)
    bottle("@lea", "follow-friday/2026-11-06-lea-bottle.png", EVENING_SEA, 7)
    screens_wall("THANKS", "follow-friday/2026-11-20-thanks-screens.png", 8)
    spelled_in_phones("HI BEA", "follow-friday/2026-11-20-bea-in-phones.jpg", 9)
    fairy_lights("KARI", "follow-friday/2025-12-19-kari-fairy-lights.jpg", 10)
    for index, (slug, title, credit, scene) in enumerate(FILMS):
        save(noise(title_card(scene(), title, credit), 100 + index, 20), f"posters/{slug}.jpg")
    save(noise(night_mode_post(), 200, 16), "posts/night-mode-update.jpg")


if __name__ == "__main__":
    main()
