"""The demo program: "Cà Phê Sài Gòn", a coffee chain, as marketing would set it up.

It is a definition file (`demo.json`) read and decided through the same `decide_*` functions as any program
created with `loyalty program init`, so the demo is also a check that an ordinary program passes validation.
1 point per 10.000 ₫; the 10th coffee free; double points on Saturday and Sunday; a birthday-month bonus; four tiers on 12 months' spend; gift cards and delivery
fees earn nothing; points usable at once and expiring at the end of the following year.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from loyalty_core.program.decide import decide_all
from loyalty_core.program.definition import commands_from_definition
from loyalty_core.program.events import ProgramEvent
from loyalty_core.program.program import ProgramState

DEMO_PROGRAM_ID = UUID("5f0c2a8e-3b1d-4c47-9a61-0d7a1e2f3c4b")
DEMO_CREATED_AT = datetime(2025, 1, 1, tzinfo=UTC)

#: The demo is a definition file like any program marketing writes (`loyalty program init FILE`).
DEMO_DEFINITION = Path(__file__).with_name("demo.json")


def demo_program_commands(program_id: UUID = DEMO_PROGRAM_ID) -> list[object]:
    """The commands marketing would send to set up Cà Phê Sài Gòn, read from `demo.json`."""
    return commands_from_definition(json.loads(DEMO_DEFINITION.read_text(encoding="utf-8")), program_id)


def demo_program_events(
    program_id: UUID = DEMO_PROGRAM_ID, now: datetime = DEMO_CREATED_AT, actor: str = "demo"
) -> list[ProgramEvent]:
    """The events that record the demo program, as the event store would hold them."""
    _, events = decide_all(None, demo_program_commands(program_id), now, actor)
    return events


def demo_program(program_id: UUID = DEMO_PROGRAM_ID, now: datetime = DEMO_CREATED_AT) -> ProgramState:
    state, _ = decide_all(None, demo_program_commands(program_id), now, "demo")
    assert state is not None
    return state
