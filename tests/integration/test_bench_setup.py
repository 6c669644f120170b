"""The benchmarks' fast setup (`bench.ledger_support.write_decided`) survives a random code drawn twice.

It decides batches of commands against the claims the setup took itself, without reading the database, and
writes each batch in one transaction. 100,000 enrolments draw an 8-character member code that an earlier
batch already holds about one run in seven: the run-due benchmark then failed its setup with a unique
violation. A batch whose write conflicts is decided again by the service, which reads the claims.
"""

from __future__ import annotations

from bench import ledger_support as ls
from loyalty_core import identifiers as ids


def test_a_member_code_drawn_twice_across_batches_is_decided_again_and_every_member_enrols(
        runtime, monkeypatch):
    real = ids.new_member_code
    draws = iter(["M0000000" + ids._check_char("0000000")] * 2)
    monkeypatch.setattr(ids, "new_member_code", lambda prefix="M": next(draws, None) or real(prefix))
    members = ls.enrol(runtime, 3, batch=1)
    assert len(set(members.ids)) == 3
    codes = {runtime.store.load_member(m).identifier(ids.MEMBER_CODE) for m in members.ids}
    assert len(codes) == 3
