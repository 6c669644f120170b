"""The webhook endpoints and their delivery logs in the console (admin): ping an endpoint, send a past delivery
again. Both are the API's own operations (api/webhook_sends.py) run for the signed-in admin, each noted in the
staff log. The buttons post with htmx and swap in only what changed (the delivery's row, the ping's outcome);
without JavaScript the same forms post normally and the whole page comes back.

A redelivery form carries an idempotency key made when the page was drawn, so a double click or a resent form
answers the first redelivery instead of sending twice.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.errors import ApiProblem
from api.schemas.audit import DeliveryOut
from api.webhook_sends import Redeliveries, ping
from faces.console.permissions import Can
from faces.console.web import PREFIX, Session, check_csrf, console, render, require

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DELIVERIES_SHOWN = 20
_WEBHOOK_ID = re.compile(r"^wh_[0-9a-f]{16}$")
_DELIVERY_ID = re.compile(r"^wh_[0-9a-f]{16}:[0-9]{1,19}$")


def _endpoints(request: Request) -> list[dict[str, Any]]:
    tables = console(request).api.tables
    return [{"hook": hook, "deliveries": [{"row": DeliveryOut.of(row), "key": uuid.uuid4().hex}
                                          for row in tables.list_deliveries(hook["webhook_id"], DELIVERIES_SHOWN)]}
            for hook in tables.list_webhooks()]


def _htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


@router.get("/webhooks")
def webhooks_page(request: Request, session: Session) -> Response:
    require(session, Can.MANAGE_WEBHOOKS)
    return render(request, "webhooks.html", session=session, endpoints=_endpoints(request))


@router.post("/webhooks/{webhook_id}/ping")
async def ping_endpoint(request: Request, webhook_id: str, session: Session) -> Response:
    await check_csrf(request, session)
    require(session, Can.MANAGE_WEBHOOKS)
    app = console(request)
    try:
        if not _WEBHOOK_ID.match(webhook_id):
            raise ApiProblem(404, "webhook_not_found", webhook_id[:40])
        outcome, problem = ping(app.api.tables, app.api.settings, webhook_id), None
    except ApiProblem as refused:
        outcome, problem = None, refused.code
    said = problem if outcome is None else outcome.status_code or outcome.error
    app.accounts.log(session.staff.username, "webhook_pinged", f"{webhook_id[:40]}: {said}")
    values = {"outcome": outcome, "problem": problem, "webhook_id": webhook_id[:40]}
    if _htmx(request):
        return render(request, "_ping.html", session=session, **values)
    return render(request, "webhooks.html", session=session, endpoints=_endpoints(request), pinged=values)


@router.post("/webhooks/deliveries/{delivery_id}/redeliver")
async def redeliver(request: Request, delivery_id: str, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.MANAGE_WEBHOOKS)
    app = console(request)
    key = (form.get("key") or "")[:64] or uuid.uuid4().hex
    try:
        if not _DELIVERY_ID.match(delivery_id):
            raise ApiProblem(404, "webhook_delivery_not_found", delivery_id[:60])
        with app.api.inflight.hold(f"webhook-redelivery/{delivery_id}", f"console-{key}"):
            answer, _ = Redeliveries.of(app.api.tables).redeliver(app.api.settings, delivery_id, f"console-{key}")
    except ApiProblem as refused:
        if _htmx(request):
            return render(request, "_refusal_row.html", status=200, session=session, code=refused.code,
                          delivery_id=delivery_id[:60])
        return render(request, "webhooks.html", status=refused.status, session=session, endpoints=_endpoints(request),
                      flash=refused.code, flash_kind="error")
    app.accounts.log(session.staff.username, "webhook_redelivered",
                     f"{delivery_id}: {answer.outcome.status_code or answer.outcome.error}")
    values = {"d": {"row": answer.delivery, "key": uuid.uuid4().hex}, "outcome": answer.outcome}
    if _htmx(request):
        return render(request, "_delivery.html", session=session, **values)
    return render(request, "webhooks.html", session=session, endpoints=_endpoints(request),
                  flash=answer.outcome.error or str(answer.outcome.status_code),
                  flash_kind="ok" if answer.outcome.delivered else "error")
