"""Retrying dead letters: apply a set-aside event again, after the fix that makes it applicable.

What an operator runs once the cause of a dead letter is fixed (a release that reads the old event, a
projection that tolerates the value): each chosen dead letter's event is read from the store by its
notification id, decoded, and applied to the live generation of its projection in one transaction that
also deletes the dead letter. If it fails again, the dead letter stays, with the new error and one more
attempt. Dead letters of a generation that is no longer live (a rebuild replaced it) are simply removed.

The event is applied after the ones that followed it. That is right for projections whose rows are keyed
by the event or overwritten by it (timeline, search, campaign and KPI days), and wrong for a running fold:
a member's balance row already folded later events. So for `balances` a retry is refused when the member's
row has moved past the event's version, and the answer says to rebuild the projection instead, which
replays everything in order (and records any dead letter again if the cause is still there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from loyalty_core.ledger import LedgerStore
from projections.base import ReadProjection
from projections.catalog import ReadSide
from projections.codec import Decoder
from projections.deadletter import DeadLetter, DeadLetters, describe, is_poison
from projections.readstore import Tx

#: Projections that fold a member's events in order: a late event cannot simply be applied on top.
FOLDS = {"balances"}


@dataclass
class RetryReport:
    cleared: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Dead letter id -> why it is still there."""
    stale: list[str] = field(default_factory=list)
    """Dead letters of generations no longer live, removed."""
    unknown: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"cleared": self.cleared, "failed": self.failed, "stale": self.stale, "unknown": self.unknown}


class OutOfOrder(Exception):
    """Applying this event now would fold it after later ones."""


def retry(side: ReadSide, store: LedgerStore, ids: Sequence[str] | None = None) -> RetryReport:
    """Retry the dead letters named by `ids` (all of them when None)."""
    live = side.live()
    dead = DeadLetters(side.store)
    letters = dead.list()
    report = RetryReport()
    if ids is not None:
        known = {letter.id for letter in letters}
        report.unknown = [i for i in ids if i not in known]
        letters = [letter for letter in letters if letter.id in set(ids)]
    decoder = Decoder(store.mapper, {c for p in live.values() for c in p.handles})
    for letter in letters:
        projection = live.get(letter.projection)
        if projection is None or projection.view.generation != letter.generation:
            dead.drop_generation(letter.projection, letter.generation)
            report.stale.append(letter.id)
            continue
        try:
            _retry_one(projection, store, decoder, dead, letter)
        except Exception as exc:  # noqa: BLE001 - the event's failure is recorded; the database's is raised
            if not (is_poison(exc) or isinstance(exc, OutOfOrder)):
                raise
            dead.failed_again(letter, exc)
            report.failed[letter.id] = describe(exc)
        else:
            report.cleared.append(letter.id)
    return report


def _retry_one(projection: ReadProjection, store: LedgerStore, decoder: Decoder, dead: DeadLetters,
               letter: DeadLetter) -> None:
    found = store.recorder.select_notifications(start=letter.notification_id, stop=letter.notification_id,
                                                limit=1)
    notification = found[0] if found and found[0].id == letter.notification_id else None
    event = decoder.decode(notification) if notification is not None else None
    with projection.view.store.transaction() as tx:
        if event is not None and type(event) in projection.handles:
            if letter.projection in FOLDS:
                _check_in_order(projection, tx, event)
            projection.apply(tx, [(letter.notification_id, event)])
        dead.remove(tx, letter)


def _check_in_order(projection: ReadProjection, tx: Tx, event: Any) -> None:
    rows = projection.view.balances(tx, [event.originator_id])  # type: ignore[attr-defined]
    version = rows[event.originator_id][1] if event.originator_id in rows else 0
    if version >= event.originator_version:
        raise OutOfOrder(f"the {projection.name} row of {event.originator_id} already folded version {version}; "
                         f"rebuild the projection to apply version {event.originator_version} in order "
                         f"(loyalty projections rebuild {projection.name})")
