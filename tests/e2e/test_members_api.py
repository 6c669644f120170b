"""Enrolment, lookup by any spelling of an identifier, the summary, the balance and the timeline."""

from __future__ import annotations

from tests.e2e.conftest import ApiHarness, new_phone


def spellings(phone: str) -> list[str]:
    """Ways people write one Vietnamese mobile number 0xxxxxxxxx."""
    rest = phone[1:]
    return [phone, f"+84{rest}", f"84{rest}", f"+84 {rest[:2]} {rest[2:5]} {rest[5:]}",
            f"{phone[:3]}-{phone[3:6]}-{phone[6:]}", f"({phone[:3]}) {phone[3:6]} {phone[6:]}"]


def test_enrolment_answers_the_member_with_codes_tier_and_an_empty_balance(api: ApiHarness) -> None:
    phone = new_phone()
    email = f"Lan.{phone}@Example.vn"
    response = api.post("/v1/members", {"phone": phone, "name": "Nguyễn Thị Lan", "birthday": "1990-05-17",
                                        "email": email, "consent": {"zalo": True, "sms": False}}, key="pos")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["phone"] == "+84" + phone[1:]
    assert body["email"] == email.lower()
    assert body["member_code"] and body["qr_token"] and body["tier"]
    assert body["balance"] == {"available": 0, "pending": 0, "reserved": 0, "lifetime_earned": 0,
                               "lifetime_redeemed": 0, "lifetime_expired": 0, "tier": body["tier"],
                               "next_expiry": None}


def test_a_phone_already_taken_is_refused_with_identifier_taken(api: ApiHarness) -> None:
    phone = new_phone()
    api.enroll(phone)
    response = api.post("/v1/members", {"phone": spellings(phone)[3]}, key="pos")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "identifier_taken"


def test_any_spelling_of_a_vietnamese_number_finds_the_same_member(api: ApiHarness) -> None:
    phone = new_phone()
    member = api.enroll(phone)
    for spelling in spellings(phone):
        response = api.get("/v1/members/lookup", key="pos", params={"phone": spelling})
        assert response.status_code == 200, (spelling, response.text)
        assert response.json()["member_id"] == member["member_id"]


def test_lookup_by_member_code_qr_token_and_email(api: ApiHarness) -> None:
    phone = new_phone()
    member = api.enroll(phone, email=f"an.{phone}@example.vn")
    for params in ({"member_code": member["member_code"].lower()}, {"qr_token": member["qr_token"]},
                   {"email": f"AN.{phone}@example.vn"}):
        response = api.get("/v1/members/lookup", key="pos", params=params)
        assert response.status_code == 200, (params, response.text)
        assert response.json()["member_id"] == member["member_id"]


def test_lookup_of_an_unknown_member_is_404(api: ApiHarness) -> None:
    response = api.get("/v1/members/lookup", key="pos", params={"phone": "0987654321"})
    assert response.status_code == 404
    assert response.json()["code"] == "member_not_found"
    assert api.get("/v1/members/00000000-0000-4000-8000-000000000000").json()["code"] == "member_not_found"


def test_lookup_needs_exactly_one_identifier(api: ApiHarness) -> None:
    member = api.enroll()
    response = api.get("/v1/members/lookup", key="pos", params={"phone": member["phone"],
                                                                "member_code": member["member_code"]})
    assert response.status_code == 422
    assert api.get("/v1/members/lookup", key="pos").status_code == 422


def test_summary_and_balance_read_the_members_own_state(api: ApiHarness) -> None:
    member_id = api.member_with(500)
    summary = api.get(f"/v1/members/{member_id}", key="pos").json()
    assert summary["balance"]["available"] == 500
    assert api.balance(member_id)["available"] == 500
    assert api.balance(member_id)["lifetime_earned"] == 500


def test_a_get_right_after_a_command_reflects_it(api: ApiHarness) -> None:
    member_id = api.member_with(300)
    for points in (10, 20, 30):
        response = api.post(
            f"/v1/members/{member_id}/redemptions", {"points": points, "order_ref": f"o{points}"}, key="pos"
        )
        assert response.status_code == 201
        assert api.balance(member_id)["available"] == response.json()["balance"]["available"]
    assert api.balance(member_id)["available"] == 240


def test_history_pages_newest_first_with_a_cursor(api: ApiHarness) -> None:
    member_id = api.member_with(100)
    for n in range(5):
        api.post(f"/v1/members/{member_id}/redemptions", {"points": 1, "order_ref": f"o{n}"}, key="pos")
    first = api.get(f"/v1/members/{member_id}/history", key="pos", params={"limit": 4}).json()
    assert [item["type"] for item in first["items"]] == ["PointsRedeemed"] * 4
    assert all(item["points"] == -1 for item in first["items"])
    versions = [item["version"] for item in first["items"]]
    assert versions == sorted(versions, reverse=True)
    rest = api.get(
        f"/v1/members/{member_id}/history", key="pos", params={"limit": 200, "cursor": first["next_cursor"]}
    ).json()
    assert rest["next_cursor"] is None
    assert rest["items"][0]["version"] == versions[-1] - 1
    assert rest["items"][-1]["type"] == "MemberEnrolled"
    bad = api.get(f"/v1/members/{member_id}/history", key="pos", params={"cursor": "nonsense"})
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"


def test_history_of_an_id_that_is_not_a_member_is_404(api: ApiHarness) -> None:
    from loyalty_core.identifiers import claim_id

    phone = new_phone()
    api.enroll(phone)
    phone_claim = claim_id("phone", "+84" + phone[1:])  # an aggregate in the same store, but not a member
    assert api.get(f"/v1/members/{phone_claim}/history").status_code == 404
    assert api.get(f"/v1/members/{phone_claim}/events").status_code == 404


def test_raw_events_are_in_order_with_version_and_recorded_time(api: ApiHarness) -> None:
    member_id = api.member_with(50)
    api.post(f"/v1/members/{member_id}/redemptions", {"points": 5, "order_ref": "o1"}, key="pos")
    items = api.get(f"/v1/members/{member_id}/events", key="auditor").json()["items"]
    assert [i["version"] for i in items] == list(range(1, len(items) + 1))
    assert items[0]["type"] == "MemberEnrolled" and items[-1]["type"] == "PointsRedeemed"
    assert items[-1]["data"]["points"] == 5 and items[-1]["store_id"] == "HCM-01"
    assert all(i["recorded_at"] for i in items)
    later = api.get(f"/v1/members/{member_id}/events", key="auditor", params={"after_version": 2}).json()
    assert [i["version"] for i in later["items"]][0] == 3


def test_enrolment_by_a_channel_key_records_its_channel_and_store(api: ApiHarness) -> None:
    member = api.enroll(key="pos")
    first = api.get(f"/v1/members/{member['member_id']}/events", key="auditor").json()["items"][0]
    assert (first["channel"], first["store_id"]) == ("pos", "HCM-01")
    assert first["actor"] == api.ctx.keys.authenticate(api.token("pos")).key_id


def test_new_phone_helper_gives_distinct_valid_numbers(api: ApiHarness) -> None:
    assert api.enroll(new_phone())["member_id"] != api.enroll(new_phone())["member_id"]
