"""Old events stay readable: the upcasting policy, in code.

The event store rebuilds an event by setting its `__dict__` to the stored state, without calling the
dataclass constructor, so a field added to an event class after events were written would simply be
missing from those events (an `AttributeError` the first time a fold reads it). The rules:

1. **Adding a field** needs nothing more than a default (`= 0`, `= None`, `field(default_factory=dict)`):
   `complete` fills every missing field with its default when an event is read, on the write side's
   mapper and on the read side's fast decoder alike.
2. **Renaming, splitting or re-meaning a field** bumps the class's `class_version` and adds a static
   `upcast_vN_vN+1(state)` that rewrites the stored state in place (the `eventsourcing` library calls
   them in order when it reads an older event). `docs/upcasting.md` has a worked example, and
   tests/integration/test_previous_release.py reads a store written by the previous release.
3. Event classes and their modules are never renamed or moved: their topic is stored with every event.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any, Callable


@lru_cache(maxsize=None)
def _defaults(cls: type) -> tuple[tuple[str, Callable[[], Any]], ...]:
    if not dataclasses.is_dataclass(cls):
        return ()
    made: list[tuple[str, Callable[[], Any]]] = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            made.append((f.name, lambda value=f.default: value))
        elif f.default_factory is not dataclasses.MISSING:
            made.append((f.name, f.default_factory))
    return tuple(made)


def complete(cls: type, state: dict[str, Any]) -> dict[str, Any]:
    """Give `state` (an event's stored fields) every field of `cls` it lacks, at its default."""
    for name, make in _defaults(cls):
        if name not in state:
            state[name] = make()
    return state
