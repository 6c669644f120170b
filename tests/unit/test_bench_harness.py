"""Cheap tests of the benchmark harness: no PostgreSQL, no pgbench, no server."""

from __future__ import annotations

import json
import threading

import pytest

from bench import report
from bench.baselines import multi_row_script, parse_pgbench_log_latencies, parse_pgbench_output, single_row_script
from bench.harness import Benchmark, Row, database_name, latency_summary, percentile, run_concurrent
from bench.loadgen import build_request, parse_args
from bench.run import select

PGBENCH_15 = """\
pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: /tmp/bench-x/script-32.sql
scaling factor: 1
query mode: prepared
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 54321
number of failed transactions: 0 (0.000%)
latency average = 5.891 ms
initial connection time = 21.334 ms
tps = 5432.123456 (without initial connection time)
"""

PGBENCH_13 = """\
number of clients: 1
duration: 10 s
number of transactions actually processed: 39000
latency average = 0.256 ms
latency stddev = 0.101 ms
tps = 3900.5 (including connections establishing)
tps = 3901.25 (excluding connections establishing)
"""


def test_parse_pgbench_15_output() -> None:
    s = parse_pgbench_output(PGBENCH_15)
    assert s["tps"] == pytest.approx(5432.123456)
    assert s["latency_avg_ms"] == pytest.approx(5.891)
    assert s["transactions"] == 54321
    assert s["failed"] == 0
    assert s["clients"] == 32
    assert s["duration_s"] == 10


def test_parse_pgbench_older_output_takes_the_tps_without_connections() -> None:
    s = parse_pgbench_output(PGBENCH_13)
    assert s["tps"] == pytest.approx(3901.25)
    assert s["latency_stddev_ms"] == pytest.approx(0.101)


def test_parse_pgbench_without_tps_line_raises() -> None:
    with pytest.raises(ValueError):
        parse_pgbench_output("pgbench: error: connection to server failed\n")


def test_parse_pgbench_log_latencies() -> None:
    lines = ["0 0 1234 0 1700000000 123456\n", "1 5 850 0 1700000000 223456\n", "2 7 failed 0 1700000000 1\n",
             "garbage\n"]
    assert parse_pgbench_log_latencies(lines) == [1.234, 0.85]


def test_scripts_insert_about_300_bytes() -> None:
    single = single_row_script()
    assert single.count("INSERT") == 1 and "gen_random_uuid()" in single
    payload = single.split("'\\x", 1)[1].split("'", 1)[0]
    assert len(bytes.fromhex(payload)) == 256
    assert multi_row_script(100).count("gen_random_uuid()") == 100


def test_percentile_nearest_rank() -> None:
    data = sorted(float(i) for i in range(1, 101))
    assert percentile(data, 50) == 50.0
    assert percentile(data, 99) == 99.0
    assert percentile(data, 100) == 100.0
    assert percentile(data, 0) == 1.0
    assert percentile([], 50) is None
    assert percentile([7.0], 99) == 7.0


def test_latency_summary() -> None:
    s = latency_summary([3.0, 1.0, 2.0, 10.0])
    assert s["p50_ms"] == 2.0 and s["p99_ms"] == 10.0 and s["max_ms"] == 10.0 and s["count"] == 4
    assert latency_summary([])["p50_ms"] is None


def test_run_concurrent_stops_at_max_ops_and_counts_errors() -> None:
    calls = []
    lock = threading.Lock()

    def fn() -> None:
        with lock:
            calls.append(1)
            n = len(calls)
        if n % 10 == 0:
            raise RuntimeError("boom")

    res = run_concurrent(fn, callers=4, duration_s=5.0, max_ops=200)
    assert res.ops + res.errors == 200
    assert res.errors == 20
    assert res.stopped_by == "max_ops"
    assert res.first_error.startswith("RuntimeError")
    assert res.p50_ms is not None and res.max_ms >= res.p99_ms >= res.p50_ms
    row = res.row("x", "g", "ops/s", tag="t")
    assert row.value == pytest.approx(res.throughput) and row.tag == "t" and "20 errors" in row.notes


def test_run_concurrent_stops_at_duration() -> None:
    res = run_concurrent(lambda: None, callers=2, duration_s=0.2, max_ops=10**9)
    assert res.stopped_by == "duration" and 0.15 < res.elapsed_s < 5 and res.ops > 0


def test_database_name_is_a_short_safe_identifier() -> None:
    name = database_name("baseline/pgbench single-row insert @32 clients, with a very long name indeed", 4242)
    assert name.startswith("bench_baseline_pgbench_single_row") and name.endswith("_4242")
    assert len(name) <= 63
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")


def test_select_keeps_the_reference_with_only() -> None:
    def noop(ctx):  # pragma: no cover - never called
        return None

    bs = [Benchmark("baseline", "pgbench @32", noop, reference=True), Benchmark("ledger", "purchases", noop),
          Benchmark("ledger", "slow one", noop, quick=False)]
    assert [b.name for b in select(bs, "purch", quick=False)] == ["pgbench @32", "purchases"]
    assert [b.name for b in select(bs, None, quick=True)] == ["pgbench @32", "purchases"]
    assert len(select(bs, None, quick=False)) == 3


ENV = {"date": "2025-01-01 00:00 UTC", "cpu_model": "Test CPU", "cpu_count": 2, "cpus_usable": 2,
       "memory": "8.0 GiB", "python": "3.11.9", "postgresql": "15.8", "eventsourcing": "9.5.6",
       "psycopg": "3.2 (binary)", "pg_settings": {"fsync": "on", "synchronous_commit": "on",
                                                   "shared_buffers": "128MB", "max_connections": "100"}}


def _rows() -> list[Row]:
    return [
        Row("pgbench single-row insert @32 clients", "baseline", "txn/s", 5000.0, 3.0, 12.0, 40.0,
            tag=report.REFERENCE_TAG),
        Row("mutable balances: purchases @32 threads", "baseline", "purchases/s", 1500.0, 20.0, 60.0, 90.0,
            tag=report.TAG_MUTABLE_32),
        Row("purchases in-process @32", "ledger", "purchases/s", 6000.0, 4.0, 20.0, 30.0,
            tag=report.TAG_INPROCESS_32),
        Row("one command per transaction @32", "ledger", "purchases/s", 700.0, tag=report.TAG_ONE_CMD_PER_TXN),
        Row("load a member with 10,000 events", "ledger", "ms", 7.5, tag=report.TAG_LOAD_10K),
        Row("http purchases | pipe", "http", "requests/s", 3000.0, 10.0, 80.0, 120.0, tag=report.TAG_HTTP_PURCHASES),
        Row("broken", "ledger", "", None, notes="error: boom"),
    ]


def test_targets_met_missed_and_not_measured() -> None:
    results = report.evaluate_targets(_rows())
    assert len(results) == len(report.TARGETS)
    statuses = [t.status for t in results]
    # in-process >= 1x pgbench (6000 vs 5000): MET; >= 10x one-command (6000 vs 7000): MISSED
    assert statuses[0] == "MET" and "1.20×" in results[0].measured
    assert statuses[1] == "MISSED" and "short by 1,000" in results[1].detail
    # HTTP: rate ok (3000 >= 2500) but p99 80 ms >= 50 ms: MISSED
    assert statuses[2] == "MISSED" and "p99 80.0 ms ≥ 50 ms" in results[2].detail
    assert statuses[3] == statuses[4] == statuses[5] == "not measured yet"
    assert statuses[6] == "MISSED" and "over by 2.50 ms" in results[6].detail  # 7.5 ms >= 5 ms
    assert statuses[7] == "MET"  # 6000 >= 1500
    assert statuses[8] == "not measured yet"  # no mutable-table HTTP row


def test_http_target_is_a_ratio_to_the_mutable_service_in_the_same_run() -> None:
    rows = _rows() + [Row("HTTP purchases mutable-table service @32", "http", "requests/s", 1200.0, 20.0, 45.0,
                          60.0, tag=report.TAG_HTTP_MUTABLE)]
    result = report.evaluate_targets(rows)[8]
    # 3000 >= 1.0 x 1200, but our p99 is 80 ms: MISSED, and the ratio is shown
    assert result.status == "MISSED" and "2.50× mutable HTTP@32" in result.measured
    assert "p99 80.0 ms ≥ 50 ms" in result.detail


def test_report_writer_keeps_notes_and_shows_ratios(tmp_path) -> None:
    md, js = tmp_path / "docs" / "benchmarks.md", tmp_path / "results" / "latest.json"
    report.write_report(_rows(), ENV, md_path=md, json_path=js, mode="quick", total_s=12.0)
    text = md.read_text()
    assert report.NOTES_START in text and report.NOTES_END in text
    assert "| group | benchmark | value | unit | ratio to pgbench single-row @32 | p50 | p99 | max | notes |" in text
    assert "| baseline | pgbench single-row insert @32 clients | 5,000 | txn/s | 1.00× | 3.00 ms | 12.0 ms |" in text
    assert "| ledger | purchases in-process @32 | 6,000 | purchases/s | 1.20× |" in text
    assert "| ledger | load a member with 10,000 events | 7.50 | ms | — |" in text  # not a rate: no ratio
    assert "http purchases \\| pipe" in text  # pipes escaped
    assert "`fsync=on`" in text and "Test CPU" in text and "eventsourcing 9.5.6" in text
    assert "**MISSED**" in text and "**MET**" in text and "not measured yet" in text

    hand = f"{report.NOTES_START}\nWe ran this on a noisy laptop.\n{report.NOTES_END}"
    md.write_text(text.replace(report.extract_notes(text), hand))
    report.write_report(_rows()[:1], ENV, md_path=md, json_path=js)
    text2 = md.read_text()
    assert "We ran this on a noisy laptop." in text2 and text2.count(report.NOTES_START) == 1
    assert "purchases in-process @32" not in text2

    data = json.loads(js.read_text())
    assert data["reference_value"] == 5000.0
    assert data["rows"][0]["ratio_to_reference"] == 1.0
    assert not list(md.parent.glob("*.tmp"))


def test_report_without_reference_has_no_ratios() -> None:
    rows = [Row("x", "ledger", "ops/s", 10.0)]
    text = report.render_markdown(rows, ENV, report.evaluate_targets(rows))
    assert "| ledger | x | 10.0 | ops/s | — |" in text and "not measured in this run" in text


def test_loadgen_requests_follow_the_api_contract() -> None:
    method, path, headers, body = build_request("purchases", "bench-000001", "KEY")
    assert (method, path) == ("POST", "/v1/transactions")
    assert headers == {"Authorization": "Bearer KEY", "Idempotency-Key": body["transaction_ref"],
                       "X-Member-Id": "bench-000001"}  # routable: `loyalty serve --workers N` sends it to its owner
    assert body["member"] == {"member_id": "bench-000001"}
    assert body["channel"] == "pos" and body["currency"] == "VND" and body["total"] == "125000"
    assert set(body) >= {"transaction_ref", "store_id", "occurred_at", "lines"}
    assert set(body["lines"][0]) == {"sku", "category", "quantity", "unit_price", "amount"}
    assert build_request("balance", "m1", "KEY")[:2] == ("GET", "/v1/members/m1/balance")
    args = parse_args(["--url", "http://x", "--scenario", "balance", "--concurrency", "4", "--seconds", "1"])
    assert args.concurrency == 4 and args.processes == 1


def test_raw_client_talks_to_the_stub_server() -> None:
    import asyncio

    from bench.harness import free_port
    from bench.loadgen import RawHTTPConnection, _stub_server

    async def scenario() -> list[tuple[int, bytes]]:
        port = free_port()
        server = asyncio.create_task(_stub_server(port))
        try:
            for _ in range(50):
                try:
                    conn = RawHTTPConnection("127.0.0.1", port, timeout=5)
                    out = [await conn.request("POST", "/v1/transactions", {"Idempotency-Key": "r"}, b'{"a": 1}'),
                           await conn.request("GET", "/v1/members/m1/balance", {}, None)]
                    await conn.close()
                    return out
                except OSError:
                    await asyncio.sleep(0.02)
            raise AssertionError("stub server did not start")
        finally:
            server.cancel()

    assert asyncio.run(scenario()) == [(200, b"{}"), (200, b"{}")]


def test_the_sealing_rows_run_before_the_long_run_due_and_import_benchmarks():
    """The run's budget skips whatever would start after it: the sealing cost, a target of the speed issue,
    must not wait behind the run-due index build (minutes) and the 100,000-row import (~7 minutes)."""
    from bench.harness import REGISTRY
    from bench.run import load_benchmark_modules

    load_benchmark_modules()
    groups = [b.key for b in select(REGISTRY, None, quick=False)]
    sealing = max(i for i, key in enumerate(groups) if "sealing cost" in key)
    assert sealing < min(i for i, key in enumerate(groups) if key.startswith(("scheduled/", "imports/")))
