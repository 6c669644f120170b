"""The rotating card code: RFC 6238 vectors, pyotp agreement, parsing, window edges."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pyotp
import pytest

from loyalty_core import card_code as cc

RFC_SECRET = b"12345678901234567890"
T0 = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)  # on a step boundary (a whole minute)


@pytest.mark.parametrize("unix, expected", [(59, "94287082"), (1111111109, "07081804"),
                                            (1234567890, "89005924"), (2000000000, "69279037")])
def test_hotp_matches_rfc_6238_sha1_vectors_with_30_second_steps(unix: int, expected: str) -> None:
    assert cc.hotp(RFC_SECRET, unix // 30, digits=8) == expected


def test_card_digits_agree_with_pyotp_at_60_second_steps() -> None:
    secret = cc.member_secret(b"k" * 32, uuid4(), "nonce")
    reference = pyotp.TOTP(base64.b32encode(secret).decode(), interval=60)
    for minutes in range(0, 300, 7):
        moment = T0 + timedelta(minutes=minutes, seconds=13)
        assert cc.totp(secret, moment) == reference.at(moment)


def test_secret_depends_on_key_member_and_secret_id() -> None:
    member = uuid4()
    base = cc.member_secret(b"a" * 32, member, "s1")
    assert base != cc.member_secret(b"b" * 32, member, "s1")
    assert base != cc.member_secret(b"a" * 32, uuid4(), "s1")
    assert base != cc.member_secret(b"a" * 32, member, "s2")


def test_a_code_is_accepted_through_its_step_and_one_step_either_side_then_expires() -> None:
    secret = cc.member_secret(b"k" * 32, uuid4(), "s")
    digits = cc.totp(secret, T0)
    counter = cc.counter_at(T0)
    assert cc.verify(secret, digits, T0).counter == counter
    assert cc.verify(secret, digits, T0 + timedelta(seconds=59)).counter == counter
    assert cc.verify(secret, digits, T0 - timedelta(seconds=60)).counter == counter  # the phone is a step ahead
    assert cc.verify(secret, digits, T0 + timedelta(seconds=119)).counter == counter  # a step behind
    with pytest.raises(cc.CardCodeProblem) as late:
        cc.verify(secret, digits, T0 + timedelta(seconds=120))
    assert late.value.kind == "expired"
    with pytest.raises(cc.CardCodeProblem) as early:
        cc.verify(secret, digits, T0 - timedelta(seconds=61))
    assert early.value.kind == "invalid"


def test_a_code_from_hours_ago_is_invalid_not_expired() -> None:
    secret = cc.member_secret(b"k" * 32, uuid4(), "s")
    with pytest.raises(cc.CardCodeProblem) as problem:
        cc.verify(secret, cc.totp(secret, T0), T0 + timedelta(hours=3))
    assert problem.value.kind == "invalid"


def test_seconds_left_counts_down_to_the_next_step() -> None:
    assert cc.seconds_left(T0) == 60
    assert cc.seconds_left(T0 + timedelta(seconds=59)) == 1


@pytest.mark.parametrize("scanned", ["MABCDEFGH123456", " mabcdefgh 123-456 "])
def test_parse_splits_member_code_and_digits(scanned: str) -> None:
    assert cc.parse(scanned) == ("MABCDEFGH", "123456")


@pytest.mark.parametrize("scanned", ["", "MABCDEFGH12345", "MABCDEFGH1234567", "1ABCDEFGH123456",
                                     "MABCDEFGH12345X", "MABCDEFGH", "x" * 200, None, 123456])
def test_parse_refuses_anything_else_as_malformed(scanned: object) -> None:
    with pytest.raises(cc.CardCodeProblem) as problem:
        cc.parse(scanned)  # type: ignore[arg-type]
    assert problem.value.kind == "malformed"
