"""The HTTP API: `create_app(settings=None, runtime=None)` builds a FastAPI app on the ledger's runtime.

Given no runtime, the app opens one for its settings (with group commit, so concurrent requests share a
flush); given one (tests, a process that already has one), it uses it as it is. The API's own tables (keys,
webhooks) are opened here, so everything that touches the database is ready before the first request.

Whoever creates the app closes it: `app.state.api.close()` (`loyalty serve` does, after the server stops).
Not in the ASGI lifespan, on purpose: test clients and schemathesis run the lifespan once per client, and
an app whose store was closed by the first client's shutdown would fail every later request.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from api import contract
from api.deps import ApiContext
from api.errors import install_error_handlers
from api.idempotency import CommandRunner, InFlight
from api.keys import KeyRing
from api.metrics import Metrics, MetricsMiddleware
from api import tracing
from api.request_id import RequestIdMiddleware
from api.ratelimit import RateLimits
from api.shared_state import open_shared_state
from api.routes import audit, health, members, points, program, stats, stream, transactions, webhooks
from api.settings import ApiSettings
from projections.pool_wait import bound_waits
from projections.pools import harden
from api.tables import open_tables
from api.textguard import PrintableUrlMiddleware
from loyalty_core.runtime import Runtime, open_runtime
from loyalty_core.service import enable_group_commit
from loyalty_core.settings import Settings

DESCRIPTION = """Loyalty points for Vietnamese retail: enrol members, record purchases, redeem and reserve
points, follow the ledger as it changes. Money is a decimal string in VND, points are integers, times are
ISO 8601. Every request that changes state takes an `Idempotency-Key` header. Errors are RFC 9457
problem details with a stable `code`."""


def create_app(settings: ApiSettings | Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    if settings is None:
        settings = ApiSettings.from_env(os.environ) if runtime is None else ApiSettings(core=runtime.settings)
    settings = ApiSettings.wrap(settings)
    owns_runtime = runtime is None
    runtime = runtime or open_runtime(settings.core)
    if owns_runtime and settings.group_commit:
        enable_group_commit(runtime.service)
    tables = open_tables(runtime.settings)
    harden(getattr(runtime.store.recorder, "datastore", None))  # dead pooled connections never reach a route
    bound_waits(getattr(runtime.store.recorder, "datastore", None))  # a full pool is a 503, once, not 10 waits
    metrics = Metrics()
    shared = open_shared_state(settings.redis_url, tables)  # counters and in-flight keys all processes see
    inflight = InFlight(shared.registry)
    context = ApiContext(
        settings=settings,
        runtime=runtime,
        tables=tables,
        keys=KeyRing(tables, settings.key_cache_seconds, allow_demo=settings.environment == "development"),
        limits=RateLimits(settings.rate_limits, shared.limiter),
        metrics=metrics,
        run=CommandRunner(runtime.service, metrics, inflight),
        inflight=inflight,
        owns_runtime=owns_runtime,
    )

    app = FastAPI(title="Loyalty API", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None,
                  generate_unique_id_function=contract.operation_id)  # `recordPurchase`: see api/contract.py
    contract.install_problem_component(app)
    from api.webhook_docs import describe_webhooks  # OpenAPI 3.1 `webhooks`: what a delivery looks like

    describe_webhooks(app)
    # /docs is served by faces/console/landing.py from vendored Swagger UI files (no CDN: stores run offline).
    app.state.api = context
    install_error_handlers(app)
    # stats before members: its /v1/members/search must match before /v1/members/{member_id}.
    for module in (health, stats, members, transactions, points, audit, stream, webhooks, program):
        app.include_router(module.router)
    from api.routes import approvals as approval_routes  # four eyes on large adjustments

    app.include_router(approval_routes.router)
    from api.routes import identity as identity_routes  # receipt claims and imports

    app.include_router(identity_routes.router)
    from api.routes import merges  # duplicate members merged into one, and unmerged

    app.include_router(merges.router)
    from api.routes import privacy as privacy_routes  # erasure by crypto-shredding (docs/privacy.md)

    app.include_router(privacy_routes.router)
    from api.routes import presence as presence_routes  # a one-time code proves the member is at the till

    app.include_router(presence_routes.router)
    from api.routes import member_changes, program_init, vouchers  # issue #11: every command reachable

    app.include_router(member_changes.router)
    app.include_router(vouchers.router)
    app.include_router(program_init.router)
    from api.routes import dead_letters  # events projections set aside: list, retry, counted in /metrics

    app.include_router(dead_letters.router)
    from api.routes import messages as message_routes  # outbound messages: status, dead letters, previews

    app.include_router(message_routes.router)
    app.include_router(message_routes.callbacks)
    from api.routes import webhook_rotation  # Standard Webhooks: a new secret, the old one signs for a day

    app.include_router(webhook_rotation.router)
    from api.routes import errors_catalogue  # GET /v1/errors: every code in Vietnamese and English

    app.include_router(errors_catalogue.router)
    from adapters.routes import router as integrations  # Shopify, WooCommerce, Haravan, Sapo, KiotViet webhooks

    app.include_router(integrations)
    from api.routes import offers as offer_routes  # points expiring soon, offers granted to a segment

    app.include_router(offer_routes.router)
    dead_letters.watch(context)
    if settings.hot_path:  # innermost of ours: metrics, URL check and request id still see every request
        from api.hot_path import HotPath

        app.add_middleware(HotPath, owner=app, context=context)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(PrintableUrlMiddleware)  # a NUL in a query or path is refused before any route
    tracing.instrument(app, runtime.service, context.run)  # only with the otel extra and LOYALTY_OTEL=1 (api/tracing.py)
    app.add_middleware(RequestIdMiddleware)  # outermost: every log line and event of the request carries it
    from faces import install_faces  # the pages sit above the API and use the same context

    install_faces(app)
    return app
