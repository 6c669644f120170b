from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from loyalty_core import errors, identifiers as ids
from loyalty_core.money import MAX_MONEY, parse_money


@pytest.mark.parametrize("spelling", ["0901234567", "+84 90 123 4567", "84901234567", "090-123-4567",
                                      "(+84) 901 234 567", "+84901234567"])
def test_every_spelling_of_one_vietnamese_mobile_is_one_e164_number(spelling):
    assert ids.normalise_phone(spelling) == "+84901234567"


@pytest.mark.parametrize("bad", ["０９０１２３４５６７", "0901\u200b234567", "0901234567\u00a0", "12", "abc",
                                 "09012345678901234567890", "+84 00 000 0000", ""])
def test_full_width_invisible_or_invalid_phone_numbers_are_refused(bad):
    with pytest.raises(errors.InvalidPhone):
        ids.normalise_phone(bad)


def test_member_codes_are_short_check_digited_and_forgiving_of_case_and_lookalikes():
    code = ids.new_member_code()
    assert len(code) == 9 and code.isalnum() and code == code.upper()
    assert ids.normalise_member_code(code.lower()) == code
    wrong_check = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(errors.InvalidIdentifier):
        ids.normalise_member_code(wrong_check)


def test_qr_tokens_are_unguessable_and_distinct():
    tokens = {ids.new_qr_token() for _ in range(1000)}
    assert len(tokens) == 1000 and all(len(t) >= 32 for t in tokens)


def test_emails_are_lower_cased_and_channel_ids_keep_their_channel():
    assert ids.normalise_email(" Lan.Nguyen@Example.VN ") == "lan.nguyen@example.vn"
    assert ids.normalise_channel_id("zalo:84901234567") == "zalo:84901234567"
    with pytest.raises(errors.InvalidIdentifier):
        ids.normalise_channel_id("no-colon")


def test_claim_ids_are_deterministic_per_kind_and_value():
    assert ids.claim_id("phone", "+84901234567") == ids.claim_id("phone", "+84901234567")
    assert ids.claim_id("phone", "+84901234567") != ids.claim_id("email", "+84901234567")


@pytest.mark.parametrize("value", [1.5, float("nan"), "NaN", "Infinity", "-1", "125000.5", True, [1]])
def test_vnd_money_must_be_a_whole_decimal_and_never_a_float(value):
    with pytest.raises(errors.InvalidInput):
        parse_money(value, "VND")


def test_money_keeps_the_currency_minor_unit_and_has_a_ceiling():
    assert parse_money("125000", "VND") == Decimal("125000")
    assert parse_money("12.50", "USD") == Decimal("12.50")
    with pytest.raises(errors.InvalidMoney):
        parse_money("12.505", "USD")
    with pytest.raises(errors.AmountTooLarge):
        parse_money(str(MAX_MONEY + 1), "VND")
    with pytest.raises(errors.InvalidMoney):
        parse_money("10", "XYZ")


@given(st.integers(min_value=0, max_value=10**13))
def test_any_whole_vnd_amount_within_bounds_round_trips(amount):
    assert parse_money(str(amount), "VND") == Decimal(amount)


def test_voucher_codes_are_v_and_eleven_characters_each_uniform_over_the_alphabet():
    from loyalty_core.handlers.common import VOUCHER_ALPHABET, new_voucher_code

    codes = [new_voucher_code() for _ in range(3_000)]
    assert all(len(code) == 12 and code[0] == "V" and set(code[1:]) <= set(VOUCHER_ALPHABET) for code in codes)
    assert len(set(codes)) == len(codes)
    for position in range(1, 12):  # every character turns up in every position (a biased digit would not)
        counts = {ch: 0 for ch in VOUCHER_ALPHABET}
        for code in codes:
            counts[code[position]] += 1
        assert min(counts.values()) > 40 and max(counts.values()) < 170, (position, counts)  # mean 100


def test_request_ids_are_version_4_uuids_and_a_forked_worker_draws_its_own():
    import os
    import uuid

    from api.request_id import new_request_id

    ids_here = [new_request_id() for _ in range(1_000)]
    assert len(set(ids_here)) == 1_000
    assert all(len(i) == 32 and uuid.UUID(hex=i).version == 4 for i in ids_here)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child's ids must not repeat the parent's next ones
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    from_child = os.read(read, 64).decode()
    os.close(read)
    assert len(from_child) == 32 and from_child != new_request_id()


@given(key=st.binary(min_size=0, max_size=200), message=st.binary(max_size=300))
def test_the_prepared_keyed_hash_is_exactly_hmac_sha256(key, message):
    import hashlib
    import hmac

    from loyalty_core.privacy.lookup import KeyedSha256

    assert KeyedSha256(key).digest(message) == hmac.new(key, message, hashlib.sha256).digest()


def test_a_replaced_lookup_key_is_used_at_once(monkeypatch):
    import hashlib
    import hmac

    from loyalty_core.privacy import lookup

    for key in (b"k" * 32, b"j" * 32, b"k" * 32):
        monkeypatch.setitem(lookup._state, "key", key)
        assert lookup.digest("phone", "+84901234567") == hmac.new(key, b"phone\x00+84901234567",
                                                                 hashlib.sha256).digest()
