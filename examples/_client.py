"""What the three example tills share: where the API is, the key, and a request that retries safely.

Every retry resends the same Idempotency-Key, so a request that reached the server but whose answer was
lost is answered from the ledger's receipt instead of being done twice.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

import httpx

RETRYABLE = {409, 429, 500, 502, 503, 504}


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default=os.environ.get("LOYALTY_API_URL", "http://127.0.0.1:8000"),
                        help="API base URL (env LOYALTY_API_URL)")
    parser.add_argument(
        "--key",
        default=os.environ.get("LOYALTY_API_KEY"),
        help="API key, e.g. from `loyalty keys create --role channel --channel pos --store HCM-01` "
        "(env LOYALTY_API_KEY)",
    )
    parser.add_argument(
        "--store", default=os.environ.get("LOYALTY_STORE", "HCM-01"), help="This till's store"
    )
    return parser


def client(args: argparse.Namespace) -> httpx.Client:
    if not args.key:
        sys.exit("give an API key: --key or LOYALTY_API_KEY")
    return httpx.Client(base_url=args.url, headers={"Authorization": f"Bearer {args.key}"}, timeout=15)


def call(http: httpx.Client, method: str, path: str, *, attempts: int = 6, **kwargs: Any) -> httpx.Response:
    """Send a request, retrying network failures, 5xx, 429 and 'still in progress' with backoff."""
    delay = 0.2
    for attempt in range(1, attempts + 1):
        try:
            response = http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            if attempt == attempts:
                raise
            print(f"  network error ({exc.__class__.__name__}), retrying", file=sys.stderr)
        else:
            retry = response.status_code in RETRYABLE and (
                response.status_code != 409
                or response.json().get("code") == "idempotency_request_in_progress"
            )
            if not retry or attempt == attempts:
                return response
            delay = float(response.headers.get("Retry-After", delay))
        time.sleep(delay)
        delay = min(delay * 2, 5)
    raise AssertionError("unreachable")


def problem(response: httpx.Response) -> str:
    try:
        body = response.json()
        return f"{response.status_code} {body.get('code')}: {body.get('detail_vi') or body.get('detail')}"
    except ValueError:
        return f"{response.status_code} {response.text[:200]}"
