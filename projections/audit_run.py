"""The auditor's tools wired to a configured store: what `loyalty audit ...` and the benchmark call."""

from __future__ import annotations

from typing import Callable

from loyalty_core.settings import Settings
from projections.audit import ReplayReport, replay
from projections.balances import BalanceView
from projections.catalog import ReadSide
from projections.chain import Chain, Verification
from projections.codec import Decoder
from projections.eventrows import open_event_rows


def replay_store(settings: Settings, on_member: Callable[[int], None] | None = None) -> ReplayReport:
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    rows = open_event_rows(side.store)
    try:
        balances = side.live()["balances"].view
        assert isinstance(balances, BalanceView)
        return replay(rows, Decoder(store.mapper), balances, on_member)
    finally:
        rows.close()
        side.close()
        store.close()


def verify_store(settings: Settings) -> Verification:
    side = ReadSide.open(settings)
    rows = open_event_rows(side.store)
    try:
        chain = Chain(side.store, rows)
        chain.setup()
        return chain.verify()
    finally:
        rows.close()
        side.close()


def checkpoint_store(settings: Settings, every: int) -> int:
    side = ReadSide.open(settings)
    rows = open_event_rows(side.store)
    try:
        chain = Chain(side.store, rows)
        chain.setup()
        return chain.extend(every=every)
    finally:
        rows.close()
        side.close()
