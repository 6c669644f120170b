"""Bulk grants and exports on both stores: each member of a list or segment credited once however often the
grant runs and however the list names them; exports agree with the ledger and round-trip as CSV and xlsx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loyalty_core import commands as c
from loyalty_core.errors import InvalidInput
from loyalty_core.migration import exports
from loyalty_core.migration.files import read_path, read_table, write_table
from loyalty_core.migration.grants import Grant, check_grant_file, run_grant, segment_targets
from loyalty_core.runtime import open_runtime
from loyalty_core.service import enable_group_commit
from loyalty_core.settings import Settings
from tests.integration.test_projections_support import catch_up


@pytest.fixture
def runtime(database_url, clock):
    rt = open_runtime(Settings(database_url=database_url), clock=clock)
    rt.service.policy.install_demo(datetime(2025, 1, 1, tzinfo=UTC))
    yield rt
    if rt.service.batcher is not None:
        rt.service.batcher.close()
    rt.close()


def enrol(rt, phone: str, name: str = "Khách") -> object:
    return rt.service.execute(c.EnrollMember(idempotency_key=f"e-{phone}", phone=phone, name=name,
                                             birthday="1990-02-01", channel="pos"))


def grant_file(text: str):
    return check_grant_file(*read_table(text.encode("utf-8-sig"), "g.csv"))


def test_a_grant_credits_each_listed_member_once_however_named_and_however_often_run(runtime, clock):
    a, b = enrol(runtime, "0901234567"), enrol(runtime, "0907654321")
    checked = grant_file(f"Số điện thoại,member_code,Điểm\n0901234567,,\n,{a.member_code},\n0907654321,,30\n"
                         "0909999999,,\n")
    assert checked.ok, checked.problems
    enable_group_commit(runtime.service)
    tet = Grant("TET-2027", 50, "Quà Tết", expires_at=clock() + timedelta(days=30))
    first = run_grant(runtime.service, tet, checked.rows, workers=4)
    assert first.count("imported") == 2 and first.count("already_imported") == 1
    assert {o.row: o.code for o in first.refused} == {5: "member_not_found"}
    again = run_grant(runtime.service, tet, checked.rows, workers=4)
    assert again.count("imported") == 0
    balance_a = runtime.service.balance(c.MemberRef(member_id=a.member_id))
    assert balance_a.available == 50 and balance_a.next_expiry_at == clock() + timedelta(days=30)
    assert runtime.service.balance(c.MemberRef(member_id=b.member_id)).available == 30
    changed = run_grant(runtime.service, Grant("TET-2027", 80, "Quà Tết", expires_at=tet.expires_at),
                        checked.rows[:1])
    assert [o.code for o in changed.refused] == ["idempotency_key_reused"]


def test_a_grant_file_with_problems_names_them_and_a_bad_grant_is_refused(runtime):
    checked = grant_file("phone,Điểm\nabc,10\n0901234567,-3\n")
    assert {(p.row, p.column) for p in checked.problems} == {(2, "phone"), (3, "Điểm")}
    assert grant_file("name\nA\n").problems[0].row == 1
    with pytest.raises(InvalidInput):
        run_grant(runtime.service, Grant("bad/id", 10, "x"), [])


def test_a_segment_grant_reaches_the_segment_from_the_read_side(runtime, database_url):
    buyer, idle = enrol(runtime, "0901234567"), enrol(runtime, "0907654321")
    runtime.service.execute(c.RecordPurchase(idempotency_key="s1", channel="pos", transaction_ref="S-1",
                                             member=c.MemberRef(member_id=buyer.member_id), total=100000))
    catch_up(database_url)
    from projections.queries import ReadModels

    models = ReadModels.open(runtime.settings)
    try:
        pages = [models.list_segment("never_purchased", limit=100)]
    finally:
        models.close()
    report = run_grant(runtime.service, Grant("WAKE-UP", 20, "Mời quay lại"), segment_targets(pages))
    assert report.count("imported") == 1
    assert runtime.service.balance(c.MemberRef(member_id=idle.member_id)).available == 20
    assert runtime.service.balance(c.MemberRef(member_id=buyer.member_id)).available == 10


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_exports_agree_with_the_ledger_and_read_back(runtime, tmp_path, suffix):
    a = enrol(runtime, "0901234567", "Nguyễn Văn Á")
    enrol(runtime, "0907654321")
    runtime.service.execute(c.EarnPoints(idempotency_key="bonus", member=c.MemberRef(member_id=a.member_id),
                                         points=70, reference="bonus-1"))
    path = tmp_path / f"members.{suffix}"
    written = write_table(path, exports.MEMBER_HEADER,
                          exports.members(runtime.service, runtime.store.member_ids()))
    header, rows = read_path(path)
    assert written == 2 and header == exports.MEMBER_HEADER
    first = dict(zip(header, rows[0]))
    assert first["name"] == "Nguyễn Văn Á" and first["phone"] == "+84901234567"
    assert str(first["points_available"]) == "70" and first["birthday"] == "01/02/1990"
    balances = list(exports.balances(runtime.service, runtime.store.member_ids()))
    assert all("+84" not in str(cell) and "Nguyễn" not in str(cell) for row in balances for cell in row)
