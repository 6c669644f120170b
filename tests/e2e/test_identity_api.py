"""Identity over HTTP on both stores: a sale for nobody yet is 202 `unclaimed` (not 404) and credited on
enrolment; a sale without a member is claimed from its receipt once; member files are imported with a dry
run first; hostile uploads are refused with a problem, never a 500."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.e2e.conftest import ApiHarness, new_phone

SALE = {"transaction_ref": "", "total": "120000"}  # now: after the demo program was installed


def sale(ref: str, member: dict | None) -> dict:
    body = {**SALE, "transaction_ref": ref}
    if member is not None:
        body["member"] = member
    return body


def test_a_sale_for_a_phone_not_enrolled_yet_is_202_unclaimed_and_credited_on_enrolment(api: ApiHarness) -> None:
    phone, ref = new_phone(), f"U-{new_phone()}"
    held = api.post("/v1/transactions", sale(ref, {"phone": phone}), key="pos", idempotency_key=None)
    assert held.status_code == 202, held.text
    assert held.json()["status"] == "unclaimed" and held.json()["held_for"] == "phone"
    again = api.post("/v1/transactions", sale(ref, {"phone": phone}), key="pos", idempotency_key=None)
    assert again.status_code == 202 and again.headers.get("Idempotent-Replayed") == "true"
    member = api.enroll(phone)
    assert member["balance"]["available"] > 0
    assert api.balance(member["member_id"])["available"] == member["balance"]["available"]


def test_simulating_a_sale_for_nobody_is_404_and_holds_nothing(api: ApiHarness) -> None:
    phone = new_phone()
    response = api.post("/v1/transactions/simulate", sale("SIM-1", {"phone": phone}), key="pos")
    assert response.status_code == 404 and response.json()["code"] == "member_not_found"
    assert api.enroll(phone)["balance"]["available"] == 0


def test_a_sale_without_a_member_is_claimed_from_its_receipt_by_one_member(api: ApiHarness) -> None:
    ref = f"BILL-{new_phone()}"
    held = api.post("/v1/transactions", sale(ref, None), key="pos", idempotency_key=None)
    assert held.status_code == 202 and held.json()["held_for"] == "receipt"
    first, second = api.enroll()["member_id"], api.enroll()["member_id"]
    claimed = api.post(f"/v1/members/{first}/receipt-claims", {"transaction_ref": ref}, key="staff")
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["points_earned"] > 0
    refused = api.post(f"/v1/members/{second}/receipt-claims", {"transaction_ref": ref}, key="staff")
    assert refused.status_code == 422 and refused.json()["code"] == "receipt_already_claimed"
    unknown = api.post(f"/v1/members/{second}/receipt-claims", {"transaction_ref": "NO-SUCH"}, key="staff")
    assert unknown.status_code == 404 and unknown.json()["code"] == "transaction_not_found"


def test_a_sale_is_claimed_by_its_e_invoice_lookup_code_once(api: ApiHarness) -> None:
    ref, code = f"EI-{new_phone()}", f"K{new_phone()}X"
    held = api.post("/v1/transactions", {**sale(ref, None), "invoice_lookup_code": code}, key="pos",
                    idempotency_key=None)
    assert held.status_code == 202 and held.json()["held_for"] == "receipt"
    other = api.post("/v1/transactions", {**sale(f"{ref}-2", None), "invoice_lookup_code": code}, key="pos",
                     idempotency_key=None)
    assert other.status_code == 422 and other.json()["field"] == "invoice_lookup_code"  # one code, one sale
    bad = api.post("/v1/transactions", {**sale(f"{ref}-3", None), "invoice_lookup_code": "a/b"}, key="pos",
                   idempotency_key=None)
    assert bad.status_code == 422
    first, second = api.enroll()["member_id"], api.enroll()["member_id"]
    neither = api.post(f"/v1/members/{first}/receipt-claims", {"sale_channel": "pos"}, key="staff")
    assert neither.status_code == 422 and neither.json()["code"] == "invalid_input"
    typed = " ".join([code[:4].lower(), code[4:]])  # as a shopper types it
    claimed = api.post(f"/v1/members/{first}/receipt-claims", {"invoice_lookup_code": typed}, key="staff")
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["transaction_ref"] == ref and claimed.json()["points_earned"] > 0
    for body in ({"invoice_lookup_code": code}, {"transaction_ref": ref}):
        refused = api.post(f"/v1/members/{second}/receipt-claims", body, key="staff")
        assert refused.status_code == 422 and refused.json()["code"] == "receipt_already_claimed"
    assert api.balance(second)["lifetime_earned"] == 0


def _upload(api: ApiHarness, data: bytes, name: str, dry_run: bool, key: str = "admin"):
    return api.client.post("/v1/imports/members", headers=api.headers(key),
                           files={"file": (name, data)}, data={"dry_run": "true" if dry_run else "false"})


def test_a_member_file_is_checked_by_a_dry_run_then_imported_once(api: ApiHarness) -> None:
    phones = [new_phone() for _ in range(3)]
    text = "Số điện thoại,Họ tên,Điểm,Hạng,Hạn điểm\n" + "".join(f"{p},Khách,150,Bạc,31/12/2099\n" for p in phones)
    bad = text + "12,Sai,abc,,\n"
    dry = _upload(api, bad.encode(), "m.csv", dry_run=True)
    assert dry.status_code == 200 and dry.json()["valid"] == 3
    assert [(p["row"], p["column"]) for p in dry.json()["problems"]] == [(5, "Số điện thoại"), (5, "Điểm")]
    refused = _upload(api, bad.encode(), "m.csv", dry_run=False)
    assert refused.status_code == 422 and refused.json()["code"] == "import_file_invalid"
    lookup = api.get("/v1/members/lookup", key="pos", params={"phone": phones[0]})
    assert lookup.status_code == 404  # nothing was written
    done = _upload(api, text.encode(), "m.csv", dry_run=False)
    assert done.status_code == 200 and done.json()["imported"] == 3, done.text
    again = _upload(api, text.encode(), "m.csv", dry_run=False)
    assert again.json()["already_imported"] == 3 and again.json()["imported"] == 0
    member_id = api.get("/v1/members/lookup", key="pos", params={"phone": phones[0]}).json()["member_id"]
    assert api.balance(member_id)["available"] == 150


def test_an_excel_member_file_imports(api: ApiHarness) -> None:
    book, phone = Workbook(), new_phone()
    book.active.append(["phone", "name", "points"])
    book.active.append([phone, "Excel", 70])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(api, buffer.getvalue(), "m.xlsx", dry_run=False).json()["imported"] == 1


def test_imports_are_for_admins_and_hostile_files_are_refused_cleanly(api: ApiHarness) -> None:
    assert _upload(api, b"phone\n0901234567\n", "m.csv", dry_run=True, key="pos").status_code == 403
    for data, name in ((b"PK\x03\x04broken", "m.xlsx"), (b"\xff\xfe\x00garbage", "m.csv"), (b"", "m.csv")):
        response = _upload(api, data, name, dry_run=True)
        assert response.status_code == 422 and response.json()["code"] == "import_file_unreadable", response.text


def test_a_grant_from_a_file_credits_each_member_once_and_exports_read_back(api: ApiHarness) -> None:
    member = api.enroll()
    phone = member["phone"]
    files = {"file": ("g.csv", f"phone\n{phone}\n{phone}\n".encode())}
    form = {"grant_id": f"G-{phone}", "points": "40", "reason": "Quà Tết", "expires_on": "31/12/2099"}
    first = api.client.post("/v1/grants", headers=api.headers("admin"), files=files, data=form)
    assert first.status_code == 200, first.text
    assert first.json()["imported"] == 1 and first.json()["already_imported"] == 1
    again = api.client.post("/v1/grants", headers=api.headers("admin"), files=files, data=form)
    assert again.json()["imported"] == 0
    assert api.balance(member["member_id"])["available"] == 40
    assert api.client.post("/v1/grants", headers=api.headers("staff"), files=files, data=form).status_code == 403
    neither = api.client.post("/v1/grants", headers=api.headers("admin"), data=form)
    assert neither.status_code == 422 and neither.json()["code"] == "invalid_input"
    exported = api.get("/v1/exports/balances", key="analyst", params={"format": "csv"})
    assert exported.status_code == 200 and "text/csv" in exported.headers["content-type"]
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("member_id,member_code,tier,points_available")
    assert any(line.startswith(member["member_id"]) and ",40," in line for line in lines)
    assert phone not in exported.content.decode("utf-8-sig")  # balances carry no personal data
    assert api.get("/v1/exports/members", key="analyst").status_code == 403
    workbook = api.get("/v1/exports/members", key="admin", params={"format": "xlsx"})
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


def test_an_unknown_segment_is_refused_before_anything_is_credited(api: ApiHarness) -> None:
    form = {"grant_id": "G-SEG", "points": "5", "reason": "x", "segment": "no-such-segment"}
    response = api.client.post("/v1/grants", headers=api.headers("admin"), data=form)
    assert response.status_code == 422 and response.json()["field"] == "segment"
    exported = api.get("/v1/exports/balances", key="analyst", params={"segment": "no-such-segment"})
    assert exported.status_code == 422
    vip = api.get("/v1/exports/balances", key="analyst", params={"segment": "vip", "format": "xlsx"})
    assert vip.status_code == 200


def test_the_command_line_holds_claims_grants_and_exports(database_url: str, tmp_path) -> None:
    """On both stores (the `database_url` fixture): held, credited on enrolment, claimed once by receipt."""
    import json

    from typer.testing import CliRunner

    from loyalty_cli.main import app
    from loyalty_core import commands as c
    from loyalty_core.runtime import open_runtime
    from loyalty_core.settings import Settings

    runner, url = CliRunner(), database_url
    env = {"LOYALTY_DATABASE_URL": url}

    def run(*args: str) -> dict:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout[result.stdout.index("{"):result.stdout.rindex("}") + 1])

    runner.invoke(app, ["demo"], env=env)
    assert run("purchase", "0909999999", "--total", "100000", "--ref", "H-1")["status"] == "unclaimed"
    runtime = open_runtime(Settings(database_url=url))
    try:  # a till's sale with no member at all (the API's way; the CLI always names one)
        runtime.service.execute(c.RecordPurchase(idempotency_key="B-1", channel="pos", transaction_ref="B-1",
                                                 member=c.MemberRef(), total=100000))
    finally:
        runtime.close()
    held_points = run("enroll", "0909999999")["balance"]["available"]
    assert held_points > 0  # 10 on a weekday, doubled at the weekend (the test runs on the real clock)
    assert run("claim-receipt", "0909999999", "B-1")["points_earned"] == held_points
    refused = runner.invoke(app, ["claim-receipt", "0909999999", "B-1"], env=env)
    assert refused.exit_code == 1 and "receipt_already_claimed" in refused.output
    runtime = open_runtime(Settings(database_url=url))
    try:  # a sale sent with its e-invoice lookup code, claimed by the code as the shopper types it
        runtime.service.execute(c.RecordPurchase(idempotency_key="B-2", channel="pos", transaction_ref="B-2",
                                                 member=c.MemberRef(), total=100000,
                                                 invoice_lookup_code="QX7T2K"))
    finally:
        runtime.close()
    assert run("claim-receipt", "0909999999", "--lookup-code", "qx7t 2k")["points_earned"] == held_points
    again = runner.invoke(app, ["claim-receipt", "0909999999", "B-2"], env=env)
    assert again.exit_code == 1 and "receipt_already_claimed" in again.output
    (tmp_path / "g.csv").write_text("phone\n0909999999\n", encoding="utf-8")
    granted = run("grant", "--grant-id", "G1", "--points", "5", "--reason", "Quà", "--file", str(tmp_path / "g.csv"))
    assert granted["imported"] == 1
    assert run("export", "balances", "-o", str(tmp_path / "b.xlsx"))["rows"] == 1
    assert run("balance", "0909999999")["balance"]["available"] == 3 * held_points + 5


def test_a_subject_access_export_holds_everything_about_the_member_in_plain_language(api: ApiHarness) -> None:
    import csv
    import json

    member = api.enroll(name="Trần Thị Bích", email=f"b{new_phone()}@example.vn", consent={"zalo": True})
    sold = api.post("/v1/transactions", sale(f"SA-{member['member_id'][:8]}", {"member_id": member["member_id"]}),
                    key="pos", idempotency_key=None)
    assert sold.status_code == 201, sold.text
    exported = api.get(f"/v1/members/{member['member_id']}/subject-access", key="staff")
    assert exported.status_code == 200 and exported.headers["cache-control"] == "no-store"
    data = json.loads(exported.content)
    assert data["member"]["name"] == "Trần Thị Bích" and data["member"]["consent"] == {"zalo": True}
    kinds = {i["kind"]: i["value"] for i in data["member"]["identifiers"]}
    assert kinds["phone"] == member["phone"] and kinds["qr_token"].startswith("…")
    assert data["balance"]["available"] == member["balance"]["available"] + sold.json()["points_earned"]
    assert [e["type"] for e in data["events"]][0] == "MemberEnrolled"
    assert all(e["text"] for e in data["events"]) and any("điểm" in e["text"] for e in data["events"])
    assert isinstance(data["messages"], list)
    as_csv = api.get(f"/v1/members/{member['member_id']}/subject-access", key="admin", params={"format": "csv"})
    rows = list(csv.reader(as_csv.content.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["section", "field", "value", "detail"]
    assert ["member", "name", "Trần Thị Bích", ""] in rows and any(r[0] == "event" for r in rows)
    assert api.get(f"/v1/members/{member['member_id']}/subject-access", key="pos").status_code == 403
    assert api.get(f"/v1/members/{member['member_id']}/subject-access", key="analyst").status_code == 403
    missing = api.get("/v1/members/00000000-0000-4000-8000-000000000000/subject-access", key="staff")
    assert missing.status_code == 404
