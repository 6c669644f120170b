"""The Idempotency-Key contract: required, replayed, refused when reused for another body, 409 while the first
request is still running, and scoped to the API key that sent it."""

from __future__ import annotations

import threading
from typing import Any

from tests.e2e.conftest import ApiHarness, new_phone


def _events(api: ApiHarness, member_id: str) -> int:
    return len(api.get(f"/v1/members/{member_id}/events", key="auditor").json()["items"])


def test_a_retry_with_the_same_key_and_body_replays_the_original_answer(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    body = {"points": 100, "order_ref": "HD-1"}
    first = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key="redeem-1")
    written = _events(api, member_id)
    again = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key="redeem-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _events(api, member_id) == written
    assert api.balance(member_id)["available"] == 900


def test_the_same_key_with_another_body_is_refused_naming_the_field(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    api.post(f"/v1/members/{member_id}/redemptions", {"points": 100, "order_ref": "HD-1"}, key="pos",
             idempotency_key="redeem-2")
    other = api.post(f"/v1/members/{member_id}/redemptions", {"points": 200, "order_ref": "HD-1"}, key="pos",
                     idempotency_key="redeem-2")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused" and other.json()["field"] == "points"
    assert api.balance(member_id)["available"] == 900


def test_the_same_key_on_another_operation_is_refused(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    api.post(f"/v1/members/{member_id}/redemptions", {"points": 100, "order_ref": "HD-1"}, key="pos",
             idempotency_key="k-1")
    other = api.post(f"/v1/members/{member_id}/reservations", {"points": 100, "order_ref": "HD-1"}, key="pos",
                     idempotency_key="k-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_a_state_changing_post_without_a_key_is_400(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    for path, body in ((f"/v1/members/{member_id}/redemptions", {"points": 1, "order_ref": "x"}),
                       ("/v1/members", {"phone": new_phone()}),
                       (f"/v1/members/{member_id}/adjustments", {"points": 1, "reason": "x"}),
                       ("/v1/reservations/rsv_x/capture", None),
                       ("/v1/transactions/T-1/refunds", {"refund_ref": "R1", "amount": "1000"}),
                       ("/v1/webhooks", {"url": "http://127.0.0.1:9/hook"})):
        response = api.post(path, body, key="admin", idempotency_key=None)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["code"] == "idempotency_key_required"
    assert api.balance(member_id)["available"] == 100


def test_a_key_sent_as_a_structured_field_string_is_the_same_key(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    body = {"points": 10, "order_ref": "x"}
    api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key="abc-1")
    quoted = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key='"abc-1"')
    assert quoted.headers.get("Idempotent-Replayed") == "true"
    assert api.post(f"/v1/members/{member_id}/redemptions", body, key="pos",
                    idempotency_key='""').status_code == 400


def test_keys_are_scoped_to_the_api_key_that_sent_them(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    body = {"points": 100, "order_ref": "HD-1", "store_id": "HCM-01"}
    one = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key="shared")
    two = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos_multi", idempotency_key="shared")
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["redemption_id"] != two.json()["redemption_id"]
    assert api.balance(member_id)["available"] == 800


class _Held:
    """Wraps the service so that the first command waits until the test lets it go."""

    def __init__(self, service: Any):
        self.service = service
        self.entered = threading.Event()
        self.release = threading.Event()

    def execute(self, command: Any) -> Any:
        self.entered.set()
        assert self.release.wait(10)
        return self.service.execute(command)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.service, name)


def test_the_same_key_while_the_first_request_runs_is_409_in_progress(api: ApiHarness) -> None:
    member_id = api.member_with(1000)
    held = _Held(api.ctx.run.service)
    api.ctx.run.service = held  # restored below: the app is shared by the module
    body = {"points": 100, "order_ref": "HD-1"}
    answers: list[Any] = []
    first = threading.Thread(target=lambda: answers.append(api.post(
        f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key="slow-1")))
    first.start()
    try:
        assert held.entered.wait(10)
        second = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key="slow-1")
        assert second.status_code == 409
        assert second.json()["code"] == "idempotency_request_in_progress"
        assert second.headers["Retry-After"] == "1"
    finally:
        held.release.set()
        first.join(10)
        api.ctx.run.service = held.service
    assert answers[0].status_code == 201
    replay = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key="slow-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert api.balance(member_id)["available"] == 900


def test_webhook_registration_is_idempotent_too(api: ApiHarness) -> None:
    body = {"url": "https://93.184.216.34/hook", "event_types": ["PointsEarned"]}  # public: private ones are refused
    first = api.post("/v1/webhooks", body, idempotency_key="wh-1")
    again = api.post("/v1/webhooks", body, idempotency_key="wh-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = api.post("/v1/webhooks", {**body, "event_types": ["TierChanged"]}, idempotency_key="wh-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert other.json()["field"] == "event_types"
    hook_id = first.json()["webhook_id"]
    listed = [hook for hook in api.get("/v1/webhooks").json() if hook["webhook_id"] == hook_id]
    assert len(listed) == 1 and listed[0]["secret"] is None
