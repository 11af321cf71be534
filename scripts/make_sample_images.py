"""Draw the sample content's pictures with Pillow: the logo, avatars, #FF pictures, posters.

Deterministic: the same files come out of every run (a seeded random, no
timestamps), so the committed PNGs can be made again and compared.
Run: .venv/bin/python scripts/make_sample_images.py
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

IMAGES = Path(__file__).resolve().parent.parent / "content" / "images"
Color = tuple[int, int, int]

# 5x7 pixel letters, so that names can be "spelled" with phones or post-its
# without any font file.
GLYPHS = {
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "C": ["01111", "10000", "10000", "10000", "10000", "10000", "01111"],
    "D": ["11110", "10001", "10001", "10001", "10001", "10001", "11110"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "F": ["11111", "10000", "10000", "11110", "10000", "10000", "10000"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "I": ["11111", "00100", "00100", "00100", "00100", "00100", "11111"],
    "K": ["10001", "10010", "10100", "11000", "10100", "10010", "10001"],
    "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "M": ["10001", "11011", "10101", "10101", "10001", "10001", "10001"],
    "N": ["10001", "11001", "10101", "10011", "10001", "10001", "10001"],
    "G": ["01111", "10000", "10000", "10111", "10001", "10001", "01111"],
    "O": ["01110", "10001", "10001", "10001", "10001", "10001", "01110"],
    "P": ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
    "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "S": ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
    "T": ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
    "U": ["10001", "10001", "10001", "10001", "10001", "10001", "01110"],
    "Y": ["10001", "10001", "01010", "00100", "00100", "00100", "00100"],
    "!": ["00100", "00100", "00100", "00100", "00100", "00000", "00100"],
    " ": ["00000"] * 7,
}


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


def gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    """A vertical gradient background."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        color = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=color)
    return image


def spell(
    draw: ImageDraw.ImageDraw,
    text: str,
    origin: tuple[int, int],
    cell: int,
    stamp: Callable[[ImageDraw.ImageDraw, int, int, int, int], None],
) -> None:
    """Draw ``text`` as 5x7 letters, calling ``stamp`` for every lit pixel."""
    x0, y0 = origin
    for index, letter in enumerate(text):
        rows = GLYPHS[letter]
        for row, bits in enumerate(rows):
            for column, bit in enumerate(bits):
                if bit == "1":
                    stamp(draw, x0 + (index * 6 + column) * cell, y0 + row * cell, cell, index)


def logo() -> None:
    """The company's mark: a rounded phone with a light ray."""
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


def phone_stamp(draw: ImageDraw.ImageDraw, x: int, y: int, cell: int, index: int) -> None:
    """One phone lying on a desk, its screen lit in a colour per letter."""
    screens = [(255, 196, 0), (0, 186, 255), (255, 95, 135), (120, 230, 120), (190, 140, 255)]
    draw.rounded_rectangle((x + 2, y + 2, x + cell - 3, y + cell - 3), radius=5, fill=(20, 20, 24))
    draw.rectangle((x + 5, y + 6, x + cell - 6, y + cell - 8), fill=screens[index % len(screens)])


def postit_stamp(draw: ImageDraw.ImageDraw, x: int, y: int, cell: int, index: int) -> None:
    """One post-it note, slightly crooked."""
    colors = [(255, 236, 110), (255, 170, 200), (150, 225, 255), (180, 240, 150)]
    tilt = (index * 7 + x // cell) % 5 - 2
    draw.polygon(
        [
            (x + 1, y + 1 + tilt),
            (x + cell - 2, y + 1),
            (x + cell - 2 + tilt, y + cell - 2),
            (x + 1, y + cell - 2 - tilt),
        ],
        fill=colors[(x // cell + y // cell) % len(colors)],
    )


def noise(image: Image.Image, seed: int, amount: int = 14) -> Image.Image:
    """Fine grain, as on a photo of a real desk."""
    rng = random.Random(seed)
    width, height = image.size
    grain = Image.new("L", (width // 4, height // 4))
    grain.putdata([128 + rng.randint(-amount, amount) for _ in range(grain.width * grain.height)])
    grain = grain.resize((width, height), Image.Resampling.BILINEAR).convert("RGB")
    return Image.blend(image, grain, 0.08)


def spelled_in_phones(name: str, relative: str, seed: int) -> None:
    """A handle spelled with phones on a wooden desk."""
    image = gradient((1200, 800), (171, 122, 77), (120, 80, 46))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(40):  # wood grain
        y = rng.randint(0, 800)
        draw.line([(0, y), (1200, y + rng.randint(-30, 30))], fill=(140, 95, 55), width=2)
    cell = min(40, 1100 // (len(name) * 6))
    width = len(name) * 6 * cell
    spell(draw, name, ((1200 - width) // 2, (800 - 7 * cell) // 2), cell, phone_stamp)
    save(noise(image, seed), relative)


def postits(name: str, relative: str, seed: int) -> None:
    """A name in post-it notes on an office wall."""
    image = gradient((1200, 800), (236, 233, 226), (208, 204, 196))
    draw = ImageDraw.Draw(image)
    cell = min(44, 1100 // (len(name) * 6))
    width = len(name) * 6 * cell
    spell(draw, name, ((1200 - width) // 2, (800 - 7 * cell) // 2 - 30), cell, postit_stamp)
    draw.text((600, 700), "thank you!", font=font(48), fill=(90, 90, 90), anchor="mm")
    save(noise(image, seed), relative)


def bottle(name: str, relative: str, seed: int) -> None:
    """A message in a bottle on the sea, the name on the rolled paper."""
    image = gradient((1200, 800), (120, 190, 235), (18, 70, 120))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for row in range(12):  # waves
        y = 420 + row * 32
        points = [(x, y + 10 * math.sin((x + row * 40) / 60)) for x in range(0, 1201, 20)]
        draw.line(points, fill=(200, 230, 250) if row % 2 else (40, 110, 170), width=3)
    draw.ellipse((900, 60, 1020, 180), fill=(255, 230, 140))
    draw.rounded_rectangle((360, 330, 840, 470), radius=60, fill=(150, 210, 190))
    draw.rectangle((840, 375, 920, 425), fill=(150, 210, 190))
    draw.rectangle((915, 368, 950, 432), fill=(150, 105, 60))
    draw.rounded_rectangle((420, 355, 790, 445), radius=12, fill=(250, 240, 210))
    draw.text((605, 400), name, font=font(44), fill=(60, 40, 20), anchor="mm")
    for _ in range(30):
        x, y = rng.randint(0, 1200), rng.randint(440, 800)
        draw.line([(x, y), (x + 14, y)], fill=(230, 245, 255), width=2)
    save(image, relative)


def screens_wall(name: str, relative: str, seed: int) -> None:
    """A wall of phone screens, each showing one letter of a name."""
    image = Image.new("RGB", (1200, 800), (24, 26, 32))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    letters = list(name)
    slots = len(letters)
    width = 1100 // slots
    for index, letter in enumerate(letters):
        x = 50 + index * width
        hue = [(255, 120, 90), (255, 200, 60), (90, 200, 255), (150, 255, 160), (220, 140, 255)]
        color = hue[index % len(hue)]
        draw.rounded_rectangle((x + 6, 220, x + width - 6, 580), radius=18, fill=(5, 5, 8))
        draw.rectangle((x + 14, 240, x + width - 14, 555), fill=color)
        draw.text(
            (x + width // 2, 400),
            letter,
            font=font(min(150, width)),
            fill=(20, 20, 20),
            anchor="mm",
        )
    for _ in range(60):
        x, y = rng.randint(0, 1200), rng.randint(0, 200)
        draw.point((x, y), fill=(200, 200, 220))
    save(image, relative)


def poster(title: str, relative: str, top: Color, bottom: Color, seed: int) -> None:
    """A video still: a night scene in the contest's mood, with the film's title."""
    image = gradient((1280, 720), top, bottom)
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(90):  # city lights or stars
        x, y, r = rng.randint(0, 1280), rng.randint(0, 460), rng.randint(1, 4)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 235, 180))
    for index in range(9):  # skyline
        x = index * 150 + rng.randint(-20, 20)
        height = rng.randint(120, 320)
        draw.rectangle((x, 720 - height, x + 120, 720), fill=(12, 14, 24))
        for row in range(3, height // 30):
            if rng.random() < 0.45:
                draw.rectangle(
                    (x + 20, 720 - row * 30, x + 36, 720 - row * 30 + 14), fill=(255, 210, 110)
                )
    draw.text((640, 600), title, font=font(64), fill=(255, 255, 255), anchor="mm")
    save(noise(image, seed, 20), relative)


def main() -> None:
    """Draw every picture of the sample content."""
    logo()
    avatars()
    spelled_in_phones("NINA", "follow-friday/2026-10-02-nina-in-phones.jpg", 1)
    postits("MARCUS", "follow-friday/2026-10-09-marcus-postits.jpg", 2)
    postits("PRIYA", "follow-friday/2026-10-09-priya-postits.jpg", 3)
    bottle("@oskar", "follow-friday/2026-10-16-oskar-bottle.png", 4)
    screens_wall("TOMAS", "follow-friday/2026-10-23-tomas-screens.png", 5)
    spelled_in_phones("LEA", "follow-friday/2026-11-06-lea-in-phones.jpg", 6)
    bottle("@lea", "follow-friday/2026-11-06-lea-bottle.png", 7)
    screens_wall("THANKS", "follow-friday/2026-11-20-thanks-screens.png", 8)
    spelled_in_phones("HI BEA", "follow-friday/2026-11-20-bea-in-phones.jpg", 9)
    night = ((10, 16, 48), (70, 40, 90))
    winter = ((190, 215, 240), (60, 90, 130))
    for index, (slug, title, mood) in enumerate(
        [
            ("harbour-lights", "Harbour Lights", night),
            ("tram-at-midnight", "Tram at Midnight", night),
            ("neon-rain", "Neon Rain", ((20, 10, 40), (120, 20, 90))),
            ("the-last-ferry", "The Last Ferry", night),
            ("moth-and-lamp", "Moth and Lamp", ((30, 20, 10), (90, 60, 20))),
            ("first-frost", "First Frost", winter),
            ("snow-on-the-quay", "Snow on the Quay", winter),
            ("breath-clouds", "Breath Clouds", ((160, 190, 220), (40, 60, 100))),
        ]
    ):
        poster(title, f"posters/{slug}.jpg", mood[0], mood[1], 100 + index)
    poster("Night mode 2.0", "posts/night-mode-update.jpg", (8, 12, 40), (40, 30, 80), 200)


if __name__ == "__main__":
    main()
