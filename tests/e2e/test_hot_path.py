"""api/hot_path.py answers a purchase and a balance read exactly as FastAPI's routes do, on both stores.

Two apps share one store: one with the hot path (the default), one without (`hot_path=False`, every request
through FastAPI). Each case is sent to both and the answers compared: status, the headers a client reads and
the body, with only what must differ (ids, refs, times) masked. A spy proves the plain cases really took the
hot path (else the comparison would compare FastAPI with itself), and that the odd ones did not.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, Iterator

import pytest

from api import hot_path
from api.main import create_app
from tests.e2e.conftest import ApiHarness, _with_demo_program, api_settings, idem, new_phone

from fastapi.testclient import TestClient
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings

MASKED = {"member_id", "transaction_ref", "occurred_at", "recorded_at", "lot_id", "expires_at", "request_id",
          "earned_at", "as_of", "reservation_id", "voucher_code", "code_value", "at"}
HEADERS = ("content-type", "www-authenticate", "idempotent-replayed", "retry-after")


@pytest.fixture(scope="module")
def pair(module_database_url: str) -> Iterator[tuple[ApiHarness, ApiHarness]]:
    runtime = open_runtime(Settings(database_url=module_database_url))
    limits = {"channel": "100000/minute", "staff": "100000/minute", "auditor": "100000/minute",
              "analyst": "100000/minute", "admin": "100000/minute"}
    hot = _with_demo_program(create_app(api_settings(module_database_url, rate_limits=limits), runtime=runtime))
    plain = create_app(api_settings(module_database_url, rate_limits=limits, hot_path=False), runtime=runtime)
    try:
        with TestClient(hot, raise_server_exceptions=False) as a, TestClient(plain, raise_server_exceptions=False) as b:
            yield ApiHarness(hot, a), ApiHarness(plain, b)
    finally:
        hot.state.api.close()
        plain.state.api.close()
        runtime.close()


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which requests the hot path took on (purchase or balance), in order, whatever it answered."""
    seen: list[str] = []
    answer = hot_path.HotPath._answer

    async def counted(self: Any, scope: Any, receive: Any, send: Any, method: str, template: str,
                      *rest: Any) -> Any:
        seen.append("purchase" if template == hot_path.PURCHASES else "balance")
        return await answer(self, scope, receive, send, method, template, *rest)

    monkeypatch.setattr(hot_path.HotPath, "_answer", counted)
    return seen


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "…" if k in MASKED else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str):
        for ref in _masked.refs:  # type: ignore[attr-defined]
            value = value.replace(ref, "REF")
        return value
    return value


_masked.refs = []  # type: ignore[attr-defined]


def _answer(response: Any) -> tuple[int, dict[str, str], Any]:
    headers = {h: response.headers.get(h) for h in HEADERS if h in response.headers}
    assert response.headers.get("x-request-id")  # the request-id middleware still wraps every answer
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return response.status_code, headers, _masked(body)


def _purchase(harness: ApiHarness, member: str | None, ref: str, *, key: str | None = "pos",
              body: Any = None, raw: bytes | None = None, content_type: str = "application/json",
              token: str | None = None) -> Any:
    payload = body if body is not None else {
        "transaction_ref": ref, "member": {"member_id": member}, "total": "125000", "store_id": "HCM-01",
        "lines": [{"sku": "CF-01", "quantity": 1, "amount": "125000"}]}
    headers = {"content-type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    elif key is not None:
        headers["Authorization"] = f"Bearer {harness.token(key)}"
    data = raw if raw is not None else json.dumps(payload).encode()
    return harness.client.post("/v1/transactions", content=data, headers=headers)


def _members(pair: tuple[ApiHarness, ApiHarness]) -> tuple[str, str]:
    ids = tuple(h.enroll(phone=new_phone())["member_id"] for h in pair)
    return ids  # type: ignore[return-value]


def _ref(tag: str) -> str:
    ref = f"hp-{tag}-{uuid.uuid4().hex[:8]}"
    _masked.refs.append(ref)  # type: ignore[attr-defined]
    return ref


def test_a_purchase_and_its_retry_take_the_hot_path_and_answer_as_the_route(pair, taken) -> None:
    members = _members(pair)
    refs = [_ref("a"), _ref("b")]
    first = [_purchase(h, m, r) for h, m, r in zip(pair, members, refs)]
    assert first[0].status_code == 201, first[0].text
    assert _answer(first[0]) == _answer(first[1])
    again = [_purchase(h, m, r) for h, m, r in zip(pair, members, refs)]
    assert again[0].headers.get("idempotent-replayed") == "true"
    assert _answer(again[0]) == _answer(again[1])
    assert first[0].json() == again[0].json()
    reads = [h.client.get(f"/v1/members/{m}/balance", headers={"Authorization": f"Bearer {h.token('pos')}"})
             for h, m in zip(pair, members)]
    assert reads[0].status_code == 200 and reads[0].json()["available"] > 0
    assert _answer(reads[0]) == _answer(reads[1])
    assert taken == ["purchase", "purchase", "balance"]  # the plain app never calls the hot path


@pytest.mark.parametrize("case", ["other_body_same_ref", "unknown_member", "other_store", "auditor", "no_key",
                                  "bad_key", "not_json", "no_total", "text_plain", "list", "extra_field",
                                  "grouped_money", "basic_auth"])
def test_every_refusal_is_the_routes_own(pair, taken, case: str) -> None:
    members = _members(pair)
    refs = [_ref(case + "1"), _ref(case + "2")]
    base = {"member": None, "total": "125000", "store_id": "HCM-01"}

    def send(i: int) -> Any:
        h, m, r = pair[i], members[i], refs[i]
        body = {**base, "transaction_ref": r, "member": {"member_id": m}}
        if case == "other_body_same_ref":
            assert _purchase(h, m, r).status_code == 201
            return _purchase(h, m, r, body={**body, "total": "99000"})
        if case == "unknown_member":
            return _purchase(h, m, r, body={**body, "member": {"member_id": str(uuid.UUID(int=7))}})
        if case == "other_store":
            return _purchase(h, m, r, body={**body, "store_id": "HN-02"})
        if case == "auditor":
            return _purchase(h, m, r, key="auditor")
        if case == "no_key":
            return _purchase(h, m, r, key=None)
        if case == "bad_key":
            return _purchase(h, m, r, token="lk_not_a_real_key_at_all")
        if case == "not_json":
            return _purchase(h, m, r, raw=b'{"transaction_ref": ')
        if case == "no_total":
            return _purchase(h, m, r, body={k: v for k, v in body.items() if k != "total"})
        if case == "text_plain":
            return _purchase(h, m, r, content_type="text/plain")
        if case == "list":
            return _purchase(h, m, r, raw=b"[1, 2]")
        if case == "extra_field":
            return _purchase(h, m, r, body={**body, "balance": 1_000_000})
        if case == "grouped_money":
            return _purchase(h, m, r, body={**body, "total": "125,5"})
        if case == "basic_auth":
            return h.client.post("/v1/transactions", json=body, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        raise AssertionError(case)

    answers = [send(0), send(1)]
    assert answers[0].status_code >= 400, answers[0].text
    assert _answer(answers[0]) == _answer(answers[1])
    # Refusals found after the body was read (key, role, store, ledger) are the hot path's; the rest FastAPI's.
    hot = {"other_body_same_ref", "unknown_member", "other_store", "auditor", "no_key", "bad_key",
           "grouped_money", "basic_auth"}
    assert (taken.count("purchase") > 0) == (case in hot), taken


@pytest.mark.parametrize("path", ["{m}", "{upper}", "not-a-uuid", "{unknown}"])
def test_balance_reads_answer_as_the_route(pair, taken, path: str) -> None:
    members = _members(pair)

    def read(i: int, key: str = "pos") -> Any:
        h, m = pair[i], members[i]
        target = path.format(m=m, upper=m.upper(), unknown=uuid.UUID(int=9))
        return h.client.get(f"/v1/members/{target}/balance", headers={"Authorization": f"Bearer {h.token(key)}"})

    answers = [read(0), read(1)]
    assert _answer(answers[0]) == _answer(answers[1])
    assert taken == (["balance"] if path in ("{m}", "{unknown}") else [])
    analyst = [read(0, "analyst"), read(1, "analyst")]  # a role that may not read balances
    assert _answer(analyst[0]) == _answer(analyst[1])


def test_the_rate_limit_counts_hot_requests_as_the_route_did(module_database_url: str, taken) -> None:
    runtime = open_runtime(Settings(database_url=module_database_url))
    tight = {"channel": "3/minute", "staff": "100/minute", "auditor": "100/minute", "analyst": "100/minute",
             "admin": "100/minute"}
    apps = [create_app(api_settings(module_database_url, rate_limits=tight, hot_path=flag), runtime=runtime)
            for flag in (True, False)]
    try:
        statuses = []
        for app in apps:
            with TestClient(app, raise_server_exceptions=False) as client:
                harness = ApiHarness(app, client)
                _, token = harness.ctx.keys.create("channel", channel="web")  # a key of its own: its own count
                statuses.append([client.get(f"/v1/members/{uuid.UUID(int=5)}/balance",
                                            headers={"Authorization": f"Bearer {token}"}).status_code
                                 for _ in range(5)])
        assert statuses == [[404, 404, 404, 429, 429]] * 2
        assert taken.count("balance") == 5  # all five taken by the hot path: its own check refused the last two
    finally:
        for app in apps:
            app.state.api.close()
        runtime.close()


def test_the_metrics_name_the_route_of_a_hot_request(fresh_api: ApiHarness, taken) -> None:
    member = fresh_api.enroll(phone=new_phone())["member_id"]
    assert _purchase(fresh_api, member, _ref("m")).status_code == 201
    pos = {"Authorization": f"Bearer {fresh_api.token('pos')}"}
    assert fresh_api.client.get(f"/v1/members/{member}/balance", headers=pos).status_code == 200
    text = fresh_api.client.get("/metrics", headers={"Authorization": f"Bearer {fresh_api.token('admin')}"}).text
    assert 'loyalty_http_requests_total{method="POST",route="/v1/transactions",status="201"} 1.0' in text
    assert 'loyalty_http_requests_total{method="GET",route="/v1/members/{member_id}/balance",status="200"} 1.0' \
        in text
    assert "unmatched" not in text
    assert taken == ["purchase", "balance"]


class _Downstream:
    """The app behind the hot path in the ASGI tests below: reads the body FastAPI would and records it."""

    def __init__(self) -> None:
        self.body = b""
        self.after: list[dict[str, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] != "http.request":
                self.after.append(message)
                return
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _scope() -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/v1/transactions", "headers": [
        (b"content-type", b"application/json")], "query_string": b""}


def _feed(messages: list[dict[str, Any]]) -> Any:
    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    return receive


def test_a_large_body_in_pieces_reaches_fastapi_whole() -> None:
    piece = b"x" * 100_000
    messages = [{"type": "http.request", "body": piece, "more_body": True} for _ in range(4)]
    messages.append({"type": "http.request", "body": b"end", "more_body": False})
    downstream = _Downstream()
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(hot_path.HotPath(downstream, owner=None, context=None)(_scope(), _feed(messages), send))
    assert downstream.body == piece * 4 + b"end"
    assert sent[0]["status"] == 299


def test_a_client_that_left_mid_body_is_seen_leaving_by_fastapi() -> None:
    messages = [{"type": "http.request", "body": b'{"a": ', "more_body": True}, {"type": "http.disconnect"}]
    downstream = _Downstream()

    async def send(message: dict[str, Any]) -> None:
        raise AssertionError("nothing is answered to a client that left")

    asyncio.run(hot_path.HotPath(downstream, owner=None, context=None)(_scope(), _feed(messages), send))
    assert downstream.body == b'{"a": ' and downstream.after == [{"type": "http.disconnect"}]
