"""Whole-request examples for every operation in the OpenAPI document, so Swagger UI's "Try it out" starts from
a request that is valid as it stands: every request body, every path parameter and every required query
parameter has an example. They are the demo program's world (api/…/demo.json, *Cà Phê Sài Gòn*): a member
with a +84 phone, sales in whole VND as decimal strings ("125000"), the demo's stores, rules, tiers and rewards.

Bodies are keyed by operationId (api/contract.py), parameters by name. `apply(document)` writes them into the
document FastAPI builds; `tests/e2e/test_openapi_examples.py` fails when an operation lacks one and sends each
body to a live app, which must accept its shape (a 404 for an id that is not in the store is fine, a 422
validation error is not).
"""

from __future__ import annotations

from typing import Any

MEMBER_ID = "3f2b8c4e-5d6a-4b7c-8d9e-0a1b2c3d4e5f"
OTHER_MEMBER_ID = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
PHONE = "+84 90 123 4567"
STORE = "HCM-01"

#: Path and required query parameters, by name (the same name means the same thing on every path).
PARAMETERS: dict[str, Any] = {
    "member_id": MEMBER_ID,
    "survivor_id": MEMBER_ID,
    "merged_member_id": OTHER_MEMBER_ID,
    "approval_id": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
    "message_id": "c0ffee00-1234-5678-9abc-def012345678",
    "transaction_ref": "HD-0001",
    "reservation_id": "rsv-2f9c4e1a7b3d",
    "redemption_id": "rdm-8e1d3c5b7a9f",
    "campaign_id": "tet-2030",
    "reward_id": "free-banh-mi",
    "rule_id": "base-1-per-10k",
    "version": 1,
    "code": "CPSG-7K3M9Q",
    "name": "vip",
    "webhook_id": "wh_3f9a1c2b4d5e6f70",
    "delivery_id": "wh_3f9a1c2b4d5e6f70:42",
    "platform": "shopify",
    "shop": "caphesaigon.myshopify.com",
    "marketplace": "shopee",
    # required query parameters
    "kind": "welcome",
    "RequestId": "ESMS-REQ-0001",
    "SMSID": "ESMS-0001",
    "SendStatus": "5",
}

_CHANNEL = {"channel": "pos", "store_id": STORE}
_SALE = {
    **_CHANNEL,
    "transaction_ref": "HD-0001",
    "member": {"phone": PHONE},
    "currency": "VND",
    "total": "125000",
    "lines": [
        {"sku": "CF-SUA-DA", "category": "coffee", "quantity": 1, "unit_price": "45000", "amount": "45000"},
        {"sku": "BANH-MI", "category": "food", "quantity": 1, "unit_price": "80000", "amount": "80000"},
    ],
}
_TIERS = {
    "tiers": [
        {"code": "member", "name_vi": "Thành viên", "name_en": "Member", "threshold": "0", "earn_multiplier": "1",
         "birthday_bonus_points": 0},
        {"code": "silver", "name_vi": "Bạc", "name_en": "Silver", "threshold": "2000000", "earn_multiplier": "1.25",
         "birthday_bonus_points": 50},
        {"code": "gold", "name_vi": "Vàng", "name_en": "Gold", "threshold": "5000000", "earn_multiplier": "1.5",
         "birthday_bonus_points": 100},
    ],
    "basis": "spend", "window": "rolling_months", "window_months": 12, "downgrade": "one_step", "review": "yearly",
    "review_month": 1,
}
_SETTINGS = {"code": "CPSG", "name": "Cà Phê Sài Gòn", "currency": "VND", "point_value": "100", "rounding": "down",
             "pending_days": 0, "max_points_share_of_order": "0.5", "adjustment_approval_points": 500}
_EXPIRY = {"kind": "end_of_period", "period": "year", "periods_after": 1}
_REFUND_POLICY = {"basis": "pro_rata", "on_shortfall": "take_what_is_left", "return_window_days": 30}
_REWARD = {"reward_id": "free-banh-mi", "name_vi": "Tặng 1 bánh mì", "name_en": "One free bánh mì", "kind": "free_item",
           "points_cost": 300, "stock": 500, "valid_days": 30}
_CAMPAIGN = {"campaign_id": "tet-2030", "name_vi": "Tết Canh Tuất", "name_en": "Lunar New Year 2030",
             "starts_at": "2030-01-28T00:00:00+07:00", "ends_at": "2030-02-10T23:59:59+07:00",
             "budget_points": 1000000, "exclusive": False}
_RULE = {"kind": "multiplier", "rule_id": "tet-x3", "priority": 35, "factor": "3",
         "starts_at": "2030-01-28T00:00:00+07:00", "ends_at": "2030-02-10T23:59:59+07:00",
         "label_vi": "Tết: điểm x3", "label_en": "Lunar New Year: triple points"}
_CSV = "phone,name,email\n0901234567,Nguyễn Thị Lan,lan.nguyen@example.vn\n"

#: Query parameters an operation needs one of (none is required on its own), by operationId.
QUERIES: dict[str, dict[str, Any]] = {
    "lookupMember": {"phone": PHONE},
    "searchMembers": {"q": "Nguyễn Thị Lan"},
}

#: Request bodies, by operationId.
BODIES: dict[str, Any] = {
    "enrollMember": {**_CHANNEL, "phone": PHONE, "name": "Nguyễn Thị Lan", "email": "lan.nguyen@example.vn",
                     "birthday": "1992-11-02", "consent": {"sms": True, "zalo": True, "email": False}},
    "recordPurchase": _SALE,
    "simulatePurchase": {**_SALE, "transaction_ref": "SIM-0001"},
    "refundPurchase": {**_CHANNEL, "refund_ref": "HD-0001-R1", "amount": "45000",
                       "lines": [{"sku": "CF-SUA-DA", "quantity": 1}]},
    "redeemPoints": {**_CHANNEL, "reward_id": "discount-15", "order_ref": "POS-0002", "order_total": "90000"},
    "reservePoints": {**_CHANNEL, "points": 100, "order_ref": "POS-0001", "hold_seconds": 900,
                      "order_total": "250000"},
    "captureReservation": {**_CHANNEL, "points": 80},
    "releaseReservation": _CHANNEL,
    "adjustPoints": {**_CHANNEL, "points": 300, "reason": "Chuyển điểm từ thẻ giấy / paper card carried over",
                     "expires_at": "2030-12-31T23:59:59+07:00"},
    "recordActivity": {**_CHANNEL, "kind": "check_in", "reference": "CHECKIN-HCM01-20261130"},
    "registerWebhook": {"url": "https://pos.caphesaigon.vn/hooks/loyalty",
                        "event_types": ["PointsEarned", "PointsRedeemed", "TierChanged"], "store_ids": [STORE]},
    "createProgramFromDefinition": {"settings": _SETTINGS, "expiry": _EXPIRY, "refund": _REFUND_POLICY,
                                    "tiers": _TIERS, "rewards": [_REWARD], "campaigns": [_CAMPAIGN],
                                    "rules": [{"kind": "points_per_amount", "rule_id": "base-1-per-10k",
                                               "priority": 10, "points": 1, "per_amount": "10000"}, _RULE]},
    "addRule": _RULE,
    "replaceRule": {"kind": "points_per_amount", "rule_id": "base-1-per-10k", "priority": 10, "points": 1,
                    "per_amount": "10000", "label_vi": "1 điểm mỗi 10.000 ₫", "label_en": "1 point per 10,000 ₫"},
    "setTierLadder": _TIERS,
    "addCampaign": _CAMPAIGN,
    "endCampaign": {"ended_at": "2030-02-05T22:00:00+07:00"},
    "addReward": _REWARD,
    "restockReward": {"quantity": 200},
    "setExpiryPolicy": _EXPIRY,
    "setRefundPolicy": _REFUND_POLICY,
    "changeSettings": _SETTINGS,
    "approveAdjustment": {"note": "Đã đối chiếu hóa đơn giấy / checked against the paper receipt"},
    "refuseAdjustment": {"note": "Không có hóa đơn / no receipt"},
    "claimReceipt": {"transaction_ref": "HD-0001", "sale_channel": "pos"},
    "importMembers": {"file": _CSV, "dry_run": True},
    "importPurchases": {"file": "transaction_ref,phone,total,occurred_at\nHD-0002,0901234567,125000,"
                                "2026-11-30T09:15:00+07:00\n", "dry_run": True, "earn": True},
    "grantPoints": {"grant_id": "xin-loi-mat-dien-1130", "points": 50, "reason": "Xin lỗi vì mất điện / power cut",
                    "expires_on": "2030-03-31", "segment": "vip"},
    "mergeMembers": {**_CHANNEL, "merged_member_id": OTHER_MEMBER_ID,
                     "reason": "Cùng một người, hai số điện thoại / one person, two phones"},
    "unmergeMembers": {**_CHANNEL, "reason": "Gộp nhầm / merged by mistake"},
    "updateProfile": {**_CHANNEL, "name": "Nguyễn Thị Lan", "birthday": "1992-11-02"},
    "changeConsent": {**_CHANNEL, "consent": {"sms": False, "zalo": True}, "source": "quầy HCM-01",
                      "consent_text_version": "2026-07"},
    "changeTier": {**_CHANNEL, "tier": "gold", "reason": "Khách VIP chuyển từ chương trình cũ / legacy VIP"},
    "reverseRedemption": {**_CHANNEL, "reason": "Khách trả lại quà / gift returned"},
    "linkIdentifier": {**_CHANNEL, "kind": "channel_id", "value": "zalo:1234567890123456789"},
    "unlinkIdentifier": {**_CHANNEL, "kind": "email", "value": "lan.nguyen@example.vn"},
    "changePhone": {**_CHANNEL, "phone": "+84 98 765 4321"},
    "useVoucher": {**_CHANNEL, "order_ref": "POS-0003"},
    "retryDeadLetters": {"ids": ["member_search:1234"], "all": False},
    "zaloDeliveryReport": {"event_name": "user_received_message",
                           "message": {"msg_id": "zmsg-0001", "tracking_id": "c0ffee00-1234-5678-9abc-def012345678"}},
    "connectShop": {"secret": "shpss_0123456789abcdef", "channel": "shopify", "store_id": "WEB-01"},
    "importMarketplaceOrders": {"file": "Mã đơn hàng,Ngày đặt hàng,Trạng Thái Đơn Hàng,Tổng giá trị đơn hàng (VND),"
                                        "Số điện thoại\n2611300001ABCD,2026-11-30 09:15,Hoàn thành,125000,"
                                        "84901234567\n", "dry_run": True},
    "eraseMember": {"reason": "Hội viên yêu cầu xoá dữ liệu cá nhân, phiếu CSKH-1130 / "
                              "the member asked, ticket CSKH-1130"},
    "grantOffer": {"grant_id": "vip-thang-12", "condition": {"tiers": ["gold"], "min_visits": 3}, "points": 100,
                   "max_members": 1000, "budget_points": 100000},
}


def apply(document: dict[str, Any]) -> None:
    """Write the examples into an OpenAPI document (in place)."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            queries = QUERIES.get(operation["operationId"], {})
            for parameter in operation.get("parameters", []):
                wanted = parameter["in"] == "path" or (parameter["in"] == "query" and parameter.get("required"))
                if parameter["in"] == "query" and parameter["name"] in queries:
                    parameter["example"] = queries[parameter["name"]]
                elif wanted and parameter["name"] in PARAMETERS:
                    parameter["example"] = PARAMETERS[parameter["name"]]
            body = BODIES.get(operation["operationId"])
            if body is not None:
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    media["example"] = body
