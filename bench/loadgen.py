"""HTTP load generator (asyncio + httpx), run as its own process next to the server under test.

    python -m bench.loadgen --url http://127.0.0.1:8765 --concurrency 32 --seconds 10 \
        --scenario purchases|balance --api-key KEY [--processes 2] [--members 10000]

Prints one JSON object: rps (successful requests per second), p50_ms/p99_ms/max_ms/mean_ms, ok, errors,
status_counts. Scenarios:

* ``purchases``: ``POST /v1/transactions`` with a fresh ``transaction_ref`` each time, sent also as
  ``Idempotency-Key``; members chosen at random from ``--members`` ids made with ``--member-id-template``.
* ``balance``: ``GET /v1/members/{member_id}/balance``.

``--processes P`` runs P generator processes of ``--concurrency`` connections each and merges their samples
(one Python process tops out at a few thousand requests/s; watch its CPU, it shares the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from bench.harness import latency_summary

SCENARIOS = ("purchases", "balance")
VN_TZ = timezone(timedelta(hours=7))


def member_id(i: int, template: str) -> str:
    return template.format(i=i)


def purchase_body(member: str, ref: str | None = None) -> dict[str, Any]:
    ref = ref or f"bench-{uuid.uuid4()}"
    return {
        "transaction_ref": ref,
        "member": {"member_id": member},
        "channel": "pos",
        "store_id": "HCM-001",
        "occurred_at": datetime.now(VN_TZ).isoformat(timespec="seconds"),
        "currency": "VND",
        "total": "125000",
        "lines": [{"sku": "CF-LATTE-L", "category": "coffee", "quantity": 1, "unit_price": "125000",
                   "amount": "125000"}],
    }


def build_request(scenario: str, member: str, api_key: str) -> tuple[str, str, dict[str, str], dict | None]:
    """(method, path, headers, json body) for one request of ``scenario``."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    if scenario == "purchases":
        body = purchase_body(member)
        return "POST", "/v1/transactions", {**headers, "Idempotency-Key": body["transaction_ref"]}, body
    if scenario == "balance":
        return "GET", f"/v1/members/{member}/balance", headers, None
    raise ValueError(f"unknown scenario {scenario!r}")


async def _drive(args: argparse.Namespace, max_requests: int) -> dict[str, Any]:
    import httpx

    members = [member_id(i, args.member_id_template) for i in range(1, args.members + 1)]
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    first_error: list[str] = []
    sent = 0
    perf = time.perf_counter

    async with httpx.AsyncClient(base_url=args.url.rstrip("/"), limits=limits, timeout=args.timeout) as client:

        async def worker(deadline: float, record: bool) -> None:
            nonlocal sent
            while perf() < deadline and sent < max_requests:
                sent += 1
                method, path, headers, body = build_request(args.scenario, random.choice(members), args.api_key)
                t0 = perf()
                try:
                    resp = await client.request(method, path, headers=headers, json=body)
                    code = resp.status_code
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                    if not first_error:
                        first_error.append(f"{type(exc).__name__}: {exc}")
                if not record:
                    continue
                statuses[str(code)] += 1
                if isinstance(code, int) and 200 <= code < 300:
                    latencies.append((perf() - t0) * 1000.0)
                elif not first_error:
                    first_error.append(f"HTTP {code}: {resp.text[:200]}")

        if args.warmup > 0:
            end = perf() + args.warmup
            await asyncio.gather(*(worker(end, False) for _ in range(args.concurrency)))
            sent = 0
        start = perf()
        await asyncio.gather(*(worker(start + args.seconds, True) for _ in range(args.concurrency)))
        elapsed = perf() - start
    return {"latencies": latencies, "statuses": dict(statuses), "elapsed_s": elapsed,
            "first_error": first_error[0] if first_error else ""}


def _child(args: argparse.Namespace, max_requests: int, queue: Any) -> None:
    try:
        queue.put(asyncio.run(_drive(args, max_requests)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        queue.put({"fatal": f"{type(exc).__name__}: {exc}"})


def run(args: argparse.Namespace) -> dict[str, Any]:
    per_process_max = max(1, args.max_requests // args.processes)
    if args.processes == 1:
        parts = [asyncio.run(_drive(args, per_process_max))]
    else:
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        procs = [ctx.Process(target=_child, args=(args, per_process_max, queue), daemon=True)
                 for _ in range(args.processes)]
        for p in procs:
            p.start()
        parts = [queue.get(timeout=args.seconds + args.warmup + 60) for _ in procs]
        for p in procs:
            p.join(timeout=10)
        fatal = [p["fatal"] for p in parts if "fatal" in p]
        if fatal:
            raise RuntimeError(fatal[0])
    latencies = [x for p in parts for x in p["latencies"]]
    statuses: Counter[str] = Counter()
    for p in parts:
        statuses.update(p["statuses"])
    elapsed = max(p["elapsed_s"] for p in parts)
    summary = latency_summary(latencies)
    ok = len(latencies)
    total = sum(statuses.values())
    return {
        "scenario": args.scenario, "url": args.url, "concurrency": args.concurrency, "processes": args.processes,
        "seconds": args.seconds, "elapsed_s": elapsed, "requests": total, "ok": ok, "errors": total - ok,
        "status_counts": dict(statuses), "rps": ok / elapsed if elapsed > 0 else 0.0,
        "p50_ms": summary["p50_ms"], "p99_ms": summary["p99_ms"], "max_ms": summary["max_ms"],
        "mean_ms": summary["mean_ms"], "first_error": next((p["first_error"] for p in parts if p["first_error"]), ""),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="base URL, e.g. http://127.0.0.1:8765")
    p.add_argument("--scenario", choices=SCENARIOS, required=True)
    p.add_argument("--concurrency", type=int, default=32, help="connections (and in-flight requests) per process")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--api-key", default="")
    p.add_argument("--processes", type=int, default=1)
    p.add_argument("--members", type=int, default=10_000)
    p.add_argument("--member-id-template", default="bench-{i:06d}", help="str.format template with {i} (1-based)")
    p.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests in all")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of unrecorded requests first")
    p.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    args = p.parse_args(argv)
    if args.concurrency < 1 or args.processes < 1 or args.seconds <= 0 or args.members < 1:
        p.error("--concurrency, --processes, --seconds and --members must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    print(json.dumps(run(parse_args(argv))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
