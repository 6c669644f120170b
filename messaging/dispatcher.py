"""The dispatcher: takes due messages from the outbox and sends each on the first channel that may carry it.

For each claimed message: a send begun earlier and never recorded (the process died between the provider's
answer and our write) is repeated on the same channel with the same message id, which the provider dedupes;
otherwise the message is checked (still fresh, the member's daily cap), rendered, and offered to the
program's channels in order (ZNS, SMS, email). A channel is skipped when its sender is off, the member has
no contact for it or no consent for the purpose; marketing SMS waits for 07:00 and stops at 3 a day per
number. The channel is written to the row *before* the send, so a crash after it cannot move the message to
another channel and send it twice. A transient failure is retried on the same channel with backoff; after
`max_attempts` (or when every channel refused) the message is failed: the dead-letter list staff see.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from messaging import rules
from messaging.kinds import MARKETING, OTP
from messaging.outbox import Message, Outbox
from messaging.senders import REFUSED, RETRY, SENT, Outgoing, Sender
from messaging.templates import TemplateProblem, for_program, render

log = logging.getLogger("loyalty.messages")

NAMES = {"vi": "Quý khách", "en": "Valued member"}


@dataclass(frozen=True)
class Backoff:
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        ceiling = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        # Half fixed, half jitter: many messages failing together do not all come back at once.
        return ceiling / 2 + ceiling * (random.random() / 2)


@dataclass(frozen=True)
class Recipient:
    member: Any | None
    phone: str | None
    email: str | None
    program_code: str
    lang: str = "vi"


class Dispatcher:
    def __init__(self, outbox: Outbox, service: Any, senders: dict[str, Sender], *, per_member_daily_cap: int = 4,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), backoff: Backoff = Backoff(),
                 lease: timedelta = timedelta(minutes=2), batch: int = 50):
        self.outbox, self.service, self.senders = outbox, service, senders
        self.cap, self.clock, self.backoff, self.lease, self.batch = per_member_daily_cap, clock, backoff, lease, batch

    def step(self) -> int:
        """Claim and handle what is due; how many messages were handled."""
        claimed = self.outbox.claim(self.clock(), self.lease, self.batch)
        for message in claimed:
            try:
                self.handle(message)
            except Exception:  # noqa: BLE001 - one bad message must not stop the others; its lease lapses
                log.exception("message %s could not be handled; it will be retried", message.message_id)
        return len(claimed)

    def handle(self, message: Message) -> None:
        now = self.clock()
        if now > message.not_after:
            self.outbox.skip(message, "stale: its moment passed before it could be sent")
            return
        recipient = self.recipient(message)
        if recipient is None:
            self.outbox.skip(message, "member not found")
            return
        if message.channel:  # begun, and the provider may have it: finish it where it began
            self.send(message, message.channel, message.recipient or "", recipient, uncertain=True)
            return
        if message.purpose != OTP and message.member_id and \
                self.outbox.sent_to_member(message.member_id, now - rules.DAY) >= self.cap:
            self.outbox.skip(message, f"daily cap: {self.cap} messages in 24 hours")
            return
        self.route(message, recipient, now)

    def route(self, message: Message, recipient: Recipient, now: datetime) -> None:
        reasons: list[str] = []
        hold: datetime | None = None
        for channel in self.channels(message, recipient):
            sender = self.senders.get(channel)
            address = recipient.phone if channel != "email" else recipient.email
            why_not = self.why_not(message, recipient, channel, sender, address, now)
            if isinstance(why_not, datetime):
                hold = why_not if hold is None else min(hold, why_not)
                continue
            if why_not:
                reasons.append(f"{channel}: {why_not}")
                continue
            outcome = self.send(message, channel, address or "", recipient)
            if outcome != REFUSED:
                return
            message = self.outbox.get(message.message_id) or message
            reasons.append(f"{channel}: refused ({message.last_error})")
        if hold is not None:
            self.outbox.defer(message, hold, "quiet hours: marketing SMS waits for 07:00")
        elif any("refused" in r for r in reasons):
            self.outbox.record_retry(message, "; ".join(reasons), now, gave_up=True)
        else:
            self.outbox.skip(message, "; ".join(reasons) or "no channel")

    def channels(self, message: Message, recipient: Recipient) -> list[str]:
        order = list(for_program(recipient.program_code).channels)
        if message.purpose == OTP:  # a code goes to the phone it was asked for
            order = [c for c in order if c != "email"]
        return [c for c in order if c not in message.refused_by]

    def why_not(self, message: Message, recipient: Recipient, channel: str, sender: Sender | None,
                address: str | None, now: datetime) -> str | datetime | None:
        if sender is None:
            return "sender off"
        if not address:
            return "no contact"
        consent = recipient.member.consent if recipient.member is not None else {}
        if not rules.consents(consent, channel, message.purpose):
            return "no consent"
        if message.purpose == MARKETING:
            hold = rules.marketing_hold(channel, now)
            if hold is not None:
                return hold
            allowance = rules.marketing_allowance(channel)
            if allowance is not None and \
                    self.outbox.sent_to_recipient(address, channel, MARKETING, now - rules.DAY) >= allowance:
                return f"{allowance} marketing messages in 24 hours already"
        return None

    def send(self, message: Message, channel: str, address: str, recipient: Recipient,
             uncertain: bool = False) -> str:
        """Send on `channel`. `uncertain`: an earlier attempt there may have been delivered (a crash, a
        timeout), so this one repeats it, and a refusal now ends the message rather than moving it to
        another channel, which could deliver it twice."""
        sender = self.senders.get(channel)
        if sender is None:  # turned off since the send began: try again when it is back
            self.outbox.record_retry(message, f"{channel} sender is off", self.clock() + self.backoff.cap,
                                     gave_up=message.attempts + 1 >= self.backoff.max_attempts)
            return RETRY
        try:
            rendered = render(recipient.program_code, message.kind, recipient.lang, self.context(message, recipient),
                              marketing=message.purpose == MARKETING)
        except TemplateProblem as exc:
            self.outbox.record_retry(message, str(exc), self.clock(), gave_up=True)
            return RETRY
        if not self.outbox.begin_send(message, channel, address):
            return RETRY  # another dispatcher holds it now
        result = sender.send(Outgoing(message.message_id, address, rendered, message.purpose))
        self.after_send(message, result)
        now = self.clock()
        if result.outcome == SENT:
            self.outbox.record_sent(message, result.provider_id, result.cost_vnd, now)
            log.info("message %s (%s) sent by %s to %s", message.message_id, message.kind, channel, mask(address))
        elif result.outcome == REFUSED and uncertain:
            self.outbox.record_retry(message, f"{result.detail}; an earlier attempt on {channel} may have been "
                                     "delivered, so no other channel is tried: check before a retry", now, True)
            return RETRY
        elif result.outcome == REFUSED:
            self.outbox.record_refused(message, channel, result.detail)
        else:
            attempts = message.attempts + 1
            gave_up = attempts >= self.backoff.max_attempts
            self.outbox.record_retry(message, result.detail, now + self.backoff.delay(attempts), gave_up,
                                     keep_channel=uncertain or result.ambiguous)
            log.warning("message %s: %s (attempt %d%s)", message.message_id, result.detail, attempts,
                        ", giving up" if gave_up else "")
        return result.outcome

    def after_send(self, message: Message, result: Any) -> None:
        """Between the provider's answer and our record: where a crash hurts most (tests crash here)."""

    def recipient(self, message: Message) -> Recipient | None:
        default_program = getattr(self.service.policy, "program_code", "default")
        if message.member_id is None:
            return Recipient(None, message.phone, None, default_program)
        try:
            member = self.service.resolve(cmd.MemberRef(member_id=UUID(message.member_id)))
        except errors.LoyaltyError:
            return None
        return Recipient(member, message.phone or member.identifier("phone"), member.identifier("email"),
                         member.program_code or default_program)

    def context(self, message: Message, recipient: Recipient) -> dict[str, Any]:
        values: dict[str, Any] = {"name": NAMES[recipient.lang], "tier": "", "member_code": "", "balance": 0}
        member = recipient.member
        if member is not None:
            balance = self.service.balance(cmd.MemberRef(member_id=member.id))
            values.update(name=member.name or NAMES[recipient.lang], tier=member.tier,
                          member_code=member.identifier("member_code") or "", balance=balance.available)
        defaults = {"points": 0, "expires_at": None, "discount_vnd": None, "voucher_code": "", "days": 0,
                    "from_tier": "", "to_tier": "", "downgrade_at": None, "code": ""}
        return with_tier_names(self.service, {**defaults, **values, **message.data}, recipient.lang)


def with_tier_names(service: Any, values: dict[str, Any], lang: str) -> dict[str, Any]:
    """Tier codes ("gold") as the program names them for members ("Vàng", "Gold")."""
    installed = getattr(service.policy, "installed", None)
    program = installed() if installed is not None else None
    if program is None:
        return values
    named = dict(values)
    for field in ("tier", "from_tier", "to_tier"):
        tier = program.tiers.tier(values.get(field) or "")
        if tier is not None:
            named[field] = tier.name_vi if lang == "vi" else tier.name_en
    return named


def mask(address: str) -> str:
    """Enough of a phone or address for a log line, not enough to identify the member."""
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return address[:4] + "***" + address[-2:]
