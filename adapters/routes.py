"""The HTTP receivers: `/v1/integrations/{platform}/{shop}/webhooks`, and the admin routes that connect a shop.

A platform posts here with its own signature instead of our API key: the route reads the raw body, checks
the signature against the shop's secret (401 `webhook_signature_invalid` otherwise, the same answer for a
shop that is not connected, so the route tells a stranger nothing), reads the facts and applies them.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import Field, ValidationError
from starlette.concurrency import run_in_threadpool

from adapters import marketplaces, orders, signatures, zalo
from adapters.engine import Connection, Engine, Outcome
from adapters.store import IntegrationStore
from api.deps import Admin, Api, ApiContext
from api.errors import ApiProblem, problems
from api.schemas.common import Channel, StoreId, Strict
from api.schemas.identity import ImportReportOut
from loyalty_core.migration.files import read_table

router = APIRouter(prefix="/v1/integrations", tags=["integrations"], responses=problems(429))

Platform = Literal["shopify", "woocommerce", "haravan", "sapo", "kiotviet", "zalo"]
Shop = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,99}$",
                           description="The shop as the platform names it: `my-shop.myshopify.com`, a site host, "
                                       "a Haravan org id, a KiotViet retailer")]
MAX_BODY_BYTES = 1_000_000
Secret = Annotated[str, Field(min_length=8, max_length=200, pattern=r"^[\x21-\x7e]+$")]

#: Where each platform names the event (Haravan and Sapo copy Shopify's header).
TOPIC_HEADERS = {"shopify": "x-shopify-topic", "woocommerce": "x-wc-webhook-topic", "haravan": "x-haravan-topic",
                 "sapo": "x-sapo-topic", "kiotviet": "", "zalo": ""}


class ConnectionRequest(Strict):
    secret: Secret
    """The secret the platform signs webhooks with (Shopify: the app's client secret; WooCommerce: the webhook's
    secret; Haravan/Sapo: the notifications page's secret; KiotViet: the secret given when registering)."""
    previous_secret: Secret | None = None
    """Still accepted while the shop rotates to `secret`; leave out once the platform signs with the new one."""
    channel: Channel | None = None
    """The channel its sales are recorded under; the platform's name when left out."""
    store_id: StoreId | None = None


def _engine(api: ApiContext) -> Engine:
    engine = getattr(api, "integrations", None)
    if engine is None:
        engine = Engine(api, IntegrationStore(api.tables))
        api.integrations = engine  # type: ignore[attr-defined]  # built once, on first use
    return engine


@router.put("/{platform}/{shop}", responses=problems(400, 401, 403, 422))
def connect_shop(platform: Platform, shop: Shop, body: ConnectionRequest, api: Api, caller: Admin) -> dict[str, Any]:
    """Connect a shop (or change its secret): its webhooks are then accepted when signed with the secret."""
    secrets = [body.secret] + ([body.previous_secret] if body.previous_secret else [])
    channel = body.channel or platform
    _engine(api).store.save_connection(platform, shop, secrets, channel, body.store_id)
    return {"platform": platform, "shop": shop, "channel": channel, "store_id": body.store_id,
            "webhook_url": f"/v1/integrations/{platform}/{shop}/webhooks"}


@router.get("", responses=problems(401, 403))
def list_connections(api: Api, caller: Admin) -> dict[str, Any]:
    """List the connected shops (never their secrets) and how many refunds wait for their orders."""
    engine = _engine(api)
    return {"connections": engine.store.connections(), "held_refunds": len(engine.store.held())}


@router.post("/held/retry", responses=problems(401, 403))
def retry_held_refunds(api: Api, caller: Admin) -> dict[str, int]:
    """Apply again every refund kept for an order not recorded then (or a sale still waiting for its member)."""
    return _engine(api).retry_held()


MAX_REPORT_BYTES = 50 * 1024 * 1024


@router.post("/{marketplace}/orders", responses=problems(400, 401, 403, 413, 422))
def import_marketplace_orders(marketplace: Literal["shopee", "lazada", "tiki"], api: Api, caller: Admin,
                              file: UploadFile = File(...), dry_run: bool = Form(False)) -> ImportReportOut:
    """Import a marketplace's orders report (CSV or .xlsx): each completed order once, held until its buyer is known."""
    data = file.file.read(MAX_REPORT_BYTES + 1)
    if len(data) > MAX_REPORT_BYTES:
        raise ApiProblem(413, "import_file_too_large", f"files are limited to {MAX_REPORT_BYTES} bytes")
    header, lines = read_table(data, file.filename or "")
    checked = marketplaces.check_orders(marketplace, header, lines, api.service.clock())
    found = [p.to_dict() for p in checked.problems]
    if dry_run:
        return ImportReportOut(dry_run=True, rows=checked.total, valid=len(checked.rows), problems=found)
    if found:
        raise ApiProblem(422, "import_file_invalid", f"{len(found)} problem(s) in the file; nothing was written "
                         "(send it with dry_run=true to list them)", problems=found[:1000])
    done = marketplaces.import_orders(marketplace, api.service, checked, actor=caller.key.key_id).summary()
    return ImportReportOut(dry_run=False, rows=checked.total, valid=len(checked.rows), imported=done["imported"],
                           already_imported=done["already_imported"], held=done.get("held", 0),
                           refused=done["refusals"])


@router.post("/{platform}/{shop}/webhooks", responses=problems(401, 413, 422, 503))
async def receive_webhook(platform: Platform, shop: Shop, request: Request, api: Api,
                          topic: Annotated[str | None, Query(max_length=60, description="For platforms that do "
                                                             "not name the event in a header")] = None) -> Any:
    """Receive a platform's signed order, refund or cancellation webhook."""
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise ApiProblem(413, "payload_too_large", f"a webhook body is at most {MAX_BODY_BYTES} bytes")
    engine = _engine(api)
    row = await run_in_threadpool(engine.store.connection, platform, shop)
    if row is None or not _signed(platform, shop, row["secrets"], body, request):
        raise ApiProblem(401, "webhook_signature_invalid", "the signature does not match this shop's secret")
    conn = Connection(platform, shop, row["channel"], row["store_id"])
    if platform == "zalo":
        outcome = await run_in_threadpool(_zalo_event, engine, conn, body)
        return JSONResponse(outcome.body, status_code=outcome.http_status)
    event = topic or request.headers.get(TOPIC_HEADERS[platform] or "x-unused", "")
    facts = _read(platform, event, body)
    if not facts.items:
        return {"status": "ignored", "reason": facts.ignored}
    try:
        outcomes = [await run_in_threadpool(engine.apply, conn, fact) for fact in facts.items]
    except ValidationError as unusable:  # an id or amount the API's own request shapes refuse
        raise ApiProblem(422, "webhook_payload_unreadable", "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in unusable.errors())[:300]) from None
    if len(outcomes) == 1:
        return JSONResponse(outcomes[0].body, status_code=outcomes[0].http_status)
    return {"status": "applied", "results": [o.body for o in outcomes]}


def _signed(platform: str, shop: str, secrets: list[str], body: bytes, request: Request) -> bool:
    if platform != "zalo":
        return signatures.verify(platform, secrets, body, signatures.received_signature(platform, request.headers))
    try:  # Zalo's MAC covers the body's own timestamp field
        timestamp = zalo.timestamp_of(json.loads(body))
    except (ValueError, RecursionError):
        return False
    return zalo.verify_zalo(shop, secrets, body, timestamp, request.headers.get("x-zevent-signature"))


def _zalo_event(engine: Engine, conn: Connection, body: bytes) -> Outcome:
    try:
        event = zalo.read_zalo(json.loads(body))
    except (ValueError, TypeError, RecursionError) as unreadable:
        raise ApiProblem(422, "webhook_payload_unreadable", str(unreadable)[:200] or "unreadable body") from None
    if event is None:
        return Outcome("ignored", 200, {"status": "ignored", "reason": "event not used"})
    return engine.apply_once(conn, zalo.fact_key(event), event.follower,
                             lambda: zalo.apply_zalo(engine.api, conn, event))


def _read(platform: str, topic: str, body: bytes) -> orders.Facts:
    if platform == "woocommerce" and body.startswith(b"webhook_id="):
        return orders.Facts(ignored="ping")  # WooCommerce's test delivery when a webhook is saved
    try:
        payload = json.loads(body)
        if platform == "kiotviet":
            return orders.read_kiotviet(payload)
        if platform == "woocommerce":
            return orders.read_woocommerce(topic, payload)
        return orders.read_shopify_like(topic, payload)
    except (ValueError, TypeError, RecursionError) as unreadable:  # PayloadUnreadable is a ValueError
        raise ApiProblem(422, "webhook_payload_unreadable", str(unreadable)[:200] or "unreadable body") from None
