"""The auditor's replay, and a member's balance at any past instant, both from the events alone.

`replay` reads every member's events together (in member, version order, straight from the events
table), folds them with the ledger's own fold (`loyalty_core.member.project_member`, not the projection's
compact copy of it) and compares `Balance.of(member)` with the balances projection's row. The row says
which member version it reflects; the fold goes to that same version, so a worker running during the
audit does not cause false alarms. A row missing although its member's events are below the
projection's tracking position, or a row older than the last balance event below that position, is a
difference too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterator
from uuid import UUID

from eventsourcing.persistence import Notification

from loyalty_core.ledger import LedgerStore
from loyalty_core.member import project_member
from loyalty_core.results import Balance
from projections.balance_fold import BALANCE_EVENTS
from projections.balances import BalanceView
from projections.codec import Decoder, member_event_classes, topics_of
from projections.eventrows import EventRows

CHUNK = 2000


@dataclass
class Difference:
    member_id: UUID
    what: str
    stored: Any = None
    folded: Any = None


@dataclass
class ReplayReport:
    members: int = 0
    events: int = 0
    position: int = 0
    rows: int = 0
    """Members compared with a stored row."""
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def balance_as_of(store: LedgerStore, member_id: UUID, at: datetime) -> Balance | None:
    """The balance the ledger recorded for the member at `at`: every event with timestamp <= at, folded.

    Work that was due but not yet recorded by then (an expiry the next command would have applied) is
    not in it: this is what the books said at that instant.
    """
    events = [e for e in store.member_events(member_id) if e.timestamp <= at]
    member = project_member(None, events)
    return Balance.of(member) if member is not None else None


def _members(rows: EventRows, decoder: Decoder) -> Iterator[tuple[UUID, list[tuple[int, Any]]]]:
    """(member id, [(notification id, event), ...]) for every member, in member id order."""
    topics, after, current, events = topics_of(member_event_classes()), None, None, []
    while True:
        page = rows.member_rows(after, CHUNK, topics)
        notifications = [Notification(id=nid, originator_id=originator if isinstance(originator, UUID)
                                      else UUID(str(originator)), originator_version=version, topic=topic,
                                      state=state) for nid, originator, version, topic, state in page]
        decoder.warm_keys(notifications)
        for notification in notifications:
            member_id = notification.originator_id
            if member_id != current:
                if current is not None:
                    yield current, events
                current, events = member_id, []
            events.append((notification.id, decoder.decode(notification)))
        if len(page) < CHUNK:
            break
        after = (page[-1][1], page[-1][2])
    if current is not None:
        yield current, events


def replay(rows: EventRows, decoder: Decoder, balances: BalanceView,
           on_member: Callable[[int], None] | None = None,
           served: Callable[[UUID, list[Any]], Any] | None = None) -> ReplayReport:
    """Compare each member's fold with the balances projection and, given `served` (a
    `projections.served.ServedCheck`), with the state the service serves from snapshots."""
    report = ReplayReport(position=balances.position())
    chunk: list[tuple[UUID, list[tuple[int, Any]]]] = []
    for member in _members(rows, decoder):
        chunk.append(member)
        if len(chunk) == CHUNK:
            _check_served(chunk, served, report)
            _compare(chunk, balances, report)
            chunk = []
            if on_member is not None:
                on_member(report.members)
    _check_served(chunk, served, report)
    _compare(chunk, balances, report)
    with balances.store.transaction(write=False) as tx:
        extra = balances.count(tx) - report.rows
    if extra > 0:
        report.differences.append(Difference(UUID(int=0), f"{extra} rows for members without events"))
    return report


def _check_served(chunk: list[tuple[UUID, list[tuple[int, Any]]]],
                  served: Callable[[UUID, list[Any]], Any] | None, report: ReplayReport) -> None:
    """The served-state check of a chunk of members: all at once when the check can (`ServedCheck.many`:
    their snapshots and newer events in one query, where one member at a time cost two round trips each)."""
    if served is None or not chunk:
        return
    members = [(member_id, [event for _, event in events]) for member_id, events in chunk]
    many = getattr(served, "many", None)
    findings = many(members) if many is not None else [served(member_id, events) for member_id, events in members]
    for finding in findings:
        if finding is not None:
            report.differences.append(Difference(finding.member_id, finding.what, finding.served, finding.folded))


def _compare(chunk: list[tuple[UUID, list[tuple[int, Any]]]], balances: BalanceView,
             report: ReplayReport) -> None:
    with balances.store.transaction(write=False) as tx:
        stored = balances.balances(tx, [member_id for member_id, _ in chunk])
    for member_id, events in chunk:
        report.members += 1
        report.events += len(events)
        report.rows += member_id in stored
        difference = _check(member_id, events, stored.get(member_id), report.position)
        if difference is not None:
            report.differences.append(difference)


def _missing(member_id: UUID, events: list[tuple[int, Any]]) -> Difference | None:
    """A member's versions must run 1, 2, 3, ... with none missing: a gap is a finding, never a crash."""
    expected = 1
    for _, event in events:
        if event.originator_version != expected:
            return Difference(member_id, "missing event", f"version {expected}",
                              f"next stored version is {event.originator_version}")
        expected += 1
    return None


def _check(member_id: UUID, events: list[tuple[int, Any]], row: tuple[Balance, int] | None,
           position: int) -> Difference | None:
    missing = _missing(member_id, events)
    if missing is not None:
        return missing
    applied = [e for nid, e in events if nid <= position and isinstance(e, BALANCE_EVENTS)]
    if row is None:
        return Difference(member_id, "missing row") if applied else None
    balance, version = row
    if applied and version < applied[-1].originator_version:
        return Difference(member_id, "row behind the tracking position", version,
                          applied[-1].originator_version)
    upto = [e for _, e in events if e.originator_version <= version]
    if not upto or upto[-1].originator_version != version:
        return Difference(member_id, "row ahead of the stored events", version,
                          events[-1][1].originator_version)
    try:
        folded = Balance.of(project_member(None, upto))  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - an auditor's tool reports what it cannot fold, and goes on
        return Difference(member_id, "events do not fold", None, f"{type(exc).__name__}: {exc}")
    if folded != balance:
        changed = {k: (v, asdict(folded)[k]) for k, v in asdict(balance).items() if asdict(folded)[k] != v}
        return Difference(member_id, "balance differs", {k: v[0] for k, v in changed.items()},
                          {k: v[1] for k, v in changed.items()})
    return None
