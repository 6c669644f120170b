"""Balances: one row per member with what `Balance.of(member)` reports, kept by the balance fold.

Each row also holds the member's small fold state (open lots, open reservations, debt) as a blob, so a
batch reads the rows of the members it touches, folds their new events and writes the rows back: two
statements per batch, whatever its size. Only events that change a balance are read (not identifiers,
profile or vouchers). `version` is the member version of the last one applied; the auditor's replay folds
the member's events up to that version and compares.
"""

from __future__ import annotations

from typing import Any, Sequence
from uuid import UUID

from loyalty_core.results import Balance
from projections import balance_fold
from projections.balance_fold import BalanceState
from projections.base import ReadProjection, distinct
from projections.readstore import Tx
from projections.view import PostgresView, SQLiteView, View

_COLUMNS = ("member_id", "version", "available", "pending", "reserved", "lifetime_earned",
            "lifetime_redeemed", "lifetime_expired", "tier", "next_expiry_points", "next_expiry_at", "state")


class BalanceView(View):
    name = "balances"
    TABLES = {"balances": "member_id {uuid} PRIMARY KEY, version {int} NOT NULL, available {int} NOT NULL, "
                          "pending {int} NOT NULL, reserved {int} NOT NULL, lifetime_earned {int} NOT NULL, "
                          "lifetime_redeemed {int} NOT NULL, lifetime_expired {int} NOT NULL, "
                          "tier {text} NOT NULL, next_expiry_points {int}, next_expiry_at {ts}, "
                          "state {blob} NOT NULL"}
    _CONFLICT = "ON CONFLICT (member_id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}"
                                                                      for c in _COLUMNS[1:])
    _SELECT = ("SELECT member_id, version, tier, lifetime_earned, lifetime_redeemed, lifetime_expired, state "
               "FROM {balances} WHERE ")
    _PUBLIC = ("SELECT member_id, version, available, pending, reserved, lifetime_earned, lifetime_redeemed, "
               "lifetime_expired, tier, next_expiry_points, next_expiry_at FROM {balances} WHERE ")

    def load_states(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, BalanceState]:
        states: dict[UUID, BalanceState] = {}
        for chunk in tx.chunks(member_ids):
            where, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            rows = tx.run(self.sql(self._SELECT) + where, params)
            for member_id, version, tier, earned, redeemed, expired, blob in rows:
                states[tx.to_uid(member_id)] = BalanceState.load(  # type: ignore[index]
                    bytes(blob), tier=tier, lifetime_earned=earned, lifetime_redeemed=redeemed,
                    lifetime_expired=expired, version=version)
        return states

    def save_states(self, tx: Tx, states: dict[UUID, BalanceState]) -> None:
        rows = []
        for member_id, state in states.items():
            b = state.balance()
            rows.append((tx.uid(member_id), state.version, b.available, b.pending, b.reserved,
                         b.lifetime_earned, b.lifetime_redeemed, b.lifetime_expired, b.tier,
                         b.next_expiry_points, tx.ts(b.next_expiry_at), state.dump()))
        tx.upsert(self.tables["balances"], _COLUMNS, rows, self._CONFLICT)

    def balances(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, tuple[Balance, int]]:
        """The stored balance and version of each member that has a row."""
        found: dict[UUID, tuple[Balance, int]] = {}
        for chunk in tx.chunks(member_ids):
            where, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            for row in tx.run(self.sql(self._PUBLIC) + where, params):
                balance = Balance(*row[2:10], next_expiry_at=tx.to_ts(row[10]))  # type: ignore[arg-type]
                found[tx.to_uid(row[0])] = (balance, int(row[1]))  # type: ignore[index]
        return found

    def count(self, tx: Tx) -> int:
        return int(tx.run(self.sql("SELECT count(*) FROM {balances}"))[0][0])

    def totals(self, tx: Tx) -> tuple[int, int, int]:
        row = tx.run(self.sql("SELECT coalesce(sum(available), 0), coalesce(sum(pending), 0), "
                              "coalesce(sum(reserved), 0) FROM {balances}"))[0]
        return int(row[0]), int(row[1]), int(row[2])


class SQLiteBalanceView(BalanceView, SQLiteView):
    pass


class PostgresBalanceView(BalanceView, PostgresView):
    pass


class BalanceProjection(ReadProjection):
    name = "balances"
    handles = balance_fold.BALANCE_EVENTS
    views = {"sqlite": SQLiteBalanceView, "postgres": PostgresBalanceView}
    view: BalanceView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        if not events:
            return
        ids = distinct([event.originator_id for _, event in events])
        states = self.view.load_states(tx, ids)
        for _, event in events:
            state = states.get(event.originator_id)
            if state is None:
                state = states[event.originator_id] = BalanceState()
            balance_fold.apply(event, state)
            state.version = event.originator_version
        self.view.save_states(tx, states)
