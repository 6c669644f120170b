"""Wiring: the store, the program policy and the service for the configured settings.

Every process (CLI, API, worker) builds its service here, so they all use the same store and the same
program for the same `LOYALTY_DATABASE_URL`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Callable, Mapping
from datetime import datetime

from loyalty_core import approvals
from loyalty_core import presence
from loyalty_core import program_policy as program
from loyalty_core.ledger import LedgerStore, open_store
from loyalty_core.migration import handlers as migration
from loyalty_core import identity
from loyalty_core import till_commands
from loyalty_core.service import LoyaltyService, utc_now
from loyalty_core.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    store: LedgerStore
    service: LoyaltyService

    def close(self) -> None:
        self.store.close()


def open_runtime(settings: Settings | None = None, environ: Mapping[str, str] | None = None,
                 clock: Callable[[], datetime] = utc_now) -> Runtime:
    settings = settings or Settings.from_env(os.environ if environ is None else environ)
    store = open_store(settings)
    service = LoyaltyService(store, clock=clock, snapshot_interval=settings.snapshot_interval)
    program.install(service)
    migration.install(service)
    identity.install(service)
    presence.install(service, settings.card_key.encode() or secrets.token_bytes(32))
    approvals.install(service)
    till_commands.install(service)
    return Runtime(settings, store, service)
