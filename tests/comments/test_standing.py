"""Trusted and banned authors, kept by keyed hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialhub.comments.standing import Standing


def test_policies_decide_who_skips_the_queue(tmp_path: Path) -> None:
    standing = Standing(tmp_path / "standing.sqlite3")
    standing.record_approved("ada")
    standing.trust("bob")
    assert not standing.may_skip_queue("ada", "off")
    assert not standing.may_skip_queue("ada", "trusted")
    assert standing.may_skip_queue("ada", "approved")
    assert standing.may_skip_queue("bob", "trusted")
    assert standing.may_skip_queue("bob", "approved")
    assert not standing.may_skip_queue("eve", "approved")
    assert not standing.may_skip_queue("", "approved")


def test_a_ban_overrides_trust_and_can_be_lifted(tmp_path: Path) -> None:
    standing = Standing(tmp_path / "standing.sqlite3")
    standing.trust("bob")
    standing.ban("email", "bob", note="spam")
    assert standing.banned(email_hash="bob") == "email"
    assert not standing.may_skip_queue("bob", "trusted")
    standing.unban("email", "bob")
    assert standing.banned(email_hash="bob") == ""
    assert not standing.may_skip_queue("bob", "trusted")  # the ban also ended the trust


def test_author_names_and_clients_are_banned_too(tmp_path: Path) -> None:
    standing = Standing(tmp_path / "standing.sqlite3")
    standing.ban("author", "Spam  Bot")
    standing.ban("client", "0123abcd")
    assert standing.banned(author="spam bot") == "author"
    assert standing.banned(client_hash="0123abcd") == "client"
    assert standing.banned(author="Ada", client_hash="ffff") == ""
    assert [kind for kind, *_ in standing.bans()] == ["client", "author"]
    with pytest.raises(ValueError):
        standing.ban("ip", "203.0.113.7")


def test_two_stores_on_one_file_see_each_other(tmp_path: Path) -> None:
    one = Standing(tmp_path / "standing.sqlite3")
    two = Standing(tmp_path / "standing.sqlite3")
    one.trust("ada")
    assert two.may_skip_queue("ada", "trusted")


def test_of_several_bans_the_email_one_is_named_first_then_the_client(tmp_path: Path) -> None:
    standing = Standing(tmp_path / "standing.sqlite3")
    standing.ban("author", "Spam Bot")
    standing.ban("client", "0123abcd")
    assert standing.banned(email_hash="e1", client_hash="0123abcd", author="spam bot") == "client"
    standing.ban("email", "e1")
    assert standing.banned(email_hash="e1", client_hash="0123abcd", author="spam bot") == "email"
    assert standing.banned(email_hash="e2", client_hash="ffff", author="Spam Bot ") == "author"
    assert standing.banned(email_hash="e2", client_hash="ffff", author="Ada") == ""
    assert standing.banned() == ""
