"""Talking back: Webmentions sent (discovery, the sent state, tombstones), WebSub pings."""
