"""What the service serves, compared with what the stored events say.

The ledger answers from a member cache and from snapshots, not from a fold of every event; the auditor's
replay used to compare two folds of the same events, so a served state that had drifted from the events
(points from a batch that was never written, kept in the cache and then snapshotted) passed unseen. Here a
member is loaded the way the service loads it cold (latest snapshot, then the newer events), and a live
process's cached states are compared too; each is set against the plain fold of the stored events at the
same version. A gap in the stored versions is a finding of its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable
from uuid import UUID

from loyalty_core.errors import LedgerIntegrityError
from loyalty_core.ledger import LedgerStore, project_stored_member
from loyalty_core.member import Member
from loyalty_core.results import Balance


@dataclass
class ServedFinding:
    member_id: UUID
    what: str
    served: Any = None
    folded: Any = None


def fold_events(events: Iterable[Any]) -> Member | None:
    """The plain fold of a member's stored events, refusing gaps (raises LedgerIntegrityError)."""
    return project_stored_member(None, events)


def compare(member_id: UUID, served: Member | None, folded: Member | None, source: str) -> ServedFinding | None:
    if served == folded:
        return None
    if served is None or folded is None:
        return ServedFinding(member_id, f"{source}: member {'missing' if served is None else 'unexpected'}",
                             served is not None, folded is not None)
    served_balance, folded_balance = asdict(Balance.of(served)), asdict(Balance.of(folded))
    changed = {k for k in served_balance if served_balance[k] != folded_balance[k]}
    if not changed:  # same balance, other state (lots, vouchers, tier figures): still a difference
        changed_fields = [k for k in served.__dataclass_fields__ if getattr(served, k) != getattr(folded, k)]
        return ServedFinding(member_id, f"{source}: state differs in {', '.join(changed_fields)}")
    return ServedFinding(member_id, f"{source}: balance differs", {k: served_balance[k] for k in changed},
                         {k: folded_balance[k] for k in changed})


class ServedCheck:
    """Checks members as a cold service would load them, through `store` (its cache is bypassed)."""

    def __init__(self, store: LedgerStore):
        self.store = store

    def many(self, members: list[tuple[UUID, list[Any]]]) -> list[ServedFinding | None]:
        """`self(member_id, events)` for each, with every member's snapshot and newer events read in one query
        (`warm_members`) first; a member that query could not load (a stale snapshot, a gap) is loaded alone,
        the way `load_member` reports it."""
        from loyalty_core.histories import warm_members

        ids = [member_id for member_id, _ in members]
        for member_id in ids:
            self.store.members.evict(member_id)
        try:
            warm_members(self.store, ids)
            return [self(member_id, events, self.store.members.get(member_id)) for member_id, events in members]
        finally:
            for member_id in ids:
                self.store.members.evict(member_id)

    def __call__(self, member_id: UUID, events: list[Any], served: Any = None) -> ServedFinding | None:
        """`served`: the state loaded for this member already (by `many`); None: loaded here, cold."""
        try:
            folded = fold_events(events)
        except LedgerIntegrityError as exc:
            return ServedFinding(member_id, f"stored events: {exc}")
        if served is None:
            self.store.members.evict(member_id)
            try:
                served = self.store.load_member(member_id)
            except LedgerIntegrityError as exc:
                return ServedFinding(member_id, f"snapshot path: {exc}")
            finally:
                self.store.members.evict(member_id)
        if served is not None and folded is not None and served.version != folded.version:
            # Events written after the replay read this member's rows: compare at the version read.
            served = self.store.load_member_at(member_id, folded.version)
        return compare(member_id, served, folded, "snapshot path")


def check_cache(store: LedgerStore) -> tuple[int, list[ServedFinding]]:
    """Every member state a live process holds in its cache, against the fold of the stored events at the
    same version. Returns (members checked, findings)."""
    findings: list[ServedFinding] = []
    cached = store.members.snapshot_items()
    for member in cached:
        try:
            folded = fold_events(store.events.get(member.id, lte=member.version))
        except LedgerIntegrityError as exc:
            findings.append(ServedFinding(member.id, f"stored events: {exc}"))
            continue
        finding = compare(member.id, member, folded, "cache")
        if finding is not None:
            findings.append(finding)
    return len(cached), findings
