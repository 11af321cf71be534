"""Nothing lost: kill -9 under load keeps every accepted comment; the whole flow to the page."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import free_port, wait_for_port
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig, manifest_location
from socialhub.comments.moderation import approve
from socialhub.comments.queue import Queue, Submission

SERVER = """
import sys
from pathlib import Path
from waitress import serve
from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
root = Path(sys.argv[1])
config = CommentsConfig(queue_dir=root / "queue", content_dir=root / "content",
    manifest_path=root / "manifest.json", site_url="http://127.0.0.1:8000",
    allowed_origins=("http://127.0.0.1:8000",), rate_limit_count=100000)
serve(create_app(config), host="127.0.0.1", port=int(sys.argv[2]), threads=8, _quiet=True)
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep the 303 as the answer."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Do not follow."""
        return


@pytest.mark.slow
def test_kill_minus_nine_under_load_loses_no_accepted_comment(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """Every comment answered 303 is in the queue, whole; no half-written file anywhere."""
    (tmp_path / "manifest.json").write_bytes(config.manifest_path.read_bytes())
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(tmp_path), str(port)])
    opener = urllib.request.build_opener(NoRedirect)
    wait_for_port(port, 30)
    deadline = time.monotonic() + 30
    accepted: list[str] = []

    def post(number: int) -> None:
        data = urllib.parse.urlencode(
            {"item": "first-post", "author": f"Reader {number}", "body": f"Comment {number} " * 20}
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/comments",
            data=data,
            headers={"Origin": "http://127.0.0.1:8000"},
        )
        try:
            opener.open(request, timeout=5)
        except urllib.error.HTTPError as answer:
            if answer.code == 303:
                accepted.append(f"Reader {number}")
            answer.close()
        except OSError:
            pass  # the server died under us: not accepted, nothing promised

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(post, number) for number in range(400)]
        while len(accepted) < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)
        for future in futures:
            future.result(timeout=30)
    server.wait(timeout=10)
    assert len(accepted) >= 100
    queued = list(Queue(tmp_path / "queue").list())  # every file parses, or this raises
    authors = {submission.author for submission in queued}
    assert set(accepted) <= authors
    assert list((tmp_path / "queue" / "pending").glob("*.tmp")) == []
    Queue(tmp_path / "queue").clean_temporary(older_than=0)  # a later restart, on tmp/
    assert list((tmp_path / "queue" / "tmp").iterdir()) == []
    for path in (tmp_path / "queue" / "pending").iterdir():
        Submission.from_json(path.read_bytes())


@pytest.mark.slow
def test_a_comment_goes_from_the_form_to_the_published_page(
    minimal_copy: Path, build, tmp_path: Path
) -> None:
    """Build → post through the service → approve → rebuild: the comment is on the page."""
    output = build(minimal_copy)
    manifest = manifest_location({"OUTPUT_PATH": str(output)})
    assert not (output / "comments-manifest.json").exists()  # not published
    assert json.loads(manifest.read_text())["items"]["first-post"]["comments_open"] is True
    config = CommentsConfig(
        queue_dir=tmp_path / "queue", content_dir=minimal_copy, manifest_path=manifest
    )
    service = create_app(config)
    answer = Client(service).post(
        "/comments",
        data={
            "item": "first-post",
            "author": "Nora",
            "body": "Lovely *post*. <b>bold?</b>",
            "reply_to": "c-20261102-bbbb",
        },
        headers={"Origin": "http://127.0.0.1:8000"},
    )
    service.close()
    assert answer.status_code == 303
    [submission] = Queue(config.queue_dir).list()
    approve(config, [submission.id])
    build(minimal_copy)
    page = BeautifulSoup((output / "posts/first-post/index.html").read_text(), "lxml")
    comment = page.find(id=f"comment-{submission.id}")
    assert comment is not None
    assert comment.find("em").get_text() == "post"
    assert "<b>bold?</b>" in comment.get_text()  # shown as text, never as markup
    parent = comment.find_parent("li").find_parent("li").find("article")
    assert parent["id"] == "comment-c-20261102-bbbb"  # threaded under the comment it answers
