"""Members: enrol, look up by any identifier, read the summary, balance and timeline."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import Api, ApiContext, IdempotencyKey, Reader, Writer
from api.errors import ApiProblem, problems
from api.history import list_history
from api.presence import lookup_by_card_code, without_static_token
from api.read_lane import read_lane
from api.schemas.common import BalanceOut
from api.schemas.members import EnrollRequest, MemberOut
from api.schemas.stats import TimelineItem, TimelineOut
from loyalty_core.commands import MemberRef
from loyalty_core.errors import InvalidInput

router = APIRouter(prefix="/v1", tags=["members"], responses=problems(401, 403, 429))


@router.post("/members", status_code=201, responses=problems(400, 409, 422))
def enroll_member(body: EnrollRequest, api: Api, caller: Writer, key: IdempotencyKey,
                  response: Response) -> MemberOut:
    """Enrol a member by phone number (with a friend's `referrer_code`, the program's referral rule pays both
    on the first purchase; a `sign_up` rule pays at once)."""
    if body.channel_customer_id and caller.is_channel and \
            not body.channel_customer_id.startswith(f"{caller.key.channel}:"):
        raise ApiProblem(403, "identifier_not_allowed", f"a {caller.key.channel} key links only "
                         f"{caller.key.channel}:… customer ids", field="channel_customer_id")
    return MemberOut.of(api.run(body.to_command(key, caller.acting(body.channel, body.store_id)), response))


@router.get("/members/lookup", responses=problems(404, 422))
def lookup_member(api: Api, caller: Reader,
                  phone: Annotated[str | None, Query(max_length=32)] = None,
                  email: Annotated[str | None, Query(max_length=254)] = None,
                  member_code: Annotated[str | None, Query(max_length=20)] = None,
                  qr_token: Annotated[str | None, Query(max_length=64)] = None,
                  card_code: Annotated[str | None, Query(max_length=40)] = None,
                  channel_id: Annotated[str | None, Query(max_length=170, description="`zalo:…`, `shopee:…`")] = None
                  ) -> MemberOut:
    """Find a member by exactly one of phone, email, member code, QR token, the card's rotating code or a
    channel's customer id (a channel key looks up its own channel's ids only)."""
    if card_code is not None:
        if any(v is not None for v in (phone, email, member_code, qr_token, channel_id)):
            raise InvalidInput("name the member by exactly one identifier", field="card_code")
        return MemberOut.of(without_static_token(lookup_by_card_code(api, card_code)))
    if channel_id is not None and caller.is_channel and not channel_id.startswith(f"{caller.key.channel}:"):
        raise ApiProblem(403, "identifier_not_allowed", f"a {caller.key.channel} key looks up only "
                         f"{caller.key.channel}:… customer ids", field="channel_id")
    ref = MemberRef(phone=phone, email=email, member_code=member_code, qr_token=qr_token, channel_id=channel_id)
    return MemberOut.of(without_static_token(api.service.member_summary(ref)))


@router.get("/members/{member_id}", responses=problems(404, 422))
def get_member(member_id: UUID, api: Api, caller: Reader) -> MemberOut:
    """Read a member's summary: identifiers, tier and balance."""
    return MemberOut.of(without_static_token(api.service.member_summary(MemberRef(member_id=member_id))))


# The tills' most frequent read, so it is lean: on PostgreSQL a cached member is checked for newer events by
# the read lane (api/read_lane.py: one round trip for every read waiting, awaited on the event loop), and
# the answer is encoded once by pydantic-core from the model (as the purchase route does), with the same
# OpenAPI document (`response_model`). A member not cached, a merged one, and every read on SQLite are
# answered the usual way, in the threadpool.
@router.get("/members/{member_id}/balance", response_model=BalanceOut, responses=problems(404, 422))
async def get_balance(member_id: UUID, api: Api, caller: Reader) -> Response:
    """Read a member's balance as of now (always reflects the caller's own last write)."""
    return await balance_answer(api, member_id)


async def balance_answer(api: ApiContext, member_id: UUID) -> Response:
    """The route's work once the caller is known (also called by api/hot_path.py)."""
    ref = MemberRef(member_id=member_id)
    lane = read_lane(api)
    member = await lane.fresh(member_id) if lane is not None else None
    if member is None or member.merged_into is not None:
        balance = await run_in_threadpool(api.service.balance, ref)
    else:
        balance = api.service.balance(ref, fresh=member)
    return Response(BalanceOut.of(balance).model_dump_json(), media_type="application/json")


@router.get("/members/{member_id}/history", responses=problems(404, 422))
def get_history(member_id: UUID, api: Api, caller: Reader,
                cursor: Annotated[str | None, Query(max_length=20)] = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 50,
                lang: Annotated[Literal["vi", "en"], Query()] = "vi") -> TimelineOut:
    """List a member's timeline, newest first, each event in words (Vietnamese, or `lang=en`); pass
    `next_cursor` back for the next page. Read from the member's events: it always shows the last write."""
    page = list_history(api.runtime, member_id, cursor, limit, lang)
    return TimelineOut(items=[TimelineItem(**item) for item in page.items], next_cursor=page.next_cursor,
                       lang=lang)
