"""SMS brandname through eSMS.vn's REST API (`POST {base}/SendMultipleMessage_V4_post_json/`).

Request (developers.esms.vn, "Send OTP/Customer care message"): JSON `{"ApiKey", "SecretKey", "Phone",
"Content", "Brandname", "SmsType": "2", "IsUnicode": "0", "RequestId", "CallbackUrl"}`; the answer is
`{"CodeResult": "100", "CountRegenerate": 0, "SMSID": "..."}` or another `CodeResult` with `ErrorMessage`
("Table of error codes"). `RequestId` is eSMS's documented guard against duplicates, and we send our message
id in it: a resend after a crash is answered `124` (duplicate RequestId), which means it was taken the
first time. SmsType 2 is the per-recipient customer-care type; eSMS's advertising type (1) is a batch API
(at least 30 numbers per request) that per-member messages cannot use, so marketing texts go as type 2 with
the `[QC]` label, within the hours and caps of Decree 91.
"""

from __future__ import annotations

import math
from decimal import Decimal

import httpx
import phonenumbers

from messaging.senders import REFUSED, RETRY, SENT, Outgoing, SendResult

ENDPOINT = "/SendMultipleMessage_V4_post_json/"
ACCEPTED, DUPLICATE = "100", "124"
#: Our account or the gateway, not the message: retry later (and the operator should look).
RETRY_CODES = {"101": "incorrect ApiKey or SecretKey", "102": "no price list", "103": "balance too low",
               "140": "IP not whitelisted"}
GSM_PART, GSM_CONCAT_PART = 160, 153


class EsmsSender:
    channel = "sms"
    needs = "phone"

    def __init__(self, base_url: str, api_key: str, secret_key: str, brandname: str | None,
                 price_vnd: Decimal, callback_url: str | None = None, client: httpx.Client | None = None,
                 timeout_seconds: float = 10.0):
        self.url = base_url.rstrip("/") + ENDPOINT
        self.api_key, self.secret_key, self.brandname = api_key, secret_key, brandname
        self.price_vnd, self.callback_url = price_vnd, callback_url
        self.client = client or httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def send(self, outgoing: Outgoing) -> SendResult:
        phone = local_phone(outgoing.recipient)
        if phone is None:
            return SendResult(REFUSED, "SMS brandname reaches Vietnamese numbers only")
        content = outgoing.rendered.sms
        body = {"ApiKey": self.api_key, "SecretKey": self.secret_key, "Phone": phone, "Content": content,
                "Brandname": self.brandname or "", "SmsType": "2", "IsUnicode": "0",
                "RequestId": outgoing.message_id}
        if self.callback_url:
            body["CallbackUrl"] = self.callback_url
        try:
            response = self.client.post(self.url, json=body)
        except httpx.ConnectError as exc:  # never reached the provider
            return SendResult(RETRY, f"eSMS unreachable: {type(exc).__name__}")
        except httpx.HTTPError as exc:  # may have reached it
            return SendResult(RETRY, f"eSMS did not answer: {type(exc).__name__}", ambiguous=True)
        return self.outcome(response, parts(content))

    def outcome(self, response: httpx.Response, sms_parts: int) -> SendResult:
        if response.status_code == 429:
            return SendResult(RETRY, f"eSMS HTTP 429")
        if response.status_code >= 500:
            return SendResult(RETRY, f"eSMS HTTP {response.status_code}", ambiguous=True)
        try:
            answer = response.json()
            code = str(answer["CodeResult"])
        except (ValueError, KeyError, TypeError):
            return SendResult(RETRY, f"eSMS answered HTTP {response.status_code} without a CodeResult",
                              ambiguous=True)
        cost = self.price_vnd * sms_parts
        if code == ACCEPTED:
            return SendResult(SENT, "ok", str(answer.get("SMSID") or "") or None, cost)
        if code == DUPLICATE:  # our RequestId was taken before: the first send went through
            return SendResult(SENT, "already accepted (duplicate RequestId)", None, cost)
        text = f"eSMS {code}: {answer.get('ErrorMessage') or RETRY_CODES.get(code, '')}".rstrip(": ")
        return SendResult(RETRY if code in RETRY_CODES else REFUSED, text)

    def close(self) -> None:
        self.client.close()


def local_phone(e164: str) -> str | None:
    """`+84912345678` -> `0912345678`; None for a number outside Vietnam."""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 84:
        return None
    return "0" + str(number.national_number)


def parts(text: str) -> int:
    """How many SMS parts (each billed) a text without diacritics takes."""
    return 1 if len(text) <= GSM_PART else math.ceil(len(text) / GSM_CONCAT_PART)
