"""Properties of the program's rules engine and of its plain-data contract.

- points are never negative and the lines always add up to them, whatever rules a program holds;
- `points_per_amount` is monotone in spend;
- caps and campaign budgets hold whatever the order in which purchases arrive (the facts and budgets are
  folded the way the ledger does);
- the same inputs give the same decision, also after the program went through its plain-data form;
- every model type and every program event round-trips through `to_dict`/`from_dict`, using only JSON
  types plus Decimal, datetime and UUID.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty_core.program import (
    Activity,
    ActivityRule,
    BirthdayMonth,
    Cap,
    Exclusions,
    ExpiryPolicy,
    FirstPurchase,
    FixedBonus,
    MemberFacts,
    Multiplier,
    PointsPerAmount,
    ProgramSettings,
    ProgramState,
    Purchase,
    PurchaseLine,
    Referral,
    RefundPolicy,
    Reward,
    Rule,
    StampCard,
    TierDecision,
    TierMultiplier,
    evaluate_activity,
    evaluate_purchase,
    event_from_dict,
)
from loyalty_core.program import events as ev
from loyalty_core.program.localtime import local_date_key
from loyalty_core.program.refunds import ClawBackSettlement
from tests.unit.program.builders import FRIEND_ID, LADDER, MEMBER_ID, PROGRAM_ID, campaign, program

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- strategies

money = st.integers(0, 3_000_000).map(Decimal)
factors = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(5), places=2)
instants = st.datetimes(
    min_value=datetime(2025, 1, 2), max_value=datetime(2025, 12, 31), timezones=st.just(UTC)
)
skus = st.sampled_from(["CF", "TEA", "CAKE", "GC", "DELIVERY"])
categories = st.sampled_from(["coffee", "tea", "food", "gift_card", None])
sku_filters = st.none() | st.lists(skus, min_size=1, max_size=2, unique=True).map(tuple)
category_filters = st.none() | st.lists(
    st.sampled_from(["coffee", "tea", "food"]), min_size=1, max_size=2, unique=True
).map(tuple)

lines = st.builds(
    PurchaseLine, sku=skus, category=categories, quantity=st.integers(0, 4), unit_price=money, amount=money
)
purchases = st.builds(
    Purchase,
    transaction_ref=st.just("T-1"),
    channel=st.sampled_from(["pos", "app"]),
    store_id=st.sampled_from(["Q1", None]),
    occurred_at=instants,
    currency=st.just("VND"),
    total=money,
    lines=st.lists(lines, max_size=5).map(tuple),
)
member_facts = st.builds(
    MemberFacts,
    member_id=st.just(MEMBER_ID),
    tier=st.sampled_from(["member", "silver", "gold"]),
    birthday_month=st.none() | st.integers(1, 12),
    enrolled_at=st.just(datetime(2024, 1, 1, tzinfo=UTC)),
    purchase_count=st.integers(0, 3),
    points_earned_on_local_day=st.just({}),
    stamps=st.dictionaries(st.just("coffee"), st.integers(0, 9)),
    activity_counts=st.dictionaries(
        st.sampled_from(["sign_up:lifetime", "birthday_bonus:year:2025"]), st.integers(0, 2)
    ),
    referred_by=st.none() | st.just(FRIEND_ID),
)


def common() -> dict[str, Any]:
    return {
        "rule_id": st.text("abcdefgh", min_size=1, max_size=6),
        "priority": st.integers(0, 50),
        "stop": st.booleans(),
        "channels": st.none() | st.just(("pos",)),
        "days_of_week": st.none()
        | st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True).map(tuple),
        "hours": st.none() | st.sampled_from([("07:00-11:00",), ("22:00-02:00",)]),
        "min_spend": st.none() | money,
    }


small_points = st.integers(1, 500)
any_rule: st.SearchStrategy[Rule] = st.one_of(
    st.builds(
        PointsPerAmount,
        points=st.integers(1, 5),
        per_amount=st.sampled_from([Decimal(1000), Decimal(10_000)]),
        rounding=st.sampled_from([None, "down", "half_up", "up"]),
        skus=sku_filters,
        categories=category_filters,
        **common(),
    ),
    st.builds(Multiplier, factor=factors, skus=sku_filters, categories=category_filters, **common()),
    st.builds(
        FixedBonus,
        points=small_points,
        skus=sku_filters,
        categories=category_filters,
        per_item=st.booleans(),
        **common(),
    ),
    st.builds(
        BirthdayMonth,
        bonus_points=st.integers(0, 100),
        factor=st.none() | factors,
        add_tier_bonus=st.booleans(),
        limit_per_year=st.none() | st.integers(1, 2),
        **common(),
    ),
    st.builds(FirstPurchase, points=small_points, **common()),
    st.builds(
        StampCard,
        card_id=st.just("coffee"),
        stamps_required=st.integers(1, 10),
        skus=st.none(),
        categories=st.just(("coffee",)),
        reward_id=st.none() | st.just("free-drink"),
        bonus_points=st.integers(0, 50),
        **common(),
    ),
    st.builds(Referral, buyer_points=st.integers(0, 100), referrer_points=st.integers(0, 100), **common()),
    st.builds(
        TierMultiplier,
        factors=st.none() | st.dictionaries(st.sampled_from(["silver", "gold"]), factors, min_size=1),
        **common(),
    ),
    st.builds(
        Cap, max_points=st.integers(0, 300), per=st.sampled_from(["transaction", "member_day"]), **common()
    ),
    st.builds(
        Exclusions, skus=st.lists(skus, max_size=2).map(tuple), categories=st.just(("gift_card",)), **common()
    ),
    st.builds(
        ActivityRule,
        activity=st.sampled_from(["sign_up", "check_in"]),
        points=small_points,
        limit=st.none() | st.integers(1, 3),
        period=st.sampled_from(["day", "month", "lifetime"]),
        **{**common(), "min_spend": st.none()},
    ),
)
rule_sets = st.lists(any_rule, max_size=8, unique_by=lambda rule: rule.rule_id)

BASE_PROGRAM = program()


def with_rules(rules: list[Rule]) -> ProgramState:
    # The fold never validates, so the engine must cope with any rules a state can hold.
    return dataclasses.replace(BASE_PROGRAM, rules=tuple(rules))


# ---------------------------------------------------------------- the engine


@FAST
@given(rules=rule_sets, purchase=purchases, facts=member_facts)
def test_points_are_never_negative_and_the_lines_add_up(
    rules: list[Rule], purchase: Purchase, facts: MemberFacts
) -> None:
    decision = evaluate_purchase(purchase, with_rules(rules), facts, {})
    assert decision.points >= 0
    assert sum(line.points for line in decision.lines) == decision.points
    assert decision.referral_bonus is None or decision.referral_bonus.points > 0
    assert all(line.description_vi and line.description_en for line in decision.lines)


@FAST
@given(
    rules=rule_sets, at=instants, kind=st.sampled_from(["sign_up", "check_in", "review"]), facts=member_facts
)
def test_activity_points_are_never_negative(
    rules: list[Rule], at: datetime, kind: str, facts: MemberFacts
) -> None:
    decision = evaluate_activity(Activity(kind, "a-1", "pos", None, at), with_rules(rules), facts, {})
    assert decision.points >= 0 and sum(line.points for line in decision.lines) == decision.points


@FAST
@given(
    points=st.integers(1, 5),
    per=st.sampled_from([Decimal(1000), Decimal(10_000), Decimal(25_000)]),
    rounding=st.sampled_from(["down", "half_up", "up"]),
    a=money,
    b=money,
    at=instants,
)
def test_points_per_amount_is_monotone_in_spend(
    points: int, per: Decimal, rounding: str, a: Decimal, b: Decimal, at: datetime
) -> None:
    state = with_rules(
        [PointsPerAmount(rule_id="base", priority=1, points=points, per_amount=per, rounding=rounding)]
    )
    low, high = sorted([a, b])

    def earned(amount: Decimal) -> int:
        sale = Purchase(
            "T", "pos", "Q1", at, "VND", amount, (PurchaseLine("CF", "coffee", 1, amount, amount),)
        )
        return evaluate_purchase(sale, state, MemberFacts(MEMBER_ID, "member", None, at), {}).points

    assert 0 <= earned(low) <= earned(high)


@FAST
@given(rules=rule_sets, purchase=purchases, facts=member_facts)
def test_the_same_inputs_give_the_same_decision(
    rules: list[Rule], purchase: Purchase, facts: MemberFacts
) -> None:
    state = with_rules(rules)
    first = evaluate_purchase(purchase, state, facts, {})
    again = evaluate_purchase(
        Purchase.from_dict(purchase.to_dict()),
        ProgramState.from_dict(state.to_dict()),
        MemberFacts.from_dict(facts.to_dict()),
        {},
    )
    assert first == again
    assert_round_trip(first)


TX_CAP, DAY_CAP, BUDGET = 120, 200, 300
CAPPED = program(
    PointsPerAmount(rule_id="base", priority=10, points=1, per_amount=Decimal(10_000)),
    Multiplier(rule_id="tet-x3", priority=30, factor=Decimal(3), campaign_id="tet"),
    FixedBonus(rule_id="tet-bonus", priority=31, points=10, campaign_id="tet"),
    Referral(rule_id="refer", priority=40, buyer_points=20, referrer_points=50, campaign_id="tet"),
    Cap(rule_id="cap-tx", priority=900, max_points=TX_CAP),
    Cap(rule_id="cap-day", priority=901, max_points=DAY_CAP, per="member_day"),
    campaigns=(campaign(budget_points=BUDGET),),
)
sales = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 23), st.integers(0, 1_500_000)), min_size=1, max_size=10
)


@FAST
@given(sales=sales, data=st.data())
def test_caps_and_budgets_hold_whatever_the_order_of_purchases(
    sales: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    ordered = data.draw(st.permutations(sales))
    facts = MemberFacts(MEMBER_ID, "member", None, datetime(2024, 1, 1, tzinfo=UTC), referred_by=FRIEND_ID)
    budget_remaining: dict[str, int] = {}
    for day, hour, amount in ordered:
        at = datetime(2025, 1, 28, hour, tzinfo=UTC) + timedelta(days=day)
        sale = Purchase(
            "T",
            "pos",
            "Q1",
            at,
            "VND",
            Decimal(amount),
            (PurchaseLine("CF", "coffee", 1, Decimal(amount), Decimal(amount)),),
        )
        decision = evaluate_purchase(sale, CAPPED, facts, budget_remaining)
        assert 0 <= decision.points <= TX_CAP
        for campaign_id, used in decision.budget_used.items():
            budget_remaining[campaign_id] = budget_remaining.get(campaign_id, BUDGET) - used
            assert budget_remaining[campaign_id] >= 0
        key = local_date_key(at)
        earned = {
            **facts.points_earned_on_local_day,
            key: facts.points_earned_on_local_day.get(key, 0) + decision.points,
        }
        assert earned[key] <= DAY_CAP
        facts = dataclasses.replace(
            facts, purchase_count=facts.purchase_count + 1, points_earned_on_local_day=earned
        )
    assert BUDGET - budget_remaining.get("tet", BUDGET) <= BUDGET


# ---------------------------------------------------------------- the plain-data contract

ALLOWED = (str, int, bool, type(None), Decimal, datetime, UUID)


def assert_plain(value: Any) -> None:
    if isinstance(value, dict):
        assert all(isinstance(key, str) for key in value)
        for item in value.values():
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)
    else:
        assert isinstance(value, ALLOWED), type(value)


def assert_round_trip(value: Any) -> None:
    data = value.to_dict()
    assert_plain(data)
    assert type(value).from_dict(data) == value


campaigns = st.builds(
    campaign,
    campaign_id=st.text("xyz", min_size=1, max_size=4),
    budget_points=st.none() | st.integers(1, 10_000),
    exclusive=st.booleans(),
    ended_at=st.none() | instants,
)
rewards = st.builds(
    Reward,
    reward_id=st.just("r"),
    name_vi=st.just("Quà"),
    name_en=st.just("Gift"),
    kind=st.sampled_from(["discount_percent", "free_item"]),
    value=st.none() | money,
    points_cost=st.none() | small_points,
    stock=st.none() | small_points,
)
expiries = st.builds(
    ExpiryPolicy,
    kind=st.sampled_from(["per_lot", "end_of_period", "inactivity", "never"]),
    months=st.integers(0, 36),
    period=st.sampled_from(["month", "quarter", "year"]),
    periods_after=st.integers(0, 2),
)
refunds = st.builds(
    RefundPolicy,
    basis=st.sampled_from(["pro_rata", "per_line"]),
    on_shortfall=st.sampled_from(["take_what_is_left", "allow_negative"]),
    negative_limit=st.integers(0, 500),
)
program_settings = st.builds(
    ProgramSettings,
    code=st.just("P"),
    name=st.just("Chương trình"),
    currency=st.just("VND"),
    point_value=money,
    rounding=st.just("down"),
    pending_days=st.integers(0, 30),
    max_points_share_of_order=factors,
)
activities = st.builds(
    Activity,
    kind=st.sampled_from(["sign_up", "review"]),
    ref=st.just("a"),
    channel=st.just("app"),
    store_id=st.none(),
    occurred_at=instants,
)
model_values = st.one_of(
    lines,
    purchases,
    member_facts,
    activities,
    campaigns,
    rewards,
    expiries,
    refunds,
    program_settings,
    st.just(LADDER),
    st.builds(
        TierDecision,
        from_tier=st.just("member"),
        to_tier=st.just("gold"),
        reason=st.just("qualified"),
        figures=st.fixed_dictionaries({"spend": money, "points_earned": small_points}),
    ),
    st.builds(
        ClawBackSettlement,
        points=small_points,
        taken_points=small_points,
        negative_points=small_points,
        written_off_points=small_points,
    ),
    rule_sets.map(with_rules),
)


@FAST
@given(rule=any_rule)
def test_every_rule_kind_round_trips_through_plain_data(rule: Rule) -> None:
    assert_plain(rule.to_dict())
    assert Rule.from_dict(rule.to_dict()) == rule


@FAST
@given(value=model_values)
def test_every_model_type_round_trips_through_plain_data(value: Any) -> None:
    assert_round_trip(value)


meta = {
    "originator_id": st.just(PROGRAM_ID),
    "originator_version": st.integers(1, 1000),
    "timestamp": instants,
    "actor": st.sampled_from(["marketing:lan", "api-key:7"]),
}
EVENT_STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    ev.ProgramCreated: st.builds(
        ev.ProgramCreated,
        settings=program_settings.map(ProgramSettings.to_dict),
        expiry=expiries.map(ExpiryPolicy.to_dict),
        refund=refunds.map(RefundPolicy.to_dict),
        tiers=st.just(LADDER.to_dict()),
        **meta,
    ),
    ev.ProgramSettingsChanged: st.builds(
        ev.ProgramSettingsChanged, settings=program_settings.map(ProgramSettings.to_dict), **meta
    ),
    ev.RuleAdded: st.builds(ev.RuleAdded, rule=any_rule.map(lambda r: r.to_dict()), **meta),
    ev.RuleReplaced: st.builds(ev.RuleReplaced, rule=any_rule.map(lambda r: r.to_dict()), **meta),
    ev.RuleRemoved: st.builds(ev.RuleRemoved, rule_id=st.text("abc", min_size=1), **meta),
    ev.TierLadderSet: st.builds(ev.TierLadderSet, ladder=st.just(LADDER.to_dict()), **meta),
    ev.CampaignAdded: st.builds(ev.CampaignAdded, campaign=campaigns.map(lambda c: c.to_dict()), **meta),
    ev.CampaignEnded: st.builds(ev.CampaignEnded, campaign_id=st.just("tet"), ended_at=instants, **meta),
    ev.RewardAdded: st.builds(ev.RewardAdded, reward=rewards.map(Reward.to_dict), **meta),
    ev.RewardStockChanged: st.builds(
        ev.RewardStockChanged,
        reward_id=st.just("r"),
        delta=st.integers(-5, 5),
        stock=st.integers(0, 99),
        reason=st.sampled_from(["restock", "redemption"]),
        **meta,
    ),
    ev.ExpiryPolicySet: st.builds(ev.ExpiryPolicySet, policy=expiries.map(ExpiryPolicy.to_dict), **meta),
    ev.RefundPolicySet: st.builds(ev.RefundPolicySet, policy=refunds.map(RefundPolicy.to_dict), **meta),
}
program_events = st.one_of(*EVENT_STRATEGIES.values())


@FAST
@given(event=program_events)
def test_every_program_event_round_trips_through_plain_data(event: ev.ProgramEvent) -> None:
    assert_round_trip(event)
    assert event_from_dict(type(event).__name__, event.to_dict()) == event


def test_the_event_strategies_cover_every_program_event_type() -> None:
    assert set(EVENT_STRATEGIES) == set(ev.EVENT_TYPES.values())
