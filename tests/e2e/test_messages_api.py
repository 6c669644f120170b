"""Messages over HTTP: a member's delivery status, dead letters and their retry, previews, statistics,
consent with its proof, and who may see what. One app per store for the module (the `api` fixture)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from messaging.dispatcher import Backoff, Dispatcher
from messaging.runner import build_senders
from messaging.settings import MessagingSettings
from projections.worker import Worker
from tests.unit.messaging.support import reset, start


@pytest.fixture(scope="module")
def servers():
    running = start()
    yield running
    running.close()


@pytest.fixture
def send(api, servers):
    """Project the ledger into the outbox and run one dispatcher step against the stand-ins."""
    reset(servers)
    settings = api.ctx.runtime.settings
    worker = Worker(settings)

    def run(*channels: str, max_attempts: int = 8) -> None:
        worker.cycle()
        made = build_senders(MessagingSettings.from_env(servers.environ()))
        senders = {c: made[c] for c in (channels or made)}
        outbox = api.app.state.api.messages_outbox
        Dispatcher(outbox, api.ctx.service, senders, clock=api.ctx.service.clock,
                   backoff=Backoff(base=timedelta(0), cap=timedelta(0), max_attempts=max_attempts)).step()

    api.get("/v1/messages/dead-letters", key="staff")  # opens the app's outbox
    yield run
    worker.close()


def test_a_members_messages_show_their_delivery_status(api, send):
    member = api.enroll(consent={"zalo": True, "sms": True}, name="Lê Văn Tám")
    send("zns")
    response = api.get(f"/v1/members/{member['member_id']}/messages", key="staff")
    assert response.status_code == 200, response.text
    (message,) = response.json()
    assert message["kind"] == "welcome" and message["status"] == "sent" and message["channel"] == "zns"
    assert message["cost_vnd"] == "300" and message["recipient"] == member["phone"]
    one = api.get(f"/v1/messages/{message['message_id']}", key="staff")
    assert one.status_code == 200 and one.json() == message


def test_staff_see_dead_letters_and_retry_them_once(api, send, servers):
    member = api.enroll(consent={"zalo": True})
    servers.zns.stand_in.script.append(-109)  # template id invalid: no retry can help, and no other channel
    send("zns", max_attempts=1)
    dead = api.get("/v1/messages/dead-letters", key="staff").json()
    message_id = next(m["message_id"] for m in api.get(f"/v1/members/{member['member_id']}/messages",
                                                        key="staff").json())
    assert message_id in {m["message_id"] for m in dead}
    retried = api.post(f"/v1/messages/{message_id}/retry", key="staff")
    assert retried.status_code == 202 and retried.json()["requeued"] is True
    again = api.post(f"/v1/messages/{message_id}/retry", key="staff")
    assert again.status_code == 200 and again.json()["requeued"] is False
    send("zns")
    assert api.get(f"/v1/messages/{message_id}", key="staff").json()["status"] == "sent"
    assert message_id not in {m["message_id"] for m in api.get("/v1/messages/dead-letters", key="staff").json()}


def test_a_skipped_message_cannot_be_retried_and_unknown_ids_are_404(api, send):
    member = api.enroll(consent={"zalo": False, "sms": False, "email": False})
    send("zns", "sms")
    (message,) = api.get(f"/v1/members/{member['member_id']}/messages", key="staff").json()
    assert message["status"] == "skipped" and "no consent" in message["last_error"]
    refused = api.post(f"/v1/messages/{message['message_id']}/retry", key="staff")
    assert refused.status_code == 409 and refused.json()["code"] == "message_not_failed"
    missing = api.post(f"/v1/messages/{uuid4()}/retry", key="staff")
    assert missing.status_code == 404 and missing.json()["code"] == "message_not_found"
    assert api.get("/v1/messages/not-a-uuid", key="staff").status_code == 422


def test_a_preview_renders_a_kind_for_a_member_in_vietnamese_and_english(api):
    member = api.enroll(name="Phạm Thu")
    vi = api.get(f"/v1/messages/preview?kind=points_expiring&member_id={member['member_id']}", key="staff")
    assert vi.status_code == 200, vi.text
    body = vi.json()
    assert "Phạm Thu" in body["text"] and "Pham Thu" in body["sms"] and body["sms"].isascii()
    assert body["zns_data"]["customer_name"] == "Phạm Thu"
    en = api.get("/v1/messages/preview?kind=birthday&lang=en", key="staff").json()
    assert en["subject"].startswith("[QC] Happy birthday") and en["sms"].startswith("[QC] ")
    assert "Vàng" in api.get("/v1/messages/preview?kind=tier_up", key="staff").json()["text"]  # the tier's name
    assert "Gold" in api.get("/v1/messages/preview?kind=tier_up&lang=en", key="staff").json()["subject"]
    assert api.get("/v1/messages/preview?kind=nope", key="staff").status_code == 422
    assert api.get(f"/v1/messages/preview?kind=welcome&member_id={uuid4()}", key="staff").status_code == 404


def test_statistics_count_messages_and_cost_per_provider(api, send, servers):
    api.enroll(consent={"zalo": True, "sms": True})
    servers.zns.stand_in.script.append(-118)  # no Zalo account: falls back to SMS
    send("zns", "sms")
    stats = api.get("/v1/messages/stats", key="analyst")
    assert stats.status_code == 200, stats.text
    providers = {p["channel"]: p for p in stats.json()["providers"]}
    assert providers["sms"]["sent"] >= 1 and int(providers["sms"]["cost_vnd"]) >= 800
    assert stats.json()["messages_sent"] == sum(p["sent"] for p in providers.values())
    assert api.get("/v1/messages/stats?from=2026-02-01&to=2026-01-01", key="analyst").status_code == 422


def test_consent_is_recorded_per_channel_and_purpose_with_its_proof(api, send):
    member = api.enroll(consent={"sms": True})
    response = api.post(f"/v1/members/{member['member_id']}/consent", {
        "consent": {"sms:marketing": False}, "source": "paper form HCM-01", "consent_text_version": "2026-01",
        "given_at": "2026-01-10T09:00:00+07:00"}, key="staff")
    assert response.status_code in (200, 201), response.text
    events = api.ctx.runtime.store.member_events(UUID(member["member_id"]))
    (consent,) = [e for e in events if type(e).__name__ == "ConsentChanged"]
    assert consent.changes == {"sms:marketing": False} and consent.source == "paper form HCM-01"
    assert consent.consent_text_version == "2026-01" and consent.given_at.isoformat() == "2026-01-10T02:00:00+00:00"
    bad = api.post(f"/v1/members/{member['member_id']}/consent", {"consent": {"sms:spam": True}}, key="staff")
    assert bad.status_code == 422


@pytest.mark.parametrize("key", ["pos", "auditor", "analyst"])
def test_only_staff_and_admin_see_a_members_messages(api, key):
    member = api.enroll()
    assert api.get(f"/v1/members/{member['member_id']}/messages", key=key).status_code == 403
    assert api.get("/v1/messages/dead-letters", key=key).status_code == 403


def test_channel_and_staff_keys_cannot_read_statistics(api):
    assert api.get("/v1/messages/stats", key="pos").status_code == 403
    assert api.get("/v1/messages/stats", key="staff").status_code == 403
    assert api.get("/v1/messages/stats", key=None).status_code == 401



def test_delivery_reports_mark_messages_delivered_only_with_the_providers_own_id(api, send, servers):
    by_sms = api.enroll(consent={"zalo": False, "sms": True})
    by_zalo = api.enroll(consent={"zalo": True})
    send("zns", "sms")
    box = api.app.state.api.messages_outbox
    (sms,) = box.for_member(by_sms["member_id"])
    (zns,) = box.for_member(by_zalo["member_id"])
    assert (sms.channel, zns.channel) == ("sms", "zns") and sms.provider_id and zns.provider_id

    def esms(request_id: str, sms_id: str, status: str = "5") -> dict:
        response = api.client.get("/v1/messages/callbacks/esms",
                                  params={"RequestId": request_id, "SMSID": sms_id, "SendStatus": status})
        assert response.status_code == 200, response.text
        return response.json()

    assert esms(sms.message_id, "forged")["recorded"] is False
    assert esms(sms.message_id, sms.provider_id, status="7")["recorded"] is False  # still at the telco
    assert esms(sms.message_id, sms.provider_id)["recorded"] is True
    assert esms(sms.message_id, sms.provider_id)["recorded"] is False  # reported once
    event = {"event_name": "user_received_message", "app_id": "1", "timestamp": "1",
             "message": {"msg_id": zns.provider_id, "tracking_id": zns.message_id}}
    assert api.client.post("/v1/messages/callbacks/zalo", json={**event, "message": {
        "msg_id": "forged", "tracking_id": zns.message_id}}).json()["recorded"] is False
    assert api.client.post("/v1/messages/callbacks/zalo", json=event).json()["recorded"] is True
    for member in (by_sms, by_zalo):
        (shown,) = api.get(f"/v1/members/{member['member_id']}/messages", key="staff").json()
        assert shown["status"] == "delivered" and shown["delivered_at"]
    stats = {p["channel"]: p for p in api.get("/v1/messages/stats", key="analyst").json()["providers"]}
    assert stats["sms"]["delivered"] >= 1 and stats["zns"]["delivered"] >= 1
    assert api.client.post("/v1/messages/callbacks/zalo", json={"nope": 1}).status_code == 422


def test_a_message_the_network_rejected_becomes_a_dead_letter(api, send):
    member = api.enroll(consent={"zalo": False, "sms": True})
    send("sms")
    (sms,) = api.app.state.api.messages_outbox.for_member(member["member_id"])
    response = api.client.get("/v1/messages/callbacks/esms",
                              params={"RequestId": sms.message_id, "SMSID": sms.provider_id, "SendStatus": "4"})
    assert response.json()["recorded"] is True
    dead = {m["message_id"]: m for m in api.get("/v1/messages/dead-letters", key="staff").json()}
    assert "rejected by the network" in dead[sms.message_id]["last_error"]
