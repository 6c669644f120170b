"""Running an import: every row's command through the service, from a pool of threads, resumable.

With group commit switched on, the pool keeps the service's batcher full, so hundreds of rows share one
transaction and one disk flush instead of paying one each. Before a row is sent, its receipt is looked up:
a row that an earlier (crashed or finished) run already wrote is counted as done without deciding it again,
so a resumed run costs one read per finished row and a re-run of the same file writes nothing at all.
Each row's outcome is kept (imported, already there, refused with a code and a Vietnamese reason), so
the report can say exactly what happened to every row.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from loyalty_core import errors
from loyalty_core.migration.handlers import prefetch_free_claims
from loyalty_core.service import replay

IMPORTED, ALREADY, REFUSED, HELD = "imported", "already_imported", "refused", "held"


@dataclass(frozen=True)
class RowOutcome:
    row: int
    status: str
    code: str | None = None
    problem_vi: str | None = None


@dataclass
class ImportReport:
    total: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    seconds: int | None = None

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def refused(self) -> list[RowOutcome]:
        return sorted((o for o in self.outcomes if o.status == REFUSED), key=lambda o: o.row)

    def summary(self) -> dict[str, Any]:
        return {"rows": self.total, IMPORTED: self.count(IMPORTED), ALREADY: self.count(ALREADY),
                HELD: self.count(HELD), REFUSED: self.count(REFUSED),
                "refusals": [{"row": o.row, "code": o.code, "problem_vi": o.problem_vi} for o in self.refused]}


_REASONS_VI = {
    "identifier_taken": "Số điện thoại đã là hội viên (đăng ký trước khi nhập); dòng này được bỏ qua.",
    "idempotency_key_reused": "Dòng này đã được nhập trước đó với dữ liệu khác; không ghi đè.",
    "member_not_found": "Không có hội viên với số điện thoại này.",
}


class ResumeDetector:
    """Whether looking a row's receipt up before sending it still pays.

    A resumed run meets the rows an earlier run finished first (the file is read in the same order), and
    reading their receipts in the worker threads, in parallel, keeps them out of the single group-commit
    decider. Once a long run of rows has no receipt, the rest are new: the lookups stop, and a row that
    was written after all is still caught by the store, whose primary key refuses a second receipt (the
    row is then answered from the first one). So this only ever saves time; it never decides correctness.
    """

    MISSES_BEFORE_STOPPING = 256

    def __init__(self) -> None:
        self.misses_in_a_row = 0

    def worth_checking(self) -> bool:
        return self.misses_in_a_row < self.MISSES_BEFORE_STOPPING

    def saw(self, receipt_found: bool) -> None:
        self.misses_in_a_row = 0 if receipt_found else self.misses_in_a_row + 1


def run_commands(service: Any, rows: Iterable[tuple[int, Any]], *, workers: int = 16,
                 on_done: Callable[[RowOutcome], None] | None = None) -> ImportReport:
    """Execute (row number, command) pairs concurrently; never more than a few per worker in flight.

    A command may be given as a function that builds it, to do the building's reads in the pool too."""
    report = ImportReport()
    lock = threading.Lock()
    started = time.monotonic()

    resuming = ResumeDetector()

    def one(number: int, command: Any) -> RowOutcome:
        try:
            if callable(command):  # built in the worker thread (it may read, e.g. to resolve a member)
                command = command()
            if resuming.worth_checking():
                prepared = service.prepare(command)
                receipt = service.store.load_receipt(prepared.receipt_id)
                resuming.saw(receipt is not None)
                if receipt is not None:
                    replay(receipt, prepared.name, prepared.request)  # refuses a changed row
                    return RowOutcome(number, ALREADY)
            prefetch_free_claims(service, command)
            result = service.execute(command)
            if result.replayed:
                return RowOutcome(number, ALREADY)
            # A sale for a phone nobody has enrolled yet is held for them (loyalty_core/identity).
            return RowOutcome(number, HELD if getattr(result, "status", None) == "unclaimed" else IMPORTED)
        except errors.StoreUnavailable:
            raise  # the store is gone: stop here; a re-run resumes where this one stopped
        except errors.LoyaltyError as exc:
            return RowOutcome(number, REFUSED, exc.code, _REASONS_VI.get(exc.code, f"{exc.message_vi} ({exc.message})"))

    def finished(future: Future) -> None:
        outcome = future.result()
        with lock:
            report.outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import") as pool:
        in_flight: set[Future] = set()
        for number, command in rows:
            report.total += 1
            if len(in_flight) >= workers * 4:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    finished(future)
            in_flight.add(pool.submit(one, number, command))
        for future in wait(in_flight).done:
            finished(future)
    report.seconds = int(time.monotonic() - started)
    return report
