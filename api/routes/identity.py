"""Identity and migration over HTTP: claiming a receipt later, importing member lists and past sales."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from api import subject_access
from api.deps import Admin, Analyst, Api, Corrector, IdempotencyKey, Writer
from api.errors import ApiProblem, problems
from api.routes.stats import Models
from api.schemas.identity import ImportReportOut, ReceiptClaimRequest
from api.schemas.transactions import PurchaseOut
from loyalty_core.commands import MemberRef
from loyalty_core.errors import InvalidInput
from loyalty_core.identity.receipts import ClaimReceipt
from loyalty_core.migration import exports, importer
from loyalty_core.migration.files import read_table, write_table
from loyalty_core.migration.grants import Grant, check_grant_file, run_grant, segment_targets
from loyalty_core.migration.rows import end_of_local_day, parse_date

router = APIRouter(prefix="/v1", tags=["identity"], responses=problems(401, 403, 429))

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@router.post("/members/{member_id}/receipt-claims", status_code=201, responses=problems(400, 404, 409, 422))
def claim_receipt(member_id: UUID, body: ReceiptClaimRequest, api: Api, caller: Writer, key: IdempotencyKey,
                  response: Response) -> PurchaseOut:
    """Credit a sale recorded without a member to this member, from its receipt number or its e-invoice lookup
    code (once, to one member, within the program's receipt_claim_days)."""
    acting = caller.acting()
    command = ClaimReceipt(idempotency_key=key, member=MemberRef(member_id=member_id),
                           transaction_ref=body.transaction_ref or "", sale_channel=body.sale_channel,
                           invoice_lookup_code=body.invoice_lookup_code, **acting.fields())
    result = api.run(command, response)
    return PurchaseOut.of(result.reference or body.transaction_ref or "", result)


@router.post("/imports/members", responses=problems(400, 413, 422))
def import_members(api: Api, caller: Admin, file: UploadFile = File(...), dry_run: bool = Form(False)) -> ImportReportOut:
    """Import members with opening balances, tiers and expiry from CSV or .xlsx; a dry run writes nothing."""
    return _import(api, caller, file, dry_run, importer.check_members, importer.import_members)


@router.post("/imports/purchases", responses=problems(400, 413, 422))
def import_purchases(api: Api, caller: Admin, file: UploadFile = File(...), dry_run: bool = Form(False),
                     earn: bool = Form(False)) -> ImportReportOut:
    """Import past sales from CSV or .xlsx: history only, or (earn) priced by the rules of their dates."""
    write = functools.partial(importer.import_purchases, earn=earn)
    return _import(api, caller, file, dry_run, importer.check_purchases, write)


def _import(api: Any, caller: Any, file: UploadFile, dry_run: bool, check: Callable[..., Any],
            write: Callable[..., Any]) -> ImportReportOut:
    header, lines = read_table(_upload(file), file.filename or "")
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
                           already_imported=done["already_imported"], held=done["held"],
                           refused=done["refusals"])


@router.post("/grants", responses=problems(400, 413, 422))
def grant_points(api: Api, caller: Admin, models: Models, grant_id: str = Form(..., max_length=80),
                 points: int = Form(..., ge=1), reason: str = Form(..., min_length=1, max_length=500),
                 expires_on: str | None = Form(None, description="dd/mm/yyyy: points expire after this day"),
                 segment: str | None = Form(None, max_length=40),
                 file: UploadFile | None = File(None)) -> ImportReportOut:
    """Credit the same bonus to every member of a list (a file) or a segment, each once per grant id."""
    if (file is None) == (segment is None):
        raise InvalidInput("give exactly one of file and segment", field="file")
    try:
        expires_at = end_of_local_day(parse_date(expires_on)).astimezone(UTC) if expires_on else None
    except ValueError as exc:
        raise InvalidInput(str(exc), field="expires_on") from None
    grant = Grant(grant_id, points, reason, actor=caller.key.key_id, expires_at=expires_at)
    grant.check()
    if file is not None:
        checked = check_grant_file(*read_table(_upload(file), file.filename or ""))
        if checked.problems:
            raise ApiProblem(422, "import_file_invalid", f"{len(checked.problems)} problem(s) in the file; nobody "
                             "was credited", problems=[p.to_dict() for p in checked.problems[:1000]])
        targets: Any = checked.rows
        rows, valid = checked.total, len(checked.rows)
    else:
        targets = list(segment_targets(_segment_pages(models, segment or "")))
        rows = valid = len(targets)
    done = run_grant(api.service, grant, targets, workers=16).summary()
    return ImportReportOut(dry_run=False, rows=rows, valid=valid, imported=done["imported"],
                           already_imported=done["already_imported"], refused=done["refusals"])


def _segment_pages(models: Any, name: str) -> Any:
    """The segment's pages; an unknown segment is refused here, before anything is written or sent."""
    try:
        first = models.list_segment(name, limit=500)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="segment") from None
    return _following(models, first)


def _following(models: Any, page: Any) -> Any:
    yield page
    while page.next_cursor:
        page = models.list_segment(page.name, limit=500, cursor=page.next_cursor)
        yield page


MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "The file: CSV (UTF-8 with a byte-order mark) or Excel",
    "content": {media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA.values()}}}


@router.get("/exports/members", response_class=Response, responses={**problems(422), **FILE_RESPONSE})
def export_members(api: Api, caller: Admin, format: Literal["csv", "xlsx"] = "csv") -> Response:
    """Export every member with personal data and balances (administrators only)."""
    rows = exports.members(api.service, api.runtime.store.member_ids())
    return _file("members", format, exports.MEMBER_HEADER, rows)


@router.get("/exports/balances", response_class=Response, responses={**problems(422), **FILE_RESPONSE})
def export_balances(api: Api, caller: Analyst, models: Models, format: Literal["csv", "xlsx"] = "csv",
                    segment: str | None = Query(None, max_length=40)) -> Response:
    """Export balances (no personal data) of every member, or of one segment's members."""
    if segment is None:
        ids: Any = api.runtime.store.member_ids()
    else:
        ids = (m.member_id for page in _segment_pages(models, segment) for m in page.members)
    return _file(f"balances-{segment}" if segment else "balances", format, exports.BALANCE_HEADER,
                 exports.balances(api.service, ids))


def _file(name: str, format: str, header: list[str], rows: Any) -> Response:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.{format}"
        write_table(path, header, rows)
        data = path.read_bytes()
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'})


def _upload(file: UploadFile) -> bytes:
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiProblem(413, "import_file_too_large", f"files are limited to {MAX_UPLOAD_BYTES} bytes")
    return data


SUBJECT_ACCESS_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "Everything held about the member: JSON, or one CSV (section, field, value, detail)",
    "content": {"application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}}}}}


@router.get("/members/{member_id}/subject-access", response_class=Response,
            responses={**problems(404, 422), **SUBJECT_ACCESS_RESPONSE})
def subject_access_export(member_id: UUID, api: Api, caller: Corrector, request: Request,
                          format: Literal["json", "csv"] = "json") -> Response:
    """Export everything held about a member (profile, consent, events in plain language, messages)."""
    data = subject_access.gather(api, member_id, _outbox(request))
    headers = {"Content-Disposition": f'attachment; filename="member-{member_id}.{format}"',
               "Cache-Control": "no-store"}
    if format == "csv":
        return Response(subject_access.as_csv(data), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(json.dumps(data, ensure_ascii=False, default=str), media_type="application/json",
                    headers=headers)


def _outbox(request: Request) -> Any:
    """The message outbox, when this app has one (it lives in the read side's database)."""
    try:
        from api.routes.messages import outbox
    except ImportError:
        return None
    return outbox(request)
