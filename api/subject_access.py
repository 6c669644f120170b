"""Subject access: everything the service holds about one member, for the member's request under Vietnam's
personal-data law (Decree 13/2023), as JSON or as one CSV a person can open in Excel.

It gathers the member's own state (profile, identifiers, consent, balance, open lots, vouchers), every
event of theirs in plain Vietnamese (the same sentences as the staff timeline), and the messages sent to
them from the outbox. The static QR token is masked as everywhere else. Reading only: nothing is written.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from api.history import list_history
from loyalty_core import commands as cmd

ALL_EVENTS = 100_000


def gather(api: Any, member_id: UUID, outbox: Any | None, lang: str = "vi") -> dict[str, Any]:
    member = api.service.resolve(cmd.MemberRef(member_id=member_id))
    summary = api.service.member_summary(cmd.MemberRef(member_id=member_id))
    history = list_history(api.runtime, member_id, None, ALL_EVENTS, lang)
    messages = outbox.for_member(member_id, limit=10_000) if outbox is not None else []
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "member": {"member_id": str(member.id), "name": member.name, "birthday": member.birthday,
                   "tier": member.tier, "enrolled_at": member.enrolled_at.isoformat(),
                   "identifiers": [{"kind": k, "value": _masked(k, v)} for k, v in member.identifiers],
                   "consent": dict(member.consent)},
        "balance": {"available": summary.balance.available, "pending": summary.balance.pending,
                    "reserved": summary.balance.reserved, "lifetime_earned": summary.balance.lifetime_earned},
        "lots": [{"lot_id": lot.lot_id, "remaining": lot.remaining, "source": lot.source,
                  "expires_at": lot.expires_at.isoformat() if lot.expires_at else None}
                 for lot in member.lots.values()],
        "vouchers": [{"code": v.code, "reward_id": v.reward_id, "status": v.status,
                      "expires_at": v.expires_at.isoformat() if v.expires_at else None}
                     for v in member.vouchers.values()],
        "events": [{"recorded_at": item.get("recorded_at"), "at_local": item.get("at_local"),
                    "type": item.get("type"), "points": item.get("points"), "text": item.get("text")}
                   for item in reversed(history.items)],
        "messages": [{"message_id": m.message_id, "kind": m.kind, "purpose": m.purpose, "status": m.status,
                      "channel": m.channel, "recipient": m.recipient,
                      "sent_at": _iso(getattr(m, "sent_at", None)),
                      "created_at": _iso(getattr(m, "created_at", None))} for m in messages],
    }


def as_csv(data: dict[str, Any]) -> str:
    """One table: section, field, value. Sections: member, identifier, consent, balance, lot, voucher,
    event (when, what, points), message."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "field", "value", "detail"])
    member = data["member"]
    for name in ("member_id", "name", "birthday", "tier", "enrolled_at"):
        writer.writerow(["member", name, member[name] or "", ""])
    for identifier in member["identifiers"]:
        writer.writerow(["identifier", identifier["kind"], identifier["value"], ""])
    for channel, given in sorted(member["consent"].items()):
        writer.writerow(["consent", channel, "yes" if given else "no", ""])
    for name, value in data["balance"].items():
        writer.writerow(["balance", name, value, ""])
    for lot in data["lots"]:
        writer.writerow(["lot", lot["lot_id"], lot["remaining"], lot["expires_at"] or ""])
    for voucher in data["vouchers"]:
        writer.writerow(["voucher", voucher["code"], voucher["status"], voucher["expires_at"] or ""])
    for event in data["events"]:
        writer.writerow(["event", event["at_local"] or event["recorded_at"], event["text"], event["points"]])
    for message in data["messages"]:
        writer.writerow(["message", message["created_at"] or "", message["kind"], message["status"]])
    return "\ufeff" + out.getvalue()


def _masked(kind: str, value: str) -> str:
    return f"…{value[-4:]}" if kind == "qr_token" else value


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value
