"""Redemptions, two-phase reservations, adjustments and activities over HTTP, on both stores."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import ApiHarness


def test_redemption_spends_points_and_answers_the_new_balance(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    response = api.post(
        f"/v1/members/{member_id}/redemptions", {"points": 300, "order_ref": "HD-1"}, key="pos"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["redemption_id"] and body["points"] == 300 and body["voucher"] is None
    assert body["balance"]["available"] == 700 and body["balance"]["lifetime_redeemed"] == 300


def test_redeeming_more_than_available_is_insufficient_points_and_writes_nothing(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    response = api.post(
        f"/v1/members/{member_id}/redemptions", {"points": 101, "order_ref": "HD-1"}, key="pos"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "insufficient_points"
    assert api.balance(member_id)["available"] == 100


def test_redeeming_an_unknown_reward_is_404(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    response = api.post(
        f"/v1/members/{member_id}/redemptions", {"reward_id": "cafe-free", "order_ref": "HD-1"}, key="pos"
    )
    assert response.status_code == 404 and response.json()["code"] == "reward_not_found"


def test_reserve_then_capture_all(api: ApiHarness) -> None:
    member_id = api.member_with(500)
    reserved = api.post(
        f"/v1/members/{member_id}/reservations",
        {"points": 200, "order_ref": "HD-7", "hold_seconds": 600},
        key="pos",
    )
    assert reserved.status_code == 201, reserved.text
    body = reserved.json()
    assert body["reservation_id"] and body["expires_at"]
    assert body["balance"]["available"] == 300 and body["balance"]["reserved"] == 200
    captured = api.post(f"/v1/reservations/{body['reservation_id']}/capture", key="pos")
    assert captured.status_code == 200, captured.text
    assert captured.json()["points_captured"] == 200
    assert captured.json()["balance"] | {} == api.balance(member_id)
    assert api.balance(member_id)["available"] == 300 and api.balance(member_id)["reserved"] == 0


def test_partial_capture_releases_the_rest(api: ApiHarness) -> None:
    member_id = api.member_with(500)
    rid = api.post(
        f"/v1/members/{member_id}/reservations", {"points": 200, "order_ref": "HD-8"}, key="pos"
    ).json()["reservation_id"]
    captured = api.post(f"/v1/reservations/{rid}/capture", {"points": 150}, key="pos").json()
    assert (captured["points_captured"], captured["points_released"]) == (150, 50)
    assert captured["balance"]["available"] == 350 and captured["balance"]["lifetime_redeemed"] == 150


def test_release_gives_the_points_back(api: ApiHarness) -> None:
    member_id = api.member_with(500)
    rid = api.post(
        f"/v1/members/{member_id}/reservations", {"points": 200, "order_ref": "HD-9"}, key="pos"
    ).json()["reservation_id"]
    released = api.post(f"/v1/reservations/{rid}/release", key="pos")
    assert released.status_code == 200
    assert released.json()["balance"]["available"] == 500


def test_a_reservation_resolves_once(api: ApiHarness) -> None:
    member_id = api.member_with(500)
    rid = api.post(
        f"/v1/members/{member_id}/reservations", {"points": 100, "order_ref": "HD-1"}, key="pos"
    ).json()["reservation_id"]
    assert api.post(f"/v1/reservations/{rid}/capture", key="pos").status_code == 200
    again = api.post(f"/v1/reservations/{rid}/release", key="pos")
    assert again.status_code == 409 and again.json()["code"] == "reservation_already_captured"
    rid2 = api.post(
        f"/v1/members/{member_id}/reservations", {"points": 100, "order_ref": "HD-2"}, key="pos"
    ).json()["reservation_id"]
    assert api.post(f"/v1/reservations/{rid2}/release", key="pos").status_code == 200
    again = api.post(f"/v1/reservations/{rid2}/capture", key="pos")
    assert again.status_code == 409 and again.json()["code"] == "reservation_already_released"


def test_capturing_an_expired_reservation_is_refused(clocked_api: ApiHarness, clock: Any) -> None:
    api = clocked_api
    member_id = api.member_with(500)
    rid = api.post(
        f"/v1/members/{member_id}/reservations",
        {"points": 100, "order_ref": "HD-1", "hold_seconds": 60},
        key="pos",
    ).json()["reservation_id"]
    assert api.balance(member_id)["reserved"] == 100
    clock.advance(seconds=61)
    assert api.balance(member_id)["available"] == 500
    response = api.post(f"/v1/reservations/{rid}/capture", key="pos")
    assert response.status_code == 409 and response.json()["code"] == "reservation_expired"


def test_capturing_more_than_reserved_is_refused(api: ApiHarness) -> None:
    member_id = api.member_with(500)
    rid = api.post(
        f"/v1/members/{member_id}/reservations", {"points": 100, "order_ref": "HD-1"}, key="pos"
    ).json()["reservation_id"]
    response = api.post(f"/v1/reservations/{rid}/capture", {"points": 101}, key="pos")
    assert response.status_code == 422 and response.json()["code"] == "capture_exceeds_reservation"
    assert api.balance(member_id)["reserved"] == 100


def test_an_unknown_reservation_is_404(api: ApiHarness) -> None:
    response = api.post("/v1/reservations/rsv_nope/capture", key="pos")
    assert response.status_code == 404 and response.json()["code"] == "reservation_not_found"


def test_staff_adjust_points_up_and_down_with_a_reason(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    up = api.post(
        f"/v1/members/{member_id}/adjustments", {"points": 50, "reason": "Khách phàn nàn"}, key="staff"
    )
    assert up.status_code == 201, up.text
    assert up.json()["balance"]["available"] == 150
    down = api.post(
        f"/v1/members/{member_id}/adjustments", {"points": -30, "reason": "Nhập nhầm"}, key="admin"
    )
    assert down.status_code == 201 and down.json()["balance"]["available"] == 120
    event = api.get(f"/v1/members/{member_id}/events", key="auditor").json()["items"][-1]
    assert event["type"] == "PointsAdjusted" and event["data"]["reason"] == "Nhập nhầm"


def test_a_zero_or_reasonless_adjustment_is_refused(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    zero = api.post(f"/v1/members/{member_id}/adjustments", {"points": 0, "reason": "x"}, key="staff")
    assert zero.status_code == 422 and zero.json()["code"] == "amount_must_be_positive"
    assert api.post(f"/v1/members/{member_id}/adjustments", {"points": 5}, key="staff").status_code == 422


def test_an_activity_earns_the_points_of_the_programs_rule_once_a_day(fresh_api: ApiHarness) -> None:
    rule = {"kind": "activity", "rule_id": "daily-check-in", "priority": 10, "activity": "check_in", "points": 5,
            "limit": 1, "period": "day"}
    assert fresh_api.post("/v1/program/rules", rule).status_code == 201
    member_id = fresh_api.member_with(0)
    first = fresh_api.post(f"/v1/members/{member_id}/activities", {"kind": "check_in", "reference": "checkin-1"},
                           key="pos")
    assert first.status_code == 201, first.text
    assert first.json()["points_earned"] == 5 and first.json()["balance"]["lifetime_earned"] == 5
    again = fresh_api.post(f"/v1/members/{member_id}/activities", {"kind": "check_in", "reference": "checkin-2"},
                           key="pos")
    assert again.json()["points_earned"] == 0 and fresh_api.balance(member_id)["available"] == 5


def test_an_unknown_activity_kind_is_refused(api: ApiHarness) -> None:
    member_id = api.member_with(0)
    response = api.post(f"/v1/members/{member_id}/activities", {"kind": "dance", "reference": "x"}, key="pos")
    assert response.status_code == 422 and response.json()["field"] == "kind"
