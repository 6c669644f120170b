"""Every role boundary: who may call what, a channel key's channel and stores, missing and revoked keys,
and per-key rate limits."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from tests.e2e.conftest import ApiHarness, api_settings

ROLES = ("pos", "staff", "auditor", "analyst", "admin")
WRITERS = {"pos", "staff", "admin"}
READERS = {"pos", "staff", "auditor", "admin"}


def _operations(member_id: str) -> list[tuple[str, str, Any, set[str]]]:
    m = f"/v1/members/{member_id}"
    purchase = {"transaction_ref": "T-roles", "member": {"member_id": member_id}, "total": "100000"}
    return [
        ("POST", "/v1/members", {"phone": "0909111222"}, WRITERS),
        ("GET", "/v1/members/lookup?phone=0909111222", None, READERS),
        ("GET", m, None, READERS),
        ("GET", f"{m}/balance", None, READERS),
        ("GET", f"{m}/history", None, READERS),
        ("GET", f"{m}/events", None, {"auditor", "admin"}),
        ("POST", "/v1/transactions", purchase, WRITERS),
        ("POST", "/v1/transactions/simulate", purchase, WRITERS),
        ("POST", "/v1/transactions/T-none/refunds", {"refund_ref": "R1", "amount": "1000"}, WRITERS),
        ("POST", f"{m}/redemptions", {"points": 1, "order_ref": "o"}, WRITERS),
        ("POST", f"{m}/reservations", {"points": 1, "order_ref": "o"}, WRITERS),
        ("POST", "/v1/reservations/rsv_none/capture", None, WRITERS),
        ("POST", "/v1/reservations/rsv_none/release", None, WRITERS),
        ("POST", f"{m}/adjustments", {"points": 1, "reason": "goodwill"}, {"staff", "admin"}),
        ("POST", f"{m}/activities", {"kind": "survey", "reference": "s-1"}, WRITERS),
        ("GET", "/v1/stream", None, READERS),
        ("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/h"}, {"admin"}),
        ("GET", "/v1/webhooks", None, {"admin"}),
    ]


def test_each_role_may_call_exactly_its_operations(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    for method, path, body, allowed in _operations(member_id):
        for role in ROLES:
            if method == "GET" and path == "/v1/stream" and role in allowed:
                continue  # an allowed stream never ends; it is exercised over real HTTP in test_live_server
            response = api.get(path, key=role) if method == "GET" else api.post(path, body, key=role)
            if role in allowed:
                assert response.status_code not in (401, 403), (method, path, role, response.text)
            else:
                assert response.status_code == 403, (method, path, role, response.text)
                assert response.json()["code"] == "forbidden"


def test_no_key_is_401_with_a_bearer_challenge(api: ApiHarness) -> None:
    response = api.get("/v1/members/lookup?phone=0901234567", key=None)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert api.post("/v1/members", {"phone": "0901234567"}, key=None).status_code == 401


def test_an_unknown_or_malformed_key_is_401(api: ApiHarness) -> None:
    token = api.token("pos")
    for bad in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "lk_0000000000000000_" + "x" * 43,
        "nonsense",
    ):
        response = api.client.get(
            "/v1/members/lookup?phone=0901234567", headers={"Authorization": f"Bearer {bad}"}
        )
        assert response.status_code == 401 and response.json()["code"] == "invalid_api_key"


def test_a_revoked_key_is_refused_at_once(api: ApiHarness) -> None:
    key, token = api.ctx.keys.create("channel", channel="pos", stores=("HCM-01",))
    member_id = api.member_with(10)
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get(f"/v1/members/{member_id}", headers=headers).status_code == 200
    api.ctx.keys.revoke(key.key_id)
    response = api.client.get(f"/v1/members/{member_id}", headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "invalid_api_key"


def test_a_pos_key_for_one_store_cannot_act_for_another(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    response = api.post(
        f"/v1/members/{member_id}/redemptions",
        {"points": 1, "order_ref": "o", "store_id": "HN-02"},
        key="pos",
    )
    assert response.status_code == 403 and response.json()["code"] == "store_not_allowed"
    sale = {
        "transaction_ref": "T-1",
        "member": {"member_id": member_id},
        "total": "100000",
        "store_id": "HN-02",
    }
    response = api.post("/v1/transactions", sale, key="pos")
    assert response.status_code == 403 and response.json()["code"] == "store_not_allowed"
    assert api.balance(member_id)["available"] == 100


def test_a_channel_key_cannot_act_for_another_channel(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    response = api.post(
        f"/v1/members/{member_id}/redemptions", {"points": 1, "order_ref": "o", "channel": "web"}, key="pos"
    )
    assert response.status_code == 403 and response.json()["code"] == "channel_not_allowed"


def test_a_channel_key_without_stores_cannot_name_one(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    assert (
        api.post(
            f"/v1/members/{member_id}/redemptions", {"points": 1, "order_ref": "o"}, key="web"
        ).status_code
        == 201
    )
    response = api.post(
        f"/v1/members/{member_id}/redemptions",
        {"points": 1, "order_ref": "o2", "store_id": "HCM-01"},
        key="web",
    )
    assert response.status_code == 403 and response.json()["code"] == "store_not_allowed"


def test_a_multi_store_key_names_one_of_its_stores(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    unnamed = api.post(
        f"/v1/members/{member_id}/redemptions", {"points": 1, "order_ref": "o"}, key="pos_multi"
    )
    assert unnamed.status_code == 403
    named = api.post(
        f"/v1/members/{member_id}/redemptions",
        {"points": 1, "order_ref": "o", "store_id": "HCM-02"},
        key="pos_multi",
    )
    assert named.status_code == 201


def test_a_pos_cannot_capture_or_release_another_stores_reservation(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    rid = api.post(
        f"/v1/members/{member_id}/reservations", {"points": 50, "order_ref": "o"}, key="pos"
    ).json()["reservation_id"]
    for action in ("capture", "release"):
        response = api.post(f"/v1/reservations/{rid}/{action}", key="pos_hn")
        assert response.status_code == 403 and response.json()["code"] == "store_not_allowed"
    assert api.post(f"/v1/reservations/{rid}/capture", key="pos").status_code == 200


def test_staff_act_for_any_store_and_are_recorded_as_themselves(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    response = api.post(
        f"/v1/members/{member_id}/redemptions",
        {"points": 1, "order_ref": "o", "store_id": "HN-02"},
        key="staff",
    )
    assert response.status_code == 201
    last = api.get(f"/v1/members/{member_id}/events", key="auditor").json()["items"][-1]
    assert (last["channel"], last["store_id"]) == ("staff", "HN-02")


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(database_url: str) -> None:
    limits = {
        "channel": "3/minute",
        "staff": "100/minute",
        "auditor": "100/minute",
        "analyst": "100/minute",
        "admin": "100/minute",
    }
    app = create_app(api_settings(database_url, rate_limits=limits))
    with TestClient(app) as client:
        harness = ApiHarness(app, client)
        answers = [
            harness.get("/v1/members/lookup?phone=0901234567", key="pos").status_code for _ in range(4)
        ]
        assert answers[:3] == [404, 404, 404]
        limited = harness.get("/v1/members/lookup?phone=0901234567", key="pos")
        assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert harness.get("/v1/members/lookup?phone=0901234567", key="staff").status_code == 404
    app.state.api.close()
