"""Refunds of sales that were held and credited later.

A held sale's receipt says `unclaimed` and names no member, and receipts are never rewritten, so the
program's refund handler, which finds the member on the sale's receipt, would answer "no such purchase".
When it does, this looks up which member the sale was credited to (`credited_member`, from the claim
stream's `HeldPurchasesClaimed`) and runs the same refund handler again on a view of the store in which
that receipt names the member. The refund rules, shortfall policy and idempotency stay the program's own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import identifiers as ids
from loyalty_core.identity.holding import credited_member
from loyalty_core.planning import Context, Plan


class _ReceiptNamingMember:
    """The store, except that one receipt names the member its held sale was credited to."""

    def __init__(self, store: Any, receipt_id: UUID, member_id: UUID):
        self._store, self._receipt_id, self._member_id = store, receipt_id, member_id

    def load_receipt(self, receipt_id: UUID) -> Any:
        receipt = self._store.load_receipt(receipt_id)
        if receipt is not None and receipt_id == self._receipt_id:
            return replace(receipt, member_id=self._member_id)
        return receipt

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def refunding_credited(inner: Callable[[Context, Any], Plan]) -> Callable[[Context, Any], Plan]:
    def refund(ctx: Context, c: cmd.RefundPurchase) -> Plan:
        try:
            return inner(ctx, c)
        except errors.TransactionNotFound:
            channel = c.purchase_channel or c.channel
            receipt_id = ids.receipt_id(f"purchase/{channel}", c.transaction_ref)
            receipt = ctx.service.store.load_receipt(receipt_id)
            member_id = credited_member(ctx.service.store, receipt) if receipt is not None else None
            if member_id is None:
                raise
            service = copy.copy(ctx.service)
            service.store = _ReceiptNamingMember(ctx.service.store, receipt_id, member_id)
            return inner(replace(ctx, service=service), c)

    return refund
