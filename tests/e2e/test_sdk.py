"""The generated Python client (sdk/python) on both stores, and the checks that it was regenerated after the
API changed: the served OpenAPI document must equal sdk/openapi.json, which `make sdk` writes, and
sdk/python/loyalty_client must be exactly what the pinned generator makes of sdk/openapi.json (installed into
.venv-sdk from PyPI on first use, like the TypeScript client's npm packages)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import warnings
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.e2e.conftest import ApiHarness, LiveServer, new_phone

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "sdk" / "python"))
sys.path.insert(0, str(REPO / "sdk" / "examples"))

from loyalty_client import AuthenticatedClient  # noqa: E402
from loyalty_client.api.members import lookup_member  # noqa: E402
from loyalty_client.api.transactions import record_purchase, refund_purchase  # noqa: E402
from loyalty_client.models import MemberRefIn, Problem, PurchaseOut, PurchaseRequest, RefundRequest  # noqa: E402
from retrying_purchase import record_with_retries  # noqa: E402
from scripts.generate_sdk import PYTHON_CLIENT, SPEC, generate_python, generator, render  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_the_client_was_generated_from_the_api_as_it_is(api: ApiHarness) -> None:
    served = render(api.app.openapi())
    committed = (REPO / "sdk" / "openapi.json").read_text(encoding="utf-8")
    assert served == committed, "the API changed: run `make sdk` to regenerate sdk/openapi.json and sdk/python"


def _files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}


def test_the_python_client_is_what_the_committed_spec_generates(tmp_path: Path) -> None:
    try:
        executable = generator()
    except (OSError, subprocess.CalledProcessError) as exc:
        message = f"the pinned openapi-python-client could not be installed into .venv-sdk: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    fresh = tmp_path / "loyalty_client"
    generate_python(json.loads(SPEC.read_text(encoding="utf-8")), fresh, executable)
    made, committed = _files(fresh), _files(PYTHON_CLIENT)
    differences = sorted((made.keys() ^ committed.keys()) | {name for name in made.keys() & committed.keys()
                                                              if made[name] != committed[name]})
    assert len(made) > 100 and not differences, ("sdk/python/loyalty_client is not what sdk/openapi.json "
                                                  "generates: run `make sdk`\n" + "\n".join(differences[:20]))


@pytest.fixture
def loyalty(api: ApiHarness) -> Iterator[AuthenticatedClient]:
    client = AuthenticatedClient(base_url="http://testserver", token=api.token("pos"))
    # The generated client over the app in process: its own httpx client, with the key, through the TestClient.
    client.set_httpx_client(TestClient(api.app, headers={"Authorization": f"Bearer {api.token('pos')}"}))
    yield client


def test_a_retried_purchase_through_the_client_is_recorded_once(api: ApiHarness, loyalty: AuthenticatedClient) -> None:
    phone = new_phone()
    api.enroll(phone)
    body = PurchaseRequest(transaction_ref=f"SDK-{uuid.uuid4().hex[:10]}", total="150000",
                           member=MemberRefIn(phone=phone))
    first = record_with_retries(loyalty, body)
    again = record_purchase.sync_detailed(client=loyalty, body=body)
    assert first.status_code == again.status_code == 201
    assert isinstance(first.parsed, PurchaseOut) and first.parsed.points_earned == 15
    assert again.parsed.to_dict() == first.parsed.to_dict()
    member = lookup_member.sync(client=loyalty, phone=phone)
    assert member.balance.available == 15


def test_refusals_arrive_as_the_shared_problem_type(api: ApiHarness, loyalty: AuthenticatedClient) -> None:
    refused = refund_purchase.sync_detailed(transaction_ref="NO-SUCH-SALE", client=loyalty,
                                            body=RefundRequest(refund_ref="R1", amount="1000"),
                                            idempotency_key=f"k-{uuid.uuid4().hex}")
    assert refused.status_code == 404
    assert isinstance(refused.parsed, Problem) and refused.parsed.code == "transaction_not_found"


class AnswerLostOnce(httpx.BaseTransport):
    """The first request reaches the service, then its answer is lost on the way back (a dropped link)."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner, self.lost = inner, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.lost == 0:
            self.lost += 1
            raise httpx.ReadError("connection reset after the request was sent", request=request)
        return response


def test_the_example_retries_a_lost_answer_and_the_sale_counts_once(api: ApiHarness) -> None:
    phone = new_phone()
    api.enroll(phone)
    token = api.token("pos")
    flaky = AnswerLostOnce(TestClient(api.app)._transport)
    client = AuthenticatedClient(base_url="http://testserver", token=token)
    client.set_httpx_client(httpx.Client(base_url="http://testserver", transport=flaky,
                                         headers={"Authorization": f"Bearer {token}"}))
    body = PurchaseRequest(transaction_ref=f"SDK-{uuid.uuid4().hex[:10]}", total="200000",
                           member=MemberRefIn(phone=phone))
    answer = record_with_retries(client, body)
    assert flaky.lost == 1 and answer.status_code == 201 and answer.parsed.points_earned == 20
    assert api.get("/v1/members/lookup", params={"phone": phone}).json()["balance"]["available"] == 20


def _run_example(live_server: LiveServer, phone: str) -> dict:
    """sdk/examples/retrying_purchase.py as its docstring runs it, against a real `loyalty serve`."""
    done = subprocess.run([sys.executable, str(REPO / "sdk" / "examples" / "retrying_purchase.py"),
                           live_server.base_url, live_server.tokens["pos"], phone], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(PYTHON_CLIENT.parent)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_example_runs_as_a_script_against_a_live_server(live_server: LiveServer) -> None:
    member, newcomer = new_phone(), new_phone()
    with live_server.client("pos") as pos:
        assert pos.post("/v1/members", json={"phone": member, "name": "Nguyễn Thị Lan"},
                        headers={"Idempotency-Key": f"k-{uuid.uuid4().hex}"}).status_code == 201
    sale = _run_example(live_server, member)
    assert sale["status"] == 201 and sale["answer"]["points_earned"] == 12  # 125.000 ₫, 1 point per 10.000 ₫
    # Over a real socket (the in-process tests read bodies a live server would not send): a sale for a phone
    # nobody has is held, and its 202 carries what it waits for.
    held = _run_example(live_server, newcomer)
    assert held["status"] == 202, held
    assert held["answer"]["held_for"] == "phone" and held["answer"]["transaction_ref"].startswith("HD-")
    with live_server.client("pos") as pos:
        balance = pos.get("/v1/members/lookup", params={"phone": member}).json()["balance"]
    assert balance["available"] == 12
