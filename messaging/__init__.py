"""Outbound messages to members: Zalo ZNS, SMS brandname and email, each decided once and sent once.

`kinds` says which events deserve a message; `projection` writes them to the `outbox`; the `dispatcher`
sends them through `senders` under the `rules` of consent, quiet hours and caps; `templates` word them;
`reminders` add what no event causes (points about to expire, a coming downgrade). `send_otp` is the entry
point for one-time codes. See docs/messages.md.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from messaging.outbox import Outbox


def send_otp(outbox: Outbox, phone: str, code: str, *, request_key: str, member_id: UUID | None = None,
             now: datetime | None = None) -> UUID:
    """Queue a one-time code for `phone`; the dispatcher sends it at once (ZNS, else SMS).

    `request_key` names the login or verification request: asking again with the same key queues nothing
    new, so a retried request never sends two codes. Returns the message id (its delivery status is on
    `GET /v1/messages/{id}`). The phone is normalised as enrolment does (`0912…` and `+84912…` are one).
    """
    from loyalty_core.identifiers import normalise_phone
    from messaging.kinds import otp_draft

    if not code or not code.isdigit() or len(code) > 10:
        raise ValueError("a one-time code is 1 to 10 digits")
    draft = otp_draft(normalise_phone(phone), code, request_key, now or datetime.now(timezone.utc), member_id)
    outbox.add_now([draft])
    return draft.message_id
