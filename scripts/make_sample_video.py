"""Make the sample's local film, content/media/the-last-ferry.webm: a ferry leaving the quay.

The frames are the poster's scene (``last_ferry`` in make_sample_images.py),
drawn with Pillow as the ferry moves away, and ffmpeg encodes them: VP9,
640x360, 12 frames a second, four seconds, no sound, about 100 KB.  Only
remaking the file needs ffmpeg; the file itself is committed.
Run: .venv/bin/python scripts/make_sample_video.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from make_sample_images import last_ferry

OUTPUT = Path(__file__).resolve().parent.parent / "content" / "media" / "the-last-ferry.webm"
SIZE = (640, 360)
FPS = 12
SECONDS = 4


def frames() -> Iterator[bytes]:
    """Every frame as raw RGB bytes, the ferry a little farther out each time."""
    count = FPS * SECONDS
    for number in range(count):
        image = last_ferry(number / (count - 1)).resize(SIZE)
        yield image.tobytes()


def encode(ffmpeg: str) -> None:
    """Pipe the frames into ffmpeg; bit-exact flags keep the file the same on every run."""
    width, height = SIZE
    command = [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24"]
    command += ["-s", f"{width}x{height}", "-r", str(FPS), "-i", "-"]
    command += ["-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "30", "-pix_fmt", "yuv420p"]
    command += ["-deadline", "good", "-cpu-used", "2", "-threads", "1", "-row-mt", "0"]
    command += ["-an", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"]
    subprocess.run([*command, str(OUTPUT)], input=b"".join(frames()), check=True)


def main() -> int:
    """Write the film, or say why not."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        print("ffmpeg is not installed: install it to remake the film.", file=sys.stderr)
        return 1
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    encode(ffmpeg)
    print(f"Wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
