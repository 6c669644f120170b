"""Events as JSON: the raw audit view, the event stream and webhook payloads all use this one shape.

`{"id", "type", "member_id", "version", "recorded_at", "channel", "store_id", "actor", "data"}`, with
money as decimal strings and times in ISO 8601. The `id` (`<member id>:<version>`) is stable, so a
receiver that sees an event twice (a webhook retry, a stream resumed) can tell.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core import events as ev
from loyalty_core.privacy.fields import protect, reveal
from loyalty_core.privacy.tokens import SEALED_PREFIX
from loyalty_core.privacy.vault import current as current_vault

_ENVELOPE = {"originator_id", "originator_version", "timestamp", "channel", "store_id", "actor"}


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def event_json(event: ev.Event) -> dict[str, Any]:
    data = {f.name: plain(getattr(event, f.name)) for f in fields(event) if f.name not in _ENVELOPE} \
        if is_dataclass(event) else {}
    if data.get("kind") == "qr_token" and isinstance(data.get("value"), str):
        # The static QR token spends as the member wherever presence is not required: no history page,
        # stream or webhook hands it out (issue #11). Its last characters still tell two tokens apart.
        data["value"] = "…" + data["value"][-4:]
    return {
        "id": f"{event.originator_id}:{event.originator_version}",
        "type": type(event).__name__,
        "member_id": str(event.originator_id),
        "version": event.originator_version,
        "recorded_at": event.timestamp.isoformat(),
        "channel": getattr(event, "channel", None),
        "store_id": getattr(event, "store_id", None),
        "actor": getattr(event, "actor", None),
        "data": data,
    }


_SEALED_IN_PAYLOADS = (ev.MemberEnrolled, ev.ProfileUpdated, ev.IdentifierLinked, ev.IdentifierUnlinked)
_PROTECTED_BY_NAME = {cls.__name__: cls for cls in _SEALED_IN_PAYLOADS}
_SEALED_IN_JSON = json.dumps(SEALED_PREFIX)[1:-1]  # the prefix as JSON writes it ("\\u001es1.")


def sealed_data(event: ev.Event, shaped: dict[str, Any]) -> dict[str, Any]:
    """`event_json(event)` with its personal values sealed under the member's key, as the event store keeps
    them: what waits in a table to be sent later (a webhook delivery) holds no readable name, phone or email,
    and reads as "đã xoá" once the member is erased (docs/privacy.md)."""
    vault = current_vault()
    if vault is None or type(event) not in _SEALED_IN_PAYLOADS:
        return shaped
    state = protect(type(event), {**shaped["data"], "originator_id": event.originator_id}, vault.seal)
    del state["originator_id"]
    return {**shaped, "data": state}


def opened_text(text: str) -> str:
    """A stored payload with its sealed values opened, byte for byte what it was when written (until the
    member is erased: then their values read "đã xoá")."""
    vault = current_vault()
    if vault is None or _SEALED_IN_JSON not in text:
        return text
    payload = json.loads(text)
    cls = _PROTECTED_BY_NAME.get(payload.get("type", ""))
    if cls is None or not isinstance(payload.get("data"), dict):
        return text
    state = {**payload["data"], "originator_id": UUID(payload["member_id"])}
    reveal(cls, state, vault.unseal)
    del state["originator_id"]
    payload["data"] = {k: (str(v) if isinstance(v, str) else v) for k, v in state.items()}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def is_member_event(event: object) -> bool:
    return isinstance(event, ev.MemberEvent)


#: How each event moves the spendable balance, for the timeline (the read side's timeline will replace it).
def points_delta(event: ev.Event) -> int:
    if isinstance(event, ev.PointsEarned):
        return event.points if event.pending_until is None else 0
    if isinstance(event, ev.PendingPointsReleased):
        return event.points
    if isinstance(event, (ev.PointsRedeemed, ev.PointsReserved, ev.PointsExpired)):
        return -event.points
    if isinstance(event, ev.ReservationReleased):
        return event.points
    if isinstance(event, ev.ReservationCaptured):
        return event.released_points
    if isinstance(event, ev.RedemptionReversed):
        return event.points
    if isinstance(event, ev.PointsAdjusted):
        return event.delta
    if isinstance(event, ev.EarnReversed):
        return -(event.points_reversed + event.debt_added)
    return 0
