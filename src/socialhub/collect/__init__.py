"""The collector: bloggers' feeds in, featured-post files out, for an editor to review.

fetch.py talks HTTP (politely: conditional GET, caps, a few at a time),
parse.py reads every feed dialect, write.py decides what is new and writes
files, run.py puts them together and counts.
"""
