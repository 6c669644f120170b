"""The outbox on both stores: each message decided once, sent once, within the rules.

The stand-ins are real HTTP and SMTP servers on this machine (messaging/devservers.py); they check every
request's shape and dedupe on the message id, as the providers' documents say (or as docs/messages.md says
where they do not). The clock is a `FakeClock` the ledger and the dispatcher share.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty_core import commands as c
from loyalty_core.settings import Settings
from messaging import send_otp
from messaging.kinds import drafts_for
from projections.rebuild import rebuild
from tests.builders import key
from tests.unit.messaging.support import Crash, CrashAfterSend, Messaging, reset, start


@pytest.fixture(scope="module")
def servers():
    running = start()
    yield running
    running.close()


@pytest.fixture
def box(database_url, clock, servers):
    reset(servers)
    harness = Messaging(database_url, clock, servers)
    yield harness
    harness.close()


def test_each_event_that_deserves_a_message_becomes_one_queued_row(box):
    member = box.enroll()
    box.earn(member, 25)
    box.service.execute(c.RedeemPoints(idempotency_key=key(), member=member, points=10, order_ref="O-1"))
    box.project()
    kinds = [m.kind for m in box.messages(member)]
    assert sorted(kinds) == ["points_earned", "redemption", "welcome"]
    assert {m.status for m in box.messages(member)} == {"queued"}


def test_a_rebuild_and_a_second_decision_of_the_same_events_add_nothing(box, database_url):
    member = box.enroll()
    box.earn(member, 25)
    box.project()
    before = {m.message_id for m in box.messages(member)}
    assert box.dispatcher("zns").step() == 2
    rebuild(Settings(database_url=database_url), ["messages"])  # replays every event from position 0
    box.project()
    events = box.runtime.store.member_events(member.member_id)
    assert sum(len(drafts_for(e)) for e in events) == 2
    for event in events:  # a second worker deciding the same events again
        box.outbox.add_now(drafts_for(event))
    after = box.messages(member)
    assert {m.message_id for m in after} == before and {m.status for m in after} == {"sent"}
    assert box.dispatcher("zns").step() == 0
    assert len(box.servers.zns.stand_in.deliveries) == 2


def test_zns_gets_the_documented_request_and_the_row_records_cost_and_provider_id(box):
    member = box.enroll()
    box.earn(member, 1234)
    box.project()
    box.dispatcher("zns").step()
    sent = {m.kind: m for m in box.messages(member)}
    earned = sent["points_earned"]
    assert earned.status == "sent" and earned.channel == "zns" and earned.cost_vnd == Decimal(300)
    delivery = box.servers.zns.stand_in.deliveries[earned.message_id]
    assert delivery.body["phone"].startswith("84") and delivery.body["tracking_id"] == earned.message_id
    assert delivery.body["template_data"]["points"] == "1.234"
    assert earned.provider_id == delivery.provider_id
    assert box.servers.zns.stand_in.rejected == []


@pytest.mark.parametrize("channel", ["zns", "sms", "email"])
def test_a_crash_between_send_and_record_delivers_once(box, channel):
    member = box.enroll()
    box.project()
    with pytest.raises(Crash):
        box.dispatcher(channel, cls=CrashAfterSend).step()
    (message,) = box.messages(member)
    assert message.status == "sending" and message.channel == channel  # sent, not recorded
    stand_in = getattr(box.servers, {"email": "smtp"}.get(channel, channel)).stand_in
    assert len(stand_in.deliveries) == 1
    assert box.dispatcher(channel).step() == 0  # the dead process's lease still holds
    box.clock.advance(minutes=5)
    assert box.dispatcher(channel).step() == 1
    (message,) = box.messages(member)
    assert message.status == "sent" and message.channel == channel
    (delivery,) = stand_in.deliveries.values()
    assert delivery.requests == 2 and delivery.key.strip("<>").startswith(message.message_id)


def test_marketing_sms_waits_for_seven_in_the_morning_and_is_labelled(box):
    box.clock.now = box.clock.now.replace(hour=16, minute=30)  # 23:30 in Ho Chi Minh City
    member = box.enroll(consent={"sms": True})
    box.earn(member, 100, reference="birthday-bonus:2026")
    box.project()
    dispatcher = box.dispatcher("sms")
    dispatcher.step()
    birthday = next(m for m in box.messages(member) if m.kind == "birthday")
    assert birthday.status == "queued" and "quiet hours" in birthday.last_error
    assert birthday.next_attempt_at == box.clock.now.replace(hour=0, minute=0) + timedelta(days=1)  # 07:00 +07
    sms = box.servers.sms.stand_in.deliveries
    assert [d.key for d in sms.values()] == [m.message_id for m in box.messages(member) if m.kind == "welcome"]
    box.clock.advance(hours=7, minutes=29)  # 06:59
    dispatcher.step()
    assert len(sms) == 1
    box.clock.advance(minutes=1)  # 07:00
    dispatcher.step()
    assert sms[birthday.message_id].body["Content"].startswith("[QC] ")
    assert next(m for m in box.messages(member) if m.kind == "birthday").status == "sent"


def test_at_most_three_marketing_sms_per_number_in_24_hours(box):
    member = box.enroll(consent={"sms": True})
    for year in range(2026, 2031):
        box.earn(member, 10, reference=f"birthday-bonus:{year}")
    box.project()
    box.dispatcher("sms").step()
    birthdays = [m for m in box.messages(member) if m.kind == "birthday"]
    assert sorted(m.status for m in birthdays) == ["sent", "sent", "sent", "skipped", "skipped"]
    assert all("3 marketing messages" in m.last_error for m in birthdays if m.status == "skipped")


def test_the_daily_cap_per_member_stops_the_fourth_message_but_not_a_one_time_code(box):
    member = box.enroll()
    for _ in range(3):
        box.earn(member, 5)
    box.project()
    box.dispatcher("zns", cap=3).step()
    statuses = [m.status for m in box.messages(member)]
    assert statuses.count("sent") == 3 and statuses.count("skipped") == 1
    skipped = next(m for m in box.messages(member) if m.status == "skipped")
    assert "daily cap" in skipped.last_error
    code_id = send_otp(box.outbox, "0912000001", "482913", request_key="login-1", member_id=member.member_id,
                       now=box.clock())
    box.dispatcher("zns", cap=3).step()
    assert box.outbox.get(str(code_id)).status == "sent"
    box.clock.advance(hours=24, seconds=1)
    box.earn(member, 5)
    box.project()
    box.dispatcher("zns", cap=3).step()
    assert [m.status for m in box.messages(member)][-1] == "sent"


def test_a_one_time_code_asked_twice_with_one_key_is_sent_once(box):
    first = send_otp(box.outbox, "0912000002", "111111", request_key="r-1", now=box.clock())
    again = send_otp(box.outbox, "+84912000002", "111111", request_key="r-1", now=box.clock())
    assert first == again
    box.dispatcher("sms").step()
    (delivery,) = box.servers.sms.stand_in.deliveries.values()
    assert delivery.to == "0912000002" and "111111" in delivery.body["Content"]
    box.clock.advance(minutes=6)
    late = send_otp(box.outbox, "0912000002", "222222", request_key="r-2", now=box.clock() - timedelta(minutes=6))
    box.dispatcher("sms").step()
    assert box.outbox.get(str(late)).status == "skipped"  # a code older than five minutes is useless


def test_without_consent_a_channel_is_passed_over_and_marketing_needs_an_opt_in(box):
    member = box.enroll(consent={"zalo": False, "sms": True, "sms:marketing": False})
    box.earn(member, 10, reference="birthday-bonus:2026")
    box.project()
    box.dispatcher("zns", "sms").step()
    by_kind = {m.kind: m for m in box.messages(member)}
    assert by_kind["welcome"].status == "sent" and by_kind["welcome"].channel == "sms"
    assert by_kind["birthday"].status == "skipped" and "no consent" in by_kind["birthday"].last_error
    assert box.servers.zns.stand_in.deliveries == {}


def test_a_member_without_zalo_falls_back_to_sms(box):
    member = box.enroll()
    box.project()
    box.servers.zns.stand_in.script.append(-118)  # Zalo account does not exist
    box.dispatcher("zns", "sms", "email").step()
    (message,) = box.messages(member)
    assert message.status == "sent" and message.channel == "sms" and message.refused_by == ("zns",)
    assert message.cost_vnd == Decimal(800)


def test_failures_are_retried_with_backoff_then_dead_lettered_and_staff_can_retry(box):
    member = box.enroll()
    box.project()
    box.servers.zns.stand_in.script.extend(["http500"] * 3)
    dispatcher = box.dispatcher("zns", max_attempts=3)
    dispatcher.step()
    (message,) = box.messages(member)
    assert message.status == "queued" and message.attempts == 1 and message.next_attempt_at > box.clock()
    assert dispatcher.step() == 0  # not due yet: backoff
    for _ in range(2):
        box.clock.advance(seconds=30)
        dispatcher.step()
    (message,) = box.messages(member)
    assert message.status == "failed" and message.attempts == 3 and "HTTP 500" in message.last_error
    assert [m.message_id for m in box.outbox.dead_letters()] == [message.message_id]
    assert box.outbox.retry_dead(message.message_id, box.clock())
    dispatcher.step()
    assert box.outbox.get(message.message_id).status == "sent"
    assert box.outbox.dead_letters() == []


def test_every_sender_off_or_without_contact_skips_with_reasons(box):
    member = box.enroll(email=None)
    box.project()
    box.dispatcher("email").step()
    (message,) = box.messages(member)
    assert message.status == "skipped" and "email: no contact" in message.last_error
    assert "zns: sender off" in message.last_error


def test_campaign_statistics_count_messages_and_cost_per_provider(box):
    member = box.enroll()
    box.earn(member, 10)
    box.project()
    box.servers.zns.stand_in.script.append(-118)
    box.dispatcher("zns", "sms").step()
    stats = {s.channel: s for s in box.outbox.stats(box.clock() - timedelta(days=1), box.clock() + timedelta(days=1))}
    assert stats["sms"].sent == 1 and stats["sms"].cost_vnd == Decimal(800)
    assert stats["zns"].sent == 1 and stats["zns"].cost_vnd == Decimal(300)


def test_the_hourly_scan_reminds_of_expiring_points_once_per_horizon(box):
    from messaging.reminders import scan

    member = box.enroll()
    box.service.execute(c.EarnPoints(idempotency_key=key(), member=member, points=40, reference=key(),
                                     expires_at=box.clock() + timedelta(days=20)))
    assert scan(box.service, box.outbox, box.clock()).drafts == 1
    assert scan(box.service, box.outbox, box.clock() + timedelta(hours=1)).drafts == 1  # found again, not added
    box.clock.advance(days=14)  # six days left: the 7-day reminder
    scan(box.service, box.outbox, box.clock())
    reminders = [m for m in box.messages(member) if m.kind == "points_expiring"]
    assert sorted(m.data["days"] for m in reminders) == [7, 30] and all(m.data["points"] == 40 for m in reminders)
    box.dispatcher("zns").step()
    sent = [m for m in box.messages(member) if m.kind == "points_expiring" and m.status == "sent"]
    assert [m.data["days"] for m in sent] == [7]  # the 30-day one went stale while nobody sent it
    zns = box.servers.zns.stand_in.deliveries[sent[0].message_id].body["template_data"]
    assert zns["points"] == "40" and zns["expiry_date"]


def test_two_dispatchers_at_once_send_each_message_once(box):
    import threading

    members = [box.enroll() for _ in range(12)]
    for member in members:
        box.earn(member, 5)
    box.project()
    dispatchers = [box.dispatcher("zns"), box.dispatcher("zns")]
    for d in dispatchers:
        d.batch = 3  # small claims, so the two interleave
    done = threading.Barrier(2)

    def drain(dispatcher) -> None:
        done.wait()
        while dispatcher.step():
            pass

    threads = [threading.Thread(target=drain, args=(d,)) for d in dispatchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    deliveries = box.servers.zns.stand_in.deliveries
    assert len(deliveries) == 24 and all(d.requests == 1 for d in deliveries.values())
    assert {m.status for member in members for m in box.messages(member)} == {"sent"}


def test_the_member_apps_code_service_can_send_through_the_outbox(box):
    from messaging.otp import OutboxCodeSender

    send = OutboxCodeSender(box.outbox, clock=box.clock)
    send("+84912000009", "Ma xac thuc cua ban: 120034. Het han sau 5 phut.")
    send("+84912000009", "Ma xac thuc cua ban: 120034. Het han sau 5 phut.")  # the same request again
    with pytest.raises(ValueError):
        send("+84912000009", "no code here")
    box.dispatcher("zns").step()
    (delivery,) = box.servers.zns.stand_in.deliveries.values()
    assert delivery.body["template_data"] == {"otp": "120034"} and delivery.body["phone"] == "84912000009"


def test_a_message_that_may_have_been_delivered_never_moves_to_another_channel(box):
    member = box.enroll()
    box.project()
    with pytest.raises(Crash):
        box.dispatcher("zns", "sms", cls=CrashAfterSend).step()  # ZNS took it; we never recorded that
    box.clock.advance(minutes=5)
    box.servers.zns.stand_in.script.append(-118)  # and now Zalo says "no such account"
    box.dispatcher("zns", "sms").step()
    box.clock.advance(minutes=5)
    box.dispatcher("zns", "sms").step()
    (message,) = box.messages(member)
    assert message.status == "failed" and "may have been delivered" in message.last_error
    assert len(box.servers.zns.stand_in.deliveries) == 1 and box.servers.sms.stand_in.deliveries == {}


def test_a_timeout_keeps_the_message_on_its_channel_and_a_plain_refusal_moves_it(box):
    member = box.enroll()
    box.project()
    box.servers.zns.stand_in.script.extend(["http500", -118])  # maybe taken; then "no such account"
    dispatcher = box.dispatcher("zns", "sms")
    dispatcher.step()
    (message,) = box.messages(member)
    assert message.status == "queued" and message.channel == "zns"  # resent there, nowhere else
    box.clock.advance(minutes=5)
    dispatcher.step()
    assert box.messages(member)[0].status == "failed" and box.servers.sms.stand_in.deliveries == {}
    other = box.enroll()
    box.project()
    box.servers.zns.stand_in.script.extend([-115, -118])  # "out of quota": Zalo said it did not take it
    dispatcher.step()
    assert box.messages(other)[0].channel is None  # routed afresh next time
    box.clock.advance(minutes=5)
    dispatcher.step()
    (moved,) = box.messages(other)
    assert moved.status == "sent" and moved.channel == "sms" and moved.refused_by == ("zns",)


def test_at_night_a_marketing_message_goes_by_email_at_most_once_a_day_and_the_rest_wait_for_sms(box):
    box.clock.now = box.clock.now.replace(hour=16, minute=30)  # 23:30 in Ho Chi Minh City
    member = box.enroll(consent={"sms": True, "email": True})
    box.earn(member, 10, reference="birthday-bonus:2026")
    box.earn(member, 10, reference="birthday-bonus:2027")
    box.project()
    box.dispatcher("sms", "email").step()
    birthdays = [m for m in box.messages(member) if m.kind == "birthday"]
    assert sorted((m.status, m.channel) for m in birthdays) == [("queued", None), ("sent", "email")]
    (mail,) = [d for d in box.servers.smtp.stand_in.deliveries.values() if "[QC]" in str(d.body["Subject"])]
    assert str(mail.body["Subject"]).startswith("[QC] ")
    box.clock.advance(hours=7, minutes=30)  # 07:00: the second one goes by SMS, email's allowance is used
    box.dispatcher("sms", "email").step()
    birthdays = [m for m in box.messages(member) if m.kind == "birthday"]
    assert sorted((m.status, m.channel) for m in birthdays) == [("sent", "email"), ("sent", "sms")]
