"""The console's webhooks page in headless Chromium against a real uvicorn server on SQLite: an admin pings an
endpoint and resends a delivery the receiver had refused, with htmx swapping in the outcome and the row, against
a local receiver that verifies the Standard Webhooks signature; the staff log then says so in words.
Screenshots land in test-artifacts/screenshots/."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import replace
from typing import Any, Iterator

import pytest
import uvicorn

from api.main import create_app
from api.webhooks import Dispatcher
from faces.console.demo import ensure_demo_accounts
from tests.browser.test_console_pages import Server, sign_in
from tests.e2e.conftest import KEY_SPECS, api_settings, free_port, idem
from tests.e2e.test_webhook_ping import VerifyingReceiver, verifying  # noqa: F401  # fixture


@pytest.fixture
def served(tmp_path: Any) -> Iterator[tuple[Server, Any]]:
    # The receiver listens on 127.0.0.1: only the admin setting lets a webhook point there.
    settings = replace(api_settings(f"sqlite:///{tmp_path}/loyalty.db"), webhook_allow_private=True)
    app = create_app(settings)
    api = app.state.api
    api.service.policy.install_demo(api.service.clock())
    ensure_demo_accounts(api.tables)
    tokens = {}
    for name in ("admin", "pos"):
        spec = dict(KEY_SPECS[name])
        _, tokens[name] = api.keys.create(spec.pop("role"), **spec)
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", tokens), api
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        api.close()


def test_an_admin_pings_and_resends_a_refused_delivery_from_the_webhooks_page(
    page: Any, served: tuple[Server, Any], verifying: VerifyingReceiver, shot: Any
) -> None:
    server, api = served
    with server.client("admin") as admin, server.client("pos") as pos:
        hook = admin.post("/v1/webhooks", json={"url": verifying.url, "event_types": ["PointsEarned"]},
                          headers={"Idempotency-Key": idem()}).json()
        verifying.secret = hook["secret"]
        member = pos.post("/v1/members", json={"phone": "0987654321", "name": "Trần Văn Bình"},
                          headers={"Idempotency-Key": idem()})
        assert pos.post("/v1/transactions", json={"transaction_ref": f"HD-{uuid.uuid4().hex[:8]}", "total": "250000",
                                                  "member": {"member_id": member.json()["member_id"]}}).status_code == 201
    verifying.down = True  # the receiver refuses the first delivery (500)
    dispatcher = Dispatcher(api.runtime.store, api.tables, allow_private=True)
    try:
        dispatcher.step()
    finally:
        dispatcher.close()
    [refused] = verifying.accepted  # signed correctly, refused all the same
    verifying.down = False

    sign_in(page, server, "admin")
    page.click("nav >> text=Webhook")
    page.wait_for_selector("[data-testid=deliveries]")
    row = page.locator("[data-testid=delivery]").first
    assert row.get_attribute("data-status") == "pending" and "HTTP 500" in row.inner_text()
    shot(page, "webhooks-before")

    page.click("[data-testid=ping]")
    outcome = page.locator("[data-testid=ping-outcome]")
    outcome.wait_for()
    assert "HTTP 204" in outcome.inner_text()
    assert verifying.accepted[-1]["payload"]["type"] == "WebhookPing"

    row.locator("[data-testid=redeliver]").click()
    page.wait_for_selector("[data-testid=delivery][data-status=delivered] [data-testid=redelivered]")
    resent = page.locator("[data-testid=delivery]").first
    assert "Đã gửi lại thành công" in resent.inner_text() and "HTTP 204" in resent.inner_text()
    assert verifying.accepted[-1]["id"] == refused["id"]  # the same webhook-id: the receiver dedupes on it
    assert verifying.accepted[-1]["payload"] == refused["payload"]
    assert page.url.endswith("/console/webhooks")  # htmx swapped the row; the page never reloaded
    shot(page, "webhooks-after")

    page.goto(f"{server.base_url}/console/log")
    log = page.locator("[data-testid=staff-log]").inner_text()
    assert "Gửi lại webhook" in log and "Gửi thử webhook" in log and "Đăng nhập" in log
    assert "webhook_redelivered" not in log and "signed_in" not in log
    shot(page, "staff-log-in-words")
    page.goto(f"{server.base_url}/console/log?lang=en")
    assert "Webhook delivery resent" in page.locator("[data-testid=staff-log]").inner_text()
