"""Model values: VND formatting, plain-data round trips, and inputs the engine refuses."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest

from loyalty_core.program import (
    Activity,
    EarnDecision,
    MemberFacts,
    Purchase,
    PurchaseLine,
    ReferralBonus,
    RuleLine,
    StampReward,
    evaluate_purchase,
    format_vnd,
)
from loyalty_core.program.errors import InvalidPurchase
from loyalty_core.program.model import format_vnd_en

from .builders import FRIEND_ID, MEMBER_ID, base_rule, facts, hcm, line, program, purchase, spend


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("10000", "10.000 ₫"),
        ("0", "0 ₫"),
        ("999", "999 ₫"),
        ("1234567", "1.234.567 ₫"),
        ("-50000", "-50.000 ₫"),
        ("1500.50", "1.500,5 ₫"),
    ],
)
def test_format_vnd_writes_money_the_vietnamese_way(amount: str, text: str) -> None:
    assert format_vnd(Decimal(amount)) == text


def test_format_vnd_en_writes_money_the_english_way() -> None:
    assert format_vnd_en(Decimal(1_234_567)) == "1,234,567 VND"


def test_every_model_type_round_trips_through_plain_data_with_lists_back_to_tuples() -> None:
    values = [
        purchase(line("CF", 45_000, "coffee")),
        Activity("check_in", "c-1", "app", "Q1", hcm(2025, 3, 5)),
        facts(stamps={"coffee": 3}, points_earned_on_local_day={"2025-03-05": 4}, referred_by=FRIEND_ID),
        EarnDecision(
            5,
            (RuleLine("base", 5, "vi", "en"),),
            Decimal(50_000),
            2,
            {"coffee": 1},
            (StampReward("coffee", "free-drink", 0, 10),),
            {"tet": 5},
            "sign_up:lifetime",
            ReferralBonus(FRIEND_ID, 10, "refer", "vi", "en"),
        ),
    ]
    for value in values:
        data = value.to_dict()
        assert type(value).from_dict(data) == value
        assert not any(isinstance(item, tuple) for item in data.values())


def test_lists_given_to_a_constructor_are_frozen_into_tuples() -> None:
    value = Purchase(
        "T",
        "pos",
        None,
        hcm(2025, 3, 5),
        "VND",
        Decimal(1),
        [PurchaseLine("a", None, 1, Decimal(1), Decimal(1))],
    )
    assert isinstance(value.lines, tuple)


def test_hand_written_json_with_strings_for_decimals_times_and_ids_is_read() -> None:
    data = {
        "member_id": str(MEMBER_ID),
        "tier": "gold",
        "birthday_month": 3,
        "enrolled_at": "2024-06-01T00:00:00+00:00",
    }
    assert MemberFacts.from_dict(data) == facts(tier="gold", birthday_month=3, purchase_count=0)


def test_a_float_is_never_accepted() -> None:
    data = line("CF", 45_000).to_dict() | {"amount": 45000.0}
    with pytest.raises(TypeError):
        PurchaseLine.from_dict(data)


def test_a_naive_purchase_time_is_refused() -> None:
    naive = spend(10_000, at=datetime(2025, 3, 5, 12, 0))
    with pytest.raises(InvalidPurchase):
        evaluate_purchase(naive, program(base_rule()), facts(), {})


def test_a_purchase_in_another_currency_is_refused() -> None:
    usd = dataclasses.replace(spend(10_000), currency="USD")
    with pytest.raises(InvalidPurchase) as refused:
        evaluate_purchase(usd, program(base_rule()), facts(), {})
    assert refused.value.code == "invalid_purchase"
