"""Bodies of the identity endpoints: a sale held for later, a receipt claimed, an import's report."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.schemas.common import Channel, InvoiceLookupCode, Ref, Strict
from loyalty_core.identity.holding import UnclaimedPurchaseResult


class UnclaimedPurchaseOut(BaseModel):
    status: Literal["unclaimed"] = "unclaimed"
    transaction_ref: str
    held_for: str
    """phone, channel_id or receipt: what the sale waits for."""
    expires_at: datetime | None


UNCLAIMED_RESPONSE: dict[int | str, dict[str, Any]] = {
    202: {"model": UnclaimedPurchaseOut,
          "description": "No member has this phone or channel id yet (or no member was named): the sale is "
                         "held and credited when one enrols, links the id or claims the receipt."}}


def unclaimed_response(result: UnclaimedPurchaseResult, response: Response) -> JSONResponse:
    body = UnclaimedPurchaseOut(transaction_ref=result.transaction_ref, held_for=result.held_for,
                                expires_at=result.expires_at)
    return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=dict(response.headers))


class ReceiptClaimRequest(Strict):
    transaction_ref: Ref | None = None
    """The receipt number printed on the bill (or give `invoice_lookup_code` instead)."""
    sale_channel: Channel = "pos"
    """The channel that recorded the sale."""
    invoice_lookup_code: InvoiceLookupCode | None = None
    """The e-invoice's lookup code (mã tra cứu), when the till sent it with the sale: instead of the receipt
    number. Case and spaces do not matter."""


class ImportProblemOut(BaseModel):
    row: int
    column: str
    problem_vi: str


class ImportRefusalOut(BaseModel):
    row: int
    code: str | None
    problem_vi: str | None


class ImportReportOut(BaseModel):
    dry_run: bool
    rows: int
    valid: int
    problems: list[ImportProblemOut] = Field(default_factory=list)
    imported: int = 0
    already_imported: int = 0
    held: int = 0
    """Sales for phones nobody has enrolled yet, held for them (purchases imported with `earn`)."""
    refused: list[ImportRefusalOut] = Field(default_factory=list)
