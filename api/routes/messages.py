"""Outbound messages (staff, admin; statistics for analysts): a member's messages and their delivery status,
the dead-letter list and its retry, template previews, and what the messages cost per provider.

The outbox lives in the read side's database (messaging/outbox.py); these routes read it through the app's
`ReadModels` store, so they open no connections of their own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Api, Caller, IdempotencyKey, allow
from api.errors import ApiProblem, problems
from api.keys import Role
from api.routes.stats import read_models
from loyalty_core import commands as cmd
from loyalty_core.member import HCM
from messaging.kinds import KINDS
from messaging.outbox import Message, Outbox
from messaging.preview import preview
from messaging.templates import TemplateProblem

router = APIRouter(prefix="/v1", tags=["messages"], responses=problems(401, 403, 429))

Staff = Annotated[Caller, Depends(allow(Role.STAFF, Role.ADMIN))]
StatsReader = Annotated[Caller, Depends(allow(Role.ANALYST, Role.ADMIN))]
MessageId = Annotated[UUID, Path(description="The message id (UUID5 of its cause)")]
Kind = Literal[tuple(KINDS)]  # type: ignore[valid-type]


class MessageOut(BaseModel):
    message_id: str
    kind: str
    purpose: str
    status: str
    """queued | sending | sent | delivered | failed | skipped"""
    channel: str | None
    recipient: str | None
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    cost_vnd: str | None
    last_error: str | None

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(message_id=m.message_id, kind=m.kind, purpose=m.purpose, status=m.status, channel=m.channel,
                   recipient=m.recipient, attempts=m.attempts, created_at=m.created_at,
                   next_attempt_at=m.next_attempt_at, sent_at=m.sent_at, delivered_at=m.delivered_at,
                   cost_vnd=str(m.cost_vnd) if m.cost_vnd is not None else None, last_error=m.last_error)


class RetryOut(BaseModel):
    requeued: bool
    """True when this request put the message back in the queue; false when it was no longer failed."""
    message: MessageOut


class PreviewOut(BaseModel):
    kind: str
    lang: str
    sms: str
    subject: str
    text: str
    html: str
    zns_template_id: str | None
    zns_data: dict[str, str]


class ProviderStatsOut(BaseModel):
    channel: str
    sent: int
    delivered: int
    failed: int
    cost_vnd: str


class MessageStatsOut(BaseModel):
    date_from: date
    date_to: date
    providers: list[ProviderStatsOut]
    messages_sent: int
    cost_vnd: str


def outbox(request: Request) -> Outbox:
    api = request.app.state.api
    box = getattr(api, "messages_outbox", None)
    if box is None:
        box = api.messages_outbox = Outbox(read_models(request).side.store).ensure()
    return box  # type: ignore[no-any-return]


Box = Annotated[Outbox, Depends(outbox)]


@router.get("/members/{member_id}/messages", responses=problems(422))
def list_member_messages(member_id: UUID, box: Box, caller: Staff,
                         limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[MessageOut]:
    """List a member's messages, newest first, with their delivery status."""
    return [MessageOut.of(m) for m in box.for_member(member_id, limit)]


@router.get("/messages/dead-letters", responses=problems(422))
def list_dead_letters(box: Box, caller: Staff, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[MessageOut]:
    """List messages that failed on every channel or ran out of attempts."""
    return [MessageOut.of(m) for m in box.dead_letters(limit)]


@router.get("/messages/preview", responses=problems(404, 422))
def preview_message(api: Api, caller: Staff, kind: Kind, lang: Literal["vi", "en"] = "vi",
                    member_id: UUID | None = None) -> PreviewOut:
    """Show what a kind of message says, for a member or a sample member; nothing is sent."""
    member = None
    if member_id is not None:
        member = api.service.resolve(cmd.MemberRef(member_id=member_id))  # MemberNotFound -> 404
    try:
        r = preview(api.service, kind, lang, member)
    except TemplateProblem as exc:
        raise ApiProblem(422, "template_problem", str(exc)) from None
    return PreviewOut(kind=r.kind, lang=r.lang, sms=r.sms, subject=r.subject, text=r.text, html=r.html,
                      zns_template_id=r.zns_template_id, zns_data=r.zns_data)


@router.get("/messages/stats", responses=problems(422))
def message_stats(api: Api, box: Box, caller: StatsReader,
                  date_from: Annotated[date | None, Query(alias="from")] = None,
                  date_to: Annotated[date | None, Query(alias="to")] = None) -> MessageStatsOut:
    """Count messages sent, delivered and failed, and what they cost, per provider (Ho Chi Minh days)."""
    for name, day in (("from", date_from), ("to", date_to)):
        if day is not None and not 2000 <= day.year <= 2099:
            raise ApiProblem(422, "invalid_input", f"{name} must be a day of 2000 to 2099", field=name)
    date_to = date_to or api.service.clock().astimezone(HCM).date()
    date_from = date_from or date_to - timedelta(days=29)
    if date_from > date_to or (date_to - date_from).days > 3 * 366:
        raise ApiProblem(422, "invalid_input", "from must not be after to, and at most three years before it",
                         field="from")
    since = datetime.combine(date_from, time(0), tzinfo=HCM)
    until = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=HCM)
    rows = box.stats(since, until)
    total = sum((r.cost_vnd for r in rows), Decimal(0))
    return MessageStatsOut(date_from=date_from, date_to=date_to, messages_sent=sum(r.sent for r in rows),
                           cost_vnd=str(total),
                           providers=[ProviderStatsOut(channel=r.channel, sent=r.sent, delivered=r.delivered,
                                                       failed=r.failed, cost_vnd=str(r.cost_vnd)) for r in rows])


@router.get("/messages/{message_id}", responses=problems(404, 422))
def get_message(message_id: MessageId, box: Box, caller: Staff) -> MessageOut:
    """Read one message and its delivery status."""
    message = box.get(str(message_id))
    if message is None:
        raise ApiProblem(404, "message_not_found", f"no message {message_id}")
    return MessageOut.of(message)


@router.post("/messages/{message_id}/retry",
             responses={**problems(400, 404, 409, 422), 202: {"model": RetryOut, "description": "Back in the queue"}})
def retry_message(message_id: MessageId, api: Api, box: Box, caller: Staff, key: IdempotencyKey,
                  response: Response) -> RetryOut:
    """Put a failed message back in the queue with a fresh set of attempts."""
    message = box.get(str(message_id))
    if message is None:
        raise ApiProblem(404, "message_not_found", f"no message {message_id}")
    if message.status == "skipped":
        raise ApiProblem(409, "message_not_failed", f"message {message_id} was skipped ({message.last_error}): "
                         "the rules said no, and a retry would say the same")
    requeued = box.retry_dead(str(message_id), api.service.clock())
    response.status_code = 202 if requeued else 200
    return RetryOut(requeued=requeued, message=MessageOut.of(box.get(str(message_id)) or message))



# --- delivery reports from the providers (no API key: each report must name the provider's own message id) ---

callbacks = APIRouter(prefix="/v1/messages/callbacks", tags=["messages"])
#: Provider ids and our message ids are printable ASCII; anything else is refused before it reaches SQL.
PROVIDER_ID = r"^[\x21-\x7e]{1,100}$"
#: eSMS `SendStatus`: 5 sent successfully (delivered), 4 rejected; others (pending, at the telco) wait.
ESMS_DELIVERED, ESMS_REJECTED = "5", "4"


class ReportOut(BaseModel):
    recorded: bool
    """False for a report about no message we sent by that provider (or one already reported)."""


@callbacks.get("/esms", responses=problems(422))
def esms_delivery_report(api: Api, box: Box,
                         request_id: Annotated[str, Query(alias="RequestId", pattern=PROVIDER_ID)],
                         sms_id: Annotated[str, Query(alias="SMSID", pattern=PROVIDER_ID)],
                         send_status: Annotated[str, Query(alias="SendStatus", pattern=r"^[0-9]{1,3}$")],
                         ) -> ReportOut:
    """Take eSMS's delivery report (its CallbackUrl, an HTTP GET): delivered, or rejected by the network."""
    if send_status not in (ESMS_DELIVERED, ESMS_REJECTED):
        return ReportOut(recorded=False)
    recorded = box.report(request_id, "sms", sms_id, send_status == ESMS_DELIVERED, api.service.clock(),
                          "rejected by the network (eSMS SendStatus 4)")
    return ReportOut(recorded=recorded)


class ZaloReceived(BaseModel):
    model_config = ConfigDict(extra="ignore")
    msg_id: Annotated[str, Field(pattern=PROVIDER_ID)]
    tracking_id: Annotated[str, Field(pattern=PROVIDER_ID)] = ""


class ZaloEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")
    event_name: Annotated[str, Field(pattern=r"^[a-z_]{1,60}$")]
    message: ZaloReceived | None = None


@callbacks.post("/zalo", responses=problems(400, 422))
def zalo_delivery_report(api: Api, box: Box, event: ZaloEvent) -> ReportOut:
    """Take Zalo's `user_received_message` webhook event: the member's phone received the ZNS message."""
    if event.event_name != "user_received_message" or event.message is None or not event.message.tracking_id:
        return ReportOut(recorded=False)
    return ReportOut(recorded=box.report(event.message.tracking_id, "zns", event.message.msg_id, True,
                                         api.service.clock()))
