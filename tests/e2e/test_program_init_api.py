"""Creating a program from scratch through `POST /v1/program` (issue #11), on stores with no program, both
stores: a dry run writes nothing, the creation is idempotent, a store gets one program even when two admins
race, and a bad definition is refused with the program's own code, naming the item."""

from __future__ import annotations

import json
import threading
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from loyalty_core.program.demo import DEMO_DEFINITION
from tests.e2e.conftest import ApiHarness, api_settings, idem, new_phone

TRA_SUA = {
    "settings": {"code": "TS", "name": "Trà Sữa Hẻm", "currency": "VND", "point_value": "50"},
    "rules": [{"kind": "points_per_amount", "rule_id": "base", "priority": 10, "points": 1, "per_amount": "5000"},
              {"kind": "activity", "rule_id": "welcome", "priority": 5, "activity": "sign_up", "points": 10,
               "limit": 1, "period": "lifetime"}],
    "rewards": [{"reward_id": "free-topping", "name_vi": "Thêm topping", "name_en": "Free topping",
                 "kind": "free_item", "points_cost": 30}],
}


@pytest.fixture
def bare(database_url: str) -> Iterator[ApiHarness]:
    """An app on a store with no program at all."""
    app = create_app(api_settings(database_url))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield ApiHarness(app, client)
    finally:
        app.state.api.close()


def test_a_dry_run_checks_and_answers_the_program_without_writing_it(bare):
    checked = bare.post("/v1/program?dry_run=true", TRA_SUA)
    assert checked.status_code == 200, checked.text
    assert checked.json()["settings"]["code"] == "TS" and len(checked.json()["rules"]) == 2
    assert bare.get("/v1/program").status_code == 404


def test_a_program_is_created_once_and_a_retry_answers_the_same(bare):
    key = idem()
    created = bare.post("/v1/program", TRA_SUA, idempotency_key=key)
    assert created.status_code == 201, created.text
    again = bare.post("/v1/program", TRA_SUA, idempotency_key=key)
    assert again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["version"] == created.json()["version"]
    other = bare.post("/v1/program", {**TRA_SUA, "rewards": []}, idempotency_key=key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    second = bare.post("/v1/program", TRA_SUA)
    assert second.status_code == 409 and second.json()["code"] == "program_already_exists"
    assert bare.get("/v1/program").json()["version"] == created.json()["version"]
    member = bare.enroll(phone=new_phone())  # the new program's sign_up rule pays at enrolment
    assert member["balance"]["available"] == 10


def test_the_demo_definition_file_creates_the_demo_program(bare):
    created = bare.post("/v1/program", json.loads(DEMO_DEFINITION.read_text(encoding="utf-8")))
    assert created.status_code == 201, created.text
    assert created.json()["settings"]["name"] == "Cà Phê Sài Gòn"
    assert {r["rule_id"] for r in created.json()["rules"]} >= {"base-1-per-10k", "coffee-10th-cup-free"}


def test_two_admins_creating_at_once_make_one_program(bare):
    answers: list[int] = []

    def create(body: dict) -> None:
        answers.append(bare.post("/v1/program", body).status_code)

    threads = [threading.Thread(target=create, args=({**TRA_SUA, "settings": {**TRA_SUA["settings"],
                                                                               "name": f"Try {n}"}},))
               for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409, 409, 409]
    assert bare.get("/v1/program").json()["version"] == 1 + 2 + 1  # created, two rules, one reward


@pytest.mark.parametrize("change,code,needle", [
    ({"rules": [{"kind": "multiplier", "rule_id": "x1", "priority": 1, "factor": "1"}]}, "rule_never_fires",
     "rules (x1)"),
    ({"tiers": {"tiers": [{"code": "a", "name_vi": "A", "name_en": "A", "threshold": "10"},
                          {"code": "b", "name_vi": "B", "name_en": "B", "threshold": "5"}]}},
     "tier_ladder_not_increasing", ""),
    ({"rules": [{"kind": "stamp_card", "rule_id": "s", "priority": 1, "card_id": "c", "stamps_required": 5,
                 "reward_id": "nope"}]}, "invalid_program", "rules (s)"),
    ({"settings": {"code": "TS", "name": "T", "currency": "VND", "point_value": "0"}}, "invalid_program", ""),
    ({"rules": [{"kind": "points_per_amount", "rule_id": "b", "priority": 1, "points": 1, "per_amount": "10.000"}]},
     "amount_not_whole_vnd", "rules[0].per_amount"),
])
def test_a_bad_definition_is_refused_with_the_programs_code_and_writes_nothing(bare, change, code, needle):
    refused = bare.post("/v1/program", {**TRA_SUA, **change})
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == code and needle in refused.json()["detail"]
    assert bare.get("/v1/program").status_code == 404


def test_only_an_admin_creates_a_program(bare):
    assert bare.post("/v1/program", TRA_SUA, key="staff").status_code == 403
    assert bare.post("/v1/program", {**TRA_SUA, "oops": 1}).json()["code"] == "unknown_field"


def test_the_admin_routes_refuse_vnd_money_written_with_a_separator_too(bare):
    assert bare.post("/v1/program", TRA_SUA).status_code == 201
    rule = {"kind": "points_per_amount", "rule_id": "extra", "priority": 20, "points": 1, "per_amount": "10.000"}
    refused = bare.post("/v1/program/rules", rule)
    assert refused.status_code == 422 and refused.json()["code"] == "amount_not_whole_vnd"
    assert refused.json()["field"] == "per_amount"
    assert bare.post("/v1/program/rules", {**rule, "per_amount": "10000"}).status_code == 201
