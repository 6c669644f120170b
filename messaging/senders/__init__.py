"""Senders: one client per provider, each answering a send with one of three outcomes.

`SENT` (the provider took it; its id and the cost are kept), `RETRY` (a transient failure: again later),
`REFUSED` (this channel can never carry this message: no Zalo account, a number the gateway rejects; the
next channel in the program's order is tried). A result is `ambiguous` when the provider may have taken the
message although we did not hear so (a timeout, a 5xx, an answer we cannot read): such a message stays on
its channel, resent there with the same message id for the provider to dedupe, and never moves to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from messaging.templates import Rendered

SENT, RETRY, REFUSED = "sent", "retry", "refused"


@dataclass(frozen=True)
class Outgoing:
    message_id: str
    recipient: str
    """E.164 phone (+84…) for ZNS and SMS, an address for email."""
    rendered: Rendered
    purpose: str


@dataclass(frozen=True)
class SendResult:
    outcome: str
    detail: str = ""
    provider_id: str | None = None
    cost_vnd: Decimal = Decimal(0)
    ambiguous: bool = False
    """The provider may have taken it (timeout, 5xx, unreadable answer)."""


class Sender(Protocol):
    channel: str
    needs: str
    """"phone" or "email": which contact this channel sends to."""

    def send(self, outgoing: Outgoing) -> SendResult: ...

    def close(self) -> None: ...
