"""The member's app in headless Chromium at 360 px: OTP sign-in (the code read from the dev sender's log),
enrolment, the card (its QR decoded from the screen and resolved by a till), a reward redeemed into a
voucher, a till example redeeming from the scanned card, and the consent page. Screenshots are kept."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import LiveServer, idem, new_phone, start_server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("member-app")
    yield from start_server(f"sqlite:///{workdir}/loyalty.db", workdir)


def otp_from_log(server: LiveServer, phone_e164: str) -> str:
    pattern = re.compile(re.escape(f"OTP to {phone_e164}: ") + r"Ma xac thuc cua ban: (\d{6})")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = pattern.findall(server.log())
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no OTP for {phone_e164} in the log:\n{server.log()[-2000:]}")


def decode(element: Any) -> list[str]:
    image = Image.open(io.BytesIO(element.screenshot()))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def sign_up(page: Any, server: LiveServer, shot: Any, phone: str) -> None:
    page.goto(f"{server.base_url}/app/")
    assert page.url.endswith("/app/sign-in")
    shot(page, "1-sign-in")
    page.fill("#phone", phone)
    page.click("button[type=submit]")
    page.wait_for_selector("#code")
    page.fill("#code", otp_from_log(server, "+84" + phone[1:]))
    page.click("form[action$='/sign-in/code'] button")
    page.wait_for_selector("#name")
    shot(page, "2-enrol")
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#birthday", "08/03/1992")
    page.check("input[name=zalo]")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=available]")


def test_a_new_member_signs_in_shows_the_card_and_redeems(phone_page: Any, server: LiveServer, shot: Any) -> None:
    page, phone = phone_page, new_phone()
    sign_up(page, server, shot, phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")  # installable, works offline
    assert scope == f"{server.base_url}/app/"
    page.context.set_offline(True)
    try:
        page.goto(f"{server.base_url}/app/stamps")
        assert "ngoại tuyến" in page.inner_text("main")  # the cached offline page, not the browser's error
    finally:
        page.context.set_offline(False)

    with server.client("pos") as pos:  # the member buys at the till with the printed member code
        member = pos.get("/v1/members/lookup", params={"phone": phone}).json()
        bought = pos.post("/v1/transactions", headers={"Idempotency-Key": idem()}, json={
            "transaction_ref": idem(), "member": {"member_code": member["member_code"]}, "total": "5000000"})
        assert bought.status_code == 201, bought.text
    page.goto(f"{server.base_url}/app/")
    assert page.inner_text("[data-testid=available]").startswith(f"{bought.json()['balance']['available']:,}"
                                                                 .replace(",", "."))
    shot(page, "3-home")

    page.goto(f"{server.base_url}/app/card")
    shot(page, "4-card")
    scanned = decode(page.locator("#card-qr svg"))
    assert scanned == [page.get_attribute("#card", "data-code")]
    assert decode(page.locator("#card-barcode svg")) == scanned  # the Code 128 says the same
    with server.client("pos") as pos:
        found = pos.get("/v1/members/lookup", params={"card_code": scanned[0]})
    assert found.status_code == 200, found.text
    assert found.json()["member_id"] == member["member_id"] and found.json()["qr_token"] is None

    # The level-1 till example resolves the scanned code and redeems a reward from it.
    run = subprocess.run([sys.executable, str(REPO / "examples" / "pos_level1.py"), "--url", server.base_url,
                          "--key", server.tokens["pos"], "--card", scanned[0], "--reward", "discount-15",
                          "--order", f"HD-{idem()}"], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["voucher"]["code"].startswith("V") and outcome["member_id"] == member["member_id"]
    with server.client("pos") as pos:  # the same code cannot be used again
        again = pos.get("/v1/members/lookup", params={"card_code": scanned[0]})
    assert again.json()["code"] == "card_code_used"

    page.goto(f"{server.base_url}/app/rewards")
    page.click("text=Đổi: Giảm 15%")
    page.wait_for_selector("#voucher")
    shot(page, "5-voucher")
    voucher_code = page.inner_text("#voucher-code")
    assert decode(page.locator("#voucher svg.qr")) == [voucher_code]
    page.goto(f"{server.base_url}/app/vouchers")
    assert voucher_code in page.inner_text("main") and outcome["voucher"]["code"] in page.inner_text("main")

    page.goto(f"{server.base_url}/app/history")
    page.click("details summary")
    assert "điểm" in page.inner_text("details")
    shot(page, "6-history")


def test_the_member_changes_consent_in_either_language(phone_page: Any, server: LiveServer, shot: Any) -> None:
    page = phone_page
    sign_up(page, server, shot, new_phone())
    page.goto(f"{server.base_url}/app/consent")
    assert page.is_checked("input[name=zalo]") and not page.is_checked("input[name=sms]")
    page.check("input[name=sms]")
    page.uncheck("input[name=zalo]")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert page.is_checked("input[name=sms]") and not page.is_checked("input[name=zalo]")
    shot(page, "consent-saved")
    page.goto(f"{server.base_url}/app/consent?lang=en")
    assert "Text messages (SMS)" in page.inner_text("main")
    page.goto(f"{server.base_url}/app/")
    assert "Points available" in page.inner_text("main")  # the language choice is remembered
    shot(page, "home-en")
