"""Amounts as a cashier types them on the command line: "125.000", "125,000", "125.000 ₫" and "125000" all
mean one hundred and twenty-five thousand đồng.

The API takes machine-written amounts only and refuses "125.000" (it would read as 125 ₫); a person at a
terminal writes the Vietnamese way, so the CLI reads grouped numbers with babel's strict parser, in the
Vietnamese locale for dot grouping and the English one for comma grouping. Whatever could be read two ways
("125,5", "12.34", "1.234,5") is refused with one line saying how to write it, never guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from loyalty_cli.output import fail

_CURRENCY = re.compile(r"\s*(₫|đ|d|vnd|vnđ|đồng|dong)\s*$", re.IGNORECASE)
_HINT = "write whole đồng, e.g. 125000, 125.000 or 125.000 ₫"


def parse_vnd(text: str, what: str = "amount") -> Decimal:
    """A whole number of đồng from a cashier's spelling; one line naming what was wrong otherwise."""
    raw = text
    text = _CURRENCY.sub("", text.strip()).replace(" ", "").replace("\u00a0", "")
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if not digits or not re.fullmatch(r"[0-9.,]+", digits):
        fail(f"{what} {raw!r} is not an amount: {_HINT}")
    if "." in digits and "," in digits:
        fail(f"{what} {raw!r} mixes '.' and ',' and could be read two ways: {_HINT}")
    locale = "en_US" if "," in digits else "vi_VN"  # the separator given is the grouping one
    try:
        value = parse_decimal(digits, locale=locale, strict=True)
    except NumberFormatError:
        fail(f"{what} {raw!r} is ambiguous (a decimal, or a misplaced separator?): "
                f"{_HINT}")
    if value != value.to_integral_value():
        fail(f"{what} {raw!r} has decimals, and VND has none: {_HINT}")
    value = Decimal(int(value))
    return -value if negative else value


def parse_line(spec: str) -> tuple[str, str | None, int, Decimal]:
    """SKU:CATEGORY:QUANTITY:UNIT_PRICE, the price spelled as `parse_vnd` reads it (negative: a discount)."""
    parts = spec.split(":")
    if len(parts) != 4:
        fail(f"--line {spec!r}: expected SKU:CATEGORY:QUANTITY:UNIT_PRICE, "
                                 "e.g. CF-SUA-DA:coffee:1:45.000")
    sku, category, quantity, price = parts
    if not sku.strip():
        fail(f"--line {spec!r}: the SKU is missing")
    if not quantity.isdigit() or not 0 < int(quantity) <= 10_000:
        fail(f"--line {spec!r}: the quantity must be a whole number from 1 to 10000")
    return sku, category or None, int(quantity), parse_vnd(price, f"--line {sku} price")
