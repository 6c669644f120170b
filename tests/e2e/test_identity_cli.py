"""Issue #16's identity and migration commands from the `loyalty` command line, on SQLite and PostgreSQL:
a member file with Vietnamese headers checked by a dry run (problems in Vietnamese, nothing written), imported
once (an old 11-digit mobile converted), re-run without change; a grant to a file and to a segment, each
member once; exports of members, balances and a segment read back; and the subject-access export (events in
plain Vietnamese, consent, the messages the outbox holds for the member) as JSON and CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from loyalty_cli.main import app
from loyalty_core import commands as c
from loyalty_core.migration.files import read_path
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from tests.e2e.test_cli_commands import Cli
from tests.integration.test_projections_support import catch_up

HEADER_VI = "Số điện thoại,Họ tên,Ngày sinh,Điểm,Hạng,Hạn điểm"


def test_member_files_are_dry_run_imported_once_and_granted_and_exported(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url)
    cli("demo")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER_VI}\n0901110001,A,32/13/1990,10,,\nabc,B,,5,,\n", encoding="utf-8-sig")
    report = cli("import", "members", str(bad), "--dry-run", "--json", code=1)
    assert {(p["row"], p["column"]) for p in report["problems"]} == {(2, "Ngày sinh"), (3, "Số điện thoại")}
    assert all(p["problem_vi"] for p in report["problems"])
    assert "member_not_found" in cli("balance", "0901110001", code=1)["stderr"]  # the dry run wrote nothing

    good = tmp_path / "members.csv"
    good.write_text(f"{HEADER_VI}\n01688880001,Trần Văn An,01/02/1990,1.200,Vàng,31/12/2099\n"
                    "0901110002,Lê Thị Bình,1991-03-04,50,,\n", encoding="utf-8-sig")
    assert cli("import", "members", str(good), "--dry-run", "--json")["problems"] == []
    assert "member_not_found" in cli("balance", "0901110002", code=1)["stderr"]
    run = cli.runner.invoke(app, ["import", "members", str(good), "--json"], env=cli.env)
    assert run.exit_code == 0, run.output
    assert "dòng/s" in run.stderr and "còn" in run.stderr  # the progress bar: rate and time left
    done = json.loads(run.stdout)
    assert done["imported"] == 2 and done["refused"] == 0
    again = cli("import", "members", str(good), "--json")
    assert again["imported"] == 0 and again["already_imported"] == 2
    an = cli("balance", "0388880001")  # 0168 became 038 in the 2018 renumbering
    assert an["balance"]["available"] == 1200

    grants = tmp_path / "grant.csv"
    grants.write_text("phone\n0388880001\n01688880001\n", encoding="utf-8")  # one person, named twice
    tet = ("grant", "--grant-id", "TET", "--points", "7", "--reason", "Quà Tết", "--file", str(grants))
    assert cli(*tet)["imported"] == 1
    assert cli(*tet)["imported"] == 0
    catch_up(database_url)  # segments are read-side projections
    for _ in range(2):
        cli("grant", "--grant-id", "WELCOME-BACK", "--points", "3", "--reason", "Mời quay lại",
            "--segment", "never_purchased")
    assert cli("balance", "0388880001")["balance"]["available"] == 1200 + 7 + 3
    assert cli("balance", "0901110002")["balance"]["available"] == 50 + 3

    members_file, segment_file = tmp_path / "members.xlsx", tmp_path / "segment.csv"
    assert cli("export", "members", "-o", str(members_file))["rows"] == 2
    header, rows = read_path(members_file)
    names = {row[header.index("name")] for row in rows}
    assert names == {"Trần Văn An", "Lê Thị Bình"}
    assert cli("export", "segment", "--segment", "never_purchased", "-o", str(segment_file))["rows"] == 2
    assert cli("export", "segment", "-o", str(segment_file), code=1)


def test_subject_access_from_the_command_line_as_json_and_csv(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url)
    cli("demo")
    runtime = open_runtime(Settings(database_url=database_url))
    try:
        runtime.service.execute(c.EnrollMember(idempotency_key="sa", phone="0902220001", name="Phạm Thu Hà",
                                               channel="pos", consent={"zalo": True, "sms": True}))
    finally:
        runtime.close()
    cli("purchase", "0902220001", "--total", "120000", "--ref", "SA-1")
    catch_up(database_url)  # the worker puts the welcome and points messages in the outbox

    data = cli("subject-access", "0902220001")
    assert data["member"]["name"] == "Phạm Thu Hà" and data["member"]["consent"] == {"zalo": True, "sms": True}
    assert [e["type"] for e in data["events"]][0] == "MemberEnrolled"
    assert all(e["text"] for e in data["events"]) and any("điểm" in e["text"] for e in data["events"])
    assert data["balance"]["available"] == cli("balance", "0902220001")["balance"]["available"] > 0
    assert sorted(m["kind"] for m in data["messages"]) == ["points_earned", "welcome"]

    out = tmp_path / "sar.csv"
    cli("subject-access", "0902220001", "--format", "csv", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["section", "field", "value", "detail"]
    assert ["member", "name", "Phạm Thu Hà", ""] in rows and ["consent", "zalo", "yes", ""] in rows
    assert any(r[0] == "event" and "điểm" in r[2] for r in rows) and any(r[0] == "message" for r in rows)

    assert "member_not_found" in cli("subject-access", "0909999990", code=1)["stderr"]
    assert cli("subject-access", "0902220001", "--format", "pdf", code=1)
