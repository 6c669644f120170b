"""The messaging settings, read once from the environment: where each provider is and how to sign in.

A sender whose URL is absent is off, and the dispatcher falls through to the next channel. Credentials are
only ever read here, from the environment (or a secrets manager that fills it), never from code or files
in the repository. Prices are what each provider charges per message (SMS: per 160-character part), so
campaign statistics can say what the messages cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Mapping


class MessagingSettingError(ValueError):
    """A messaging setting that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class MessagingSettings:
    zns_url: str | None = None
    """Base URL of the Zalo ZNS API (https://business.openapi.zalo.me); the send endpoint is
    `{zns_url}/message/template`."""
    zns_access_token: str | None = None
    zns_price_vnd: Decimal = Decimal(300)
    sms_url: str | None = None
    """Base URL of the eSMS.vn REST API (https://rest.esms.vn/MainService.svc/json)."""
    sms_api_key: str | None = None
    sms_secret_key: str | None = None
    sms_brandname: str | None = None
    sms_price_vnd: Decimal = Decimal(800)
    sms_callback_url: str | None = None
    smtp_url: str | None = None
    """smtp://user:pass@host:port (STARTTLS when the server offers it), or smtps:// for TLS from the start."""
    mail_from: str | None = None
    per_member_daily_cap: int = 4
    poll_seconds: float = 1.0
    dev_servers: bool = False
    """`make run` only: start local stand-ins for ZNS, eSMS and SMTP and point the senders at them."""

    @property
    def zns_on(self) -> bool:
        return bool(self.zns_url and self.zns_access_token)

    @property
    def sms_on(self) -> bool:
        return bool(self.sms_url and self.sms_api_key and self.sms_secret_key)

    @property
    def email_on(self) -> bool:
        return bool(self.smtp_url and self.mail_from)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> MessagingSettings:
        def text(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        return cls(
            zns_url=text("LOYALTY_ZNS_URL"), zns_access_token=text("LOYALTY_ZNS_ACCESS_TOKEN"),
            zns_price_vnd=_money(environ, "LOYALTY_ZNS_PRICE_VND", "300"),
            sms_url=text("LOYALTY_SMS_URL"), sms_api_key=text("LOYALTY_SMS_API_KEY"),
            sms_secret_key=text("LOYALTY_SMS_SECRET_KEY"), sms_brandname=text("LOYALTY_SMS_BRANDNAME"),
            sms_price_vnd=_money(environ, "LOYALTY_SMS_PRICE_VND", "800"),
            sms_callback_url=text("LOYALTY_SMS_CALLBACK_URL"),
            smtp_url=text("LOYALTY_SMTP_URL"), mail_from=text("LOYALTY_MAIL_FROM"),
            per_member_daily_cap=_int(environ, "LOYALTY_MESSAGES_PER_MEMBER_PER_DAY", "4"),
            dev_servers=environ.get("LOYALTY_MESSAGING_DEV", "").lower() in ("1", "true", "yes"),
        )


def _money(environ: Mapping[str, str], name: str, default: str) -> Decimal:
    try:
        value = Decimal(environ.get(name) or default)
    except InvalidOperation:
        raise MessagingSettingError(f"{name} must be a number of VND, got {environ.get(name)!r}") from None
    if value < 0 or not value.is_finite():
        raise MessagingSettingError(f"{name} must be a number of VND, got {environ.get(name)!r}")
    return value


def _int(environ: Mapping[str, str], name: str, default: str) -> int:
    try:
        value = int(environ.get(name) or default)
    except ValueError:
        raise MessagingSettingError(f"{name} must be a whole number, got {environ.get(name)!r}") from None
    if value < 0:
        raise MessagingSettingError(f"{name} must not be negative, got {value}")
    return value
