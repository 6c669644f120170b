"""Applying a platform's facts to the ledger through the API's own command shapes, exactly once each.

An order paid becomes the body a till would POST to `/v1/transactions` (`PurchaseRequest`), a refund or a
cancellation the body of `/v1/transactions/{ref}/refunds` (`RefundRequest`); both run through the API's
command runner, as a route would. The shop's connection acts as its own caller (`integration/<platform>/
<shop>`), so its idempotency scope is its own.

Orders and refunds may arrive in any order and any number of times:
- a fact already applied is answered from its recorded outcome (a replay changes nothing);
- a refund or cancellation for an order we have not recorded, or whose sale is still held for a phone
  nobody owns, is kept `held` and retried when the order arrives, or on `retry_held` (never lost);
- the ledger refuses refunds beyond what the sale earned on; a refund or cancellation that would pass
  that line takes back only what is left (`refundable` in the ledger's answer), so partial refunds and a
  cancellation together never take back more than the order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Callable

from fastapi import Response

from adapters.orders import Fact, OrderCancelled, OrderPaid, OrderRefunded
from adapters.store import IntegrationStore
from api.deps import Acting, ApiContext
from api.schemas.members import MemberRefIn
from api.schemas.transactions import PurchaseOut, PurchaseRequest, RefundOut, RefundRequest
from loyalty_core import commands as c
from api.errors import ApiProblem
from loyalty_core.errors import (InvalidInput, LoyaltyError, MemberNotFound, RefundExceedsPurchase, StoreUnavailable,
                                 TransactionNotFound)
from loyalty_core.identity.holding import UnclaimedPurchaseResult


@dataclass(frozen=True)
class Connection:
    platform: str
    shop: str
    channel: str
    store_id: str | None

    @property
    def acting(self) -> Acting:
        return Acting(self.channel, self.store_id, f"integration/{self.platform}/{self.shop}")


@dataclass(frozen=True)
class Outcome:
    status: str
    """recorded, unclaimed, refunded, already_refunded, held."""
    http_status: int
    body: dict[str, Any]


def _amount(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


class Engine:
    def __init__(self, api: ApiContext, store: IntegrationStore):
        self.api, self.store = api, store

    def apply(self, conn: Connection, fact: Fact) -> Outcome:
        key = _fact_key(fact)
        known = self.store.outcome(conn.platform, conn.shop, key)
        if known is not None and known["status"] != "held":
            return Outcome(known["status"], known["http_status"], known["body"])
        if isinstance(fact, OrderPaid):
            outcome = self._purchase(conn, fact)
            self.store.record(conn.platform, conn.shop, key, fact.order_ref, outcome.status, outcome.http_status,
                              outcome.body)
            self.retry_held(conn.platform, conn.shop, fact.order_ref)
            return outcome
        return self._refund(conn, fact, key)

    def apply_once(self, conn: Connection, key: str, order_ref: str, run: Callable[[], Outcome]) -> Outcome:
        """Run a fact that is not an order (a Zalo event) once; `no_member` is not kept, so it may count later."""
        known = self.store.outcome(conn.platform, conn.shop, key)
        if known is not None:
            return Outcome(known["status"], known["http_status"], known["body"])
        outcome = run()
        if outcome.status != "no_member":
            self.store.record(conn.platform, conn.shop, key, order_ref, outcome.status, outcome.http_status,
                              outcome.body)
        return outcome

    def retry_held(self, platform: str | None = None, shop: str | None = None,
                   order_ref: str | None = None) -> dict[str, int]:
        """Try every held refund again (of one order, one shop, or all); report what became of them."""
        applied = still_held = 0
        for row in self.store.held(platform, shop, order_ref):
            conn = self.connection(row["platform"], row["shop"])
            if conn is None:
                still_held += 1
                continue
            try:
                outcome = self._refund(conn, _held_fact(row), row["fact_key"], retrying=True)
            except StoreUnavailable:
                raise
            except (LoyaltyError, ApiProblem):  # e.g. the same refund in flight from the platform's own retry
                still_held += 1
                continue
            applied += outcome.status != "held"
            still_held += outcome.status == "held"
        return {"applied": applied, "still_held": still_held}

    def connection(self, platform: str, shop: str) -> Connection | None:
        row = self.store.connection(platform, shop)
        return None if row is None else Connection(platform, shop, row["channel"], row["store_id"])

    # --- purchases ---

    def _purchase(self, conn: Connection, fact: OrderPaid) -> Outcome:
        request = PurchaseRequest(transaction_ref=fact.order_ref, total=_amount(fact.total), currency=fact.currency,
                                  occurred_at=fact.occurred_at.isoformat() if fact.occurred_at else None,
                                  member=MemberRefIn(phone=fact.buyer.phone) if fact.buyer.phone else None)
        command = request.to_command(conn.acting)
        if fact.buyer.phone is None:
            command = replace(command, member=self._member_without_phone(fact))
        result = self.api.run(command, Response())
        if isinstance(result, UnclaimedPurchaseResult):  # deferred matching: held until the phone enrols
            body = {"status": "unclaimed", "transaction_ref": result.transaction_ref, "held_for": result.held_for,
                    "expires_at": result.expires_at.isoformat() if result.expires_at else None}
            return Outcome("unclaimed", 202, body)
        return Outcome("recorded", 200, {"status": "recorded",
                                         **PurchaseOut.of(fact.order_ref, result).model_dump(mode="json")})

    def _member_without_phone(self, fact: OrderPaid) -> c.MemberRef:
        """An email finds a member who gave it; a platform customer id waits like a phone; else the receipt."""
        if fact.buyer.email:
            try:
                summary = self.api.service.member_summary(c.MemberRef(email=fact.buyer.email))
                return c.MemberRef(member_id=summary.member_id)
            except MemberNotFound:
                pass
        if fact.buyer.channel_id:
            return c.MemberRef(channel_id=fact.buyer.channel_id)
        return c.MemberRef()

    # --- refunds and cancellations ---

    def _refund(self, conn: Connection, fact: OrderRefunded | OrderCancelled, key: str,
                retrying: bool = False) -> Outcome:
        amount = fact.amount if isinstance(fact, OrderRefunded) else fact.total
        try:
            outcome = self._run_refund(conn, fact, amount)
        except TransactionNotFound:
            held = Outcome("held", 202, {"status": "held", "transaction_ref": fact.order_ref,
                                         "refund_ref": fact.refund_ref,
                                         "detail": "the order is not recorded (or still waits for its member); "
                                                   "this refund is kept and applied when it is"})
            self.store.record(conn.platform, conn.shop, key, fact.order_ref, "held", 202, held.body, _amount(amount))
            if not retrying and self.store.outcome(conn.platform, conn.shop, f"order:{fact.order_ref}"):
                return self._refund(conn, fact, key, retrying=True)  # the order landed meanwhile
            return held
        self.store.record(conn.platform, conn.shop, key, fact.order_ref, outcome.status, outcome.http_status,
                          outcome.body)
        return outcome

    def _run_refund(self, conn: Connection, fact: OrderRefunded | OrderCancelled, amount: Decimal) -> Outcome:
        try:
            return self._send_refund(conn, fact, amount)
        except RefundExceedsPurchase as refused:
            # More than is left (a cancellation after partial refunds, a refund after a cancellation):
            # take back what remains, or nothing.
            left = Decimal(str(refused.details.get("refundable", "0")))
            if left <= 0:
                return _nothing_left(fact)
            return self._send_refund(conn, fact, left)
        except InvalidInput as refused:
            if refused.details.get("field") == "refund_ref":  # applied already under another key
                return _nothing_left(fact)
            raise

    def _send_refund(self, conn: Connection, fact: OrderRefunded | OrderCancelled, amount: Decimal) -> Outcome:
        request = RefundRequest(refund_ref=fact.refund_ref, amount=_amount(amount))
        command = request.to_command(fact.order_ref, fact.refund_ref, conn.acting)
        result = self.api.run(command, Response())
        return Outcome("refunded", 200, {"status": "refunded", **RefundOut.of(result).model_dump(mode="json")})


def _nothing_left(fact: OrderRefunded | OrderCancelled) -> Outcome:
    return Outcome("already_refunded", 200, {"status": "already_refunded", "transaction_ref": fact.order_ref,
                                             "refund_ref": fact.refund_ref, "points_reversed": 0})


def _fact_key(fact: Fact) -> str:
    if isinstance(fact, OrderPaid):
        return f"order:{fact.order_ref}"
    if isinstance(fact, OrderCancelled):
        return f"cancel:{fact.order_ref}"
    return f"refund:{fact.refund_ref}"


def _held_fact(row: dict[str, Any]) -> OrderRefunded | OrderCancelled:
    amount = Decimal(row["amount"])
    if row["fact_key"].startswith("cancel:"):
        return OrderCancelled(order_ref=row["order_ref"], total=amount)
    return OrderRefunded(order_ref=row["order_ref"], refund_ref=row["fact_key"].removeprefix("refund:"), amount=amount)
