"""Items' objects kept between builds: a rebuild makes only what changed, as a clean build would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import build_site

from socialhub.activitypub import announce, documents
from socialhub.activitypub.documents import objects_path, read_objects
from socialhub.activitypub.objectcache import delivery_bytes, delivery_lines, entry_line

POST = "night-mode-update"


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the items whose object a build made (item_object counted)."""
    calls: list[str] = []
    original = documents.item_object

    def counted(site: Any, item: Any, info: Any, fed: Any) -> dict[str, Any]:
        calls.append(item.slug)
        return original(site, item, info, fed)

    monkeypatch.setattr(documents, "item_object", counted)
    return calls


def _settings(output: Path) -> dict[str, str]:
    return {"OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / f".cache-{output.name}")}


def _objects(output: Path) -> dict[str, tuple[bytes, int]]:
    """Every object file: its bytes and its modification time."""
    folder = output / "fediverse" / "objects"
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in folder.rglob("index.json")
    }


def _fingerprints(output: Path) -> dict[str, str]:
    _actor, entries = read_objects(_settings(output))
    return {entry["id"]: entry["fingerprint"] for entry in entries}


def _build(sample_copy: Path, output: Path, **settings: object) -> Path:
    keys = output.parent / "keys"  # one key pair for every output folder of a test
    return build_site(sample_copy, output, ACTIVITYPUB_KEYS_DIR=str(keys), **settings)


def test_a_rebuild_without_change_makes_no_object_and_writes_nothing(
    sample_copy: Path, tmp_path: Path, made: list[str]
) -> None:
    """No object made, no object file, outbox or delivery file written again."""
    output = _build(sample_copy, tmp_path / "output")
    assert len(made) > 20
    before = _objects(output)
    delivery = objects_path(_settings(output))
    outbox = output / "fediverse" / "outbox.json"
    stamps = (delivery.stat().st_mtime_ns, outbox.stat().st_mtime_ns)
    made.clear()
    _build(sample_copy, output)
    assert made == []
    assert _objects(output) == before
    assert (delivery.stat().st_mtime_ns, outbox.stat().st_mtime_ns) == stamps


def test_one_changed_item_makes_only_its_object(
    sample_copy: Path, tmp_path: Path, made: list[str]
) -> None:
    """Its file and its delivery entry change; every other object file keeps its bytes and time."""
    output = _build(sample_copy, tmp_path / "output")
    before, fingerprints = _objects(output), _fingerprints(output)
    post = sample_copy / "posts" / f"{POST}.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA line the editor added.\n", "utf-8")
    made.clear()
    _build(sample_copy, output)
    assert made == [POST]
    after = _objects(output)
    mine = f"posts/{POST}/index.json"
    assert "A line the editor added." in json.loads(after[mine][0])["content"]
    assert {name for name in after if after[name] != before[name]} == {mine}
    now = _fingerprints(output)
    assert {url for url in now if now[url] != fingerprints[url]} == {
        f"http://127.0.0.1:8000/posts/{POST}/"
    }
    outbox = json.loads((output / "fediverse" / "outbox.json").read_text(encoding="utf-8"))
    shown = [create["object"] for create in outbox["orderedItems"]]
    assert any("A line the editor added." in obj["content"] for obj in shown)

    clean = _build(sample_copy, tmp_path / "clean")
    assert {name: data for name, (data, _time) in _objects(clean).items()} == {
        name: data for name, (data, _time) in after.items()
    }
    delivered = objects_path(_settings(output)).read_bytes()
    assert objects_path(_settings(clean)).read_bytes() == delivered
    # The delivery reads the rebuilt file as it read the old one: every item, the new text.
    _actor, built = announce.read_objects(objects_path(_settings(output)))
    assert [b.fingerprint for b in built] == list(now.values())
    assert "A line the editor added." in next(b for b in built if POST in b.id).object["content"]
    for name in ("outbox.json", "actor.json"):
        rebuilt = (output / "fediverse" / name).read_bytes()
        assert (clean / "fediverse" / name).read_bytes() == rebuilt


@pytest.mark.parametrize("cache", ["kept", "deleted"])
def test_a_removed_item_loses_its_object_file(
    sample_copy: Path, tmp_path: Path, cache: str
) -> None:
    """Its file and its empty folder go, and the delivery no longer lists it (record or not)."""
    output = _build(sample_copy, tmp_path / "output")
    shoutout = next((sample_copy / "follow-friday").glob("*.md"))
    slug = shoutout.stem
    folder = output / "fediverse" / "objects" / "follow-friday" / slug
    assert (folder / "index.json").is_file()
    shoutout.unlink()
    if cache == "deleted":
        # The fediverse's own files only: the pages' records are another cache's business.
        records = list((output.parent / f".cache-{output.name}").glob("fediverse-objects-*"))
        assert len(records) == 2  # the delivery file and the record
        for record in records:
            record.unlink()
    _build(sample_copy, output)
    assert not folder.exists()
    assert not any(slug in url for url in _fingerprints(output))
    clean = _build(sample_copy, tmp_path / "clean")
    assert sorted(_objects(output)) == sorted(_objects(clean))


def test_a_lost_object_file_or_delivery_file_is_written_again(
    sample_copy: Path, tmp_path: Path, made: list[str]
) -> None:
    """A file deleted from the output or the cache comes back with the same bytes."""
    output = _build(sample_copy, tmp_path / "output")
    before = _objects(output)
    delivery = objects_path(_settings(output))
    kept = delivery.read_bytes()
    lost = output / "fediverse" / "objects" / "posts" / POST / "index.json"
    lost.unlink()
    made.clear()
    _build(sample_copy, output)
    assert made == [POST]
    assert lost.read_bytes() == before[f"posts/{POST}/index.json"][0]
    delivery.unlink()
    _build(sample_copy, output)
    assert delivery.read_bytes() == kept
    shutil.rmtree(output)
    _build(sample_copy, output)
    assert {name: data for name, (data, _t) in _objects(output).items()} == {
        name: data for name, (data, _t) in before.items()
    }


def test_the_base_url_makes_every_object_again(
    sample_copy: Path, tmp_path: Path, made: list[str]
) -> None:
    """Every object names the site's address: a new one makes them all, with the new ids."""
    output = _build(sample_copy, tmp_path / "output")
    count = len(made)
    made.clear()
    _build(sample_copy, output, SITEURL="https://hub.example.com")
    assert len(made) == count
    assert all(url.startswith("https://hub.example.com/") for url in _fingerprints(output))
    mine_file = output / "fediverse" / "objects" / "posts" / POST / "index.json"
    mine = json.loads(mine_file.read_text(encoding="utf-8"))
    assert mine["id"] == f"https://hub.example.com/posts/{POST}/"


def test_the_account_name_changes_the_actor_not_the_objects(
    sample_copy: Path, tmp_path: Path, made: list[str]
) -> None:
    """ACTIVITYPUB_NAME is the actor's: its document changes, no object is made again."""
    output = _build(sample_copy, tmp_path / "output")
    before = _objects(output)
    made.clear()
    _build(sample_copy, output, ACTIVITYPUB_NAME="Lumen on the fediverse")
    actor = json.loads((output / "fediverse" / "actor.json").read_text(encoding="utf-8"))
    assert actor["name"] == "Lumen on the fediverse"
    assert made == []
    assert _objects(output) == before


def test_the_company_name_makes_every_object_again(
    sample_copy: Path, tmp_path: Path, made: list[str]
) -> None:
    """The site's facts (SiteInfo) are inputs of every object: a change makes them all again."""
    output = _build(sample_copy, tmp_path / "output")
    count = len(made)
    made.clear()
    _build(sample_copy, output, COMPANY_NAME="Lumen Phones")
    assert len(made) == count


def test_delivery_entries_are_one_a_line_and_read_back_whole() -> None:
    """Newlines and line separators inside an object stay escaped: one entry, one line."""
    objects = [
        {"id": "https://hub.example/a/", "content": "<p>one\ntwo\u2028three</p>"},
        {"id": "https://hub.example/b/", "content": "<p>\u00e6\u00f8\u00e5, done.</p>"},
    ]
    lines = [entry_line(obj, f"{number:032x}") for number, obj in enumerate(objects)]
    data = delivery_bytes("https://hub.example/fediverse/actor.json", lines)
    assert delivery_lines(data, 2) == lines
    assert delivery_lines(data, 3) is None  # not the file the record describes
    read = json.loads(data)
    assert [entry["object"] for entry in read["objects"]] == objects
    assert read["objects"][1]["fingerprint"] == f"{1:032x}"
    empty = delivery_bytes("https://hub.example/fediverse/actor.json", [])
    assert json.loads(empty)["objects"] == [] and delivery_lines(empty, 0) == []
