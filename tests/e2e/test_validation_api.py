"""Hostile and sloppy input: strict types, money as strings, bounds, unknown fields, odd phone numbers,
malformed JSON. Every refusal is a problem with a stable code, nothing is written, and nothing is a 500."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import ApiHarness, new_phone


def _redeem(api: ApiHarness, member_id: str, body: Any) -> Any:
    return api.post(f"/v1/members/{member_id}/redemptions", body, key="pos")


# One app per store runs all the cases of a test: the cases differ in the request only.


def test_points_must_be_a_json_integer_within_bounds(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    for points in ["12", 12.0, True, None, -1, 0, 100_000_001, 10**30, [12], {"n": 12}]:
        response = _redeem(api, member_id, {"points": points, "order_ref": "o"})
        assert response.status_code == 422, (points, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json().get("field") in ("points", None)
    assert api.balance(member_id)["available"] == 1000


def test_bounds_answer_the_ledgers_own_codes(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    assert (
        _redeem(api, member_id, {"points": 100_000_001, "order_ref": "o"}).json()["code"]
        == "amount_too_large"
    )
    assert (
        _redeem(api, member_id, {"points": 0, "order_ref": "o"}).json()["code"] == "amount_must_be_positive"
    )


def test_nan_and_infinity_are_refused(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    for raw in (
        b'{"points": NaN, "order_ref": "o"}',
        b'{"points": Infinity, "order_ref": "o"}',
        b'{"points": -Infinity, "order_ref": "o"}',
        b'{"points": 1e400, "order_ref": "o"}',
    ):
        response = api.client.post(
            f"/v1/members/{member_id}/redemptions",
            content=raw,
            headers={**api.headers("pos", "nan"), "Content-Type": "application/json"},
        )
        assert response.status_code in (400, 422), response.text
    assert api.balance(member_id)["available"] == 1000


def test_money_must_be_a_plain_decimal_string(api: ApiHarness) -> None:
    member_id = api.member_with(0)
    for total in (125000.0, 125000, "125000.5", "1e5", "NaN", "-5", "", "12,000", "１２５０００", "1" * 20):
        sale = {"transaction_ref": "T-1", "member": {"member_id": member_id}, "total": total}
        response = api.post("/v1/transactions", sale, key="pos")
        assert response.status_code == 422, (total, response.text)
        assert response.json()["field"] == "total"
        assert response.json()["code"] in ("invalid_money", "invalid_input", "amount_not_whole_vnd")


def test_refund_amounts_are_decimal_strings_too(api: ApiHarness) -> None:
    response = api.post("/v1/transactions/T-1/refunds", {"refund_ref": "R1", "amount": 5000.0}, key="pos")
    assert response.status_code == 422 and response.json()["field"] == "amount"


def test_unknown_fields_are_refused_so_nothing_can_be_mass_assigned(api: ApiHarness) -> None:
    phone = new_phone()
    for field in ("balance", "tier", "member_id", "points"):
        response = api.post("/v1/members", {"phone": phone, field: 999999}, key="pos")
        assert response.status_code == 422
        assert response.json()["code"] == "unknown_field" and response.json()["field"] == field
    assert api.get("/v1/members/lookup", key="pos", params={"phone": phone}).status_code == 404


def test_full_width_invisible_and_absurd_phone_numbers_are_refused(api: ApiHarness) -> None:
    for phone in (
        "０９０１２３４５６７",
        "090\u200b1234567",
        "\u2060+84901234567",
        "0901234567\u00a0",
        "090１234567",
        "0901234567" * 4,
        "abc",
        "+1 202 555 0100x",
    ):
        response = api.post("/v1/members", {"phone": phone}, key="pos")
        assert response.status_code == 422, (phone, response.text)
        assert response.json()["code"] in ("invalid_phone", "invalid_input")
        lookup = api.get("/v1/members/lookup", key="pos", params={"phone": phone})
        assert lookup.status_code in (404, 422)


def test_over_long_and_empty_strings_are_refused(api: ApiHarness) -> None:
    member_id = api.member_with(10)
    for body in (
        {"points": 1, "order_ref": "x" * 101},
        {"points": 1, "order_ref": ""},
        {"points": 1, "order_ref": "o", "store_id": "S" * 41},
        {"points": 1, "order_ref": "o", "channel": "P"},
    ):
        assert _redeem(api, member_id, body).status_code == 422, body
    assert api.balance(member_id)["available"] == 10


def test_names_and_reasons_have_length_limits(api: ApiHarness) -> None:
    assert api.post("/v1/members", {"phone": "0901234567", "name": "x" * 201}, key="pos").status_code == 422
    member_id = api.member_with(10)
    response = api.post(
        f"/v1/members/{member_id}/adjustments", {"points": 1, "reason": "x" * 501}, key="staff"
    )
    assert response.status_code == 422


def test_times_need_an_offset_and_must_be_strings(api: ApiHarness) -> None:
    member_id = api.member_with(10)
    for at in ("2026-01-15T10:00:00", 1767000000, "yesterday"):
        response = api.post(
            f"/v1/members/{member_id}/adjustments",
            {"points": 1, "reason": "r", "expires_at": at},
            key="staff",
        )
        assert response.status_code == 422 and response.json()["field"] == "expires_at", at


def test_malformed_json_is_400(api: ApiHarness) -> None:
    for raw in (b'{"phone": ', b"\xff\xfe", b'{"phone": "0901234567"} trailing'):
        response = api.client.post(
            "/v1/members",
            content=raw,
            headers={**api.headers("pos", "bad-json"), "Content-Type": "application/json"},
        )
        assert response.status_code == 400, response.text
        assert response.json()["code"] in ("malformed_json", "bad_request")


def test_a_body_of_the_wrong_shape_is_422(api: ApiHarness) -> None:
    for body in ([], "0901234567", 42, None):
        assert api.post("/v1/members", body, key="pos").status_code == 422


def test_an_unexpected_failure_is_a_logged_500_problem(
    api: ApiHarness, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def execute(self, command: Any) -> Any:
            raise RuntimeError("disk on fire")

    real, api.ctx.run.service = api.ctx.run.service, Broken()
    try:
        with caplog.at_level(logging.ERROR, logger="loyalty.api"):
            response = api.post("/v1/members", {"phone": new_phone()}, key="pos")
    finally:
        api.ctx.run.service = real
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error" and "disk" not in response.text
    assert "disk on fire" in caplog.text


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=12,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "points": _json,
        "order_ref": _json,
        "reward_id": _json,
        "store_id": _json,
        "channel": _json,
        "phone": _json,
        "hold_seconds": _json,
        "reason": _json,
        "total": _json,
        "member": _json,
        "transaction_ref": _json,
        "refund_ref": _json,
        "amount": _json,
        "kind": _json,
        "reference": _json,
        "lines": _json,
    },
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(
        [
            "/v1/members",
            "/members/{m}/redemptions",
            "/members/{m}/reservations",
            "/members/{m}/adjustments",
            "/members/{m}/activities",
            "/v1/transactions",
            "/v1/transactions/T-1/refunds",
            "/v1/reservations/rsv_1/capture",
        ]
    ),
    body=_fields | _json,
)
def test_fuzzed_bodies_never_cause_a_server_error(api: ApiHarness, path: str, body: Any) -> None:
    if not hasattr(api, "fuzz_member"):
        api.fuzz_member = api.member_with(1000)  # type: ignore[attr-defined]
    member_id = api.fuzz_member  # type: ignore[attr-defined]
    url = path.replace("/members/{m}", f"/v1/members/{member_id}")
    response = api.post(url, body, key="admin")
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert {"type", "title", "status", "detail", "code"} <= set(problem)
        assert json.dumps(problem)
