"""The dispatcher of `loyalty serve --workers N` (api/dispatch.py), in process, in front of two fake workers.

Each fake worker answers which worker it is, the path and the peer it was told; `/die` closes without an
answer, `/die-mid-answer` (and `/die-mid-long-answer`) write a head and part of the body then close, `/stream` answers chunked (as the event stream does). No database, well under a second.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

from api.dispatch import MAX_HELD_ANSWER, Client, Workers, owner_of


def _member(owner: int) -> str:
    while True:
        candidate = str(uuid.uuid4())
        if owner_of(candidate, 2) == owner:
            return candidate


async def _fake_worker(index: int, path: str) -> asyncio.AbstractServer:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                lines = head.split("\r\n")
                fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                target = lines[0].split(" ")[1]
                if target == "/die-on-head":  # killed after the head came, before the body did
                    writer.close()
                    return
                body = await reader.readexactly(int(fields.get("content-length", "0")))
                if target == "/die":
                    writer.close()
                    return
                if target.startswith("/die-mid-"):  # killed between writing the head and the body
                    length = MAX_HELD_ANSWER * 2 if "long" in target else 100
                    writer.write(b"HTTP/1.1 201 Created\r\ncontent-length: " + str(length).encode() + b"\r\n\r\n")
                    await writer.drain()
                    await asyncio.sleep(0.05)
                    writer.write(b"{" * 10)
                    await writer.drain()
                    await asyncio.sleep(0.05)
                    writer.close()
                    return
                if target == "/slow":
                    await asyncio.sleep(0.3)
                if target == "/stream":
                    writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                    await writer.drain()
                    continue
                answer = json.dumps({"worker": index, "path": target, "peer": fields.get("x-loyalty-peer"),
                                     "body": body.decode()}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                             + str(len(answer)).encode() + b"\r\n\r\n" + answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    return await asyncio.start_unix_server(handle, path)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    body = await reader.readexactly(int(fields.get("content-length", "0")))
    return int(head[0].split(" ")[1]), fields, body


def _request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "host: test"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines.append(f"content-length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _run(tmp_path: Path, scenario: Any) -> Any:
    async def main() -> Any:
        paths = [str(tmp_path / f"w{i}.sock") for i in range(2)]
        fakes = [await _fake_worker(i, p) for i, p in enumerate(paths)]
        workers = Workers(paths)
        workers.up = [True, True]
        server = await asyncio.get_running_loop().create_server(lambda: Client(workers, set()), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(scenario(reader, writer, workers), 10)
        finally:
            writer.close()
            server.close()
            for fake in fakes:
                fake.close()

    return asyncio.run(main())


def test_owner_is_the_member_id_as_an_integer_modulo_the_workers() -> None:
    member = uuid.uuid4()
    assert owner_of(str(member), 3) == member.int % 3 == owner_of(str(member).encode(), 3)
    assert owner_of("0901234567", 2) is None and owner_of("search", 2) is None


def test_requests_reach_the_owner_by_header_path_or_body_and_the_peer_cannot_be_forged(tmp_path: Path) -> None:
    zero, one = _member(0), _member(1)

    async def scenario(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: Workers) -> list[Any]:
        seen = []
        for raw in (_request("GET", "/healthz", {"X-Member-Id": one, "X-Loyalty-Peer": "10.9.9.9"}),
                    _request("GET", f"/v1/members/{zero}/balance"),
                    _request("GET", f"/v1/members/{one}?x=1"),
                    _request("POST", "/v1/transactions", body=json.dumps({"member": {"member_id": zero}}).encode()),
                    _request("POST", "/v1/transactions", body=json.dumps({"member": {"member_id": one}}).encode())):
            writer.write(raw)
            status, _, body = await _read_response(reader)
            assert status == 200
            seen.append(json.loads(body))
        return seen

    seen = _run(tmp_path, scenario)
    assert [s["worker"] for s in seen] == [1, 0, 1, 0, 1]
    assert {s["peer"] for s in seen} == {"127.0.0.1"}  # the client's own X-Loyalty-Peer was dropped
    assert json.loads(seen[3]["body"]) == {"member": {"member_id": zero}}  # the body arrives whole


def test_pipelined_requests_for_different_owners_are_answered_in_order(tmp_path: Path) -> None:
    members = [_member(i % 2) for i in range(6)]

    async def scenario(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: Workers) -> list[str]:
        writer.write(b"".join(_request("GET", f"/v1/members/{m}/balance") for m in members))
        return [json.loads((await _read_response(reader))[2])["path"] for _ in members]

    assert _run(tmp_path, scenario) == [f"/v1/members/{m}/balance" for m in members]


def test_a_down_worker_s_members_go_to_another_and_an_unanswered_request_is_a_503(tmp_path: Path) -> None:
    async def scenario(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, workers: Workers) -> Any:
        workers.up[0] = False
        writer.write(_request("GET", f"/v1/members/{_member(0)}/balance"))
        moved = json.loads((await _read_response(reader))[2])["worker"]
        writer.write(_request("GET", "/die", {"X-Member-Id": _member(1)}))
        status, fields, body = await _read_response(reader)
        writer.write(_request("GET", "/healthz"))  # the connection is still usable
        after = (await _read_response(reader))[0]
        workers.up[1] = False
        writer.write(_request("GET", "/healthz"))
        none_up = (await _read_response(reader))[0]
        return moved, status, fields, json.loads(body), after, none_up

    moved, status, fields, problem, after, none_up = _run(tmp_path, scenario)
    assert moved == 1
    assert (status, fields["retry-after"], problem["code"]) == (503, "1", "worker_unavailable")
    assert fields["content-type"] == "application/problem+json" and problem["detail_vi"]
    assert (after, none_up) == (200, 503)


def test_a_worker_dying_before_the_body_came_is_a_503_and_the_connection_goes_on(tmp_path: Path) -> None:
    """The worker never had the whole request, so it never ran it: a 503 (retry), not a dropped connection;
    the body that follows is not taken for the next request."""
    async def scenario(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: Workers) -> Any:
        body = json.dumps({"member": {"member_id": _member(0)}, "total": "125000"}).encode()
        request = _request("POST", "/die-on-head", {"X-Member-Id": _member(0)}, body)
        head_end = request.index(b"\r\n\r\n") + 4
        writer.write(request[:head_end])  # the head alone: forwarded at once (the owner is in a header)
        await writer.drain()
        await asyncio.sleep(0.2)  # the worker is gone before the body arrives
        writer.write(request[head_end:])
        status, fields, answer = await _read_response(reader)
        writer.write(_request("GET", "/healthz"))  # the same connection, the next request
        after = (await _read_response(reader))[0]
        return status, fields, json.loads(answer), after

    status, fields, problem, after = _run(tmp_path, scenario)
    assert (status, fields["retry-after"], problem["code"]) == (503, "1", "worker_unavailable")
    assert after == 200


def test_a_worker_dying_mid_answer_leaves_a_whole_503_not_a_cut_off_answer(tmp_path: Path) -> None:
    """An API answer is held until whole: the client never sees half of it (the head of a 201 without its body)."""
    async def scenario(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: Workers) -> Any:
        writer.write(_request("POST", "/die-mid-answer", {"X-Member-Id": _member(0)}, b"{}"))
        status, fields, body = await _read_response(reader)
        writer.write(_request("GET", "/healthz"))  # the connection is still usable
        after = (await _read_response(reader))[0]
        # A long answer is copied as it comes: cut off, only closing the connection can say so.
        writer.write(_request("GET", "/die-mid-long-answer", {"X-Member-Id": _member(1)}))
        head = await reader.readuntil(b"\r\n\r\n")
        rest = await reader.read()  # until the dispatcher closes
        return status, fields, json.loads(body), after, head, rest

    status, fields, problem, after, head, rest = _run(tmp_path, scenario)
    assert (status, fields["retry-after"], problem["code"]) == (503, "1", "worker_unavailable")
    assert after == 200
    assert head.startswith(b"HTTP/1.1 201") and rest == b"{" * 10


def test_a_streamed_response_pins_the_connection_to_its_worker(tmp_path: Path) -> None:
    async def scenario(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: Workers) -> bytes:
        writer.write(_request("GET", "/stream"))
        await reader.readuntil(b"\r\n\r\n")
        return await reader.readuntil(b"0\r\n\r\n")

    assert _run(tmp_path, scenario) == b"5\r\nhello\r\n0\r\n\r\n"


def test_serve_refuses_more_than_one_process_on_sqlite_and_defaults_to_the_cores_on_postgres(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.workers import usable_cores
    from loyalty_cli.api_cmds import _worker_count
    from loyalty_cli.main import app

    refused = CliRunner().invoke(app, ["serve", "--workers", "2"],
                                 env={"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/loyalty.db"})
    assert refused.exit_code == 2 and "SQLite" in refused.output, refused.output
    assert (_worker_count(None, False), _worker_count(None, True), _worker_count(3, True)) == (1, usable_cores(), 3)


def test_a_client_that_half_closes_still_gets_its_answer(tmp_path: Path) -> None:
    async def scenario(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: Workers) -> tuple[int, bytes]:
        writer.write(_request("GET", f"/v1/members/{_member(1)}/balance"))
        writer.write_eof()
        status = (await _read_response(reader))[0]
        return status, await reader.read()  # then the dispatcher closes: end of stream

    assert _run(tmp_path, scenario) == (200, b"")


def test_shutdown_answers_the_request_in_flight_with_connection_close_and_drops_idle_connections(
        tmp_path: Path) -> None:
    from api.workers import Supervisor

    async def main() -> tuple[float, bytes, int, str, bytes, float, int]:
        supervisor = Supervisor("127.0.0.1", 0, 2, socket_dir=tmp_path)
        supervisor.workers.up = [True, True]
        fakes = [await _fake_worker(i, p) for i, p in enumerate(supervisor.workers.paths)]
        server = await asyncio.get_running_loop().create_server(
            lambda: Client(supervisor.workers, supervisor.clients), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        (busy_r, busy_w), (idle_r, idle_w) = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
        try:
            idle_w.write(_request("GET", "/healthz"))
            await _read_response(idle_r)  # a kept-alive connection, now idle
            busy_w.write(_request("GET", "/slow", {"X-Member-Id": _member(0)}))
            await asyncio.sleep(0.05)  # the request reached its worker
            started = asyncio.get_running_loop().time()
            server.close()
            drain = asyncio.create_task(supervisor._drain())
            idle_end = await asyncio.wait_for(idle_r.read(), 2)
            idle_closed = asyncio.get_running_loop().time() - started
            status, fields, _ = await asyncio.wait_for(_read_response(busy_r), 2)
            busy_end = await asyncio.wait_for(busy_r.read(), 2)
            await asyncio.wait_for(drain, 2)
            return idle_closed, idle_end, status, fields.get("connection", ""), busy_end, \
                asyncio.get_running_loop().time() - started, len(supervisor.clients)
        finally:
            for writer in (busy_w, idle_w):
                writer.close()
            for fake in fakes:
                fake.close()

    idle_closed, idle_end, status, connection, busy_end, drained, left = asyncio.run(main())
    assert idle_end == b"" and idle_closed < 0.2  # the idle connection did not wait for the slow request
    assert (status, connection, busy_end) == (200, "close", b"")
    assert drained < 2.0 and left == 0  # every connection closed: the workers may be stopped
