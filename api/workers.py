"""`loyalty serve --workers N`: N API processes, each owning a share of the members, behind one dispatcher.

The supervisor (this process) starts N workers, each a `create_app` served by uvicorn on a unix socket of
its own, waits until all of them listen, then opens the public port and routes every request to its
member's owner (api/dispatch.py). One process per member keeps that process's member cache the only one
written to, which is what lets group commit decide a batch on cached state without conflicts: plain
SO_REUSEPORT workers each cache every member and conflict on each other's writes (issue 17 measured them at
0.46–0.69× one process).

A worker that exits is started again (after a pause that grows to 5 s when it keeps failing); meanwhile its
members are served by the others, correctly, because the store refuses a write decided on a stale member.
A worker is started with PR_SET_PDEATHSIG, so a supervisor killed outright takes its workers with it. SIGTERM
or SIGINT stops the port, lets each worker finish (uvicorn's graceful shutdown), then exits.

Rate limits and in-flight Idempotency-Keys are already shared by every process (api/shared_state.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from api.dispatch import Client, Workers, sweep_idle

log = logging.getLogger("loyalty.serve")

READY_TIMEOUT_S = 120.0
"""A worker that does not listen within this long after starting is killed and started again."""
STOP_GRACE_S = 15.0
RESTART_PAUSE_S = (0.2, 5.0)
"""The first restart is almost at once; one that keeps failing waits up to 5 s between tries."""
WORKER_KEEP_ALIVE_S = 3600
"""Workers keep the dispatcher's connections open: the dispatcher closes idle clients (and theirs) itself."""


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Supervisor:
    def __init__(self, host: str, port: int, count: int, socket_dir: Path | None = None):
        self.host, self.port, self.count = host, port, count
        self._own_dir = socket_dir is None
        self.socket_dir = Path(socket_dir or tempfile.mkdtemp(prefix="loyalty-serve-"))
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.metrics_dir = self.socket_dir / "metrics"
        shutil.rmtree(self.metrics_dir, ignore_errors=True)
        self.metrics_dir.mkdir()
        self.workers = Workers([str(self.socket_dir / f"worker-{i}.sock") for i in range(count)])
        self.procs: list[asyncio.subprocess.Process | None] = [None] * count
        self.restarts = [0] * count
        self.stopping = asyncio.Event()
        self.clients: set[Client] = set()

    # --- workers --------------------------------------------------------------------------------
    async def _spawn(self, index: int) -> asyncio.subprocess.Process:
        path = self.workers.paths[index]
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        argv = [sys.executable, "-m", "api.workers", "--uds", path, "--index", str(index), "--count",
                str(self.count)]
        env = {**os.environ, "LOYALTY_WORKER_INDEX": str(index), "LOYALTY_WORKER_COUNT": str(self.count),
               "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir)}  # /metrics sums every worker (api/metrics.py)
        return await asyncio.create_subprocess_exec(*argv, env=env, preexec_fn=_die_with_parent)

    async def _ready(self, index: int, proc: asyncio.subprocess.Process) -> bool:
        """True once the worker accepts connections on its socket; False if it exited or took too long."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline and not self.stopping.is_set():
            if proc.returncode is not None:
                return False
            try:
                _, writer = await asyncio.open_unix_connection(self.workers.paths[index])
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            return True
        return False

    async def keep(self, index: int, first: asyncio.Future) -> None:
        """Run worker ``index`` until the supervisor stops, starting it again whenever it exits."""
        failures = 0
        while not self.stopping.is_set():
            proc = self.procs[index] = await self._spawn(index)
            ready = await self._ready(index, proc)
            if ready:
                self.workers.up[index] = True
                if not first.done():
                    first.set_result(True)
                log.info("worker %d (pid %d) serves members with id %% %d == %d", index, proc.pid, self.count,
                         index)
                started = time.monotonic()
            else:
                if proc.returncode is None:
                    proc.kill()
                if not first.done():  # never came up: a configuration or database problem, not a crash
                    first.set_result(False)
                    await proc.wait()
                    return
            code = await proc.wait()
            self.workers.up[index] = False
            if self.stopping.is_set():
                return
            failures = 0 if ready and time.monotonic() - started > 30 else failures + 1
            self.restarts[index] += 1
            pause = min(RESTART_PAUSE_S[0] * 2 ** (failures - 1), RESTART_PAUSE_S[1])
            log.warning("worker %d (pid %d) exited with %s; its members go to the other workers; "
                        "starting it again in %.1f s", index, proc.pid, code, pause)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), pause)

    # --- the whole server -----------------------------------------------------------------------
    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        firsts = [loop.create_future() for _ in range(self.count)]
        keepers = [loop.create_task(self.keep(i, firsts[i])) for i in range(self.count)]
        server = None
        try:
            started = await asyncio.gather(*firsts)
            if not all(started):
                log.error("a worker did not start (see its messages above); stopping")
                return 1
            if self.stopping.is_set():
                return 0
            server = await loop.create_server(lambda: Client(self.workers, self.clients), self.host, self.port,
                                              backlog=2048, reuse_address=True)
            for sock in server.sockets:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            log.info("Loyalty API on http://%s:%d: %d worker processes, members routed by id", self.host,
                     self.port, self.count)
            sweeper = loop.create_task(sweep_idle(self.clients, self.stopping))
            await self.stopping.wait()
            await sweeper
            return 0
        finally:
            self.stopping.set()
            w = self.workers
            log.info("dispatcher: %d requests to their member's owner, %d to another worker (owner down), "
                     "%d answered 503; worker restarts %s", w.routed, w.fallbacks, w.unavailable, self.restarts)
            if server is not None:
                server.close()
            await self._drain()
            await self._stop_workers()
            for task in keepers:
                task.cancel()
            await asyncio.gather(*keepers, return_exceptions=True)
            if self._own_dir:
                shutil.rmtree(self.socket_dir, ignore_errors=True)

    async def _drain(self) -> None:
        """Let the requests in flight be answered (as uvicorn does on SIGTERM), closing idle connections."""
        self.workers.draining = True
        deadline = time.monotonic() + STOP_GRACE_S
        while self.clients and time.monotonic() < deadline:
            for client in list(self.clients):
                if not client.busy or client.pinned is not None:  # an event stream never ends by itself
                    client.close()
            if self.clients:
                await asyncio.sleep(0.05)
        for client in list(self.clients):
            client.close()

    async def _stop_workers(self) -> None:
        live = [p for p in self.procs if p is not None and p.returncode is None]
        for proc in live:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in live)), STOP_GRACE_S)
        except asyncio.TimeoutError:
            for proc in live:
                if proc.returncode is None:
                    proc.kill()


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies, even by SIGKILL (Linux only)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def supervise(host: str, port: int, count: int, socket_dir: Path | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    if socket_dir is None and os.environ.get("LOYALTY_SERVE_SOCKET_DIR"):  # tests reach each worker there
        socket_dir = Path(os.environ["LOYALTY_SERVE_SOCKET_DIR"])
    supervisor = Supervisor(host, port, count, socket_dir)
    try:
        import uvloop

        return uvloop.run(supervisor.run())
    except ImportError:
        return asyncio.run(supervisor.run())


# --- one worker process -----------------------------------------------------------------------------


class PeerAddress:
    """The client address the dispatcher read off the TCP connection, as `scope["client"]`, followed by
    uvicorn's X-Forwarded-For handling for the operator's trusted proxies: the same address one process
    serving the port itself would see."""

    def __init__(self, app: Any, forwarded_allow_ips: str):
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        self.app = ProxyHeadersMiddleware(app, trusted_hosts=forwarded_allow_ips)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            for name, value in scope["headers"]:
                if name == b"x-loyalty-peer":
                    scope["client"] = (value.decode("latin-1"), 0)
                    break
        await self.app(scope, receive, send)


def run_worker(uds: str, index: int, count: int) -> int:
    import uvicorn

    from api.main import create_app
    from api.settings import ApiSettings

    from api.collector import tune

    app = create_app(ApiSettings.from_env(os.environ))
    tune()
    try:
        uvicorn.run(PeerAddress(app, os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")), uds=uds,
                    access_log=False, log_level="warning", proxy_headers=False,
                    timeout_keep_alive=WORKER_KEEP_ALIVE_S)
    finally:
        app.state.api.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m api.workers", description="One worker of `loyalty serve`.")
    p.add_argument("--uds", required=True)
    p.add_argument("--index", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    args = p.parse_args(argv)
    return run_worker(args.uds, args.index, args.count)


if __name__ == "__main__":
    raise SystemExit(main())
