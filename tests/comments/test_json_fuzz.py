"""Fuzzing the comment service: malformed requests get a 4xx with a reason, never a 500.

10,000 requests go through the WSGI app in-process (hypothesis, werkzeug's test
Client), a smaller random run through a real waitress server. Every answer is
checked: no 500, no traceback in the log, a sentence in every refusal, and an
answer that says "accepted" (303 or 202) names a comment that is in the queue.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from waitress.server import create_server
from werkzeug.test import Client

from socialhub.comments.app import CommentService, create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.jsonbody import MAX_DEPTH, nesting_depth
from socialhub.comments.queue import Queue

EXAMPLES = 2_000
REQUESTS_PER_EXAMPLE = 5  # 10,000 requests in all
ANSWERS = {200, 202, 303, 400, 403, 404, 405, 413, 415, 422, 429}


class Tracebacks(logging.Handler):
    """Keeps every log record that carries a traceback or says ERROR."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the bad ones."""
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(record)


@pytest.fixture
def tracebacks() -> Iterator[Tracebacks]:
    """The service's log records with a traceback, for the test to assert there are none."""
    handler = Tracebacks()
    logger = logging.getLogger("socialhub.comments")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


SITE = "http://127.0.0.1:8000"


def fuzz_service(config: CommentsConfig) -> CommentService:
    """A service with a limit high enough that accepted comments keep coming."""
    return create_app(replace(config, rate_limit_count=1_000_000, webmention_timeout=0.5))


# --- what a fuzzer sends ----------------------------------------------------------

TEXT = st.text(max_size=60)
SCALAR = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
JSON_VALUE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
COMMENT = st.fixed_dictionaries(
    {
        "item": st.sampled_from(["first-post", "closed-post", "first-film", "nope", ""]) | TEXT,
        "author": st.sampled_from(["Sam", "  Sam  Reader ", "\x00", ""]) | TEXT,
        "body": st.sampled_from(["Hello", "a\r\nb", "\x01\x02", "[[[[", ""]) | TEXT,
    },
    optional={
        "website": st.sampled_from(["https://a.example/", "javascript:x", ""]) | TEXT,
        "reply_to": st.sampled_from(["c-20261102-aaaa", "../x", ""]) | TEXT,
        "homepage": st.sampled_from(["", "http://spam.example/"]),
        "extra": JSON_VALUE,
    },
)


@st.composite
def deep_json(draw: st.DrawFn) -> str:
    """Nesting from a few levels to far past the parser's recursion limit."""
    depth = draw(st.integers(1, 30_000))
    shape = draw(st.sampled_from(["list", "object", "open", "in-string", "in-field"]))
    if shape == "list":
        return "[" * depth + "]" * depth
    if shape == "object":
        return '{"a":' * depth + "1" + "}" * depth
    if shape == "open":
        return "[" * depth
    if shape == "in-string":  # brackets inside a string are text, not nesting
        return json.dumps({"item": "first-post", "author": "Sam", "body": "[" * depth})
    return (
        '{"item":"first-post","author":"Sam","body":"x","extra":' + "[" * depth + "]" * depth + "}"
    )


JSON_BODY = (
    st.builds(json.dumps, COMMENT)
    | st.builds(json.dumps, JSON_VALUE)
    | deep_json()
    | st.sampled_from(
        [
            '{"item":"first-post","author":"\\ud800","body":"x"}',
            '{"\\udfff":"x"}',
            '{"item":"first-post","author":"Sam","body":1e99999}',
            '{"item":"first-post","author":"Sam","body":' + "9" * 5000 + "}",
            "",
            "null",
            '"\\',
        ]
    )
)
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
ORIGINS = st.sampled_from([SITE, "null", "https://evil.example", None, "http://[::1", ""])
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "text/plain",
        None,
    ]
) | HEADER_TEXT.map(lambda text: text or None)
PATHS = st.sampled_from(
    ["/comments", "/api/comments", "/webmention", "/health", "/comments/", "/api/", "/"]
) | HEADER_TEXT.map(lambda text: "/" + text.replace("?", "").replace("#", "").lstrip("/"))
# Why lstrip last: "?/x" would become "//x", which the test client reads as a host.


@st.composite
def fuzzed_request(draw: st.DrawFn) -> dict:
    """One request: method, path, headers and a body of some kind."""
    headers = {}
    for name, values in (("Origin", ORIGINS), ("Referer", ORIGINS)):
        value = draw(values)
        if value is not None:
            headers[name] = value
    if draw(st.booleans()):
        headers["X-Forwarded-For"] = draw(HEADER_TEXT)
    kind = draw(st.sampled_from(["json", "form", "raw"]))
    request: dict = {
        "method": draw(st.sampled_from(["POST"] * 6 + ["GET", "HEAD", "PUT", "OPTIONS"])),
        "path": draw(PATHS),
        "headers": headers,
    }
    if kind == "json":
        request["data"] = draw(JSON_BODY)
        request["content_type"] = draw(CONTENT_TYPES | st.just("application/json"))
    elif kind == "form":
        fields = draw(COMMENT | st.dictionaries(TEXT, TEXT, max_size=4))
        request["data"] = {key: str(value) for key, value in fields.items()}
    else:
        request["data"] = draw(st.binary(max_size=300))
        request["content_type"] = draw(CONTENT_TYPES)
    return request


# --- what every answer must be --------------------------------------------------------


def check_answer(status: int, headers: dict[str, str], body: bytes, queue: Queue) -> None:
    """No 500; a reason in every refusal; an accepted answer names a queued comment."""
    headers = {name.lower(): value for name, value in headers.items()}
    assert status in ANSWERS, (status, body[:300])
    assert b"Traceback" not in body
    if status == 303:
        identifier = headers["x-comment-id"]
        assert f"id={identifier}" in headers["location"]
        assert queue.has(identifier), f"answered 303 but {identifier} is not in the queue"
    elif status == 202 and "x-comment-id" in headers:
        assert queue.has(headers["x-comment-id"])
    elif not body:
        assert status in (200, 202) or status >= 400  # HEAD: the answer without its body
    elif headers.get("content-type", "").startswith("application/json"):
        assert status < 400 or json.loads(body)["error"].strip()
    elif status >= 400:
        assert b"<p>" in body and b"</p>" in body


@pytest.mark.slow
def test_ten_thousand_fuzzed_requests_get_no_500_and_no_traceback(
    tracebacks: Tracebacks, config: CommentsConfig
) -> None:
    """2,000 hypothesis examples of 5 requests each through the WSGI app."""
    service = fuzz_service(config)
    client = Client(service)
    queue = Queue(config.queue_dir)
    sent = [0]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(fuzzed_request(), min_size=REQUESTS_PER_EXAMPLE, max_size=5))
    def run(requests: list[dict]) -> None:
        for request in requests:
            answer = client.open(**request)
            sent[0] += 1
            check_answer(answer.status_code, dict(answer.headers), answer.get_data(), queue)

    try:
        run()
    finally:
        service.close()
    assert sent[0] >= 10_000
    assert tracebacks.records == []


def test_deep_nesting_is_refused_with_a_reason(client: Client) -> None:
    """The RecursionError of the issue: bodies nested 10,000 deep and more are a 400, not a 500."""
    for body in ("[" * 20_000 + "]" * 20_000, '{"a":' * 10_000 + "1" + "}" * 10_000):
        answer = client.post("/api/comments", data=body, content_type="application/json")
        assert answer.status_code == 400, answer.get_data()
        assert "nested too deeply" in answer.get_json()["error"]


def test_brackets_inside_text_are_not_nesting(client: Client, config: CommentsConfig) -> None:
    """A comment about code may hold any number of brackets in its text."""
    body = {"item": "first-post", "author": "Sam", "body": '[[[{{{ "quoted [" ' * 50}
    answer = client.post("/api/comments", json=body)
    assert answer.status_code == 202
    assert Queue(config.queue_dir).has(answer.headers["X-Comment-Id"])
    assert nesting_depth(json.dumps(body)) == 1
    assert nesting_depth("[" * (MAX_DEPTH + 10)) == MAX_DEPTH + 1  # stops counting early


def test_text_that_utf8_cannot_store_is_refused(client: Client, config: CommentsConfig) -> None:
    """A lone surrogate (\\ud800) in a field is refused, not a crash when it is written."""
    answer = client.post(
        "/api/comments",
        data='{"item":"first-post","author":"\\ud800","body":"x"}',
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "not valid Unicode" in answer.get_json()["error"]
    assert list(Queue(config.queue_dir).list()) == []


def test_nested_values_are_refused_by_name(client: Client) -> None:
    """A field that is a list or an object is named, not turned into its Python repr."""
    answer = client.post(
        "/api/comments", json={"item": "first-post", "author": ["Sam"], "body": "x"}
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"] == 'The field "author" must be text, not a list or an object.'


def test_only_an_accepted_comment_answers_303(client: Client, config: CommentsConfig) -> None:
    """A 303 names the stored comment, found by id; a refusal never redirects."""
    form = {"item": "first-post", "author": "  Sam \t Reader ", "body": "a\r\nb\x01"}
    accepted = client.post("/comments", data=form, headers={"Origin": SITE})
    assert accepted.status_code == 303
    identifier = accepted.headers["X-Comment-Id"]
    stored = Queue(config.queue_dir).get(identifier)
    assert stored is not None  # found by id, though its fields were normalised
    assert (stored.author, stored.body) == ("Sam Reader", "a\nb")
    assert f"&id={identifier}#" in accepted.headers["Location"]
    refused = client.post("/comments/", data=form, headers={"Origin": SITE})
    assert refused.status_code == 404
    assert "Location" not in refused.headers
    for change in ({"author": ""}, {"homepage": "x"}, {"item": "closed-post"}):
        refused = client.post("/comments", data={**form, **change}, headers={"Origin": SITE})
        assert 400 <= refused.status_code < 500 and "Location" not in refused.headers
    assert [s.id for s in Queue(config.queue_dir).list()] == [identifier]


@pytest.mark.slow
def test_a_real_server_answers_random_requests_without_a_500(
    tracebacks: Tracebacks, config: CommentsConfig
) -> None:
    """600 random requests (a fixed seed) over HTTP to waitress on a free port."""
    rng = random.Random(20261202)
    service = fuzz_service(config)
    server = create_server(service, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    queue = Queue(config.queue_dir)
    bodies = [
        lambda: "[" * rng.randint(1, 40_000),
        lambda: '{"a":' * rng.randint(1, 20_000),
        lambda: json.dumps({"item": "first-post", "author": "Sam", "body": "x" * 50}),
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200))),
        lambda: "item=first-post&author=Sam&body=" + "%" * rng.randint(0, 50),
    ]
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            for _ in range(600):
                answer = http.request(
                    rng.choice(["POST", "POST", "POST", "GET", "PUT"]),
                    rng.choice(["/comments", "/api/comments", "/webmention", "/health"]),
                    content=rng.choice(bodies)(),
                    headers={
                        "Content-Type": rng.choice(
                            ["application/json", "application/x-www-form-urlencoded", "x/y"]
                        ),
                        "Origin": rng.choice([SITE, "null", "https://evil.example"]),
                    },
                )
                check_answer(answer.status_code, dict(answer.headers), answer.content, queue)
    finally:
        server.close()
        thread.join(timeout=10)
        service.close()
    assert tracebacks.records == []
