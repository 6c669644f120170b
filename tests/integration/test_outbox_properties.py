"""A property of the dispatcher under random provider answers and random crashes (SQLite; Hypothesis):
whatever happens, a message reaches at most one channel, and once the providers behave again, every message
ends `sent` on the one channel that got it, or `failed`/`skipped` having reached none."""

from __future__ import annotations

import tempfile
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messaging.dispatcher import Backoff, Dispatcher
from tests.conftest import FakeClock
from tests.unit.messaging.support import Crash, CrashAfterSend, Messaging, reset, start

ZNS_ANSWERS = st.sampled_from([-118, -115, -100, "http500", -109])
SMS_ANSWERS = st.sampled_from(["99", "103", "http500", "146"])
MAIL_ANSWERS = st.sampled_from(["451 4.3.0 later", "550 5.1.1 no such user"])
step = st.tuples(st.booleans(), st.lists(ZNS_ANSWERS, max_size=3), st.lists(SMS_ANSWERS, max_size=2),
                 st.lists(MAIL_ANSWERS, max_size=2), st.integers(0, 30))


@pytest.fixture(scope="module")
def servers():
    running = start()
    yield running
    running.close()


def reached(servers) -> dict[str, list[str]]:
    """Message id -> the stand-ins it was delivered by."""
    found: dict[str, list[str]] = {}
    for name in ("zns", "sms", "smtp"):
        for key in getattr(servers, name).stand_in.deliveries:
            found.setdefault(key.strip("<>").split("@")[0], []).append({"smtp": "email"}.get(name, name))
    return found


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(members=st.integers(1, 3), steps=st.lists(step, min_size=1, max_size=5))
def test_a_message_reaches_at_most_one_channel_whatever_the_providers_answer(servers, members, steps):
    reset(servers)
    with tempfile.TemporaryDirectory() as tmp:
        box = Messaging(f"sqlite:///{tmp}/loyalty.db", FakeClock(), servers)
        senders = box.senders()
        backoff = Backoff(base=timedelta(minutes=1), cap=timedelta(minutes=4), max_attempts=4)
        normal, crashing = (cls(box.outbox, box.service, senders, clock=box.clock, backoff=backoff)
                            for cls in (Dispatcher, CrashAfterSend))
        try:
            refs = [box.enroll() for _ in range(members)]
            for ref in refs:
                box.earn(ref, 10)
            box.project()
            for crash, zns, sms, mail, minutes in steps:
                servers.zns.stand_in.script[:] = zns
                servers.sms.stand_in.script[:] = sms
                servers.smtp.stand_in.script[:] = mail
                try:
                    (crashing if crash else normal).step()
                except Crash:
                    pass
                box.clock.advance(minutes=minutes)
            for stand_in in (servers.zns.stand_in, servers.sms.stand_in, servers.smtp.stand_in):
                stand_in.script.clear()  # the providers behave now; what they delivered stays counted
            for _ in range(12):
                box.clock.advance(minutes=5)
                normal.step()
            got = reached(servers)
            for message in (m for ref in refs for m in box.messages(ref)):
                channels = got.get(message.message_id, [])
                assert len(channels) <= 1, (message, channels)
                assert message.status in ("sent", "failed", "skipped"), message
                if message.status == "sent":
                    assert channels == [message.channel], (message, channels)
        finally:
            for sender in senders.values():
                sender.close()
            box.close()
