"""The byte-level HTTP dispatcher in front of `loyalty serve --workers N`: each request goes to its member's owner.

Every worker process owns the members whose id hashes to it (`owner_of`: the UUID as an integer, modulo N),
so its member cache is the only writer's cache and a batch decided on it does not conflict. This dispatcher
reads just enough of each request to find the member: an `X-Member-Id` header, else the path
`/v1/members/{id}/…`, else the first `"member_id": "…"` in a small JSON body (a purchase names its member
there). A request with no routable member (a look-up by phone, a purchase by card) goes to any worker, round
robin: that stays correct, because a worker that decided on a stale cached member is refused by the store's
version check and re-decides on fresh state (loyalty_core/batching.py); it is only slower.

It does not parse more HTTP than it must. Requests and responses framed by Content-Length are spliced through
one at a time per client connection (a pipelined request waits for the answer before it), each to the owner
over a unix socket kept open for that client. Anything else — a chunked request body, an upgrade, a streamed
response (the event stream) — pins the client connection to the worker that took it, and from then on the
bytes are copied both ways unread. The peer address travels in `X-Loyalty-Peer` (a client's own is dropped),
so a worker sees the same client address as a single-process server would (api/workers.py).

A worker that is down (killed, restarting) gets no new requests: its members go to the next live worker,
correct as above. A request a worker took but never answered is answered `503 worker_unavailable` with
`Retry-After: 1`: it may or may not have been written, and the same `Idempotency-Key` replays it if it was.
An answer framed by a Content-Length up to `MAX_HELD_ANSWER` (every API answer) is held until it is whole and
then written to the client at once, so a worker killed between writing its answer's head and its body still
leaves the client a whole answer (that 503), never a cut-off one; only a longer or streamed answer cut off by
a dying worker closes the client connection (its first bytes are already on their way).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
import uuid
from typing import Any

import orjson

MAX_HEAD = 64 * 1024
"""A request or response head larger than this is refused (431) / treated as a broken worker."""
MAX_SNIFFED_BODY = 64 * 1024
"""Bodies up to this size are read whole before routing, to find a member id in them."""
MAX_BUFFER = 1024 * 1024
"""Pipelined bytes kept while a request is in flight; above this the client is paused."""
MAX_HELD_ANSWER = 256 * 1024
"""A response (head and body) up to this size is forwarded only once whole; a longer one is copied as it comes."""
IDLE_CLOSE_S = 5.0
"""An idle client connection is closed after this long (uvicorn's default keep-alive, as with one process)."""
PEER_HEADER = b"x-loyalty-peer"
MEMBER_HEADER = b"x-member-id"

_MEMBER_PATH = re.compile(rb"/v1/members/([0-9A-Fa-f-]{32,36})(?:[/?#]|$)")
_MEMBER_BODY = re.compile(rb'"member_id"\s*:\s*"([0-9A-Fa-f-]{32,36})"')
_NO_BODY_STATUS = (204, 304)


def owner_of(member_id: str | bytes, workers: int) -> int | None:
    """The worker (0..workers-1) that owns ``member_id``, or None when it is not a member id."""
    try:
        text = member_id.decode("ascii") if isinstance(member_id, bytes) else member_id
        return uuid.UUID(text).int % workers
    except (ValueError, UnicodeDecodeError):
        return None


class Workers:
    """The worker sockets as the dispatcher sees them; the supervisor marks each up and down."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        self.up = [False] * len(paths)
        self._turn = itertools.count()
        self.routed = self.fallbacks = self.unavailable = 0
        self.draining = False
        """Shutting down: every answer from now on says `connection: close`, as uvicorn's do."""

    def pick(self, owner: int | None, avoid: int | None = None) -> int | None:
        """The owner when it is up, else the next live worker (any live one when there is no owner)."""
        n = len(self.paths)
        if owner is not None and owner != avoid and self.up[owner]:
            self.routed += 1
            return owner
        start = owner if owner is not None else next(self._turn)
        for k in range(n):
            i = (start + k) % n
            if i != avoid and self.up[i]:
                if owner is not None:
                    self.fallbacks += 1
                return i
        return None


def problem(status: int, code: str, detail: str, detail_vi: str, *, retry_after: int | None = None,
            close: bool = False) -> bytes:
    body = orjson.dumps({"type": f"urn:loyalty:problem:{code}", "title": _TITLES.get(status, "Error"),
                         "status": status, "detail": detail, "code": code, "detail_vi": detail_vi})
    head = [f"HTTP/1.1 {status} {_TITLES.get(status, 'Error')}", "content-type: application/problem+json",
            f"content-length: {len(body)}"]
    if retry_after is not None:
        head.append(f"retry-after: {retry_after}")
    if close:
        head.append("connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


_TITLES = {400: "Bad Request", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


def _unavailable() -> bytes:
    return problem(503, "worker_unavailable",
                   "The server process for this request stopped before answering; retry with the same "
                   "Idempotency-Key (it replays the answer if the request was recorded).",
                   "Tiến trình xử lý yêu cầu đã dừng trước khi trả lời; hãy thử lại với cùng Idempotency-Key.",
                   retry_after=1)


class Client(asyncio.Protocol):
    """One client connection: its requests, one at a time, to the owners' workers."""

    def __init__(self, workers: Workers, registry: set[Client]):
        self.workers = workers
        self.registry = registry
        self.loop = asyncio.get_running_loop()
        self.transport: Any = None
        self.peer = b""
        self.buf = bytearray()
        self.upstreams: dict[int, Upstream] = {}
        self.active: Upstream | None = None  # the worker answering the request in flight
        self.connecting = False
        self.body_left = 0  # request body bytes still to copy to `active`
        self.discard = 0  # body bytes of a request answered without its worker, dropped as they arrive
        self.pinned: Upstream | None = None
        self.close_after = False
        self.paused = False
        self.eof = False
        self.last_seen = time.monotonic()

    # --- client side ----------------------------------------------------------------------------
    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = (peer[0] if isinstance(peer, tuple) else "").encode("latin-1")
        self.registry.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.registry.discard(self)
        for upstream in list(self.upstreams.values()):
            upstream.close()
        self.upstreams.clear()

    def data_received(self, data: bytes) -> None:
        self.last_seen = time.monotonic()
        if self.pinned is not None:
            self.pinned.write(data)
            return
        if self.discard:
            dropped = min(self.discard, len(data))
            self.discard -= dropped
            data = data[dropped:]
        if self.body_left and self.active is not None:
            part = data[:self.body_left]
            self.body_left -= len(part)
            self.active.write(part)
            data = data[len(part):]
        self.buf += data
        if self.active is None and not self.connecting:
            self._next()
        elif len(self.buf) > MAX_BUFFER and not self.paused:
            self.paused = True
            self.transport.pause_reading()

    def eof_received(self) -> bool:
        """The client sent all it will send: answer what is in flight, then close."""
        self.eof = True
        if self.active is None and not self.connecting:  # anything buffered is a request that never ends
            self.transport.close()
        return True

    def pause_writing(self) -> None:  # the client reads slowly: stop reading the workers
        for upstream in self.upstreams.values():
            upstream.transport.pause_reading()

    def resume_writing(self) -> None:
        for upstream in self.upstreams.values():
            upstream.transport.resume_reading()

    @property
    def busy(self) -> bool:
        """A request is being answered (or a streamed answer is open)."""
        return self.active is not None or self.connecting or self.pinned is not None

    def idle_for(self, now: float) -> float:
        busy = self.active is not None or self.connecting or self.pinned is not None or self.buf
        return 0.0 if busy else now - self.last_seen

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _reply(self, raw: bytes, *, close: bool = False) -> None:
        self.transport.write(raw)
        if close:
            self.transport.close()

    # --- routing --------------------------------------------------------------------------------
    def _next(self) -> None:
        """Route the next buffered request, if its head (and, when sniffed, its body) is complete."""
        if self.transport.is_closing():
            return
        if self.paused and len(self.buf) <= MAX_BUFFER:
            self.paused = False
            self.transport.resume_reading()
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > MAX_HEAD:
                self._reply(problem(431, "request_head_too_large", "The request head is too large.",
                                    "Phần đầu yêu cầu quá lớn.", close=True), close=True)
            return
        head = bytes(self.buf[:end])
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            self._reply(problem(400, "bad_request", "Malformed request line.", "Dòng yêu cầu không hợp lệ.",
                                close=True), close=True)
            return
        method, target = parts[0], parts[1]
        kept = [lines[0]]
        length = 0
        member: bytes | None = None
        pin = expect = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key == PEER_HEADER:
                continue  # only the dispatcher says who the peer is
            kept.append(line)
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    self._reply(problem(400, "bad_request", "Malformed Content-Length.",
                                        "Content-Length không hợp lệ.", close=True), close=True)
                    return
            elif key == b"transfer-encoding" or key == b"upgrade":
                pin = True
            elif key == MEMBER_HEADER:
                member = value.strip()
            elif key == b"expect":
                expect = True
        n = len(self.workers.paths)
        owner = owner_of(member, n) if member else None
        if owner is None:
            found = _MEMBER_PATH.match(target, target.find(b"/v1/members/")) if b"/v1/members/" in target else None
            if found:
                owner = owner_of(found.group(1), n)
        body_start = end + 4
        if owner is None and 0 < length <= MAX_SNIFFED_BODY and not pin and not expect:
            if len(self.buf) < body_start + length:
                return  # wait for the whole body: the member id is in it
            found = _MEMBER_BODY.search(self.buf, body_start, body_start + length)
            if found:
                owner = owner_of(found.group(1), n)
        kept.append(PEER_HEADER + b": " + self.peer)
        out = b"\r\n".join(kept) + b"\r\n\r\n"
        if pin:
            take, rest = len(self.buf) - body_start, 0
        else:
            take = min(length, len(self.buf) - body_start)
            rest = length - take
        out += bytes(self.buf[body_start:body_start + take])
        del self.buf[:body_start + take]
        self._send(owner, out, rest, pin, method == b"HEAD")

    def _send(self, owner: int | None, out: bytes, rest: int, pin: bool, head_only: bool,
              avoid: int | None = None) -> None:
        index = self.workers.pick(owner, avoid)
        if index is None:
            self.workers.unavailable += 1
            self._reply(_unavailable(), close=rest > 0 or pin)
            return
        upstream = self.upstreams.get(index)
        if upstream is None:
            self.connecting = True
            self.loop.create_task(self._connect(index, owner, out, rest, pin, head_only))
            return
        self._start(upstream, out, rest, pin, head_only)

    async def _connect(self, index: int, owner: int | None, out: bytes, rest: int, pin: bool,
                       head_only: bool) -> None:
        try:
            _, upstream = await self.loop.create_unix_connection(lambda: Upstream(self, index),
                                                                 self.workers.paths[index])
        except OSError:
            self.connecting = False
            if owner is not None or len(self.workers.paths) > 1:
                self._send(owner, out, rest, pin, head_only, avoid=index)  # nothing was sent: another worker
            else:
                self._reply(_unavailable(), close=True)
            return
        self.connecting = False
        if self.transport.is_closing():
            upstream.close()
            return
        self.upstreams[index] = upstream
        self._start(upstream, out, rest, pin, head_only)

    def _start(self, upstream: Upstream, out: bytes, rest: int, pin: bool, head_only: bool) -> None:
        self.active, self.body_left = upstream, rest
        upstream.begin(head_only)
        upstream.write(out)
        if rest and self.buf:  # body bytes that arrived while the worker's connection was being opened
            part = bytes(self.buf[:rest])
            del self.buf[:rest]
            self.body_left -= len(part)
            upstream.write(part)
        if pin:
            self.pinned = upstream
            if self.buf:
                upstream.write(bytes(self.buf))
                self.buf.clear()

    def response_done(self, upstream: Upstream, close: bool) -> None:
        self.active = None
        self.last_seen = time.monotonic()
        if close or self.body_left:  # answered before its body was all sent: the rest cannot be framed
            self.body_left = 0
            self.upstreams.pop(upstream.index, None)
            upstream.close()
            self.transport.close()
            return
        self._next()
        if self.eof and self.active is None and not self.connecting:
            self.transport.close()

    def upstream_lost(self, upstream: Upstream, answered_any: bool) -> None:
        if self.upstreams.get(upstream.index) is upstream:
            del self.upstreams[upstream.index]
        if self.pinned is upstream:
            self.close()
            return
        if self.active is not upstream:
            return  # an idle connection the worker closed
        self.active = None
        if answered_any:
            self.close()  # part of the answer is lost: only closing says so
            return
        if self.body_left:
            # The worker went before it had the whole body, so it never ran the request: a 503 like any
            # unanswered request, and the rest of the body is dropped as it arrives (closing instead cut
            # off a client that had sent nothing wrong: seen once in a dozen runs of the worker-kill test).
            self.discard, self.body_left = self.body_left, 0
        self._reply(_unavailable())
        self._next()
        if self.eof and self.active is None and not self.connecting:
            self.transport.close()


class Upstream(asyncio.Protocol):
    """The connection from one client connection to one worker: the responses, framed and copied back."""

    def __init__(self, client: Client, index: int):
        self.client = client
        self.index = index
        self.transport: Any = None
        self.buf = bytearray()
        self.body_left = -1  # -1: waiting for a response head
        self.head_only = False
        self.answered_any = False  # bytes of this answer reached the client: a lost worker leaves it cut off
        self.close_after = False
        self.held: bytearray | None = None  # a short answer collected until whole

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def begin(self, head_only: bool) -> None:
        self.head_only, self.body_left, self.answered_any, self.close_after = head_only, -1, False, False
        self.held = None

    def _forward(self, data: bytes) -> None:
        if self.held is not None:
            self.held += data
            return
        self.answered_any = True
        self.client.transport.write(data)

    def write(self, data: bytes) -> None:
        self.transport.write(data)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def pause_writing(self) -> None:  # the worker reads slowly: stop reading the client
        self.client.transport.pause_reading()

    def resume_writing(self) -> None:
        self.client.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.upstream_lost(self, self.answered_any)

    def data_received(self, data: bytes) -> None:
        client = self.client
        if client.pinned is self:
            client.transport.write(data)
            return
        if client.active is not self:
            self.close()  # bytes nobody asked for: the worker is confused, drop the connection
            return
        while data:
            if self.body_left > 0:
                part = data[:self.body_left]
                self.body_left -= len(part)
                self._forward(part)
                data = data[len(part):]
                if self.body_left == 0:
                    self._done()
                continue
            self.buf += data
            data = b""
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEAD:
                    self.close()
                return
            head = bytes(self.buf[:end + 4])
            rest = bytes(self.buf[end + 4:])
            self.buf.clear()
            status, length, close, framed = _response_head(head)
            if client.workers.draining and not close and status >= 200:
                head, close = _closing(head), True
            if framed and 200 <= status and len(head) + length <= MAX_HELD_ANSWER:
                self.held = bytearray()  # written at once in _done: a worker dying now leaves no cut-off answer
            self._forward(head)
            if 100 <= status < 200 and status != 101:
                self.body_left = -1  # an interim answer: the real one follows
                data = rest
                continue
            if status == 101 or not framed and not (self.head_only or status in _NO_BODY_STATUS):
                client.pinned = self  # streamed or upgraded: copy bytes both ways from now on
                if rest:
                    client.transport.write(rest)
                if client.buf:
                    self.write(bytes(client.buf))
                    client.buf.clear()
                return
            self.close_after = close
            if self.head_only or status in _NO_BODY_STATUS or length == 0:
                self._done()
                if rest:  # nothing should follow a complete answer
                    self.close()
                return
            self.body_left = length
            data = rest

    def _done(self) -> None:
        self.body_left = -1
        if self.held is not None:
            whole, self.held = bytes(self.held), None
            self._forward(whole)
        self.client.response_done(self, self.close_after)


def _closing(head: bytes) -> bytes:
    """The response head saying `connection: close` (instead of any keep-alive it said)."""
    lines = [line for line in head[:-4].split(b"\r\n")
             if line.partition(b":")[0].strip().lower() != b"connection"]
    return b"\r\n".join(lines) + b"\r\nconnection: close\r\n\r\n"


def _response_head(head: bytes) -> tuple[int, int, bool, bool]:
    """(status, content length, connection close, framed by Content-Length) of a response head."""
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 502, 0, True, False
    length, close, framed = 0, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length, framed = int(value), True
        elif key == b"transfer-encoding":
            framed = False
            length = 0
            break
        elif key == b"connection" and b"close" in value.lower():
            close = True
    return status, length, close, framed


async def sweep_idle(registry: set[Client], stop: asyncio.Event) -> None:
    """Close client connections idle for IDLE_CLOSE_S (as uvicorn does with one process)."""
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass
        now = time.monotonic()
        for client in list(registry):
            if client.idle_for(now) > IDLE_CLOSE_S:
                client.close()
