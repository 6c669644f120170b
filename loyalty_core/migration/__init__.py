"""Migration: bringing a chain's paper cards and spreadsheets onto the ledger.

`files` reads CSV and Excel into rows of text; `rows` checks each row and names every problem (row, column,
why, in Vietnamese); `handlers` turns a checked row into one idempotent command (a member with an opening
balance and a tier, or a historical purchase); `runner` feeds those commands through the service from a
thread pool, so group commit writes many rows per transaction, skipping rows an earlier run already did.
"""
