"""The auditor's tools wired to a configured store: what `loyalty audit ...` and the benchmark call."""

from __future__ import annotations

from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from loyalty_core.settings import Settings
from projections.adopt import Adoption, adopt
from projections.audit import ReplayReport, replay
from projections.balances import BalanceView
from projections.catalog import ReadSide
from projections.chain import Mark, Verification, verify
from projections.checkpoints import sign
from projections.codec import Decoder
from projections.eventrows import open_event_rows
from projections.served import ServedCheck
from projections.sealed_log import open_sealed_log


def replay_store(settings: Settings, on_member: Callable[[int], None] | None = None) -> ReplayReport:
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    rows = open_event_rows(side.store)
    try:
        balances = side.live()["balances"].view
        assert isinstance(balances, BalanceView)
        return replay(rows, Decoder(store.mapper), balances, on_member, served=ServedCheck(store))
    finally:
        rows.close()
        side.close()
        store.close()


def verify_store(settings: Settings, mark: Mark | None = None) -> Verification:
    """Walk every stored event against its seal (and, given one, a signed checkpoint)."""
    side = ReadSide.open(settings)
    try:
        with open_sealed_log(side.store) as log:
            return verify(log, mark)
    finally:
        side.close()


def checkpoint_store(settings: Settings, key: Ed25519PrivateKey) -> tuple[Verification, dict[str, Any]]:
    """Verify the whole log, then sign its digest (refused if the log does not verify)."""
    verification = verify_store(settings)
    return verification, sign(verification, key)


def adopt_store(settings: Settings) -> Adoption:
    """Seal the rows written before sealing existed (refused unless they are only an unsealed prefix)."""
    side = ReadSide.open(settings)
    try:
        return adopt(side.store)
    finally:
        side.close()
