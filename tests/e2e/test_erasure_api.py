"""POST /v1/members/{member_id}/erasure: admin only, a reason and an Idempotency-Key, problem+json errors."""

from __future__ import annotations

from tests.e2e.conftest import ApiHarness, idem, new_phone


def test_an_admin_erases_a_member_and_the_phone_can_join_again(api: ApiHarness) -> None:
    phone = new_phone()
    member = api.enroll(phone, name="Đặng Thị Riêng Tư", email=f"rieng.{phone}@example.vn")
    member_id = member["member_id"]
    sale = api.post("/v1/transactions", {"member": {"phone": phone}, "transaction_ref": idem(), "total": "300000"},
                    key="pos")
    assert sale.status_code in (200, 201), sale.text
    before = api.balance(member_id)
    key = idem()
    erased = api.post(f"/v1/members/{member_id}/erasure", {"reason": "khách yêu cầu xoá"}, idempotency_key=key)
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] is True and "PersonalDataErased" in erased.json()["events"]
    again = api.post(f"/v1/members/{member_id}/erasure", {"reason": "khách yêu cầu xoá"}, idempotency_key=key)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    other = api.post(f"/v1/members/{member_id}/erasure", {"reason": "another"}, idempotency_key=key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert api.balance(member_id) == before
    summary = api.get(f"/v1/members/{member_id}").json()
    assert summary["name"] is None and summary["phone"] is None and summary["email"] is None
    assert api.get("/v1/members/lookup", params={"phone": phone}).status_code == 404
    assert api.enroll(phone)["member_id"] != member_id
    changed = api.post(f"/v1/members/{member_id}/profile", {"name": "Ai Đó"})
    assert changed.status_code == 409 and changed.json()["code"] == "member_erased"


def test_erasure_is_refused_without_a_reason_a_key_or_the_admin_role(api: ApiHarness) -> None:
    member_id = api.enroll()["member_id"]
    path = f"/v1/members/{member_id}/erasure"
    assert api.post(path, {"reason": "x"}, key="staff").status_code == 403
    assert api.post(path, {"reason": "x"}, key="pos").status_code == 403
    missing = api.post(path, {"reason": "x"}, idempotency_key=None)
    assert missing.status_code in (400, 422) and missing.headers["content-type"] == "application/problem+json"
    empty = api.post(path, {"reason": ""})
    assert empty.status_code == 422 and empty.headers["content-type"] == "application/problem+json"
    assert api.post(path, {}).status_code == 422
    unknown = api.post("/v1/members/00000000-0000-4000-8000-000000000000/erasure", {"reason": "x"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "member_not_found"
    assert api.get(f"/v1/members/{member_id}").json()["phone"]  # nothing was erased by the refusals


def test_the_cli_erases_by_phone_and_refuses_a_second_time(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    loyalty = str(Path(sys.executable).with_name("loyalty"))
    env = {**os.environ, "LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/l.db"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([loyalty, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert run("enroll", "0912345678", "--name", "Lê Văn Xoá").returncode == 0
    erased = run("erase", "0912345678", "--reason", "khách yêu cầu", "--actor", "staff-7")
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout)["events"] == ["PersonalDataErased"]
    assert "Xoá".encode() not in (tmp_path / "l.db").read_bytes()
    again = run("erase", "0912345678", "--reason", "again")
    assert again.returncode == 1 and "member_not_found" in again.stderr
    assert run("erase", "0912345678").returncode != 0  # --reason is required
