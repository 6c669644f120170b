"""Creating a store's program from a definition document, once.

A store has one program (its id is derived from `LOYALTY_PROGRAM`). `create_program` decides the whole
definition with the program's own checks and records every event of it in one write, so a program is either
created complete or not at all; two processes creating it at once write one program (the second one's write
conflicts, and it is told the program exists). A dry run decides the same and writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core.program.definition import dry_run
from loyalty_core.program.program import ProgramState


class ProgramAlreadyExists(errors.LoyaltyError):
    code = "program_already_exists"
    message_vi = "Cửa hàng đã có chương trình; hãy sửa chương trình hiện có thay vì tạo mới."


def create_program(policy: Any, document: Any, now: datetime, actor: str, *, check_only: bool = False,
                   receipt: ev.CommandAccepted | None = None) -> tuple[ProgramState, list[Any]]:
    """Decide a definition; unless `check_only`, record its events (with `receipt`, in the same write)."""
    policy.book.refresh(force=True)
    if policy.book._state is not None:
        raise ProgramAlreadyExists(f"this store already has program {policy.book._state.code} (version "
                                   f"{policy.book._state.version}); change it instead of creating another")
    state, events = dry_run(document, policy.program_id, now, actor)
    if check_only:
        return state, events
    try:
        policy.store.record([*events, *([receipt] if receipt is not None else [])])
    except errors.WriteConflict:
        raise ProgramAlreadyExists("another process created this store's program at the same moment") from None
    policy.book.refresh(force=True)
    return state, events
