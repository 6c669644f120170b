"""The record a fault test leaves: its counts printed on one line (`pytest -s`, `make faults`) and written to
test-artifacts/faults/<name>.json, so docs/reliability.md quotes measured figures, not claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "faults"


def record(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))
    print(f"{name}: {json.dumps(figures, default=str)}")
    return figures


def store_name(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"
