"""Hostile input at every route that takes a time or a text: a 4xx problem, never a 500, connection kept.

Each case is sent over one keep-alive HTTP/1.1 connection to a real uvicorn server (in a thread of the test
process: a subprocess took over 30 s to start on a loaded machine), on both stores. A 500 used to come with `Connection: close`, so each case also proves the server kept the socket:
the next request goes over the very same one. Times: the two instants that overflow on conversion to UTC,
and implausible dates (a birthday in year 1 or 2999, an expiry in the past, a sale in 1970). Texts: NUL,
an escape sequence, a C1 control and a lone surrogate, in bodies, query strings and paths.
"""

from __future__ import annotations

import http.client
import json
import uuid
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlsplit

import httpx
import pytest

import threading
import time
from dataclasses import dataclass

import uvicorn

from api.main import create_app
from tests.e2e.conftest import KEY_SPECS, _with_demo_program, api_settings, free_port, new_phone


@dataclass
class Served:
    base_url: str
    tokens: dict[str, str]

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.tokens[key]}"},
                            timeout=30)


@pytest.fixture(scope="module")
def live_server(module_database_url: str) -> Iterator[Served]:
    """The app behind a real uvicorn (HTTP/1.1, keep-alive, its own error handling) in a thread."""
    app = _with_demo_program(create_app(api_settings(module_database_url)))
    tokens = {}
    for name, spec in KEY_SPECS.items():
        spec = dict(spec)
        _, tokens[name] = app.state.api.keys.create(spec.pop("role"), **spec)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", tokens)
    finally:
        server.should_exit = True
        thread.join(30)
        app.state.api.close()

OVERFLOW_HIGH = "9999-12-31T23:59:59-12:00"
OVERFLOW_LOW = "0001-01-01T00:00:00+14:00"
TIMES = [OVERFLOW_HIGH, OVERFLOW_LOW, "1970-01-01T00:00:00Z", "2999-01-01T00:00:00+07:00"]
TEXTS = ["a\x00b", "\x1b[31mred", "x\x85y", "lone \ud800 surrogate", "tab\there", "\x7f"]


class Conn:
    """One persistent HTTP/1.1 connection; `send` answers (status, headers, json body)."""

    def __init__(self, server: Served):
        parts = urlsplit(server.base_url)
        self.http = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
        self.tokens = server.tokens
        self.http.connect()
        self.sock = self.http.sock

    def send(self, method: str, path: str, body: Any = None, key: str = "admin") -> tuple[int, dict, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[key]}", "Idempotency-Key": uuid.uuid4().hex}
        data = None
        if body is not None:
            # ensure_ascii: a lone surrogate travels as the JSON escape \ud800, as a client would send it.
            data = json.dumps(body, ensure_ascii=True).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.http.request(method, path, body=data, headers=headers)
            response = self.http.getresponse()
            raw = response.read()
        except OSError:  # a hang or a reset: start the next case on a fresh connection, then fail this one
            self.http.close()
            self.http.connect()
            self.sock = self.http.sock
            raise
        parsed = json.loads(raw) if raw and "json" in (response.getheader("content-type") or "") else raw
        return response.status, {k.lower(): v for k, v in response.getheaders()}, parsed

    def kept_alive(self) -> bool:
        return self.http.sock is not None and self.http.sock is self.sock


@pytest.fixture(scope="module")
def world(live_server: Served) -> dict[str, str]:
    """A member with points, a purchase to refund, a reservation, a webhook, a campaign."""
    with live_server.client("admin") as admin, live_server.client("pos") as pos:
        def post(client: httpx.Client, path: str, body: dict) -> dict:
            response = client.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
            assert response.status_code in (200, 201), (path, response.text)
            return response.json()

        member = post(pos, "/v1/members", {"phone": new_phone()})["member_id"]
        ref = f"T-{uuid.uuid4().hex[:8]}"
        post(pos, "/v1/transactions", {"transaction_ref": ref, "member": {"member_id": member},
                                       "total": "500000"})
        reservation = post(pos, f"/v1/members/{member}/reservations", {"points": 1, "order_ref": "O-1"})
        return {"member": member, "ref": ref, "reservation": reservation["reservation_id"]}


@pytest.fixture(scope="module")
def conn(live_server: Served) -> Iterator[Conn]:
    connection = Conn(live_server)
    yield connection
    connection.http.close()


Case = Callable[[dict[str, str], str], tuple[str, str, Any]]
"""(world, hostile value) -> (method, path, body)."""


def _purchase(w: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"transaction_ref": f"T-{uuid.uuid4().hex[:8]}", "member": {"member_id": w["member"]},
            "total": "100000", **extra}


TIME_CASES: dict[str, Case] = {
    "purchase": lambda w, v: ("POST", "/v1/transactions", _purchase(w, occurred_at=v)),
    "simulate": lambda w, v: ("POST", "/v1/transactions/simulate", _purchase(w, occurred_at=v)),
    "activity": lambda w, v: ("POST", f"/v1/members/{w['member']}/activities",
                              {"kind": "check_in", "reference": uuid.uuid4().hex[:10], "occurred_at": v}),
    "adjustment expiry": lambda w, v: ("POST", f"/v1/members/{w['member']}/adjustments",
                                       {"points": 5, "reason": "goodwill", "expires_at": v}),
    "program at": lambda w, v: ("GET", f"/v1/program?at={quote(v)}", None),
    "campaign window": lambda w, v: ("POST", "/v1/program/campaigns",
                                     {"campaign_id": f"c{uuid.uuid4().hex[:6]}", "name_vi": "Tết",
                                      "name_en": "Tet", "starts_at": v, "ends_at": "2030-01-01T00:00:00Z"}),
    "campaign end": lambda w, v: ("POST", "/v1/program/campaigns/none/end", {"ended_at": v}),
}

DATE_CASES: dict[str, Case] = {
    "enrol birthday": lambda w, v: ("POST", "/v1/members", {"phone": new_phone(), "birthday": v}),
    "kpis from": lambda w, v: ("GET", f"/v1/stats/kpis?from={v}&to=9999-12-31", None),
    "campaign stats": lambda w, v: ("GET", f"/v1/stats/campaigns/x?from={v}", None),
}
DATES = ["0001-01-01", "2999-01-01", "1899-12-31", "9999-12-31"]

TEXT_CASES: dict[str, Case] = {
    "enrol name": lambda w, v: ("POST", "/v1/members", {"phone": new_phone(), "name": v}),
    "enrol email": lambda w, v: ("POST", "/v1/members", {"phone": new_phone(), "email": f"a{v}@x.vn"}),
    "enrol phone": lambda w, v: ("POST", "/v1/members", {"phone": f"0901{v}"}),
    "enrol consent key": lambda w, v: ("POST", "/v1/members", {"phone": new_phone(), "consent": {v: True}}),
    "purchase ref": lambda w, v: ("POST", "/v1/transactions", {**_purchase(w), "transaction_ref": v}),
    "purchase sku": lambda w, v: ("POST", "/v1/transactions",
                                  _purchase(w, lines=[{"sku": v, "amount": "1000"}])),
    "purchase member phone": lambda w, v: ("POST", "/v1/transactions",
                                           {**_purchase(w), "member": {"phone": v}}),
    "redeem order": lambda w, v: ("POST", f"/v1/members/{w['member']}/redemptions", {"points": 1, "order_ref": v}),
    "reserve order": lambda w, v: ("POST", f"/v1/members/{w['member']}/reservations",
                                   {"points": 1, "order_ref": v}),
    "adjust reason": lambda w, v: ("POST", f"/v1/members/{w['member']}/adjustments", {"points": 1, "reason": v}),
    "activity reference": lambda w, v: ("POST", f"/v1/members/{w['member']}/activities",
                                        {"kind": "check_in", "reference": v}),
    "refund ref": lambda w, v: ("POST", f"/v1/transactions/{w['ref']}/refunds",
                                {"refund_ref": v, "amount": "1000"}),
    "webhook url": lambda w, v: ("POST", "/v1/webhooks", {"url": f"https://example.com/{v}"}),
    "reward name": lambda w, v: ("POST", "/v1/program/rewards",
                                 {"reward_id": "r1", "name_vi": v, "name_en": "x", "kind": "free_item"}),
    "search q": lambda w, v: ("GET", f"/v1/members/search?q={quote(v, errors='surrogatepass')}", None),
    "lookup phone": lambda w, v: ("GET", f"/v1/members/lookup?phone={quote(v, errors='surrogatepass')}", None),
    "reservation path": lambda w, v: ("POST", f"/v1/reservations/{quote(v, errors='surrogatepass')}/release",
                                      {}),
    "refund path": lambda w, v: ("POST", f"/v1/transactions/{quote(v, errors='surrogatepass')}/refunds",
                                 {"refund_ref": "R-1", "amount": "1000"}),
    "rule path": lambda w, v: ("DELETE", f"/v1/program/rules/{quote(v, errors='surrogatepass')}", None),
}


def _assert_refused(conn: Conn, method: str, path: str, body: Any, also_ok: bool = False) -> tuple[int, Any]:
    status, headers, payload = conn.send(method, path, body)
    if also_ok and status == 200:
        assert conn.kept_alive()
        return status, payload
    assert 400 <= status < 500, (method, path, body, status, payload)
    assert headers["content-type"].startswith("application/problem+json"), headers
    assert isinstance(payload, dict) and payload.get("code"), payload
    assert headers.get("connection", "").lower() != "close"
    assert conn.kept_alive(), "the server dropped the keep-alive connection"
    # The same socket serves the next request.
    assert conn.send("GET", "/healthz")[0] == 200 and conn.kept_alive()
    return status, payload


@pytest.mark.parametrize("value", TIMES)
@pytest.mark.parametrize("case", sorted(TIME_CASES))
def test_out_of_range_times_are_refused_on_every_route(conn: Conn, world: dict[str, str], case: str,
                                                        value: str) -> None:
    method, path, body = TIME_CASES[case](world, value)
    if case.startswith(("campaign", "program")) and value not in (OVERFLOW_HIGH, OVERFLOW_LOW):
        # A program window or an `at` far away is odd but well defined: it may be accepted or refused, but
        # it is answered (never a 5xx) and the connection serves the next request.
        status, _, _ = conn.send(method, path, body)
        assert status < 500 and conn.kept_alive(), (case, value, status)
        assert conn.send("GET", "/healthz")[0] == 200 and conn.kept_alive()
        return
    # Reading the program "as at" a far instant is well defined (the program in force then): no 4xx owed.
    status, payload = _assert_refused(conn, method, path, body, also_ok=case == "program at")
    if case in ("purchase", "simulate", "activity", "adjustment expiry") and value in (OVERFLOW_HIGH, OVERFLOW_LOW):
        assert status == 422 and payload["field"].endswith(("occurred_at", "expires_at")), payload


@pytest.mark.parametrize("value", DATES)
@pytest.mark.parametrize("case", sorted(DATE_CASES))
def test_implausible_dates_are_refused_on_every_route(conn: Conn, world: dict[str, str], case: str,
                                                      value: str) -> None:
    method, path, body = DATE_CASES[case](world, value)
    status, payload = _assert_refused(conn, method, path, body)
    if case == "enrol birthday":
        assert (status, payload["code"], payload["field"]) == (422, "implausible_date", "birthday"), payload


@pytest.mark.parametrize("value", TEXTS, ids=["nul", "escape", "c1", "surrogate", "tab", "del"])
@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_control_characters_are_refused_in_every_text(conn: Conn, world: dict[str, str], case: str,
                                                      value: str) -> None:
    method, path, body = TEXT_CASES[case](world, value)
    # A lone surrogate cannot travel in a URL: its UTF-8 form is invalid and arrives as U+FFFD, a plain search.
    in_url = body is None or case.endswith("path")
    status, payload = _assert_refused(conn, method, path, body, also_ok=in_url and "\ud800" in value)
    if in_url and "\ud800" in value:
        return
    # A pattern-checked field (refs, skus, codes) may say invalid_input; a free text says invalid_text.
    if case in ("enrol name", "adjust reason", "reward name", "search q", "enrol consent key"):
        assert (status, payload["code"]) == (422, "invalid_text"), payload


def test_a_clean_request_still_succeeds_after_all_that(conn: Conn, world: dict[str, str]) -> None:
    status, _, payload = conn.send("POST", "/v1/members", {"phone": new_phone(), "name": "Nguyễn Văn An",
                                                           "birthday": "1990-05-17"}, key="pos")
    assert status == 201, payload
    assert conn.kept_alive()
