"""The till soak in miniature: one minute of mixed till traffic through a real `loyalty serve` and `loyalty
worker` on PostgreSQL (`make soak-till` runs it for 20 minutes, `SOAK_MINUTES` to change). Every
acknowledged command must be stored exactly once, every served balance must equal the fold of the stored
events and the tills' own sum of their answers, `audit verify` and `audit replay` must pass, no answer may be
a 500, and each sample must carry the figures the long run records (memory, latency percentiles per kind,
PostgreSQL connections, projection lag)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import _pg_available
from tests.faults.soak_till import ARTIFACTS, passed, run

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_a_minute_of_mixed_till_traffic_loses_nothing_and_records_its_figures(tmp_path: Path) -> None:
    problem = _pg_available()
    if problem:
        pytest.fail(f"the soak needs PostgreSQL: {problem}")
    record = run(minutes=1.0, tills=4, members=40, think=0.05, interval=15.0,
                 out=ARTIFACTS / "soak-1min.json", keep=False)
    assert passed(record) == [], record.get("verdict")
    verdict = record["verdict"]
    assert verdict["lost"] == 0 and verdict["doubled"] == 0
    assert verdict["found_after"] == verdict["acknowledged_total"] > 100, verdict
    assert set(verdict["acknowledged"]) >= {"purchase", "reserve", "capture", "redemption", "refund"}, verdict
    assert len(record["samples"]) == 4
    for sample in record["samples"]:
        assert sample["server_rss_mib"] > 0 and sample["pg_connections_total"] > 0, sample
        assert sample["projection_lag"] is not None, sample
        assert {"purchase", "balance"} <= set(sample["latency_ms"]), sample
    # The server holds at most its connection budget (ledger 8 + read 3 + tables 3 + in-flight 1) and the
    # worker its own.
    assert max(s["pg_connections_total"] for s in record["samples"]) <= 15 + 6
