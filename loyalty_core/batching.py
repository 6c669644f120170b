"""Group commit: commands that arrive together are decided one after another and written in one transaction.

The event store serialises writers through one table lock and one disk flush per transaction, so one
command per transaction caps a server at a few hundred commands a second. Here a committer thread takes
every command waiting in its queue (a lone command is not kept waiting: the batch is whatever queued up
while the previous one was being written, plus an optional short linger), decides each against the state
left by the ones before it, and writes all their events and receipts in one `record()`.

Each command keeps its own outcome. A refusal is that command's answer alone and writes nothing. The
batch trusts cached member state instead of re-reading it; if that state was stale (another process wrote)
or a retry's receipt already exists, the store refuses the whole write, and every command of the batch is
then run alone, which re-reads and re-decides — so idempotency, per-member order and read-your-writes are
exactly those of the one-at-a-time path.
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
from loyalty_core.member import Member
from loyalty_core.results import Result


@dataclass
class BatchView:
    """The store as seen from inside a batch: what earlier commands of the batch decided comes first."""

    store: Any
    members: dict[UUID, Member] = field(default_factory=dict)
    claims: dict[UUID, Any] = field(default_factory=dict)
    receipts: dict[UUID, ev.CommandAccepted] = field(default_factory=dict)
    budgets: dict[UUID, tuple[int, int]] = field(default_factory=dict)

    def load_member(self, member_id: UUID) -> Member | None:
        if member_id in self.members:
            return self.members[member_id]
        cached = self.store.members.get(member_id)
        return cached if cached is not None else self.store.load_member(member_id)

    def load_claim(self, claim_id: UUID) -> Any:
        if claim_id in self.claims:
            return self.claims[claim_id]
        return self.store.load_claim(claim_id)

    def load_receipt(self, receipt_id: UUID) -> ev.CommandAccepted | None:
        return self.receipts.get(receipt_id)

    def load_budget(self, budget_id: UUID) -> tuple[int, int]:
        if budget_id in self.budgets:
            return self.budgets[budget_id]
        return self.store.load_budget(budget_id)

    def absorb(self, events: list[ev.Event], member: Member | None) -> None:
        from loyalty_core.ledger import project_claim

        for event in events:
            if isinstance(event, ev.CommandAccepted):
                self.receipts[event.originator_id] = event
            elif isinstance(event, (ev.ClaimTaken, ev.ClaimReleased)):
                self.claims[event.originator_id] = project_claim(None, [event])
            elif isinstance(event, ev.CampaignBudgetCharged):
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


class GroupCommitter:
    def __init__(self, service: Any, max_batch: int = 500, linger_ms: int = 0):
        self.service = service
        self.max_batch = max_batch
        self.linger_s = linger_ms / 1000
        self.queue: queue.Queue[Waiting | None] = queue.Queue()
        self.batches = 0
        self.commands = 0
        self.fallbacks = 0
        self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._thread.start()

    def submit(self, prepared: Any) -> Result:
        waiting = Waiting(prepared)
        self.queue.put(waiting)
        return waiting.future.result()

    def close(self) -> None:
        self.queue.put(None)
        self._thread.join(timeout=10)

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

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            if batch is None:
                return
            try:
                self._commit(batch)
            except BaseException as exc:  # never leave a caller waiting forever
                for waiting in batch:
                    if not waiting.future.done():
                        waiting.future.set_exception(exc)

    def _commit(self, batch: list[Waiting]) -> None:
        view = BatchView(self.service.store)
        local = copy.copy(self.service)
        local.store, local.batcher = view, None
        planned: list[tuple[Waiting, Any]] = []
        replays: list[tuple[Waiting, ev.CommandAccepted]] = []
        refused: list[Waiting] = []
        for waiting in batch:
            prepared = waiting.prepared
            receipt = view.load_receipt(prepared.receipt_id)
            if receipt is not None:  # the same key twice in one batch: the second is a retry of the first
                replays.append((waiting, receipt))
                continue
            try:
                plan = local.plan(prepared)
            except errors.LoyaltyError:
                refused.append(waiting)
                continue
            except Exception as exc:
                waiting.future.set_exception(exc)
                continue
            view.absorb(plan.events, plan.member)
            planned.append((waiting, plan))
        self.batches += 1
        self.commands += len(batch)
        if planned:
            try:
                self.service.store.record([event for _, plan in planned for event in plan.events])
            except errors.WriteConflict:
                self.fallbacks += 1
                self._run_alone([waiting for waiting, _ in planned] + [waiting for waiting, _ in replays])
                replays = []
            else:
                for waiting, plan in planned:
                    self.service.committed(plan)
                    waiting.future.set_result(plan.result)
        from loyalty_core.service import replay

        for waiting, receipt in replays:
            self._answer(waiting, lambda: replay(receipt, waiting.prepared.name, waiting.prepared.request))
        # A refusal was decided on cached state, which another process may have moved on: confirm it
        # on fresh state, after this batch's writes, before it becomes the answer.
        self._run_alone(refused)

    def _answer(self, waiting: Waiting, produce: Any) -> None:
        try:
            waiting.future.set_result(produce())
        except Exception as exc:
            waiting.future.set_exception(exc)

    def _run_alone(self, waiting: list[Waiting]) -> None:
        for item in waiting:
            if not item.future.done():
                self._answer(item, lambda: self.service.execute_alone(item.prepared))
