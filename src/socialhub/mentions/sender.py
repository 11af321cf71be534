"""Send one Webmention: discover the target's endpoint, POST source and target to it."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from socialhub.comments.checks import Refusal
from socialhub.comments.pinned import pinned_client
from socialhub.mentions.discovery import (
    USER_AGENT,
    DiscoveryError,
    Limits,
    TargetGoneError,
    describe_http_error,
    discover,
)

SENT = "sent"  # the endpoint took it (2xx)
NO_ENDPOINT = "no endpoint"  # the target advertises none: nothing to send, done
FAILED = "failed"  # kept and tried again at the next run
REFUSED = "refused"  # the endpoint said no (4xx): not sent again until the item changes
# Why these are failures, not refusals: they say "later", not "no".
RETRY_LATER = {408, 425, 429}


@dataclass(frozen=True)
class Result:
    """What became of one source → target mention."""

    status: str  # SENT, NO_ENDPOINT, REFUSED or FAILED
    detail: str  # the endpoint and its answer, or why it failed
    endpoint: str = ""

    @property
    def done(self) -> bool:
        """Whether nothing is left to do for this target (sent, refused, or no endpoint)."""
        return self.status != FAILED


def _is_refusal(code: int) -> bool:
    """Whether an endpoint's answer says no (a 4xx that does not mean "later")."""
    return 400 <= code < 500 and code not in RETRY_LATER


def _first_words(response: httpx.Response, limit: int = 300) -> str:
    """ ": " and the start of a refusal's body, on one line; "" when it says nothing."""
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= limit:
            break
    words = " ".join(body[:limit].decode("utf-8", "replace").split())[:200]
    return f": {words}" if words else ""


def post(endpoint: str, source: str, target: str, limits: Limits) -> Result:
    """POST ``source`` and ``target`` form-encoded to ``endpoint``; 2xx is sent."""
    try:
        # Why no redirects: a 3xx is not an acceptance, and the endpoint's own URL
        # (its query string too) is used exactly as discovered.
        # Why a stream left unread: the answer is its status; a body of gigabytes, or
        # one that never ends, must neither fill the memory nor turn a 202 into a timeout.
        with (
            pinned_client(
                limits.timeout, limits.allow_private, headers={"User-Agent": USER_AGENT}
            ) as client,
            client.stream("POST", endpoint, data={"source": source, "target": target}) as response,
        ):
            said = _first_words(response) if _is_refusal(response.status_code) else ""
    except Refusal as refusal:
        return Result(FAILED, f"endpoint {endpoint}: {refusal.reason}", endpoint)
    except httpx.HTTPError as error:
        return Result(FAILED, f"endpoint {endpoint}: {describe_http_error(error)}", endpoint)
    code = response.status_code
    if 200 <= code < 300:
        noted = {201: "created", 202: "accepted"}.get(code, "ok")
        location = response.headers.get("location", "")
        status_page = f", status at {location}" if code == 201 and location else ""
        return Result(SENT, f"{endpoint} answered {code} {noted}{status_page}", endpoint)
    if _is_refusal(code):
        return Result(REFUSED, f"endpoint {endpoint} answered {code}{said}", endpoint)
    return Result(FAILED, f"endpoint {endpoint} answered {code}", endpoint)


def send(source: str, target: str, limits: Limits) -> Result:
    """Discover ``target``'s endpoint and send it the mention; never raises for the network."""
    try:
        endpoint = discover(target, limits)
    except TargetGoneError as error:
        return Result(REFUSED, f"reading the target: {error}")
    except DiscoveryError as error:
        return Result(FAILED, f"reading the target: {error}")
    if not endpoint:
        return Result(NO_ENDPOINT, "the target advertises no Webmention endpoint")
    return post(endpoint, source, target, limits)
