"""The hub's key pair and the signatures it makes, checked as a receiving server would."""

from __future__ import annotations

import base64
import stat

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from socialhub.activitypub.config import fediverse_config
from socialhub.activitypub.deliveryqueue import DeliveryQueue
from socialhub.activitypub.followers import Followers
from socialhub.activitypub.keys import create_keys, load_keys, load_or_create_keys
from socialhub.activitypub.signing import body_digest, signed_headers, signing_string
from socialhub.errors import ConfigError


def test_the_key_is_made_once_and_its_private_half_is_the_owners_only(tmp_path):
    """A second call reads the same key; the private file is mode 0600."""
    first = load_or_create_keys(tmp_path / "keys")
    second = load_or_create_keys(tmp_path / "keys")
    assert first.public_pem == second.public_pem
    assert "BEGIN PUBLIC KEY" in first.public_pem
    mode = stat.S_IMODE((tmp_path / "keys" / "private.pem").stat().st_mode)
    assert mode == 0o600


def test_rotation_keeps_the_old_pair(tmp_path):
    """Rotating makes a new key and keeps the old one beside it."""
    old = create_keys(tmp_path)
    new = create_keys(tmp_path, rotate=True)
    assert old.public_pem != new.public_pem
    assert (tmp_path / "public.pem.old").read_text() == old.public_pem


def test_a_missing_key_says_which_command_makes_it(tmp_path):
    """No traceback: the error names the file and the command."""
    with pytest.raises(ConfigError, match=r"invoke fediverse\.keys"):
        load_keys(tmp_path)


def test_a_signed_post_verifies_with_the_public_key(tmp_path):
    """The Signature covers (request-target), host, date and the body's digest."""
    keys = create_keys(tmp_path)
    body = b'{"type": "Create"}'
    url = "https://social.example/users/ana/inbox"
    headers = signed_headers(
        "POST", url, body, "https://hub.example/actor#main-key", keys.private_key
    )
    assert headers["Host"] == "social.example"
    assert headers["Digest"] == body_digest(body)
    fields = dict(part.split("=", 1) for part in headers["Signature"].split(","))
    assert fields["headers"] == '"(request-target) host date digest"'
    signature = base64.b64decode(fields["signature"].strip('"'))
    text = signing_string("POST", url, headers, ("(request-target)", "host", "date", "digest"))
    assert text.startswith("(request-target): post /users/ana/inbox\nhost: social.example\n")
    public = serialization.load_pem_public_key(keys.public_pem.encode())
    public.verify(signature, text.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
    with pytest.raises(InvalidSignature):
        public.verify(signature, text.encode() + b"x", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]


def test_the_account_gives_every_address():
    """The actor, key, inbox and WebFinger resource all follow from the account and site."""
    config = fediverse_config(
        {"ACTIVITYPUB_ACCOUNT": "@hub@hub.example", "SITEURL": "https://hub.example/"}
    )
    assert config is not None
    assert config.resource == "acct:hub@hub.example"
    assert config.key_id == "https://hub.example/fediverse/actor.json#main-key"
    assert config.inbox_url == "https://hub.example/inbox"
    assert fediverse_config({}) is None
    with pytest.raises(ConfigError, match="user@domain"):
        fediverse_config({"ACTIVITYPUB_ACCOUNT": "not an account"})


def test_followers_are_delivered_to_once_per_shared_inbox(tmp_path):
    """Two accounts of one server share its inbox; an Undo forgets the follower."""
    store = Followers.in_state(tmp_path)
    store.add(
        "https://a.example/users/ana",
        "https://a.example/users/ana/inbox",
        "https://a.example/inbox",
    )
    store.add(
        "https://a.example/users/bo", "https://a.example/users/bo/inbox", "https://a.example/inbox"
    )
    store.add("https://b.example/cy", "https://b.example/cy/inbox")
    assert store.delivery_inboxes() == ["https://a.example/inbox", "https://b.example/cy/inbox"]
    assert store.remove("https://b.example/cy")
    assert not store.remove("https://b.example/cy")
    assert store.count() == 2


def test_a_delivery_job_survives_reopening_and_backs_off(tmp_path):
    """A job written is read back by a new queue; each failure pushes it later."""
    queue = DeliveryQueue(tmp_path)
    activity = {"id": "https://hub.example/activities/1", "type": "Create"}
    queue.enqueue(activity, "https://a.example/inbox")
    queue.enqueue(activity, "https://a.example/inbox")  # the same job, not a second
    reopened = DeliveryQueue(tmp_path)
    [job] = reopened.due()
    assert job.activity == activity
    assert reopened.retry_later(job, "503 Service Unavailable", now=1000.0)
    [again] = DeliveryQueue(tmp_path).jobs()
    assert again.attempts == 1 and again.due == 1060.0 and again.last_error.startswith("503")
    reopened.done(again)
    assert DeliveryQueue(tmp_path).jobs() == []
