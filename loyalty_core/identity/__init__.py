"""Identity: one person however they arrive.

A purchase for a phone or channel id nobody owns yet is *held* on that identifier's own claim stream
(`holding`), and credited, priced with the rules of its own date, in the same transaction that enrols the
phone or links the id (`crediting`). A sale recorded with no member at all is held under its receipt
number, and one member may claim it later (`receipts`, "tích điểm sau"). Two records of one person are merged
into one, and the merge undone while nothing that moved was used (`merging`, `merge_rules`). `install(service)` wires these
into a service after the program's own handlers.
"""

from __future__ import annotations

from typing import Any

from loyalty_core import commands as cmd
from loyalty_core.identity import crediting, holding, merging, receipts, refunds


def install(service: Any) -> None:
    service.register(merging.MergeMembers, merging.merge_members)  # duplicates: merge, and undo it
    service.register(merging.UnmergeMembers, merging.unmerge_members)
    purchase = service._handlers.get(cmd.RecordPurchase)
    if purchase is None or getattr(purchase, "holds_unclaimed", False):
        return  # no program (a plain ledger has no purchases), or installed already
    service.register(cmd.RecordPurchase, holding.holding_purchases(purchase))
    for command_type in crediting.CLAIMING_COMMANDS:
        inner = service._handlers.get(command_type)
        if inner is not None:
            service.register(command_type, crediting.crediting_held(inner))
    service.register(receipts.ClaimReceipt, receipts.claim_receipt)
    refund = service._handlers.get(cmd.RefundPurchase)
    if refund is not None:
        service.register(cmd.RefundPurchase, refunds.refunding_credited(refund))
