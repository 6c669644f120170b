"""Fixtures for the API's end-to-end tests: an app on each store behind a TestClient, and real servers.

`api` gives a TestClient on a fresh store (SQLite and PostgreSQL, through `database_url`) with helpers that
create keys by name and members with points. `live_server` starts `loyalty serve` in a subprocess on a
free port, once per module and store, for the paths that must hold
over real HTTP: concurrency, the event stream and the example clients.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

with warnings.catch_warnings():
    # Starlette now prefers `httpx2` for its TestClient; `httpx` is what FastAPI documents and what we use.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.keys import KeyRing
from api.main import create_app
from api.settings import ApiSettings
from api.tables import open_tables
from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from tests.conftest import _new_schema

REPO = Path(__file__).resolve().parents[2]
GENEROUS_LIMITS = {role: "100000/minute" for role in ("channel", "staff", "auditor", "analyst", "admin")}
KEY_SPECS: dict[str, dict[str, Any]] = {
    "admin": {"role": "admin"},
    "staff": {"role": "staff"},
    "auditor": {"role": "auditor"},
    "analyst": {"role": "analyst"},
    "pos": {"role": "channel", "channel": "pos", "stores": ("HCM-01",)},
    "pos_hn": {"role": "channel", "channel": "pos", "stores": ("HN-02",)},
    "pos_multi": {"role": "channel", "channel": "pos", "stores": ("HCM-01", "HCM-02")},
    "web": {"role": "channel", "channel": "web"},
}
_keys = itertools.count()
_phones = itertools.count(1_000_000)


def new_phone() -> str:
    """A valid Vietnamese mobile number not used before in this process (each test has a fresh store)."""
    return f"090{next(_phones) % 10_000_000:07d}"


def idem() -> str:
    return f"k-{uuid.uuid4().hex[:12]}-{next(_keys)}"


@dataclass
class ApiHarness:
    app: Any
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def ctx(self) -> Any:
        return self.app.state.api

    def token(self, name: str) -> str:
        if name not in self.tokens:
            spec = dict(KEY_SPECS[name])
            _, self.tokens[name] = self.ctx.keys.create(spec.pop("role"), **spec)
        return self.tokens[name]

    def headers(self, key: str | None, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token(key)}"} if key else {}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def get(self, path: str, key: str | None = "admin", **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers=self.headers(key), **kwargs)

    def post(
        self,
        path: str,
        json: Any = None,
        key: str | None = "admin",
        idempotency_key: str | None = "auto",
        **kwargs: Any,
    ) -> httpx.Response:
        key_header = idem() if idempotency_key == "auto" else idempotency_key
        return self.client.post(
            path, json=json, headers={**self.headers(key, key_header), **kwargs.pop("headers", {})}, **kwargs
        )

    def enroll(self, phone: str | None = None, key: str = "pos", **fields: Any) -> dict[str, Any]:
        response = self.post("/v1/members", {"phone": phone or new_phone(), **fields}, key=key)
        assert response.status_code == 201, response.text
        return response.json()

    def member_with(self, points: int, key: str = "pos") -> str:
        """A new member holding `points` spendable points (credited directly; no rules involved)."""
        member_id = self.enroll(key=key)["member_id"]
        if points:
            self.ctx.service.execute(
                c.EarnPoints(
                    idempotency_key=idem(),
                    member=c.MemberRef(member_id=uuid.UUID(member_id)),
                    points=points,
                    reference=idem(),
                    channel="test",
                )
            )
        return member_id

    def balance(self, member_id: str) -> dict[str, Any]:
        response = self.get(f"/v1/members/{member_id}/balance")
        assert response.status_code == 200, response.text
        return response.json()


def api_settings(database_url: str, **overrides: Any) -> ApiSettings:
    values: dict[str, Any] = {
        "core": Settings(database_url=database_url),
        "rate_limits": GENEROUS_LIMITS,
        "key_cache_seconds": 0.0,
    }
    values.update(overrides)
    return ApiSettings(**values)


def _with_demo_program(app: Any) -> Any:
    service = app.state.api.service
    service.policy.install_demo(service.clock())
    return app


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh store shared by one test module: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('store')}/loyalty.db"
    base = request.getfixturevalue("pg_database")
    return f"{base}?schema={_new_schema(base)}"


@pytest.fixture(scope="module")
def api(module_database_url: str) -> Iterator[ApiHarness]:
    """An app with the demo program (Cà Phê Sài Gòn), shared by the tests of one module on each store.

    Sharing saves an app and a store per test; tests stay independent because each makes its own members
    (`new_phone()`), and a test that changes the app itself (a key revoked, the service swapped) uses
    `fresh_api` instead.
    """
    app = _with_demo_program(create_app(api_settings(module_database_url)))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield ApiHarness(app, client)
    finally:
        app.state.api.close()


@pytest.fixture
def fresh_api(database_url: str) -> Iterator[ApiHarness]:
    """Like `api`, on a store and app of this test's own."""
    app = _with_demo_program(create_app(api_settings(database_url)))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield ApiHarness(app, client)
    finally:
        app.state.api.close()


@pytest.fixture
def clocked_api(database_url: str, clock: Any) -> Iterator[ApiHarness]:
    """Like `api`, with the ledger on the movable test clock (`clock.advance(minutes=20)`)."""
    runtime = open_runtime(Settings(database_url=database_url), clock=clock)
    app = _with_demo_program(create_app(api_settings(database_url), runtime=runtime))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield ApiHarness(app, client)
    finally:
        app.state.api.close()
        runtime.close()


# --- real servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    base_url: str
    tokens: dict[str, str]
    env: dict[str, str]
    log_path: Path
    process: Any = None
    """The `loyalty serve` subprocess (fault tests kill it)."""

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {self.tokens[key]}"}, timeout=30
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(database_url: str, workdir: Path, workers: int = 1,
                 extra_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """`loyalty serve` on a free port; one process unless `workers` says otherwise (test_serve_workers.py)."""
    env = {
        **os.environ,
        "LOYALTY_DATABASE_URL": database_url,
        # Development: one-time codes go to the server's log, where the browser tests read them (api/otp.py).
        "LOYALTY_ENV": "development",
        "LOYALTY_API_KEY_CACHE_SECONDS": "0",
        "LOYALTY_STREAM_POLL_SECONDS": "0.1",
        "LOYALTY_STREAM_PING_SECONDS": "1",
        **{f"LOYALTY_API_RATE_LIMIT_{role.upper()}": spec for role, spec in GENEROUS_LIMITS.items()},
        **(extra_env or {}),
    }
    # The program and the keys are made in-process (one subprocess costs seconds here); `loyalty keys create`
    # itself is tested in tests/unit/api/test_cli.py.
    runtime = open_runtime(Settings(database_url=database_url))
    tables = open_tables(runtime.settings)
    try:
        runtime.service.policy.install_demo(runtime.service.clock())
        ring = KeyRing(tables)
        tokens = {}
        for name, spec in KEY_SPECS.items():
            spec = dict(spec)
            _, tokens[name] = ring.create(spec.pop("role"), **spec)
    finally:
        tables.close()
        runtime.close()
    port = free_port()
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "loyalty_cli.main", "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", tokens, env, log_path, process)
    try:
        deadline = time.monotonic() + 60  # N processes import the app at once on a busy 2-core box: 35 s seen
        while True:
            try:
                if httpx.get(f"{server.base_url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, f"server exited:\n{server.log()}"
            assert time.monotonic() < deadline, f"server did not start:\n{server.log()}"
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("live")
    if request.param == "sqlite":
        url = f"sqlite:///{workdir}/loyalty.db"
    else:
        base = request.getfixturevalue("pg_database")
        url = f"{base}?schema={_new_schema(base)}"
    yield from start_server(url, workdir)
