"""Standard Webhooks on our deliveries: any Standard Webhooks library verifies them with the endpoint's secret,
and a rotated secret's predecessor keeps signing for its grace period, then stops (both stores)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from api.webhooks import Dispatcher
from tests.e2e.conftest import ApiHarness
from tests.e2e.test_webhooks import Clock, Receiver, _redeem, _register, receiver  # noqa: F401  # fixture


def _deliver(api: ApiHarness, clock: Clock) -> None:
    dispatcher = Dispatcher(api.ctx.runtime.store, api.ctx.tables, allow_private=True, clock=clock)
    try:
        dispatcher.step()
    finally:
        dispatcher.close()


def _standard(request: dict) -> dict[str, str]:
    headers = {k.lower(): v for k, v in request["headers"].items()}
    return {name: headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}


def test_deliveries_verify_with_a_standard_webhooks_library(fresh_api: ApiHarness, receiver: Receiver) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    hook = _register(api, receiver.url, event_types=["PointsRedeemed"])
    _redeem(api, member_id, 5)
    _deliver(api, Clock())
    [request] = receiver.requests
    headers = _standard(request)
    assert headers["webhook-id"] == request["headers"]["Loyalty-Event-Id"]
    assert Webhook(hook["secret"]).verify(request["body"], headers)["type"] == "PointsRedeemed"
    with pytest.raises(WebhookVerificationError):
        Webhook(hook["secret"]).verify(request["body"].replace(b'"points":5', b'"points":500'), headers)
    assert b'"points":5' in request["body"]
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(request["body"], headers)


def test_a_rotated_secret_signs_alongside_the_new_one_until_its_grace_ends(
    fresh_api: ApiHarness, receiver: Receiver
) -> None:
    api = fresh_api
    member_id = api.member_with(100)
    hook = _register(api, receiver.url, event_types=["PointsRedeemed"])
    path = f"/v1/webhooks/{hook['webhook_id']}/secret-rotations"
    rotated = api.post(path, idempotency_key="rotate-1")
    assert rotated.status_code == 201, rotated.text
    assert api.post(path, idempotency_key="rotate-1").json() == rotated.json()  # a retry: the same new secret
    new = rotated.json()["secret"]
    assert new != hook["secret"] and new.startswith("whsec_")
    _redeem(api, member_id, 5)
    _deliver(api, Clock())
    request = receiver.requests[-1]
    headers = _standard(request)
    assert len(headers["webhook-signature"].split()) == 2
    for secret in (new, hook["secret"]):  # a receiver on either secret accepts it
        Webhook(secret).verify(request["body"], headers)
    later = Clock()
    later.offset = 2 * 24 * 3600  # past the day of grace
    _redeem(api, member_id, 6)
    _deliver(api, later)
    request = receiver.requests[-1]
    headers = _standard(request)
    at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), timezone.utc)
    assert headers["webhook-signature"] == Webhook(new).sign(headers["webhook-id"], at, request["body"].decode())


def test_only_admins_rotate_and_only_known_webhooks(fresh_api: ApiHarness, receiver: Receiver) -> None:
    hook = _register(fresh_api, receiver.url)
    assert fresh_api.post("/v1/webhooks/wh_nope/secret-rotations").status_code == 404
    assert fresh_api.post(f"/v1/webhooks/{hook['webhook_id']}/secret-rotations", key="staff").status_code == 403
    assert fresh_api.post(f"/v1/webhooks/{hook['webhook_id']}/secret-rotations",
                          idempotency_key=None).status_code == 400
