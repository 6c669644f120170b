"""The catalogue of error codes, served to anyone: it holds no data, only what each code means."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.error_catalogue import catalogue

router = APIRouter(prefix="/v1", tags=["errors"])


@router.get("/errors")
def list_error_codes() -> dict[str, Any]:
    """List every error code with its HTTP status and meaning in Vietnamese and English."""
    return {"errors": catalogue()}
