"""SIGKILL of the API in the middle of a purchase load: a sale the server committed but never answered is
answered, on the till's retry with the same key, with the original result; nothing is stored twice.

Twenty tills push sales to `loyalty serve` (group commit, PostgreSQL). After a quarter are acknowledged the
server process is killed with SIGKILL (no shutdown of any kind), a new server is started on the same
store, and the tills retry every unanswered sale there. A retry answered `Idempotent-Replayed: true` is a
sale that was committed in the killed process between its write and its answer.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import start_server
from tests.faults.test_postgres_crash import MEMBERS, SALES_PER_TILL, TILLS, _sale, _stored

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "faults" / "api_sigkill.json"


class Tills:
    def __init__(self, target: dict[str, str], phones: list[str]):
        self.target, self.phones = target, phones
        self.answers: list[tuple[str, Any]] = []
        self.acked: dict[str, dict[str, Any]] = {}
        self.replayed_after_kill: set[str] = set()
        self.unanswered: set[str] = set()
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + 150

    def push(self, till: int) -> None:
        for n in range(SALES_PER_TILL):
            self._until_acknowledged(_sale(till, n, self.phones[(till + n) % MEMBERS]))

    def _until_acknowledged(self, sale: dict[str, Any]) -> None:
        ref = sale["transaction_ref"]
        while time.monotonic() < self.deadline:
            url, token = self.target["url"], self.target["token"]
            try:
                response = httpx.post(f"{url}/v1/transactions", json=sale, timeout=20,
                                      headers={"Authorization": f"Bearer {token}", "Idempotency-Key": ref})
            except httpx.HTTPError as exc:
                with self.lock:
                    self.answers.append((ref, type(exc).__name__))
                    self.unanswered.add(ref)
                time.sleep(0.2)
                continue
            with self.lock:
                self.answers.append((ref, response.status_code))
                if response.status_code in (200, 201):
                    self.acked.setdefault(ref, response.json())
                    if ref in self.unanswered and response.headers.get("Idempotent-Replayed") == "true":
                        self.replayed_after_kill.add(ref)
                    return
            time.sleep(0.2)


def test_sigkill_of_the_api_mid_load_loses_nothing_and_retries_get_the_original_answer(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOYALTY_POOL_SIZE", "8")
    first_run = start_server(postgres_url, tmp_path / "first")
    (tmp_path / "first").mkdir(exist_ok=True)
    first = next(first_run)
    second_run = None
    try:
        phones = [f"09{71000000 + i:08d}" for i in range(MEMBERS)]
        with first.client("pos") as pos:
            member_ids = [pos.post("/v1/members", json={"phone": p}, headers={"Idempotency-Key": p}).json()["member_id"]
                          for p in phones]
        target = {"url": first.base_url, "token": first.tokens["pos"]}
        tills = Tills(target, phones)
        threads = [threading.Thread(target=tills.push, args=(t,)) for t in range(TILLS)]
        for thread in threads:
            thread.start()
        while len(tills.acked) < TILLS * SALES_PER_TILL // 4 and time.monotonic() < tills.deadline:
            time.sleep(0.005)
        killed_at = len(tills.acked)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        (tmp_path / "second").mkdir()
        second_run = start_server(postgres_url, tmp_path / "second")
        second = next(second_run)
        target.update(url=second.base_url, token=second.tokens["pos"])
        for thread in threads:
            thread.join(180)

        stored = _stored(postgres_url, member_ids)
        stored_sales = Counter(ref for member in stored.values() for ref in member["sales"])
        outcomes = Counter(outcome for _, outcome in tills.answers)
        # Every acknowledged sale, asked again, answers what it answered the first time.
        with httpx.Client(base_url=second.base_url, timeout=20,
                          headers={"Authorization": f"Bearer {second.tokens['pos']}"}) as http:
            again = {}
            for till in range(0, TILLS, 4):
                sale = _sale(till, 0, phones[till % MEMBERS])
                again[sale["transaction_ref"]] = http.post("/v1/transactions", json=sale,
                                                           headers={"Idempotency-Key": sale["transaction_ref"]})
        record = {"sales": TILLS * SALES_PER_TILL, "acknowledged": len(tills.acked), "killed_at_acks": killed_at,
                  "outcomes": {str(k): v for k, v in sorted(outcomes.items(), key=str)},
                  "unanswered_then_retried": len(tills.unanswered),
                  "committed_before_the_kill_then_replayed": len(tills.replayed_after_kill),
                  "stored_once": sum(1 for v in stored_sales.values() if v == 1),
                  "stored_twice_or_more": sum(1 for v in stored_sales.values() if v > 1),
                  "acknowledged_missing": len(set(tills.acked) - set(stored_sales))}
        ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
        ARTIFACT.write_text(json.dumps(record, indent=2))
        print(json.dumps(record))

        assert 500 not in outcomes, record
        assert len(tills.acked) == TILLS * SALES_PER_TILL, record
        assert record["stored_twice_or_more"] == 0 and record["acknowledged_missing"] == 0, record
        assert set(stored_sales) == set(tills.acked), record
        assert tills.unanswered, f"the kill met no request in flight: {record}"
        for ref, response in again.items():
            assert response.status_code in (200, 201) and response.headers.get("Idempotent-Replayed") == "true"
            assert response.json()["points_earned"] == tills.acked[ref]["points_earned"], ref
        for member_id in member_ids:
            versions = stored[member_id]["versions"]
            assert versions == list(range(1, len(versions) + 1)), member_id
    finally:
        first_run.close()
        if second_run is not None:
            second_run.close()
