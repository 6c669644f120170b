"""Every text of a command is printable; every time it carries is one the ledger can hold and believe."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_core import commands as cmd
from loyalty_core import timebounds
from loyalty_core.errors import InvalidInput
from loyalty_core.text import InvalidText, bad_character, check_all_text, first_bad_field

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)
FORBIDDEN = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]] + ["\ud800", "\udfff"]


@pytest.mark.parametrize("bad", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_every_control_character_and_lone_surrogate_is_refused_wherever_it_hides(bad: str) -> None:
    command = cmd.RecordPurchase(idempotency_key="k", member=cmd.MemberRef(phone="0901234567"),
                                 transaction_ref="T-1", total=1,
                                 lines=(cmd.PurchaseLineInput(sku="A"), cmd.PurchaseLineInput(sku=f"B{bad}")))
    with pytest.raises(InvalidText) as refused:
        check_all_text(command)
    assert refused.value.details["field"] == "lines[1].sku" and refused.value.code == "invalid_text"
    assert first_bad_field({"consent": {f"sms{bad}": True}})[0].startswith("consent.sms")  # type: ignore[index]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_printable_text_of_any_script_passes(text: str) -> None:
    assert bad_character(text) is None
    check_all_text(cmd.EnrollMember(idempotency_key="k", phone="0901234567", name=text or None))


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_instants_outside_utc_are_refused_not_raised(value: str) -> None:
    with pytest.raises(timebounds.ImplausibleDate):
        timebounds.occurred_at(datetime.fromisoformat(value), NOW)
    with pytest.raises(timebounds.ImplausibleDate):
        timebounds.deadline(datetime.fromisoformat(value), NOW, "expires_at")


def test_the_bounds() -> None:
    assert timebounds.occurred_at(None, NOW) == NOW
    assert timebounds.occurred_at(NOW - timedelta(days=3650), NOW) == NOW - timedelta(days=3650)
    with pytest.raises(timebounds.ImplausibleDate):
        timebounds.occurred_at(NOW - timedelta(days=3654), NOW)
    with pytest.raises(InvalidInput):
        timebounds.occurred_at(NOW + timedelta(minutes=6), NOW)
    with pytest.raises(InvalidInput):
        timebounds.occurred_at(datetime(2026, 1, 1), NOW)  # no offset
    with pytest.raises(timebounds.ImplausibleDate):
        timebounds.deadline(NOW - timedelta(seconds=1), NOW, "expires_at")
    assert timebounds.deadline(NOW - timedelta(days=1), NOW, "pending_until", may_be_past=True)
    with pytest.raises(timebounds.ImplausibleDate):
        timebounds.deadline(NOW + timedelta(days=36526), NOW, "expires_at")
    assert timebounds.birthday("1900-01-01", NOW) == "1900-01-01"
    assert timebounds.birthday("2026-06-01", NOW) == "2026-06-01"
    for day in ("0001-01-01", "1899-12-31", "2026-06-02", "2999-01-01"):
        with pytest.raises(timebounds.ImplausibleDate):
            timebounds.birthday(day, NOW)
