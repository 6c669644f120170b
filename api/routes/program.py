"""Program administration (admin): earning rules, tiers, rewards, campaigns, expiry and refund policies.

Filled in the second round, once `loyalty_core/program/` exposes its commands through the service. Every
route here will be `Admin`-only and every POST will take an Idempotency-Key, like the ledger's.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.errors import problems

router = APIRouter(prefix="/v1/program", tags=["program"], responses=problems(401, 403, 429))
