"""Statistics (analyst, admin): campaign stats, KPIs and segments from the read side's projections.

Filled in the second round, once `projections/` exposes its queries. These are screens, not decisions, so
they may lag the ledger by the projections' delay; every answer will say as of which log position.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.errors import problems

router = APIRouter(prefix="/v1/stats", tags=["statistics"], responses=problems(401, 403, 429))
