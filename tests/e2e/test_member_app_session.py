"""The member app over HTTP: OTP limits, separate sessions, and a member who can see only their own data."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import otp as otp_module
from faces.member.web import SESSION_COOKIE
from loyalty_core import commands as c
from tests.e2e.conftest import ApiHarness, idem, new_phone


class Outbox:
    """Stands in for the dev sender: remembers the last code sent to each phone."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def __call__(self, phone: str, text: str) -> None:
        self.codes[phone] = re.search(r"(\d{6})", text).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def outbox(api: ApiHarness) -> Outbox:
    box = Outbox()
    api.app.state.member_app.codes.send = box
    return box


def e164(phone: str) -> str:
    return "+84" + phone[1:]


def signed_in_member(api: ApiHarness, outbox: Outbox, phone: str | None = None, **enrol: str) -> tuple[TestClient, str]:
    """A fresh browser (its own cookies) signed in as a new member; returns it and the member id."""
    browser = TestClient(api.app, raise_server_exceptions=False)
    phone = phone or new_phone()
    assert browser.post("/app/sign-in", data={"phone": phone}).status_code == 200
    checked = browser.post("/app/sign-in/code", data={"phone": phone, "code": outbox.codes[e164(phone)]},
                           follow_redirects=False)
    assert checked.status_code == 303 and checked.headers["location"] == "/app/enrol"
    joined = browser.post("/app/enrol", data={"name": "Lan", **enrol}, follow_redirects=False)
    assert joined.status_code == 303, joined.text
    member = api.get("/v1/members/lookup", params={"phone": phone}).json()
    return browser, member["member_id"]


def test_a_wrong_code_counts_and_five_wrong_codes_kill_it(api: ApiHarness, outbox: Outbox) -> None:
    browser, phone = TestClient(api.app), new_phone()
    browser.post("/app/sign-in", data={"phone": phone})
    right = outbox.codes[e164(phone)]
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(otp_module.MAX_ATTEMPTS):
        assert browser.post("/app/sign-in/code", data={"phone": phone, "code": wrong}).status_code == 422
    refused = browser.post("/app/sign-in/code", data={"phone": phone, "code": right})
    assert refused.status_code == 422 and SESSION_COOKIE not in browser.cookies


def test_a_code_expires_and_is_good_once(api: ApiHarness, outbox: Outbox, monkeypatch: Any) -> None:
    codes = api.app.state.member_app.codes
    browser, phone = TestClient(api.app), new_phone()
    browser.post("/app/sign-in", data={"phone": phone})
    now = codes.clock()
    monkeypatch.setattr(codes, "clock", lambda: now + otp_module.OTP_SECONDS + 1)
    assert browser.post("/app/sign-in/code", data={"phone": phone, "code": outbox.codes[e164(phone)]}
                        ).status_code == 422
    monkeypatch.undo()
    browser.post("/app/sign-in", data={"phone": phone})
    code = outbox.codes[e164(phone)]
    assert browser.post("/app/sign-in/code", data={"phone": phone, "code": code}, follow_redirects=False
                        ).status_code == 303
    again = TestClient(api.app).post("/app/sign-in/code", data={"phone": phone, "code": code})
    assert again.status_code == 422


def test_sending_is_rate_limited_per_phone(api: ApiHarness, outbox: Outbox) -> None:
    browser, phone = TestClient(api.app), new_phone()
    answers = [browser.post("/app/sign-in", data={"phone": phone}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_sending_is_rate_limited_per_address(api: ApiHarness, outbox: Outbox, monkeypatch: Any) -> None:
    monkeypatch.setattr(otp_module, "PER_ADDRESS", otp_module.limits.parse("2/hour"))
    browser = TestClient(api.app, client=("203.0.113.9", 5000))
    answers = [browser.post("/app/sign-in", data={"phone": new_phone()}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_hostile_inputs_get_a_page_never_a_500(api: ApiHarness, outbox: Outbox) -> None:
    browser = TestClient(api.app, raise_server_exceptions=False)
    for body in ({"phone": "x" * 199}, {"phone": "0901\x00234567"}, {"phone": "<script>"}, {}):
        assert browser.post("/app/sign-in", data=body).status_code in (422, 429)
    assert browser.post("/app/sign-in/code", data={"phone": "0901234567", "code": "' OR 1=1"}).status_code == 422
    assert browser.post("/app/sign-in", data={"phone": "9" * 500}).status_code == 422
    browser.cookies.set(SESSION_COOKIE, "forged" * 30, path="/app")
    assert browser.get("/app/", follow_redirects=False).headers["location"] == "/app/sign-in"


def test_a_member_session_sees_only_its_own_member(api: ApiHarness, outbox: Outbox) -> None:
    browser, mine = signed_in_member(api, outbox)
    other_id = api.member_with(500)
    voucher = api.ctx.service.execute(c.RedeemPoints(idempotency_key=idem(), member=c.MemberRef(
        member_id=uuid.UUID(other_id)), reward_id="discount-15", order_ref=idem(), channel="test"))
    # The app takes the member from the session only: ids or codes of another member lead nowhere.
    assert browser.get(f"/app/vouchers/{voucher.voucher_code}").status_code == 404
    assert other_id not in browser.get(f"/app/history?member_id={other_id}").text
    exported = browser.get(f"/app/data/export.json?member_id={other_id}").json()
    assert exported["member"]["member_id"] == mine and other_id not in json.dumps(exported)
    # The member's cookie is not an API credential, and an API key is not a member session.
    assert browser.get(f"/v1/members/{other_id}").status_code == 401
    assert browser.get(f"/v1/members/{mine}").status_code == 401
    stranger = TestClient(api.app)
    staff = stranger.get("/app/", headers=api.headers("admin"), follow_redirects=False)
    assert staff.status_code == 303 and staff.headers["location"] == "/app/sign-in"


def test_a_signed_out_session_is_dead(api: ApiHarness, outbox: Outbox) -> None:
    browser, _ = signed_in_member(api, outbox)
    token = browser.cookies[SESSION_COOKIE]
    browser.post("/app/sign-out")
    replayed = TestClient(api.app)
    replayed.cookies.set(SESSION_COOKIE, token, path="/app")
    assert replayed.get("/app/", follow_redirects=False).headers["location"] == "/app/sign-in"


def test_a_cross_site_form_post_changes_nothing(api: ApiHarness, outbox: Outbox) -> None:
    browser, member_id = signed_in_member(api, outbox, zalo="on")
    browser.post("/app/consent", data={"sms": "on"}, headers={"Origin": "https://evil.example"})
    assert browser.post("/app/data/erasure", headers={"Origin": "https://evil.example"}).status_code in (200, 303)
    member = api.ctx.service.resolve(c.MemberRef(member_id=uuid.UUID(member_id)))
    assert member.consent == {"zalo": True, "sms": False, "email": False}
    assert api.app.state.member_app.tables.erasure_request(member_id) is None


def test_consent_and_erasure_are_recorded_with_the_text_version(api: ApiHarness, outbox: Outbox) -> None:
    browser, member_id = signed_in_member(api, outbox, zalo="on")
    assert browser.post("/app/consent", data={"sms": "on"}).status_code == 200
    member = api.ctx.service.resolve(c.MemberRef(member_id=uuid.UUID(member_id)))
    assert member.consent == {"zalo": False, "sms": True, "email": False}
    records = api.app.state.member_app.tables.consents(member_id)
    assert {(r["channel"], r["given"], r["source"]) for r in records} >= {
        ("zalo", 1, "enrolment"), ("zalo", 0, "app"), ("sms", 1, "app")}
    assert all(r["text_version"] for r in records)
    browser.post("/app/data/erasure")
    assert api.app.state.member_app.tables.erasure_request(member_id)["status"] == "requested"
    export = browser.get("/app/data/export.json").json()
    assert export["erasure_request"]["status"] == "requested" and len(export["consent_records"]) == len(records)
    assert "secret_id" not in json.dumps(export)
    csv_text = browser.get("/app/data/export.csv").text
    assert csv_text.lstrip("\ufeff").startswith("recorded_at,type,points,text")


def test_redeeming_twice_with_the_same_form_gives_one_voucher(api: ApiHarness, outbox: Outbox) -> None:
    browser, member_id = signed_in_member(api, outbox)
    api.ctx.service.execute(c.EarnPoints(idempotency_key=idem(), member=c.MemberRef(member_id=uuid.UUID(member_id)),
                                         points=500, reference=idem(), channel="test"))
    first = browser.post("/app/rewards/discount-15/redeem", data={"nonce": "n-1234567"}, follow_redirects=False)
    second = browser.post("/app/rewards/discount-15/redeem", data={"nonce": "n-1234567"}, follow_redirects=False)
    assert first.headers["location"] == second.headers["location"]
    assert api.balance(member_id)["available"] == 300
    another = browser.post("/app/rewards/discount-15/redeem", data={"nonce": "n-7654321"})
    assert another.status_code == 200 and api.balance(member_id)["available"] == 100  # followed to the voucher
    refused = browser.post("/app/rewards/discount-15/redeem", data={"nonce": "n-8888888"})
    assert refused.status_code == 422 and api.balance(member_id)["available"] == 100


def test_enrolment_reads_a_vietnamese_birthday_and_refuses_a_wrong_one(api: ApiHarness, outbox: Outbox) -> None:
    _, member_id = signed_in_member(api, outbox, birthday="08/03/1992")
    assert api.ctx.service.resolve(c.MemberRef(member_id=uuid.UUID(member_id))).birthday == "1992-03-08"
    stranger, phone = TestClient(api.app), new_phone()
    stranger.post("/app/sign-in", data={"phone": phone})
    stranger.post("/app/sign-in/code", data={"phone": phone, "code": outbox.codes[e164(phone)]})
    refused = stranger.post("/app/enrol", data={"name": "Lan", "birthday": "31/02/1990"})
    assert refused.status_code == 422 and "role=\"alert\"" in refused.text
    assert api.get("/v1/members/lookup", params={"phone": phone}).status_code == 404


def test_the_card_shows_the_next_code_just_before_the_minute_ends(clocked_api: ApiHarness, clock: Any) -> None:
    from api.otp import one_time_codes
    from loyalty_core import card_code as cc

    box = Outbox()
    one_time_codes(clocked_api.ctx).send = box
    browser, member_id = signed_in_member(clocked_api, box)
    clock.now = clock.now.replace(second=30, microsecond=0)
    early = browser.get("/app/card/code").json()
    assert early["refresh_in"] == 25  # 60 - 30 - the 5 s lead
    clock.advance(seconds=27)  # 3 s before the minute ends: already the next minute's code
    late = browser.get("/app/card/code").json()
    assert late["code"] != early["code"] and late["refresh_in"] == 58
    secret = clocked_api.ctx.service.card_codes.secret_for(
        clocked_api.ctx.service.resolve(c.MemberRef(member_id=uuid.UUID(member_id))))
    assert cc.verify(secret, late["code"][-6:], clock()).counter == cc.counter_at(clock()) + 1
    found = clocked_api.get("/v1/members/lookup", key="pos", params={"card_code": late["code"]})
    assert found.status_code == 200 and found.json()["member_id"] == member_id
    assert "<svg" in late["qr"] and "<svg" in late["barcode"]


def test_a_friend_enrols_with_the_referral_code_and_a_bad_code_is_refused(api: ApiHarness, outbox: Outbox) -> None:
    referrer, referrer_id = signed_in_member(api, outbox)
    page = referrer.get("/app/referral").text
    code = api.get(f"/v1/members/{referrer_id}").json()["member_code"]
    assert f"/app/sign-in?ref={code}" in page
    _, friend_id = signed_in_member(api, outbox, ref=code)
    friend = api.ctx.service.resolve(c.MemberRef(member_id=uuid.UUID(friend_id)))
    assert str(friend.referred_by) == referrer_id
    stranger, phone = TestClient(api.app), new_phone()
    stranger.post("/app/sign-in", data={"phone": phone})
    stranger.post("/app/sign-in/code", data={"phone": phone, "code": outbox.codes[e164(phone)]})
    assert stranger.post("/app/enrol", data={"name": "X", "ref": "NOPE"}).status_code == 422


def test_the_stamp_card_home_and_history_follow_purchases(api: ApiHarness, outbox: Outbox) -> None:
    browser, member_id = signed_in_member(api, outbox)
    code = api.get(f"/v1/members/{member_id}").json()["member_code"]
    bought = api.post("/v1/transactions", {"transaction_ref": idem(), "member": {"member_code": code},
                                           "total": "135000", "lines": [{"sku": "CF-SUA-DA", "category": "coffee",
                                                                          "quantity": 3, "unit_price": "45000",
                                                                          "amount": "135000"}]}, key="pos")
    assert bought.status_code == 201, bought.text
    stamps = browser.get("/app/stamps").text
    assert "Ly thứ 10 miễn phí" in stamps and "3/10 dấu" in stamps
    assert "3 of 10 stamps" in browser.get("/app/stamps?lang=en").text
    points = bought.json()["points_earned"]
    home = browser.get("/app/?lang=vi").text
    assert f'data-testid="available">{points} <small>điểm' in home and "Hạng thành viên" in home
    history = browser.get("/app/history").text
    assert f"Vì sao được {points} điểm?" in history and "CardSecretIssued" not in history


def test_a_proven_phone_has_an_hour_to_enrol_then_a_member_session_lasts(api: ApiHarness, outbox: Outbox) -> None:
    from faces.member.web import ENROL_SECONDS, SESSION_SECONDS

    browser, phone = TestClient(api.app), new_phone()
    browser.post("/app/sign-in", data={"phone": phone})
    proven = browser.post("/app/sign-in/code", data={"phone": phone, "code": outbox.codes[e164(phone)]},
                          follow_redirects=False)
    assert f"Max-Age={ENROL_SECONDS}" in proven.headers["set-cookie"]
    joined = browser.post("/app/enrol", data={"name": "Lan"}, follow_redirects=False)
    assert f"Max-Age={SESSION_SECONDS}" in joined.headers["set-cookie"] and "HttpOnly" in joined.headers["set-cookie"]
    assert browser.get("/app/", follow_redirects=False).status_code == 200


def test_pages_are_small_self_contained_and_installable(api: ApiHarness, outbox: Outbox) -> None:
    browser, _ = signed_in_member(api, outbox)
    for path in ("/app/", "/app/card", "/app/history", "/app/rewards", "/app/consent"):
        page = browser.get(path)
        assert page.status_code == 200 and len(page.content) < 16_000, (path, len(page.content))
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert not re.search(r'(src|href|action)="(https?:)?//', page.text), path  # nothing from elsewhere
    manifest = browser.get("/app/manifest.webmanifest").json()
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
    for icon in manifest["icons"]:
        assert browser.get(icon["src"]).status_code == 200
    worker = browser.get("/app/sw.js")
    assert worker.headers["service-worker-allowed"] == "/app/" and "offline.html" in worker.text
    for asset in ("app.css", "app.js", "offline.html"):
        assert browser.get(f"/app/static/{asset}").status_code == 200
