"""The one-time-code sender the API's code service plugs in (`api/otp.py`: `send(phone, text)`).

`OneTimeCodes(tables, send=OutboxCodeSender(outbox))` queues each code in the outbox as a message of kind
`otp`; the dispatcher sends it at once by ZNS, else SMS (never capped, never deferred: the member is
waiting). The code is taken from the text (its only run of 4 to 8 digits); the wording is the `otp`
template's. The same phone and text queued twice within a minute is one message.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from typing import Callable

from loyalty_core.privacy import lookup
from messaging import send_otp
from messaging.outbox import Outbox

_CODE = re.compile(r"(?<!\d)(\d{4,8})(?!\d)")


class OutboxCodeSender:
    def __init__(self, outbox: Outbox, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.outbox, self.clock = outbox, clock

    def __call__(self, phone: str, text: str) -> None:
        found = _CODE.search(text)
        if found is None:
            raise ValueError("no code of 4 to 8 digits in the text")
        now = self.clock()
        request = f"{phone}/{text}/{now:%Y%m%d%H%M}".encode()
        # keyed where a store is open: the key names the phone and the code, and must not be guessable from them
        key = (lookup.request_digest(request) if lookup.installed() else hashlib.sha256(request).hexdigest())[:32]
        send_otp(self.outbox, phone, found.group(1), request_key=key, now=now)
