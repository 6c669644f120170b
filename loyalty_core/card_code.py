"""The rotating code on a member's digital card: RFC 6238 (TOTP) over a per-member secret.

A card shows `<member code><6 digits>`: the member code says who, the digits prove the phone showing it
holds the member's secret *now*. The digits are HOTP (RFC 4226: HMAC-SHA1, dynamic truncation) of the
number of 60-second steps since the Unix epoch, so a screenshot is useless a minute later. A verifier
accepts the current step and one step either side (a phone clock a little fast or slow), and tells an
expired code (one that was right a few minutes ago) from a wrong one, so the till can say which.

Why hand-written and not `pyotp`: loyalty_core imports only the standard library, and TOTP is twenty
lines of `hmac`; tests check it against RFC 6238's published vectors and against `pyotp` itself.

The per-member secret is never stored anywhere: it is derived as HMAC-SHA256(card key, member id + secret
id). The secret id is a random nonce recorded by `CardSecretIssued`, which is safe in the event log, the
event stream, webhooks and exports (useless without the card key); the card key is the service's own
(settings: `LOYALTY_CARD_KEY`, see `loyalty_core.presence`). Rotating or revoking the secret id (as
erasure does) makes every earlier code unverifiable for good.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

STEP_SECONDS = 60
DIGITS = 6
SKEW_STEPS = 1
"""Steps accepted either side of now: a phone clock up to a minute off still works."""
EXPIRED_LOOKBACK_STEPS = 15
"""How far back a code is still recognised as *expired* (rather than simply wrong)."""

_CARD_CODE = re.compile(r"^([A-Z][0-9A-Z]{8})([0-9]{6})$")


class CardCodeProblem(Exception):
    """Why a card code was not accepted: `kind` is `malformed`, `expired` or `invalid`."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Accepted:
    counter: int
    """The time step the code belongs to; a redemption burns it and every earlier one."""


def member_secret(card_key: bytes, member_id: UUID, secret_id: str) -> bytes:
    """The member's TOTP secret: derived, never stored (see the module docstring)."""
    return hmac.new(card_key, f"card/{member_id}/{secret_id}".encode(), hashlib.sha256).digest()


def counter_at(moment: datetime) -> int:
    """The TOTP time step of an instant (RFC 6238: T = floor((unix time - T0) / X), T0 = 0)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) // STEP_SECONDS


def seconds_left(moment: datetime) -> int:
    """Seconds until the code shown at `moment` is replaced by the next one (1..STEP_SECONDS)."""
    return STEP_SECONDS - int(moment.timestamp()) % STEP_SECONDS


def hotp(secret: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 HOTP: HMAC of the 8-byte counter, dynamically truncated to `digits` decimal digits."""
    mac = hmac.new(secret, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10 ** digits).zfill(digits)


def totp(secret: bytes, moment: datetime) -> str:
    return hotp(secret, counter_at(moment))


def card_code(member_code: str, secret: bytes, moment: datetime) -> str:
    """What the card shows at `moment`: the member code followed by the current six digits."""
    return f"{member_code}{totp(secret, moment)}"


def parse(code: str) -> tuple[str, str]:
    """(member code, digits) of a scanned card code; spaces and dashes a cashier types are ignored."""
    text = code.strip().upper().replace(" ", "").replace("-", "") if isinstance(code, str) else ""
    match = _CARD_CODE.match(text)
    if match is None:
        raise CardCodeProblem("malformed")
    return match.group(1), match.group(2)


def verify(secret: bytes, digits: str, moment: datetime) -> Accepted:
    """Accept `digits` if they are the code of now or one step either side; otherwise say why not.

    Every candidate is compared in constant time, and all of them are computed, so the time taken says
    nothing about which step matched.
    """
    now = counter_at(moment)
    matched = [c for c in range(now - SKEW_STEPS, now + SKEW_STEPS + 1)
               if hmac.compare_digest(hotp(secret, c), digits)]
    if matched:
        return Accepted(counter=max(matched))
    old = [c for c in range(now - EXPIRED_LOOKBACK_STEPS, now - SKEW_STEPS)
           if hmac.compare_digest(hotp(secret, c), digits)]
    raise CardCodeProblem("expired" if old else "invalid")
