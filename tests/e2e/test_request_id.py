"""A request id per HTTP request: X-Request-ID in and out, on the events the request's command writes
(both stores), never part of what makes a retry "the same request", and in every JSON log line."""

from __future__ import annotations

import json
import logging
import uuid

import pytest

from api.keys import Role  # noqa: F401 - the harness's keys
from loyalty_core import logs
from loyalty_core.request_context import current_request_id
from tests.e2e.conftest import ApiHarness, new_phone


def _enroll(api: ApiHarness, request_id: str | None, key: str) -> object:
    headers = {"Authorization": f"Bearer {api.token('pos')}", "Idempotency-Key": key}
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    return api.client.post("/v1/members", json={"phone": new_phone()}, headers=headers)


def test_the_request_id_comes_back_and_is_written_on_the_events(api: ApiHarness) -> None:
    response = _enroll(api, "till-7:abc.123", uuid.uuid4().hex)
    assert response.status_code == 201 and response.headers["x-request-id"] == "till-7:abc.123"
    member_id = response.json()["member_id"]
    events = api.get(f"/v1/members/{member_id}/events", key="auditor").json()["items"]
    member_events = [e for e in events if e["type"] != "CommandAccepted"]
    assert member_events and {e["data"].get("request_id") for e in member_events} == {"till-7:abc.123"}


def test_a_missing_or_hostile_request_id_is_replaced_by_a_fresh_one(api: ApiHarness) -> None:
    seen = set()
    for given in (None, "has space", "x" * 129, "ok\u00e9".encode()):
        headers = {} if given is None else {"X-Request-ID": given}
        answered = api.client.get("/healthz", headers=headers).headers["x-request-id"]
        assert answered != given and len(answered) == 32 and int(answered, 16) >= 0
        seen.add(answered)
    assert len(seen) == 4


def test_a_retry_with_another_request_id_is_a_replay_not_another_request(api: ApiHarness) -> None:
    key = uuid.uuid4().hex
    headers = {"Authorization": f"Bearer {api.token('pos')}", "Idempotency-Key": key}
    body = {"phone": new_phone()}
    first = api.client.post("/v1/members", json=body, headers={**headers, "X-Request-ID": "first"})
    again = api.client.post("/v1/members", json=body, headers={**headers, "X-Request-ID": "second"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    events = api.get(f"/v1/members/{first.json()['member_id']}/events", key="auditor").json()["items"]
    assert {e["data"].get("request_id") for e in events if e["type"] != "CommandAccepted"} == {"first"}


def test_log_lines_are_json_with_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        assert logs.configure({"LOYALTY_LOG_FORMAT": "json"}) == "json"
        token = current_request_id.set("req-42")
        try:
            logging.getLogger("loyalty.test").warning("Điểm %d", 5)
        finally:
            current_request_id.reset(token)
        logging.getLogger("loyalty.test").info("outside a request")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
        assert lines[0]["message"] == "Điểm 5" and lines[0]["request_id"] == "req-42"
        assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "loyalty.test"
        assert "request_id" not in lines[1]
        assert logs.configure({"LOYALTY_ENV": "development"}) == "text"
        for bad in ({"LOYALTY_LOG_FORMAT": "xml"}, {"LOYALTY_LOG_LEVEL": "loud"}):
            with pytest.raises(ValueError, match="LOYALTY_LOG_FORMAT|LOYALTY_LOG_LEVEL"):
                logs.configure(bad)
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
