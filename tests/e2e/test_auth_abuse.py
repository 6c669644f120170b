"""Authentication abuse: guessing keys is rate limited per address; webhooks cannot reach private networks.

Failed authentications from one client address fill a moving window (default 20 a minute); after that the
address gets 429 with Retry-After, whatever key it sends, until the window moves on. Successful
authentications are never counted, and another address is not affected. Webhook URLs whose host resolves
to a loopback, private, link-local or otherwise non-public address are refused with 422
`webhook_url_not_allowed` (at registration and again at delivery) unless the admin setting allows them.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any, Iterator

import pytest

from api.authguard import AuthFailures
from api.errors import ApiProblem
from api.main import create_app
from api.webhook_urls import is_public, refusal
from api.webhooks import Dispatcher
from tests.e2e.conftest import ApiHarness, api_settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def guarded(module_database_url: str) -> Iterator[ApiHarness]:
    """An app with the default failed-authentication limit (20 a minute per address)."""
    app = create_app(api_settings(module_database_url))
    assert app.state.api.settings.auth_failure_limit == "20/minute"
    try:
        # An address of its own: on PostgreSQL the counters are shared by every app on the store
        # (api/shared_state.py), and this module's other apps must not inherit the block.
        with TestClient(app, raise_server_exceptions=False, client=("198.51.100.20", 50000)) as client:
            yield ApiHarness(app, client)
    finally:
        app.state.api.close()


def _with_token(api: ApiHarness, token: str, client: Any = None) -> Any:
    return (client or api.client).get("/v1/webhooks", headers={"Authorization": f"Bearer {token}"})


def test_wrong_secrets_are_answered_401_then_429_per_address(guarded: ApiHarness) -> None:
    good = guarded.token("admin")
    for _ in range(100):  # successful authentications are never counted
        assert _with_token(guarded, good).status_code == 200
    answers = [_with_token(guarded, f"lk_wrong{i}") for i in range(60)]
    statuses = [a.status_code for a in answers]
    assert statuses[:20] == [401] * 20 and statuses[20:] == [429] * 40, statuses
    blocked = answers[-1]
    assert blocked.headers["content-type"].startswith("application/problem+json")
    assert blocked.json()["code"] == "too_many_failed_authentications"
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    # While blocked, even the right key is not confirmed: a guess that happens to be right looks the same.
    assert _with_token(guarded, good).status_code == 429
    # Another address is not affected.
    with TestClient(guarded.app, raise_server_exceptions=False, client=("203.0.113.7", 50000)) as other:
        assert _with_token(guarded, good, other).status_code == 200
        assert _with_token(guarded, "lk_wrong", other).status_code == 401


def test_the_window_moves_on_and_the_limit_is_a_setting() -> None:
    guard = AuthFailures("3/second")
    for _ in range(3):
        guard.check("198.51.100.1")
        guard.failed("198.51.100.1")
    with pytest.raises(ApiProblem) as refused:
        guard.check("198.51.100.1")
    assert refused.value.status == 429 and refused.value.headers["Retry-After"] == "1"
    guard.check("198.51.100.2")
    off = AuthFailures("off")
    for _ in range(1000):
        off.failed("198.51.100.1")
    off.check("198.51.100.1")


def _resolver(table: dict[str, list[str]]) -> Any:
    def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError("Name or service not known")
        return table[host]
    return resolve


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://0x7f.1/hook", "http://2130706433/hook", "http://127.1/hook",
    "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://localhost/hook", "http://LOCALHOST./hook",
    "http://10.1.2.3/hook", "http://172.16.0.9/hook", "http://192.168.1.10/hook", "http://100.64.0.1/hook",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://[fd00::1]/hook",
    "http://0.0.0.0/hook", "http://224.0.0.1/hook", "http://240.0.0.1/hook",
])
def test_non_public_webhook_urls_are_refused(api: ApiHarness, url: str) -> None:
    response = api.post("/v1/webhooks", {"url": url})
    assert response.status_code == 422, response.text
    assert (response.json()["code"], response.json()["field"]) == ("webhook_url_not_allowed", "url")


def test_a_public_address_is_accepted_and_the_admin_setting_allows_private_ones(api: ApiHarness) -> None:
    assert api.post("/v1/webhooks", {"url": "https://93.184.216.34/hooks/loyalty"}).status_code == 201
    before = api.ctx.settings
    try:
        api.ctx.settings = replace(before, webhook_allow_private=True)
        assert api.post("/v1/webhooks", {"url": "http://127.0.0.1:9/hooks"}).status_code == 201
    finally:
        api.ctx.settings = before
    assert api.post("/v1/webhooks", {"url": "http://127.0.0.1:9/hooks"}).status_code == 422


def test_a_name_is_judged_by_what_it_resolves_to() -> None:
    table = {"hooks.example.vn": ["8.8.4.4"], "evil.example.vn": ["93.184.216.34", "10.0.0.5"],
             "rebound.example.vn": ["127.0.0.1"]}
    assert refusal("https://hooks.example.vn/x", allow_private=False, resolver=_resolver(table)) is None
    for url in ("https://evil.example.vn/x", "https://rebound.example.vn/x", "https://nowhere.example.vn/x"):
        assert refusal(url, allow_private=False, resolver=_resolver(table)) is not None
    assert not is_public("203.0.113.50")  # a documentation range is not the internet either
    assert is_public("93.184.216.34") and not is_public("::ffff:10.0.0.1") and not is_public("fe80::1%eth0")


def test_a_delivery_to_a_name_that_now_resolves_privately_is_not_sent(fresh_api: ApiHarness,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import api.webhook_urls as urls

    api = fresh_api
    monkeypatch.setattr(urls, "resolve", _resolver({"hooks.example.vn": ["93.184.216.34"]}))
    hook = api.post("/v1/webhooks", {"url": "http://hooks.example.vn/loyalty"}).json()
    member_id = api.member_with(50)
    assert api.post(f"/v1/members/{member_id}/redemptions", {"points": 5, "order_ref": "O-1"},
                    key="pos").status_code == 201
    monkeypatch.setattr(urls, "resolve", _resolver({"hooks.example.vn": ["127.0.0.1"]}))  # DNS rebinding
    sent: list[Any] = []

    class Recording:
        def post(self, *args: Any, **kwargs: Any) -> Any:
            sent.append(args)
            raise AssertionError("must not be called")

        def close(self) -> None:
            pass

    dispatcher = Dispatcher(api.ctx.runtime.store, api.ctx.tables, client=Recording())  # type: ignore[arg-type]
    dispatcher.step()
    deliveries = api.get(f"/v1/webhooks/{hook['webhook_id']}/deliveries").json()
    assert sent == [] and deliveries and all(d["status"] == "pending" for d in deliveries)
    assert "not a public address" in deliveries[0]["last_error"]


def test_console_sign_ins_count_against_the_address_too(guarded: ApiHarness) -> None:
    import re

    from faces.console.accounts import StaffAccounts

    accounts = StaffAccounts(guarded.ctx.tables)
    for i in range(25):  # many accounts, so the per-account lock-out never triggers: only the address limit
        accounts.create(f"guess.{i}", "mat-khau-123456", "cskh")
    with TestClient(guarded.app, raise_server_exceptions=False, client=("198.51.100.77", 40000)) as browser:
        def sign_in(username: str, password: str) -> Any:
            form = browser.get("/console/sign-in")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            return browser.post("/console/sign-in", data={"csrf": token, "username": username,
                                                           "password": password}, follow_redirects=False)

        statuses = [sign_in(f"guess.{i}", "wrong-password").status_code for i in range(22)]
        assert statuses[:20] == [401] * 20 and statuses[20:] == [429, 429], statuses
        blocked = sign_in("guess.24", "mat-khau-123456")
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
        assert "Quá nhiều lần đăng nhập sai" in blocked.text


def test_a_delivery_connects_to_the_address_that_was_checked(fresh_api: ApiHarness,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    import api.webhook_urls as urls

    api = fresh_api
    monkeypatch.setattr(urls, "resolve", _resolver({"hooks.example.vn": ["93.184.216.34"],
                                                    "v6.example.vn": ["2606:2800:220:1:248:1893:25c8:1946"]}))
    for url in ("https://hooks.example.vn:8443/loyalty?x=1", "http://v6.example.vn/loyalty"):
        assert api.post("/v1/webhooks", {"url": url}).status_code == 201
    member_id = api.member_with(50)
    assert api.post(f"/v1/members/{member_id}/redemptions", {"points": 5, "order_ref": "O-2"},
                    key="pos").status_code == 201
    sent: list[tuple[str, dict[str, str], Any]] = []

    class Recording:
        def post(self, url: str, content: bytes, headers: dict[str, str], extensions: Any = None) -> Any:
            sent.append((url, headers, extensions))
            return httpx.Response(204)

        def close(self) -> None:
            pass

    Dispatcher(api.ctx.runtime.store, api.ctx.tables, client=Recording()).step()  # type: ignore[arg-type]
    seen = {(url, headers["Host"], str(extensions)) for url, headers, extensions in sent}
    assert seen == {("https://93.184.216.34:8443/loyalty?x=1", "hooks.example.vn:8443",
                     "{'sni_hostname': 'hooks.example.vn'}"),
                    ("http://[2606:2800:220:1:248:1893:25c8:1946]/loyalty", "v6.example.vn", "None")}
