"""Program administration over HTTP, on both stores: every admin endpoint's happy path and refusals (the
program's own codes, the program unchanged), versions and `?at=`, the actor of every change, idempotent
replays, and that only an admin key may do any of it.

The module shares one store (the `api` fixture), so each test names its own rules, campaigns and rewards
and compares versions relatively.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ApiHarness, idem

NOT_ADMIN = ("pos", "staff", "auditor", "analyst")


def send(api: ApiHarness, method: str, path: str, body: Any = None, key: str = "admin",
         idempotency_key: str | None = "auto") -> httpx.Response:
    headers = api.headers(key, idem() if idempotency_key == "auto" else idempotency_key)
    return api.client.request(method, path, json=body, headers=headers)


def program(api: ApiHarness) -> dict[str, Any]:
    response = api.get("/v1/program")
    assert response.status_code == 200, response.text
    return response.json()


def admin_key_id(api: ApiHarness) -> str:
    return api.ctx.keys.authenticate(api.token("admin")).key_id


def soon(**delta: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


def test_the_program_answers_settings_rules_tiers_campaigns_rewards_expiry_refund_and_version(
        api: ApiHarness) -> None:
    body = program(api)
    assert body["settings"] == {"code": "CPSG", "name": "Cà Phê Sài Gòn", "currency": "VND",
                                "point_value": "100", "rounding": "down", "pending_days": 0,
                                "max_points_share_of_order": "0.5", "require_presence_for_redemption": [],
                                "adjustment_approval_points": 500, "unclaimed_purchase_days": 90,
                                "receipt_claim_days": 30, "points_need_order_total": False}
    rules = {rule["rule_id"]: rule for rule in body["rules"]}
    assert rules["base-1-per-10k"]["kind"] == "points_per_amount"
    assert rules["base-1-per-10k"]["per_amount"] == "10000" and rules["base-1-per-10k"]["points"] == 1
    assert rules["weekend-x2"]["factor"] == "2" and rules["weekend-x2"]["days_of_week"] == [6, 7]
    assert [t["code"] for t in body["tiers"]["tiers"]] == ["member", "silver", "gold", "diamond"]
    assert body["tiers"]["tiers"][1]["threshold"] == "2000000"
    assert {r["reward_id"] for r in body["rewards"]} >= {"discount-15", "free-drink"}
    assert body["expiry"]["kind"] == "end_of_period" and body["refund"]["basis"] == "pro_rata"
    assert body["version"] >= 9 and body["changed_at"] and body["changed_by"]


def test_a_rule_added_is_recorded_with_its_actor_versioned_and_prices_the_next_sale(api: ApiHarness) -> None:
    before = program(api)
    rule = {"kind": "fixed_bonus", "rule_id": "web-bonus-7", "priority": 27, "points": 7, "channels": ["web"],
            "label_vi": "Thưởng web", "label_en": "Web bonus"}
    response = api.post("/v1/program/rules", rule)
    assert response.status_code == 201, response.text
    after = response.json()
    assert after["version"] == before["version"] + 1
    assert after["changed_by"] == admin_key_id(api)
    added = next(r for r in after["rules"] if r["rule_id"] == "web-bonus-7")
    assert added["points"] == 7 and added["channels"] == ["web"] and added["per_item"] is False
    assert program(api) == after

    # The version before, by number and by instant, does not have it.
    then = api.get(f"/v1/program/versions/{before['version']}").json()
    assert then == before
    instant = datetime.fromisoformat(after["changed_at"]) - timedelta(microseconds=1)
    assert api.get("/v1/program", params={"at": instant.isoformat()}).json()["version"] == before["version"]
    assert api.get("/v1/program", params={"at": after["changed_at"]}).json()["version"] == after["version"]

    member_id = api.enroll(key="web")["member_id"]
    sale = api.post("/v1/transactions", {"transaction_ref": "WEB-7", "member": {"member_id": member_id},
                                         "total": "50000"}, key="web")
    assert sale.status_code == 201, sale.text
    assert {"rule_id": "web-bonus-7", "points": 7} in [
        {"rule_id": line["rule_id"], "points": line["points"]} for line in sale.json()["breakdown"]]


def test_a_rule_is_replaced_and_removed(api: ApiHarness) -> None:
    rule = {"kind": "multiplier", "rule_id": "app-x3", "priority": 32, "factor": "3", "channels": ["app"]}
    assert api.post("/v1/program/rules", rule).status_code == 201
    replacement = {**rule, "factor": "1.5", "hours": ["06:00-09:00"]}
    replaced = send(api, "PUT", "/v1/program/rules/app-x3", replacement)
    assert replaced.status_code == 200, replaced.text
    found = next(r for r in replaced.json()["rules"] if r["rule_id"] == "app-x3")
    assert found["factor"] == "1.5" and found["hours"] == ["06:00-09:00"]
    removed = send(api, "DELETE", "/v1/program/rules/app-x3")
    assert removed.status_code == 200, removed.text
    assert "app-x3" not in {r["rule_id"] for r in removed.json()["rules"]}
    assert removed.json()["version"] == replaced.json()["version"] + 1


def test_the_tier_ladder_is_replaced(api: ApiHarness) -> None:
    ladder = program(api)["tiers"]
    ladder["grace_days"] = 45
    response = send(api, "PUT", "/v1/program/tiers", ladder)
    assert response.status_code == 200, response.text
    assert response.json()["tiers"] == ladder


def test_a_campaign_is_added_and_ended_early(api: ApiHarness) -> None:
    campaign = {"campaign_id": "he-2026", "name_vi": "Hè rực rỡ", "name_en": "Summer",
                "starts_at": soon(hours=-1), "ends_at": soon(days=30), "budget_points": 100000}
    added = api.post("/v1/program/campaigns", campaign)
    assert added.status_code == 201, added.text
    found = next(c for c in added.json()["campaigns"] if c["campaign_id"] == "he-2026")
    assert found["budget_points"] == 100000 and found["exclusive"] is False and found["ended_at"] is None
    ended = api.post("/v1/program/campaigns/he-2026/end", {"ended_at": soon(days=1)})
    assert ended.status_code == 200, ended.text
    assert next(c for c in ended.json()["campaigns"] if c["campaign_id"] == "he-2026")["ended_at"]
    now = api.post("/v1/program/campaigns/he-2026/end", None)  # no body: ends now
    assert now.status_code == 200, now.text


def test_a_reward_is_added_and_restocked(api: ApiHarness) -> None:
    reward = {"reward_id": "tet-mug", "name_vi": "Cốc Tết", "name_en": "Tết mug", "kind": "free_item",
              "points_cost": 500, "stock": 300}
    added = api.post("/v1/program/rewards", reward)
    assert added.status_code == 201, added.text
    found = next(r for r in added.json()["rewards"] if r["reward_id"] == "tet-mug")
    assert found == {**reward, "value": None, "valid_days": None, "member_condition": None}
    restocked = api.post("/v1/program/rewards/tet-mug/restock", {"quantity": 50})
    assert restocked.status_code == 200, restocked.text
    assert next(r for r in restocked.json()["rewards"] if r["reward_id"] == "tet-mug")["stock"] == 350


def test_expiry_refund_policies_and_settings_are_set(api: ApiHarness) -> None:
    expiry = send(api, "PUT", "/v1/program/expiry-policy", {"kind": "per_lot", "months": 18})
    assert expiry.status_code == 200, expiry.text
    assert expiry.json()["expiry"] == {"kind": "per_lot", "months": 18, "period": "year", "periods_after": 1}
    refund = send(api, "PUT", "/v1/program/refund-policy",
                  {"basis": "pro_rata", "on_shortfall": "allow_negative", "negative_limit": 200})
    assert refund.status_code == 200, refund.text
    assert refund.json()["refund"]["negative_limit"] == 200
    settings = {**program(api)["settings"], "name": "Cà Phê Sài Gòn Mới", "pending_days": 1}
    changed = send(api, "PUT", "/v1/program/settings", settings)
    assert changed.status_code == 200, changed.text
    assert changed.json()["settings"] == settings
    restore = send(api, "PUT", "/v1/program/settings", {**settings, "pending_days": 0})
    assert restore.status_code == 200  # later sales in this module's store earn spendable points again


def _refusals() -> list[tuple[str, str, Any, int, str]]:
    exclusive = {"name_vi": "Độc quyền", "name_en": "Exclusive", "starts_at": soon(days=40),
                 "ends_at": soon(days=50), "exclusive": True}
    base_rule = {"kind": "fixed_bonus", "rule_id": "refused-bonus", "priority": 28, "points": 5}
    ladder = {"tiers": [{"code": "a", "name_vi": "A", "name_en": "A", "threshold": "0"},
                        {"code": "b", "name_vi": "B", "name_en": "B", "threshold": "500"},
                        {"code": "c", "name_vi": "C", "name_en": "C", "threshold": "300"}]}
    settings = {"code": "CPSG", "name": "Cà Phê Sài Gòn", "currency": "USD", "point_value": "100"}
    return [
        ("POST", "/v1/program/rules", {**base_rule, "kind": "multiplier", "factor": "1", "points": None},
         422, "rule_never_fires"),
        ("POST", "/v1/program/rules", {"kind": "multiplier", "rule_id": "x0", "priority": 1, "factor": "0"},
         422, "multiplier_must_be_positive"),
        ("POST", "/v1/program/rules", {**base_rule, "channels": []}, 422, "rule_never_fires"),
        ("POST", "/v1/program/rules", {**base_rule, "rule_id": "base-1-per-10k"}, 422, "invalid_program"),
        ("PUT", "/v1/program/rules/weekend-x2",
         {"kind": "multiplier", "rule_id": "weekend-x2", "priority": 30, "factor": "2",
          "starts_at": soon(days=3), "ends_at": soon(days=2)}, 422, "window_ends_before_start"),
        ("PUT", "/v1/program/rules/no-such-rule", {**base_rule, "rule_id": "no-such-rule"},
         404, "rule_not_found"),
        ("DELETE", "/v1/program/rules/no-such-rule", None, 404, "rule_not_found"),
        ("PUT", "/v1/program/tiers", ladder, 422, "tier_ladder_not_increasing"),
        ("POST", "/v1/program/campaigns", {**exclusive, "campaign_id": "backwards", "ends_at": soon(days=39)},
         422, "window_ends_before_start"),
        ("POST", "/v1/program/campaigns/no-such-campaign/end", {}, 404, "campaign_not_found"),
        ("POST", "/v1/program/rewards",
         {"reward_id": "none-left", "name_vi": "Hết", "name_en": "None", "kind": "free_item", "stock": 0},
         422, "reward_stock_must_be_positive"),
        ("POST", "/v1/program/rewards/discount-15/restock", {"quantity": 0},
         422, "reward_stock_must_be_positive"),
        ("POST", "/v1/program/rewards/no-such-reward/restock", {"quantity": 5}, 404, "reward_not_found"),
        ("PUT", "/v1/program/expiry-policy", {"kind": "per_lot", "months": 0}, 422, "invalid_program"),
        ("PUT", "/v1/program/refund-policy", {"negative_limit": -1}, 422, "invalid_program"),
        ("PUT", "/v1/program/settings", settings, 422, "invalid_program"),
    ]


def test_every_refusal_answers_the_programs_code_and_leaves_the_program_unchanged(api: ApiHarness) -> None:
    exclusive = {"campaign_id": "excl-1", "name_vi": "Độc quyền", "name_en": "Exclusive",
                 "starts_at": soon(days=40), "ends_at": soon(days=50), "exclusive": True}
    assert api.post("/v1/program/campaigns", exclusive).status_code == 201
    overlapping = {**exclusive, "campaign_id": "excl-2", "starts_at": soon(days=45), "ends_at": soon(days=55)}
    cases = [*_refusals(), ("POST", "/v1/program/campaigns", overlapping, 422, "exclusive_campaigns_overlap"),
             ("POST", "/v1/program/campaigns/excl-1/end", {"ended_at": soon(days=60)},
              422, "invalid_program")]
    for method, path, body, status, code in cases:
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if v is not None}
        before = program(api)
        response = send(api, method, path, body)
        assert response.status_code == status, (path, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code, (path, response.json())
        assert program(api) == before, (path, code)


def test_a_body_is_strict(api: ApiHarness) -> None:
    rule = {"kind": "fixed_bonus", "rule_id": "strict-1", "priority": 5, "points": 5}
    for bad, code in (({**rule, "balance": 1}, "unknown_field"), ({**rule, "points": "5"}, "invalid_input"),
                      ({**rule, "min_spend": 100000}, "invalid_input"),
                      ({**rule, "starts_at": "2030-01-01T00:00:00"}, "invalid_input"),
                      ({**rule, "kind": "lottery"}, "invalid_input")):
        response = api.post("/v1/program/rules", bad)
        assert response.status_code == 422 and response.json()["code"] == code, (bad, response.text)
    mismatch = send(api, "PUT", "/v1/program/rules/weekend-x2", {**rule, "rule_id": "other"})
    assert mismatch.status_code == 422 and mismatch.json()["field"] == "rule_id"
    no_key = api.post("/v1/program/rules", rule, idempotency_key=None)
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_required"


def test_a_retried_change_is_answered_again_and_changes_nothing(api: ApiHarness) -> None:
    key = idem()
    reward = {"reward_id": "retry-mug", "name_vi": "Cốc", "name_en": "Mug", "kind": "free_item", "stock": 10}
    first = api.post("/v1/program/rewards", reward, idempotency_key=key)
    assert first.status_code == 201, first.text
    restock_key = idem()
    restock = "/v1/program/rewards/retry-mug/restock"
    restocked = api.post(restock, {"quantity": 5}, idempotency_key=restock_key)
    again = api.post(restock, {"quantity": 5}, idempotency_key=restock_key)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == restocked.json()
    replay = api.post("/v1/program/rewards", reward, idempotency_key=key)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()  # the program as that change left it, not as it is now
    current = program(api)
    assert next(r for r in current["rewards"] if r["reward_id"] == "retry-mug")["stock"] == 15
    reused = api.post("/v1/program/rewards", {**reward, "stock": 11}, idempotency_key=key)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert reused.json()["field"] == "body.stock"
    other_path = api.post(restock, {"quantity": 5}, idempotency_key=key)
    assert other_path.json()["code"] == "idempotency_key_reused"
    assert program(api) == current


def test_unknown_versions_and_instants_before_the_program_are_404(api: ApiHarness) -> None:
    assert api.get("/v1/program/versions/100000").json()["code"] == "program_version_not_found"
    early = api.get("/v1/program", params={"at": "2001-01-01T00:00:00+07:00"})
    assert early.status_code == 404 and early.json()["code"] == "program_not_found"
    assert api.get("/v1/program", params={"at": "2026-01-01T00:00:00"}).status_code == 422  # no offset


ADMIN_OPERATIONS = [
    ("GET", "/v1/program", None), ("GET", "/v1/program/versions/1", None),
    ("POST", "/v1/program/rules",
     {"kind": "first_purchase", "rule_id": "r-roles", "priority": 1, "points": 1}),
    ("PUT", "/v1/program/rules/weekend-x2", None), ("DELETE", "/v1/program/rules/weekend-x2", None),
    ("PUT", "/v1/program/tiers", None), ("POST", "/v1/program/campaigns", None),
    ("POST", "/v1/program/campaigns/x/end", None), ("POST", "/v1/program/rewards", None),
    ("POST", "/v1/program/rewards/discount-15/restock", {"quantity": 1}),
    ("PUT", "/v1/program/expiry-policy", None), ("PUT", "/v1/program/refund-policy", None),
    ("PUT", "/v1/program/settings", None),
]


@pytest.mark.parametrize("role", NOT_ADMIN)
def test_only_an_admin_key_may_read_or_change_the_program(api: ApiHarness, role: str) -> None:
    before = program(api)
    for method, path, body in ADMIN_OPERATIONS:
        response = send(api, method, path, body, key=role)
        assert response.status_code == 403, (role, method, path, response.text)
        assert response.json()["code"] == "forbidden"
    assert program(api) == before
