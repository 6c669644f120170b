"""Group commit: commands that arrive together are decided one after another and written in one transaction.

The event store serialises writers through one table lock and one disk flush per transaction, so one
command per transaction caps a server at a few hundred commands a second. Here a decider thread takes
every command waiting in its queue (a lone command is not kept waiting: a batch is whatever queued up
meanwhile, plus an optional short linger), decides each against the state left by the ones before it,
and hands the batch to a writer thread that writes all its events and receipts in one `record()`. While
one batch is being written the next is being decided, on top of the first one's outcome.

Each command keeps its own outcome. A refusal is that command's answer alone, confirmed on fresh state
after the write. A batch trusts cached member state instead of re-reading it; if that state was stale
(another process wrote) or a retry's receipt already exists, the store refuses the whole write, and every
command of that batch — and of the batch decided on top of it — is run alone, re-reading and re-deciding.
So idempotency, per-member order and read-your-writes are exactly those of the one-at-a-time path.

A batch whose write fails for any other reason (the database restarting, a lost connection, a bug) is
void, and so is every batch decided on top of it: their callers are told to retry with the same key
(`StoreUnavailable`, 503), and nothing decided on an unwritten batch is ever written, cached or
snapshotted, since only a written batch's states reach the cache (`service.committed`). Snapshots are
taken after the write on a thread of their own (loyalty_core/snapshotter.py), never holding up a batch.
"""

from __future__ import annotations

import copy
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.member import Member
from loyalty_core.results import Result
from loyalty_core.snapshotter import Snapshotter


@dataclass
class BatchView:
    """The store as seen while deciding a batch: this batch's decisions first, then those of the batch
    still being written (`parent`), then the cache and the store."""

    store: Any
    parent: BatchView | None = None
    members: dict[UUID, Member] = field(default_factory=dict)
    claims: dict[UUID, Any] = field(default_factory=dict)
    receipts: dict[UUID, ev.CommandAccepted] = field(default_factory=dict)
    budgets: dict[UUID, tuple[int, int]] = field(default_factory=dict)
    read_claims: dict[UUID, Any] = field(default_factory=dict)
    """Claims as the store held them when this batch began (not decisions: never inherited by a batch on top)."""

    def _find(self, table: str, key: UUID) -> tuple[bool, Any]:
        view: BatchView | None = self
        while view is not None:
            found = getattr(view, table)
            if key in found:
                return True, found[key]
            view = view.parent
        return False, None

    def load_member(self, member_id: UUID) -> Member | None:
        hit, member = self._find("members", member_id)
        if hit:
            return member
        cached = self.store.members.get(member_id)
        return cached if cached is not None else self.store.load_member(member_id)

    def load_claim(self, claim_id: UUID) -> Any:
        hit, claim = self._find("claims", claim_id)
        if hit:
            return claim
        read = self.read_claims.get(claim_id)  # read from the store for this batch (GroupCommitter._warm)
        return read if read is not None else self.store.load_claim(claim_id)

    def member_by_claim(self, claim_id: UUID) -> tuple[Any, Member | None]:
        """As the store's: the claim and its owner, both as this batch sees them."""
        claim = self.load_claim(claim_id)
        if claim is None or claim.member_id is None:
            return claim, None
        return claim, self.load_member(claim.member_id)

    def load_receipt(self, receipt_id: UUID) -> ev.CommandAccepted | None:
        return self._find("receipts", receipt_id)[1]

    def load_budget(self, budget_id: UUID) -> tuple[int, int]:
        hit, budget = self._find("budgets", budget_id)
        return budget if hit else self.store.load_budget(budget_id)

    def absorb(self, events: list[ev.Event], member: Member | None) -> None:
        from loyalty_core.ledger import project_claim

        for event in events:
            if isinstance(event, ev.CommandAccepted):
                self.receipts[event.originator_id] = event
            elif isinstance(event, (ev.ClaimTaken, ev.ClaimReleased)):
                self.claims[event.originator_id] = project_claim(None, [event])
            elif isinstance(event, (ev.CampaignBudgetCharged, ev.RewardStockTaken)):  # counted the same way
                spent = self.load_budget(event.originator_id)[1]
                self.budgets[event.originator_id] = (event.originator_version, spent + event.points)
        if member is not None:
            self.members[member.id] = member

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@dataclass
class Waiting:
    prepared: Any
    future: Future = field(default_factory=Future)


@dataclass
class Round:
    """One batch on its way: decided on `view`, written (or not) by the writer."""

    view: BatchView
    parent: Round | None
    planned: list[tuple[Waiting, Any]] = field(default_factory=list)
    replays: list[tuple[Waiting, ev.CommandAccepted]] = field(default_factory=list)
    refused: list[Waiting] = field(default_factory=list)
    written: threading.Event = field(default_factory=threading.Event)
    failed: bool = False
    """Nothing of this batch was written, whatever the reason: every batch decided on top of it is void."""
    unavailable: bool = False
    """It failed because the store failed (not a write conflict): batches on top of it are refused as
    retryable rather than re-run alone, since the store that just failed would be asked again at once."""


class GroupCommitter:
    def __init__(self, service: Any, max_batch: int = 500, linger_ms: int = 0):
        self.service = service
        self.max_batch = max_batch
        self.linger_s = linger_ms / 1000
        self.queue: queue.Queue[Waiting | None] = queue.Queue()
        # One round written while the next is decided; a third waits for the writer.
        self.rounds: queue.Queue[Round | None] = queue.Queue(maxsize=1)
        self.batches = self.commands = self.fallbacks = 0
        self._last: Round | None = None
        self._closed = False
        # Snapshots of the states a batch took across an interval, taken after the callers are answered
        # and off this writer's thread (loyalty_core/snapshotter.py).
        self.snapshots = Snapshotter(service.snapshot_member)
        self._decider = threading.Thread(target=self._decide_loop, name="group-commit-decide", daemon=True)
        self._writer = threading.Thread(target=self._write_loop, name="group-commit-write", daemon=True)
        self._decider.start()
        self._writer.start()

    def submit(self, prepared: Any) -> Result:
        return self.submit_future(prepared).result()  # type: ignore[no-any-return]

    def submit_future(self, prepared: Any) -> Future:
        """Queue a prepared command; its outcome comes in the future (an async caller awaits it without
        holding a thread: api/idempotency.py)."""
        if self._closed:
            raise RuntimeError("group commit is closed: the service is shutting down")
        waiting = Waiting(prepared)
        self.queue.put(waiting)
        return waiting.future

    def close(self) -> None:
        """Finish what was submitted, then stop; later submissions are refused, never left waiting."""
        if self._closed:
            return
        self._closed = True
        self.queue.put(None)
        self._decider.join(timeout=10)
        self._writer.join(timeout=10)
        self.snapshots.close()
        leftovers = []
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if item is not None:
                leftovers.append(item)
        _fail(leftovers, RuntimeError("group commit is closed: the service is shutting down"))

    # --- deciding -------------------------------------------------------------------------------
    def _take_batch(self) -> list[Waiting] | None:
        first = self.queue.get()
        if first is None:
            return None
        batch = [first]
        deadline = time.monotonic() + self.linger_s
        while len(batch) < self.max_batch:
            try:
                timeout = deadline - time.monotonic()
                item = self.queue.get(timeout=timeout) if timeout > 0 else self.queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self.queue.put(None)
                break
            batch.append(item)
        return batch

    def _decide_loop(self) -> None:
        while (batch := self._take_batch()) is not None:
            try:
                self.rounds.put(self._decide(batch))
            except BaseException as exc:  # never leave a caller waiting forever
                _fail(batch, exc)
        self.rounds.put(None)

    def _decide(self, batch: list[Waiting]) -> Round:
        parent = self._last if self._last is not None and not self._last.written.is_set() else None
        round_ = Round(BatchView(self.service.store, parent.view if parent else None), parent)
        local = copy.copy(self.service)
        local.store, local.batcher = round_.view, None
        self._warm(round_.view, batch)
        for waiting in batch:
            prepared = waiting.prepared
            receipt = round_.view.load_receipt(prepared.receipt_id)
            if receipt is not None:  # the same key twice in flight: the second is a retry of the first
                round_.replays.append((waiting, receipt))
                continue
            try:
                plan = local.plan(prepared)
            except errors.LoyaltyError:
                round_.refused.append(waiting)
                continue
            except Exception as exc:
                waiting.future.set_exception(exc)
                continue
            round_.view.absorb(plan.events, plan.member)
            round_.planned.append((waiting, plan))
        self.batches += 1
        self.commands += len(batch)
        self._last = round_
        return round_

    def _warm(self, view: BatchView, batch: list[Waiting]) -> None:
        """Read what this batch will need from the store in two queries before deciding it: the claims of
        the reservations its commands name (a capture or a cancellation finds its member that way), then the
        cold members, named by id or by those claims. One at a time, each was a round trip in this thread,
        which every other command of the batch waited for (on a freshly started server, most of the decider's
        time; in a till's reserve-then-capture flow, a round trip per capture)."""
        from loyalty_core.handlers.common import RESERVATION
        from loyalty_core.histories import load_claims, warm_members

        store = self.service.store
        if not hasattr(store, "members") or not hasattr(store, "recorder"):
            return
        wanted: list[UUID] = []
        reservations: list[UUID] = []
        for waiting in batch:
            command = waiting.prepared.command
            member_id = getattr(getattr(command, "member", None), "member_id", None)
            if isinstance(member_id, UUID):
                wanted.append(member_id)
            reservation_id = getattr(command, "reservation_id", None)
            if isinstance(reservation_id, str) and len(reservation_id) <= 100:
                claim_id = ids.claim_id(RESERVATION, reservation_id)
                if not view._find("claims", claim_id)[0]:
                    reservations.append(claim_id)
        try:
            if reservations:
                view.read_claims = load_claims(store, reservations)
                wanted += [claim.member_id for claim in view.read_claims.values() if claim.member_id is not None]
            cold = [m for m in dict.fromkeys(wanted) if not view._find("members", m)[0]]
            if cold:
                warm_members(store, cold)
        except errors.StoreUnavailable:
            pass  # each command then loads what it needs itself and gets the store's own answer

    # --- writing --------------------------------------------------------------------------------
    def _write_loop(self) -> None:
        while (round_ := self.rounds.get()) is not None:
            try:
                self._write(round_)
            except BaseException as exc:
                # Whatever went wrong, this batch's state must never become the base of another one.
                round_.failed = round_.unavailable = True
                _fail([w for w, _ in round_.planned] + [w for w, _ in round_.replays] + round_.refused, exc)
            finally:
                round_.written.set()
                # Cut the chain behind a written batch: what it decided is in the cache and the store now,
                # and a chain left to grow would make every lookup walk every batch ever decided.
                round_.parent = None
                round_.view.parent = None

    def _write(self, round_: Round) -> None:
        from loyalty_core.service import replay

        events = [event for _, plan in round_.planned for event in plan.events]
        parent = round_.parent
        if parent is not None and parent.unavailable:
            # Decided on top of a batch the store failed to write: nothing here stands, and the store is
            # failing, so the callers are told to retry with the same key rather than being re-run now.
            round_.failed = round_.unavailable = True
            _fail([w for w, _ in round_.planned] + [w for w, _ in round_.replays] + round_.refused,
                  errors.StoreUnavailable("the store failed while writing an earlier batch; retry"))
            return
        try:
            if parent is not None and parent.failed:  # decided on a batch that was not written
                raise errors.WriteConflict("the batch this one was decided on was not written")
            if events:
                self.service.store.record(events)
        except errors.WriteConflict:
            round_.failed = True
            self.fallbacks += 1
            self._run_alone([w for w, _ in round_.planned] + [w for w, _ in round_.replays])
        else:
            for waiting, plan in round_.planned:
                self.service.committed(plan, self.snapshots)
                waiting.future.set_result(plan.result)
            for waiting, receipt in round_.replays:
                _answer(waiting, lambda: replay(receipt, waiting.prepared.name, waiting.prepared.request))
        # A refusal was decided on cached state, which another process may have moved on: confirm it
        # on fresh state, after this batch's writes, before it becomes the answer.
        self._run_alone(round_.refused)

    def _run_alone(self, waiting: list[Waiting]) -> None:
        for item in waiting:
            if not item.future.done():
                _answer(item, lambda: self.service.execute_alone(item.prepared))


def _answer(waiting: Waiting, produce: Any) -> None:
    try:
        waiting.future.set_result(produce())
    except Exception as exc:
        waiting.future.set_exception(exc)


def _fail(waiting: list[Waiting], exc: BaseException) -> None:
    for item in waiting:
        if not item.future.done():
            item.future.set_exception(exc)
