"""`audit verify`'s walk, as a property: whatever rows are edited, deleted, inserted or swapped behind the
application's back (at distinct positions), verify names exactly those positions, with the right kind,
and a log nobody touched verifies in full. The log is built in memory with the writer's own sealing
functions, so this checks the walk itself against many more tamperings than the SQL tests can."""

from __future__ import annotations

from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_core.sealing import GENESIS, row_digest, seal
from projections.chain import Mark, verify
from projections.sealed_log import SealedLog


class MemoryLog(SealedLog):
    def __init__(self, rows: dict[int, tuple], seals: dict[int, tuple[bytes, bytes]]):
        self.rows, self.sealed = rows, seals

    def event_page(self, after, limit):
        return [(i, *self.rows[i]) for i in sorted(self.rows) if i > after][:limit]

    def seal_page(self, after, limit):
        return [(i, *self.sealed[i]) for i in sorted(self.sealed) if i > after][:limit]


def _log(n: int) -> MemoryLog:
    rows, seals, previous = {}, {}, GENESIS
    for i in range(1, n + 1):
        content = (UUID(int=i % 5 + 1), i, "loyalty_core.events:PointsEarned", f'{{"points": {i}}}'.encode())
        digest = row_digest(*content)
        previous = seal(previous, i, digest)
        rows[i], seals[i] = content, (digest, previous)
    return MemoryLog(rows, seals)


@st.composite
def tamperings(draw):
    n = draw(st.integers(4, 40))
    positions = draw(st.permutations(range(1, n + 1)))
    ops, used = [], 0
    for kind in draw(st.lists(st.sampled_from(["edit", "delete", "swap", "insert"]), max_size=6)):
        take = 2 if kind == "swap" else 0 if kind == "insert" else 1
        if used + take > n:
            break
        ops.append((kind, positions[used:used + take]))
        used += take
    return n, ops


@settings(max_examples=300, deadline=None)
@given(tamperings())
def test_verify_names_exactly_the_rows_tampered_with(case):
    n, ops = case
    log, expected, fresh = _log(n), set(), 1000
    for kind, where in ops:
        if kind == "edit":
            origin, version, topic, state = log.rows[where[0]]
            log.rows[where[0]] = (origin, version, topic, state + b" ")
            expected.add(("altered", where[0]))
        elif kind == "delete":
            del log.rows[where[0]]
            expected.add(("deleted", where[0]))
        elif kind == "swap":
            a, b = where
            log.rows[a], log.rows[b] = log.rows[b], log.rows[a]
            expected |= {("reordered", a), ("reordered", b)}
        else:
            fresh += 1
            log.rows[fresh] = (UUID(int=fresh), 1, "loyalty_core.events:PointsAdjusted", b"{}")
            expected.add(("inserted", fresh))
    result = verify(log)
    assert {(p.kind, p.position) for p in result.problems} == expected
    assert result.ok == (not expected)
    if not expected:
        assert result.checked == result.events == n


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 30), st.data())
def test_a_signed_mark_catches_any_change_before_it_even_with_every_seal_rewritten(n, data):
    log = _log(n)
    clean = verify(log)
    mark = Mark(clean.head, clean.computed, clean.events)
    target = data.draw(st.integers(1, n))
    origin, version, topic, state = log.rows[target]
    log.rows[target] = (origin, version, topic, state + b"!")
    previous = GENESIS  # the attacker re-seals everything consistently
    for i in sorted(log.rows):
        digest = row_digest(*log.rows[i])
        previous = seal(previous, i, digest)
        log.sealed[i] = (digest, previous)
    assert verify(log).ok
    caught = verify(log, mark)
    assert [(p.kind, p.position) for p in caught.problems] == [("checkpoint", n)]
