"""Vouchers at the till: look one up by the code the member shows, and use it once.

A voucher is found by its code alone (the claim on the code names its member), so a till needs nothing else.
Using it is a ledger command with an Idempotency-Key: a retry answers the same, a second use with another
key is `voucher_already_used`; an expired or cancelled voucher says so with its own code.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import Api, IdempotencyKey, Reader, Writer
from api.errors import problems
from api.schemas.member_changes import UseVoucherRequest, VoucherOut, VoucherUseOut
from loyalty_core.till_commands import find_voucher

router = APIRouter(prefix="/v1/vouchers", tags=["vouchers"], responses=problems(401, 403, 429))

VoucherCode = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9\-]+$")]


@router.get("/{code}", responses=problems(404, 422))
def get_voucher(code: VoucherCode, api: Api, caller: Reader) -> VoucherOut:
    """Look a voucher up by its code: its reward, its member and whether it can still be used."""
    return VoucherOut.of(find_voucher(api.service, code))


@router.post("/{code}/use", responses=problems(400, 404, 409, 422))
def use_voucher(code: VoucherCode, body: UseVoucherRequest, api: Api, caller: Writer, key: IdempotencyKey,
                response: Response) -> VoucherUseOut:
    """Use a voucher for an order, once (a used, expired or cancelled one is refused with its own code)."""
    command = body.to_command(code, key, caller.acting(body.channel, body.store_id))
    return VoucherUseOut.of(api.run(command, response))
