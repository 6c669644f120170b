"""Log lines as JSON objects, one a line, each with the request id of the HTTP request it was written for.

`LOYALTY_LOG_FORMAT=json` (the default outside development) or `text`; `LOYALTY_LOG_LEVEL` (INFO). Every
`loyalty` command configures the root logger once at start (`configure`), so the API, the worker and the
dispatchers all write the same shape: `{"ts", "level", "logger", "message", "request_id"?, "exc"?}`.
The standard library's logging is enough here; the one thing added is the formatter.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Mapping

from loyalty_core.request_context import current_request_id

_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id is not None:
            line["request_id"] = request_id
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(environ: Mapping[str, str]) -> str:
    """Set up the root logger from the environment; the format chosen (json or text)."""
    development = environ.get("LOYALTY_ENV", "").strip().lower() == "development"
    chosen = (environ.get("LOYALTY_LOG_FORMAT") or ("text" if development else "json")).strip().lower()
    if chosen not in ("json", "text"):
        raise ValueError(f"LOYALTY_LOG_FORMAT must be json or text, got {chosen!r}")
    level = (environ.get("LOYALTY_LOG_LEVEL") or "INFO").strip().upper()
    if level not in _LEVELS:
        raise ValueError(f"LOYALTY_LOG_LEVEL must be one of {', '.join(_LEVELS)}, got {level!r}")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if chosen == "json" else
                         logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    return chosen
