"""Identity and migration over HTTP: claiming a receipt later, importing member lists and past sales."""

from __future__ import annotations

from typing import Any, Callable
from uuid import UUID

from fastapi import APIRouter, File, Form, Response, UploadFile

from api.deps import Admin, Api, IdempotencyKey, Writer
from api.errors import ApiProblem, problems
from api.schemas.identity import ImportReportOut, ReceiptClaimRequest
from api.schemas.transactions import PurchaseOut
from loyalty_core.commands import MemberRef
from loyalty_core.identity.receipts import ClaimReceipt
from loyalty_core.migration import importer
from loyalty_core.migration.files import read_table

router = APIRouter(prefix="/v1", tags=["identity"], responses=problems(401, 403, 429))

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@router.post("/members/{member_id}/receipt-claims", status_code=201, responses=problems(404, 409, 422))
def claim_receipt(member_id: UUID, body: ReceiptClaimRequest, api: Api, caller: Writer, key: IdempotencyKey,
                  response: Response) -> PurchaseOut:
    """Credit a sale recorded without a member to this member, from its receipt number (once, within N days)."""
    acting = caller.acting()
    command = ClaimReceipt(idempotency_key=key, member=MemberRef(member_id=member_id),
                           transaction_ref=body.transaction_ref, sale_channel=body.sale_channel, **acting.fields())
    return PurchaseOut.of(body.transaction_ref, api.run(command, response))


@router.post("/imports/members", responses=problems(400, 413, 422))
def import_members(api: Api, caller: Admin, file: UploadFile = File(...), dry_run: bool = Form(False)) -> ImportReportOut:
    """Import members with opening balances, tiers and expiry from CSV or .xlsx; a dry run writes nothing."""
    return _import(api, caller, file, dry_run, importer.check_members, importer.import_members)


@router.post("/imports/purchases", responses=problems(400, 413, 422))
def import_purchases(api: Api, caller: Admin, file: UploadFile = File(...),
                     dry_run: bool = Form(False)) -> ImportReportOut:
    """Import past sales (history for tiers and statistics, no points) from CSV or .xlsx."""
    return _import(api, caller, file, dry_run, importer.check_purchases, importer.import_purchases)


def _import(api: Any, caller: Any, file: UploadFile, dry_run: bool, check: Callable[..., Any],
            write: Callable[..., Any]) -> ImportReportOut:
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiProblem(413, "import_file_too_large", f"import files are limited to {MAX_UPLOAD_BYTES} bytes")
    header, lines = read_table(data, file.filename or "")
    checked = check(api.service, header, lines)
    problems_out = [p.to_dict() for p in checked.problems]
    if dry_run:
        return ImportReportOut(dry_run=True, rows=checked.total, valid=len(checked.rows), problems=problems_out)
    if checked.problems:
        raise ApiProblem(422, "import_file_invalid", f"{len(checked.problems)} problem(s) in the file; nothing "
                         "was written (send it with dry_run=true to list them)", problems=problems_out[:1000])
    report = write(api.service, checked, workers=16, actor=caller.key.key_id)
    done = report.summary()
    return ImportReportOut(dry_run=False, rows=checked.total, valid=len(checked.rows), imported=done["imported"],
                           already_imported=done["already_imported"], refused=done["refusals"])
