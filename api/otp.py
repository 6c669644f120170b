"""One-time codes: six digits sent to a member's phone, short-lived, few tries, rate limited.

Two uses share this: signing in to the member app (the subject is the phone number) and proving at a
till that the member is present when they have no phone app to show (the subject is `presence/<member
id>`; see api/presence.py). A code lives `OTP_SECONDS` (5 minutes) and dies after `MAX_ATTEMPTS` wrong
tries or its first right one. Sending is limited per subject (nobody floods a stranger's phone) and per
client (nobody walks through phone numbers), on the counters every API process shares, as for API keys
(api/shared_state.py): they stop abuse from one place, and the SMS gateway's own limits catch the rest.

Nothing in `api_one_time_codes` (next to the API's other tables) names the phone: the subject is kept as its
keyed hash (`loyalty_core.privacy.lookup`, under the store's secret lookup key), and so is the code with its
subject; the rate limits count that hash too, so the shared counters (a PostgreSQL table, or Redis) never
hold a phone either (docs/privacy.md). Every check is one statement, so two tries racing can neither both
succeed nor both escape the count.

Delivery is one function, `send(phone, text)`: `log_sender` in development (LOYALTY_ENV=development)
writes the message to the log; otherwise `OutboxSender` puts it in the messages outbox, which `loyalty
messages run` delivers by Zalo ZNS or SMS. The outbox keeps the number sealed under the day's transient key
(messaging/outbox.py, api/transient_keys.py), so issuing a code notes that day's key for the daily sweep.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sys
import time
from collections.abc import Callable
from typing import Any

import limits

from api.transient_keys import transient_keys
from loyalty_core.privacy import lookup
from projections.schema import TABLES, Step, baseline, component
from projections.schema_runner import ensure, tables_target

OTP_SECONDS = 300
MAX_ATTEMPTS = 5
PER_SUBJECT = limits.parse("3/10minutes")
PER_ADDRESS = limits.parse("20/hour")

Sender = Callable[[str, str], None]
"""`send(phone_e164, text)`: deliver a message to the member's phone."""

log = logging.getLogger("loyalty.otp")

_DDL = """CREATE TABLE IF NOT EXISTS api_one_time_codes (
    subject TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    attempts INTEGER NOT NULL)"""
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("api_one_time_codes", TABLES, baseline(_DDL), Step(
    2, "codes are kept by the keyed hash of their subject: the previous release's rows (a phone as the subject, "
       "alive 5 minutes) are dropped", ("DELETE FROM api_one_time_codes",)))


def log_sender(phone: str, text: str) -> None:
    """Development delivery: the message goes to the log (the terminal of `make run`)."""
    if not log.handlers:  # uvicorn configures only its own loggers; make sure this line is seen
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    log.info("OTP to %s: %s", phone, text)


def otp_text(code: str) -> str:
    # Unaccented Vietnamese: one SMS segment on every gateway (accents switch SMS to UCS-2, 70 characters).
    return f"Ma xac thuc cua ban: {code}. Het han sau 5 phut. Khong chia se ma nay. / Your code: {code}"


def _keyed(kind: str, value: str) -> str:
    """The keyed hash of `value`: without an open store (pure unit tests) a plain SHA-256, never the value."""
    if lookup.installed():
        return lookup.digest(kind, value).hex()
    return hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()


def subject_key(subject: str) -> str:
    """How a subject (a phone, or `presence/<member id>`) is stored and counted."""
    return _keyed("otp-subject", subject)


def _digest(subject: str, code: str) -> str:
    # Keyed too: an unkeyed hash of phone and code could be searched through every phone and every code.
    return _keyed("otp-code", f"{subject}/{code}")


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class OneTimeCodes:
    def __init__(self, tables: Any, send: Sender = log_sender, clock: Callable[[], float] = time.time,
                 limiter: Any = None):
        # `_run` is ApiTables' one-statement transaction with `?` placeholders on both stores.
        self._run = tables._run
        ensure(tables_target(tables), SCHEMA)
        self.transient = transient_keys(tables)
        self.send, self.clock = send, clock
        from api.shared_state import local_state

        self.limiter = limiter or local_state().limiter

    def _hit(self, item: limits.RateLimitItem, *identifiers: str) -> None:
        if not self.limiter.hit(item, *identifiers):
            raise RateLimited(self.limiter.retry_after(item, *identifiers))

    def issue(self, subject: str, phone: str, address: str) -> None:
        """Send a fresh code for `subject` to `phone`, replacing any earlier one; RateLimited when too many."""
        key = subject_key(subject)
        self._hit(PER_ADDRESS, "otp-address", address)
        self._hit(PER_SUBJECT, "otp-subject", key)
        code = f"{secrets.randbelow(10**6):06d}"
        self._run("INSERT INTO api_one_time_codes (subject, code_hash, expires_at, attempts) VALUES (?, ?, ?, 0) "
                  "ON CONFLICT (subject) DO UPDATE SET code_hash = excluded.code_hash, "
                  "expires_at = excluded.expires_at, attempts = 0",
                  [key, _digest(subject, code), self.clock() + OTP_SECONDS])
        self.transient.note(self.transient.clock())  # the outbox seals the number under today's key
        self.send(phone, otp_text(code))

    def check(self, subject: str, code: str) -> bool:
        """True once for the right code in time; every try counts, and the code dies at MAX_ATTEMPTS."""
        code = code.strip() if isinstance(code, str) else ""
        if len(code) != 6 or not code.isdigit():
            code = "-"  # still counts as a try
        key = subject_key(subject)
        used = self._run("DELETE FROM api_one_time_codes WHERE subject = ? AND code_hash = ? AND expires_at > ? "
                         "AND attempts < ? RETURNING subject",
                         [key, _digest(subject, code), self.clock(), MAX_ATTEMPTS])
        if used:
            return True
        self._run("UPDATE api_one_time_codes SET attempts = attempts + 1 WHERE subject = ?", [key])
        return False

    def forget(self, subject: str) -> None:
        """Drop the code of `subject` (an erasure: the codes sent to the member's number, or for their presence)."""
        self._run("DELETE FROM api_one_time_codes WHERE subject = ?", [subject_key(subject)])


def one_time_codes(api: Any) -> OneTimeCodes:
    """The app's one code service (made on first use, kept on the API context): the member app's sign-in and
    the tills' presence codes share its table and its limits."""
    codes = getattr(api, "one_time_codes", None)
    if codes is None:
        development = getattr(getattr(api, "settings", None), "environment", "") == "development"
        send = log_sender if development else OutboxSender(api)
        # The same shared counters as the API's rate limits (api/shared_state.py), when the API has them.
        limiter = getattr(getattr(api, "limits", None), "limiter", None)
        codes = api.one_time_codes = OneTimeCodes(api.tables, send, limiter=limiter)
    return codes  # type: ignore[no-any-return]


class OutboxSender:
    """Outside development a code goes out as a message (ZNS, SMS) through the messages outbox, which the
    messages dispatcher sends (messaging/otp.py); the outbox is opened on the first code, on the read-side
    pool the API already has."""

    def __init__(self, api: Any):
        self.api = api
        self._send: Sender | None = None

    def __call__(self, phone: str, text: str) -> None:
        if self._send is None:
            from api.routes.stats import read_models_of
            from messaging.otp import OutboxCodeSender
            from messaging.outbox import Outbox

            box = getattr(self.api, "messages_outbox", None)
            if box is None:
                box = self.api.messages_outbox = Outbox(read_models_of(self.api).side.store).ensure()
            self._send = OutboxCodeSender(box)
        self._send(phone, text)
