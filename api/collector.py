"""The cyclic garbage collector, set for a long-running API process (and for `loyalty import`'s bulk writes).

A request allocates a few thousand short-lived objects (the parsed body, pydantic models, the answer), almost
none in reference cycles, which reference counting frees at once. With CPython's default thresholds the
collector still scans the young generation every 700 net allocations, and every so often the whole heap:
the member cache, the program, every module, growing with the process. `tune()` runs once the app is built:
everything alive then is frozen (never scanned again: it lives as long as the process) and the young
generation is scanned every `YOUNG` allocations instead of 700, so a collection is rarer and cheaper. Cycles
are still collected; only their timing changes. Measured in docs/benchmarks.md (issue 17 notes).
"""

from __future__ import annotations

import gc
import os

YOUNG = 50_000


_tuned = False


def tune() -> None:
    """Once per process (a second call, e.g. a CLI command run twice in one test process, does nothing)."""
    global _tuned
    if _tuned or os.environ.get("LOYALTY_GC_DEFAULTS") == "1":  # A/B runs, or whoever wants CPython's own
        return
    _tuned = True
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
