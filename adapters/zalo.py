"""Zalo Official Account events as non-purchase activities: following the OA, checking in, sharing details.

Zalo signs each event with `X-ZEvent-Signature: mac=<hex SHA-256 of app id + raw body + the body's
timestamp + the OA secret key>` (a plain hash over the concatenation, not an HMAC; the OA secret, not the
app secret). The connection's `shop` is the Zalo app id.

- `follow` → activity `follow`, once per follower ever (unfollowing and following again earns nothing);
- `user_send_location` → activity `check_in`, once per follower per Vietnamese calendar day;
- `user_submit_info` (the follower shares their details with the OA) → the follower's Zalo id is linked to
  the member who owns the phone they shared, which also credits sales held for that Zalo id.
The member is the one linked to `zalo:<follower id>`; a follower nobody has linked earns nothing and is
answered `no_member` (Zalo wants a 200 whatever happens, or it retries for hours).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from fastapi import Response

from adapters.engine import Connection, Outcome
from adapters.orders import VIETNAM, PayloadUnreadable, _object, _phone
from api.deps import ApiContext
from api.schemas.points import ActivityRequest, EarnOut
from loyalty_core import commands as c
from loyalty_core.errors import IdentifierTaken, MemberNotFound
from loyalty_core.identifiers import CHANNEL_ID


def zalo_signature(app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret.encode()).hexdigest()
    return f"mac={digest}"


def verify_zalo(app_id: str, secrets: list[str], body: bytes, timestamp: str, signature: str | None) -> bool:
    if not signature:
        return False
    return any(hmac.compare_digest(zalo_signature(app_id, body, timestamp, s), signature.strip()) for s in secrets)


@dataclass(frozen=True)
class ZaloEvent:
    name: str
    follower: str
    at: datetime
    shared_phone: str | None = None


def read_zalo(payload: Any) -> ZaloEvent | None:
    body = _object(payload)
    name = str(body.get("event_name") or "")
    follower = (body.get("follower") or {}).get("id") if name == "follow" else (body.get("sender") or {}).get("id")
    if name not in ("follow", "user_send_location", "user_submit_info"):
        return None
    if not isinstance(follower, (str, int)) or not str(follower).isalnum() or len(str(follower)) > 64:
        raise PayloadUnreadable("the event names no follower id")
    try:
        at = datetime.fromtimestamp(int(str(body.get("timestamp"))) / 1000, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise PayloadUnreadable("timestamp is not milliseconds since 1970") from None
    info = body.get("info") if isinstance(body.get("info"), dict) else {}
    return ZaloEvent(name=name, follower=str(follower), at=at, shared_phone=_phone(info.get("phone")))


def timestamp_of(payload: Any) -> str:
    return str(payload.get("timestamp", "")) if isinstance(payload, dict) else ""


def fact_key(event: ZaloEvent) -> str:
    """What makes an event count once: a follow per follower, a check-in per follower and day, a link per follower."""
    if event.name == "user_send_location":
        return f"check_in:{event.follower}:{event.at.astimezone(VIETNAM).date().isoformat()}"
    return f"{event.name}:{event.follower}"


def apply_zalo(api: ApiContext, conn: Connection, event: ZaloEvent) -> Outcome:
    zalo_id = f"zalo:{event.follower}"
    if event.name == "user_submit_info":
        return _link(api, conn, event, zalo_id)
    kind, reference = ("follow", f"follow-{event.follower}") if event.name == "follow" else \
        ("check_in", f"zalo-check-in-{event.follower}-{event.at.astimezone(VIETNAM).date().isoformat()}")
    request = ActivityRequest(kind=kind, reference=reference, occurred_at=event.at.isoformat())
    # The API's shape names the member by id; a Zalo follower is named by the id Zalo gives them.
    command = replace(request.to_command(UUID(int=0), reference, conn.acting), member=c.MemberRef(channel_id=zalo_id))
    try:
        result = api.run(command, Response())
    except MemberNotFound:
        return Outcome("no_member", 200, {"status": "no_member", "zalo_id": zalo_id})
    return Outcome("recorded", 200, {"status": "recorded", "kind": kind,
                                     **EarnOut.of(result).model_dump(mode="json")})


def _link(api: ApiContext, conn: Connection, event: ZaloEvent, zalo_id: str) -> Outcome:
    if event.shared_phone is None:
        return Outcome("no_member", 200, {"status": "no_member", "zalo_id": zalo_id})
    command = c.LinkIdentifier(idempotency_key=f"zalo-link-{event.follower}", member=c.MemberRef(phone=event.shared_phone),
                               kind=CHANNEL_ID, value=zalo_id, **conn.acting.fields())
    try:
        result = api.run(command, Response())
    except MemberNotFound:
        return Outcome("no_member", 200, {"status": "no_member", "zalo_id": zalo_id})
    except IdentifierTaken:  # this Zalo id already belongs to someone: nothing to change
        return Outcome("already_linked", 200, {"status": "already_linked", "zalo_id": zalo_id})
    return Outcome("linked", 200, {"status": "linked", "zalo_id": zalo_id, "member_id": str(result.member_id)})

