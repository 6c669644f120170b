"""Reporting that agrees with the program, over HTTP on both stores: liability and campaign cost priced with
the program's own point value (from its events, not LOYALTY_POINT_VALUE_VND), KPIs and campaign points net
of refunds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.e2e.conftest import ApiHarness, idem
from tests.e2e.test_stats_api import catch_up, today

STORE = "HCM-02"


def _settings(api: ApiHarness, **changes: Any) -> None:
    settings = {**api.get("/v1/program").json()["settings"], **changes}
    response = api.client.put("/v1/program/settings", json=settings, headers=api.headers("admin", idem()))
    assert response.status_code == 200, response.text
    api.ctx.service.policy.book.refresh(force=True)


def _campaign(api: ApiHarness) -> None:
    now = api.ctx.service.clock()
    campaign = {"campaign_id": "net-camp", "name_vi": "Tặng 15 điểm", "name_en": "15 points",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=10)).isoformat(), "budget_points": 10000}
    assert api.post("/v1/program/campaigns", campaign).status_code == 201
    rule = {"kind": "fixed_bonus", "rule_id": "net-camp-bonus", "priority": 29, "points": 15,
            "campaign_id": "net-camp", "stores": [STORE]}
    assert api.post("/v1/program/rules", rule).status_code == 201
    api.ctx.service.policy.book.refresh(force=True)


def _buy(api: ApiHarness, member_id: str, ref: str, total: str) -> dict[str, Any]:
    response = api.post("/v1/transactions", {"transaction_ref": ref, "member": {"member_id": member_id},
                                             "total": total, "store_id": STORE}, key="pos_multi")
    assert response.status_code == 201, response.text
    return response.json()


def _refund(api: ApiHarness, ref: str, refund_ref: str, amount: str) -> dict[str, Any]:
    response = api.post(f"/v1/transactions/{ref}/refunds", {"refund_ref": refund_ref, "amount": amount,
                                                             "store_id": STORE}, key="pos_multi")
    assert response.status_code == 201, response.text
    return response.json()


def test_liability_and_cost_use_the_programs_point_value_and_figures_are_net_of_refunds(fresh_api) -> None:
    api: ApiHarness = fresh_api
    assert api.ctx.runtime.settings.point_value_vnd == 100  # the environment's value, which must not be used
    _settings(api, point_value="1000")
    _campaign(api)
    member = api.enroll(key="pos_multi", store_id=STORE)["member_id"]
    kept = _buy(api, member, "HD-1", "60000")
    returned = _buy(api, member, "HD-2", "60000")
    assert kept["points_earned"] == returned["points_earned"] == 21  # 6 base + 15 from the campaign
    half = _refund(api, "HD-2", "RF-1", "30000")
    rest = _refund(api, "HD-2", "RF-2", "30000")
    assert (half["points_reversed"], rest["points_reversed"]) == (11, 10)
    catch_up(api)

    day = today(api)
    kpis = api.get("/v1/stats/kpis", key="analyst", params={"from": day, "to": day}).json()
    stats = {d["day"]: d for d in kpis["days"]}[day]
    assert (stats["purchases"], int(stats["spend_vnd"]), stats["points_earned"]) == (2, 60000, 21)
    assert kpis["points_outstanding"] == 21 and kpis["point_value_vnd"] == "1000"
    assert int(kpis["liability_vnd"]) == 21_000  # 21 points at the program's 1.000 ₫, not the env's 100 ₫

    campaign = api.get("/v1/stats/campaigns/net-camp", key="analyst").json()
    assert campaign["points_issued"] == 15  # 30 issued, the refunded sale's 15 cancelled (7 + 8)
    assert int(campaign["cost_vnd"]) == 15_000

    _settings(api, point_value="2000")  # the program revalues its points: tonight's liability follows
    catch_up(api)
    revalued = api.get("/v1/stats/kpis", key="analyst", params={"from": day, "to": day}).json()
    assert int(revalued["liability_vnd"]) == 42_000 and revalued["point_value_vnd"] == "2000"


def test_a_partial_refund_cancels_its_share_of_a_campaigns_points(fresh_api) -> None:
    api: ApiHarness = fresh_api
    _campaign(api)
    member = api.enroll(key="pos_multi", store_id=STORE)["member_id"]
    assert _buy(api, member, "HD-9", "60000")["points_earned"] == 21
    assert _refund(api, "HD-9", "RF-9", "20000")["points_reversed"] == 7  # a third of 21
    catch_up(api)
    campaign = api.get("/v1/stats/campaigns/net-camp", key="analyst").json()
    assert campaign["points_issued"] == 10  # 15 - a third of 15
    assert int(campaign["cost_vnd"]) == 1_000  # at the demo program's own 100 ₫ a point
