"""The important paths over real HTTP: `loyalty serve` in a subprocess (SQLite and PostgreSQL), keys made
with `loyalty keys create`, concurrent tills on one member, retries, the event stream and the example tills.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.e2e.conftest import REPO, LiveServer, new_phone


def _member_with(server: LiveServer, points: int) -> str:
    with server.client("pos") as pos, server.client("admin") as admin:
        member = pos.post(
            "/v1/members", json={"phone": new_phone()}, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        assert member.status_code == 201, member.text
        member_id = member.json()["member_id"]
        if points:
            adjusted = admin.post(
                f"/v1/members/{member_id}/adjustments",
                json={"points": points, "reason": "seed"},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            assert adjusted.status_code == 201, adjusted.text
    return member_id


def test_the_server_is_ready_documented_and_measured(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.base_url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{live_server.base_url}/readyz").status_code == 200
    assert httpx.get(f"{live_server.base_url}/docs").status_code == 200
    assert "/v1/transactions" in httpx.get(f"{live_server.base_url}/openapi.json").json()["paths"]
    _member_with(live_server, 0)
    assert httpx.get(f"{live_server.base_url}/metrics").status_code == 401  # an auditor or admin key
    with live_server.client("analyst") as analyst:
        assert analyst.get("/metrics").status_code == 403
    with live_server.client("auditor") as auditor:
        metrics = auditor.get("/metrics").text
    assert 'loyalty_http_requests_total{method="POST",route="/v1/members",status="201"}' in metrics
    assert 'loyalty_commands_total{command="EnrollMember",outcome="accepted"}' in metrics
    assert "loyalty_http_request_duration_seconds_bucket" in metrics


def test_concurrent_reservations_on_one_member_never_overdraw(live_server: LiveServer) -> None:
    member_id = _member_with(live_server, 100)

    def reserve(n: int) -> httpx.Response:
        with live_server.client("pos") as pos:
            return pos.post(
                f"/v1/members/{member_id}/reservations",
                json={"points": 10, "order_ref": f"HD-{n}"},
                headers={"Idempotency-Key": f"race-{member_id}-{n}"},
            )

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(reserve, range(24)))
    codes = sorted(r.status_code for r in answers)
    assert codes.count(201) == 10, [(r.status_code, r.text) for r in answers if r.status_code != 201][:3]
    assert all(r.json()["code"] == "insufficient_points" for r in answers if r.status_code != 201)
    with live_server.client("pos") as pos:
        balance = pos.get(f"/v1/members/{member_id}/balance").json()
    assert (balance["available"], balance["reserved"]) == (0, 100)


def test_the_same_request_sent_concurrently_takes_effect_once(live_server: LiveServer) -> None:
    member_id = _member_with(live_server, 100)

    def redeem(_: int) -> httpx.Response:
        with live_server.client("pos") as pos:
            return pos.post(
                f"/v1/members/{member_id}/redemptions",
                json={"points": 30, "order_ref": "HD-1"},
                headers={"Idempotency-Key": f"dup-{member_id}"},
            )

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(redeem, range(6)))
    assert {r.status_code for r in answers} <= {201, 409}
    assert all(r.json()["code"] == "idempotency_request_in_progress" for r in answers if r.status_code == 409)
    created = [r.json() for r in answers if r.status_code == 201]
    assert created and all(body["redemption_id"] == created[0]["redemption_id"] for body in created)
    with live_server.client("pos") as pos:
        assert pos.get(f"/v1/members/{member_id}/balance").json()["available"] == 70


def test_a_purchase_pushed_twice_over_http_lands_once(live_server: LiveServer) -> None:
    member_id = _member_with(live_server, 0)
    sale = {
        "transaction_ref": f"HD-{member_id}",
        "member": {"member_id": member_id},
        "total": "125000",
        "lines": [{"sku": "CF-LATTE", "category": "coffee", "unit_price": "125000", "amount": "125000"}],
    }
    with live_server.client("pos") as pos:
        first, again = pos.post("/v1/transactions", json=sale), pos.post("/v1/transactions", json=sale)
        assert (first.status_code, again.status_code) == (201, 201), first.text
        assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
        assert (
            pos.get(f"/v1/members/{member_id}/balance").json()["lifetime_earned"]
            == first.json()["points_earned"]
        )


class _Stream:
    """Reads a server-sent event stream in a thread, one parsed event per queue item."""

    def __init__(self, server: LiveServer, key: str, **params: Any):
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.ready = threading.Event()
        self.client = server.client(key)
        self.params = params
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "stream did not open"

    def _run(self) -> None:
        try:
            with self.client.stream("GET", "/v1/stream", params=self.params) as response:
                assert response.status_code == 200
                self.ready.set()
                event_id = None
                for line in response.iter_lines():
                    if line.startswith("id:"):
                        event_id = line[3:].strip()
                    elif line.startswith("data:"):
                        self.events.put({"sse_id": event_id, **json.loads(line[5:])})
        except (httpx.HTTPError, RuntimeError):
            pass

    def next(self, timeout: float = 10) -> dict[str, Any]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.client.close()


def test_the_stream_tells_a_pos_about_its_members_and_stores_only(live_server: LiveServer) -> None:
    mine = _member_with(live_server, 100)
    theirs = _member_with(live_server, 100)
    followed = _Stream(live_server, "pos", member_id=mine)
    by_store = _Stream(live_server, "pos")
    try:
        with live_server.client("pos_hn") as hanoi, live_server.client("pos") as saigon:
            hanoi.post(
                f"/v1/members/{theirs}/redemptions",
                json={"points": 5, "order_ref": "HN-1"},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            hanoi.post(
                f"/v1/members/{mine}/redemptions",
                json={"points": 7, "order_ref": "HN-2"},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            saigon.post(
                f"/v1/members/{theirs}/reservations",
                json={"points": 9, "order_ref": "SG-1"},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
        # Following one member: all of that member's events, whichever store.
        event = followed.next()
        assert (event["type"], event["member_id"], event["data"]["points"]) == ("PointsRedeemed", mine, 7)
        assert event["store_id"] == "HN-02" and event["sse_id"].isdigit()
        # The store's own stream: only what happened at HCM-01 (the Hanoi redemptions are not shown).
        event = by_store.next()
        assert (event["type"], event["member_id"], event["store_id"]) == ("PointsReserved", theirs, "HCM-01")
        assert by_store.events.empty()
    finally:
        followed.close()
        by_store.close()


def test_the_stream_resumes_after_last_event_id(live_server: LiveServer) -> None:
    member_id = _member_with(live_server, 100)
    first = _Stream(live_server, "staff", member_id=member_id)
    try:
        with live_server.client("pos") as pos:
            for n in range(3):
                pos.post(
                    f"/v1/members/{member_id}/redemptions",
                    json={"points": 1, "order_ref": f"o{n}"},
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                )
        seen = [first.next() for _ in range(3)]
    finally:
        first.close()
    with (
        live_server.client("staff") as staff,
        staff.stream(
            "GET", "/v1/stream", params={"member_id": member_id}, headers={"Last-Event-ID": seen[0]["sse_id"]}
        ) as resp,
    ):
        ids = []
        for line in resp.iter_lines():
            if line.startswith("id:"):
                ids.append(line[3:].strip())
            if len(ids) == 2:
                break
    assert ids == [seen[1]["sse_id"], seen[2]["sse_id"]]


def test_a_stream_for_another_stores_events_is_refused(live_server: LiveServer) -> None:
    with live_server.client("pos") as pos:
        response = pos.get("/v1/stream", params={"store_id": "HN-02"})
    assert response.status_code == 403 and response.json()["code"] == "store_not_allowed"
    with live_server.client("analyst") as analyst:
        assert analyst.get("/v1/stream").status_code == 403


def _example(server: LiveServer, script: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**server.env, "LOYALTY_API_URL": server.base_url, "LOYALTY_API_KEY": server.tokens["pos"]}
    return subprocess.run(
        [sys.executable, str(REPO / "examples" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_example_level0_pushes_an_offline_queue_that_lands_once(live_server: LiveServer) -> None:
    phone = new_phone()
    done = _example(live_server, "pos_level0.py", "--phone", phone, "--sales", "8")
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["landed"] == 8 and summary["pushed"] > 8 and summary["replayed"] == summary["pushed"] - 8
    with live_server.client("auditor") as auditor:
        member = auditor.get("/v1/members/lookup", params={"phone": phone}).json()
        events = auditor.get(f"/v1/members/{member['member_id']}/events").json()["items"]
    purchases = [
        e
        for e in events
        if e["type"] in ("PointsEarned", "PurchaseRecorded")
        and e["data"].get("source", "purchase") == "purchase"
    ]
    assert len(purchases) == 8
    assert member["balance"]["lifetime_earned"] == summary["points_earned"]


def test_example_level1_reserves_and_captures_or_releases(live_server: LiveServer) -> None:
    member_id = _member_with(live_server, 100)
    with live_server.client("pos") as pos:
        phone = pos.get(f"/v1/members/{member_id}").json()["phone"]
    done = _example(
        live_server,
        "pos_level1.py",
        "--phone",
        phone,
        "--points",
        "40",
        "--order",
        f"O-{member_id}",
        "--capture",
        "30",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["points_captured"] == 30
    released = _example(
        live_server,
        "pos_level1.py",
        "--phone",
        phone,
        "--points",
        "20",
        "--order",
        f"P-{member_id}",
        "--payment-fails",
    )
    assert released.returncode == 0, released.stdout + released.stderr
    with live_server.client("pos") as pos:
        assert pos.get(f"/v1/members/{member_id}/balance").json()["available"] == 70


def test_example_level2_is_told_of_changes_as_they_happen(live_server: LiveServer) -> None:
    member_id = _member_with(live_server, 100)
    with live_server.client("pos") as pos:
        phone = pos.get(f"/v1/members/{member_id}").json()["phone"]
    env = {
        **live_server.env,
        "LOYALTY_API_URL": live_server.base_url,
        "LOYALTY_API_KEY": live_server.tokens["pos"],
    }
    follower = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "examples" / "pos_level2.py"),
            "--phone",
            phone,
            "--max-events",
            "1",
            "--seconds",
            "30",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert follower.stdout is not None
        assert follower.stdout.readline().startswith("following")
        with live_server.client("pos") as pos:
            pos.post(
                f"/v1/members/{member_id}/redemptions",
                json={"points": 12, "order_ref": "L2"},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
        out, err = follower.communicate(timeout=30)
    finally:
        follower.kill()
    assert follower.returncode == 0, err
    assert "PointsRedeemed" in out and "-12" not in out and "12" in out
