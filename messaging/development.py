"""Messages in development (`make run`): local stand-ins for ZNS, eSMS and SMTP, and the dispatcher.

Unless the environment already points a sender at a real provider (`LOYALTY_ZNS_URL`, `LOYALTY_SMS_URL`,
`LOYALTY_SMTP_URL`), the quick start starts the three stand-ins on free local ports and sends there, so
every message of the demo goes through the real senders and shows in the terminal as the stand-in received
it. The dispatcher runs on a thread beside the worker, sharing the process's one SQLite writer.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from typing import Any, Mapping

from loyalty_core.settings import Settings
from messaging.devservers import DevServers, start_dev_servers
from messaging.runner import run_messages
from messaging.settings import MessagingSettings

REAL_PROVIDER_SETTINGS = ("LOYALTY_ZNS_URL", "LOYALTY_SMS_URL", "LOYALTY_SMTP_URL")


@dataclass
class DevelopmentMessages:
    thread: threading.Thread
    servers: DevServers | None
    settings: MessagingSettings

    def describe(self) -> str:
        if self.servers is None:
            return "Messages: sent to the providers configured in the environment"
        return (f"Messages: sent to local stand-ins (ZNS {self.servers.zns.url}, eSMS {self.servers.sms.url}, "
                f"SMTP {self.servers.smtp.url}); each delivery is printed here")

    def close(self) -> None:
        self.thread.join(timeout=10)
        if self.servers is not None:
            self.servers.close()


def _show(name: str) -> None:
    # uvicorn configures only its own loggers; make sure the deliveries are seen in the terminal.
    logger = logging.getLogger(name)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def start_in_development(core: Settings, service: Any, stop: threading.Event,
                         environ: Mapping[str, str], api_url: str = "") -> DevelopmentMessages:
    """Stand-ins (unless real providers are configured) and the dispatcher; `api_url` takes the stand-ins'
    delivery reports."""
    real = any(environ.get(name) for name in REAL_PROVIDER_SETTINGS)
    servers = None if real else start_dev_servers(api_url)
    settings = MessagingSettings.from_env({**environ, **(servers.environ() if servers else {})})
    for name in ("loyalty.devservers", "loyalty.messages"):
        _show(name)
    thread = threading.Thread(target=run_messages, name="messages", daemon=True,
                              args=(core, service, settings, stop))
    thread.start()
    return DevelopmentMessages(thread, servers, settings)
