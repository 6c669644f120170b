"""The program editor through a TestClient on both stores: the back-test reads only the last N days of real
purchases (time travel), publishing is one idempotent write that names the person and starts the draft's
rules at the chosen time, only marketing and admin may edit, and bad forms are refused in words."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from faces.console.accounts import StaffAccounts
from faces.console.drafts import Drafts
from tests.e2e.conftest import ApiHarness, idem
from tests.e2e.test_console_auth import PASSWORD, Staff


def numbers(page: str, testid: str) -> int:
    return int(re.search(rf'data-testid="{testid}">([^<]*)<', page).group(1).replace(".", "").replace("₫", "").strip())


def buy(api: ApiHarness, total: str) -> None:
    member_id = api.enroll()["member_id"]
    bought = api.post("/v1/transactions", {"transaction_ref": idem(), "member": {"member_id": member_id},
                                           "total": total}, key="pos")
    assert bought.status_code == 201, bought.text


@pytest.fixture
def marketer(clocked_api: ApiHarness) -> Staff:
    """A marketer on a store whose clock the test moves."""
    StaffAccounts(clocked_api.ctx.tables).create("mkt", PASSWORD, "marketing")
    return Staff(clocked_api, "mkt")


@pytest.fixture(scope="module")
def shared_marketer(api: ApiHarness) -> Staff:
    StaffAccounts(api.ctx.tables).create("mkt", PASSWORD, "marketing")
    return Staff(api, "mkt")


@pytest.fixture
def mkt(api: ApiHarness, shared_marketer: Staff) -> Staff:
    """The module's marketer (one store and sign-in for many tests), starting with an empty draft."""
    Drafts(api.ctx.tables).discard("mkt")
    return shared_marketer


def test_the_back_test_replays_only_the_last_n_days_of_purchases(clocked_api: ApiHarness, clock: Any,
                                                                 marketer: Staff) -> None:
    buy(clocked_api, "500000")
    clock.advance(days=10)
    buy(clocked_api, "1000000")
    buy(clocked_api, "200000")
    added = marketer.post("/console/program/draft/rule", kind="fixed_bonus", rule_id="bonus-7", points="7",
                          priority="90", label_vi="Thưởng 7 điểm")
    assert added.status_code == 200, re.search(r'data-testid="problem">([^<]*)', added.text)
    week = marketer.post("/console/program/backtest", days="5").text
    month = marketer.post("/console/program/backtest", days="30").text
    assert numbers(week, "bt-purchases") == 2 and numbers(month, "bt-purchases") == 3
    assert numbers(week, "bt-diff") == 14 and numbers(month, "bt-diff") == 21
    assert numbers(month, "bt-draft") - numbers(month, "bt-now") == 21
    assert numbers(month, "bt-reached") == 3
    point_value = clocked_api.ctx.service.policy.book.current().point_value
    assert numbers(month, "bt-liability") == int(21 * point_value)
    for days in ("-5", "999999", "abc"):  # clamped to 1..366 days, or refused in words; never a 500
        assert marketer.post("/console/program/backtest", days=days).status_code in (200, 422)


def test_publishing_is_one_idempotent_write_that_names_the_person(api: ApiHarness, mkt: Staff) -> None:
    clocked_api, marketer = api, mkt
    version = clocked_api.ctx.service.policy.book.current().version
    marketer.post("/console/program/draft/rule", kind="points_per_amount", rule_id="web-bonus", points="1",
                  per_amount="5000", channels="web", priority="50")
    key = uuid.uuid4().hex
    first = marketer.post("/console/program/publish", idem=key, starts="01/03/2026")
    assert first.status_code == 200 and f"Phiên bản {version + 1}" in first.text
    again = marketer.post("/console/program/publish", idem=key, starts="01/03/2026")  # the form sent twice
    assert again.status_code == 200 and f"Phiên bản {version + 1}" in again.text
    clocked_api.ctx.service.policy.book.refresh(force=True)
    program = clocked_api.ctx.service.policy.book.current()
    assert program.version == version + 1
    rule = program.rule("web-bonus")
    assert rule.starts_at.isoformat().startswith("2026-03-01") and rule.channels == ("web",)
    events = list(clocked_api.ctx.runtime.store.events.get(program.program_id, gt=version))
    assert [e.actor for e in events] == ["staff:mkt"]
    empty = marketer.post("/console/program/publish", starts="")
    assert empty.status_code == 422 and clocked_api.ctx.service.policy.book.current().version == version + 1


def test_the_simulator_shows_the_draft_beside_the_current_program(mkt: Staff) -> None:
    marketer = mkt
    marketer.post("/console/program/draft/rule", kind="multiplier", rule_id="x3", factor="3", priority="40")
    page = marketer.post("/console/program/simulate", total="500000", on="15/01/2026").text
    now = int(re.search(r'data-testid="sim-current">[^0-9]*([0-9.]+)', page).group(1).replace(".", ""))
    draft = int(re.search(r'data-testid="sim-with_draft">[^0-9]*([0-9.]+)', page).group(1).replace(".", ""))
    assert now == 50 and draft == 150
    bad = marketer.post("/console/program/simulate", total="năm trăm")
    assert bad.status_code == 422


@pytest.mark.parametrize("op,fields,words", [
    ("rule", {"kind": "points_per_amount", "rule_id": "a b", "points": "1", "per_amount": "1000"}, "Mã quy tắc"),
    ("rule", {"kind": "multiplier", "rule_id": "m", "factor": "hai"}, "Hệ số nhân"),
    ("rule", {"kind": "fixed_bonus", "rule_id": "f", "points": "5", "starts": "2026-01-01"}, "dd/mm/yyyy"),
    ("rule", {"kind": "fixed_bonus", "rule_id": "f", "points": "0"}, "("),  # the program's own refusal
    ("campaign", {"campaign_id": "c", "name_vi": "C", "name_en": "C", "starts": "10/01/2026",
                  "ends": "01/01/2026"}, "("),
    ("tiers", {f"tier{row}_code": "" for row in range(8)}, "("),  # no tier at all: the program refuses
    ("tiers", {"tier0_code": "a", "tier0_name_vi": "A", "tier0_name_en": "A", "tier0_threshold": "0",
               "tier1_code": "b", "tier1_name_vi": "B", "tier1_name_en": "B", "tier1_threshold": "0",
               **{f"tier{row}_code": "" for row in range(2, 8)}}, "("),
    ("tiers", {"tier0_code": "a b", **{f"tier{row}_code": "" for row in range(1, 8)}}, "chỉ dùng chữ"),
    ("nonsense", {}, "Không tìm thấy"),
])
def test_bad_forms_are_refused_in_words_and_leave_the_draft_alone(mkt: Staff, op: str, fields: dict[str, str],
                                                                   words: str) -> None:
    marketer = mkt
    refused = marketer.post(f"/console/program/draft/{op}", **fields)
    assert refused.status_code in (404, 422)
    assert words in re.search(r'data-testid="problem">([^<]*)<', refused.text).group(1)
    assert 'data-testid="no-draft"' in refused.text


@pytest.mark.parametrize("role,stores", [("cskh", ()), ("auditor", ()), ("store_manager", ("HN-02",))])
def test_only_marketing_and_admin_edit_the_program(api: ApiHarness, role: str, stores: tuple) -> None:
    clocked_api = api
    StaffAccounts(api.ctx.tables).create(f"other.{role}", PASSWORD, role, stores)
    other = Staff(api, f"other.{role}")
    version = clocked_api.ctx.service.policy.book.current().version
    assert other.client.get("/console/program").status_code == 403
    for path in ("/console/program/draft/rule", "/console/program/publish", "/console/program/backtest"):
        assert other.post(path, kind="fixed_bonus", rule_id="sneaky", points="1000").status_code == 403
    assert clocked_api.ctx.service.policy.book.current().version == version


def test_editor_forms_without_csrf_are_403(mkt: Staff) -> None:
    marketer = mkt
    refused = marketer.post("/console/program/draft/rule", with_csrf=False, kind="fixed_bonus", rule_id="z",
                            points="1")
    assert refused.status_code == 403
    assert 'data-testid="no-draft"' in marketer.client.get("/console/program").text


def test_the_tier_ladder_is_edited_as_a_form_and_previewed(api: ApiHarness, mkt: Staff) -> None:
    page = mkt.client.get("/console/program").text
    fields = dict(re.findall(r'name="(tier\d_[a-z_]+)" value="([^"]*)"', page))
    assert fields["tier1_code"] == "silver" and fields["tier1_threshold"] == "2000000"
    fields.update(tier1_threshold="1500000", tier4_code="platinum", tier4_name_vi="Bạch Kim",
                  tier4_name_en="Platinum", tier4_threshold="30000000", tier4_earn_multiplier="2,5")
    added = mkt.post("/console/program/draft/tiers", basis="spend", window_months="12", grace_days="30", **fields)
    assert added.status_code == 200, re.search(r'data-testid="problem">([^<]*)', added.text)
    preview = dict(re.findall(r'name="(tier\d_[a-z_]+)" value="([^"]*)"', added.text))
    assert preview["tier1_threshold"] == "1500000" and preview["tier4_code"] == "platinum"
    assert preview["tier4_earn_multiplier"] == "2.5"
    assert api.ctx.service.policy.book.current().tiers.tier("platinum") is None  # a draft changes nothing yet
