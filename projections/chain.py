"""The auditor's walk over the sealed log: every stored event checked against the seal written with it.

Each event is sealed in the transaction that writes it (`loyalty_core/sealing.py`): its seal row holds
the row's content digest and `seal = sha256(previous seal ‖ id ‖ digest)`. `verify` reads the events and
the seals from one snapshot and walks them side by side, in id order:

- an event row with no seal was not written by the application: **inserted**;
- a seal with no event row: the row was **deleted**;
- a row whose content no longer matches its digest: **altered**, or **reordered** when its content is the
  content sealed at another position (rows swapped or moved);
- a seal that does not follow from the seal before it: the seal table itself was **resealed** there.

Each problem is named where it is, because every check uses the *stored* previous seal. An attacker who
rewrites the events and every seal after them consistently is caught by a signed checkpoint kept outside
the database: the chain recomputed from the rows themselves (`computed`) must reach the checkpoint's seal
(`projections/checkpoints.py`). Nothing is reported as checked that was not: `checked` counts rows whose
content was compared with a seal, and any row without a seal is a problem, never a pending one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loyalty_core.sealing import GENESIS, row_digest, seal
from projections.eventrows import FIRST, Row
from projections.sealed_log import Seal, SealedLog


@dataclass
class Problem:
    position: int
    kind: str
    """altered | deleted | inserted | reordered | resealed | checkpoint"""
    detail: str = ""


@dataclass(frozen=True)
class Mark:
    """A position the recomputed chain must reach with a known seal (a signed checkpoint)."""

    position: int
    seal: bytes
    events: int


@dataclass
class Verification:
    checked: int = 0
    """Rows whose content was compared with the seal written with them."""
    events: int = 0
    """Rows in the events table."""
    seals: int = 0
    head: int = FIRST
    """The highest position walked (FIRST: an empty log)."""
    computed: bytes = GENESIS
    """The seal recomputed from the rows alone, from the first row to `head`."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.checked == self.events


def verify(log: SealedLog, mark: Mark | None = None) -> Verification:
    walk = _Walk(mark)
    events, seals = log.events(), log.seals()
    row, sealed = next(events, None), next(seals, None)
    while row is not None or sealed is not None:
        if sealed is None or (row is not None and row[0] < sealed[0]):
            walk.unsealed(row)  # type: ignore[arg-type]
            row = next(events, None)
        elif row is None or sealed[0] < row[0]:
            walk.orphan(sealed)
            sealed = next(seals, None)
        else:
            walk.both(row, sealed)
            row, sealed = next(events, None), next(seals, None)
    return walk.finish()


class _Walk:
    def __init__(self, mark: Mark | None):
        self.result, self.mark = Verification(), mark
        self.stored = GENESIS
        self.altered: list[tuple[int, bytes]] = []
        """(position, the content found there) for rows that differ from their seal, or have none."""
        self.missing: dict[bytes, int] = {}
        """The content sealed at positions that now hold something else or nothing: digest -> position."""
        self.gone: list[int] = []
        self.inserted: set[int] = set()

    def _passing(self, position: int) -> None:
        mark = self.mark
        if mark is not None and self.result.head <= mark.position < position:
            self._check_mark()
        self.result.head = position

    def _advance(self, position: int, digest: bytes) -> None:
        self.result.computed = seal(self.result.computed, position, digest)
        self.result.events += 1

    def both(self, row: Row, sealed: Seal) -> None:
        position, stored_digest, stored_seal = sealed
        self._passing(position)
        digest = row_digest(*row[1:])
        if seal(self.stored, position, stored_digest) != stored_seal:
            self.result.problems.append(Problem(position, "resealed",
                                                "this seal does not follow from the one before it"))
        if digest != stored_digest:
            self.altered.append((position, digest))
            self.missing.setdefault(stored_digest, position)
        self.stored = stored_seal
        self.result.checked += 1
        self.result.seals += 1
        self._advance(position, digest)

    def unsealed(self, row: Row) -> None:
        self._passing(row[0])
        self.altered.append((row[0], row_digest(*row[1:])))
        self.inserted.add(row[0])
        self._advance(row[0], self.altered[-1][1])

    def orphan(self, sealed: Seal) -> None:
        position, stored_digest, stored_seal = sealed
        self._passing(position)
        if seal(self.stored, position, stored_digest) != stored_seal:
            self.result.problems.append(Problem(position, "resealed",
                                                "this seal does not follow from the one before it"))
        self.missing.setdefault(stored_digest, position)
        self.gone.append(position)
        self.stored = stored_seal
        self.result.seals += 1

    def _check_mark(self) -> None:
        mark = self.mark
        assert mark is not None
        if self.result.computed != mark.seal or self.result.events != mark.events:
            self.result.problems.append(Problem(mark.position, "checkpoint", (
                "the log up to this signed checkpoint differs from when it was signed "
                f"({self.result.events} rows now, {mark.events} then)")))
        self.mark = None

    def finish(self) -> Verification:
        if self.mark is not None:
            if self.result.head >= self.mark.position:
                self._check_mark()
            else:
                self.result.problems.append(Problem(self.mark.position, "checkpoint",
                                                    "the log ends before this signed checkpoint"))
        moved_to: dict[int, int] = {}
        for position, digest in self.altered:
            origin = self.missing.get(digest)
            if origin is not None and origin != position:
                moved_to[origin] = position
                self.result.problems.append(Problem(position, "reordered",
                                                    f"holds the row sealed at position {origin}"))
            elif position in self.inserted:
                self.result.problems.append(Problem(position, "inserted", "a row written without a seal"))
            else:
                self.result.problems.append(Problem(position, "altered",
                                                    "the row's content differs from when it was sealed"))
        for position in self.gone:
            detail = (f"its row now sits at position {moved_to[position]}" if position in moved_to
                      else "a sealed row is missing")
            self.result.problems.append(Problem(position, "deleted", detail))
        self.result.problems.sort(key=lambda p: (p.position, p.kind))
        return self.result
