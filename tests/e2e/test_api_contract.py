"""The OpenAPI document integrators generate clients from: readable, stable operation ids, one Problem schema,
and a catalogue of every error code in Vietnamese and English (docs/errors.md, `GET /v1/errors`)."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from api.error_catalogue import catalogue, render_markdown
from api.errors import status_for
from tests.e2e.conftest import ApiHarness

REPO = Path(__file__).resolve().parents[2]
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(api: ApiHarness) -> dict[str, Any]:
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
            if method in METHODS]


def test_every_operation_has_a_unique_camel_case_operation_id(schema: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(schema)]
    assert len(ids) > 50
    assert [name for name, n in Counter(ids).items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z][a-zA-Z0-9]*", name) for name in ids), ids
    by_route = {(path, method): op["operationId"] for path, method, op in _operations(schema)}
    assert by_route[("/v1/transactions", "post")] == "recordPurchase"
    assert by_route[("/v1/transactions/{transaction_ref}/refunds", "post")] == "refundPurchase"


def test_every_problem_refers_to_the_one_shared_problem_schema(schema: dict[str, Any]) -> None:
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])
    seen = 0
    for _, _, op in _operations(schema):
        for status, response in op.get("responses", {}).items():
            content = response.get("content", {}).get("application/problem+json")
            if content is not None:
                assert content["schema"] == {"$ref": "#/components/schemas/Problem"}, (op["operationId"], status)
                seen += 1
    assert seen > 200


def _codes_raised_by_the_api() -> set[str]:
    """Every code an `ApiProblem(status, "code", …)` or `problem_response(status, "code", …)` names in source."""
    from api.errors import _VALIDATION_CODES

    found = set(_VALIDATION_CODES.values())
    for folder in ("api", "adapters", "faces", "messaging"):
        for path in (REPO / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                         and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                         for target in node.targets if isinstance(target, ast.Name)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and len(node.args) >= 2 \
                        and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("ApiProblem",
                                                                                         "problem_response"):
                    code = node.args[1]
                    if isinstance(code, ast.Constant):
                        found.add(code.value)
                    elif isinstance(code, ast.Name) and code.id in constants:  # CODE = "webhook_url_not_allowed"
                        found.add(constants[code.id])
    return found


def _loaded_refusals() -> set[str]:
    from loyalty_core.errors import LoyaltyError

    found, pending = set(), [LoyaltyError]
    while pending:
        cls = pending.pop()
        found.add(cls.code)
        pending.extend(cls.__subclasses__())
    return found


def test_the_catalogue_names_every_code_in_both_languages(api: ApiHarness) -> None:
    import loyalty_cli.main  # noqa: F401  # with the app (the fixture), every module that defines refusals

    entries = {entry["code"]: entry for entry in catalogue()}
    missing = (_codes_raised_by_the_api() | _loaded_refusals()) - set(entries)
    assert missing == set(), f"add these codes to api/error_catalogue.py: {sorted(missing)}"
    for entry in entries.values():
        assert entry["meaning_vi"].strip() and entry["meaning_en"].strip(), entry
        assert 400 <= entry["status"] < 600
    assert entries["insufficient_points"]["status"] == status_for("insufficient_points") == 422
    assert entries["webhook_signature_invalid"]["status"] == 401


def test_docs_errors_md_is_the_generated_catalogue() -> None:
    written = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    assert written == render_markdown(), "regenerate: python -m api.error_catalogue > docs/errors.md"


def test_the_catalogue_is_served_without_a_key(api: ApiHarness) -> None:
    response = api.client.get("/v1/errors")
    assert response.status_code == 200
    codes = {entry["code"]: entry for entry in response.json()["errors"]}
    assert codes["member_not_found"]["meaning_vi"] == "Không tìm thấy hội viên."
    assert codes["member_not_found"]["status"] == 404


def test_outgoing_webhooks_are_described_with_their_signature_headers(schema: dict[str, Any]) -> None:
    delivery = schema["webhooks"]["ledger-event"]["post"]
    headers = {p["name"] for p in delivery["parameters"] if p["in"] == "header"}
    assert {"webhook-id", "webhook-timestamp", "webhook-signature", "loyalty-signature"} <= headers
    assert delivery["operationId"] == "ledgerEvent"
    body = delivery["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/LedgerEvent"}
