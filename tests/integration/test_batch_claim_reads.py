"""A batch of captures reads its reservations' claims in one query before it is decided (GroupCommitter._warm),
not one round trip per capture in the deciding thread, with the same outcomes."""

from __future__ import annotations

import threading

import pytest

from loyalty_core import commands as c
from loyalty_core import errors
from tests.builders import earn, enroll, key, ledger

pytestmark = pytest.mark.postgres


def _reserve(service, member, points):
    return service.execute(c.ReservePoints(idempotency_key=key("reserve"), member=member, points=points,
                                           order_ref=key("order"), channel="pos", store_id="HCM-01"))


def test_captures_decided_together_read_their_claims_in_one_query_and_each_keeps_its_outcome(postgres_url):
    with ledger(postgres_url, pool_size=8) as service:
        members = [enroll(service, phone=f"09010020{i:02d}") for i in range(6)]
        for member in members:
            earn(service, member, 100)
        held = [_reserve(service, member, 30) for member in members]
        from loyalty_core.service import enable_group_commit

        enable_group_commit(service, linger_ms=300)  # the six captures below land in one batch
        store = service.store
        single_reads = []
        real_load_claim = store.load_claim

        def counting_load_claim(claim_id):
            single_reads.append(claim_id)
            return real_load_claim(claim_id)

        store.load_claim = counting_load_claim
        outcomes: dict[int, object] = {}
        commands = [c.CaptureReservation(idempotency_key=key("capture"), reservation_id=r.reservation_id,
                                         channel="pos", store_id="HCM-01") for r in held]
        commands[-1] = c.CaptureReservation(idempotency_key=key("capture"), reservation_id="no-such-reservation",
                                            channel="pos", store_id="HCM-01")

        def capture(i):
            try:
                outcomes[i] = service.execute(commands[i])
            except errors.LoyaltyError as exc:
                outcomes[i] = exc

        threads = [threading.Thread(target=capture, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert service.batcher.batches <= 2
        # Five found in the one query; only the unknown reservation is looked up on its own (and refused).
        assert len(single_reads) <= 2, single_reads
        assert all(outcomes[i].points_captured == 30 for i in range(5)), outcomes
        assert isinstance(outcomes[5], errors.ReservationNotFound)
        for member in members[:5]:
            assert service.balance(member).available == 70
