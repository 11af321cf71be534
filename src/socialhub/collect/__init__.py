"""The collector: bloggers' feeds in, featured-post files out, for an editor to review.

fetch.py talks HTTP (politely: conditional GET, caps, a few at a time),
parse.py reads every feed dialect, clean.py makes what it found plain and inert,
write.py decides what is new and writes files, run.py puts them together and counts.
"""

from __future__ import annotations

from socialhub.collect.run import CollectReport, collect
from socialhub.collect.settings import CollectSettings, load_settings

__all__ = ["CollectReport", "CollectSettings", "collect", "load_settings"]
