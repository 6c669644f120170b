"""The staff console's doors, through a TestClient on both stores: sign-in, sessions, CSRF, lock-out,
password change, every action against every role, store managers kept to their stores (a manager of HN-02
acting on what was done at HCM-01), personal data masked for roles that do not need it, idempotent forms,
and the person recorded as each command's actor."""

from __future__ import annotations

import re
import uuid
import warnings
from typing import Any, Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from faces.console.accounts import MAX_FAILURES, StaffAccounts
from tests.e2e.conftest import ApiHarness, idem, new_phone

PASSWORD = "mat-khau-123456"
ACCOUNTS = {"cskh": ("cskh", ()), "cskh2": ("cskh", ()), "admin": ("admin", ()), "marketing": ("marketing", ()),
            "auditor": ("auditor", ()), "mgr.hn02": ("store_manager", ("HN-02",)),
            "mgr.hcm01": ("store_manager", ("HCM-01",))}
ACTING = ("cskh", "admin", "mgr.hn02", "mgr.hcm01")
NOT_ACTING = ("marketing", "auditor")


class Staff:
    """One person's browser: a cookie jar, signed in, that posts forms with the page's CSRF token."""

    def __init__(self, api: ApiHarness, username: str, password: str = PASSWORD):
        self.api = api
        self.client = TestClient(api.app, raise_server_exceptions=False)
        self.response = self.sign_in(username, password)

    def sign_in(self, username: str, password: str) -> Any:
        form = self.client.get("/console/sign-in")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        return self.client.post("/console/sign-in", data={"csrf": token, "username": username,
                                                          "password": password}, follow_redirects=False)

    def csrf(self) -> str:
        page = self.client.get("/console/password")
        return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def post(self, path: str, with_csrf: bool = True, **fields: Any) -> Any:
        data = {"idem": fields.pop("idem", uuid.uuid4().hex), "reason": "kiểm thử", **fields}
        if with_csrf:
            data["csrf"] = self.csrf()
        return self.client.post(path, data=data, follow_redirects=False)


@pytest.fixture(scope="module")
def staff(api: ApiHarness) -> Iterator[dict[str, Staff]]:
    accounts = StaffAccounts(api.ctx.tables)
    for username, (role, stores) in ACCOUNTS.items():
        accounts.create(username, PASSWORD, role, stores)
    yield {username: Staff(api, username) for username in ACCOUNTS}


def member_with_things(api: ApiHarness) -> dict[str, Any]:
    """A member with points, a hold and a reward voucher, both made by the till at HCM-01."""
    member_id = api.member_with(1000)
    held = api.post(f"/v1/members/{member_id}/reservations", {"points": 100, "order_ref": idem()}, key="pos")
    assert held.status_code == 201, held.text
    redeemed = api.post(f"/v1/members/{member_id}/redemptions", {"reward_id": "discount-15", "order_ref": idem()},
                        key="pos")
    assert redeemed.status_code == 201, redeemed.text
    return {"member_id": member_id, "reservation_id": held.json()["reservation_id"],
            "voucher": redeemed.json()["voucher"]["code"], "redemption_id": redeemed.json()["redemption_id"]}


def approval_for(person: Staff, member_id: str) -> str:
    """The pending approval about this member, as the approvals page lists it."""
    page = person.client.get("/console/approvals").text
    return re.search(rf'/console/members/{member_id}".*?/console/approvals/([0-9a-f\-]{{36}})/approve', page,
                     re.S).group(1)


def test_sign_in_refuses_a_wrong_password_and_a_forged_cookie(api: ApiHarness, staff: dict[str, Staff]) -> None:
    assert staff["cskh"].response.status_code == 303
    wrong = Staff(api, "cskh", "not-the-password")
    assert wrong.response.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.response.text
    unknown = Staff(api, "nobody", PASSWORD)
    assert unknown.response.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in unknown.response.text
    forged = TestClient(api.app)
    forged.cookies.set("loyalty_staff", "eyJmb3JnZWQiOnRydWV9.abc.def", path="/console")
    assert forged.get("/console/", follow_redirects=False).headers["location"] == "/console/sign-in"


def test_sign_in_without_its_csrf_cookie_is_403(api: ApiHarness) -> None:
    client = TestClient(api.app)
    refused = client.post("/console/sign-in", data={"csrf": "x", "username": "cskh", "password": PASSWORD},
                          follow_redirects=False)
    assert refused.status_code == 403 and "loyalty_staff" not in refused.cookies


def test_a_form_without_the_csrf_token_is_403_and_writes_nothing(api: ApiHarness, staff: dict[str, Staff]) -> None:
    member_id = api.member_with(100)
    for csrf in (False, "wrong-token"):
        fields = {"points": "50"} if csrf is False else {"points": "50", "csrf": csrf}
        refused = staff["cskh"].post(f"/console/members/{member_id}/adjust", with_csrf=False, **fields)
        assert refused.status_code == 403 and 'data-code="csrf"' in refused.text
    assert api.balance(member_id)["available"] == 100


def test_lock_out_after_repeated_failures_even_for_the_right_password(api: ApiHarness) -> None:
    StaffAccounts(api.ctx.tables).create("locked.user", PASSWORD, "cskh")
    for attempt in range(MAX_FAILURES - 1):
        assert Staff(api, "locked.user", f"wrong-{attempt}").response.status_code == 401
    assert Staff(api, "locked.user", "wrong-last").response.status_code == 423
    locked = Staff(api, "locked.user", PASSWORD)
    assert locked.response.status_code == 423 and "tạm khóa" in locked.response.text


def test_the_lock_lifts_after_its_minutes(api: ApiHarness) -> None:
    now = [1_000_000.0]
    accounts = StaffAccounts(api.ctx.tables, clock=lambda: now[0])
    accounts.create("lock.timer", PASSWORD, "cskh")
    for _ in range(MAX_FAILURES):
        accounts.sign_in("lock.timer", "wrong-password")
    assert accounts.sign_in("lock.timer", PASSWORD).refusal == "locked"
    now[0] += 15 * 60 + 1
    assert accounts.sign_in("lock.timer", PASSWORD).session_id is not None


def test_sign_out_and_password_change_end_sessions_on_the_server(api: ApiHarness) -> None:
    StaffAccounts(api.ctx.tables).create("changer", PASSWORD, "cskh")
    first, second = Staff(api, "changer"), Staff(api, "changer")
    kept = dict(first.client.cookies)
    assert first.post("/console/sign-out").status_code == 303
    replayed = TestClient(api.app)
    for name, value in kept.items():
        replayed.cookies.set(name, value, path="/console")
    assert replayed.get("/console/", follow_redirects=False).headers["location"] == "/console/sign-in"

    wrong = second.post("/console/password", current="not-it", new="moi-mat-khau-99", again="moi-mat-khau-99")
    assert wrong.status_code == 400
    short = second.post("/console/password", current=PASSWORD, new="short", again="short")
    assert short.status_code == 400
    changed = second.post("/console/password", current=PASSWORD, new="moi-mat-khau-99", again="moi-mat-khau-99")
    assert changed.status_code == 303
    assert second.client.get("/console/", follow_redirects=False).headers["location"] == "/console/sign-in"
    assert Staff(api, "changer").response.status_code == 401
    assert Staff(api, "changer", "moi-mat-khau-99").response.status_code == 303


@pytest.mark.parametrize("username", NOT_ACTING)
@pytest.mark.parametrize("action", ["adjust", "profile", "consent", "link", "use-voucher", "cancel-voucher",
                                    "release", "reverse-redemption"])
def test_roles_that_only_read_cannot_act(api: ApiHarness, staff: dict[str, Staff], username: str,
                                         action: str) -> None:
    things = member_with_things(api)
    before = api.get(f"/v1/members/{things['member_id']}/history").json()["items"]
    refused = staff[username].post(f"/console/members/{things['member_id']}/{action}", points="10",
                                   voucher_code=things["voucher"], reservation_id=things["reservation_id"],
                                   redemption_id=things["redemption_id"], value="zalo:1", name="X")
    assert refused.status_code == 403
    assert api.get(f"/v1/members/{things['member_id']}/history").json()["items"] == before


@pytest.mark.parametrize("username", ACTING)
def test_acting_roles_adjust_and_the_person_is_the_commands_actor(api: ApiHarness, staff: dict[str, Staff],
                                                                  username: str) -> None:
    member_id = api.member_with(100)
    done = staff[username].post(f"/console/members/{member_id}/adjust", points="25")
    assert done.status_code == 200 and "Đã điều chỉnh 25 điểm" in done.text
    latest = api.get(f"/v1/members/{member_id}/history").json()["items"][0]
    assert latest["type"] == "PointsAdjusted" and latest["actor"] == f"staff:{username}"
    assert latest["channel"] == "console"
    assert latest["store_id"] == (ACCOUNTS[username][1][0] if ACCOUNTS[username][1] else None)


def test_a_resent_form_adjusts_once_and_a_reused_key_with_another_body_is_refused(
        api: ApiHarness, staff: dict[str, Staff]) -> None:
    member_id = api.member_with(100)
    key = uuid.uuid4().hex
    for _ in range(2):
        assert staff["cskh"].post(f"/console/members/{member_id}/adjust", points="40", idem=key).status_code == 200
    assert api.balance(member_id)["available"] == 140
    other = staff["cskh"].post(f"/console/members/{member_id}/adjust", points="41", idem=key)
    assert other.status_code == 422 and api.balance(member_id)["available"] == 140


def test_a_large_adjustment_waits_for_another_person(api: ApiHarness, staff: dict[str, Staff]) -> None:
    member_id = api.member_with(100)
    asked = staff["cskh"].post(f"/console/members/{member_id}/adjust", points="5000")
    assert "chờ người khác duyệt" in asked.text and api.balance(member_id)["available"] == 100
    approval_id = approval_for(staff["cskh"], member_id)
    own = staff["cskh"].post(f"/console/approvals/{approval_id}/approve")
    assert own.status_code == 403 and "không thể tự duyệt" in own.text
    assert api.balance(member_id)["available"] == 100
    for username in NOT_ACTING:
        assert staff[username].post(f"/console/approvals/{approval_id}/approve").status_code == 403
    assert staff["cskh2"].post(f"/console/approvals/{approval_id}/approve").status_code == 200
    assert api.balance(member_id)["available"] == 5100


def test_a_store_manager_of_hn02_cannot_undo_what_was_done_at_hcm01(api: ApiHarness,
                                                                     staff: dict[str, Staff]) -> None:
    things = member_with_things(api)
    member = f"/console/members/{things['member_id']}"
    balance = api.balance(things["member_id"])
    hn = staff["mgr.hn02"]
    assert hn.post(f"{member}/release", reservation_id=things["reservation_id"]).status_code == 403
    assert hn.post(f"{member}/reverse-redemption", redemption_id=things["redemption_id"]).status_code == 403
    assert hn.post(f"{member}/cancel-voucher", voucher_code=things["voucher"]).status_code == 403
    assert hn.post(f"{member}/adjust", points="5", store_id="HCM-01").status_code == 403
    assert api.balance(things["member_id"]) == balance

    hcm = staff["mgr.hcm01"]  # the manager of HCM-01 may, and a large request from HCM-01 is theirs to decide
    assert hcm.post(f"{member}/release", reservation_id=things["reservation_id"]).status_code == 200
    assert hcm.post(f"{member}/cancel-voucher", voucher_code=things["voucher"]).status_code == 200
    asked = hcm.post(f"{member}/adjust", points="900")
    assert "chờ người khác duyệt" in asked.text
    assert re.search(r"/console/approvals/[0-9a-f\-]{36}/approve", hn.client.get("/console/approvals").text) is None
    approval_id = approval_for(staff["admin"], things["member_id"])
    assert hn.post(f"/console/approvals/{approval_id}/approve").status_code == 403
    board = hn.client.get("/console/dashboard", params={"store": "HCM-01"}).text
    assert board.count('selected>HN-02') == 1 and "?store=HCM-01" not in board


def test_acting_roles_use_and_cancel_vouchers_release_and_correct(api: ApiHarness,
                                                                  staff: dict[str, Staff]) -> None:
    things = member_with_things(api)
    member = f"/console/members/{things['member_id']}"
    cskh = staff["cskh"]
    assert cskh.post(f"{member}/release", reservation_id=things["reservation_id"]).status_code == 200
    used = cskh.post(f"{member}/use-voucher", voucher_code=things["voucher"], order_ref="HD-1")
    assert used.status_code == 200 and f"Đã dùng phiếu {things['voucher']}" in used.text
    again = cskh.post(f"{member}/cancel-voucher", voucher_code=things["voucher"])
    assert again.status_code == 409 and "Voucher không còn sử dụng được" in again.text  # used: no refund
    assert cskh.post(f"{member}/profile", name="Nguyễn Văn A", birthday="08/03/1992").status_code == 200
    assert cskh.post(f"{member}/profile", birthday="1992-03-08").status_code == 422  # dd/mm/yyyy only
    assert cskh.post(f"{member}/consent", zalo="on").status_code == 200
    assert cskh.post(f"{member}/link", value="zalo:998877").status_code == 200
    assert cskh.post(f"{member}/link", value="not a channel id").status_code == 422
    assert cskh.post(f"{member}/adjust", points="10", reason="").status_code == 422
    summary = api.get(f"/v1/members/{things['member_id']}").json()
    assert summary["name"] == "Nguyễn Văn A" and api.balance(things["member_id"])["reserved"] == 0
    unknown = cskh.post(f"/console/members/{uuid.uuid4()}/adjust", points="10")
    assert unknown.status_code == 404


def test_personal_data_is_masked_for_roles_that_do_not_need_it(api: ApiHarness, staff: dict[str, Staff]) -> None:
    phone = new_phone()
    member_id = api.enroll(phone=phone, name="Phạm Thị Mai")["member_id"]
    e164 = "+84" + phone[1:]
    shown = staff["cskh"].client.get(f"/console/members/{member_id}").text
    assert e164 in shown and "Phạm Thị Mai" in shown
    masked = staff["auditor"].client.get(f"/console/members/{member_id}").text
    assert e164 not in masked and "Phạm Thị Mai" not in masked and e164[-4:] in masked
    assert staff["marketing"].client.get(f"/console/members/{member_id}").status_code == 403
    found = staff["auditor"].client.get("/console/search", params={"q": phone, "go": "0"}).text
    assert e164 not in found and member_id in found


def test_search_finds_a_phone_written_any_way_and_a_member_code(api: ApiHarness, staff: dict[str, Staff]) -> None:
    phone = new_phone()
    enrolled = api.enroll(phone=phone)
    client = staff["cskh"].client
    for spelling in (phone, f"+84 {phone[1:3]} {phone[3:6]} {phone[6:]}", f"84{phone[1:]}",
                     f"{phone[:4]}-{phone[4:7]}-{phone[7:]}", enrolled["member_code"].lower()):
        found = client.get("/console/search", params={"q": spelling}, follow_redirects=False)
        assert found.status_code == 303, spelling
        assert found.headers["location"].endswith(enrolled["member_id"]), spelling
    nothing = client.get("/console/search", params={"q": "0000000000"})
    assert nothing.status_code == 200 and 'data-testid="no-results"' in nothing.text


@pytest.mark.parametrize("username,page,status", [
    ("marketing", "/console/dashboard", 200), ("auditor", "/console/dashboard", 200),
    ("cskh", "/console/dashboard", 403), ("cskh", "/console/segments/vip.csv", 403),
    ("marketing", "/console/segments/vip.csv", 200), ("auditor", "/console/segments/vip.xlsx", 403),
    ("marketing", "/console/approvals", 403), ("auditor", "/console/approvals", 403),
    ("marketing", "/console/search?q=0901", 403),
])
def test_pages_by_role(staff: dict[str, Staff], username: str, page: str, status: int) -> None:
    assert staff[username].client.get(page, follow_redirects=False).status_code == status


def test_the_landing_page_and_offline_swagger_ui(api: ApiHarness) -> None:
    client = TestClient(api.app)
    landing = client.get("/")
    assert landing.status_code == 200 and "/console/" in landing.text and "/docs" in landing.text
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    for asset in re.findall(r'(?:href|src)="(/console/static/[^"]+)"', docs.text):
        assert client.get(asset).status_code == 200, asset


def test_the_staff_log_shows_sign_ins_and_reasons_to_auditors_and_admins_only(
        api: ApiHarness, staff: dict[str, Staff]) -> None:
    things = member_with_things(api)
    staff["cskh"].post(f"/console/members/{things['member_id']}/release", reservation_id=things["reservation_id"],
                       reason="Máy POS treo, trả điểm cho khách")
    Staff(api, "cskh2", "wrong-password-here")
    for username in ("auditor", "admin"):
        log = staff[username].client.get("/console/log")
        assert log.status_code == 200
        assert "Máy POS treo, trả điểm cho khách" in log.text and "signed_in" in log.text
        assert "sign_in_refused" in log.text
    for username in ("cskh", "marketing", "mgr.hn02"):
        assert staff[username].client.get("/console/log").status_code == 403


def test_the_timeline_filters_by_channel_store_and_kind(api: ApiHarness, staff: dict[str, Staff]) -> None:
    things = member_with_things(api)
    staff["cskh"].post(f"/console/members/{things['member_id']}/adjust", points="5")
    client, member = staff["cskh"].client, f"/console/members/{things['member_id']}"

    def rows(**filters: str) -> str:
        page = client.get(member, params=filters).text
        return page[page.index('data-testid="timeline"'):]

    everything = rows()
    assert "console" in everything and "HCM-01" in everything
    by_console = rows(channel="console")
    assert "HCM-01" not in by_console and "staff:cskh" in by_console
    by_store = rows(store="HCM-01")
    assert "staff:cskh" not in by_store and by_store.count("<tr>") >= 2
    adjusted = rows(kind="PointsAdjusted")
    assert adjusted.count("staff:cskh") == 1 and "HCM-01" not in adjusted


def test_an_admin_creates_and_unlocks_staff_accounts_and_nobody_else_can(api: ApiHarness,
                                                                         staff: dict[str, Staff]) -> None:
    admin = staff["admin"]
    made = admin.post("/console/staff", username="mgr.hn03", display_name="Quản lý HN-03", role="store_manager",
                      stores="HN-03", password="mat-khau-dau-tien")
    assert made.status_code == 200 and "mgr.hn03" in made.text
    new = Staff(api, "mgr.hn03", "mat-khau-dau-tien")
    assert new.response.status_code == 303
    assert "HN-03" in new.client.get("/console/").text
    for bad in ({"username": "mgr.hn03", "role": "cskh"}, {"username": "x y", "role": "cskh"},
                {"username": "nostore", "role": "store_manager"}, {"username": "cheap", "role": "cskh",
                                                                    "password": "short"},
                {"username": "god", "role": "superuser"}):
        refused = admin.post("/console/staff", **{"password": "mat-khau-dau-tien", **bad})
        assert refused.status_code in (409, 422), bad
    for _ in range(MAX_FAILURES):
        Staff(api, "mgr.hn03", "wrong-password")
    assert Staff(api, "mgr.hn03", "mat-khau-dau-tien").response.status_code == 423
    for username in ("cskh", "marketing", "auditor", "mgr.hn02"):
        assert staff[username].client.get("/console/staff").status_code == 403
        assert staff[username].post("/console/staff/mgr.hn03/unlock").status_code == 403
        assert staff[username].post("/console/staff", username="sneaky", role="admin",
                                    password="mat-khau-dau-tien").status_code == 403
    assert admin.post("/console/staff/mgr.hn03/unlock").status_code == 200
    assert Staff(api, "mgr.hn03", "mat-khau-dau-tien").response.status_code == 303
    assert Staff(api, "sneaky", "mat-khau-dau-tien").response.status_code == 401


def test_search_finds_a_member_by_qr_token_and_by_the_rotating_card_code(api: ApiHarness,
                                                                          staff: dict[str, Staff]) -> None:
    from loyalty_core import commands as c
    from loyalty_core.presence import IssueCardSecret

    enrolled = api.enroll()
    member_id = uuid.UUID(enrolled["member_id"])
    service = api.ctx.service
    service.execute(IssueCardSecret(idempotency_key=idem(), member=c.MemberRef(member_id=member_id), channel="app"))
    shown = service.card_codes.current_code(service.resolve(c.MemberRef(member_id=member_id)), service.clock())
    qr_token = service.resolve(c.MemberRef(member_id=member_id)).identifier("qr_token")
    client = staff["cskh"].client
    for scanned in (qr_token, shown):
        found = client.get("/console/search", params={"q": scanned}, follow_redirects=False)
        assert found.status_code == 303 and found.headers["location"].endswith(str(member_id)), scanned
    page = client.get(f"/console/members/{member_id}").text
    assert qr_token not in page  # the static QR token spends as the member: never shown, even to CSKH


def test_a_session_ends_after_its_hours_and_expired_rows_are_cleared(api: ApiHarness) -> None:
    now = [2_000_000.0]
    accounts = StaffAccounts(api.ctx.tables, clock=lambda: now[0])
    accounts.create("short.day", PASSWORD, "cskh")
    first = accounts.sign_in("short.day", PASSWORD).session_id
    assert accounts.session(first) is not None
    now[0] += 10 * 3600 + 1
    assert accounts.session(first) is None
    second = accounts.sign_in("short.day", PASSWORD).session_id
    assert accounts.session(second) is not None
    left = api.ctx.tables._run("SELECT COUNT(*) AS n FROM staff_sessions WHERE username = ?", ["short.day"])
    assert left[0]["n"] == 1
