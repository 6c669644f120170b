"""Optional OpenTelemetry tracing: a span per HTTP request, per command executed, per batch written.

On only when the `otel` extra is installed (`pip install 'loyalty-ledger[otel]'`) AND `LOYALTY_OTEL=1` or the
standard `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise nothing is imported and nothing wraps anything,
so the hot path pays nothing. Spans go to the tracer provider the process already has (a test's, or one
an operator's `opentelemetry-instrument` set up), else to a new SDK provider exporting OTLP over HTTP
(`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, … as the OpenTelemetry SDK reads them).

- `loyalty.http` spans (kind server): method, route, status, and `loyalty.request_id`, the id the response
  carries in `X-Request-ID` and the events store (docs/operations.md, "Logs and request ids").
- `loyalty.command` spans, children of the request's: the command type, its channel, whether the answer
  was replayed, the events it wrote.
- `loyalty.batch` spans around each write of the ledger (one per group-commit batch): how many events and
  the request ids of the commands in it (a batch is written on the committer's thread, so it joins the
  trace of the request that was waiting when the service wrote alone, and otherwise stands on its own).

The service and the store are wrapped per instance, from outside: `loyalty_core` imports no framework.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Mapping

from loyalty_core.request_context import current_request_id

NAME = "loyalty"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    wanted = env.get("LOYALTY_OTEL", "").strip().lower() in ("1", "true", "yes", "on") or bool(
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip())
    if not wanted:
        return False
    try:
        import opentelemetry.trace  # noqa: F401
    except ImportError:
        return False
    return True


def tracer(environ: Mapping[str, str] | None = None) -> Any | None:
    """The tracer to use, or None when tracing is off (the extra missing, or not asked for)."""
    if not enabled(environ):
        return None
    from opentelemetry import trace

    if type(trace.get_tracer_provider()).__name__ in ("ProxyTracerProvider", "NoOpTracerProvider"):
        _install_sdk_provider()
    return trace.get_tracer(NAME)


def _install_sdk_provider() -> None:
    from opentelemetry import trace

    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:  # the API alone: spans go nowhere, as the API package intends
        return
    provider = TracerProvider(resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME",
                                                                                         "loyalty")}))
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    except ImportError:
        pass  # no exporter installed: a provider still records, for whoever adds a processor
    trace.set_tracer_provider(provider)


def instrument(app: Any, service: Any, runner: Any = None, environ: Mapping[str, str] | None = None) -> bool:
    """Trace this app's requests, its commands (`service.execute`, and `runner.run_async`, the async routes'
    way past it) and its store's writes; False when tracing is off."""
    found = tracer(environ)
    if found is None:
        return False
    app.add_middleware(TracingMiddleware, tracer=found)
    instrument_service(service, found)
    if runner is not None:
        run_async = runner.run_async

        @functools.wraps(run_async)
        async def traced_run_async(command: Any) -> Any:
            with _command_span(found, command) as span:
                return _finished(span, await run_async(command))

        runner.run_async = traced_run_async
    return True


def _command_span(found: Any, command: Any) -> Any:
    span = found.start_as_current_span("loyalty.command")
    attributes = {"loyalty.command": type(command).__name__}
    channel = getattr(command, "channel", None)
    if channel:
        attributes["loyalty.channel"] = str(channel)
    request_id = current_request_id.get()
    if request_id:
        attributes["loyalty.request_id"] = request_id
    return _Started(span, attributes)


class _Started:
    """The span context manager, with the command's attributes set on entry."""

    def __init__(self, manager: Any, attributes: dict[str, str]):
        self.manager, self.attributes = manager, attributes

    def __enter__(self) -> Any:
        span = self.manager.__enter__()
        span.set_attributes(self.attributes)
        return span

    def __exit__(self, *exc: Any) -> Any:
        return self.manager.__exit__(*exc)


def _finished(span: Any, result: Any) -> Any:
    span.set_attribute("loyalty.replayed", bool(getattr(result, "replayed", False)))
    span.set_attribute("loyalty.events", len(getattr(result, "events", ()) or ()))
    return result


def instrument_service(service: Any, found: Any) -> None:
    execute, record = service.execute, service.store.record

    @functools.wraps(execute)
    def traced_execute(command: Any) -> Any:
        with _command_span(found, command) as span:
            return _finished(span, execute(command))

    @functools.wraps(record)
    def traced_record(events: Any, *args: Any, **kwargs: Any) -> Any:
        with found.start_as_current_span("loyalty.batch") as span:
            span.set_attribute("loyalty.events", len(events))
            ids = sorted({r for r in (getattr(e, "request_id", None) for e in events) if r})
            if ids:
                span.set_attribute("loyalty.request_ids", ids)
            return record(events, *args, **kwargs)

    service.execute = traced_execute
    service.store.record = traced_record


class TracingMiddleware:
    """Pure ASGI (no per-request objects beyond the span): one server span per HTTP request."""

    def __init__(self, app: Any, tracer: Any):
        self.app, self.tracer = app, tracer

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from opentelemetry.trace import SpanKind, Status, StatusCode

        method = scope.get("method", "")
        with self.tracer.start_as_current_span(f"loyalty.http {method}", kind=SpanKind.SERVER) as span:
            span.set_attribute("http.request.method", method)
            span.set_attribute("url.path", scope.get("path", ""))
            request_id = current_request_id.get()
            if request_id:
                span.set_attribute("loyalty.request_id", request_id)

            async def traced_send(message: dict) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            try:
                await self.app(scope, receive, traced_send)
            finally:
                route = scope.get("route")
                if getattr(route, "path", None):
                    span.set_attribute("http.route", route.path)
                    span.update_name(f"loyalty.http {method} {route.path}")
