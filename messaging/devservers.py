"""Local stand-ins for the providers: Zalo ZNS, eSMS.vn and an SMTP server, for `make run` and the tests.

Each stand-in checks every request the way the provider documents it and answers with the provider's own
success and error bodies: ZNS wants the `access_token` header, a phone `84…` without `+`, a `template_id`,
a `template_data` object of strings and a `tracking_id`, and answers `{"error": 0, "message": "Success",
"data": {"msg_id": …}}` or a negative `error`; eSMS wants `ApiKey`, `SecretKey`, `Phone`, `Content`,
`SmsType` and answers `{"CodeResult": "100", "SMSID": …}`, with `124` for a `RequestId` it has seen. The ZNS
stand-in dedupes on `tracking_id` too, and the SMTP one on `Message-ID`, so a resend after a crash is
delivered once. `deliveries` lists what reached a "phone" or "inbox"; tests can queue error answers
(`script`) and watch each accepted request (`on_accept`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

log = logging.getLogger("loyalty.devservers")

ZNS_PHONE = re.compile(r"^84\d{9,10}$")
VN_PHONE = re.compile(r"^(0\d{9,10}|84\d{9,10})$")


@dataclass
class Delivery:
    channel: str
    key: str
    """tracking_id, RequestId or Message-ID: what the stand-in dedupes on."""
    to: str
    body: Any
    requests: int = 1
    """How many requests carried this key (1 + the resends it deduped)."""
    provider_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class StandIn:
    """What a stand-in received, shared with whoever runs it."""

    name: str
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    script: list[Any] = field(default_factory=list)
    """Answers to give before accepting anything: an error code (int for ZNS, str for eSMS), or 'http500'."""
    on_accept: Callable[[Delivery], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, channel: str, key: str, to: str, body: Any, summary: str = "") -> tuple[bool, Delivery]:
        """(first time, the delivery) for a valid request."""
        with self.lock:
            known = self.deliveries.get(key)
            if known is not None:
                known.requests += 1
                return False, known
            delivery = self.deliveries[key] = Delivery(channel, key, to, body)
        log.info("%s stand-in delivered to %s: %s [%s]", self.name, to, summary, key)
        if self.on_accept is not None:
            self.on_accept(delivery)
        return True, delivery

    def scripted(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else None


class _JsonHandler(BaseHTTPRequestHandler):
    stand_in: StandIn

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s: " + format, self.stand_in.name, *args)

    def answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            return None


class ZnsHandler(_JsonHandler):
    access_token = ""
    webhook_url = ""

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path.rstrip("/") != "/message/template":
            return self.answer(404, {"error": -106, "message": "Method unsupported"})
        if self.headers.get("access_token") != self.access_token:
            return self.answer(200, {"error": -124, "message": "Access token invalid"})
        body = self.body()
        problem = zns_problem(body)
        if problem:
            self.stand_in.rejected.append({"body": body, "problem": problem})
            return self.answer(200, {"error": problem[0], "message": problem[1]})
        scripted = self.stand_in.scripted()
        if scripted == "http500":
            return self.answer(500, {"error": -100, "message": "Unknown error"})
        if scripted is not None:
            return self.answer(200, {"error": int(scripted), "message": "scripted error"})
        first, delivery = self.stand_in.accept("zns", body["tracking_id"], body["phone"], body,
                                               f"template {body['template_id']} {body['template_data']}")
        if first and self.webhook_url:  # Zalo's webhook: the phone received it
            report(self.webhook_url, "POST", json={"event_name": "user_received_message", "message": {
                "msg_id": delivery.provider_id, "tracking_id": body["tracking_id"]}})
        self.answer(200, {"error": 0, "message": "Success", "data": {
            "msg_id": delivery.provider_id, "sent_time": "0",
            "quota": {"dailyQuota": "500", "remainingQuota": "499"}}})


def zns_problem(body: Any) -> tuple[int, str] | None:
    if not isinstance(body, dict):
        return -121, "Body data empty"
    if not isinstance(body.get("phone"), str) or not ZNS_PHONE.match(body["phone"]):
        return -108, "Phone number invalid"
    if not isinstance(body.get("template_id"), str) or not body["template_id"]:
        return -109, "Template ID invalid"
    data = body.get("template_data")
    if not isinstance(data, dict) or not data or not all(isinstance(v, str) for v in data.values()):
        return -111, "Template data empty"
    if not isinstance(body.get("tracking_id"), str) or not body["tracking_id"]:
        return -132, "tracking_id missing"
    return None


class EsmsHandler(_JsonHandler):
    api_key = ""
    secret_key = ""

    def do_POST(self) -> None:  # noqa: N802
        if self.path.rstrip("/") != "/SendMultipleMessage_V4_post_json":
            return self.answer(404, {"CodeResult": "118", "ErrorMessage": "Unsupported message type"})
        body = self.body()
        if not isinstance(body, dict) or body.get("ApiKey") != self.api_key or \
                body.get("SecretKey") != self.secret_key:
            return self.answer(200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"})
        problem = esms_problem(body)
        if problem:
            self.stand_in.rejected.append({"body": body, "problem": problem})
            return self.answer(200, {"CodeResult": problem[0], "ErrorMessage": problem[1]})
        scripted = self.stand_in.scripted()
        if scripted == "http500":
            return self.answer(500, {"CodeResult": "-1", "ErrorMessage": "server error"})
        if scripted is not None:
            return self.answer(200, {"CodeResult": str(scripted), "ErrorMessage": "scripted error"})
        key = body.get("RequestId") or uuid.uuid4().hex
        first, delivery = self.stand_in.accept("sms", key, body["Phone"], body, body["Content"])
        if not first:
            return self.answer(200, {"CodeResult": "124", "ErrorMessage": "Duplicate RequestId"})
        self.answer(200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": delivery.provider_id})
        if body.get("CallbackUrl"):  # eSMS reports the final status later, by GET on the CallbackUrl
            report(body["CallbackUrl"], "GET", params={"SMSID": delivery.provider_id, "RequestId": key,
                                                       "SendStatus": "5", "phonenumber": body["Phone"]})


def esms_problem(body: dict[str, Any]) -> tuple[str, str] | None:
    if not isinstance(body.get("Phone"), str) or not VN_PHONE.match(body["Phone"]):
        return "108", "Phone number is not in correct format"
    if not isinstance(body.get("Content"), str) or not body["Content"].strip():
        return "110", "Content is empty"
    if str(body.get("SmsType")) not in ("1", "2", "8"):
        return "118", "Unsupported message type"
    if str(body.get("SmsType")) == "2" and not body.get("Brandname"):
        return "104", "Brandname does not exist"
    if str(body.get("IsUnicode", "0")) == "0" and not body["Content"].isascii():
        return "110", "Content has Unicode characters but IsUnicode is 0"
    return None


REPORT_DELAY_SECONDS = 1.0
"""Providers report delivery seconds after accepting; a report before the sender recorded the send is lost."""


def report(url: str, method: str, **kwargs: Any) -> None:
    """Send a delivery report from a thread, a moment after the answer (as the providers do)."""
    def post() -> None:
        import time

        import httpx

        time.sleep(REPORT_DELAY_SECONDS)
        try:
            httpx.request(method, url, timeout=5, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("delivery report to %s failed: %s", url, exc)

    threading.Thread(target=post, name="delivery-report", daemon=True).start()


class HttpStandIn:
    """A stand-in served by a stdlib HTTP server on a thread: `url`, `stand_in`, `close()`."""

    def __init__(self, handler: type[_JsonHandler], name: str, host: str = "127.0.0.1", port: int = 0,
                 **settings: str):
        self.stand_in = StandIn(name)
        handler_type = type(f"{name}Handler", (handler,), {"stand_in": self.stand_in, **settings})
        self.server = ThreadingHTTPServer((host, port), handler_type)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"{name}-stand-in", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def zns_stand_in(access_token: str, port: int = 0, webhook_url: str = "") -> HttpStandIn:
    return HttpStandIn(ZnsHandler, "zns", port=port, access_token=access_token, webhook_url=webhook_url)


def esms_stand_in(api_key: str, secret_key: str, port: int = 0) -> HttpStandIn:
    return HttpStandIn(EsmsHandler, "esms", port=port, api_key=api_key, secret_key=secret_key)


class SmtpInbox:
    """aiosmtpd's handler: keeps each message once per Message-ID (a resend adds nothing)."""

    def __init__(self) -> None:
        self.stand_in = StandIn("smtp")

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        mail = message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        key = str(mail.get("Message-ID") or uuid.uuid4())
        scripted = self.stand_in.scripted()
        if scripted is not None:
            return str(scripted)
        self.stand_in.accept("email", key, ", ".join(envelope.rcpt_tos), mail, str(mail["Subject"]))
        return "250 Message accepted for delivery"


class SmtpStandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        from aiosmtpd.controller import Controller

        self.inbox = SmtpInbox()
        self.stand_in = self.inbox.stand_in
        self.controller = Controller(self.inbox, hostname=host, port=port or _free_port(host))
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://{self.controller.hostname}:{self.controller.port}"

    def close(self) -> None:
        self.controller.stop()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class DevServers:
    zns: HttpStandIn
    sms: HttpStandIn
    smtp: SmtpStandIn
    api_url: str = ""
    """Where the service takes delivery reports (`make run`): the stand-ins report there, as providers do."""

    def environ(self) -> dict[str, str]:
        """The settings that point the senders at these stand-ins (credentials invented for development)."""
        return {"LOYALTY_ZNS_URL": self.zns.url, "LOYALTY_ZNS_ACCESS_TOKEN": DEV_TOKEN,
                "LOYALTY_SMS_URL": self.sms.url, "LOYALTY_SMS_API_KEY": DEV_KEY,
                "LOYALTY_SMS_SECRET_KEY": DEV_SECRET, "LOYALTY_SMS_BRANDNAME": "CPSG",
                "LOYALTY_SMTP_URL": self.smtp.url, "LOYALTY_MAIL_FROM": "loyalty@cpsg.local",
                **({"LOYALTY_SMS_CALLBACK_URL": f"{self.api_url}/v1/messages/callbacks/esms"} if self.api_url else {})}

    def close(self) -> None:
        for server in (self.zns, self.sms, self.smtp):
            server.close()


DEV_TOKEN, DEV_KEY, DEV_SECRET = "dev-zns-token", "dev-esms-key", "dev-esms-secret"


def start_dev_servers(api_url: str = "") -> DevServers:
    """The three stand-ins; given the service's URL, they send delivery reports to it."""
    webhook = f"{api_url}/v1/messages/callbacks/zalo" if api_url else ""
    return DevServers(zns_stand_in(DEV_TOKEN, webhook_url=webhook), esms_stand_in(DEV_KEY, DEV_SECRET),
                      SmtpStandIn(), api_url)
