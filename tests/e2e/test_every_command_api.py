"""Every command the ledger decides is reachable through the HTTP API (issue #11, "Every command reachable"),
with idempotency keys, roles and store scope like every other write, on both stores.

The app runs on a movable clock (a Thursday in January 2026, no birthdays, no weekend) with the demo program
plus a `sign_up` rule and a referral rule, so every figure below is exact.
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from loyalty_core.identifiers import new_member_code
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from tests.conftest import FakeClock
from tests.e2e.conftest import ApiHarness, api_settings, idem, new_phone

SIGN_UP = {"kind": "activity", "rule_id": "welcome-sign-up", "priority": 5, "activity": "sign_up", "points": 20,
           "limit": 1, "period": "lifetime"}
REFERRAL = {"kind": "referral", "rule_id": "refer-a-friend", "priority": 60, "buyer_points": 50,
            "referrer_points": 100}


@pytest.fixture(scope="module")
def desk(module_database_url: str) -> Iterator[tuple[ApiHarness, FakeClock]]:
    clock = FakeClock()
    runtime = open_runtime(Settings(database_url=module_database_url), clock=clock)
    app = create_app(api_settings(module_database_url), runtime=runtime)
    runtime.service.policy.install_demo(clock())
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            harness = ApiHarness(app, client)
            for rule in (SIGN_UP, REFERRAL):
                assert harness.post("/v1/program/rules", rule).status_code == 201
            yield harness, clock
    finally:
        app.state.api.close()
        runtime.close()


@pytest.fixture
def api(desk: tuple[ApiHarness, FakeClock]) -> ApiHarness:
    return desk[0]


def key_for(api: ApiHarness, name: str, **spec: object) -> str:
    if name not in api.tokens:
        _, api.tokens[name] = api.ctx.keys.create(spec.pop("role"), **spec)  # type: ignore[arg-type]
    return name


def voucher_for(api: ApiHarness) -> tuple[str, str, str]:
    """A member who redeemed `discount-15` (200 points): (member id, redemption id, voucher code)."""
    member = api.member_with(300)
    redeemed = api.post(f"/v1/members/{member}/redemptions", {"reward_id": "discount-15", "order_ref": idem()},
                        key="pos")
    assert redeemed.status_code == 201, redeemed.text
    return member, redeemed.json()["redemption_id"], redeemed.json()["voucher"]["code"]


# --- vouchers at the till --------------------------------------------------------------------------------


def test_a_voucher_is_looked_up_by_code_and_used_once_and_a_retry_replays(api):
    member, _, code = voucher_for(api)
    found = api.get(f"/v1/vouchers/{code.lower()}", key="pos")
    assert found.status_code == 200, found.text
    assert found.json() == {**found.json(), "code": code, "member_id": member, "reward_id": "discount-15",
                            "status": "issued"}
    key = idem()
    used = api.post(f"/v1/vouchers/{code}/use", {"order_ref": "POS-77"}, key="pos", idempotency_key=key)
    assert used.status_code == 200, used.text
    assert used.json()["status"] == "used" and used.json()["member_id"] == member
    again = api.post(f"/v1/vouchers/{code}/use", {"order_ref": "POS-77"}, key="pos", idempotency_key=key)
    assert again.json() == used.json() and again.headers.get("Idempotent-Replayed") == "true"
    other_body = api.post(f"/v1/vouchers/{code}/use", {"order_ref": "POS-78"}, key="pos", idempotency_key=key)
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency_key_reused"
    second = api.post(f"/v1/vouchers/{code}/use", {"order_ref": "POS-79"}, key="pos")
    assert second.status_code == 409 and second.json()["code"] == "voucher_already_used"
    assert api.get(f"/v1/vouchers/{code}", key="pos").json()["status"] == "used"


def test_a_cancelled_and_an_expired_voucher_each_have_their_own_code(desk):
    api, clock = desk
    member, redemption, cancelled = voucher_for(api)
    reversed_ = api.post(f"/v1/members/{member}/redemptions/{redemption}/reverse",
                         {"reason": "order cancelled at the till"}, key="staff")
    assert reversed_.status_code == 200, reversed_.text
    refused = api.post(f"/v1/vouchers/{cancelled}/use", {"order_ref": "POS-1"}, key="pos")
    assert refused.status_code == 409 and refused.json()["code"] == "voucher_cancelled"
    _, _, expiring = voucher_for(api)
    clock.advance(days=91)  # vouchers are valid 90 days
    try:
        assert api.get(f"/v1/vouchers/{expiring}", key="pos").json()["status"] == "expired"
        expired = api.post(f"/v1/vouchers/{expiring}/use", {"order_ref": "POS-2"}, key="pos")
        assert expired.status_code == 409 and expired.json()["code"] == "voucher_expired"
    finally:
        clock.now -= __import__("datetime").timedelta(days=91)


def test_an_unknown_voucher_is_404_and_a_reader_cannot_use_one(api):
    assert api.get("/v1/vouchers/VNOPE12345", key="pos").json()["code"] == "voucher_not_found"
    _, _, code = voucher_for(api)
    assert api.post(f"/v1/vouchers/{code}/use", {"order_ref": "o"}, key="auditor").status_code == 403


# --- corrections by staff ----------------------------------------------------------------------------------


def test_staff_reverse_a_redemption_and_the_points_come_back_once(api):
    member = api.member_with(50)
    spent = api.post(f"/v1/members/{member}/redemptions", {"points": 30, "order_ref": idem()}, key="pos").json()
    path = f"/v1/members/{member}/redemptions/{spent['redemption_id']}/reverse"
    assert api.post(path, {"reason": "wrong member"}, key="pos").status_code == 403
    back = api.post(path, {"reason": "wrong member"}, key="staff")
    assert back.status_code == 200 and back.json()["points"] == 30
    assert api.balance(member)["available"] == 50 + 20  # with the sign-up bonus
    twice = api.post(path, {"reason": "wrong member"}, key="staff")
    assert twice.status_code == 409 and twice.json()["code"] == "redemption_already_reversed"


def test_staff_set_a_tier_by_hand_with_a_reason_that_the_history_keeps(api):
    member = api.enroll()["member_id"]
    body = {"tier": "gold", "reason": "VIP gesture: the order of 12/01 was lost"}
    assert api.post(f"/v1/members/{member}/tier", body, key="pos").status_code == 403
    changed = api.post(f"/v1/members/{member}/tier", body, key="staff")
    assert changed.status_code == 200, changed.text
    assert changed.json()["balance"]["tier"] == "gold" and "TierChanged" in changed.json()["events"]
    events = api.get(f"/v1/members/{member}/events", key="auditor").json()["items"]
    tier_change = next(e for e in events if e["type"] == "TierChanged")
    assert tier_change["data"]["reason"] == "manual" and "VIP gesture" in str(tier_change["data"])
    unknown = api.post(f"/v1/members/{member}/tier", {**body, "tier": "platinum"}, key="staff")
    assert unknown.status_code in (404, 422) and api.balance(member)["tier"] == "gold"


def test_profile_and_consent_change_through_the_till_and_are_idempotent(api):
    member = api.enroll(name="Lan")["member_id"]
    key = idem()
    profile = api.post(f"/v1/members/{member}/profile", {"name": "Nguyễn Thị Lan", "birthday": "1992-03-04"},
                       key="pos", idempotency_key=key)
    assert profile.status_code == 200 and profile.json()["events"] == ["ProfileUpdated"]
    replay = api.post(f"/v1/members/{member}/profile", {"name": "Nguyễn Thị Lan", "birthday": "1992-03-04"},
                      key="pos", idempotency_key=key)
    assert replay.json() == profile.json()
    assert api.get(f"/v1/members/{member}").json()["name"] == "Nguyễn Thị Lan"
    consent = api.post(f"/v1/members/{member}/consent", {"consent": {"zalo": True, "sms": False}}, key="pos")
    assert consent.status_code == 200 and consent.json()["events"] == ["ConsentChanged"]
    state = api.ctx.runtime.store.load_member(uuid.UUID(member))
    assert state.consent == {"zalo": True, "sms": False} and state.birthday == "1992-03-04"
    bad = api.post(f"/v1/members/{member}/profile", {"birthday": "04/03/1992"}, key="pos")
    assert bad.status_code == 422


# --- identifiers ---------------------------------------------------------------------------------------------


def test_zalo_and_shopee_ids_are_linked_looked_up_and_unlinked_each_by_its_own_channel(api):
    zalo, shopee = key_for(api, "zalo", role="channel", channel="zalo"), \
        key_for(api, "shopee", role="channel", channel="shopee")
    member = api.enroll()["member_id"]
    linked = api.post(f"/v1/members/{member}/identifiers", {"kind": "channel_id", "value": "zalo:84901112223"},
                      key=zalo)
    assert linked.status_code == 201, linked.text
    assert linked.json()["qr_token"] is None  # never handed to a key that merely links or looks up
    assert api.post(f"/v1/members/{member}/identifiers", {"kind": "channel_id", "value": "zalo:1"},
                    key=shopee).status_code == 403
    assert api.post(f"/v1/members/{member}/identifiers", {"kind": "channel_id", "value": "shopee:buyer-77"},
                    key=shopee).status_code == 201
    found = api.get("/v1/members/lookup", key=zalo, params={"channel_id": "zalo:84901112223"})
    assert found.status_code == 200 and found.json()["member_id"] == member
    assert api.get("/v1/members/lookup", key=zalo, params={"channel_id": "shopee:buyer-77"}).status_code == 403
    assert api.get("/v1/members/lookup", key="staff",
                   params={"channel_id": "shopee:buyer-77"}).json()["member_id"] == member
    other = api.enroll()["member_id"]
    taken = api.post(f"/v1/members/{other}/identifiers", {"kind": "channel_id", "value": "zalo:84901112223"},
                     key=zalo)
    assert taken.status_code == 409 and taken.json()["code"] == "identifier_taken"
    gone = api.post(f"/v1/members/{member}/identifiers/unlink", {"kind": "channel_id", "value": "zalo:84901112223"},
                    key=zalo)
    assert gone.status_code == 200
    assert api.get("/v1/members/lookup", key=zalo, params={"channel_id": "zalo:84901112223"}).status_code == 404


def test_changing_the_phone_keeps_the_member_and_frees_the_old_number(api):
    old, new = new_phone(), new_phone()
    member = api.enroll(phone=old)["member_id"]
    api.ctx.service.execute(__import__("loyalty_core.commands", fromlist=["x"]).EarnPoints(
        idempotency_key=idem(), member=__import__("loyalty_core.commands", fromlist=["x"]).MemberRef(
            member_id=uuid.UUID(member)), points=42, reference=idem(), channel="test"))
    assert api.post(f"/v1/members/{member}/phone", {"phone": new}, key="pos").status_code == 403
    changed = api.post(f"/v1/members/{member}/phone", {"phone": new}, key="staff")
    assert changed.status_code == 200, changed.text
    assert changed.json()["member_id"] == member and changed.json()["balance"]["available"] == 20 + 42
    assert api.get("/v1/members/lookup", key="pos", params={"phone": new}).json()["member_id"] == member
    assert api.get("/v1/members/lookup", key="pos", params={"phone": old}).status_code == 404
    assert api.enroll(phone=old)["member_id"] != member  # the old number is free for someone else
    last = api.post(f"/v1/members/{member}/identifiers/unlink", {"kind": "phone", "value": new}, key="staff")
    assert last.status_code == 422  # a member keeps at least one phone


# --- enrolment: sign-up bonus and referrals ------------------------------------------------------------------


def test_a_sign_up_rule_pays_at_enrolment_once(api):
    key, phone = idem(), new_phone()
    enrolled = api.post("/v1/members", {"phone": phone}, key="pos", idempotency_key=key)
    assert enrolled.status_code == 201 and enrolled.json()["balance"]["available"] == 20
    again = api.post("/v1/members", {"phone": phone}, key="pos", idempotency_key=key)
    assert again.json()["balance"]["available"] == 20
    assert api.balance(enrolled.json()["member_id"])["lifetime_earned"] == 20


def test_enrolling_with_a_referrers_code_pays_both_sides_on_the_first_purchase(api):
    referrer = api.enroll()
    friend = api.enroll(referrer_code=referrer["member_code"])
    sale = {"transaction_ref": idem(), "member": {"member_id": friend["member_id"]}, "total": "100000"}
    bought = api.post("/v1/transactions", sale, key="pos")
    assert bought.status_code == 201, bought.text
    lines = {line["rule_id"]: line["points"] for line in bought.json()["breakdown"]}
    assert lines["refer-a-friend"] == 50 and bought.json()["points_earned"] == 10 + 50
    assert api.balance(referrer["member_id"])["available"] == 20 + 100
    second = api.post("/v1/transactions", {**sale, "transaction_ref": idem()}, key="pos")
    assert second.json()["points_earned"] == 10  # the referral pays on the first purchase only
    assert api.balance(referrer["member_id"])["available"] == 120


def test_an_unknown_referrer_code_is_refused_and_nobody_is_enrolled(api):
    phone = new_phone()
    unknown = api.post("/v1/members", {"phone": phone, "referrer_code": new_member_code()}, key="pos")
    assert unknown.status_code == 404 and unknown.json()["code"] == "member_not_found"
    mistyped = api.post("/v1/members", {"phone": phone, "referrer_code": "ABCDEFGH"}, key="pos")
    assert mistyped.status_code == 422 and mistyped.json()["code"] == "invalid_identifier"
    assert api.get("/v1/members/lookup", key="pos", params={"phone": phone}).status_code == 404


def test_a_redemption_whose_voucher_was_used_cannot_be_reversed(api):
    member, redemption, code = voucher_for(api)
    assert api.post(f"/v1/vouchers/{code}/use", {"order_ref": "POS-9"}, key="pos").status_code == 200
    refused = api.post(f"/v1/members/{member}/redemptions/{redemption}/reverse", {"reason": "too late"},
                       key="staff")
    assert refused.status_code == 409 and refused.json()["code"] == "voucher_not_usable"
    assert refused.json()["voucher_status"] == "used"


def test_two_tills_using_one_voucher_at_once_use_it_once(api):
    import threading

    member, _, code = voucher_for(api)
    answers: list[tuple[int, str | None]] = []

    def use(order: str) -> None:
        response = api.post(f"/v1/vouchers/{code}/use", {"order_ref": order}, key="pos")
        answers.append((response.status_code, response.json().get("code")))

    threads = [threading.Thread(target=use, args=(f"POS-race-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 409, 409, 409, 409, 409]
    assert {code for status, code in answers if status == 409} == {"voucher_already_used"}
    events = api.get(f"/v1/members/{member}/events", key="auditor").json()["items"]
    assert sum(1 for e in events if e["type"] == "VoucherUsed") == 1


def test_a_sale_held_for_a_phone_is_credited_with_the_sign_up_bonus_when_it_enrols(api):
    phone = new_phone()
    sale = {"transaction_ref": idem(), "member": {"phone": phone}, "total": "100000"}
    held = api.post("/v1/transactions", sale, key="pos")
    assert held.status_code == 202, held.text
    enrolled = api.enroll(phone=phone)
    assert enrolled["balance"]["available"] == 10 + 20  # the held sale, then the sign-up rule, in one write
    assert api.balance(enrolled["member_id"])["lifetime_earned"] == 30


def test_two_members_moving_to_the_same_new_phone_at_once_one_gets_it(api):
    import threading

    target = new_phone()
    members = [api.enroll()["member_id"] for _ in range(4)]
    answers: dict[str, int] = {}

    def move(member: str) -> None:
        answers[member] = api.post(f"/v1/members/{member}/phone", {"phone": target}, key="staff").status_code

    threads = [threading.Thread(target=move, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [m for m, status in answers.items() if status == 200]
    assert len(winners) == 1 and sorted(answers.values()) == [200, 409, 409, 409]
    assert api.get("/v1/members/lookup", key="pos", params={"phone": target}).json()["member_id"] == winners[0]
    for loser in set(members) - set(winners):  # the others keep their own number
        assert api.get(f"/v1/members/{loser}").json()["phone"] not in (None, "+84" + target[1:])
