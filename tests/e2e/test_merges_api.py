"""Merging duplicates over HTTP on both stores: staff merge with a reason and an Idempotency-Key, the duplicate's
id and phone find the survivor, a retry replays, refusals are problems with stable codes, and an unmerge is
refused with what blocks it once something that moved was used."""

from __future__ import annotations

from tests.e2e.conftest import ApiHarness, idem, new_phone


def _pair(api: ApiHarness) -> tuple[str, str, str]:
    survivor = api.member_with(120)
    phone = new_phone()
    duplicate = api.enroll(phone)["member_id"]
    sale = {"transaction_ref": f"M-{phone}", "total": "300000", "member": {"member_id": duplicate}}
    assert api.post("/v1/transactions", sale, key="pos").status_code == 201
    return survivor, duplicate, phone


def test_staff_merge_a_duplicate_and_its_id_and_phone_find_the_survivor(api: ApiHarness) -> None:
    survivor, duplicate, phone = _pair(api)
    total = api.balance(survivor)["available"] + api.balance(duplicate)["available"]
    key = idem()
    body = {"merged_member_id": duplicate, "reason": "cùng một người: thẻ giấy cũ và Zalo"}
    merged = api.post(f"/v1/members/{survivor}/merges", body, key="staff", idempotency_key=key)
    assert merged.status_code == 201, merged.text
    out = merged.json()
    assert out["status"] == "merged" and out["survivor_id"] == survivor and out["merged_member_id"] == duplicate
    assert out["balance"]["available"] == total and out["merged_balance"]["available"] == 0
    again = api.post(f"/v1/members/{survivor}/merges", body, key="staff", idempotency_key=key)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == out
    assert api.balance(duplicate)["available"] == total  # the old id reads the survivor
    found = api.get("/v1/members/lookup", params={"phone": phone})
    assert found.status_code == 200 and found.json()["member_id"] == survivor
    history = api.get(f"/v1/members/{duplicate}/history", params={"lang": "en"}).json()["items"]
    assert "Merged into member" in history[0]["text"]


def test_refusals_are_problems_with_stable_codes_and_a_channel_key_may_not_merge(api: ApiHarness) -> None:
    survivor, duplicate, _ = _pair(api)
    body = {"merged_member_id": duplicate, "reason": "dup"}
    assert api.post(f"/v1/members/{survivor}/merges", body, key="pos").status_code == 403
    itself = api.post(f"/v1/members/{survivor}/merges", {"merged_member_id": survivor, "reason": "x"}, key="staff")
    assert itself.status_code == 422 and itself.json()["code"] == "merge_into_self"
    no_reason = api.post(f"/v1/members/{survivor}/merges", {"merged_member_id": duplicate}, key="staff")
    assert no_reason.status_code == 422
    assert api.post(f"/v1/members/{survivor}/merges", body, key="staff").status_code == 201
    twice = api.post(f"/v1/members/{survivor}/merges", body, key="staff")
    assert twice.status_code == 409 and twice.json()["code"] == "member_already_merged"
    missing = api.post(f"/v1/members/{survivor}/merges/{survivor}/unmerge", {"reason": "x"}, key="staff")
    assert missing.status_code == 404 and missing.json()["code"] == "merge_not_found"


def test_unmerge_gives_back_what_moved_or_says_what_blocks_it(api: ApiHarness) -> None:
    survivor, duplicate, _ = _pair(api)
    before = (api.balance(survivor), api.balance(duplicate))
    body = {"merged_member_id": duplicate, "reason": "dup"}
    assert api.post(f"/v1/members/{survivor}/merges", body, key="staff").status_code == 201
    back = api.post(f"/v1/members/{survivor}/merges/{duplicate}/unmerge", {"reason": "khác người"}, key="staff")
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "unmerged"
    assert (api.balance(survivor), api.balance(duplicate)) == before
    assert api.post(f"/v1/members/{survivor}/merges", body, key="staff").status_code == 201
    spend = {"points": before[0]["available"] + 10, "order_ref": "O-1"}
    assert api.post(f"/v1/members/{survivor}/redemptions", spend, key="pos").status_code == 201
    blocked = api.post(f"/v1/members/{survivor}/merges/{duplicate}/unmerge", {"reason": "x"}, key="staff")
    assert blocked.status_code == 409 and blocked.json()["code"] == "unmerge_blocked"
    assert blocked.json()["blocking"][0]["what"] == "lot"
