"""Talking back: Webmentions sent, WebSub pings."""
