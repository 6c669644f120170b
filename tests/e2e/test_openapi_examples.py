"""Every operation in the OpenAPI document has a whole-request example (api/openapi_examples.py), and each one,
sent as it stands to the app with the demo program (both stores), is accepted as a request: it may be refused
for what it names (a member id that is not in this store is 404, the demo program already exists), never for
its shape (422 with validation errors, 400 malformed)."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from api.openapi_examples import BODIES
from tests.e2e.conftest import ApiHarness, idem

METHODS = ("get", "post", "put", "patch", "delete")
#: Refusals that say the request's shape is wrong: an example must never get one.
SHAPE_CODES = {"invalid_input", "unknown_field", "malformed_json", "bad_request", "idempotency_key_required",
               "invalid_text", "implausible_date"}
NEVER_ENDS = {"streamEvents"}  # the event stream answers forever; its parameters are checked by the walk
#: Keys tried in turn: the first whose role may call the operation answers.
ROLES = ("admin", "pos", "auditor", "staff")


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def test_every_operation_has_a_whole_request_example(api: ApiHarness) -> None:
    document = api.app.openapi()
    lacking, bodies = [], set()
    for method, path, operation in _operations(document):
        name = operation["operationId"]
        for parameter in operation.get("parameters", []):
            needed = parameter["in"] == "path" or (parameter["in"] == "query" and parameter.get("required"))
            if needed and "example" not in parameter:
                lacking.append(f"{name}: {parameter['in']} parameter {parameter['name']}")
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            bodies.add(name)
            if "example" not in media:
                lacking.append(f"{name}: {media_type} body")
    assert not lacking, "add examples to api/openapi_examples.py:\n" + "\n".join(lacking)
    assert set(BODIES) <= bodies, f"examples for operations that take no body: {set(BODIES) - bodies}"
    assert len(bodies) >= 40  # the walk saw the API, not an empty document


def _send(api: ApiHarness, method: str, path: str, operation: dict[str, Any], key: str) -> Any:
    url = path.format(**{p["name"]: p["example"] for p in operation.get("parameters", []) if p["in"] == "path"})
    query = {p["name"]: p["example"] for p in operation.get("parameters", [])
             if p["in"] == "query" and "example" in p}
    headers = {**api.headers(key, idem())}
    content = operation.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {"params": query, "headers": headers}
    if "application/json" in content:
        kwargs["content"] = json.dumps(content["application/json"]["example"], ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    elif "multipart/form-data" in content:
        example = dict(content["multipart/form-data"]["example"])
        upload = example.pop("file", None)
        kwargs["data"] = {k: json.dumps(v) if isinstance(v, bool) else str(v) for k, v in example.items()}
        if upload is not None:
            kwargs["files"] = {"file": ("example.csv", upload.encode(), "text/csv")}
    return api.client.request(method.upper(), url, **kwargs)


def test_each_example_sent_as_it_stands_is_accepted_as_a_request(api: ApiHarness) -> None:
    document = api.app.openapi()
    refused, answers = [], {}
    for method, path, operation in _operations(document):
        name = operation["operationId"]
        if name in NEVER_ENDS:
            continue
        for key in ROLES:
            answer = _send(api, method, path, operation, key)
            if answer.status_code != 403:
                break
        answers[name] = answer.status_code
        body = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
        code = body.get("code") if isinstance(body, dict) else None
        validation = answer.status_code == 422 and isinstance(body, dict) and "errors" in body
        if answer.status_code >= 500 or code in SHAPE_CODES or validation:
            refused.append(f"{method.upper()} {path} ({name}): {answer.status_code} {answer.text[:300]}")
    assert not refused, "these examples are not valid requests:\n" + "\n".join(refused)
    # The demo world holds together: the example member enrols, buys, is found by the example phone.
    assert answers["enrollMember"] == 201 and answers["recordPurchase"] == 201, answers
    assert answers["refundPurchase"] == 201 and answers["simulatePurchase"] == 200, answers
    assert answers["lookupMember"] == 200, answers


@pytest.mark.parametrize("name", ["recordPurchase", "enrollMember", "refundPurchase"])
def test_examples_speak_vietnamese_money_and_phones(name: str) -> None:
    text = json.dumps(BODIES[name], ensure_ascii=False)
    assert "+84" in text or "HD-0001" in text
    amounts = [v for k, v in BODIES[name].items() if k in ("total", "amount")]
    assert all(isinstance(v, str) and v.isdigit() for v in amounts)  # whole VND, no separators
