"""Wiring and the loop: senders from the settings, the dispatcher on the outbox, reminders every hour.

`run_messages` is what `loyalty messages run` and `make run` start beside the worker (whose projection
fills the outbox). Several may run at once, on several machines: a message is claimed under a lease, and
every write after the claim names the lease.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Any, Callable

from loyalty_core.settings import Settings
from messaging.dispatcher import Dispatcher
from messaging.outbox import Outbox
from messaging.reminders import Hourly
from messaging.senders import Sender
from messaging.senders.email import SmtpSender
from messaging.senders.sms import EsmsSender
from messaging.senders.zns import ZnsSender
from messaging.settings import MessagingSettings
from projections.readstore import open_read_store

log = logging.getLogger("loyalty.messages")
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def build_senders(settings: MessagingSettings) -> dict[str, Sender]:
    """The senders whose settings are present; a channel without settings is off."""
    senders: dict[str, Sender] = {}
    if settings.zns_on:
        senders["zns"] = ZnsSender(settings.zns_url or "", settings.zns_access_token or "", settings.zns_price_vnd)
    if settings.sms_on:
        senders["sms"] = EsmsSender(settings.sms_url or "", settings.sms_api_key or "", settings.sms_secret_key or "",
                                    settings.sms_brandname, settings.sms_price_vnd, settings.sms_callback_url)
    if settings.email_on:
        senders["email"] = SmtpSender(settings.smtp_url or "", settings.mail_from or "")
    return senders


def open_outbox(settings: Settings) -> Outbox:
    return Outbox(open_read_store(settings)).ensure()


def run_messages(core: Settings, service: Any, settings: MessagingSettings, stop: threading.Event, *,
                 clock: Clock = utc_now, senders: dict[str, Sender] | None = None,
                 dispatcher_type: type[Dispatcher] = Dispatcher, max_steps: int | None = None,
                 heartbeat: Callable[[], None] | None = None, metrics: Any = None) -> None:
    """Send due messages until `stop` is set (or for `max_steps` steps); `heartbeat` after each good step;
    `metrics` (projections.process_metrics.LoopMetrics) counts steps, messages handled, failed steps, and
    reads the outbox by status at each scrape."""
    outbox = open_outbox(core)
    if metrics is not None:
        metrics.watch("loyalty_messages", "Messages in the outbox by status", "status", outbox.counts)
    senders = build_senders(settings) if senders is None else senders
    log.info("messages: senders on: %s", ", ".join(sorted(senders)) or "none (set LOYALTY_ZNS_URL, ...)")
    dispatcher = dispatcher_type(outbox, service, senders, per_member_daily_cap=settings.per_member_daily_cap,
                                 clock=clock)
    reminders = Hourly(service, outbox, clock)
    steps = 0
    try:
        while not stop.is_set() and (max_steps is None or steps < max_steps):
            steps += 1
            try:
                reminders()
                handled = dispatcher.step()
                if heartbeat is not None:
                    heartbeat()
                if metrics is not None:
                    metrics.step(handled)
            except Exception:  # noqa: BLE001 - a database hiccup: log, wait, go on
                log.exception("messages step failed; retrying")
                if metrics is not None:
                    metrics.failed()
                handled = 0
            if not handled:
                stop.wait(settings.poll_seconds)
    finally:
        for sender in senders.values():
            sender.close()
        outbox.store.close()
