"""Feeds for every stream: one table of streams, written as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Model in, files out: ``streams.py`` says which streams exist and what is in
them, ``entries.py`` turns items and comments into feed entries with absolute
URLs and media, and ``write.py`` / ``jsonfeed.py`` / ``opml.py`` serialise them.
"""
