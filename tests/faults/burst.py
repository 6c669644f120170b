"""What the store-fault tests share: sales sent all at once to a real server, each answer logged with its
time, and the proof read back from the store afterwards (each sale stored exactly once, versions
contiguous, the served balance the fold of the stored events, the audit's seal walk clean)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx

from loyalty_core.results import Balance
from loyalty_core.settings import Settings
from tests.faults.test_postgres_crash import _stored


@dataclass
class Answer:
    ref: str
    status: int | str
    seconds: float
    code: str | None = None
    retry_after: str | None = None
    replayed: bool = False
    body: dict[str, Any] | None = None


def sale(ref: str, member_id: str, price: int = 55_000) -> dict[str, Any]:
    return {"transaction_ref": ref, "member": {"member_id": member_id}, "store_id": "HCM-01", "currency": "VND",
            "total": str(price), "lines": [{"sku": "CF-SUA-DA", "category": "coffee", "quantity": 1,
                                            "unit_price": str(price), "amount": str(price)}]}


def send(base_url: str, token: str, body: dict[str, Any], timeout: float = 60) -> Answer:
    started = time.monotonic()
    try:
        response = httpx.post(f"{base_url}/v1/transactions", json=body, timeout=timeout,
                              headers={"Authorization": f"Bearer {token}",
                                       "Idempotency-Key": body["transaction_ref"]})
    except httpx.HTTPError as exc:
        return Answer(body["transaction_ref"], type(exc).__name__, time.monotonic() - started)
    parsed = response.json() if response.headers.get("content-type", "").endswith("json") else None
    return Answer(body["transaction_ref"], response.status_code, time.monotonic() - started,
                  code=(parsed or {}).get("code") if response.status_code >= 400 else None,
                  retry_after=response.headers.get("Retry-After"),
                  replayed=response.headers.get("Idempotent-Replayed") == "true",
                  body=parsed if response.status_code < 300 else None)


def burst(base_url: str, token: str, bodies: list[dict[str, Any]]) -> list[Answer]:
    """Every sale at once, one thread each; the answers in the order of `bodies`."""
    answers: list[Answer | None] = [None] * len(bodies)

    def one(i: int) -> None:
        answers[i] = send(base_url, token, bodies[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(a is not None for a in answers), "a request never came back"
    return answers  # type: ignore[return-value]


def outcomes(answers: list[Answer]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter(f"{a.status}" + (f" {a.code}" if a.code else "")
                                                 for a in answers).items())}


def proof(url: str, member_ids: list[str], acked: dict[str, dict[str, Any]],
          served: dict[str, dict[str, Any]], start_points: dict[str, int] | None = None) -> dict[str, Any]:
    """The store after the fault: every acknowledged sale once, nothing else, and balances that add up."""
    from projections.audit_run import verify_store

    stored = _stored(url, member_ids)
    found = Counter(ref for member in stored.values() for ref in member["sales"])
    earned: Counter = Counter()
    for answer in acked.values():
        earned[str(answer["member_id"])] += answer["points_earned"]
    wrong_balances = []
    for member_id in member_ids:
        versions, folded = stored[member_id]["versions"], stored[member_id]["folded"]
        balance = Balance.of(folded)
        if versions != list(range(1, len(versions) + 1)) \
                or (served[member_id]["available"], served[member_id]["pending"]) != (balance.available,
                                                                                      balance.pending) \
                or balance.available + balance.pending != earned[member_id] + (start_points or {}).get(member_id, 0):
            wrong_balances.append(member_id)
    verified = verify_store(Settings(database_url=url))
    return {"acknowledged": len(acked), "found_after": sum(1 for ref in acked if found[ref] >= 1),
            "lost": sum(1 for ref in acked if found[ref] == 0), "doubled": sum(1 for n in found.values() if n > 1),
            "stored_not_acknowledged": len(set(found) - set(acked)), "balances_wrong": len(wrong_balances),
            "audit_verify_ok": verified.ok, "audit_checked": verified.checked}



def enroll(base_url: str, token: str, phones: list[str]) -> list[str]:
    ids = []
    with httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        for phone in phones:
            answer = http.post("/v1/members", json={"phone": phone}, headers={"Idempotency-Key": phone})
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["member_id"])
    return ids


def balances(base_url: str, token: str, member_ids: list[str]) -> dict[str, dict[str, Any]]:
    with httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        return {m: http.get(f"/v1/members/{m}/balance").json() for m in member_ids}
