"""The generated TypeScript client (sdk/typescript): regenerated whenever sdk/openapi.json changes, compiled
with tsc, and its example (sdk/examples/retrying_purchase.mts) run with node against a real `loyalty serve` on
both stores: enrol, a purchase whose first answer is lost on the way back and is retried, the balance.

The client's npm packages are pinned in sdk/typescript/package-lock.json and installed on demand into
sdk/typescript/node_modules (git-ignored) with `npm ci`, once: a stamp holds the lock file's hash, so a warm run
only compiles (a few seconds). A file lock keeps the two xdist workers from installing at the same time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import REPO, LiveServer, new_phone

PACKAGE = REPO / "sdk" / "typescript"
NODE_MODULES = PACKAGE / "node_modules"
STAMP = NODE_MODULES / ".loyalty-installed"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} (Node.js 20) is needed for the TypeScript client's tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(args), cwd=PACKAGE, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _installed() -> None:
    """`npm ci` unless node_modules already holds exactly what package-lock.json pins."""
    wanted = hashlib.sha256((PACKAGE / "package-lock.json").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    with open(Path(os.environ.get("TMPDIR", "/tmp")) / f"loyalty-sdk-ts-{os.getuid()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if STAMP.exists() and STAMP.read_text() == wanted:
            return  # the other worker installed it while this one waited
        _run(_tool("npm"), "ci", "--no-audit", "--no-fund", "--prefer-offline")
        STAMP.write_text(wanted)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client, the example and the live driver compiled with the pinned tsc (strict), for this worker."""
    node = _tool("node")
    _installed()
    # Inside the package, so node finds openapi-fetch in its node_modules; one directory per xdist worker.
    out = PACKAGE / "dist" / os.environ.get("PYTEST_XDIST_WORKER", "main")
    shutil.rmtree(out, ignore_errors=True)
    _run(node, str(NODE_MODULES / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json", "--outDir", str(out))
    return out


def test_the_typescript_client_was_generated_from_the_committed_spec(compiled: Path) -> None:
    # openapi-typescript's own --check: what it would write from sdk/openapi.json must be src/schema.d.ts.
    # (tests/e2e/test_sdk.py checks that sdk/openapi.json is the served document.)
    check = subprocess.run([_tool("npm"), "run", "--silent", "check"], cwd=PACKAGE, capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, ("sdk/openapi.json changed: run `make sdk` to regenerate "
                                   f"sdk/typescript/src/schema.d.ts\n{check.stdout}\n{check.stderr}")
    schema = (PACKAGE / "src" / "schema.d.ts").read_text(encoding="utf-8")
    assert 'post: operations["recordPurchase"]' in schema and "Problem: {" in schema


def _node(compiled: Path, script: str, *args: str) -> dict:
    done = _run(_tool("node"), str(compiled / script), *args, timeout=60)
    return json.loads(done.stdout)


def test_the_example_retries_a_lost_answer_and_the_sale_counts_once(compiled: Path, live_server: LiveServer) -> None:
    phone, ref = new_phone(), f"TS-{uuid.uuid4().hex[:10]}"
    seen = _node(compiled, "typescript/test/live.js", live_server.base_url, live_server.tokens["pos"], phone, ref)
    day = seen["day"]
    assert seen["lost"] == 1, "the first purchase's answer was not lost: the retry was not exercised"
    assert day["member"]["phone"].endswith(phone[1:]) and day["purchase"]["transaction_ref"] == ref
    assert day["purchase"]["points_earned"] == 12  # 125.000 ₫ at the demo's 1 point per 10.000 ₫
    assert seen["again"] == {"status": 201, "data": day["purchase"]}  # the same request again: the first answer
    assert day["balance"]["available"] == seen["balanceAfter"]["available"] == 12  # recorded once
    refused = seen["refused"]
    assert (refused["status"], refused["error"]["code"]) == (422, "idempotency_key_reused"), refused
    with live_server.client("pos") as pos:  # and the service agrees, read without the client
        balance = pos.get(f"/v1/members/{day['member']['member_id']}/balance").json()
    assert balance["available"] == 12


def test_the_example_runs_as_a_script(compiled: Path, live_server: LiveServer) -> None:
    phone = new_phone()
    day = _node(compiled, "examples/retrying_purchase.mjs", live_server.base_url, live_server.tokens["pos"], phone)
    assert day["purchase"]["points_earned"] == 12 and day["balance"]["available"] == 12
    assert httpx.get(f"{live_server.base_url}/healthz").status_code == 200
