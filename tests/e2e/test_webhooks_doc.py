"""docs/integrations.md, "Clients (SDKs)" and "Webhooks we send", as an integrator reads them: the Python and
Node signature checks it shows are run as written on a ping the service really signed (before and after a
secret rotation), and every route and `loyalty webhooks` command those sections name exists (both stores)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from standardwebhooks import WebhookVerificationError

from tests.e2e.conftest import REPO, ApiHarness
from tests.e2e.test_webhooks import _register

DOC = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
OTHER_SECRET = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # 32 bytes, not the endpoint's


def _section(title: str) -> str:
    return DOC.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _block(section: str, language: str, containing: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", section, re.S)
    [found] = [block for block in blocks if containing in block]
    return found


@pytest.fixture
def captured() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A receiver that keeps each request's raw body and headers and answers 204."""
    requests: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append({"body": body, "headers": {k.lower(): v for k, v in self.headers.items()}})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", requests
    server.shutdown()
    server.server_close()


def _pinged_after_a_rotation(api: ApiHarness, url: str,
                             requests: list[dict[str, Any]]) -> tuple[dict[str, Any], str, str]:
    hook = _register(api, url)
    rotated = api.post(f"/v1/webhooks/{hook['webhook_id']}/secret-rotations")
    assert rotated.status_code == 201, rotated.text
    pinged = api.post(f"/v1/webhooks/{hook['webhook_id']}/ping", idempotency_key=None)
    assert pinged.status_code == 200 and pinged.json()["delivered"], pinged.text
    [delivery] = requests
    assert len(delivery["headers"]["webhook-signature"].split(" ")) == 2  # v1,<new> v1,<old>
    return delivery, hook["secret"], rotated.json()["secret"]


def test_the_python_check_in_the_doc_accepts_a_real_delivery_and_nothing_else(
    api: ApiHarness, captured: tuple[str, list[dict[str, Any]]]
) -> None:
    delivery, old, new = _pinged_after_a_rotation(api, *captured)
    code = _block(_section("Webhooks we send"), "python", "standardwebhooks")
    for secret in (old, new):  # during the grace day, either secret verifies
        names: dict[str, Any] = {"WEBHOOK_SECRET": secret}
        exec(code, names)  # noqa: S102 - the documented snippet, as written
        assert names["receive"](delivery["body"], delivery["headers"])["type"] == "WebhookPing"
    names = {"WEBHOOK_SECRET": new}
    exec(code, names)  # noqa: S102
    with pytest.raises(WebhookVerificationError):
        names["receive"](delivery["body"].replace(b"WebhookPing", b"WebhookPong"), delivery["headers"])
    names = {"WEBHOOK_SECRET": OTHER_SECRET}
    exec(code, names)  # noqa: S102
    with pytest.raises(WebhookVerificationError):
        names["receive"](delivery["body"], delivery["headers"])


def test_the_node_check_in_the_doc_accepts_a_real_delivery_and_nothing_else(
    api: ApiHarness, captured: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node (Node.js 20) is needed to run the documented Node check")
        pytest.skip("node is not installed")
    delivery, old, new = _pinged_after_a_rotation(api, *captured)
    snippet = _block(_section("Webhooks we send"), "js", "verifyWebhook")
    (tmp_path / "verify.mjs").write_text(snippet, encoding="utf-8")
    headers, body = delivery["headers"], delivery["body"].decode("utf-8")
    cases = [(old, headers, body), (new, headers, body),
             (new, headers, body.replace("WebhookPing", "WebhookPong")), (OTHER_SECRET, headers, body),
             (new, {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 600)}, body)]
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    (tmp_path / "run.mjs").write_text(
        'import { readFileSync } from "node:fs";\nimport { verifyWebhook } from "./verify.mjs";\n'
        'const cases = JSON.parse(readFileSync(new URL("./cases.json", import.meta.url), "utf8"));\n'
        "const verdicts = cases.map(([secret, headers, body]) => verifyWebhook(secret, headers, body));\n"
        "console.log(JSON.stringify(verdicts));\n",
        encoding="utf-8")
    done = subprocess.run([node, str(tmp_path / "run.mjs")], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    # old and new secrets accepted; an altered body, another secret, a 10-minute-old timestamp refused
    assert json.loads(done.stdout) == [True, True, False, False, False]


ROUTE = re.compile(r"`(GET|POST|PUT|DELETE)\s+(/v1/[^`]+)`")


def test_every_route_and_command_the_sections_name_exists(api: ApiHarness) -> None:
    text = _section("Clients (SDKs)") + _section("Webhooks we send")
    named = {(method, re.sub(r"\s+", "", path)) for method, path in ROUTE.findall(text)}
    assert len(named) >= 5, named  # register, deliveries, ping, redeliver, rotate at least
    paths = api.app.openapi()["paths"]
    missing = [(method, path) for method, path in named if method.lower() not in paths.get(path, {})]
    assert not missing, f"docs/integrations.md names routes the API does not have: {missing}"
    from loyalty_cli.main import app as cli

    group = next(g.typer_instance for g in cli.registered_groups if g.name == "webhooks")
    commands = {command.name for command in group.registered_commands}
    for command in re.findall(r"^loyalty webhooks (\w+)", text, re.M):
        assert command in commands, f"`loyalty webhooks {command}` is in the doc but not in the CLI"
    assert "make sdk" in text and "sdk:" in (REPO / "Makefile").read_text(encoding="utf-8")
    for example in re.findall(r"sdk/examples/[\w.]+", text):
        assert (REPO / example).exists(), example
