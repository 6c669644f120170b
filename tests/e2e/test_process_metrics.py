"""The worker and the dispatchers export Prometheus metrics on LOYALTY_METRICS_PORT (real processes, both
stores): projection lag and position, batch sizes, steps, failures, dead letters, the outbox by status."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from projections.process_metrics import LoopMetrics, serve_metrics
from tests.e2e.conftest import REPO, free_port, new_phone


def _value(text: str, sample: str) -> float | None:
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


def _scrape_until(port: int, ready: "callable", process: subprocess.Popen[bytes], log: str) -> str:
    deadline = time.monotonic() + 60
    text = ""
    while time.monotonic() < deadline:
        assert process.poll() is None, open(log, errors="replace").read()
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            if ready(text):
                return text
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"metrics never ready:\n{text[-3000:]}\n{open(log, errors='replace').read()[-2000:]}")


def test_the_worker_and_the_dispatchers_serve_their_metrics(database_url: str, tmp_path: object) -> None:
    runtime = open_runtime(Settings(database_url=database_url))
    try:
        runtime.service.policy.install_demo(runtime.service.clock())
        for _ in range(3):
            runtime.service.execute(c.EnrollMember(idempotency_key=uuid.uuid4().hex, phone=new_phone()))
    finally:
        runtime.close()
    started = []
    try:
        for role, args in (("worker", ["worker", "--poll-interval", "0.2"]), ("webhooks", ["webhooks", "run"]),
                           ("messages", ["messages", "run"])):
            port, log = free_port(), f"{tmp_path}/{role}.log"
            env = {**os.environ, "LOYALTY_DATABASE_URL": database_url, "LOYALTY_METRICS_PORT": str(port),
                   "LOYALTY_WEBHOOK_POLL_SECONDS": "0.2"}
            with open(log, "wb") as out:
                process = subprocess.Popen([sys.executable, "-m", "loyalty_cli.main", *args], env=env, cwd=REPO,
                                           stdout=out, stderr=subprocess.STDOUT)
            started.append((role, port, process, log))
        role, port, process, log = started[0]
        text = _scrape_until(port, lambda t: (_value(t, 'loyalty_loop_handled_total{process="worker"}') or 0) > 0
                             and _value(t, 'loyalty_projection_lag{projection="balances"}') == 0, process, log)
        assert (_value(text, 'loyalty_projection_position{projection="balances"}') or 0) > 0
        assert _value(text, 'loyalty_loop_batch_size_count{process="worker"}') >= 1
        assert _value(text, 'loyalty_loop_failures_total{process="worker"}') in (None, 0.0)
        assert "loyalty_projection_conflicts_total" in text
        assert "# TYPE loyalty_projection_dead_letters_pending gauge" in text
        for role, port, process, log in started[1:]:
            text = _scrape_until(port, lambda t, r=role: (_value(t, f'loyalty_loop_steps_total{{process="{r}"}}')
                                                          or 0) >= 1, process, log)
            assert "process_resident_memory_bytes" in text
        assert "# TYPE loyalty_messages gauge" in text
    finally:
        for _, _, process, _ in started:
            process.terminate()
        for _, _, process, _ in started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_failed_step_is_counted_and_a_bad_port_refused() -> None:
    metrics = LoopMetrics("worker")
    metrics.failed()
    metrics.step(0)
    metrics.step(7)
    from prometheus_client import generate_latest

    text = generate_latest(metrics.registry).decode()
    assert _value(text, 'loyalty_loop_failures_total{process="worker"}') == 1.0
    assert _value(text, 'loyalty_loop_steps_total{process="worker"}') == 2.0
    assert _value(text, 'loyalty_loop_batch_size_count{process="worker"}') == 1.0
    assert serve_metrics(metrics, {}) is None
    for bad in ("http", "70000"):
        with pytest.raises(ValueError, match="LOYALTY_METRICS_PORT"):
            serve_metrics(metrics, {"LOYALTY_METRICS_PORT": bad})
