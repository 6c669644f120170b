"""The staff console in headless Chromium against a real uvicorn server with the worker beside it (as
`make run` does), on SQLite: sign-in, a phone typed another way, the member page and why-N-points, an
adjustment that needs a second person's approval, a voucher used, the dashboard with its charts and the
projections' lag. Screenshots land in test-artifacts/screenshots/."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import uvicorn

from api.main import create_app
from faces.console.accounts import StaffAccounts
from faces.console.demo import ensure_demo_accounts
from projections.worker import run_worker
from tests.e2e.conftest import KEY_SPECS, api_settings, free_port, idem

PASSWORDS = {"cskh": "cskh-demo-2026", "admin": "admin-demo-2026", "marketing": "marketing-demo-2026"}


class Server:
    def __init__(self, base_url: str, tokens: dict[str, str]):
        self.base_url, self.tokens = base_url, tokens

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.tokens[key]}"},
                            timeout=30)

    def wait_for_read_side(self) -> None:
        """Until the worker has applied everything written so far (the dashboard's lag is 0)."""
        deadline = time.monotonic() + 20
        with self.client("admin") as admin:
            while time.monotonic() < deadline:
                lag = admin.get("/v1/stats/lag").json()
                if all(p["lag"] == 0 for p in lag["projections"]):
                    return
                time.sleep(0.1)
        raise AssertionError(f"the worker did not catch up: {lag}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('console')}/loyalty.db"
    settings = api_settings(url)
    app = create_app(settings)
    api = app.state.api
    api.service.policy.install_demo(api.service.clock())
    ensure_demo_accounts(api.tables)
    StaffAccounts(api.tables).create("quanly.hn02", "quanly-demo-2026", "store_manager", ("HN-02",))
    tokens = {}
    for name, spec in KEY_SPECS.items():
        spec = dict(spec)
        _, tokens[name] = api.keys.create(spec.pop("role"), **spec)
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    stop = threading.Event()
    threads = [threading.Thread(target=uv.run, daemon=True),
               threading.Thread(target=run_worker, args=(settings.core, stop, 0.1), daemon=True)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", tokens)
    finally:
        uv.should_exit, _ = True, stop.set()
        for thread in threads:
            thread.join(timeout=10)
        api.close()


def sign_in(page: Any, server: Server, username: str, password: str | None = None) -> None:
    page.goto(f"{server.base_url}/console/")
    assert page.url.endswith("/console/sign-in")
    page.fill("#username", username)
    page.fill("#password", password or PASSWORDS[username])
    page.click("form[action$='/sign-in'] button")
    page.wait_for_selector("[data-testid=who]")


def buy(server: Server, phone: str, name: str, total: str) -> dict[str, Any]:
    with server.client("pos") as pos:
        enrolled = pos.post("/v1/members", headers={"Idempotency-Key": idem()}, json={"phone": phone, "name": name})
        assert enrolled.status_code == 201, enrolled.text
        bought = pos.post("/v1/transactions", headers={"Idempotency-Key": idem()}, json={
            "transaction_ref": idem(), "member": {"member_id": enrolled.json()["member_id"]}, "total": total})
        assert bought.status_code == 201, bought.text
    return enrolled.json()


def test_cskh_finds_a_member_by_another_spelling_and_asks_for_a_large_adjustment(
        page: Any, server: Server, shot: Any) -> None:
    member = buy(server, "0912345678", "Nguyễn Thị Lan", "1500000")
    page.goto(f"{server.base_url}/")
    assert "/console/" in page.inner_html("main")
    shot(page, "0-landing")
    page.goto(f"{server.base_url}/console/")
    assert page.evaluate("document.activeElement.id") == "username"  # the sign-in form is ready to type in
    # For keyboard users the first stop on every page is "skip to main content", and it works.
    assert page.evaluate("document.querySelector('a[href], button, input, select').className") == "skip"
    page.focus("a.skip")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    sign_in(page, server, "cskh")
    assert page.evaluate("document.activeElement.id") == "q"  # the search box has the focus
    shot(page, "1-home")
    page.fill("#q", "+84 91 234 5678")  # stored as +84912345678 after enrolling as 0912345678
    page.click("form[role=search] button")
    page.wait_for_selector("[data-testid=available]")
    assert member["member_id"] in page.url
    assert page.inner_text("[data-testid=available]") == "150"  # 1.500.000 ₫ at 1 point per 10.000 ₫
    assert "Nguyễn Thị Lan" in page.inner_text("[data-testid=member-name]")
    assert "+84912345678" in page.inner_text("[data-testid=identifiers]")
    shot(page, "2-member")

    page.click("[data-testid^=why-]")
    page.wait_for_selector("[data-testid=why-lines]")
    assert "base-1-per-10k" in page.inner_text("[data-testid=why-lines]")
    shot(page, "3-why")
    page.go_back()

    page.fill("#reason-adj", "Khách khiếu nại đơn hàng lỗi")
    page.fill("#points", "2000")
    page.click("[data-testid=adjust-form] button[type=submit]")
    page.wait_for_selector("[data-testid=flash]")
    assert "chờ người khác duyệt" in page.inner_text("[data-testid=flash]")
    assert page.inner_text("[data-testid=available]") == "150"  # nothing applied before approval
    shot(page, "4-adjust-needs-approval")

    page.goto(f"{server.base_url}/console/approvals")  # the requester cannot approve it
    page.fill("#note-1", "tự duyệt")
    page.click("button[value=approve]")
    page.wait_for_selector("[data-testid=flash]")
    assert "không thể tự duyệt" in page.inner_text("[data-testid=flash]")
    page.click("form[action$='/sign-out'] button")

    sign_in(page, server, "admin")
    page.goto(f"{server.base_url}/console/approvals")
    assert "Khách khiếu nại" in page.inner_text("[data-testid=approvals]")
    shot(page, "5-approvals")
    page.fill("#note-1", "Đã kiểm tra hóa đơn")
    page.click("button[value=approve]")
    page.wait_for_selector("[data-testid=flash]")
    page.goto(f"{server.base_url}/console/members/{member['member_id']}")
    assert page.inner_text("[data-testid=available]") == "2.150"
    assert "staff:admin" in page.inner_text("[data-testid=timeline]")


def test_cskh_uses_a_members_voucher_and_finds_by_name_without_accents(
        page: Any, server: Server, shot: Any) -> None:
    member = buy(server, "0987654321", "Trần Văn Bảo", "3000000")
    with server.client("pos") as pos:
        redeemed = pos.post(f"/v1/members/{member['member_id']}/redemptions", headers={"Idempotency-Key": idem()},
                            json={"reward_id": "discount-15", "order_ref": idem()})
        assert redeemed.status_code == 201, redeemed.text
    code = redeemed.json()["voucher"]["code"]
    server.wait_for_read_side()
    sign_in(page, server, "cskh")
    page.fill("#q", "tran van bao")
    page.click("form[role=search] button")
    page.wait_for_selector("[data-testid=available]")
    assert member["member_id"] in page.url
    assert page.inner_text(f"[data-testid=voucher-{code}]") == "Chưa dùng"
    page.click(f"[data-testid=vouchers] details summary")
    page.fill("#reason-v1", "Khách dùng tại quầy qua CSKH")
    page.fill("#order-1", "HD-7781")
    page.click(f"[data-testid=use-{code}]")
    page.wait_for_selector("[data-testid=flash]")
    assert code in page.inner_text("[data-testid=flash]")
    assert page.inner_text(f"[data-testid=voucher-{code}]") == "Đã dùng"
    shot(page, "voucher-used")


def test_marketing_reads_the_dashboard_with_charts_and_lag(page: Any, server: Server, shot: Any) -> None:
    buy(server, "0933333333", "Lê Thị Hoa", "800000")
    server.wait_for_read_side()
    sign_in(page, server, "marketing")
    assert page.url.endswith("/console/dashboard")  # marketing has no member search: straight to the dashboard
    page.wait_for_selector("canvas[data-drawn]")
    page.wait_for_selector("#lag [data-testid=lag-value]")
    assert int(page.inner_text("[data-testid=kpi-enrolled]").replace(".", "")) >= 1
    assert page.inner_text("[data-testid=kpi-liability]").endswith("₫")
    assert page.locator("canvas[data-drawn]").count() == 2
    assert "HCM-01" in page.inner_text("[data-testid=per-store]")
    shot(page, "dashboard")
    page.click("a.lang")  # English on request, remembered
    assert page.inner_text("main h1") == "Dashboard" and "Points issued" in page.inner_text("[data-testid=kpis]")
    page.goto(f"{server.base_url}/console/dashboard")
    assert page.inner_text("main h1") == "Dashboard"
    page.click("a.lang")
    assert page.inner_text("main h1") == "Tổng quan"
    with page.expect_download() as download:
        page.click("a[href$='/segments/never_purchased.xlsx']")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"  # an .xlsx is a zip


def test_marketing_drafts_a_campaign_back_tests_it_on_real_purchases_and_publishes(
        page: Any, server: Server, shot: Any) -> None:
    for phone in ("0944444441", "0944444442"):
        buy(server, phone, "Khách thử", "1000000")  # 100 points each under the current program
    sign_in(page, server, "marketing")
    page.goto(f"{server.base_url}/console/program")
    page.fill("#campaign-campaign_id", "tet-2027")
    page.fill("#campaign-name_vi", "Tết 2027")
    page.fill("#campaign-name_en", "Tet 2027")
    page.fill("#campaign-starts", "20/01/2027")
    page.fill("#campaign-ends", "10/02/2027")
    page.fill("#campaign-budget_points", "50000")
    page.click("[data-testid=campaign-form] button[type=submit]")
    page.wait_for_selector("[data-testid=draft-changes]")

    page.select_option("#rule-kind", "multiplier")  # a mistake first: the form says which field, in Vietnamese
    page.fill("#rule-rule_id", "tết x3")
    page.fill("#rule-factor", "3")
    page.click("[data-testid=rule-form] button[type=submit]")
    assert "Mã quy tắc: chỉ dùng chữ, số" in page.inner_text("[data-testid=problem]")
    page.fill("#rule-rule_id", "tet-x3")
    page.fill("#rule-label_vi", "Tết nhân 3")
    page.fill("#rule-campaign_id", "tet-2027")
    page.fill("#rule-priority", "40")
    page.click("[data-testid=rule-form] button[type=submit]")
    page.wait_for_selector("text=tet-x3")

    page.fill("#bt-days", "7")
    page.click("form[action$='/program/backtest'] button")
    page.wait_for_selector("[data-testid=backtest]")
    purchases = int(page.inner_text("[data-testid=bt-purchases]").replace(".", ""))
    now = int(page.inner_text("[data-testid=bt-now]").replace(".", ""))
    draft = int(page.inner_text("[data-testid=bt-draft]").replace(".", ""))
    assert purchases >= 2 and now >= 200
    assert draft == 3 * now  # every purchase of the week, tripled as if the campaign had run then
    assert page.inner_text("[data-testid=bt-liability]").endswith("₫")
    shot(page, "backtest")

    page.fill("#pub-starts", "20/01/2027")
    page.click("[data-testid=publish-form] button")
    page.wait_for_selector("[data-testid=flash]")
    assert "Đã phát hành" in page.inner_text("[data-testid=flash]")
    history = page.inner_text("[data-testid=history]")
    assert "tet-x3" in history and "staff:marketing" in history
    shot(page, "published")
    with server.client("admin") as admin:
        rule = next(r for r in admin.get("/v1/program").json()["rules"] if r["rule_id"] == "tet-x3")
    assert rule["starts_at"].startswith("2027-01-20")
    page.goto(f"{server.base_url}/console/campaigns/tet-2027")
    page.wait_for_selector("canvas[data-drawn]")
    assert page.inner_text("main h1") == "Tết 2027"
    shot(page, "campaign")


def test_an_admin_creates_a_staff_account_who_signs_in_and_the_staff_log_shows_it(
        page: Any, browser: Any, server: Server, shot: Any) -> None:
    sign_in(page, server, "admin")
    page.goto(f"{server.base_url}/console/staff")
    assert page.locator("h1").first.is_visible()
    form = page.locator("[data-testid=new-account]")
    form.locator("#new-username").fill("thungan.hcm01")
    form.locator("#new-name").fill("Lê Thu Ngân")
    form.locator("#new-role").select_option("cskh")
    form.locator("#new-password").fill("thu-ngan-2026!")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "thungan.hcm01" in page.content()
    shot(page, "staff-accounts")

    other = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        newcomer = other.new_page()
        sign_in(newcomer, server, "thungan.hcm01", "thu-ngan-2026!")
        assert "Lê Thu Ngân" in newcomer.locator("[data-testid=who]").inner_text()
    finally:
        other.close()

    page.goto(f"{server.base_url}/console/log")
    assert "thungan.hcm01" in page.content()
    shot(page, "staff-log")
