"""Vietnam's 2018 mobile renumbering: the 11-digit numbers of paper cards and old spreadsheets, made current.

Between 15 September and 15 November 2018 every 11-digit mobile number (`01xx` + 7 digits) moved to a 10-digit
one by replacing its four-digit prefix with a three-digit one (Viettel 0162–0169 → 032–039, MobiFone 0120 →
070, …); the last seven digits stayed. A chain's old member lists still hold the old numbers, which no longer
dial and no longer parse, so an import converts them before normalising. The table is the Ministry of
Information and Communications' (Decision 798/QĐ-BTTTT), all 21 prefixes of the five networks.
"""

from __future__ import annotations

import re

#: Old four-digit prefix (with the leading 0) -> today's three-digit prefix.
RENUMBERED_PREFIXES: dict[str, str] = {
    # Viettel
    "0162": "032", "0163": "033", "0164": "034", "0165": "035",
    "0166": "036", "0167": "037", "0168": "038", "0169": "039",
    # MobiFone
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    # VinaPhone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    # Vietnamobile
    "0186": "056", "0188": "058",
    # Gmobile
    "0199": "059",
}

_SEPARATORS = re.compile(r"[\s.\-()]")


def modernise_mobile(raw: str) -> str:
    """Today's number for a pre-2018 11-digit mobile number; anything else comes back unchanged.

    Accepts the ways old lists wrote them: `01689123456`, `0168 912 3456`, `841689123456`, `+84 168 912 3456`.
    The answer keeps the national form (`0389123456`) or, when the input had the country code, `+84…`.
    """
    if not isinstance(raw, str):
        return raw
    digits = _SEPARATORS.sub("", raw.strip())
    international = False
    if digits.startswith("+84"):
        digits, international = "0" + digits[3:], True
    elif digits.startswith("84") and len(digits) == 12:
        digits, international = "0" + digits[2:], True
    if len(digits) != 11 or not digits.isdigit():
        return raw
    new_prefix = RENUMBERED_PREFIXES.get(digits[:4])
    if new_prefix is None:
        return raw
    modern = new_prefix + digits[4:]
    return "+84" + modern[1:] if international else modern
