"""Points and money: the bounds and the parsing every command goes through.

Points are whole numbers with an explicit ceiling, so a 10^30 balance is impossible whatever the input.
Money is `Decimal` with the currency's minor unit (VND has none): a float, NaN, Infinity or a VND amount
with decimals is refused rather than rounded, because a ledger that rounds silently cannot be audited.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from loyalty_core.errors import AmountMustBePositive, AmountNotWholeVnd, AmountTooLarge, InvalidMoney

#: The most points one command may move. A generous ceiling far above any real basket.
MAX_POINTS_PER_COMMAND = 100_000_000
#: The most points one member may hold; with the per-command ceiling this keeps every sum in int64.
MAX_BALANCE = 1_000_000_000_000
#: The largest money amount one transaction may carry (10^13 VND is a hundred billion dollars).
MAX_MONEY = Decimal("10000000000000")

#: ISO 4217 minor units of the currencies we accept.
CURRENCY_MINOR_UNITS = {"VND": 0, "USD": 2, "EUR": 2, "SGD": 2, "THB": 2, "JPY": 0, "KRW": 0}


def check_points(points: object, *, field: str = "points") -> int:
    """Return `points` if it is a positive whole number within bounds; raise otherwise."""
    if isinstance(points, bool) or not isinstance(points, int):
        raise AmountMustBePositive(f"{field} must be a whole number of points, got {points!r}", field=field)
    if points <= 0:
        raise AmountMustBePositive(f"{field} must be positive, got {points}", field=field)
    if points > MAX_POINTS_PER_COMMAND:
        raise AmountTooLarge(f"{field} must be at most {MAX_POINTS_PER_COMMAND}, got {points}", field=field)
    return points


def check_delta(delta: object, *, field: str = "points") -> int:
    """A signed adjustment: non-zero, whole, within bounds."""
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise AmountMustBePositive(f"{field} must be a whole number of points, got {delta!r}", field=field)
    if delta == 0:
        raise AmountMustBePositive(f"{field} must not be zero", field=field)
    check_points(abs(delta), field=field)
    return delta


def minor_units(currency: str) -> int:
    try:
        return CURRENCY_MINOR_UNITS[currency]
    except KeyError:
        raise InvalidMoney(f"unsupported currency {currency!r}", field="currency") from None


def _check_separators(text: str, currency: str, field: str) -> None:
    """Machines write money with no thousands separator and a dot for decimals. In VND (no minor unit) any
    separator is a cashier's grouping ("125.000" = 125000) or a decimal that cannot exist: refused, never read
    as 125 ₫. Elsewhere a comma is refused: "12,50" is ambiguous between locales."""
    if currency == "VND" and ("." in text or "," in text):
        raise AmountNotWholeVnd(f"{field}: VND has no decimals, so {text!r} is ambiguous; write the whole number "
                                f"of đồng with no separator, e.g. 125000 for 125.000 ₫", field=field)
    if "," in text:
        raise InvalidMoney(f"{field}: write amounts with a dot for decimals and no thousands separator, "
                           f"not {text!r}", field=field)


def parse_money(value: object, currency: str, *, field: str = "amount", allow_zero: bool = True) -> Decimal:
    """Parse a money amount given as a decimal string, an int or a Decimal (never a float)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidMoney(f"{field} must be a decimal string, not a float: {value!r}", field=field)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        _check_separators(value, currency, field)
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidMoney(f"{field} is not a number: {value!r}", field=field) from None
    else:
        raise InvalidMoney(f"{field} must be a decimal string: {value!r}", field=field)
    if not amount.is_finite():
        raise InvalidMoney(f"{field} must be finite: {value!r}", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise AmountMustBePositive(f"{field} must be positive: {value!r}", field=field)
    if amount > MAX_MONEY:
        raise AmountTooLarge(f"{field} must be at most {MAX_MONEY}: {value!r}", field=field)
    places = minor_units(currency)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places and amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise InvalidMoney(f"{field} has more decimals than {currency} allows ({places}): {value!r}", field=field)
    return amount.quantize(Decimal(1).scaleb(-places))
