"""The program's promises through HTTP: the till's two-phase path respects the order share, and a refund that
names its lines takes back what they earned."""

from __future__ import annotations


def test_a_reservation_is_held_to_the_share_of_its_order_and_the_capture_says_what_it_paid(api):
    member_id = api.member_with(1_000)
    too_much = api.post(f"/v1/members/{member_id}/reservations",
                        {"points": 600, "order_ref": "HD-9", "order_total": "100000", "store_id": "HCM-01"}, key="pos")
    assert too_much.status_code == 422 and too_much.json()["code"] == "discount_exceeds_share"
    held = api.post(f"/v1/members/{member_id}/reservations",
                    {"points": 500, "order_ref": "HD-9", "order_total": "100000", "store_id": "HCM-01"}, key="pos")
    assert held.status_code == 201, held.text
    captured = api.post(f"/v1/reservations/{held.json()['reservation_id']}/capture",
                        {"points": 300, "store_id": "HCM-01"}, key="pos")
    assert captured.status_code == 200, captured.text
    assert captured.json()["discount_amount"] == "30000" and captured.json()["points_released"] == 200


def test_a_refund_naming_its_lines_takes_back_what_they_earned(api):
    member = api.enroll()
    ref = f"HD-L-{member['member_id'][:8]}"
    sale = {"transaction_ref": ref, "member": {"member_id": member["member_id"]}, "total": "145000",
            "store_id": "HCM-01", "lines": [
                {"sku": "CF-DEN", "category": "coffee", "quantity": 1, "unit_price": "45000", "amount": "45000"},
                {"sku": "BANH", "category": "cake", "quantity": 1, "unit_price": "100000", "amount": "100000"}]}
    earned = api.post("/v1/transactions", sale, key="pos").json()
    refund = api.post(f"/v1/transactions/{ref}/refunds",
                      {"refund_ref": "RF-1", "amount": "100000", "store_id": "HCM-01",
                       "lines": [{"sku": "BANH", "quantity": 1}]}, key="pos")
    assert refund.status_code in (200, 201), refund.text
    base = {line["rule_id"]: line["points"] for line in earned["breakdown"]}["base-1-per-10k"]
    # The cake paid 100.000 of 145.000 ₫: it earned 10 of the 14 base points (and of the weekend's doubling).
    doubled = earned["points_earned"] // base
    assert base == 14 and refund.json()["points_reversed"] == 10 * doubled
    wrong = api.post(f"/v1/transactions/{ref}/refunds",
                     {"refund_ref": "RF-2", "amount": "45000", "store_id": "HCM-01",
                      "lines": [{"sku": "BANH", "quantity": 1}]}, key="pos")
    assert wrong.status_code == 422 and wrong.json()["field"] == "lines"
