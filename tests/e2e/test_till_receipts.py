"""Receipts as a real till sends them, through the HTTP API on both stores (issue #11, "Receipts").

Part paid with points or discounted (scaled lines, negative discount lines, explicit `points_used` and
`discount`), sales from before any program existed (recorded, counted, refundable, earning 0 with a reason in
both languages), and Vietnamese-written amounts refused with `amount_not_whole_vnd`.
"""

from __future__ import annotations

import uuid


from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from loyalty_core.program.demo import DEMO_CREATED_AT
from tests.e2e.conftest import ApiHarness, api_settings, idem

COFFEE = {"sku": "CF-SUA-DA", "category": "coffee", "quantity": 1, "unit_price": "45000", "amount": "45000"}
WEEKDAY_MORNING = "2026-11-24T09:00:00+07:00"  # a Tuesday: no weekend multiplier, inside the demo program


def buy(api, member_id: str, total: str, **fields):
    body = {"transaction_ref": idem(), "member": {"member_id": member_id}, "total": total,
            "occurred_at": WEEKDAY_MORNING, **fields}
    return api.post("/v1/transactions", body, key="pos")


def rule_lines(response) -> dict[str, dict]:
    return {line["rule_id"]: line for line in response.json()["breakdown"]}


@pytest.fixture(scope="module")
def till(module_database_url: str) -> Iterator[ApiHarness]:
    """The demo program installed on 1 January 2025, so sales dated WEEKDAY_MORNING are priced by it whatever
    day the suite runs, and sales dated 2024 come from before it."""
    app = create_app(api_settings(module_database_url))
    app.state.api.service.policy.install_demo(DEMO_CREATED_AT)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield ApiHarness(app, client)
    finally:
        app.state.api.close()


def test_two_drinks_part_paid_with_points_earn_on_the_money_paid_only(till):
    member = till.enroll()["member_id"]
    response = buy(till, member, "80000", lines=[COFFEE, {**COFFEE, "sku": "CF-DEN"}])
    assert response.status_code == 201, response.text
    assert response.json()["points_earned"] == 8  # 80.000 ₫ paid in money, not 90.000 ₫ of drinks
    explained = rule_lines(response)["receipt-money-paid"]
    assert explained["points"] == 0
    assert "80.000 ₫" in explained["description"] and "90.000 ₫" in explained["description"]
    assert "80,000 VND" in explained["description_en"] and "90,000 VND" in explained["description_en"]


def test_explicit_points_used_and_discount_are_accepted_and_explained(till):
    member = till.enroll()["member_id"]
    response = buy(till, member, "70000", lines=[COFFEE, {**COFFEE, "sku": "CF-DEN"}], points_used=100,
                   discount="10000")
    assert response.status_code == 201, response.text
    assert response.json()["points_earned"] == 7
    explained = rule_lines(response)["receipt-money-paid"]
    assert "100 điểm" in explained["description"] and "giảm giá đơn hàng 10.000 ₫" in explained["description"]
    assert "paid with 100 points" in explained["description_en"]


def test_a_negative_discount_line_is_a_discount_not_an_error(till):
    member = till.enroll()["member_id"]
    lines = [COFFEE, {**COFFEE, "sku": "CF-DEN"}, {"sku": "KM-10K", "quantity": 1, "unit_price": "-10000",
                                                    "amount": "-10000"}]
    response = buy(till, member, "80000", lines=lines)
    assert response.status_code == 201, response.text
    assert response.json()["points_earned"] == 8
    assert "giảm giá trên hóa đơn 10.000 ₫" in rule_lines(response)["receipt-money-paid"]["description"]
    # The discount line earns no coffee stamp: two drinks paid for, two stamps.
    assert till.ctx.runtime.store.load_member(uuid.UUID(member)).stamps.get("coffee") == 2


def test_a_breakdown_that_does_not_add_up_is_refused_with_the_figures_and_writes_nothing(till):
    member = till.enroll()["member_id"]
    response = buy(till, member, "80000", lines=[COFFEE, {**COFFEE, "sku": "CF-DEN"}], points_used=50)
    assert response.status_code == 422
    assert response.json()["code"] == "receipt_does_not_add_up"
    assert response.json()["expected_total"] == "85000"
    assert till.balance(member)["lifetime_earned"] == 0
    assert till.ctx.runtime.store.load_member(uuid.UUID(member)).purchase_count == 0


def test_discount_lines_larger_than_the_goods_are_refused(till):
    member = till.enroll()["member_id"]
    response = buy(till, member, "0", lines=[COFFEE, {"sku": "KM", "amount": "-50000"}])
    assert response.status_code == 422 and response.json()["code"] == "receipt_does_not_add_up"


def test_a_sale_from_before_the_program_is_recorded_counted_explained_and_refundable(till):
    member = till.enroll()["member_id"]
    ref = idem()
    body = {"transaction_ref": ref, "member": {"member_id": member}, "total": "125000",
            "occurred_at": "2024-12-31T20:00:00+07:00"}  # the evening before go-live
    response = till.post("/v1/transactions", body, key="pos")
    assert response.status_code == 201, response.text
    assert response.json()["points_earned"] == 0
    reason = rule_lines(response)["no-program-in-force"]
    assert reason["description_en"].startswith("No program was in force at that time")
    assert reason["description"].startswith("Không có chương trình khách hàng thân thiết nào áp dụng")
    state = till.ctx.runtime.store.load_member(uuid.UUID(member))
    assert state.purchase_count == 1 and sum(spend for _, spend, _ in state.purchases) == 125000
    again = till.post("/v1/transactions", body, key="pos")  # the same sale again: recorded once
    assert again.json() == response.json()
    assert till.ctx.runtime.store.load_member(uuid.UUID(member)).purchase_count == 1
    refund = till.post(f"/v1/transactions/{ref}/refunds", {"refund_ref": "R-old", "amount": "125000"}, key="pos")
    assert refund.status_code == 201, refund.text
    assert refund.json()["points_reversed"] == 0
    events = till.get(f"/v1/members/{member}/events", key="auditor").json()["items"]
    recorded = [e for e in events if e["type"] == "PurchaseRecorded"]
    assert recorded and recorded[0]["data"]["breakdown"][0]["rule_id"] == "no-program-in-force"
    assert any(e["type"] == "EarnReversed" for e in events)


def test_a_sale_on_a_store_with_no_program_at_all_is_recorded(database_url):
    app = create_app(api_settings(database_url))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            bare = ApiHarness(app, client)
            member = bare.enroll()["member_id"]
            response = buy(bare, member, "50000")
            assert response.status_code == 201, response.text
            assert response.json()["points_earned"] == 0
            assert rule_lines(response)["no-program-in-force"]["description_en"].startswith("No program is installed")
    finally:
        app.state.api.close()


@pytest.mark.parametrize("field,value", [("total", "125.000"), ("total", "125,5"), ("total", "1.250.000"),
                                         ("total", "125,000"), ("discount", "10.000")])
def test_a_vnd_amount_with_a_separator_is_refused_saying_how_to_write_it(till, field, value):
    member = till.enroll()["member_id"]
    body = {"total": "125000", field: value}
    response = buy(till, member, **body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "amount_not_whole_vnd" and problem["field"] == field
    assert "125000" in problem["detail"]
    assert till.ctx.runtime.store.load_member(uuid.UUID(member)).purchase_count == 0


def test_line_amounts_and_refunds_and_order_totals_refuse_separators_too(till):
    member = till.enroll()["member_id"]
    line = buy(till, member, "45000", lines=[{**COFFEE, "amount": "45.000"}])
    assert line.status_code == 422 and line.json()["code"] == "amount_not_whole_vnd"
    ref = idem()
    ok = till.post("/v1/transactions", {"transaction_ref": ref, "member": {"member_id": member}, "total": "45000"},
                  key="pos")
    assert ok.status_code == 201
    refund = till.post(f"/v1/transactions/{ref}/refunds", {"refund_ref": "R1", "amount": "45,000"}, key="pos")
    assert refund.status_code == 422 and refund.json()["code"] == "amount_not_whole_vnd"
    redeem = till.post(f"/v1/members/{member}/redemptions",
                      {"points": 1, "order_ref": "o-1", "order_total": "100.000"}, key="pos")
    assert redeem.status_code == 422 and redeem.json()["code"] == "amount_not_whole_vnd"


def test_a_sale_from_before_the_program_for_a_phone_not_yet_enrolled_is_held_then_credited_at_zero(fresh_api):
    from datetime import datetime, timedelta, timezone

    from tests.e2e.conftest import new_phone

    phone, api = new_phone(), fresh_api  # the demo program was installed just now
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    sale = {"transaction_ref": idem(), "member": {"phone": phone}, "total": "90000", "occurred_at": yesterday}
    held = api.post("/v1/transactions", sale, key="pos")
    assert held.status_code == 202, held.text  # held, not refused for lack of rules
    member = api.enroll(phone=phone)["member_id"]
    state = api.ctx.runtime.store.load_member(uuid.UUID(member))
    assert state.purchase_count == 1 and state.lifetime_earned == 0
    events = api.get(f"/v1/members/{member}/events", key="auditor").json()["items"]
    recorded = next(e for e in events if e["type"] == "PurchaseRecorded")
    assert recorded["data"]["breakdown"][0]["rule_id"] == "no-program-in-force"
