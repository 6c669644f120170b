"""Platform adapters end to end, on both stores: signed webhooks in, the ledger's commands out, once each.

Fixtures are the platforms' documented sample payloads (Shopify's `orders/paid` and `refunds/create`
examples, WooCommerce's order object from its REST docs, a KiotViet `invoice.update` notification), written
here with Vietnamese phones and VND amounts in place of the samples' US ones.
"""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any

import pytest
from datetime import datetime, timedelta, timezone

from adapters.signatures import sign
from tests.e2e.conftest import ApiHarness, new_phone

SECRET = "shpss_0123456789abcdef"
_ids = itertools.count(820982911946154508)

# Shopify's documented orders/paid sample (trimmed to the fields an order carries about money and buyer).
SHOPIFY_ORDER: dict[str, Any] = {
    "id": 820982911946154508, "email": "jon@example.com", "closed_at": None,
    "created_at": "2026-11-20T12:00:00-05:00", "updated_at": "2026-11-20T12:00:00-05:00", "number": 234,
    "note": None, "token": "123456abcd", "gateway": None, "test": True, "total_price": "200000.00",
    "subtotal_price": "190000.00", "total_weight": 0, "total_tax": "0.00", "taxes_included": False,
    "currency": "VND", "financial_status": "paid", "confirmed": False, "total_discounts": "0.00",
    "phone": None, "name": "#9999", "cancelled_at": None, "cancel_reason": None,
    "processed_at": "2026-11-20T12:00:00-05:00",
    "billing_address": {"first_name": "Steve", "address1": "123 Shipping Street", "phone": "555-555-SHIP",
                        "city": "Shippington", "country": "Vietnam", "country_code": "VN"},
    "customer": {"id": 115310627314723954, "email": "john@example.com", "first_name": "John", "phone": None},
    "line_items": [{"id": 866550311766439020, "variant_id": 808950810, "title": "IPod Nano - 8GB", "quantity": 1,
                    "sku": "IPOD2008PINK", "price": "190000.00"}],
    "refunds": [],
}
# Shopify's documented refunds/create sample.
SHOPIFY_REFUND: dict[str, Any] = {
    "id": 890088186047892319, "order_id": 820982911946154508, "created_at": "2026-11-21T12:00:00-05:00",
    "note": "Things were damaged", "user_id": 548380009, "processed_at": "2026-11-21T12:00:00-05:00",
    "restock": False, "duties": [], "admin_graphql_api_id": "gid://shopify/Refund/890088186047892319",
    "refund_line_items": [],
    "transactions": [{"id": 245135271310205440, "order_id": 820982911946154508, "kind": "refund",
                      "gateway": "bogus", "status": "success", "message": None, "amount": "100000.00"}],
}
# WooCommerce's order object (REST API v3 "Retrieve an order" response, as order.updated delivers it).
WOO_ORDER: dict[str, Any] = {
    "id": 727, "parent_id": 0, "number": "727", "order_key": "wc_order_58d2d042d1d", "created_via": "rest-api",
    "version": "8.0.0", "status": "processing", "currency": "VND", "date_created": "2026-11-20T19:22:10",
    "discount_total": "0", "shipping_total": "0", "total": "200000", "total_tax": "0", "customer_id": 0,
    "billing": {"first_name": "John", "last_name": "Doe", "address_1": "969 Market", "city": "Hà Nội",
                "country": "VN", "email": "john.doe@example.com", "phone": ""},
    "payment_method": "bacs", "date_paid_gmt": "2026-11-20T19:22:10",
    "line_items": [{"id": 315, "name": "Woo Single #1", "product_id": 93, "quantity": 2, "sku": "WS1",
                    "total": "200000"}],
    "refunds": [],
}
# A KiotViet invoice.update notification (KiotViet public API webhook body).
KIOTVIET_NOTIFICATION: dict[str, Any] = {
    "Id": "8f3c1d2e", "Attempt": 1,
    "Notifications": [{"Action": "invoice.update.500123456", "Data": [{
        "Id": 1000123, "Code": "HD000123", "PurchaseDate": "2026-11-20T10:30:00.0000000", "BranchId": 1,
        "BranchName": "Chi nhánh trung tâm", "CustomerId": 42, "CustomerCode": "KH000042",
        "CustomerName": "Nguyễn Văn A", "Total": 200000, "TotalPayment": 200000, "Status": 1,
        "StatusValue": "Hoàn thành", "InvoiceDelivery": {"ContactNumber": "0901234567"},
        "InvoiceDetails": [{"ProductId": 7, "ProductCode": "SP000007", "ProductName": "Cà phê sữa", "Quantity": 2,
                            "Price": 100000, "Discount": 0}],
    }]}],
}

SHOPIFY_HEADERS = {"shopify": ("X-Shopify-Hmac-Sha256", "X-Shopify-Topic"),
                   "haravan": ("X-Haravan-Hmacsha256", "X-Haravan-Topic"),
                   "sapo": ("X-Sapo-Hmac-Sha256", "X-Sapo-Topic")}


def connect(api: ApiHarness, platform: str, shop: str, secret: str = SECRET, **extra: Any) -> None:
    response = api.client.put(f"/v1/integrations/{platform}/{shop}", json={"secret": secret, **extra},
                              headers=api.headers("admin"))
    assert response.status_code == 200, response.text


def deliver(api: ApiHarness, platform: str, shop: str, topic: str, payload: Any, secret: str = SECRET,
            signature: str | None = None) -> Any:
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    headers = {"Content-Type": "application/json"}
    value = signature if signature is not None else sign(platform, secret, body)
    if platform in SHOPIFY_HEADERS:
        headers[SHOPIFY_HEADERS[platform][0]] = value
        headers[SHOPIFY_HEADERS[platform][1]] = topic
    elif platform == "woocommerce":
        headers.update({"X-WC-Webhook-Signature": value, "X-WC-Webhook-Topic": topic})
    else:
        headers["X-Hub-Signature"] = value
    return api.client.post(f"/v1/integrations/{platform}/{shop}/webhooks", content=body, headers=headers)


def shopify_order(phone: str | None, total: str = "200000.00") -> dict[str, Any]:
    order = copy.deepcopy(SHOPIFY_ORDER)
    order.update(id=next(_ids), phone=phone, total_price=total, processed_at=_recently().isoformat())
    return order


def _recently() -> datetime:
    """The samples' dates are before the test program began (it starts when the module's app does)."""
    return datetime.now(timezone.utc)


def shopify_refund(order: dict[str, Any], amount: str) -> dict[str, Any]:
    refund = copy.deepcopy(SHOPIFY_REFUND)
    refund.update(id=next(_ids), order_id=order["id"])
    refund["transactions"][0].update(order_id=order["id"], amount=amount)
    return refund


def available(api: ApiHarness, phone: str) -> int:
    response = api.get("/v1/members/lookup", params={"phone": phone})
    assert response.status_code == 200, response.text
    return int(response.json()["balance"]["available"])


@pytest.fixture(scope="module")
def shops(api: ApiHarness) -> ApiHarness:
    for platform in ("shopify", "haravan", "sapo", "woocommerce", "kiotviet"):
        connect(api, platform, f"{platform}-shop")
    return api


@pytest.mark.parametrize("platform", ["shopify", "haravan", "sapo"])
def test_paid_order_earns_once_however_often_it_is_delivered(shops: ApiHarness, platform: str) -> None:
    api, shop, phone = shops, f"{platform}-shop", new_phone()
    api.enroll(phone)
    order = shopify_order(phone)
    first = deliver(api, platform, shop, "orders/paid", order)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "recorded" and first.json()["points_earned"] > 0, first.text
    earned = available(api, phone)
    replay = deliver(api, platform, shop, "orders/paid", order)
    assert replay.status_code == 200 and replay.json() == first.json()
    assert available(api, phone) == earned


@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "kiotviet", "haravan", "sapo"])
def test_a_bad_signature_is_refused_and_writes_nothing(shops: ApiHarness, platform: str) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    payload = shopify_order(phone) if platform not in ("woocommerce", "kiotviet") else (
        {**WOO_ORDER, "id": next(_ids), "billing": {**WOO_ORDER["billing"], "phone": phone}}
        if platform == "woocommerce" else KIOTVIET_NOTIFICATION)
    topic = "order.updated" if platform == "woocommerce" else "orders/paid"
    wrong = deliver(api, platform, f"{platform}-shop", topic, payload, secret="someone-elses-secret")
    missing = deliver(api, platform, f"{platform}-shop", topic, payload, signature="")
    stranger = deliver(api, platform, "not-connected-shop", topic, payload)
    for response in (wrong, missing, stranger):
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "webhook_signature_invalid"
    assert available(api, phone) == 0


def test_a_refund_before_its_order_is_held_then_applied_once(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    order = shopify_order(phone)
    refund = shopify_refund(order, "200000.00")
    held = deliver(api, "shopify", "shopify-shop", "refunds/create", refund)
    assert held.status_code == 202 and held.json()["status"] == "held"
    assert deliver(api, "shopify", "shopify-shop", "refunds/create", refund).json()["status"] == "held"
    paid = deliver(api, "shopify", "shopify-shop", "orders/paid", order)
    assert paid.status_code == 200 and paid.json()["points_earned"] > 0
    assert available(api, phone) == 0  # the held refund was applied as the order landed
    replay = deliver(api, "shopify", "shopify-shop", "refunds/create", refund)
    assert replay.status_code == 200 and replay.json()["status"] == "refunded"
    assert replay.json()["points_reversed"] == paid.json()["points_earned"]
    assert available(api, phone) == 0


def test_partial_refunds_sum_to_the_order_and_a_later_cancellation_takes_nothing_more(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    order = shopify_order(phone)
    earned = deliver(api, "shopify", "shopify-shop", "orders/paid", order).json()["points_earned"]
    reversed_points = 0
    for amount in ("50000", "70000", "80000.00"):
        response = deliver(api, "shopify", "shopify-shop", "refunds/create", shopify_refund(order, amount))
        assert response.status_code == 200, response.text
        reversed_points += response.json()["points_reversed"]
    assert reversed_points == earned and available(api, phone) == 0
    cancelled = deliver(api, "shopify", "shopify-shop", "orders/cancelled", {**order, "cancelled_at": "2026-11-22"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "already_refunded"
    late = deliver(api, "shopify", "shopify-shop", "refunds/create", shopify_refund(order, "10000"))
    assert late.json()["status"] == "already_refunded" and available(api, phone) == 0


def test_a_cancellation_after_a_partial_refund_takes_back_the_rest(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    order = shopify_order(phone)
    earned = deliver(api, "haravan", "haravan-shop", "orders/paid", order).json()["points_earned"]
    part = deliver(api, "haravan", "haravan-shop", "refunds/create", shopify_refund(order, "50000")).json()
    rest = deliver(api, "haravan", "haravan-shop", "orders/cancelled", order)
    assert rest.status_code == 200 and rest.json()["status"] == "refunded"
    assert part["points_reversed"] + rest.json()["points_reversed"] == earned
    assert available(api, phone) == 0


def test_a_cancellation_before_its_order_is_held(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    order = shopify_order(phone)
    assert deliver(api, "sapo", "sapo-shop", "orders/cancelled", order).json()["status"] == "held"
    deliver(api, "sapo", "sapo-shop", "orders/paid", order)
    assert available(api, phone) == 0


def test_a_sale_for_a_phone_nobody_has_waits_unclaimed_and_its_refund_waits_with_it(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    order = shopify_order(f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}")  # a shop's own spelling of the number
    waiting = deliver(api, "shopify", "shopify-shop", "orders/paid", order)
    assert waiting.status_code == 202 and waiting.json()["status"] == "unclaimed"
    assert deliver(api, "shopify", "shopify-shop", "orders/paid", order).status_code == 202
    refund = shopify_refund(order, "100000")
    assert deliver(api, "shopify", "shopify-shop", "refunds/create", refund).json()["status"] == "held"
    member = api.enroll(phone)  # the held sale is credited at enrolment (deferred matching)
    assert member["balance"]["available"] > 0
    retried = api.post("/v1/integrations/held/retry", key="admin")
    assert retried.status_code == 200 and retried.json()["applied"] >= 1
    half = available(api, phone)
    assert 0 < half < member["balance"]["available"]
    assert deliver(api, "shopify", "shopify-shop", "refunds/create", refund).json()["status"] == "refunded"
    assert available(api, phone) == half


def test_woocommerce_order_updates_carry_their_refunds(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    order = {**copy.deepcopy(WOO_ORDER), "id": next(_ids),
             # Rounded up to the next whole second: WooCommerce sends whole seconds, and a time rounded down
             # could fall before the module's program was installed a moment ago (0 points, "no program").
             "date_paid_gmt": (_recently() + timedelta(seconds=1)).replace(tzinfo=None).isoformat(timespec="seconds")}
    order["billing"]["phone"] = phone
    paid = deliver(api, "woocommerce", "woocommerce-shop", "order.updated", order)
    assert paid.status_code == 200 and paid.json()["status"] == "recorded"
    earned = paid.json()["points_earned"]
    order["refunds"] = [{"id": next(_ids), "reason": "", "total": "-50000"}]
    first = deliver(api, "woocommerce", "woocommerce-shop", "order.updated", order)
    assert [r["status"] for r in first.json()["results"]] == ["recorded", "refunded"]
    again = deliver(api, "woocommerce", "woocommerce-shop", "order.updated", order)
    assert again.json() == first.json()
    order.update(status="cancelled")
    deliver(api, "woocommerce", "woocommerce-shop", "order.updated", order)
    assert available(api, phone) == 0 and earned > 0
    ping = deliver(api, "woocommerce", "woocommerce-shop", "", b"webhook_id=12")
    assert ping.status_code == 200 and ping.json()["status"] == "ignored"


def test_kiotviet_completed_and_cancelled_invoices(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    note = copy.deepcopy(KIOTVIET_NOTIFICATION)
    invoice = note["Notifications"][0]["Data"][0]
    invoice.update(Code=f"HD{next(_ids)}", InvoiceDelivery={"ContactNumber": phone},
                   PurchaseDate=(_recently() + timedelta(hours=7)).replace(tzinfo=None).isoformat())
    paid = deliver(api, "kiotviet", "kiotviet-shop", "", note)
    assert paid.status_code == 200 and paid.json()["points_earned"] > 0
    assert deliver(api, "kiotviet", "kiotviet-shop", "", note).json() == paid.json()
    invoice.update(Status=2, StatusValue="Đã hủy")
    assert deliver(api, "kiotviet", "kiotviet-shop", "", note).json()["status"] == "refunded"
    assert available(api, phone) == 0


def test_secret_rotation_accepts_the_previous_secret_until_it_is_dropped(shops: ApiHarness) -> None:
    api = shops
    connect(api, "shopify", "rotating-shop", secret="new-secret-2026", previous_secret="old-secret-2025")
    order = shopify_order(new_phone())
    assert deliver(api, "shopify", "rotating-shop", "orders/paid", order, secret="old-secret-2025").status_code == 202
    connect(api, "shopify", "rotating-shop", secret="new-secret-2026")
    assert deliver(api, "shopify", "rotating-shop", "orders/paid", order, secret="old-secret-2025").status_code == 401
    assert deliver(api, "shopify", "rotating-shop", "orders/paid", order, secret="new-secret-2026").status_code == 202
    listing = api.get("/v1/integrations").json()
    assert "secret" not in json.dumps(listing["connections"]).replace("secrets", "")


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"id": null, "total_price": "1"}',
                                  b'{"id": 5, "total_price": "NaN"}', b'{"id": 5, "total_price": "1e400"}'])
def test_unreadable_payloads_are_refused_in_words(shops: ApiHarness, body: bytes) -> None:
    response = deliver(shops, "shopify", "shopify-shop", "orders/paid", body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "webhook_payload_unreadable"


def test_only_admins_connect_shops(shops: ApiHarness) -> None:
    response = shops.client.put("/v1/integrations/shopify/x-shop", json={"secret": "abcdefgh1"},
                                headers=shops.headers("pos"))
    assert response.status_code == 403
    assert shops.client.put("/v1/integrations/shopify/x-shop", json={"secret": "abcdefgh1"}).status_code == 401


# Zalo OA's documented webhook samples: follow, user_send_location, user_submit_info.
ZALO_APP_ID = "360846524940903967"
ZALO_FOLLOW = {"oa_id": "579745863508352884", "follower": {"id": "4143133574052466888"},
               "user_id_by_app": "552177279717587730", "event_name": "follow", "source": "oa_profile",
               "app_id": ZALO_APP_ID, "timestamp": "1547715210990"}
ZALO_LOCATION = {"app_id": ZALO_APP_ID, "user_id_by_app": "552177279717587730", "event_name": "user_send_location",
                 "timestamp": "1547715210990", "sender": {"id": "4143133574052466888"},
                 "recipient": {"id": "579745863508352884"},
                 "message": {"msg_id": "This is message id", "attachments": [{"type": "location", "payload": {
                     "coordinates": {"latitude": "10.7642473", "longitude": "106.6564313"}}}]}}
ZALO_SUBMIT_INFO = {"app_id": ZALO_APP_ID, "user_id_by_app": "552177279717587730", "event_name": "user_submit_info",
                    "timestamp": "1547715210990", "sender": {"id": "4143133574052466888"},
                    "recipient": {"id": "579745863508352884"},
                    "info": {"address": "1 Lê Duẩn", "phone": "84912345678", "city": "Hồ Chí Minh",
                             "district": "Quận 1", "name": "Nguyễn Văn A", "ward": "Bến Nghé"}}


def zalo(api: ApiHarness, sample: dict[str, Any], follower: str, phone: str | None = None,
         secret: str = SECRET, at: datetime | None = None) -> Any:
    from adapters.zalo import zalo_signature

    event = copy.deepcopy(sample)
    event["timestamp"] = str(int((at or datetime.now(timezone.utc)).timestamp() * 1000))
    event["follower" if "follower" in event else "sender"]["id"] = follower
    if phone:
        event["info"]["phone"] = phone
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json",
               "X-ZEvent-Signature": zalo_signature(ZALO_APP_ID, body, event["timestamp"], secret)}
    return api.client.post(f"/v1/integrations/zalo/{ZALO_APP_ID}/webhooks", content=body, headers=headers)


def test_zalo_follow_check_in_and_shared_details(shops: ApiHarness) -> None:
    api, phone, follower = shops, new_phone(), str(next(_ids))
    connect(api, "zalo", ZALO_APP_ID)
    for rule in ({"kind": "activity", "rule_id": "zalo-follow", "priority": 10, "activity": "follow", "points": 7},
                 {"kind": "activity", "rule_id": "zalo-check-in", "priority": 11, "activity": "check_in",
                  "points": 3}):
        response = api.post("/v1/program/rules", rule)
        assert response.status_code in (201, 409), response.text
    api.enroll(phone)
    assert zalo(api, ZALO_FOLLOW, follower).json()["status"] == "no_member"  # not linked yet: nothing kept
    linked = zalo(api, ZALO_SUBMIT_INFO, follower, phone=f"84{phone[1:]}")
    assert linked.status_code == 200 and linked.json()["status"] == "linked", linked.text
    followed = zalo(api, ZALO_FOLLOW, follower)
    assert followed.json()["status"] == "recorded" and followed.json()["points_earned"] == 7, followed.text
    assert zalo(api, ZALO_FOLLOW, follower).json() == followed.json()  # replayed, or followed again: once
    checked_in = zalo(api, ZALO_LOCATION, follower)
    assert checked_in.json()["points_earned"] == 3, checked_in.text
    later = zalo(api, ZALO_LOCATION, follower, at=datetime.now(timezone.utc) + timedelta(seconds=1))
    assert later.json() == checked_in.json()  # one check-in a day
    assert available(api, phone) == 10
    forged = zalo(api, ZALO_FOLLOW, str(next(_ids)), secret="not-the-oa-secret")
    assert forged.status_code == 401


def _report(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode("utf-8")


def upload(api: ApiHarness, marketplace: str, data: bytes, dry_run: bool = False) -> Any:
    return api.client.post(f"/v1/integrations/{marketplace}/orders", headers=api.headers("admin", "import-1"),
                           files={"file": ("orders.csv", data, "text/csv")}, data={"dry_run": str(dry_run).lower()})


def test_a_shopee_report_records_completed_orders_once_and_holds_masked_buyers(shops: ApiHarness) -> None:
    api, phone, buyer, now = shops, new_phone(), f"buyer{next(_ids)}", datetime.now(timezone.utc)
    api.enroll(phone)
    day = now.isoformat()  # the module's program begins when its app does: a sale before would earn nothing
    a, b, c, d = (f"2611{next(_ids)}" for _ in range(4))
    report = _report([
        ["Mã đơn hàng", "Ngày đặt hàng", "Trạng Thái Đơn Hàng", "Tên sản phẩm", "Tổng giá trị đơn hàng (VND)",
         "Người Mua", "Số điện thoại"],
        [a, day, "Hoàn thành", "Cà phê", "150000", "someone", phone],
        [b, day, "Hoàn thành", "Trà", "100000", buyer, "84******789"],
        [c, day, "Hoàn thành", "Bánh 1", "200000", "other", phone],
        [c, day, "Hoàn thành", "Bánh 2", "200000", "other", phone],  # the same order's second item
        [d, day, "Đã hủy", "Ly", "90000", "other", phone],
    ])
    dry = upload(api, "shopee", report, dry_run=True)
    assert dry.status_code == 200 and dry.json()["valid"] == 3 and dry.json()["imported"] == 0, dry.text
    assert available(api, phone) == 0
    first = upload(api, "shopee", report)
    assert first.status_code == 200, first.text
    assert first.json()["imported"] + first.json().get("held", 0) == 3, first.text  # the masked buyer's is held
    assert available(api, phone) == 15 + 20  # 1 point per 10.000 ₫; the cancelled order earns nothing
    again = upload(api, "shopee", report)
    assert again.json()["imported"] == 0 and again.json()["already_imported"] == 3
    assert available(api, phone) == 35
    later = api.enroll(new_phone(), key="admin", channel_customer_id=f"shopee:{buyer}")
    assert later["balance"]["available"] == 10  # the masked buyer's order waited for their account


def test_a_lazada_report_sums_its_items_and_a_broken_report_writes_nothing(shops: ApiHarness) -> None:
    api, phone = shops, new_phone()
    api.enroll(phone)
    day = datetime.now(timezone.utc).isoformat()
    ref = f"LZ{next(_ids)}"
    header = ["orderNumber", "createTime", "status", "paidPrice", "shippingPhone", "customerEmail"]
    items = [[ref, day, "delivered", "60000", phone, ""], [ref, day, "delivered", "40000", phone, ""]]
    broken = upload(api, "lazada", _report([header, *items, [f"LZ{next(_ids)}", day, "delivered", "abc", phone, ""]]))
    assert broken.status_code == 422 and broken.json()["code"] == "import_file_invalid"
    assert broken.json()["problems"][0]["row"] == 4
    assert available(api, phone) == 0
    assert upload(api, "lazada", _report([header, *items])).json()["imported"] == 1  # one order, two items
    assert available(api, phone) == 10
    missing = upload(api, "tiki", _report([["Mã đơn hàng", "Tổng tiền"], ["T1", "100000"]]), dry_run=True)
    assert missing.status_code == 200 and missing.json()["problems"], missing.text


def test_the_cli_imports_a_tiki_report_and_resumes_without_writing_twice(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from loyalty_cli.main import app

    runner, env = CliRunner(), {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    assert runner.invoke(app, ["demo"], env=env).exit_code == 0
    phone = new_phone()
    assert runner.invoke(app, ["enroll", phone], env=env).exit_code == 0
    report = tmp_path / "tiki.csv"
    at = datetime.now(timezone.utc).isoformat()
    report.write_bytes(_report([["Mã đơn hàng", "Ngày đặt hàng", "Trạng thái đơn hàng", "Tổng tiền", "Số điện thoại"],
                                ["TK1", at, "Giao hàng thành công", "300000", phone],
                                ["TK2", at, "Đã hủy", "100000", phone]]))
    first = runner.invoke(app, ["import", "orders", "--marketplace", "tiki", str(report)], env=env)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["imported"] == 1
    again = json.loads(runner.invoke(app, ["import", "orders", "--marketplace", "tiki", str(report)], env=env).stdout)
    assert again["imported"] == 0 and again["already_imported"] == 1
    wrong = runner.invoke(app, ["import", "orders", "--marketplace", "amazon", str(report)], env=env)
    assert wrong.exit_code == 2


def test_concurrent_deliveries_of_one_order_and_one_refund_apply_each_once(shops: ApiHarness) -> None:
    from concurrent.futures import ThreadPoolExecutor

    api, phone = shops, new_phone()
    api.enroll(phone)
    order = shopify_order(phone)
    refund = shopify_refund(order, "100000")
    with ThreadPoolExecutor(max_workers=6) as pool:  # the platform's retries racing each other, refund first
        answers = list(pool.map(lambda n: deliver(api, "shopify", "shopify-shop",
                                                  *(("refunds/create", refund) if n % 2 else ("orders/paid", order))),
                                range(12)))
    # A delivery racing another with the same id is told to retry (409), which platforms do; nothing fails.
    assert all(a.status_code in (200, 202) or a.json()["code"] == "idempotency_request_in_progress"
               for a in answers), [a.text for a in answers]
    assert deliver(api, "shopify", "shopify-shop", "refunds/create", refund).json()["status"] in ("refunded", "held")
    api.post("/v1/integrations/held/retry", key="admin")  # whatever the interleaving left held
    assert deliver(api, "shopify", "shopify-shop", "refunds/create", refund).json()["status"] == "refunded"
    assert available(api, phone) == 10  # 20 earned, half refunded once


def test_a_body_too_large_or_too_deep_is_refused_without_a_trace(shops: ApiHarness) -> None:
    big = deliver(shops, "shopify", "shopify-shop", "orders/paid", b"{" + b" " * 1_000_001 + b"}")
    assert big.status_code == 413 and big.json()["code"] == "payload_too_large"
    deep = deliver(shops, "shopify", "shopify-shop", "orders/paid", b"[" * 100_000 + b"]" * 100_000)
    assert deep.status_code == 422 and deep.json()["code"] == "webhook_payload_unreadable"
    kiot = deliver(shops, "kiotviet", "kiotviet-shop", "", {"Notifications": [{"Action": "invoice.update.1",
                                                                                 "Data": ["not an invoice"]}]})
    assert kiot.status_code == 422
