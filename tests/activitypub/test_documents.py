"""The fediverse documents of the sample hub, read as a Mastodon server reads them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives import serialization
from helpers import SAMPLE, build_site
from pyld import jsonld
from pyld.documentloader.frozen import FrozenDocumentLoader

from socialhub.activitypub.documents import objects_path, read_objects
from socialhub.activitypub.keys import load_keys
from socialhub.activitypub.objects import PUBLIC

BASE = "http://127.0.0.1:8000"


def _read(output: Path, site_path: str) -> dict[str, Any]:
    return json.loads((output / site_path).read_text(encoding="utf-8"))


def _file_of(output: Path, url: str) -> Path:
    """The output file an absolute URL of the preview names (index.html for a folder)."""
    assert url.startswith(BASE + "/"), url
    path = output / urlsplit(url).path.lstrip("/")
    return path / "index.html" if url.endswith("/") else path


def test_webfinger_names_the_account_and_its_actor(sample_output: Path) -> None:
    """The JRD's subject is the account; its self link is the actor, as Mastodon looks it up."""
    jrd = _read(sample_output, ".well-known/webfinger")
    assert jrd["subject"] == "acct:hub@127.0.0.1:8000"
    selves = [link for link in jrd["links"] if link["rel"] == "self"]
    assert selves == [
        {
            "rel": "self",
            "type": "application/activity+json",
            "href": f"{BASE}/fediverse/actor.json",
        }
    ]
    assert f"{BASE}/fediverse/actor.json" in jrd["aliases"]
    host_meta = (sample_output / ".well-known" / "host-meta").read_text(encoding="utf-8")
    assert "/.well-known/webfinger?resource={uri}" in host_meta


def test_the_actor_carries_the_key_of_the_keys_folder(sample_output: Path) -> None:
    """publicKeyPem loads and is the public half of the key the service signs with."""
    actor = _read(sample_output, "fediverse/actor.json")
    assert actor["type"] == "Service"
    assert actor["id"] == f"{BASE}/fediverse/actor.json"
    assert actor["preferredUsername"] == "hub"
    assert actor["name"] == "Lumen Mobile"
    assert actor["inbox"] == f"{BASE}/inbox"
    assert actor["endpoints"]["sharedInbox"] == f"{BASE}/inbox"
    assert actor["followers"] == f"{BASE}/fediverse/followers"
    assert actor["outbox"] == f"{BASE}/fediverse/outbox.json"
    assert actor["manuallyApprovesFollowers"] is False
    assert actor["discoverable"] is True
    key = actor["publicKey"]
    assert key["id"] == f"{BASE}/fediverse/actor.json#main-key"
    assert key["owner"] == actor["id"]
    published = serialization.load_pem_public_key(key["publicKeyPem"].encode("ascii"))
    # build_site keeps the keys beside the output (tests/helpers.py).
    kept = load_keys(sample_output.parent / f".keys-{sample_output.name}")
    assert published.public_numbers() == kept.private_key.public_key().public_numbers()
    assert _file_of(sample_output, actor["icon"]["url"]).is_file()
    assert actor["icon"]["mediaType"] == "image/png"


def test_the_outbox_lists_the_latest_items_as_creates(sample_output: Path) -> None:
    """Each entry is a Create of an Article or a Note whose URL is a page of the site."""
    outbox = _read(sample_output, "fediverse/outbox.json")
    assert outbox["type"] == "OrderedCollection"
    items = outbox["orderedItems"]
    assert len(items) == outbox["totalItems"] == 20
    kinds = set()
    for create in items:
        obj = create["object"]
        kinds.add((urlsplit(obj["url"]).path.split("/")[1], obj["type"]))
        assert create["type"] == "Create"
        assert create["id"] == obj["id"] + "#create"
        assert create["actor"] == obj["attributedTo"] == f"{BASE}/fediverse/actor.json"
        assert obj["to"] == [PUBLIC]
        assert obj["cc"] == [f"{BASE}/fediverse/followers"]
        assert _file_of(sample_output, obj["url"]).is_file(), obj["url"]
        assert obj["published"].endswith("Z")
        for attachment in obj["attachment"]:
            if attachment["type"] == "Image":
                assert _file_of(sample_output, attachment["url"]).is_file()
                assert attachment["name"], "an image without alt text"
                assert attachment["mediaType"].startswith("image/")
        for tag in obj["tag"]:
            assert tag["type"] == "Hashtag"
            assert tag["name"].startswith("#") and " " not in tag["name"]
            assert _file_of(sample_output, tag["href"]).is_file(), tag["href"]
        # Links in the content are absolute: a follower's server has no base to resolve them.
        for element in BeautifulSoup(obj["content"], "lxml").find_all(["a", "img"]):
            address = element.get("href") or element.get("src")
            assert urlsplit(address).scheme in {"http", "https", "mailto"}, address
    assert kinds >= {("posts", "Article"), ("follow-friday", "Note")}
    # Comments are not items: none reaches the outbox.
    assert not any("#comment-" in create["object"]["id"] for create in items)


def test_shoutout_pictures_and_video_posters_are_attachments(sample_output: Path) -> None:
    """Every #FF image is attached with its alt text; a video Note attaches its poster."""
    _actor, entries = read_objects(
        {"OUTPUT_PATH": str(sample_output), "CACHE_PATH": str(_cache(sample_output))}
    )
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_kind.setdefault(urlsplit(entry["id"]).path.split("/")[1], []).append(entry["object"])
    shoutout = by_kind["follow-friday"][0]
    page = BeautifulSoup(_file_of(sample_output, shoutout["url"]).read_text(), "lxml")
    alts = {img["alt"] for img in page.select("img[alt]") if img["alt"]}
    assert {a["name"] for a in shoutout["attachment"]} <= alts
    video = by_kind["videos"][0]
    assert video["type"] == "Note"
    assert [a for a in video["attachment"] if a["type"] == "Image"], "no poster"
    assert "summary" not in video  # Mastodon would show it as a content warning


def _cache(output: Path) -> Path:
    return output.parent / f".cache-{output.name}"


def test_every_item_has_an_object_file_and_a_fingerprint(sample_output: Path) -> None:
    """The delivery's list holds every item, not only the outbox's, each with its file."""
    settings = {"OUTPUT_PATH": str(sample_output), "CACHE_PATH": str(_cache(sample_output))}
    assert objects_path(settings).is_file()
    actor, entries = read_objects(settings)
    assert actor == f"{BASE}/fediverse/actor.json"
    assert len(entries) > 20
    assert len({entry["fingerprint"] for entry in entries}) == len(entries)
    for entry in entries:
        page = _file_of(sample_output, entry["id"])
        assert page.is_file(), entry["id"]
        folder = page.parent.relative_to(sample_output)
        object_file = sample_output / "fediverse" / "objects" / folder / "index.json"
        alone = json.loads(object_file.read_text(encoding="utf-8"))
        assert alone.pop("@context")
        assert alone == entry["object"]


@pytest.mark.parametrize("name", ["actor.json", "outbox.json"])
def test_the_documents_expand_as_json_ld(sample_output: Path, name: str) -> None:
    """pyld expands them with the ActivityStreams and security contexts (bundled, offline)."""
    document = _read(sample_output, f"fediverse/{name}")
    expanded = jsonld.expand(document, {"documentLoader": FrozenDocumentLoader()})
    assert expanded
    types = {t for node in expanded for t in node.get("@type", [])}
    assert types & {
        "https://www.w3.org/ns/activitystreams#Service",
        "https://www.w3.org/ns/activitystreams#OrderedCollection",
    }
    if name == "actor.json":
        key = expanded[0]["https://w3id.org/security#publicKey"][0]
        assert "https://w3id.org/security#publicKeyPem" in key


def test_a_hostile_body_reaches_the_json_cleaned(tmp_path: Path) -> None:
    """A script or an event handler in a company post's Markdown never reaches its object."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    post = next((content / "posts").glob("*.md"))
    text = post.read_text(encoding="utf-8")
    post.write_text(
        text
        + '\n\n<script>alert("x")</script>'
        + '<img src="/images/brand/logo.png" alt="The logo" onerror="alert(1)">'
        + '<a href="javascript:alert(2)">click</a>\n',
        encoding="utf-8",
    )
    output = build_site(content, tmp_path / "output")
    settings = {"OUTPUT_PATH": str(output), "CACHE_PATH": str(_cache(output))}
    _actor, entries = read_objects(settings)
    whole = json.dumps(entries)
    assert "<script" not in whole
    assert "onerror" not in whole
    assert "javascript:" not in whole
    outbox = (output / "fediverse" / "outbox.json").read_text(encoding="utf-8")
    assert "<script" not in outbox and "onerror" not in outbox


def test_no_account_no_documents(tmp_path: Path) -> None:
    """Without ACTIVITYPUB_ACCOUNT the build writes no fediverse file and no key."""
    minimal = Path(__file__).resolve().parents[1] / "data" / "sites" / "minimal" / "content"
    output = build_site(minimal, tmp_path / "output", ACTIVITYPUB_ACCOUNT="")
    assert not (output / "fediverse").exists()
    assert not (output / ".well-known" / "webfinger").exists()
    assert not (tmp_path / ".keys-output").exists()


def test_item_pages_point_at_their_object_and_the_footer_names_the_account(
    sample_output: Path,
) -> None:
    """An item's page links its ActivityPub object; every page says whom to follow."""
    outbox = _read(sample_output, "fediverse/outbox.json")
    for create in outbox["orderedItems"][:5]:
        page = BeautifulSoup(_file_of(sample_output, create["object"]["url"]).read_text(), "lxml")
        link = page.find("link", rel="alternate", type="application/activity+json")
        assert link is not None, create["object"]["url"]
        assert (
            json.loads(_file_of(sample_output, link["href"]).read_text())["id"]
            == (create["object"]["id"])
        )
    home = BeautifulSoup((sample_output / "index.html").read_text(encoding="utf-8"), "lxml")
    assert home.find("link", type="application/activity+json") is None  # not an item
    footer = home.select_one(".site-footer__fediverse")
    assert footer is not None
    assert "@hub@127.0.0.1:8000" in footer.get_text()
