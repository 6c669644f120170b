"""Webhook signatures: HMAC-SHA256 over "timestamp.body", checked within a tolerance window."""

from __future__ import annotations

import hashlib
import hmac

from api.webhooks import Backoff, sign, verify_signature

SECRET = "whsec_test"
BODY = b'{"type":"PointsEarned","data":{"points":12}}'


def test_a_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    header = sign(SECRET, BODY, 1_767_000_000)
    expected = hmac.new(SECRET.encode(), b"1767000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1767000000,v1={expected}"


def test_a_fresh_signature_verifies() -> None:
    assert verify_signature(SECRET, sign(SECRET, BODY, 1_767_000_000), BODY, now=1_767_000_100)


def test_a_replayed_request_outside_the_tolerance_window_is_refused() -> None:
    header = sign(SECRET, BODY, 1_767_000_000)
    assert not verify_signature(SECRET, header, BODY, now=1_767_000_000 + 301)
    assert not verify_signature(SECRET, header, BODY, now=1_767_000_000 - 301)  # from the future
    assert verify_signature(SECRET, header, BODY, now=1_767_000_000 + 3600, tolerance=3600)


def test_a_tampered_body_timestamp_or_secret_is_refused() -> None:
    header = sign(SECRET, BODY, 1_767_000_000)
    assert not verify_signature(SECRET, header, BODY.replace(b"12", b"99"), now=1_767_000_000)
    assert not verify_signature("whsec_other", header, BODY, now=1_767_000_000)
    moved = header.replace("t=1767000000", "t=1767000001")
    assert not verify_signature(SECRET, moved, BODY, now=1_767_000_000)


def test_malformed_headers_are_refused_not_raised() -> None:
    for header in ("", "garbage", "t=abc,v1=00", "v1=00", "t=1767000000"):
        assert not verify_signature(SECRET, header, BODY, now=1_767_000_000)


def test_a_rotated_secret_can_be_sent_as_a_second_v1() -> None:
    old = sign("whsec_old", BODY, 1_767_000_000)
    new = sign(SECRET, BODY, 1_767_000_000).split(",")[1]
    assert verify_signature(SECRET, f"{old},{new}", BODY, now=1_767_000_000)


def test_backoff_grows_exponentially_with_jitter_up_to_a_cap() -> None:
    backoff = Backoff(base_seconds=10, cap_seconds=100, max_attempts=5)
    for attempt, ceiling in ((1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)):
        delays = [backoff.delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt
