"""The till resolves the member's rotating card code, and a program can require it to spend points."""

from __future__ import annotations

import uuid
from typing import Any

from loyalty_core import commands as c
from loyalty_core.presence import IssueCardSecret
from tests.e2e.conftest import ApiHarness, idem


def carded_member(api: ApiHarness, points: int = 1000) -> tuple[str, Any]:
    member_id = api.member_with(points)
    service = api.ctx.service
    service.execute(IssueCardSecret(idempotency_key=idem(), member=c.MemberRef(member_id=uuid.UUID(member_id)),
                                    channel="app"))
    return member_id, service


def shown_code(api: ApiHarness, member_id: str) -> str:
    service = api.ctx.service
    member = service.resolve(c.MemberRef(member_id=uuid.UUID(member_id)))
    return service.card_codes.current_code(member, service.clock())


def redeem(api: ApiHarness, member_id: str, key: str = "pos", **body: Any) -> Any:
    return api.post(f"/v1/members/{member_id}/redemptions", {"points": 100, "order_ref": idem(), **body}, key=key)


def require_presence(api: ApiHarness, channels: list[str]) -> None:
    settings = api.get("/v1/program").json()["settings"]
    response = api.client.put("/v1/program/settings", json={**settings, "require_presence_for_redemption": channels},
                              headers=api.headers("admin", idem()))
    assert response.status_code == 200, response.text


def test_a_till_resolves_the_card_code_and_a_code_redeems_once(clocked_api: ApiHarness, clock: Any) -> None:
    api = clocked_api
    member_id, _ = carded_member(api)
    code = shown_code(api, member_id)
    found = api.get("/v1/members/lookup", key="pos", params={"card_code": code})
    assert found.status_code == 200, found.text
    assert found.json()["member_id"] == member_id and found.json()["qr_token"] is None
    assert api.get("/v1/members/lookup", key="pos", params={"card_code": code}).status_code == 200  # not burnt

    assert redeem(api, member_id, card_code=code).status_code == 201
    again = redeem(api, member_id, card_code=code)
    assert again.status_code == 422 and again.json()["code"] == "card_code_used"
    lookup_again = api.get("/v1/members/lookup", key="pos", params={"card_code": code})
    assert lookup_again.json()["code"] == "card_code_used"
    assert api.balance(member_id)["available"] == 900

    clock.advance(seconds=60)  # the next minute's code works again
    assert redeem(api, member_id, card_code=shown_code(api, member_id)).status_code == 201


def test_an_expired_wrong_or_foreign_code_is_refused_with_its_own_code(clocked_api: ApiHarness, clock: Any) -> None:
    api = clocked_api
    member_id, _ = carded_member(api)
    other_id, _ = carded_member(api)
    code = shown_code(api, member_id)
    wrong = code[:-6] + ("000000" if code[-6:] != "000000" else "111111")
    for scanned, expected in ((wrong, "card_code_invalid"), ("hello", "card_code_malformed")):
        response = api.get("/v1/members/lookup", key="pos", params={"card_code": scanned})
        assert response.json()["code"] == expected, response.text
    foreign = redeem(api, other_id, card_code=code)
    assert foreign.json()["code"] == "card_code_other_member"
    clock.advance(seconds=150)
    expired = api.get("/v1/members/lookup", key="pos", params={"card_code": code})
    assert expired.status_code == 422 and expired.json()["code"] == "card_code_expired"
    assert redeem(api, member_id, card_code=code).json()["code"] == "card_code_expired"
    assert api.balance(member_id)["available"] == 1000 and api.balance(other_id)["available"] == 1000


def test_where_the_program_requires_presence_a_till_needs_the_card_code(clocked_api: ApiHarness) -> None:
    api = clocked_api
    member_id, _ = carded_member(api)
    require_presence(api, ["pos"])
    refused = redeem(api, member_id)
    assert refused.status_code == 422 and refused.json()["code"] == "presence_required"
    reserve = api.post(f"/v1/members/{member_id}/reservations", {"points": 50, "order_ref": idem()}, key="pos")
    assert reserve.json()["code"] == "presence_required"
    assert redeem(api, member_id, key="web").status_code == 201  # the web channel is not listed
    assert redeem(api, member_id, key="staff", channel="pos").status_code == 201  # CSKH needs no card
    member_code = api.get(f"/v1/members/{member_id}").json()["member_code"]
    earn = api.post("/v1/transactions", {"transaction_ref": idem(), "member": {"member_code": member_code},
                                         "total": "50000"}, key="pos")
    assert earn.status_code == 201, earn.text  # the printed member code still earns
    assert redeem(api, member_id, card_code=shown_code(api, member_id)).status_code == 201
    reserved = api.post(f"/v1/members/{member_id}/reservations", {"points": 50, "order_ref": idem(),
                        "card_code": shown_code(api, member_id)}, key="pos")
    assert reserved.json()["code"] == "card_code_used"  # the same minute's code was just spent


def test_a_retry_of_a_redemption_replays_even_though_its_code_is_now_burnt(clocked_api: ApiHarness) -> None:
    api = clocked_api
    member_id, _ = carded_member(api)
    body = {"points": 100, "order_ref": "o-1", "card_code": shown_code(api, member_id)}
    key = idem()
    first = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key=key)
    retry = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key=key)
    assert first.status_code == 201 and retry.status_code in (200, 201), retry.text
    assert retry.json()["redemption_id"] == first.json()["redemption_id"]
    assert api.balance(member_id)["available"] == 900


def test_a_member_without_a_card_has_no_card_code(clocked_api: ApiHarness) -> None:
    api = clocked_api
    member_id = api.member_with(10)
    member_code = api.get(f"/v1/members/{member_id}").json()["member_code"]
    response = api.get("/v1/members/lookup", key="pos", params={"card_code": member_code + "123456"})
    assert response.json()["code"] == "card_code_invalid"


def test_a_till_can_prove_presence_with_a_one_time_code_instead(clocked_api: ApiHarness) -> None:
    api = clocked_api
    sent: dict[str, str] = {}
    from api.otp import one_time_codes

    one_time_codes(api.ctx).send = lambda phone, text: sent.__setitem__(phone, text.split(": ")[1][:6])
    member_id, _ = carded_member(api)
    require_presence(api, ["*"])
    key = idem()
    asked = api.post(f"/v1/members/{member_id}/presence-codes", None, key="pos", idempotency_key=key)
    assert asked.status_code == 202 and "*" in asked.json()["sent_to"], asked.text
    (phone, code), = sent.items()
    assert api.post(f"/v1/members/{member_id}/presence-codes", None, key="pos", idempotency_key=key).json() == \
        asked.json() and sent[phone] == code  # a retry sends nothing new
    wrong = redeem(api, member_id, otp=f"{(int(code) + 1) % 10**6:06d}")
    assert wrong.status_code == 422 and wrong.json()["code"] == "presence_otp_invalid"
    body, redeem_key = {"points": 100, "order_ref": idem(), "otp": code}, idem()
    ok = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key=redeem_key)
    assert ok.status_code == 201, ok.text
    retry = api.post(f"/v1/members/{member_id}/redemptions", body, key="pos", idempotency_key=redeem_key)
    assert retry.json()["redemption_id"] == ok.json()["redemption_id"]  # replayed, though the code is used
    again = redeem(api, member_id, otp=code)
    assert again.json()["code"] == "presence_otp_invalid"  # a code proves presence once
    assert api.balance(member_id)["available"] == 900


def test_no_read_hands_out_the_static_qr_token(clocked_api: ApiHarness) -> None:
    api = clocked_api
    enrolled = api.enroll()
    token, member_id = enrolled["qr_token"], enrolled["member_id"]
    assert token  # enrolment answers it once, for printing the plastic card
    for key in ("pos", "staff", "auditor", "admin"):
        for path, params in ((f"/v1/members/{member_id}", {}), ("/v1/members/lookup", {"qr_token": token}),
                             (f"/v1/members/{member_id}/history", {})):
            response = api.get(path, key=key, params=params)
            assert response.status_code in (200, 403), response.text
            assert token not in response.text, (key, path)
    events = api.get(f"/v1/members/{member_id}/events", key="auditor")
    assert events.status_code == 200 and token not in events.text
