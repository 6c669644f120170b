"""Statistics and the read side over HTTP, on both stores: KPIs and campaign figures show the purchases just
made once the worker has caught up (and say `as_of` how far behind they are before it has), segments,
member search, projection lag, who may read what, and the history's CSKH lines (read your writes, the same
words as the read side's timeline).

The module shares one store, so figures are compared before and after a test's own purchases, filtered to
a store no other module's test uses.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from loyalty_core.member import HCM
from projections.worker import Worker
from tests.e2e.conftest import ApiHarness, new_phone

STATS_STORE = "HCM-02"


def catch_up(api: ApiHarness) -> None:
    """One worker cycle on the app's store: every projection applies the log up to its head."""
    worker = Worker(api.ctx.runtime.settings)
    try:
        worker.cycle()
    finally:
        worker.close()


def today(api: ApiHarness) -> str:
    return api.ctx.service.clock().astimezone(HCM).date().isoformat()


def buy(api: ApiHarness, member_id: str, total: str, ref: str | None = None) -> dict[str, Any]:
    response = api.post("/v1/transactions", {"transaction_ref": ref or f"T-{uuid.uuid4().hex[:10]}",
                                             "member": {"member_id": member_id}, "total": total,
                                             "store_id": STATS_STORE}, key="pos_multi")
    assert response.status_code == 201, response.text
    return response.json()


def kpis(api: ApiHarness, key: str = "analyst") -> dict[str, Any]:
    day = today(api)
    response = api.get("/v1/stats/kpis", key=key, params={"from": day, "to": day, "channel": "pos",
                                                          "store_id": STATS_STORE})
    assert response.status_code == 200, response.text
    return response.json()


def test_kpis_show_the_purchases_just_made_once_the_worker_has_caught_up(api: ApiHarness) -> None:
    catch_up(api)
    before = kpis(api)
    assert before["as_of"]["lag"] == 0 and before["as_of"]["projection"] == "kpis"
    first = api.enroll(key="pos_multi", store_id=STATS_STORE)["member_id"]
    second = api.enroll(key="pos_multi", store_id=STATS_STORE)["member_id"]
    earned = [buy(api, first, "125000")["points_earned"], buy(api, first, "80000")["points_earned"],
              buy(api, second, "45000")["points_earned"]]

    lagging = kpis(api)  # not caught up yet: the same figures, and it says so
    assert lagging["as_of"]["lag"] > 0 and lagging["purchasers"] == before["purchasers"]

    catch_up(api)
    after = kpis(api, key="admin")
    assert after["as_of"]["lag"] == 0 and after["as_of"]["position"] == after["as_of"]["head"]
    day = {d["day"]: d for d in after["days"]}[today(api)]
    previous = {d["day"]: d for d in before["days"]}.get(today(api), {"purchases": 0, "spend_vnd": "0",
                                                                       "points_earned": 0, "enrolled": 0})
    assert day["purchases"] - previous["purchases"] == 3
    assert int(day["spend_vnd"]) - int(previous["spend_vnd"]) == 250000
    assert day["points_earned"] - previous["points_earned"] == sum(earned)
    assert day["enrolled"] - previous["enrolled"] == 2
    assert after["purchasers"] - before["purchasers"] == 2
    assert after["repeat_purchasers"] - before["repeat_purchasers"] == 1
    assert isinstance(after["points_outstanding"], int) and isinstance(after["liability_vnd"], str)
    assert after["channel"] == "pos" and after["store_id"] == STATS_STORE


def test_campaign_stats_show_the_points_a_campaign_gave(api: ApiHarness) -> None:
    now = api.ctx.service.clock()
    campaign = {"campaign_id": "stats-camp", "name_vi": "Thống kê", "name_en": "Stats",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=10)).isoformat(), "budget_points": 10000}
    assert api.post("/v1/program/campaigns", campaign).status_code == 201
    rule = {"kind": "fixed_bonus", "rule_id": "stats-camp-bonus", "priority": 29, "points": 15,
            "campaign_id": "stats-camp", "stores": [STATS_STORE]}
    assert api.post("/v1/program/rules", rule).status_code == 201
    api.ctx.service.policy.book.refresh(force=True)
    member_id = api.enroll(key="pos_multi", store_id=STATS_STORE)["member_id"]
    sales = [buy(api, member_id, "60000"), buy(api, member_id, "30000")]
    for sale in sales:
        lines = [{"rule_id": line["rule_id"], "points": line["points"]} for line in sale["breakdown"]]
        assert {"rule_id": "stats-camp-bonus", "points": 15} in lines

    stale = api.get("/v1/stats/campaigns/stats-camp", key="analyst").json()
    assert stale["points_issued"] == 0 and stale["as_of"]["lag"] > 0
    catch_up(api)
    response = api.get("/v1/stats/campaigns/stats-camp", key="analyst")
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["points_issued"] == 30 and stats["members_reached"] == 1 and stats["as_of"]["lag"] == 0
    assert stats["date_from"] <= today(api) <= stats["date_to"]
    days = [(d["channel"], d["store_id"], d["points_issued"]) for d in stats["days"]]
    assert days == [("pos", STATS_STORE, 30)]
    assert int(stats["cost_vnd"]) > 0
    ranged = api.get("/v1/stats/campaigns/stats-camp", key="admin",
                     params={"from": today(api), "to": today(api)})
    assert ranged.json()["points_issued"] == 30
    assert api.get("/v1/stats/campaigns/no-such", key="analyst").json()["code"] == "campaign_not_found"
    backwards = api.get("/v1/stats/kpis", key="analyst", params={"from": "2026-02-02", "to": "2026-02-01"})
    assert backwards.status_code == 422 and backwards.json()["field"] == "from"


def test_segments_and_a_members_segments(api: ApiHarness) -> None:
    buyers = [api.enroll(key="pos_multi", store_id=STATS_STORE)["member_id"] for _ in range(2)]
    for member_id in buyers:
        buy(api, member_id, "50000")
    idle = api.enroll(key="web")["member_id"]
    catch_up(api)
    assert "store_only" in api.get(f"/v1/members/{buyers[0]}/segments", key="staff").json()["segments"]
    own = api.get(f"/v1/members/{idle}/segments", key="analyst").json()
    assert own["segments"] == ["never_purchased"] and own["as_of"]["projection"] == "segments"

    seen: list[str] = []
    cursor = None
    for _ in range(100):
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/stats/segments/store_only", key="analyst", params=params).json()
        seen += [m["member_id"] for m in page["members"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert set(buyers) <= set(seen) and len(seen) == len(set(seen))
    member = next(m for m in api.get("/v1/stats/segments/store_only", key="admin", params={"limit": 500})
                  .json()["members"] if m["member_id"] == buyers[0])
    assert member["purchases"] == 1 and member["spend_vnd"] == "50000"
    assert api.get("/v1/stats/segments/rfm:555", key="analyst").status_code == 200
    assert api.get("/v1/stats/segments/nonsense", key="analyst").json()["code"] == "segment_not_found"
    missing = api.get(f"/v1/members/{uuid.uuid4()}/segments", key="analyst")
    assert missing.status_code == 404 and missing.json()["code"] == "member_not_found"


def test_member_search_by_partial_phone_name_and_code(api: ApiHarness) -> None:
    phone = new_phone()
    member = api.enroll(phone, key="pos", name="Trần Thị Bích Ngọc")
    catch_up(api)
    for q in (phone[-6:], "+84" + phone[1:], "bich ngoc", member["member_code"]):
        response = api.get("/v1/members/search", key="staff", params={"q": q})
        assert response.status_code == 200, (q, response.text)
        assert member["member_id"] in [hit["member_id"] for hit in response.json()["items"]], q
    hit = api.get("/v1/members/search", key="admin", params={"q": phone}).json()["items"][0]
    assert hit["name"] == "Trần Thị Bích Ngọc" and hit["phone"] == "+84" + phone[1:]
    assert api.get("/v1/members/search", key="staff").status_code == 422  # q is required


def test_lag_lists_every_projection(api: ApiHarness) -> None:
    api.enroll()
    behind = api.get("/v1/stats/lag", key="analyst").json()
    assert {p["name"] for p in behind["projections"]} == {"balances", "timeline", "campaign_stats", "kpis",
                                                          "segments", "member_search", "messages"}
    assert all(p["lag"] > 0 for p in behind["projections"])
    catch_up(api)
    caught = api.get("/v1/stats/lag", key="admin").json()
    assert all(p["lag"] == 0 and p["position"] == caught["head"] for p in caught["projections"])


@pytest.mark.parametrize("role", ["pos", "web", "auditor"])
def test_channel_and_auditor_keys_may_not_read_statistics(api: ApiHarness, role: str) -> None:
    member_id = api.enroll()["member_id"]
    for path in ("/v1/stats/kpis", "/v1/stats/campaigns/x", "/v1/stats/segments/vip", "/v1/stats/lag",
                 f"/v1/members/{member_id}/segments", "/v1/members/search?q=090"):
        response = api.get(path, key=role)
        assert response.status_code == 403 and response.json()["code"] == "forbidden", (role, path)


def test_staff_sees_segments_and_search_not_statistics_and_analysts_do_not_search(api: ApiHarness) -> None:
    member_id = api.enroll()["member_id"]
    assert api.get("/v1/stats/kpis", key="staff").status_code == 403
    assert api.get(f"/v1/members/{member_id}/segments", key="staff").status_code == 200
    assert api.get("/v1/members/search?q=090", key="staff").status_code == 200
    assert api.get("/v1/members/search?q=090", key="analyst").status_code == 403
    assert api.get(f"/v1/members/{member_id}", key="staff").status_code == 200  # the member route still works


def test_history_reads_its_own_writes_in_the_read_sides_words(api: ApiHarness) -> None:
    member_id = api.enroll(key="pos_multi", store_id=STATS_STORE)["member_id"]
    sale = buy(api, member_id, "125000", ref="HIST-1")
    vi = api.get(f"/v1/members/{member_id}/history", key="pos_multi").json()  # no worker: no lag
    newest = vi["items"][0]
    assert newest["type"] == "PointsEarned" and newest["points"] == sale["points_earned"]
    assert newest["text"].startswith(f"Tích {sale['points_earned']} điểm từ đơn hàng pos/HIST-1")
    assert "125.000" in newest["text"] and newest["channel_label"] == "Tại cửa hàng"
    assert vi["items"][-1]["text"].startswith("Đăng ký thành viên") and vi["lang"] == "vi"
    en = api.get(f"/v1/members/{member_id}/history", key="pos_multi", params={"lang": "en"}).json()
    assert en["items"][0]["text"].startswith(f"Earned {sale['points_earned']} point")
    assert en["items"][0]["channel_label"] == "In store"
    assert api.get(f"/v1/members/{member_id}/history", params={"lang": "fr"}).status_code == 422

    catch_up(api)  # the timeline projection writes the very same lines
    from projections.queries import ReadModels

    models = ReadModels.open(api.ctx.runtime.settings)
    try:
        for lang, page in (("vi", vi), ("en", en)):
            lines = models.list_timeline(uuid.UUID(member_id), lang=lang).lines
            assert [line.text for line in lines] == [item["text"] for item in page["items"]]
            assert [line.at_local for line in lines] == [item["at_local"] for item in page["items"]]
    finally:
        models.close()
