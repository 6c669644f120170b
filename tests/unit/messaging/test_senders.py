"""Each sender against a real local server: the request the provider documents, and its answers sorted
into sent, retry later, or refused (try the next channel)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from messaging.devservers import DEV_KEY, DEV_SECRET, DEV_TOKEN, SmtpStandIn, esms_stand_in, zns_stand_in
from messaging.runner import build_senders
from messaging.senders import REFUSED, RETRY, SENT, Outgoing
from messaging.senders.email import SmtpSender
from messaging.senders.sms import EsmsSender, local_phone, parts
from messaging.senders.zns import ZnsSender, zalo_phone
from messaging.settings import MessagingSettingError, MessagingSettings
from messaging.templates import render

FACTS = {"name": "Trần Văn Bình", "points": 25, "balance": 1234, "expires_at": None, "tier": "gold",
         "member_code": "M1", "code": "482913"}


def outgoing(recipient: str = "+84912345678", kind: str = "points_earned", message_id: str = "m-1") -> Outgoing:
    return Outgoing(message_id, recipient, render("CPSG", kind, "vi", FACTS), "transactional")


@pytest.fixture(scope="module")
def zns():
    server = zns_stand_in(DEV_TOKEN)
    yield server
    server.close()


@pytest.fixture(scope="module")
def esms():
    server = esms_stand_in(DEV_KEY, DEV_SECRET)
    yield server
    server.close()


@pytest.fixture(scope="module")
def smtp():
    server = SmtpStandIn()
    yield server
    server.close()


def test_zns_sends_the_documented_body_with_the_token_in_a_header(zns):
    result = ZnsSender(zns.url, DEV_TOKEN, Decimal(300)).send(outgoing(message_id="zns-1"))
    assert result.outcome == SENT and result.cost_vnd == Decimal(300)
    body = zns.stand_in.deliveries["zns-1"].body
    assert body == {"phone": "84912345678", "template_id": "412001", "tracking_id": "zns-1",
                    "template_data": {"customer_name": "Trần Văn Bình", "points": "25", "balance": "1.234",
                                      "expiry_date": ""}}
    assert result.provider_id == zns.stand_in.deliveries["zns-1"].provider_id


@pytest.mark.parametrize("answer,outcome", [(-118, REFUSED), (-119, REFUSED), (-109, REFUSED), (-115, RETRY),
                                            (-133, RETRY), (-100, RETRY), ("http500", RETRY), (-999, REFUSED)])
def test_zns_error_codes_are_sorted_into_retry_and_next_channel(zns, answer, outcome):
    zns.stand_in.script.append(answer)
    result = ZnsSender(zns.url, DEV_TOKEN, Decimal(300)).send(outgoing(message_id=f"zns-{answer}"))
    assert result.outcome == outcome and result.cost_vnd == 0
    assert result.ambiguous == (answer == "http500")  # a 5xx may have been taken; a ZNS error body was not


def test_zns_with_a_wrong_token_or_unreachable_is_retried(zns):
    assert ZnsSender(zns.url, "wrong", Decimal(300)).send(outgoing()).detail.startswith("ZNS -124")
    unreachable = ZnsSender("http://127.0.0.1:9", DEV_TOKEN, Decimal(300)).send(outgoing())
    assert unreachable.outcome == RETRY and not unreachable.ambiguous  # it never got there


def test_esms_sends_the_documented_fields_without_diacritics_and_the_message_id_as_request_id(esms):
    sender = EsmsSender(esms.url, DEV_KEY, DEV_SECRET, "CPSG", Decimal(800))
    result = sender.send(outgoing(message_id="sms-1"))
    assert result.outcome == SENT and result.cost_vnd == Decimal(800)
    body = esms.stand_in.deliveries["sms-1"].body
    assert body["Phone"] == "0912345678" and body["SmsType"] == "2" and body["IsUnicode"] == "0"
    assert body["Brandname"] == "CPSG" and body["RequestId"] == "sms-1" and "Tran Van Binh" in body["Content"]
    again = sender.send(outgoing(message_id="sms-1"))
    assert again.outcome == SENT and "duplicate" in again.detail  # eSMS 124: taken the first time
    assert len(esms.stand_in.deliveries) == 1 and esms.stand_in.deliveries["sms-1"].requests == 2


@pytest.mark.parametrize("answer,outcome", [("103", RETRY), ("140", RETRY), ("99", REFUSED), ("146", REFUSED),
                                            ("http500", RETRY)])
def test_esms_codes_are_sorted_into_retry_and_next_channel(esms, answer, outcome):
    esms.stand_in.script.append(answer)
    sender = EsmsSender(esms.url, DEV_KEY, DEV_SECRET, "CPSG", Decimal(800))
    assert sender.send(outgoing(message_id=f"sms-{answer}")).outcome == outcome


def test_esms_refuses_a_foreign_number_and_retries_bad_credentials(esms):
    sender = EsmsSender(esms.url, DEV_KEY, DEV_SECRET, "CPSG", Decimal(800))
    assert sender.send(outgoing(recipient="+14155550100")).outcome == REFUSED
    wrong = EsmsSender(esms.url, DEV_KEY, "wrong", "CPSG", Decimal(800)).send(outgoing())
    assert wrong.outcome == RETRY and "101" in wrong.detail
    assert local_phone("+84912345678") == "0912345678" and zalo_phone("+84912345678") == "84912345678"
    assert parts("x" * 160) == 1 and parts("x" * 161) == 2 and parts("x" * 307) == 3


def test_email_carries_text_html_and_the_message_id(smtp):
    result = SmtpSender(smtp.url, "loyalty@cpsg.local").send(outgoing(recipient="binh@example.vn",
                                                                      message_id="mail-1"))
    assert result.outcome == SENT
    (delivery,) = [d for d in smtp.stand_in.deliveries.values() if "mail-1" in d.key]
    mail = delivery.body
    assert mail["To"] == "binh@example.vn" and mail["Subject"] == "+25 điểm tại Cà Phê Sài Gòn"
    assert {p.get_content_type() for p in mail.walk()} >= {"text/plain", "text/html"}
    assert mail.get_body(("html",)).get_content().count("Trần Văn Bình") == 1


@pytest.mark.parametrize("answer,outcome", [("550 5.1.1 no such user", REFUSED), ("451 4.3.0 try later", RETRY)])
def test_email_answers_are_sorted(smtp, answer, outcome):
    smtp.stand_in.script.append(answer)
    assert SmtpSender(smtp.url, "loyalty@cpsg.local").send(outgoing(recipient="x@example.vn")).outcome == outcome


def test_an_unreachable_smtp_server_is_retried_and_a_bad_url_refused_at_start():
    assert SmtpSender("smtp://127.0.0.1:9", "a@b.vn").send(outgoing(recipient="x@example.vn")).outcome == RETRY
    with pytest.raises(ValueError, match="LOYALTY_SMTP_URL"):
        SmtpSender("http://mail.example.vn", "a@b.vn")


def test_a_sender_without_its_settings_is_off_and_bad_numbers_are_named():
    assert build_senders(MessagingSettings.from_env({})) == {}
    only_sms = MessagingSettings.from_env({"LOYALTY_SMS_URL": "http://x", "LOYALTY_SMS_API_KEY": "k",
                                           "LOYALTY_SMS_SECRET_KEY": "s", "LOYALTY_ZNS_URL": "http://z"})
    assert set(build_senders(only_sms)) == {"sms"}  # ZNS without its token stays off
    with pytest.raises(MessagingSettingError, match="LOYALTY_SMS_PRICE_VND"):
        MessagingSettings.from_env({"LOYALTY_SMS_PRICE_VND": "tám trăm"})
    with pytest.raises(MessagingSettingError, match="LOYALTY_MESSAGES_PER_MEMBER_PER_DAY"):
        MessagingSettings.from_env({"LOYALTY_MESSAGES_PER_MEMBER_PER_DAY": "-1"})
