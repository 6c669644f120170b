"""Pinging a webhook endpoint and redelivering a past delivery, against a local receiver that verifies the
Standard Webhooks signature with the endpoint's secret the way an integrator's receiver would (both stores)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from api.webhooks import Backoff, Dispatcher, verify_signature
from tests.e2e.conftest import ApiHarness, free_port
from tests.e2e.test_webhooks import Clock, _redeem, _register


@dataclass
class VerifyingReceiver:
    """Answers 204 to a request signed with `secret` (Standard Webhooks), 401 to anything else, or 500 while
    `down` is set."""

    url: str = ""
    secret: str = ""
    down: bool = False
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@pytest.fixture
def verifying() -> Iterator[VerifyingReceiver]:
    state = VerifyingReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload = Webhook(state.secret).verify(body, headers)
            except WebhookVerificationError as exc:
                state.refused.append(repr(exc))
                status = 401
            else:
                state.accepted.append({"id": headers["webhook-id"], "payload": payload, "body": body,
                                       "legacy": headers["loyalty-signature"]})
                status = 500 if state.down else 204
            self.send_response(status)
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


def _hook(api: ApiHarness, receiver: VerifyingReceiver, **filters: Any) -> dict[str, Any]:
    hook = _register(api, receiver.url, **filters)
    receiver.secret = hook["secret"]
    return hook


def test_a_ping_is_signed_sent_now_and_answered_with_the_receivers_outcome(
    fresh_api: ApiHarness, verifying: VerifyingReceiver
) -> None:
    api = fresh_api
    hook = _hook(api, verifying)
    answer = api.post(f"/v1/webhooks/{hook['webhook_id']}/ping", idempotency_key=None)
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert (outcome["delivered"], outcome["status_code"], outcome["error"]) == (True, 204, None)
    assert outcome["message_id"].startswith("ping_") and outcome["url"] == verifying.url
    [got] = verifying.accepted
    assert got["id"] == outcome["message_id"]
    assert verify_signature(hook["secret"], got["legacy"], got["body"])  # and our own older header
    assert (got["payload"]["type"], got["payload"]["webhook_id"]) == ("WebhookPing", hook["webhook_id"])
    assert api.get(f"/v1/webhooks/{hook['webhook_id']}/deliveries").json() == []  # a ping is not logged

    # After a rotation the ping is signed with both secrets: a receiver still on the old one accepts it.
    assert api.post(f"/v1/webhooks/{hook['webhook_id']}/secret-rotations").status_code == 201
    assert api.post(f"/v1/webhooks/{hook['webhook_id']}/ping").json()["delivered"] is True

    # A receiver holding another secret refuses it, and the ping says so.
    verifying.secret = "whsec_" + "QUJD" * 11
    refused = api.post(f"/v1/webhooks/{hook['webhook_id']}/ping").json()
    assert (refused["delivered"], refused["status_code"], refused["error"]) == (False, 401, "HTTP 401")
    assert len(verifying.refused) == 1


def test_a_ping_to_nobody_or_a_disabled_or_unknown_endpoint(fresh_api: ApiHarness) -> None:
    api = fresh_api
    hook = _register(api, f"http://127.0.0.1:{free_port()}/nobody-listens")
    nobody = api.post(f"/v1/webhooks/{hook['webhook_id']}/ping").json()
    assert nobody["delivered"] is False and nobody["status_code"] is None and "ConnectError" in nobody["error"]
    assert api.post(f"/v1/webhooks/{hook['webhook_id']}/ping", key="staff").status_code == 403
    assert api.post("/v1/webhooks/wh_0000000000000000/ping").json()["code"] == "webhook_not_found"
    assert api.post("/v1/webhooks/not-a-hook/ping").status_code == 422
    assert api.client.delete(f"/v1/webhooks/{hook['webhook_id']}", headers=api.headers("admin")).status_code == 204
    disabled = api.post(f"/v1/webhooks/{hook['webhook_id']}/ping")
    assert (disabled.status_code, disabled.json()["code"]) == (409, "webhook_disabled")


def _failed_delivery(api: ApiHarness, receiver: VerifyingReceiver) -> tuple[dict[str, Any], dict[str, Any]]:
    """A delivery the receiver refused until the dispatcher gave up on it (`failed`, 2 attempts)."""
    member_id = api.member_with(100)
    hook = _hook(api, receiver, event_types=["PointsRedeemed"])
    _redeem(api, member_id, 5)
    receiver.down = True
    clock = Clock()
    dispatcher = Dispatcher(api.ctx.runtime.store, api.ctx.tables, allow_private=True, clock=clock,
                            backoff=Backoff(base_seconds=1, cap_seconds=1, max_attempts=2))
    try:
        dispatcher.step()
        clock.offset += 5
        dispatcher.step()
    finally:
        dispatcher.close()
    [logged] = api.get(f"/v1/webhooks/{hook['webhook_id']}/deliveries").json()
    assert (logged["status"], logged["attempts"], logged["last_status"]) == ("failed", 2, 500)
    return hook, logged


def test_a_failed_delivery_is_redelivered_with_its_own_id_and_a_retry_sends_nothing_more(
    fresh_api: ApiHarness, verifying: VerifyingReceiver
) -> None:
    api = fresh_api
    hook, logged = _failed_delivery(api, verifying)
    original = [got for got in verifying.accepted if got["id"] == logged["delivery_id"]]
    assert len(original) == 2  # both attempts were correctly signed; the receiver was down
    verifying.down = False
    path = f"/v1/webhooks/deliveries/{logged['delivery_id']}/redeliver"
    answer = api.post(path, idempotency_key="redeliver-1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["outcome"]["delivered"], body["outcome"]["status_code"]) == (True, 204)
    assert body["outcome"]["message_id"] == logged["delivery_id"]
    assert (body["delivery"]["status"], body["delivery"]["attempts"], body["delivery"]["last_status"]) == (
        "delivered", 3, 204)
    assert verifying.accepted[-1]["id"] == logged["delivery_id"]  # the receiver dedupes on it
    assert verifying.accepted[-1]["payload"] == original[0]["payload"]  # the very same event
    [after] = api.get(f"/v1/webhooks/{hook['webhook_id']}/deliveries").json()
    assert after == body["delivery"] and after["delivered_at"] is not None

    again = api.post(path, idempotency_key="redeliver-1")  # a retry of the request: the first answer
    assert again.json() == body and again.headers.get("Idempotent-Replayed") == "true"
    assert len(verifying.accepted) == 3  # nothing sent again

    once_more = api.post(path, idempotency_key="redeliver-2").json()  # a new request sends again
    assert once_more["delivery"]["attempts"] == 4 and len(verifying.accepted) == 4


def test_a_redelivery_that_fails_keeps_the_delivery_given_up_and_says_why(
    fresh_api: ApiHarness, verifying: VerifyingReceiver
) -> None:
    api = fresh_api
    hook, logged = _failed_delivery(api, verifying)
    answer = api.post(f"/v1/webhooks/deliveries/{logged['delivery_id']}/redeliver").json()
    assert (answer["outcome"]["delivered"], answer["outcome"]["error"]) == (False, "HTTP 500")
    assert (answer["delivery"]["status"], answer["delivery"]["attempts"]) == ("failed", 3)


def test_redelivery_refusals(fresh_api: ApiHarness, verifying: VerifyingReceiver) -> None:
    api = fresh_api
    hook, logged = _failed_delivery(api, verifying)
    path = f"/v1/webhooks/deliveries/{logged['delivery_id']}/redeliver"
    assert api.post(path, idempotency_key=None).json()["code"] == "idempotency_key_required"
    assert api.post(path, key="staff").status_code == 403
    unknown = api.post("/v1/webhooks/deliveries/wh_0000000000000000:7/redeliver")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "webhook_delivery_not_found")
    assert api.post("/v1/webhooks/deliveries/drop%20table/redeliver").status_code == 422
    assert api.client.delete(f"/v1/webhooks/{hook['webhook_id']}", headers=api.headers("admin")).status_code == 204
    assert api.post(path).json()["code"] == "webhook_disabled"
    assert json.loads(json.dumps(api.get(f"/v1/webhooks/{hook['webhook_id']}/deliveries").json()))[0]["attempts"] == 2


def test_ping_and_redeliver_from_the_command_line(fresh_api: ApiHarness, verifying: VerifyingReceiver) -> None:
    from typer.testing import CliRunner

    from loyalty_cli.main import app

    api = fresh_api
    hook, logged = _failed_delivery(api, verifying)
    env = {"LOYALTY_DATABASE_URL": api.ctx.settings.core.database_url, "LOYALTY_WEBHOOK_ALLOW_PRIVATE": "1"}

    def loyalty(*args: str, code: int) -> Any:
        result = CliRunner().invoke(app, ["webhooks", *args], env=env)
        assert result.exit_code == code, (args, result.output, result.exception)
        return json.loads(result.stdout) if result.stdout.strip() else result.stderr

    down = loyalty("ping", hook["webhook_id"], code=1)  # the receiver answers 500: exit 1, the outcome printed
    assert (down["delivered"], down["status_code"]) == (False, 500)
    verifying.down = False
    assert loyalty("ping", hook["webhook_id"], code=0)["delivered"] is True
    first = loyalty("redeliver", logged["delivery_id"], "--idempotency-key", "cli-1", code=0)
    assert (first["delivery"]["status"], first["delivery"]["attempts"]) == ("delivered", 3)
    assert loyalty("redeliver", logged["delivery_id"], "--idempotency-key", "cli-1", code=0) == first
    assert verifying.accepted[-1]["id"] == logged["delivery_id"] and len(verifying.accepted) == 5
    assert "webhook_delivery_not_found" in loyalty("redeliver", "wh_0000000000000000:1", code=1)
    assert "webhook_not_found" in loyalty("ping", "wh_nope", code=1)
