"""Nobody reaches past their scope, over HTTP on both stores: refunds only from a key covering the original
sale, staff keys limited to stores, and large manual adjustments waiting for a second person."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ApiHarness, idem


def _token(api: ApiHarness, name: str, role: str, **spec: Any) -> str:
    if name not in api.tokens:
        api.tokens[name] = api.ctx.keys.create(role, **spec)[1]
    return name


def _keys(api: ApiHarness) -> None:
    _token(api, "shopee", "channel", channel="shopee")
    _token(api, "staff_hcm", "staff", stores=("HCM-01",))
    _token(api, "staff_hn", "staff", stores=("HN-02",))
    _token(api, "staff_2", "staff")


def _post(api: ApiHarness, path: str, body: Any, name: str, key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {api.tokens[name] if name in api.tokens else api.token(name)}",
               "Idempotency-Key": key or idem()}
    return api.client.post(path, json=body, headers=headers)


def _sale_at_hcm(api: ApiHarness) -> tuple[str, str]:
    member = api.enroll()["member_id"]
    ref = f"HD-{uuid.uuid4().hex[:10]}"
    sale = {"transaction_ref": ref, "member": {"member_id": member}, "currency": "VND", "total": "250000"}
    response = api.post("/v1/transactions", sale, key="pos", idempotency_key=None)  # the HCM-01 till
    assert response.status_code == 201 and response.json()["points_earned"] > 0, response.text
    return member, ref


@pytest.mark.parametrize("key, body", [
    ("pos_hn", {}),                                   # a till of another store of the same chain
    ("shopee", {"purchase_channel": "pos"}),          # a marketplace naming the POS sale
    ("staff_hn", {"purchase_channel": "pos"}),        # staff limited to another store
])
def test_a_refund_from_a_key_that_does_not_cover_the_original_sale_is_403(api: ApiHarness, key, body) -> None:
    _keys(api)
    member, ref = _sale_at_hcm(api)
    before = api.balance(member)
    response = _post(api, f"/v1/transactions/{ref}/refunds", {"refund_ref": "RF-1", "amount": "100000", **body}, key)
    assert response.status_code == 403 and response.json()["code"] == "refund_out_of_scope", response.text
    assert api.balance(member) == before


@pytest.mark.parametrize("key", ["pos", "pos_multi", "staff", "staff_hcm", "admin"])
def test_a_refund_from_a_key_covering_the_sale_goes_through(api: ApiHarness, key) -> None:
    _keys(api)
    member, ref = _sale_at_hcm(api)
    body = {"refund_ref": "RF-1", "amount": "250000"}
    if key not in ("pos", "pos_multi"):
        body["purchase_channel"] = "pos"
    if key == "pos_multi":
        body["store_id"] = "HCM-02"  # returned at the sister store: the sale was at one of this key's stores
    response = _post(api, f"/v1/transactions/{ref}/refunds", body, key)
    assert response.status_code == 201, response.text
    assert api.balance(member)["available"] == 0


def test_a_staff_key_limited_to_a_store_acts_only_there_but_helps_any_member(api: ApiHarness) -> None:
    _keys(api)
    member = api.member_with(100)
    elsewhere = _post(api, f"/v1/members/{member}/redemptions", {"points": 1, "order_ref": "o", "store_id": "HN-02"},
                      "staff_hcm")
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "store_not_allowed"
    here = _post(api, f"/v1/members/{member}/redemptions", {"points": 1, "order_ref": "o2"}, "staff_hcm")
    assert here.status_code == 201
    last = api.get(f"/v1/members/{member}/events", key="auditor").json()["items"][-1]
    assert (last["channel"], last["store_id"]) == ("staff", "HCM-01")
    # A member belongs to the program, not to a store: a correction for anyone, recorded at the key's store.
    fixed = _post(api, f"/v1/members/{member}/adjustments", {"points": 5, "reason": "goodwill"}, "staff_hcm")
    assert fixed.status_code == 201 and api.balance(member)["available"] == 104


def test_a_store_limited_staff_key_cannot_capture_another_stores_reservation(api: ApiHarness) -> None:
    _keys(api)
    member = api.member_with(100)
    rid = api.post(f"/v1/members/{member}/reservations", {"points": 50, "order_ref": "o"}, key="pos_hn").json()
    assert _post(api, f"/v1/reservations/{rid['reservation_id']}/capture", None, "staff_hcm").status_code == 403
    assert _post(api, f"/v1/reservations/{rid['reservation_id']}/capture", None, "staff_hn").status_code == 200


def test_only_channel_and_staff_keys_can_be_limited_to_stores(api: ApiHarness) -> None:
    for role in ("admin", "auditor", "analyst"):
        with pytest.raises(ValueError, match="only channel and staff keys"):
            api.ctx.keys.create(role, stores=("HCM-01",))


# --- four eyes on large adjustments ---------------------------------------------------------------------------
def test_an_adjustment_up_to_the_threshold_applies_at_once(api: ApiHarness) -> None:
    member = api.member_with(0)
    response = api.post(f"/v1/members/{member}/adjustments", {"points": 500, "reason": "thẻ giấy"}, key="staff")
    assert response.status_code == 201 and api.balance(member)["available"] == 500


def test_a_large_adjustment_waits_for_someone_else_and_is_applied_once_approved(api: ApiHarness) -> None:
    _keys(api)
    member = api.member_with(10)
    request_key = idem()
    asked = api.post(f"/v1/members/{member}/adjustments", {"points": 501, "reason": "VIP gesture"}, key="staff",
                     idempotency_key=request_key)
    assert asked.status_code == 202 and asked.json()["status"] == "pending", asked.text
    approval = asked.json()["approval_id"]
    assert api.balance(member)["available"] == 10
    again = api.post(f"/v1/members/{member}/adjustments", {"points": 501, "reason": "VIP gesture"}, key="staff",
                     idempotency_key=request_key)
    assert again.status_code == 202 and again.json()["approval_id"] == approval  # a retry opens nothing new
    pending = api.get("/v1/approvals", key="staff_2").json()["items"]
    assert [a["points"] for a in pending if a["approval_id"] == approval] == [501]

    own = api.post(f"/v1/approvals/{approval}/approve", {"note": "ok"}, key="staff")
    assert own.status_code == 403 and own.json()["code"] == "approval_by_requester"
    assert api.balance(member)["available"] == 10

    decision_key = idem()
    approved = api.post(f"/v1/approvals/{approval}/approve", {"note": "đã kiểm tra hoá đơn"}, key="staff_2",
                        idempotency_key=decision_key)
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    assert approved.json()["balance"]["available"] == 511 == api.balance(member)["available"]
    retried = api.post(f"/v1/approvals/{approval}/approve", {"note": "đã kiểm tra hoá đơn"}, key="staff_2",
                       idempotency_key=decision_key)
    assert retried.status_code == 200 and api.balance(member)["available"] == 511
    twice = api.post(f"/v1/approvals/{approval}/approve", {"note": "again"}, key="admin")
    assert twice.status_code == 409 and twice.json()["code"] == "approval_not_pending"
    events = api.get(f"/v1/members/{member}/events", key="auditor").json()["items"]
    assert events[-1]["type"] == "PointsAdjusted" and "approved by" in str(events[-1])


def test_a_refused_adjustment_never_touches_the_balance(api: ApiHarness) -> None:
    _keys(api)
    member = api.member_with(1000)
    asked = api.post(f"/v1/members/{member}/adjustments", {"points": -900, "reason": "nhập nhầm"}, key="staff")
    approval = asked.json()["approval_id"]
    refused = api.post(f"/v1/approvals/{approval}/refuse", {"note": "không có chứng từ"}, key="staff_2")
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert api.post(f"/v1/approvals/{approval}/approve", {"note": "x"}, key="admin").status_code == 409
    assert api.balance(member)["available"] == 1000
    listed = api.get("/v1/approvals?status=refused", key="admin").json()["items"]
    assert [(a["decided_by"], a["note"]) for a in listed if a["approval_id"] == approval] == [
        (api.ctx.keys.authenticate(api.tokens["staff_2"]).key_id, "không có chứng từ")]


def test_approval_errors_are_clear_problems(api: ApiHarness) -> None:
    nobody = uuid.uuid4()
    missing = api.post(f"/v1/approvals/{nobody}/approve", {"note": "x"}, key="staff")
    assert missing.status_code == 404 and missing.json()["code"] == "approval_not_found"
    assert api.post(f"/v1/approvals/{nobody}/approve", {}, key="staff").status_code == 422
    assert api.post(f"/v1/approvals/{nobody}/approve", {"note": "x"}, key="pos").status_code == 403
    assert api.get("/v1/approvals?status=weird", key="staff").status_code == 422


def test_the_threshold_is_the_programs_own_setting(fresh_api: ApiHarness) -> None:
    api = fresh_api
    program = api.get("/v1/program").json()
    settings = {**program["settings"], "adjustment_approval_points": 50}
    changed = api.client.put("/v1/program/settings", json=settings, headers=api.headers("admin", idem()))
    assert changed.status_code == 200, changed.text
    member = api.member_with(0)
    assert api.post(f"/v1/members/{member}/adjustments", {"points": 51, "reason": "x"}, key="staff").status_code == 202
    assert api.post(f"/v1/members/{member}/adjustments", {"points": 50, "reason": "x"}, key="staff").status_code == 201
    bad = api.client.put("/v1/program/settings", json={**settings, "adjustment_approval_points": -1},
                         headers=api.headers("admin", idem()))
    assert bad.status_code == 422


def test_the_cli_asks_for_approval_and_another_person_decides(tmp_path) -> None:
    from typer.testing import CliRunner

    from loyalty_cli.main import app

    env = {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}

    def run(*args: str):
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)

    assert run("enroll", "0901234599").exit_code == 0
    small = run("adjust", "0901234599", "--points", "300", "--reason", "thẻ giấy", "--actor", "lan")
    assert small.exit_code == 0 and '"points": 300' in small.stdout
    asked = run("adjust", "0901234599", "--points", "700", "--reason", "VIP", "--actor", "lan")
    assert asked.exit_code == 0 and asked.stdout.startswith("approval requested: ")
    approval = asked.stdout.split(": ")[1].strip()
    assert approval in run("approvals", "list").stdout
    own = run("approvals", "approve", approval, "--actor", "lan", "--note", "ok")
    assert own.exit_code == 1 and "approval_by_requester" in own.output
    done = run("approvals", "approve", approval, "--actor", "minh", "--note", "đã xem hoá đơn")
    assert done.exit_code == 0 and '"status": "approved"' in done.stdout
    assert '"available": 1000' in run("balance", "0901234599").stdout
    assert run("approvals", "list").stdout.strip() == ""
    assert run("approvals", "refuse", "not-an-id", "--actor", "x", "--note", "y").exit_code == 1
