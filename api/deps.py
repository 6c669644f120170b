"""What a route can ask for: the app's context, the caller (authenticated, in an allowed role, within its
rate limit), the Idempotency-Key, and the channel and store a command is recorded under.

A channel key acts only for its own channel and its own stores: a till keyed for HCM-01 cannot post a sale
for HN-02 (403). A staff key limited to stores acts only for those stores (any channel); other staff and
admin keys act for any channel and store they name. A refund, capture or release must also come from a key
that covers the *original* sale or reservation (its channel for channel keys, its store for store-limited
keys): see `check_refund_scope`, `check_reservation_scope`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Callable

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.authguard import auth_failures, client_address
from api.errors import ApiProblem
from api.idempotency import CommandRunner, InFlight
from api.keys import ApiKey, KeyRing, Role
from api.metrics import Metrics
from api.ratelimit import RateLimits
from api.settings import ApiSettings
from api.tables import ApiTables
from loyalty_core.identifiers import claim_id, receipt_id
from loyalty_core.runtime import Runtime
from loyalty_core.handlers.common import RESERVATION


@dataclass
class ApiContext:
    """Everything the routes share, built once by `create_app`."""

    settings: ApiSettings
    runtime: Runtime
    tables: ApiTables
    keys: KeyRing
    limits: RateLimits
    metrics: Metrics
    run: CommandRunner
    inflight: InFlight
    owns_runtime: bool = False

    @property
    def service(self) -> Any:
        return self.runtime.service

    def close(self) -> None:
        """Release the API's tables and, if the app opened it, the runtime (stopping group commit first)."""
        self.tables.close()
        models = getattr(self, "read_models", None)
        if models is not None:
            models.close()
        if self.owns_runtime:
            if self.runtime.service.batcher is not None:
                self.runtime.service.batcher.close()
            self.runtime.close()


# The dependencies below are `async def` although they do no I/O worth awaiting: FastAPI runs a plain `def`
# dependency in its threadpool, and four thread hops per request cost more than the work itself (measured
# with py-spy: a fifth of the server's GIL time). Key lookups hit the database only on a cache miss
# (once per key every few seconds), which is short enough to do on the event loop.
async def _context(request: Request) -> ApiContext:
    return request.app.state.api  # type: ignore[no-any-return]


Api = Annotated[ApiContext, Depends(_context)]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer lk_...`")


async def _authenticated(request: Request, api: Api, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                                      Depends(_bearer)]) -> ApiKey:
    unauthorised = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise ApiProblem(401, "unauthenticated", "send an API key: Authorization: Bearer <key>",
                         headers=unauthorised)
    address, token = client_address(request), credentials.credentials
    if not api.limits.has_lane:
        # In the threadpool: the counters and the key may be read from Redis (api/shared_state.py).
        return await run_in_threadpool(_check_key, api, address, token)
    # PostgreSQL: a known key from an address with no recent failures needs no database before its rate-limit
    # hit, and the hit waits for the limiter's lane (one round trip for every request waiting), so the
    # request holds no thread. Else the key is looked up on a thread, as before.
    key = api.keys.remembered(token) if auth_failures(api).believed_clear(address) else None
    if key is None:
        key = await run_in_threadpool(_identify, api, address, token)
    await api.limits.check_async(key.role.value, key.key_id, key.rate_limit)
    return key


def _check_key(api: ApiContext, address: str, token: str) -> ApiKey:
    key = _identify(api, address, token)
    api.limits.check(key.role.value, key.key_id, key.rate_limit)
    return key


def _identify(api: ApiContext, address: str, token: str) -> ApiKey:
    guard = auth_failures(api)
    guard.check(address)  # an address that guessed wrong too often waits, whatever key it sends now
    key = api.keys.authenticate(token)
    if key is None:
        guard.failed(address)
        raise ApiProblem(401, "invalid_api_key", "this API key is unknown, revoked or expired",
                         headers={"WWW-Authenticate": "Bearer"})
    return key


@dataclass(frozen=True)
class Acting:
    """Who a command is recorded as: channel, store, the key as actor and as idempotency scope."""

    channel: str
    store_id: str | None
    key_id: str

    def fields(self) -> dict[str, Any]:
        return {"channel": self.channel, "store_id": self.store_id, "actor": self.key_id,
                "idempotency_scope": self.key_id}


@dataclass(frozen=True)
class Caller:
    key: ApiKey

    @property
    def is_channel(self) -> bool:
        return self.key.role is Role.CHANNEL

    def acting(self, channel: str | None = None, store_id: str | None = None) -> Acting:
        key = self.key
        if not self.is_channel and not key.stores:
            return Acting(channel or key.channel, store_id, key.key_id)
        if not self.is_channel:  # staff limited to stores: any channel, only their stores
            return Acting(channel or key.channel, self._own_store(store_id), key.key_id)
        if channel is not None and channel != key.channel:
            raise ApiProblem(403, "channel_not_allowed", f"this key acts for channel {key.channel!r} only",
                             field="channel")
        return Acting(key.channel, self._own_store(store_id), key.key_id)

    def _own_store(self, store_id: str | None) -> str | None:
        key = self.key
        if store_id is None and len(key.stores) == 1:
            store_id = key.stores[0]
        if store_id is None and key.stores:
            raise ApiProblem(403, "store_not_allowed", "name the store: this key acts for "
                             f"{', '.join(key.stores)}", field="store_id")
        if store_id is not None and store_id not in key.stores:
            raise ApiProblem(403, "store_not_allowed", f"this key may not act for store {store_id!r}",
                             field="store_id")
        return store_id

    def may_see_store(self, store_id: str | None, channel: str | None) -> bool:
        """Whether this key covers something done at `store_id` through `channel` (a sale, a reservation)."""
        if self.is_channel and channel != self.key.channel:
            return False
        if self.key.stores:
            return store_id in self.key.stores
        return True


def allow(*roles: Role) -> Callable[..., Caller]:
    allowed = frozenset(roles)

    async def caller(key: Annotated[ApiKey, Depends(_authenticated)]) -> Caller:
        if key.role not in allowed:
            raise ApiProblem(403, "forbidden", f"a {key.role.value} key may not do this; allowed: "
                             f"{', '.join(sorted(r.value for r in allowed))}")
        return Caller(key)

    return caller


WRITERS = (Role.CHANNEL, Role.STAFF, Role.ADMIN)
READERS = (Role.CHANNEL, Role.STAFF, Role.AUDITOR, Role.ADMIN)

as_writer = allow(*WRITERS)
as_reader = allow(*READERS)
Writer = Annotated[Caller, Depends(as_writer)]
Reader = Annotated[Caller, Depends(as_reader)]
Corrector = Annotated[Caller, Depends(allow(Role.STAFF, Role.ADMIN))]
Auditor = Annotated[Caller, Depends(allow(Role.AUDITOR, Role.ADMIN))]
Analyst = Annotated[Caller, Depends(allow(Role.ANALYST, Role.ADMIN))]
Admin = Annotated[Caller, Depends(allow(Role.ADMIN))]


async def _idempotency_key(
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            pattern=r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
            description="Required on every request that changes state (IETF Idempotency-Key draft). A retry "
            "with the same key and body gets the original answer; another body is refused (422).",
        ),
    ],
) -> str:
    # The draft sends the key as a structured-field string ("..."); most clients send it bare. Accept both.
    if len(idempotency_key) >= 2 and idempotency_key[0] == idempotency_key[-1] == '"':
        idempotency_key = idempotency_key[1:-1]
    if not idempotency_key.strip():
        raise ApiProblem(
            400, "idempotency_key_required", "the Idempotency-Key header is empty", field="Idempotency-Key"
        )
    return idempotency_key


IdempotencyKey = Annotated[str, Depends(_idempotency_key)]


def check_reservation_scope(api: ApiContext, caller: Caller, reservation_id: str) -> None:
    """A channel key may capture or release only reservations made at its own stores (or channel).

    Reads the reservation's claim and its member (aggregates, never a projection). An unknown or already
    resolved reservation passes through, so the ledger answers with its own precise refusal.
    """
    if (not caller.is_channel and not caller.key.stores) or len(reservation_id) > 100:
        return
    claim = api.runtime.store.load_claim(claim_id(RESERVATION, reservation_id))
    if claim is None or claim.member_id is None:
        return
    member = api.runtime.store.load_member(claim.member_id)
    reservation = member.reservations.get(reservation_id) if member else None
    if reservation is not None and not caller.may_see_store(reservation.store_id, reservation.channel):
        raise ApiProblem(
            403, "store_not_allowed", "this reservation was made at a store this key may not act for"
        )


def check_refund_scope(api: ApiContext, caller: Caller, transaction_ref: str, purchase_channel: str) -> None:
    """A refund claws back points from the *original* sale: the key must cover that sale's channel (channel
    keys) and store (store-limited keys), wherever the goods come back. Reads the sale's command receipt (an
    aggregate, never a projection); an unknown sale passes through, so the ledger answers with its own 404.
    """
    if not caller.is_channel and not caller.key.stores:
        return
    receipt = api.runtime.store.load_receipt(receipt_id(f"purchase/{purchase_channel}", transaction_ref))
    if receipt is None:
        return
    sale_channel, sale_store = receipt.request.get("channel"), receipt.request.get("store_id")
    if not caller.may_see_store(sale_store, sale_channel):
        where = f"store {sale_store}" if sale_store else "no store"
        raise ApiProblem(403, "refund_out_of_scope", f"sale {transaction_ref} was made through {sale_channel} at "
                         f"{where}, which this key does not cover; refund it from a key that does, or from staff")
