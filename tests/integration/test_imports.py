"""Imports on both stores: dry runs write nothing, real runs are idempotent and resumable after a crash,
opening balances keep their own expiry, old 11-digit phones are converted, hostile files are refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core.migration import importer
from loyalty_core.migration.files import ImportFileUnreadable, read_table
from loyalty_core.runtime import open_runtime
from loyalty_core.service import enable_group_commit
from loyalty_core.settings import Settings

HEADER_VI = "Số điện thoại,Họ tên,Ngày sinh,Điểm,Hạng,Hạn điểm"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def runtime(database_url, clock):
    rt = open_runtime(Settings(database_url=database_url), clock=clock)
    rt.service.policy.install_demo(clock())
    yield rt
    if rt.service.batcher is not None:
        rt.service.batcher.close()
    rt.close()


def check(rt, data: bytes, name: str = "members.csv"):
    header, lines = read_table(data, name)
    return importer.check_members(rt.service, header, lines)


def members_file(count: int, start: int = 0) -> bytes:
    lines = [HEADER_VI] + [f"09{start + i:08d},Khách {i},01/02/1990,{100 + i},Bạc,31/12/2026" for i in range(count)]
    return csv_bytes(*lines)


def summary_of(rt, phone: str):
    return rt.service.member_summary(c.MemberRef(phone=phone))


def test_a_dry_run_reports_every_problem_in_vietnamese_and_writes_nothing(runtime):
    before = runtime.store.max_notification_id()
    checked = check(runtime, csv_bytes(HEADER_VI, "abc,A,32/13/1990,1.5,Bạch kim,01/01/2020",
                                       "0901234567,B,,10,,", "0901234567,C,,10,,"))
    found = {(p.row, p.column) for p in checked.problems}
    assert found == {(2, "Số điện thoại"), (2, "Ngày sinh"), (2, "Điểm"), (2, "Hạng"), (2, "Hạn điểm"),
                     (4, "Số điện thoại")}
    assert all(p.problem_vi and p.problem_vi[0].isupper() for p in checked.problems)
    assert "với dòng 3" in next(p.problem_vi for p in checked.problems if p.row == 4)
    assert len(checked.rows) == 1 and checked.total == 3
    assert runtime.store.max_notification_id() == before


def test_missing_required_column_is_named_on_the_header_row(runtime):
    checked = check(runtime, csv_bytes("Họ tên,Điểm", "A,1"))
    assert [(p.row, p.column) for p in checked.problems] == [(1, "phone")]


def test_members_arrive_with_balance_tier_own_expiry_and_converted_old_phone(runtime, clock):
    data = csv_bytes(HEADER_VI, '01689123456,Nguyễn Văn A,01/02/1990,"1.200",Vàng,31/12/2026',
                     "0901234567,Trần Thị B,1985-07-30,300,,")
    report = importer.import_members(runtime.service, check(runtime, data))
    assert report.summary()["imported"] == 2
    a = summary_of(runtime, "0389123456")  # 0168 became 038 in 2018
    assert (a.name, a.tier, a.balance.available) == ("Nguyễn Văn A", "gold", 1200)
    # "valid until 31/12/2026" means spendable all that day, Vietnam time
    assert a.balance.next_expiry_at == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    b = summary_of(runtime, "0901234567")
    assert (b.tier, b.balance.available, b.balance.next_expiry_at) == ("member", 300, None)
    clock.now = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)  # 08:00 on 1 January in Hồ Chí Minh City
    assert runtime.service.balance(c.MemberRef(phone="0389123456")).available == 0


def test_excel_files_with_real_dates_and_numbers_import_the_same(runtime):
    data = xlsx_bytes([["phone", "name", "birthday", "points", "tier", "points_expire_at"],
                       [901111222, "Lê C", datetime(1991, 3, 4), 250, "silver", datetime(2026, 6, 30)],
                       ["0912 333 444", "Phạm D", "04/05/1992", 50.0, "Kim Cương", None]])
    checked = check(runtime, data, "list.xlsx")
    assert checked.ok, checked.problems
    importer.import_members(runtime.service, checked)
    assert summary_of(runtime, "0901111222").tier == "silver"  # Excel dropped the leading zero
    assert summary_of(runtime, "0912333444").balance.available == 50


def test_running_the_same_file_again_writes_nothing(runtime):
    enable_group_commit(runtime.service)
    checked = check(runtime, members_file(300))
    first = importer.import_members(runtime.service, checked, workers=8)
    assert first.summary()["imported"] == 300
    written = runtime.store.max_notification_id()
    again = importer.import_members(runtime.service, check(runtime, members_file(300)), workers=8)
    assert again.summary()["already_imported"] == 300 and again.summary()["imported"] == 0
    assert runtime.store.max_notification_id() == written


def test_a_crash_mid_import_is_resumed_by_running_the_file_again_each_row_once(database_url, clock):
    rt = open_runtime(Settings(database_url=database_url), clock=clock)
    rt.service.policy.install_demo(clock())
    real_record, writes = rt.store.record, []

    def failing_record(events):
        if len(writes) >= 3:  # the database goes away after three transactions
            raise errors.StoreUnavailable("connection lost")
        writes.append(len(events))
        return real_record(events)

    rt.store.record = failing_record
    enable_group_commit(rt.service, max_batch=40)
    with pytest.raises(errors.StoreUnavailable):
        importer.import_members(rt.service, check(rt, members_file(400)), workers=8)
    rt.service.batcher.close()
    rt.close()

    resumed = open_runtime(Settings(database_url=database_url), clock=clock)
    try:
        enable_group_commit(resumed.service)
        report = importer.import_members(resumed.service, check(resumed, members_file(400)), workers=8)
        done = report.summary()
        assert done["refused"] == 0 and done["already_imported"] + done["imported"] == 400
        assert done["already_imported"] > 0 and done["imported"] > 0  # it resumed: part was written before
        assert sum(1 for _ in resumed.store.member_ids()) == 400  # nobody twice, nobody missing
        assert summary_of(resumed, "0900000399").balance.available == 499
    finally:
        resumed.service.batcher.close()
        resumed.close()


def test_a_changed_row_is_refused_not_overwritten_and_an_enrolled_phone_is_skipped(runtime):
    importer.import_members(runtime.service, check(runtime, csv_bytes(HEADER_VI, "0901234567,A,,100,,")))
    runtime.service.execute(c.EnrollMember(idempotency_key="pos-1", phone="0907654321", channel="pos"))
    report = importer.import_members(runtime.service, check(runtime, csv_bytes(
        HEADER_VI, "0901234567,A,,999,,", "0907654321,B,,50,,")))
    codes = {o.row: o.code for o in report.refused}
    assert codes == {2: "idempotency_key_reused", 3: "identifier_taken"}
    assert all(o.problem_vi for o in report.refused)
    assert summary_of(runtime, "0901234567").balance.available == 100
    assert summary_of(runtime, "0907654321").balance.available == 0


def test_historical_purchases_count_for_history_once_and_unknown_phones_are_refused(runtime):
    importer.import_members(runtime.service, check(runtime, csv_bytes(HEADER_VI, "0901234567,A,,0,,")))
    data = csv_bytes("Số điện thoại,Mã hoá đơn,Tổng tiền,Ngày mua,Cửa hàng",
                     '0901234567,HD-1,"2.500.000",03/01/2026,HCM-01', "0909999999,HD-2,100000,2026-01-04,",
                     "0901234567,HD-3,-5,40/01/2026,")
    header, lines = read_table(data, "p.csv")
    checked = importer.check_purchases(runtime.service, header, lines)
    assert {(p.row, p.column) for p in checked.problems} == {(4, "Tổng tiền"), (4, "Ngày mua")}
    for _ in range(2):
        report = importer.import_purchases(runtime.service, checked)
    assert {o.row: o.code for o in report.refused} == {3: "member_not_found"}
    member = runtime.service.resolve(c.MemberRef(phone="0901234567"))
    assert member.purchase_count == 1 and member.lifetime_earned == 0


@pytest.mark.parametrize("data,name", [
    (b"\x00\x01\x02garbage", "x.csv"),
    (b"PK\x03\x04not really a zip", "x.xlsx"),
    ("Số điện thoại\n0901234567\n".encode("utf-16"), "x.csv"),
    (b"", "x.csv"),
])
def test_unreadable_files_are_refused_with_a_code_not_a_traceback(data, name):
    with pytest.raises(ImportFileUnreadable):
        read_table(data, name)


def test_the_cli_killed_mid_import_resumes_on_the_same_command_and_imports_each_row_once(tmp_path, clock):
    """A real `loyalty import members` process, killed with SIGKILL part-way, then run again to the end."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    rows = 1500
    path = tmp_path / "members.csv"
    path.write_bytes(members_file(rows))
    db = tmp_path / "loyalty.db"
    env = {**os.environ, "LOYALTY_DATABASE_URL": f"sqlite:///{db}"}
    cli = [sys.executable, "-m", "loyalty_cli.main"]
    subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([*cli, "import", "members", str(path), "--workers", "8"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def enrolled() -> int:
        try:
            with sqlite3.connect(db, timeout=5) as conn:
                return conn.execute("select count(*) from stored_events where topic like '%MemberEnrolled'").fetchone()[0]
        except sqlite3.OperationalError:
            return 0

    deadline = time.monotonic() + 60
    while enrolled() < 100 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    part = enrolled()
    assert 0 < part < rows, "the import was not caught mid-way"
    done = subprocess.run([*cli, "import", "members", str(path), "--json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert enrolled() == rows  # every row exactly once
    assert '"already_imported": ' in done.stdout


def test_a_channel_id_column_links_the_id_and_brings_the_sales_held_for_it(runtime):
    from decimal import Decimal

    runtime.service.execute(c.RecordPurchase(idempotency_key="SP-9", channel="shopee", transaction_ref="SP-9",
                                             member=c.MemberRef(channel_id="shopee:buyer9"), total=Decimal(100_000)))
    data = csv_bytes("phone,name,points,channel_id", "0901234567,A,5,shopee:buyer9", "0907654321,B,5,zalo:?",
                     "0909999999,C,5,shopee:buyer9")
    checked = check(runtime, data)
    assert [(p.row, p.column) for p in checked.problems] == [(3, "channel_id"), (4, "channel_id")]
    importer.import_members(runtime.service, checked)
    assert summary_of(runtime, "0901234567").balance.available == 5 + 10  # opening balance + the held sale
    # (15 January 2026 is a Thursday: 100.000 ₫ earns 10 points, no weekend doubling)
    assert runtime.service.resolve(c.MemberRef(channel_id="shopee:buyer9")).id == summary_of(runtime,
                                                                                             "0901234567").member_id


def test_past_sales_imported_to_earn_are_priced_by_their_date_and_held_for_phones_not_enrolled(runtime, clock):
    importer.import_members(runtime.service, check(runtime, csv_bytes(HEADER_VI, "0901234567,A,,0,,")))
    clock.advance(days=1)
    data = csv_bytes("phone,transaction_ref,total,occurred_at", "0901234567,E-1,100000,2026-01-15T12:00:00+07:00",
                     "0907654321,E-2,100000,2026-01-15T12:00:00+07:00")
    header, lines = read_table(data, "p.csv")
    checked = importer.check_purchases(runtime.service, header, lines)
    assert checked.ok, checked.problems
    first = importer.import_purchases(runtime.service, checked, earn=True).summary()
    assert (first["imported"], first["held"]) == (1, 1)
    again = importer.import_purchases(runtime.service, checked, earn=True).summary()
    assert again["already_imported"] == 2
    assert summary_of(runtime, "0901234567").balance.available == 10
    late = runtime.service.execute(c.EnrollMember(idempotency_key="late", phone="0907654321", channel="pos"))
    assert late.balance.available == 10


def test_a_phone_enrolled_between_the_free_claim_hint_and_the_write_is_refused_not_taken_twice(runtime):
    from loyalty_core.migration.handlers import import_member_command, prefetch_free_claims

    row = check(runtime, csv_bytes(HEADER_VI, "0901234567,A,,10,,")).rows[0]
    command = import_member_command(row)
    prefetch_free_claims(runtime.service, command)  # the worker saw the phone free...
    runtime.service.execute(c.EnrollMember(idempotency_key="pos", phone="0901234567", channel="pos"))  # ...then
    with pytest.raises(errors.IdentifierTaken):
        runtime.service.execute(command)
    assert sum(1 for _ in runtime.store.member_ids()) == 1
    assert summary_of(runtime, "0901234567").balance.available == 0
