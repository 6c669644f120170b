"""The till soak: N minutes of mixed till traffic through a real `loyalty serve` (and `loyalty worker`) on
PostgreSQL, measured every interval, then proved: every acknowledged command stored exactly once, the
served balances the fold of the stored events, `audit verify` and `audit replay` clean.

    python -m tests.faults.soak_till --minutes 20          # or SOAK_MINUTES=20 make soak-till

Each till loops over a weighted mix of what a till does: a sale (POST /v1/transactions), a balance look-up,
a reservation captured at once, a redemption, a partial refund of one of its own acknowledged sales. A
refused command (503 with Retry-After) is retried with the same key, as the API asks. Every interval the
soak records the server's and the worker's resident memory, latency percentiles per kind, answers by
status, the PostgreSQL connections held in the soak's database (pg_stat_activity) and the projections' lag.
It writes test-artifacts/soak/<run>.json (the samples and the verdict) and prints a one-line summary per
interval. The database is one of its own on the server LOYALTY_TEST_PG names, dropped afterwards unless
--keep.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import httpx
import psycopg

from loyalty_core import commands as c
from loyalty_core import events as ev
from loyalty_core.ledger import open_store, project_stored_member
from loyalty_core.results import Balance
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "soak"
PG_ADMIN_DSN = os.environ.get("LOYALTY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
KINDS = ("purchase", "balance", "reserve_capture", "redemption", "refund")
WEIGHTS = (45, 30, 10, 8, 7)
START_POINTS = 5_000
RETRY_FOR_SECONDS = 60.0


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (uvicorn may run children), in KiB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(p) for p in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


@dataclass
class Log:
    """Everything the tills saw: latencies and statuses per interval, and each acknowledged command."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    total_statuses: Counter = field(default_factory=Counter)
    acked: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=lambda: defaultdict(list))
    """kind -> [(key, answer)]"""
    unanswered: list[str] = field(default_factory=list)
    """Commands still refused when their retry time ran out (they must then be stored at most once)."""

    def answer(self, kind: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[f"{kind}:{status}"] += 1
            self.total_statuses[str(status)] += 1

    def take_interval(self) -> tuple[dict[str, list[float]], Counter]:
        with self.lock:
            latencies, statuses = self.latencies, self.statuses
            self.latencies, self.statuses = defaultdict(list), Counter()
        return latencies, statuses


class Till:
    def __init__(self, number: int, base_url: str, token: str, members: list[str], log: Log,
                 stop: threading.Event, think: float):
        self.number, self.members, self.log, self.stop, self.think = number, members, log, stop, think
        self.http = httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"})
        self.random = random.Random(number)
        self.n = 0
        self.sales: list[tuple[str, str, int]] = []
        """(transaction_ref, member_id, total) of this till's acknowledged sales not yet refunded."""

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                kind = self.random.choices(KINDS, WEIGHTS)[0]
                if kind == "refund" and not self.sales:
                    kind = "purchase"
                getattr(self, kind)(self.random.choice(self.members))
                self.n += 1
                if self.think:
                    time.sleep(self.think)
        finally:
            self.http.close()

    def key(self, prefix: str) -> str:
        return f"{prefix}-{self.number:02d}-{self.n:06d}"

    def send(self, kind: str, method: str, path: str, key: str | None, body: Any = None) -> dict[str, Any] | None:
        """One command until it is answered for good: retried with the same key while refused (503/409 in
        flight) or unreachable. Returns the acknowledged answer, or None for a final refusal."""
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        headers = {"Idempotency-Key": key} if key else {}
        while True:
            started = time.perf_counter()
            try:
                response = self.http.request(method, path, json=body, headers=headers)
                status: int | str = response.status_code
            except httpx.HTTPError as exc:
                response, status = None, type(exc).__name__
            self.log.answer(kind, time.perf_counter() - started, status)
            if response is not None and response.status_code < 300:
                return response.json()
            retryable = response is None or response.status_code in (409, 429, 503) and (
                response.status_code != 409 or response.json().get("code") == "request_in_progress")
            if not retryable or time.monotonic() > deadline or (self.stop.is_set() and key is None):
                if key is not None and retryable:
                    with self.log.lock:
                        self.log.unanswered.append(key)
                return None
            time.sleep(float(response.headers.get("Retry-After", "0.2")) if response is not None else 0.2)

    def acked(self, kind: str, key: str, answer: dict[str, Any]) -> None:
        with self.log.lock:
            self.log.acked[kind].append((key, answer))

    def purchase(self, member: str) -> None:
        ref = self.key("T")
        total = 20_000 + 5_000 * self.random.randrange(30)
        answer = self.send("purchase", "POST", "/v1/transactions", ref, {
            "transaction_ref": ref, "member": {"member_id": member}, "store_id": "HCM-01", "currency": "VND",
            "total": str(total), "lines": [{"sku": "CF-SUA-DA", "category": "coffee", "quantity": 1,
                                            "unit_price": str(total), "amount": str(total)}]})
        if answer is not None:
            self.acked("purchase", ref, answer)
            self.sales.append((ref, member, total))

    def balance(self, member: str) -> None:
        self.send("balance", "GET", f"/v1/members/{member}/balance", None)

    def reserve_capture(self, member: str) -> None:
        order = self.key("RS")
        held = self.send("reserve_capture", "POST", f"/v1/members/{member}/reservations", order,
                         {"points": 1 + self.random.randrange(20), "order_ref": order, "store_id": "HCM-01"})
        if held is None:
            return
        self.acked("reserve", order, held)
        capture_key = f"{order}-capture"
        captured = self.send("reserve_capture", "POST", f"/v1/reservations/{held['reservation_id']}/capture",
                             capture_key, {"store_id": "HCM-01"})
        if captured is not None:
            self.acked("capture", capture_key, captured)

    def redemption(self, member: str) -> None:
        order = self.key("RD")
        answer = self.send("redemption", "POST", f"/v1/members/{member}/redemptions", order,
                           {"points": 1 + self.random.randrange(20), "order_ref": order, "store_id": "HCM-01"})
        if answer is not None:
            self.acked("redemption", order, answer)

    def refund(self, member: str) -> None:
        ref, _, total = self.sales.pop(self.random.randrange(len(self.sales)))
        refund_ref = self.key("RF")
        answer = self.send("refund", "POST", f"/v1/transactions/{ref}/refunds", refund_ref,
                           {"refund_ref": refund_ref, "amount": str(total // 2), "store_id": "HCM-01"})
        if answer is not None:
            self.acked("refund", refund_ref, answer)


# --- the servers and the database ---------------------------------------------------------------------


def create_database() -> str:
    name = f"loyalty_soak_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, members: int) -> list[str]:
    """Members with START_POINTS each, written before the server starts (no rules involved)."""
    runtime = open_runtime(Settings(database_url=url))
    try:
        ids = []
        for i in range(members):
            member_id = runtime.service.execute(c.EnrollMember(
                idempotency_key=f"soak-enrol-{i}", phone=f"093{i:07d}")).member_id
            runtime.service.execute(c.EarnPoints(
                idempotency_key=f"soak-start-{i}", member=c.MemberRef(member_id=member_id), points=START_POINTS,
                reference=f"soak-start-{i}", channel="test"))
            ids.append(str(member_id))
        return ids
    finally:
        runtime.close()


def start_worker(url: str, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "LOYALTY_DATABASE_URL": url}
    with open(log_path, "wb") as log:
        return subprocess.Popen([sys.executable, "-m", "loyalty_cli.main", "worker", "--poll-interval", "0.5"],
                                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def connections(database: str) -> dict[str, int]:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        rows = conn.execute("SELECT coalesce(application_name, ''), count(*) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid() GROUP BY 1", [database]).fetchall()
    return {name or "?": count for name, count in rows}


def projection_lag(base_url: str, token: str) -> int | None:
    try:
        answer = httpx.get(f"{base_url}/v1/stats/lag", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return max((p["lag"] for p in answer.json()["projections"]), default=0) if answer.status_code == 200 \
            else None
    except (httpx.HTTPError, ValueError, KeyError):
        return None


# --- the proof ------------------------------------------------------------------------------------------


def effects(url: str, member_ids: list[str]) -> tuple[Counter, dict[str, Balance], Counter]:
    """(how many times each command's effect is stored, the fold of each member, receipts per key)."""
    store = open_store(Settings(database_url=url))
    try:
        found: Counter = Counter()
        receipts: Counter = Counter()
        for _, event in store.iter_events():
            if isinstance(event, ev.CommandAccepted):
                receipts[event.idempotency_key] += 1
            elif isinstance(event, ev.PointsEarned) and event.source == "purchase":
                found[event.reference.split("/", 1)[-1]] += 1
            elif isinstance(event, ev.PurchaseRecorded):
                found[event.transaction_ref] += 1
            elif isinstance(event, ev.PointsReserved):
                found[event.order_ref] += 1
            elif isinstance(event, ev.ReservationCaptured):
                found[f"capture:{event.reservation_id}"] += 1
            elif isinstance(event, ev.PointsRedeemed) and event.order_ref.startswith("RD-"):
                found[event.order_ref] += 1
            elif isinstance(event, ev.EarnReversed):
                found[event.refund_ref] += 1
        folds = {}
        for member_id in member_ids:
            member = project_stored_member(None, store.member_events(uuid.UUID(member_id)))
            assert member is not None
            folds[member_id] = Balance.of(member)
        return found, folds, receipts
    finally:
        store.close()


def effect_key(kind: str, key: str, answer: dict[str, Any]) -> str:
    return f"capture:{answer['reservation_id']}" if kind == "capture" else key


def cli(url: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "loyalty_cli.main", *args], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, "LOYALTY_DATABASE_URL": url}, timeout=1800)
    text = done.stdout.strip()
    start = text.rfind("\n{") + 1 if "\n{" in text else text.find("{")
    try:
        report = json.loads(text[start:]) if start >= 0 else {}
    except json.JSONDecodeError:
        report = {}
    if done.returncode != 0:
        report["output"] = (text + "\n" + done.stderr)[-2000:]
    return {"exit": done.returncode, **report}


def verdict(url: str, log: Log, member_ids: list[str], served: dict[str, dict[str, Any]]) -> dict[str, Any]:
    found, folds, receipts = effects(url, member_ids)
    acknowledged = {kind: len(items) for kind, items in log.acked.items()}
    expected: dict[str, int] = {m: START_POINTS for m in member_ids}
    missing, doubled = [], []
    for kind, items in log.acked.items():
        for key, answer in items:
            times = found[effect_key(kind, key, answer)]
            if times == 0:
                missing.append(key)
            elif times > 1:
                doubled.append(key)
            if receipts[key] != 1:
                (missing if receipts[key] == 0 else doubled).append(f"receipt:{key}")
            member = str(answer.get("member_id", ""))
            delta = {"purchase": answer.get("points_earned", 0), "redemption": -answer.get("points", 0),
                     "capture": -answer.get("points_captured", 0), "refund": -answer.get("points_reversed", 0),
                     }.get(kind, 0)
            if member in expected:
                expected[member] += delta
    unanswered_doubled = [k for k in log.unanswered if found[k] > 1 or receipts[k] > 1]
    mismatched = []
    for member_id, fold in folds.items():
        held = fold.available + fold.pending + fold.reserved
        answer = served[member_id]
        if (answer["available"], answer["pending"], answer["reserved"]) != (fold.available, fold.pending,
                                                                           fold.reserved):
            mismatched.append({"member": member_id, "served": answer, "fold": str(fold)})
        elif held != expected[member_id]:
            mismatched.append({"member": member_id, "held": held, "from_acks": expected[member_id]})
    verify = cli(url, "audit", "verify")
    replay = cli(url, "audit", "replay")
    failed = {name: report.get("output") or report for name, report in (("verify", verify), ("replay", replay))
              if report.get("exit") != 0}
    return {"audit_failures": failed, "acknowledged": acknowledged, "acknowledged_total": sum(acknowledged.values()),
            "found_after": sum(1 for items in log.acked.items() for k, a in items[1]
                               if found[effect_key(items[0], k, a)] >= 1),
            "lost": len(missing), "doubled": len(doubled) + len(unanswered_doubled),
            "lost_keys": missing[:20], "doubled_keys": (doubled + unanswered_doubled)[:20],
            "unanswered": len(log.unanswered), "balance_mismatches": mismatched[:20],
            "balance_mismatch_count": len(mismatched),
            "audit_verify": {k: verify.get(k) for k in ("exit", "ok", "checked", "events", "problems")},
            "audit_replay": {k: replay.get(k) for k in ("exit", "members", "events", "differences")}}


# --- the run --------------------------------------------------------------------------------------------


def run(minutes: float, tills: int, members: int, think: float, interval: float | None,
        out: Path | None, keep: bool, say: Callable[[str], None] = print) -> dict[str, Any]:
    from tests.e2e.conftest import start_server

    interval = interval or min(60.0, max(5.0, minutes * 60 / 4))
    database = create_database()
    url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{database}"
    workdir = Path(tempfile.mkdtemp(prefix="loyalty-soak-"))
    record: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "minutes": minutes,
                              "tills": tills, "members": members, "think_seconds": think,
                              "interval_seconds": interval, "mix": dict(zip(KINDS, WEIGHTS)), "samples": []}
    name = out or ARTIFACTS / f"soak-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    try:
        member_ids = prepare(url, members)
        server_run = start_server(url, workdir)
        server = next(server_run)
        worker = start_worker(url, workdir / "worker.log")
        log, stop = Log(), threading.Event()
        try:
            threads = [threading.Thread(target=Till(t, server.base_url, server.tokens["pos"], member_ids, log,
                                                    stop, think).run, daemon=True) for t in range(tills)]
            for thread in threads:
                thread.start()
            began = time.monotonic()
            end = began + minutes * 60
            while time.monotonic() < end:
                time.sleep(max(0.0, min(interval, end - time.monotonic())))
                latencies, statuses = log.take_interval()
                sample = {
                    "t_seconds": round(time.monotonic() - began, 1),
                    "server_rss_mib": round(rss_kib(server.process.pid) / 1024, 1),
                    "worker_rss_mib": round(rss_kib(worker.pid) / 1024, 1),
                    "requests": sum(len(v) for v in latencies.values()),
                    "latency_ms": {kind: {q: round(1000 * percentile(v, p), 1)  # type: ignore[operator]
                                          for q, p in (("p50", .5), ("p95", .95), ("p99", .99))}
                                   for kind, v in sorted(latencies.items()) if v},
                    "statuses": dict(sorted(statuses.items())),
                    "pg_connections": connections(database),
                    "projection_lag": projection_lag(server.base_url, server.tokens["analyst"]),
                }
                sample["pg_connections_total"] = sum(sample["pg_connections"].values())
                record["samples"].append(sample)
                worst = {k: v["p99"] for k, v in sample["latency_ms"].items()}
                say(f"soak t={sample['t_seconds']:.0f}s req={sample['requests']} rss={sample['server_rss_mib']}MiB "
                    f"worker={sample['worker_rss_mib']}MiB pg={sample['pg_connections_total']} "
                    f"lag={sample['projection_lag']} p99ms={worst} non2xx="
                    f"{ {k: v for k, v in statuses.items() if not k.split(':')[1].startswith('2')} }")
            stop.set()
            for thread in threads:
                thread.join(RETRY_FOR_SECONDS + 30)
            record["server_errors_in_log"] = server.log().count("unexpected error")
            record["statuses_total"] = dict(sorted(log.total_statuses.items()))
            # Let the worker catch up before the replay compares the balances projection with the fold.
            deadline = time.monotonic() + 120
            while (projection_lag(server.base_url, server.tokens["analyst"]) or 0) > 0 \
                    and time.monotonic() < deadline:
                time.sleep(0.5)
            record["projection_lag_at_end"] = projection_lag(server.base_url, server.tokens["analyst"])
            with server.client("pos") as pos:
                served = {m: pos.get(f"/v1/members/{m}/balance").json() for m in member_ids}
        finally:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
            server_run.close()
        record["verdict"] = verdict(url, log, member_ids, served)
        record["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return record
    finally:
        name.parent.mkdir(parents=True, exist_ok=True)
        name.write_text(json.dumps(record, indent=2, default=str))
        say(f"soak figures: {name}")
        if not keep:
            drop_database(database)


def passed(record: dict[str, Any]) -> list[str]:
    """What is wrong with a finished soak (empty when it passed)."""
    v = record.get("verdict", {})
    wrong = []
    if "500" in record.get("statuses_total", {}) or record.get("server_errors_in_log"):
        wrong.append("a 500 was answered")
    if v.get("lost") or v.get("doubled"):
        wrong.append(f"lost {v.get('lost')} doubled {v.get('doubled')}")
    if v.get("balance_mismatch_count"):
        wrong.append(f"{v['balance_mismatch_count']} balances differ: {v['balance_mismatches'][:3]}")
    if v.get("audit_verify", {}).get("exit") != 0 or v.get("audit_replay", {}).get("exit") != 0:
        wrong.append(f"audit: {v.get('audit_verify')} {v.get('audit_replay')}")
    if not v.get("acknowledged_total"):
        wrong.append("nothing was acknowledged")
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "20")))
    parser.add_argument("--tills", type=int, default=int(os.environ.get("SOAK_TILLS", "8")))
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--think", type=float, default=0.05, help="seconds a till waits between commands")
    parser.add_argument("--interval", type=float, default=None, help="seconds between samples (default 60)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the soak's database afterwards")
    args = parser.parse_args()
    record = run(args.minutes, args.tills, args.members, args.think, args.interval, args.out, args.keep)
    print(json.dumps(record.get("verdict"), indent=2))
    wrong = passed(record)
    if wrong:
        print("SOAK FAILED: " + "; ".join(wrong))
        sys.exit(1)
    print("soak passed")


if __name__ == "__main__":
    main()
