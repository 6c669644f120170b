"""Webhooks: signed event deliveries to endpoints an admin registers, retried with backoff, logged.

Signing. Each delivery carries `Loyalty-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`
(the scheme Stripe made familiar). The receiver recomputes it with the endpoint's secret and rejects a
timestamp outside its tolerance window, so a captured request cannot be replayed later. `verify_signature`
is the reference implementation receivers (and our tests and examples) use.

Dispatching. `run_dispatcher` is a loop the worker runs. Each step reads the event log from its cursor,
adds one delivery row per matching (endpoint, event) and moves the cursor in the same transaction, so an
event is enqueued exactly once however often the worker restarts. It then sends the due deliveries. A
failed send is retried at once a couple of times for network blips (tenacity), then rescheduled with
exponential backoff in the table, so a receiver that is down for an hour is caught up when it returns, and
a dead one is given up on after `max_attempts`. Delivery is at least once: receivers dedupe by event id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from api import standard_webhooks, webhook_urls
from api.errors import ApiProblem
from api.eventdata import event_json, is_member_event, opened_text, sealed_data
from api.settings import ApiSettings
from api.tables import ApiTables, Row
from loyalty_core.commands import first_difference
from loyalty_core.ledger import LedgerStore

log = logging.getLogger("loyalty.webhooks")

SIGNATURE_HEADER = "Loyalty-Signature"
EVENT_ID_HEADER = "Loyalty-Event-Id"
DEFAULT_TOLERANCE_SECONDS = 300
CURSOR = "webhooks"
LEASE_SECONDS = 60.0


def new_secret() -> str:
    return standard_webhooks.new_secret()  # standard base64, so any Standard Webhooks library can verify


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, *, tolerance: int = DEFAULT_TOLERANCE_SECONDS,
                     now: float | None = None) -> bool:
    """True if `header` signs `body` with `secret` and its timestamp is within `tolerance` seconds of now."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, value) for key, value in
               (item.split("=", 1) for item in header.split(",")) if key == "v1")


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).isoformat()


@dataclass(frozen=True)
class Outcome:
    """What one send got: the receiver's HTTP status (None when there was no answer) or why it failed."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 10.0
    cap_seconds: float = 3600.0
    max_attempts: int = 12

    def delay(self, attempts: int) -> float:
        # Full jitter keeps many endpoints that failed together from retrying in lockstep.
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


class Dispatcher:
    def __init__(self, store: LedgerStore, tables: ApiTables, *, client: httpx.Client | None = None,
                 backoff: Backoff = Backoff(), timeout_seconds: float = 10.0,
                 clock: Callable[[], float] = time.time, batch: int = 500, allow_private: bool = False):
        self.allow_private = allow_private
        """Deliver to loopback, private and link-local addresses too (the admin setting)."""
        self.store = store
        self.tables = tables
        self.client = client or httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        self.backoff = backoff
        self.clock = clock
        self.batch = batch

    def step(self) -> tuple[int, int]:
        """Enqueue what is new in the log and send what is due; returns (enqueued, sent)."""
        return self.enqueue_new(), self.deliver_due()

    def _start(self, endpoints: list[Row]) -> int:
        position = self.tables.cursor_position(CURSOR)
        if position is not None:
            return position
        # First run: no endpoint wants events from before it was registered.
        return min((e["start_after"] for e in endpoints), default=self.store.max_notification_id())

    def enqueue_new(self) -> int:
        endpoints = self.tables.list_webhooks(active_only=True)
        after = self._start(endpoints)
        page = self.store.notifications(after + 1, self.batch)
        if not page:
            return 0
        deliveries = []
        now = self.clock()
        for notification in page:
            event = self.store.decode(notification)
            if not is_member_event(event):
                continue
            for endpoint in endpoints:
                if _wants(endpoint, notification.id, event):
                    deliveries.append(_delivery(endpoint, notification.id, event, now))
        self.tables.enqueue(CURSOR, deliveries, page[-1].id)
        return len(deliveries)

    def deliver_due(self, limit: int = 100) -> int:
        due = self.tables.claim_due(self.clock(), LEASE_SECONDS, limit)
        secrets_by_hook = {e["webhook_id"]: e for e in self.tables.list_webhooks()} if due else {}
        for delivery in due:
            endpoint = secrets_by_hook.get(delivery["webhook_id"])
            if endpoint is None or endpoint["disabled_at"] is not None:
                self.tables.record_attempt(
                    delivery["delivery_id"], status="cancelled", attempts=delivery["attempts"],
                    next_attempt_at=self.clock(), last_status=None, last_error="endpoint disabled",
                    delivered_at=None)
                continue
            self._send(endpoint, delivery)
        return len(due)

    def attempt(self, endpoint: Row, message_id: str, body: bytes) -> Outcome:
        """Send `body` to the endpoint once, signed, as `message_id` (quick retries for connection blips
        only), checked and pinned like every delivery. Writes nothing: callers record the outcome."""
        started = time.monotonic()
        status_code, error = None, None
        try:
            # Checked again at each delivery (the name may resolve elsewhere now), and sent to that address.
            target = webhook_urls.pinned(endpoint["url"], allow_private=self.allow_private)
            if isinstance(target, str):
                raise httpx.RequestError(f"not delivered: {target}")
            status_code = self._post(endpoint, message_id, body, target).status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        return Outcome(status_code, error, round((time.monotonic() - started) * 1000))

    def _send(self, endpoint: Row, delivery: Row) -> None:
        attempts = delivery["attempts"] + 1
        outcome = self.attempt(endpoint, delivery["delivery_id"], opened_text(delivery["payload"]).encode())
        if outcome.delivered:
            self.tables.record_attempt(
                delivery["delivery_id"],
                status="delivered",
                attempts=attempts,
                next_attempt_at=self.clock(),
                last_status=outcome.status_code,
                last_error=None,
                delivered_at=_iso(self.clock()),
            )
            return
        gave_up = attempts >= self.backoff.max_attempts
        log.warning(
            "webhook %s delivery %s failed (%s), attempt %d%s",
            endpoint["webhook_id"],
            delivery["delivery_id"],
            outcome.error,
            attempts,
            ", giving up" if gave_up else "",
        )
        self.tables.record_attempt(
            delivery["delivery_id"],
            status="failed" if gave_up else "pending",
            attempts=attempts,
            next_attempt_at=self.clock() + self.backoff.delay(attempts),
            last_status=outcome.status_code,
            last_error=outcome.error,
            delivered_at=None,
        )

    def _post(self, endpoint: Row, message_id: str, body: bytes, target: webhook_urls.Target) -> httpx.Response:
        # Quick retries for connection blips only; a receiver's own error answer waits for the backoff.
        for attempt in Retrying(
            stop=stop_after_attempt(3),
            wait=wait_exponential(multiplier=0.2, max=2),
            retry=retry_if_exception_type(httpx.TransportError),
            reraise=True,
        ):
            with attempt:
                now = int(self.clock())
                signing = standard_webhooks.SecretRotations.of(self.tables).active_secrets(endpoint, now)
                headers = {
                    "Content-Type": "application/json",
                    EVENT_ID_HEADER: message_id,
                    SIGNATURE_HEADER: sign(endpoint["secret"], body, now),
                    **standard_webhooks.standard_headers(signing, message_id, now, body),
                    "User-Agent": "loyalty-webhooks/1",
                    **target.headers,
                }
                return self.client.post(target.url, content=body, headers=headers,
                                        extensions=target.extensions or None)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.client.close()


def _wants(endpoint: Row, notification_id: int, event: Any) -> bool:
    if notification_id <= endpoint["start_after"]:
        return False
    if endpoint["event_types"] and type(event).__name__ not in endpoint["event_types"]:
        return False
    return not endpoint["store_ids"] or event.store_id in endpoint["store_ids"]


def _delivery(endpoint: Row, notification_id: int, event: Any, now: float) -> Row:
    payload = {**sealed_data(event, event_json(event)), "position": notification_id}
    return {
        "delivery_id": f"{endpoint['webhook_id']}:{notification_id}",
        "webhook_id": endpoint["webhook_id"],
        "notification_id": notification_id,
        "event_type": type(event).__name__,
        "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        "next_attempt_at": now,
        "created_at": _iso(now),
    }


def run_dispatcher(
    store: LedgerStore,
    tables: ApiTables,
    settings: ApiSettings | None = None,
    *,
    stop: threading.Event | None = None,
    client: httpx.Client | None = None,
    clock: Callable[[], float] = time.time,
    max_steps: int | None = None,
    heartbeat: Callable[[], None] | None = None,
    metrics: Any = None,
) -> None:
    """Deliver webhooks until `stop` is set (or for `max_steps` steps). Safe to run in several workers.
    `metrics` (projections.process_metrics.LoopMetrics) counts steps, deliveries and failed steps.

    `heartbeat` is called after every step that did not fail, so a container health check can tell a
    live loop from a stuck one.
    """
    settings = settings or ApiSettings()
    stop = stop or threading.Event()
    dispatcher = Dispatcher(
        store,
        tables,
        client=client,
        clock=clock,
        backoff=Backoff(
            settings.webhook_backoff_seconds,
            settings.webhook_backoff_cap_seconds,
            settings.webhook_max_attempts,
        ),
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_private=settings.webhook_allow_private,
    )
    steps = 0
    try:
        while not stop.is_set() and (max_steps is None or steps < max_steps):
            steps += 1
            try:
                enqueued, sent = dispatcher.step()
                if heartbeat is not None:
                    heartbeat()
                if metrics is not None:
                    metrics.step(sent)
            except Exception:  # noqa: BLE001 - a worker loop must survive a bad step; the next one retries
                log.exception("webhook dispatcher step failed")
                if metrics is not None:
                    metrics.failed()
                enqueued = sent = 0
            if not enqueued and not sent:
                stop.wait(settings.webhook_poll_seconds)
    finally:
        if client is None:
            dispatcher.close()


# --- registration (the admin routes call these) ------------------------------------------------------


def register_endpoint(
    tables: ApiTables, store: LedgerStore, *, request: dict[str, Any], created_by: str, idempotency_key: str,
    allow_private: bool = False,
) -> tuple[Row, bool]:
    """Register an endpoint once per idempotency key; returns (endpoint, replayed).

    A retry with the same key and body gets the first answer (with the same secret); another body with
    the same key is refused, naming the first field that differs. A URL that points at a non-public
    address is refused unless `allow_private` (api/webhook_urls.py).
    """
    webhook_urls.check(request["url"], allow_private=allow_private)
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"))
    webhook_id = "wh_" + secrets.token_hex(8)
    row = tables.insert_webhook(
        {
            "webhook_id": webhook_id,
            "url": request["url"],
            "secret": new_secret(),
            "event_types": request.get("event_types") or [],
            "store_ids": request.get("store_ids") or [],
            "start_after": store.max_notification_id(),
            "created_by": created_by,
            "created_at": _iso(time.time()),
            "idempotency_scope": created_by,
            "idempotency_key": idempotency_key,
            "request": canonical,
        }
    )
    if row["request"] != canonical:
        differs = first_difference(json.loads(row["request"]), request)
        raise ApiProblem(
            422,
            "idempotency_key_reused",
            f"this Idempotency-Key was used for a different request (first difference: {differs})",
            field=differs,
        )
    return row, row["webhook_id"] != webhook_id
