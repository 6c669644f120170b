"""Signing in with a one-time code: six digits sent to the phone, short-lived, few tries, rate limited.

A code lives `OTP_SECONDS` (5 minutes) and dies after `MAX_ATTEMPTS` wrong tries; sending is limited per
phone (so nobody floods a stranger's phone) and per client address (so nobody walks through phone
numbers). The limits are in memory, per process (the `limits` library, as for API keys): they stop abuse
from one place, not a distributed attack, which the SMS gateway's own limits must catch.

Delivery is one function, `send(phone, text)`: `log_sender` (development) writes the code to the log;
the messages package plugs in Zalo ZNS or SMS senders with the same signature.
"""

from __future__ import annotations

import logging
import math
import secrets
import sys
import time
from typing import Callable

import limits
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from faces.member.store import MemberAppTables

OTP_SECONDS = 300
MAX_ATTEMPTS = 5
PER_PHONE = limits.parse("3/10minutes")
PER_ADDRESS = limits.parse("20/hour")

Sender = Callable[[str, str], None]
"""`send(phone_e164, text)`: deliver a message to the member's phone."""

log = logging.getLogger("loyalty.member_app.otp")


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
    return f"Ma xac thuc cua ban: {code}. Het han sau 5 phut. Khong chia se ma nay. / Your code: {code}"


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class OneTimeCodes:
    def __init__(self, tables: MemberAppTables, send: Sender = log_sender,
                 clock: Callable[[], float] = time.time):
        self.tables, self.send, self.clock = tables, send, clock
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def _hit(self, item: limits.RateLimitItem, *identifiers: str) -> None:
        if not self.limiter.hit(item, *identifiers):
            reset_at, _ = self.limiter.get_window_stats(item, *identifiers)
            raise RateLimited(max(1, math.ceil(reset_at - time.time())))

    def issue(self, phone: str, address: str) -> None:
        """Send a fresh code to `phone` (E.164), replacing any earlier one; RateLimited when too many."""
        self._hit(PER_ADDRESS, "otp-address", address)
        self._hit(PER_PHONE, "otp-phone", phone)
        code = f"{secrets.randbelow(10**6):06d}"
        self.tables.put_otp(phone, code, self.clock() + OTP_SECONDS)
        self.send(phone, otp_text(code))

    def check(self, phone: str, code: str) -> bool:
        code = code.strip() if isinstance(code, str) else ""
        if len(code) != 6 or not code.isdigit():
            self.tables.consume_otp(phone, "-", self.clock(), MAX_ATTEMPTS)  # counts as a try
            return False
        return self.tables.consume_otp(phone, code, self.clock(), MAX_ATTEMPTS)
