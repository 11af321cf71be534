"""Webmention sending (endpoint discovery, the sent state, tombstones) and WebSub pings."""
