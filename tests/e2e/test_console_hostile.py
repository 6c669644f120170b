"""Hostile input to the console: whatever a person (or a script with their cookie) sends, the answer is a page
or a refusal, never a 500 or a traceback, and nothing is written by a refused form."""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from faces.console.accounts import StaffAccounts
from tests.e2e.conftest import ApiHarness
from tests.e2e.test_console_auth import PASSWORD, Staff

ODD = ["", " ", "%", "_%_", "'; DROP TABLE staff_users; --", "ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ", "x" * 5000, "0" * 40, "+", "+84",
       "\u202e0901234567", "<script>alert(1)</script>", "nguyễn" * 30, "../../etc/passwd"]


@pytest.fixture(scope="module")
def people(api: ApiHarness) -> Iterator[dict[str, Staff]]:
    accounts = StaffAccounts(api.ctx.tables)
    accounts.create("h.admin", PASSWORD, "admin")
    accounts.create("h.mgr", PASSWORD, "store_manager", ("HN-02",))
    yield {"admin": Staff(api, "h.admin"), "mgr": Staff(api, "h.mgr")}


@pytest.mark.parametrize("text", ODD)
def test_odd_searches_and_filters_answer_a_page(people: dict[str, Staff], api: ApiHarness, text: str) -> None:
    member_id = api.member_with(10)
    client = people["admin"].client
    for path, params in (("/console/search", {"q": text}), (f"/console/members/{member_id}",
                                                             {"channel": text, "store": text, "kind": text}),
                         ("/console/dashboard", {"from": text, "to": text, "channel": text, "store": text}),
                         ("/console/", {"lang": text})):
        response = client.get(path, params=params)
        assert response.status_code < 500, (path, text, response.text[:300])
        assert "<script>alert(1)</script>" not in response.text  # autoescaped everywhere
    for path in (f"/console/campaigns/{text}", f"/console/segments/{text}.csv", f"/console/members/{text}",
                 f"/console/members/{member_id}/why/{text}"):
        assert client.get(path).status_code < 500, path


@pytest.mark.parametrize("fields", [
    {}, {"points": "nan"}, {"points": "1e9"}, {"points": "99999999999999999999"}, {"points": "-0"},
    {"points": "5", "reason": "lý do\x00ẩn"}, {"points": "5", "reason": "x" * 10000}, {"points": "5", "idem": ""},
    {"points": "5", "idem": "x" * 500}, {"points": "5", "store_id": "../HN-02"}, {"points": "5", "store_id": "HCM-01"},
])
def test_odd_adjustment_forms_are_refused_and_write_nothing(people: dict[str, Staff], api: ApiHarness,
                                                            fields: dict[str, str]) -> None:
    member_id = api.member_with(10)
    for person in people.values():
        response = person.post(f"/console/members/{member_id}/adjust", **fields)
        if fields.get("store_id") == "HCM-01" and person is people["admin"]:
            assert response.status_code in (200, 422)
            continue
        assert 400 <= response.status_code < 500, (fields, response.status_code)
    history = api.get(f"/v1/members/{member_id}/history").json()["items"]
    writes = [i for i in history if i["type"] == "PointsAdjusted"]
    assert len(writes) <= (1 if fields.get("store_id") == "HCM-01" else 0)


@pytest.mark.parametrize("action", ["release", "use-voucher", "cancel-voucher", "reverse-redemption", "link",
                                    "profile", "consent", "nope"])
def test_actions_on_things_that_do_not_exist_are_refused(people: dict[str, Staff], api: ApiHarness,
                                                         action: str) -> None:
    member_id = api.member_with(10)
    for target in (member_id, str(uuid.uuid4())):
        if action == "consent" and target == member_id:
            continue  # every consent box unticked is a valid answer
        response = people["admin"].post(f"/console/members/{target}/{action}", reservation_id="nope",
                                        voucher_code="V000", redemption_id="nope", value="zalo:\x00",
                                        birthday="31/02/2020", name="x" * 5000)
        assert 400 <= response.status_code < 500, (action, response.status_code, response.text[:200])


def test_odd_sign_in_attempts_are_refused_without_a_500(api: ApiHarness) -> None:
    for username, password in (("", ""), ("x" * 5000, "y" * 5000), ("admin\x00", "p"), ("ADMIN", "\u0000")):
        attempt = Staff(api, "nobody", "not signed in")
        response = attempt.sign_in(username, password)
        assert response.status_code in (400, 401), (username[:10], response.status_code)
