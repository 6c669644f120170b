"""Points expiring soon and offers granted to a segment, through HTTP."""

from __future__ import annotations

from datetime import datetime, timezone


def _buy(api, member_id, total, key="pos", channel="pos", store="HCM-01"):
    body = {"member": {"member_id": member_id}, "transaction_ref": f"T-{member_id[:8]}-{total}-{channel}", "total": str(total),
            "channel": channel}
    if store:
        body["store_id"] = store
    response = api.post("/v1/transactions", body, key=key)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_member_and_staff_see_the_points_expiring_within_n_days(clocked_api, clock):
    clock.now = datetime(2026, 3, 2, 3, tzinfo=timezone.utc)
    member = clocked_api.enroll()["member_id"]
    _buy(clocked_api, member, 120_000)
    clock.now = datetime(2027, 12, 10, 3, tzinfo=timezone.utc)
    mine = clocked_api.get(f"/v1/members/{member}/expiring", params={"days": 30}, key="pos").json()
    assert mine["points"] == 12 and mine["lots"] == [{"points": 12, "expires_at": "2027-12-31T16:59:59.999999Z"}]
    assert clocked_api.get(f"/v1/members/{member}/expiring", params={"days": 10}).json()["points"] == 0
    everyone = clocked_api.get("/v1/expiring", params={"days": 30}, key="staff")
    assert [(row["member_id"], row["points"]) for row in everyone.json()["members"]] == [(member, 12)]
    assert clocked_api.get("/v1/expiring", params={"days": 30}, key="pos").status_code == 403
    refused = clocked_api.get("/v1/expiring", params={"days": 0}, key="staff")
    assert refused.status_code == 422


def test_an_offer_is_granted_to_online_only_shoppers_once(fresh_api):
    online = fresh_api.enroll(key="web")["member_id"]
    in_store = fresh_api.enroll()["member_id"]
    _buy(fresh_api, online, 100_000, key="web", channel="web", store=None)
    _buy(fresh_api, in_store, 100_000)
    body = {"grant_id": "come-in", "condition": {"online_only": True}, "reward_id": "free-drink", "points": 20,
            "max_members": 100}
    first = fresh_api.post("/v1/offers/grants", body)
    assert first.status_code == 200, first.text
    assert (first.json()["granted"], first.json()["not_eligible"]) == (1, 1)
    again = fresh_api.post("/v1/offers/grants", body).json()
    assert (again["granted"], again["already_granted"], again["members_granted_in_total"]) == (0, 1, 1)
    assert fresh_api.balance(online)["available"] == 30
    assert fresh_api.post("/v1/offers/grants", body, key="staff").status_code == 403
    bad = fresh_api.post("/v1/offers/grants", {**body, "condition": {"online_only": True, "omnichannel": True}})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_program"
    unknown = fresh_api.post("/v1/offers/grants", {**body, "grant_id": "x2", "reward_id": "nope"})
    assert unknown.status_code == 404


def test_marketing_limits_a_rule_and_a_reward_to_a_segment_through_the_admin_api(fresh_api):
    rule = {"kind": "fixed_bonus", "rule_id": "come-in", "priority": 65, "points": 100, "channels": ["pos"],
            "member_condition": {"online_only": True}}
    added = fresh_api.post("/v1/program/rules", rule)
    assert added.status_code == 201, added.text
    reward = {"reward_id": "vip-mug", "name_vi": "Cốc VIP", "name_en": "VIP mug", "kind": "free_item",
              "points_cost": 10, "valid_days": 14, "member_condition": {"tiers": ["gold", "diamond"]}}
    assert fresh_api.post("/v1/program/rewards", reward).status_code == 201
    program = fresh_api.get("/v1/program").json()
    assert {r["rule_id"]: r for r in program["rules"]}["come-in"]["member_condition"]["online_only"] is True
    shown = {r["reward_id"]: r for r in program["rewards"]}["vip-mug"]
    assert shown["valid_days"] == 14 and shown["member_condition"]["tiers"] == ["gold", "diamond"]
    assert program["refund"]["return_window_days"] == 30
    online = fresh_api.enroll(key="web")["member_id"]
    _buy(fresh_api, online, 100_000, key="web", channel="web", store=None)
    assert "come-in" in [line["rule_id"] for line in _buy(fresh_api, online, 100_000)["breakdown"]]
    refused = fresh_api.post(f"/v1/members/{online}/redemptions", {"reward_id": "vip-mug", "order_ref": "o"},
                             key="pos")
    assert refused.status_code == 422 and refused.json()["code"] == "offer_not_eligible"
    bad = fresh_api.post("/v1/program/rules", {**rule, "rule_id": "bad", "member_condition": {"tiers": []}})
    assert bad.status_code == 422


def test_a_grouped_amount_in_a_segment_condition_is_refused_not_a_500(fresh_api):
    body = {"grant_id": "grouped", "condition": {"min_spend": "0.000.000"}, "points": 5}
    response = fresh_api.post("/v1/offers/grants", body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] in ("amount_not_whole_vnd", "invalid_money")
