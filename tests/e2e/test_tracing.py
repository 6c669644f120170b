"""Optional OpenTelemetry tracing (api/tracing.py), through the SDK's in-memory exporter: with LOYALTY_OTEL=1 a
purchase makes a request span, a command span inside it and a batch span for its write, all carrying the
request id; without it, the app installs nothing."""

from __future__ import annotations

import inspect
import sys
import uuid

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api import tracing
from api.main import create_app
from tests.e2e.conftest import ApiHarness, _with_demo_program, api_settings, new_phone


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # the global provider can be set once per process
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    found = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(found))
    return found


def _ancestors(span, spans) -> set[int]:
    by_id, found = {s.context.span_id: s for s in spans}, set()
    while span.parent is not None:
        found.add(span.parent.span_id)
        if span.parent.span_id not in by_id:
            break
        span = by_id[span.parent.span_id]
    return found


def _harness(database_url: str) -> ApiHarness:
    app = _with_demo_program(create_app(api_settings(database_url)))
    return ApiHarness(app, TestClient(app, raise_server_exceptions=False))


def test_a_purchase_is_traced_from_request_to_batch_with_its_request_id(database_url, exporter,
                                                                         monkeypatch) -> None:
    monkeypatch.setenv("LOYALTY_OTEL", "1")
    api = _harness(database_url)
    try:
        with api.client:
            member = api.enroll(new_phone())["member_id"]
            exporter.clear()
            request_id = f"till-7-{uuid.uuid4().hex[:8]}"
            response = api.post("/v1/transactions", {
                "transaction_ref": f"HD-{uuid.uuid4().hex[:8]}", "member": {"member_id": member},
                "currency": "VND", "total": "125000", "lines": [{
                    "sku": "CF-SUA-DA", "category": "coffee", "quantity": 1, "unit_price": "125000",
                    "amount": "125000"}]}, key="pos", idempotency_key=None, headers={"X-Request-ID": request_id})
            assert response.status_code in (200, 201), response.text
    finally:
        api.ctx.close()
    spans = exporter.get_finished_spans()
    http = [s for s in spans if s.name.startswith("loyalty.http POST")]
    assert len(http) == 1 and http[0].attributes["loyalty.request_id"] == request_id
    assert http[0].attributes["http.response.status_code"] == response.status_code
    assert http[0].attributes["http.route"] == "/v1/transactions"
    commands = [s for s in spans if s.name == "loyalty.command"]
    assert [s.attributes["loyalty.command"] for s in commands] == ["RecordPurchase"]
    assert commands[0].attributes["loyalty.request_id"] == request_id
    assert _ancestors(commands[0], spans) & {http[0].context.span_id}  # inside the request's span
    batches = [s for s in spans if s.name == "loyalty.batch" and request_id in s.attributes.get(
        "loyalty.request_ids", ())]
    assert len(batches) == 1 and batches[0].attributes["loyalty.events"] >= 1


def test_without_the_setting_nothing_is_traced(tmp_path, exporter, monkeypatch) -> None:
    monkeypatch.delenv("LOYALTY_OTEL", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert not tracing.enabled()
    api = _harness(f"sqlite:///{tmp_path}/loyalty.db")
    try:
        with api.client:
            exporter.clear()
            api.enroll(new_phone())
        # functools.wraps hides a wrapper's name; a wrapper set on the instance is a plain function, though
        assert inspect.ismethod(api.ctx.service.execute) and inspect.ismethod(api.ctx.service.store.record)
        assert not any(m.cls is tracing.TracingMiddleware for m in api.app.user_middleware)
    finally:
        api.ctx.close()
    # FastAPI traces its own dependencies and endpoints whenever opentelemetry is importable; ours are off.
    assert [s.name for s in exporter.get_finished_spans() if s.name.startswith("loyalty.")] == []


def test_asked_for_without_the_extra_the_app_starts_untraced(tmp_path, monkeypatch) -> None:
    # As if `pip install loyalty-ledger` without [otel]: the import fails, the setting is ignored, no crash.
    monkeypatch.setenv("LOYALTY_OTEL", "1")
    for name in ("opentelemetry", "opentelemetry.trace"):
        monkeypatch.setitem(sys.modules, name, None)
    assert not tracing.enabled()
    api = _harness(f"sqlite:///{tmp_path}/loyalty.db")
    try:
        with api.client:
            assert api.enroll(new_phone())["member_id"]
            assert inspect.ismethod(api.ctx.service.execute)
    finally:
        api.ctx.close()
