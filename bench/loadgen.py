"""HTTP load generator (asyncio; a minimal raw HTTP/1.1 client or httpx), run as its own process next to the server under test.

    python -m bench.loadgen --url http://127.0.0.1:8765 --concurrency 32 --seconds 10 \
        --scenario purchases|balance --api-key KEY [--processes 2] [--members 10000]
        [--member-ids-file ids.txt] [--store-id HCM-01]

``--client raw`` (default) or ``--client httpx``: see ``--help``; measure both with the stub server
(``--stub-server PORT``), which is what the ``http/loadgen ceiling`` benchmark does.

Prints one JSON object: rps (successful requests per second), p50_ms/p99_ms/max_ms/mean_ms, ok, errors,
status_counts. Scenarios:

* ``purchases``: ``POST /v1/transactions`` with a fresh ``transaction_ref`` each time, sent also as
  ``Idempotency-Key``, the member also in ``X-Member-Id`` (the routable header); members chosen at random from ``--members`` ids made with ``--member-id-template``,
  or from the ids in ``--member-ids-file`` (one a line); the body names store ``--store-id``.
* ``balance``: ``GET /v1/members/{member_id}/balance``.

``--processes P`` runs P generator processes of ``--concurrency`` connections each and merges their samples
(one Python process tops out at a few thousand requests/s; watch its CPU, it shares the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import random
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from bench.harness import latency_summary

SCENARIOS = ("purchases", "balance")
DEFAULT_CLIENT = "raw"
DEFAULT_STORE = "HCM-001"
VN_TZ = timezone(timedelta(hours=7))


def member_id(i: int, template: str) -> str:
    return template.format(i=i)


def purchase_body(member: str, ref: str | None = None, store_id: str = DEFAULT_STORE) -> dict[str, Any]:
    ref = ref or f"bench-{uuid.uuid4()}"
    return {
        "transaction_ref": ref,
        "member": {"member_id": member},
        "channel": "pos",
        "store_id": store_id,
        "occurred_at": datetime.now(VN_TZ).isoformat(timespec="seconds"),
        "currency": "VND",
        "total": "125000",
        "lines": [{"sku": "CF-LATTE-L", "category": "coffee", "quantity": 1, "unit_price": "125000",
                   "amount": "125000"}],
    }


def build_request(scenario: str, member: str, api_key: str,
                  store_id: str = DEFAULT_STORE) -> tuple[str, str, dict[str, str], dict | None]:
    """(method, path, headers, json body) for one request of ``scenario``."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    if scenario == "purchases":
        body = purchase_body(member, store_id=store_id)
        # X-Member-Id: `loyalty serve --workers N` (or a proxy) routes the request to the member's owner process.
        return "POST", "/v1/transactions", {**headers, "Idempotency-Key": body["transaction_ref"],
                                            "X-Member-Id": member}, body
    if scenario == "balance":
        return "GET", f"/v1/members/{member}/balance", headers, None
    raise ValueError(f"unknown scenario {scenario!r}")


class RawHTTPConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (Content-Length and chunked responses).

    It exists because httpx costs several milliseconds of client CPU per request on a small machine, which
    caps the load generator below the server under test. Same requests, same measurements."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        return await asyncio.wait_for(self._request(method, path, headers, body), self.timeout)

    async def _request(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: */*"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b""))
        assert self.reader is not None
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            raise
        lines = raw.decode("latin-1").split("\r\n")
        code = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                fields[k.strip().lower()] = v.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                data = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(data[:-2])
            payload = b"".join(chunks)
        else:
            payload = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return code, payload


def load_member_ids(args: argparse.Namespace) -> list[str]:
    """``--member-ids-file`` (one id a line; at most ``--members`` of them) or ids from the template."""
    if getattr(args, "member_ids_file", None):
        with open(args.member_ids_file, encoding="utf-8") as f:
            ids = [line.strip() for line in f if line.strip()][:args.members]
        if not ids:
            raise ValueError(f"no member ids in {args.member_ids_file}")
        return ids
    return [member_id(i, args.member_id_template) for i in range(1, args.members + 1)]


async def _drive(args: argparse.Namespace, max_requests: int) -> dict[str, Any]:
    import httpx

    members = load_member_ids(args)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    first_error: list[str] = []
    sent = 0
    perf = time.perf_counter
    url = urlsplit(args.url)
    base_path = url.path.rstrip("/")
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    client = httpx.AsyncClient(base_url=args.url.rstrip("/"), limits=limits, timeout=args.timeout) \
        if args.client == "httpx" else None

    async def worker(deadline: float, record: bool) -> None:
        nonlocal sent
        raw = RawHTTPConnection(url.hostname or "127.0.0.1", url.port or 80, args.timeout) \
            if client is None else None
        try:
            while perf() < deadline and sent < max_requests:
                sent += 1
                method, path, headers, body = build_request(args.scenario, random.choice(members), args.api_key,
                                                            args.store_id)
                content = _dumps(body) if body is not None else None
                t0 = perf()
                text = b""
                try:
                    if client is not None:
                        if content is not None:
                            headers = {**headers, "Content-Type": "application/json"}
                        resp = await client.request(method, path, headers=headers, content=content)
                        code: int | str = resp.status_code
                        text = resp.content
                    else:
                        assert raw is not None
                        code, text = await raw.request(method, base_path + path, headers, content)
                except (httpx.HTTPError, OSError, asyncio.TimeoutError, asyncio.IncompleteReadError,
                        ValueError) as exc:
                    code = type(exc).__name__
                    if not first_error:
                        first_error.append(f"{type(exc).__name__}: {exc}")
                    if raw is not None:
                        await raw.close()
                if not record:
                    continue
                statuses[str(code)] += 1
                if isinstance(code, int) and 200 <= code < 300:
                    latencies.append((perf() - t0) * 1000.0)
                elif not first_error:
                    first_error.append(f"HTTP {code}: {text[:200].decode('utf-8', 'replace')}")
        finally:
            if raw is not None:
                await raw.close()

    try:
        if args.warmup > 0:
            end = perf() + args.warmup
            await asyncio.gather(*(worker(end, False) for _ in range(args.concurrency)))
            sent = 0
        start = perf()
        await asyncio.gather(*(worker(start + args.seconds, True) for _ in range(args.concurrency)))
        elapsed = perf() - start
    finally:
        if client is not None:
            await client.aclose()
    return {"latencies": latencies, "statuses": dict(statuses), "elapsed_s": elapsed,
            "first_error": first_error[0] if first_error else ""}


def _dumps(body: dict[str, Any]) -> bytes:
    try:
        import orjson

        return orjson.dumps(body)
    except ImportError:
        return json.dumps(body).encode()


def _run_async(coro: Any) -> Any:
    """asyncio.run on uvloop when it is installed (it comes with uvicorn[standard]): less client CPU."""
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


def _child(args: argparse.Namespace, max_requests: int, queue: Any) -> None:
    try:
        queue.put(_run_async(_drive(args, max_requests)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        queue.put({"fatal": f"{type(exc).__name__}: {exc}"})


def run(args: argparse.Namespace) -> dict[str, Any]:
    per_process_max = max(1, args.max_requests // args.processes)
    if args.processes == 1:
        parts = [_run_async(_drive(args, per_process_max))]
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
        "scenario": args.scenario, "client": args.client, "url": args.url, "concurrency": args.concurrency,
        "processes": args.processes,
        "seconds": args.seconds, "elapsed_s": elapsed, "requests": total, "ok": ok, "errors": total - ok,
        "status_counts": dict(statuses), "rps": ok / elapsed if elapsed > 0 else 0.0,
        "p50_ms": summary["p50_ms"], "p99_ms": summary["p99_ms"], "max_ms": summary["max_ms"],
        "mean_ms": summary["mean_ms"], "first_error": next((p["first_error"] for p in parts if p["first_error"]), ""),
    }


async def _stub_server(port: int) -> None:
    """Answer every request with 200 ``{}``: measures what the load generator itself can drive."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="base URL, e.g. http://127.0.0.1:8765")
    p.add_argument("--scenario", choices=SCENARIOS)
    p.add_argument("--concurrency", type=int, default=32, help="connections (and in-flight requests) per process")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--api-key", default="")
    p.add_argument("--processes", type=int, default=1)
    p.add_argument("--members", type=int, default=10_000)
    p.add_argument("--member-id-template", default="bench-{i:06d}", help="str.format template with {i} (1-based)")
    p.add_argument("--member-ids-file", default=None,
                   help="a file of member ids, one a line (instead of --member-id-template; at most --members)")
    p.add_argument("--store-id", default=DEFAULT_STORE, help="store_id in purchase bodies")
    p.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests in all")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of unrecorded requests first")
    p.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    p.add_argument("--client", choices=("raw", "httpx"), default=DEFAULT_CLIENT,
                   help="raw (default): a minimal asyncio-streams HTTP/1.1 keep-alive client; httpx: "
                        "httpx.AsyncClient, which costs several ms of client CPU per request on a small machine")
    p.add_argument("--stub-server", type=int, metavar="PORT",
                   help="instead of generating load, serve 200 {} on 127.0.0.1:PORT (to measure the generator)")
    args = p.parse_args(argv)
    if args.stub_server:
        return args
    if not args.url or not args.scenario:
        p.error("--url and --scenario are required")
    if args.concurrency < 1 or args.processes < 1 or args.seconds <= 0 or args.members < 1:
        p.error("--concurrency, --processes, --seconds and --members must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.stub_server:
        with contextlib.suppress(KeyboardInterrupt):
            _run_async(_stub_server(args.stub_server))
        return 0
    print(json.dumps(run(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
