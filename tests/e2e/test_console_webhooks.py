"""The console's webhooks page (admin only: ping an endpoint, redeliver a past delivery, with and without htmx)
and the staff log in words instead of action codes, through a TestClient on both stores."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from faces.console.accounts import StaffAccounts
from faces.console.text import LOG_ACTIONS, action_label
from tests.e2e.conftest import ApiHarness
from tests.e2e.test_console_auth import PASSWORD, Staff
from tests.e2e.test_webhook_ping import VerifyingReceiver, _failed_delivery, verifying  # noqa: F401  # fixture

REPO = Path(__file__).resolve().parents[2]


def _people(api: ApiHarness) -> dict[str, Staff]:
    accounts = StaffAccounts(api.ctx.tables)
    for username, role in (("quantri", "admin"), ("kiemtoan", "auditor"), ("cskh.wh", "cskh")):
        accounts.create(username, PASSWORD, role, ())
    return {username: Staff(api, username) for username in ("quantri", "kiemtoan", "cskh.wh")}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_an_admin_pings_and_redelivers_from_the_console_and_the_log_says_so_in_words(
    fresh_api: ApiHarness, verifying: VerifyingReceiver
) -> None:
    api = fresh_api
    hook, logged = _failed_delivery(api, verifying)
    people = _people(api)
    admin = people["quantri"].client
    page = admin.get("/console/webhooks")
    assert page.status_code == 200 and verifying.url in page.text and "Gửi lại" in page.text
    assert 'data-status="failed"' in page.text and "HTTP 500" in page.text
    assert people["cskh.wh"].client.get("/console/webhooks").status_code == 403
    assert people["kiemtoan"].client.get("/console/webhooks").status_code == 403
    csrf = _csrf(page.text)

    verifying.down = False
    pinged = admin.post(f"/console/webhooks/{hook['webhook_id']}/ping", data={"csrf": csrf},
                        headers={"HX-Request": "true"})
    assert pinged.status_code == 200 and "HTTP 204" in pinged.text and "<html" not in pinged.text  # a fragment

    key = re.search(r'name="key" value="([^"]+)"', page.text).group(1)
    path = f"/console/webhooks/deliveries/{logged['delivery_id']}/redeliver"
    row = admin.post(path, data={"csrf": csrf, "key": key}, headers={"HX-Request": "true"})
    assert row.status_code == 200 and row.text.lstrip().startswith("<tr")
    assert 'data-status="delivered"' in row.text and "Đã gửi lại thành công" in row.text
    sent = len(verifying.accepted)
    again = admin.post(path, data={"csrf": csrf, "key": key}, headers={"HX-Request": "true"})  # a double click
    assert 'data-status="delivered"' in again.text and len(verifying.accepted) == sent  # nothing sent twice
    assert verifying.accepted[-1]["id"] == logged["delivery_id"]
    assert admin.post(path, data={"key": key}).status_code == 403  # no CSRF token: refused, nothing sent

    whole = admin.post(path, data={"csrf": csrf, "key": "another"})  # without htmx: the whole page comes back
    assert whole.status_code == 200 and "<html" in whole.text and len(verifying.accepted) == sent + 1
    missing = admin.post("/console/webhooks/deliveries/wh_0000000000000000:9/redeliver", data={"csrf": csrf},
                         headers={"HX-Request": "true"})
    assert "Không tìm thấy lần gửi này" in missing.text

    log = people["kiemtoan"].client.get("/console/log")
    assert "Gửi lại webhook" in log.text and "Gửi thử webhook" in log.text and "Đăng nhập" in log.text
    cells = re.findall(r'<td data-action="[a-z_]+">([^<]*)</td>', log.text)
    assert cells and not any(re.fullmatch(r"[a-z_]+", cell) for cell in cells), cells  # no raw codes shown
    english = people["kiemtoan"].client.get("/console/log?lang=en")
    assert "Webhook delivery resent" in english.text and "Signed in" in english.text


def _logged_codes() -> set[str]:
    """Every action code the console writes to the staff log: literal arguments of `.log(user, "code", …)`
    and `._note("code", …)` anywhere in faces/."""
    codes: set[str] = set()
    for source in (REPO / "faces").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            position = {"log": 1, "_note": 0}.get(node.func.attr)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            for leaf in ([argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]):
                if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                    codes.add(leaf.value)
    return codes


def test_every_staff_log_action_has_words_in_both_languages() -> None:
    codes = _logged_codes()
    assert {"signed_in", "locked", "sign_in_refused", "release", "webhook_redelivered"} <= codes  # the walk works
    missing = sorted(code for code in codes if code not in LOG_ACTIONS)
    assert not missing, f"add these to faces/console/text.py LOG_ACTIONS: {missing}"
    for code in codes:
        assert action_label("vi", code) != code and action_label("en", code) != code
    assert action_label("vi", "something_new") == "something_new"  # an unknown code still shows
