"""One router per area; each route translates HTTP to a command or a read, and nothing more."""
