"""Webhooks against a real local HTTP receiver: signed, filtered, retried with backoff, logged, given up on.

The dispatcher runs in the test's thread (`Dispatcher.step`, or `run_dispatcher` with a stop event) with a
clock the test moves, so a backoff of minutes takes no time.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from api.settings import ApiSettings
from api.webhooks import Backoff, Dispatcher, run_dispatcher, verify_signature
from tests.e2e.conftest import ApiHarness


@dataclass
class Receiver:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"headers": dict(self.headers), "body": body})
            failing = state.fail_next > 0
            state.fail_next -= failing
            self.send_response(500 if failing else 204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/loyalty"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def _register(api: ApiHarness, url: str, **filters: Any) -> dict[str, Any]:
    # The receivers here listen on 127.0.0.1: only the admin setting lets a webhook point there.
    api.ctx.settings = replace(api.ctx.settings, webhook_allow_private=True)
    response = api.post("/v1/webhooks", {"url": url, **filters})
    assert response.status_code == 201, response.text
    assert response.json()["secret"].startswith("whsec_")
    return response.json()


def _redeem(api: ApiHarness, member_id: str, points: int, key: str = "pos") -> None:
    assert api.post(f"/v1/members/{member_id}/redemptions", {"points": points, "order_ref": uuid.uuid4().hex},
                    key=key).status_code == 201


def _deliveries(api: ApiHarness, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.get(f"/v1/webhooks/{hook['webhook_id']}/deliveries")
    assert response.status_code == 200
    return response.json()


def test_a_matching_event_is_delivered_once_signed_and_logged(
    fresh_api: ApiHarness, receiver: Receiver
) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    hook = _register(api, receiver.url, event_types=["PointsRedeemed"], store_ids=["HCM-01"])
    _redeem(api, member_id, 5)  # matches
    _redeem(api, member_id, 6, key="pos_hn")  # another store
    api.post(
        f"/v1/members/{member_id}/adjustments", {"points": 1, "reason": "x"}, key="staff"
    )  # another type
    clock = Clock()
    dispatcher = Dispatcher(api.ctx.runtime.store, api.ctx.tables, allow_private=True, clock=clock)
    try:
        assert dispatcher.step() == (1, 1)
        assert dispatcher.step() == (0, 0)
    finally:
        dispatcher.close()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert verify_signature(hook["secret"], request["headers"]["Loyalty-Signature"], request["body"])
    assert not verify_signature("whsec_wrong", request["headers"]["Loyalty-Signature"], request["body"])
    event = json.loads(request["body"])
    assert (event["type"], event["member_id"], event["data"]["points"], event["store_id"]) == (
        "PointsRedeemed",
        member_id,
        5,
        "HCM-01",
    )
    assert request["headers"]["Loyalty-Event-Id"] == f"{hook['webhook_id']}:{event['position']}"
    [logged] = _deliveries(api, hook)
    assert (logged["status"], logged["attempts"], logged["last_status"]) == ("delivered", 1, 204)


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    fresh_api: ApiHarness, receiver: Receiver
) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    hook = _register(api, receiver.url)
    _redeem(api, member_id, 5)
    receiver.fail_next = 2
    clock = Clock()
    dispatcher = Dispatcher(
        api.ctx.runtime.store,
        api.ctx.tables,
        clock=clock,
        allow_private=True,  # the receiver is on 127.0.0.1
        backoff=Backoff(base_seconds=60, cap_seconds=600, max_attempts=5),
    )
    try:
        dispatcher.step()
        assert [(d["status"], d["attempts"], d["last_status"]) for d in _deliveries(api, hook)] == [
            ("pending", 1, 500)
        ]
        assert dispatcher.step() == (0, 0)  # not due yet: the backoff holds it back
        clock.offset += 61
        dispatcher.step()
        assert _deliveries(api, hook)[0]["attempts"] == 2
        clock.offset += 121
        dispatcher.step()
    finally:
        dispatcher.close()
    [logged] = _deliveries(api, hook)
    assert (logged["status"], logged["attempts"], logged["last_status"]) == ("delivered", 3, 204)
    bodies = {r["body"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1  # the same event, byte for byte
    assert len({r["headers"]["Loyalty-Event-Id"] for r in receiver.requests}) == 1


def test_a_receiver_that_never_answers_is_given_up_on(fresh_api: ApiHarness, receiver: Receiver) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    hook = _register(api, receiver.url)
    _redeem(api, member_id, 5)
    receiver.fail_next = 100
    clock = Clock()
    dispatcher = Dispatcher(
        api.ctx.runtime.store,
        api.ctx.tables,
        clock=clock,
        allow_private=True,  # the receiver is on 127.0.0.1
        backoff=Backoff(base_seconds=1, cap_seconds=1, max_attempts=3),
    )
    try:
        for _ in range(5):
            dispatcher.step()
            clock.offset += 2
    finally:
        dispatcher.close()
    [logged] = _deliveries(api, hook)
    assert (logged["status"], logged["attempts"], logged["last_error"]) == ("failed", 3, "HTTP 500")
    assert len(receiver.requests) == 3


def test_an_unreachable_receiver_is_logged_and_retried(fresh_api: ApiHarness) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    hook = _register(api, "http://127.0.0.1:9/nothing-listens-here")
    _redeem(api, member_id, 5)
    dispatcher = Dispatcher(api.ctx.runtime.store, api.ctx.tables, allow_private=True, clock=Clock(), timeout_seconds=2)
    try:
        dispatcher.step()
    finally:
        dispatcher.close()
    [logged] = _deliveries(api, hook)
    assert (
        logged["status"] == "pending" and logged["attempts"] == 1 and "ConnectError" in logged["last_error"]
    )


def test_each_event_is_enqueued_once_however_many_dispatchers_run(
    fresh_api: ApiHarness, receiver: Receiver
) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    hook = _register(api, receiver.url)
    for points in (1, 2, 3):
        _redeem(api, member_id, points)
    first = Dispatcher(api.ctx.runtime.store, api.ctx.tables, allow_private=True, clock=Clock())
    second = Dispatcher(api.ctx.runtime.store, api.ctx.tables, allow_private=True, clock=Clock())
    try:
        threads = [threading.Thread(target=d.step) for d in (first, second, first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    finally:
        first.close()
        second.close()
    assert sorted(json.loads(r["body"])["data"]["points"] for r in receiver.requests) == [1, 2, 3]
    assert {d["status"] for d in _deliveries(api, hook)} == {"delivered"}


def test_only_events_after_registration_are_sent_and_a_disabled_endpoint_gets_nothing(
    fresh_api: ApiHarness, receiver: Receiver
) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    _redeem(api, member_id, 1)  # before the endpoint existed
    hook = _register(api, receiver.url)
    _redeem(api, member_id, 2)
    dispatcher = Dispatcher(api.ctx.runtime.store, api.ctx.tables, allow_private=True, clock=Clock())
    try:
        dispatcher.step()
        assert (
            api.client.delete(f"/v1/webhooks/{hook['webhook_id']}", headers=api.headers("admin")).status_code
            == 204
        )
        _redeem(api, member_id, 3)
        dispatcher.step()
    finally:
        dispatcher.close()
    assert [json.loads(r["body"])["data"]["points"] for r in receiver.requests] == [2]
    assert api.get("/v1/webhooks").json()[0]["disabled_at"]
    assert api.get("/v1/webhooks/wh_0000000000000000/deliveries").status_code == 404


def test_run_dispatcher_is_a_loop_the_worker_runs_until_stopped(
    fresh_api: ApiHarness, receiver: Receiver
) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    _register(api, receiver.url)
    stop = threading.Event()
    settings = ApiSettings(webhook_poll_seconds=0.05, webhook_allow_private=True)
    worker = threading.Thread(
        target=run_dispatcher,
        args=(api.ctx.runtime.store, api.ctx.tables, settings),
        kwargs={"stop": stop},
        daemon=True,
    )
    worker.start()
    try:
        _redeem(api, member_id, 4)
        deadline = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()
    assert json.loads(receiver.requests[0]["body"])["data"]["points"] == 4


def test_webhook_urls_must_be_http(api: ApiHarness) -> None:
    for url in ("ftp://example.vn/x", "not a url", "javascript:alert(1)"):
        assert api.post("/v1/webhooks", {"url": url}).status_code == 422
