"""Zalo ZNS: template messages through Zalo's Business OpenAPI (`POST {base}/message/template`).

Request (developers.zalo.me, "Gửi ZNS"): header `access_token: <OA access token>`, JSON body
`{"phone": "84912345678", "template_id": "...", "template_data": {...}, "tracking_id": "..."}`; the phone
is international without `+`. The answer is `{"error": 0, "message": "Success", "data": {"msg_id": ...,
"sent_time": ..., "quota": {...}}}`, or a negative `error` with its `message`. `tracking_id` is our message
id, so a resend after a crash carries the same key and Zalo's delivery reports can be matched to the row.

Error codes (zalo.cloud, "Cách xử lý mã lỗi") are sorted into three classes: those about the recipient
(no Zalo account, cannot receive ZNS, refused this OA) move on to the next channel; those about time or
quota (unknown error, out of quota, night-time sending window, token to refresh) are retried later; those
about our template or app (bad template data, template not approved) also move on, because retrying the
same request cannot succeed, and they are logged for the operator.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import httpx

from messaging.senders import REFUSED, RETRY, SENT, Outgoing, SendResult

log = logging.getLogger("loyalty.messages.zns")

#: Retried later: nothing is wrong with the message itself.
RETRY_CODES = {
    -100: "unknown error",
    -115: "out of quota",
    -124: "access token invalid (refresh LOYALTY_ZNS_ACCESS_TOKEN)",
    -133: "outside the hours Zalo allows for this template",
    -144: "OA daily quota exceeded",
}
#: The recipient cannot get ZNS: try the next channel.
RECIPIENT_CODES = {
    -108: "phone number invalid",
    -110: "Zalo version unsupported",
    -114: "user inactive or rejects the message",
    -118: "Zalo account does not exist",
    -119: "account cannot receive ZNS",
    -139: "user refused this type of ZNS",
    -141: "user refused ZNS from this OA",
}


class ZnsSender:
    channel = "zns"
    needs = "phone"

    def __init__(self, base_url: str, access_token: str, price_vnd: Decimal,
                 client: httpx.Client | None = None, timeout_seconds: float = 10.0):
        self.url = base_url.rstrip("/") + "/message/template"
        self.access_token = access_token
        self.price_vnd = price_vnd
        self.client = client or httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def send(self, outgoing: Outgoing) -> SendResult:
        rendered = outgoing.rendered
        if not rendered.zns_template_id:
            return SendResult(REFUSED, f"no ZNS template for {rendered.kind}")
        body = {"phone": zalo_phone(outgoing.recipient), "template_id": rendered.zns_template_id,
                "template_data": rendered.zns_data, "tracking_id": outgoing.message_id}
        try:
            response = self.client.post(self.url, json=body, headers={"access_token": self.access_token})
        except httpx.ConnectError as exc:  # never reached the provider
            return SendResult(RETRY, f"ZNS unreachable: {type(exc).__name__}")
        except httpx.HTTPError as exc:  # may have reached it
            return SendResult(RETRY, f"ZNS did not answer: {type(exc).__name__}", ambiguous=True)
        return self.outcome(response)

    def outcome(self, response: httpx.Response) -> SendResult:
        if response.status_code == 429:
            return SendResult(RETRY, f"ZNS HTTP 429")
        if response.status_code >= 500:
            return SendResult(RETRY, f"ZNS HTTP {response.status_code}", ambiguous=True)
        try:
            answer = response.json()
            code = int(answer.get("error"))
        except (ValueError, TypeError, AttributeError):
            return SendResult(RETRY, f"ZNS answered HTTP {response.status_code} without a ZNS body", ambiguous=True)
        if code == 0:
            data = answer.get("data") or {}
            return SendResult(SENT, "ok", str(data.get("msg_id") or "") or None, self.price_vnd)
        text = f"ZNS {code}: {answer.get('message') or RETRY_CODES.get(code) or RECIPIENT_CODES.get(code, '')}"
        if code in RETRY_CODES:
            return SendResult(RETRY, text)
        if code not in RECIPIENT_CODES:
            log.warning("ZNS refused a message for a reason of ours: %s", text)
        return SendResult(REFUSED, text)

    def close(self) -> None:
        self.client.close()


def zalo_phone(e164: str) -> str:
    """`+84912345678` -> `84912345678`: Zalo wants the international form without the plus."""
    return e164.lstrip("+")
