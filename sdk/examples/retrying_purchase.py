"""Record a sale with the generated Python client, retrying safely until the service has it.

A purchase is idempotent on its `transaction_ref` (per channel): sending it again after a timeout, a dropped
connection or a `503 store_unavailable` records it once and answers the first result. So a till can retry
with backoff without asking whether the first attempt landed. What must not change between attempts is the
body (its `transaction_ref` above all): it is made once, before the first attempt.

    PYTHONPATH=sdk/python .venv/bin/python sdk/examples/retrying_purchase.py https://loyalty.example lk_… 0901234567

prints the status and the answer as JSON: 201 and the points for a member, 202 and what the sale is held for
when nobody has that phone yet (it is credited when they enrol).
"""

from __future__ import annotations

import json
import sys
import uuid

import httpx
from tenacity import Retrying, retry_if_exception_type, retry_if_result, stop_after_attempt, wait_exponential

from loyalty_client import AuthenticatedClient
from loyalty_client.api.transactions import record_purchase
from loyalty_client.models import MemberRefIn, PurchaseRequest
from loyalty_client.types import Response

RETRYABLE = {429, 503}


def record_with_retries(client: AuthenticatedClient, body: PurchaseRequest, attempts: int = 5) -> Response:
    """POST /v1/transactions until it is answered with something other than 429/503 or a network error."""
    retrying = Retrying(stop=stop_after_attempt(attempts), wait=wait_exponential(multiplier=0.2, max=5),
                        retry=retry_if_exception_type(httpx.TransportError)
                        | retry_if_result(lambda answer: answer.status_code in RETRYABLE),
                        retry_error_callback=lambda state: state.outcome.result())  # the last answer, as it is
    return retrying(record_purchase.sync_detailed, client=client, body=body)


if __name__ == "__main__":
    base_url, token, phone = sys.argv[1:4]
    sale = PurchaseRequest(transaction_ref=f"HD-{uuid.uuid4().hex[:8]}", total="125000",
                           member=MemberRefIn(phone=phone))
    with AuthenticatedClient(base_url=base_url, token=token) as loyalty:
        answer = record_with_retries(loyalty, sale)
    parsed = answer.parsed.to_dict() if answer.parsed is not None else answer.content.decode()
    print(json.dumps({"status": int(answer.status_code), "answer": parsed}, ensure_ascii=False, indent=2))
