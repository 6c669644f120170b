"""The HTTP design a user might pick instead of event sourcing: a plain FastAPI service on a mutable balance table.

It is the baseline the HTTP purchase rows are compared with (issue 17). It speaks the same two routes the load
generator drives, so ``bench.loadgen`` loads it unchanged:

* ``POST /v1/transactions``: the body validated once by pydantic, points = total // 1,000 VND, then ONE database
  transaction: ``INSERT INTO transactions`` (``transaction_ref`` is a unique key, so a duplicate ref is refused by
  the database and answered with the stored result, 200, instead of 201) and ``UPDATE balances``.
* ``GET /v1/members/{member_id}/balance``: one primary-key ``SELECT``.

Async routes on a ``psycopg_pool.AsyncConnectionPool`` (no threadpool hop), ``Authorization: Bearer`` checked
against ``MUTABLE_API_KEY``. Served by the same ``uvicorn.run`` call as ``loyalty serve`` (one process, access log
off): ``python -m bench.mutable_service --port P --dsn DSN --api-key K [--pool-size N]``. ``--setup FILE`` creates
the tables and one balance row per member id in FILE, then exits.
"""

from __future__ import annotations

import argparse
import os
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

DDL = [
    """CREATE TABLE IF NOT EXISTS balances (
        member_id  text PRIMARY KEY,
        points     bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS transactions (
        id              bigserial PRIMARY KEY,
        transaction_ref text NOT NULL UNIQUE,
        member_id       text NOT NULL REFERENCES balances (member_id),
        points          integer NOT NULL,
        total           numeric(18, 0) NOT NULL,
        store_id        text NOT NULL,
        body            jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
    )""",
]
INSERT_TXN = ("INSERT INTO transactions (transaction_ref, member_id, points, total, store_id, body) "
              "VALUES (%s, %s, %s, %s, %s, %s)")
UPDATE_BALANCE = ("UPDATE balances SET points = points + %s, updated_at = now() WHERE member_id = %s "
                  "RETURNING points")
READ_TXN = "SELECT t.points, b.points FROM transactions t JOIN balances b USING (member_id) WHERE transaction_ref = %s"
READ_BALANCE = "SELECT points FROM balances WHERE member_id = %s"
VND_PER_POINT = 1_000


class Line(BaseModel):
    sku: str
    category: str | None = None
    quantity: int = Field(ge=1)
    unit_price: Decimal
    amount: Decimal

class MemberRef(BaseModel):
    member_id: str

class Purchase(BaseModel):
    transaction_ref: str = Field(min_length=1, max_length=100)
    member: MemberRef
    channel: str
    store_id: str
    occurred_at: str
    currency: str
    total: Decimal = Field(ge=0)
    lines: list[Line]


def setup(dsn: str, ids_file: str) -> int:
    import psycopg

    with open(ids_file, encoding="utf-8") as fh:
        ids = [line.strip() for line in fh if line.strip()]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for stmt in DDL:
            conn.execute(stmt)
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO balances (member_id) VALUES (%s) ON CONFLICT DO NOTHING", [(i,) for i in ids])
        conn.execute("VACUUM ANALYZE balances")
    return len(ids)


def create_app(dsn: str, api_key: str, pool_size: int) -> Any:
    import orjson
    import psycopg
    from fastapi import FastAPI, Header, HTTPException, Response
    from psycopg.types.json import Jsonb
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(dsn, min_size=pool_size, max_size=pool_size, open=False)

    @asynccontextmanager
    async def lifespan(_: Any):
        await pool.open(wait=True, timeout=30)
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    def authorise(authorization: str | None) -> None:
        if authorization != f"Bearer {api_key}":
            raise HTTPException(401, "unauthorised")

    def answer(status: int, body: dict[str, Any]) -> Response:
        return Response(orjson.dumps(body), status_code=status, media_type="application/json")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/transactions")
    async def purchase(body: Purchase, authorization: str | None = Header(None)) -> Response:
        authorise(authorization)
        member = body.member.member_id
        points = int(body.total // VND_PER_POINT)
        async with pool.connection() as conn:
            try:
                async with conn.transaction():
                    await conn.execute(INSERT_TXN, (body.transaction_ref, member, points, body.total, body.store_id,
                                                    Jsonb(body.model_dump(mode="json"))))
                    cur = await conn.execute(UPDATE_BALANCE, (points, member))
                    row = await cur.fetchone()
                    if row is None:
                        raise HTTPException(404, "unknown member")  # rolls the INSERT back
            except psycopg.errors.UniqueViolation:  # the same ref again: answer what was stored
                cur = await conn.execute(READ_TXN, (body.transaction_ref,))
                stored = await cur.fetchone()
                return answer(200, {"transaction_ref": body.transaction_ref, "points": stored[0],
                                    "balance": stored[1], "replayed": True})
        return answer(201, {"transaction_ref": body.transaction_ref, "points": points, "balance": row[0]})

    @app.get("/v1/members/{member_id}/balance")
    async def balance(member_id: str, authorization: str | None = Header(None)) -> Response:
        authorise(authorization)
        async with pool.connection() as conn:
            cur = await conn.execute(READ_BALANCE, (member_id,))
            row = await cur.fetchone()
        if row is None:
            raise HTTPException(404, "unknown member")
        return answer(200, {"member_id": member_id, "points": row[0]})

    return app


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.mutable_service", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dsn", required=True)
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--api-key", default=os.environ.get("MUTABLE_API_KEY", "bench"))
    p.add_argument("--pool-size", type=int, default=16)
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1, like loyalty serve)")
    p.add_argument("--setup", metavar="IDS_FILE", help="create the tables and a balance row per id, then exit")
    args = p.parse_args(argv)
    if args.setup:
        print(setup(args.dsn, args.setup))
        return 0
    import uvicorn

    if args.workers == 1:
        # The same call as `loyalty serve` (loyalty_cli/api_cmds.py): one process, access log off.
        uvicorn.run(create_app(args.dsn, args.api_key, args.pool_size), host="127.0.0.1", port=args.port,
                    access_log=False, log_level="warning")
        return 0
    # N uvicorn worker processes on one socket (each with its own pool of --pool-size connections).
    os.environ.update(MUTABLE_DSN=args.dsn, MUTABLE_API_KEY=args.api_key, MUTABLE_POOL_SIZE=str(args.pool_size))
    uvicorn.run("bench.mutable_service:app_from_env", factory=True, workers=args.workers, host="127.0.0.1",
                port=args.port, access_log=False, log_level="warning")
    return 0


def app_from_env() -> Any:
    """The app of one worker process when ``--workers`` > 1 (uvicorn needs an import string then)."""
    return create_app(os.environ["MUTABLE_DSN"], os.environ["MUTABLE_API_KEY"], int(os.environ["MUTABLE_POOL_SIZE"]))


if __name__ == "__main__":
    raise SystemExit(main())
