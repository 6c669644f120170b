"""The 2018 renumbering, checked against the whole official table and against what must stay unchanged."""

from __future__ import annotations

import pytest

from loyalty_core.errors import InvalidPhone
from loyalty_core.identifiers import normalise_phone
from loyalty_core.phone_renumbering import RENUMBERED_PREFIXES, modernise_mobile

#: The Ministry's table, written out again here on purpose (not derived from the code under test).
OFFICIAL = [
    ("0162", "032"), ("0163", "033"), ("0164", "034"), ("0165", "035"), ("0166", "036"), ("0167", "037"),
    ("0168", "038"), ("0169", "039"),
    ("0120", "070"), ("0121", "079"), ("0122", "077"), ("0126", "076"), ("0128", "078"),
    ("0123", "083"), ("0124", "084"), ("0125", "085"), ("0127", "081"), ("0129", "082"),
    ("0186", "056"), ("0188", "058"),
    ("0199", "059"),
]


def test_the_table_has_exactly_the_21_official_prefixes():
    assert RENUMBERED_PREFIXES == dict(OFFICIAL)


@pytest.mark.parametrize("old,new", OFFICIAL)
def test_every_old_prefix_becomes_a_valid_current_number_keeping_the_last_seven_digits(old, new):
    converted = modernise_mobile(f"{old}9123456")
    assert converted == f"{new}9123456"
    assert normalise_phone(converted) == f"+84{new[1:]}9123456"


@pytest.mark.parametrize("old,new", OFFICIAL)
def test_international_and_spaced_forms_are_converted_too(old, new):
    assert modernise_mobile(f"+84 {old[1:4]} 912 3456") == f"+84{new[1:]}9123456"
    assert modernise_mobile(f"84{old[1:]}9123456") == f"+84{new[1:]}9123456"
    assert modernise_mobile(f"{old}.912.3456") == f"{new}9123456"


@pytest.mark.parametrize("raw", [
    "0901234567",        # already a current 10-digit number
    "0389123456",        # a converted Viettel number is not converted twice
    "01309123456",       # 0130 was never a mobile prefix in the table
    "0168912345",        # too short to be an old number
    "016891234567",      # too long
    "02838123456",       # a Hồ Chí Minh City landline (11 digits, not a mobile)
    "0168abc3456",
    "",
])
def test_numbers_outside_the_table_come_back_unchanged(raw):
    assert modernise_mobile(raw) == raw


def test_an_old_number_does_not_parse_before_conversion():
    # Why the import converts first: the old number is no longer a valid Vietnamese number.
    with pytest.raises(InvalidPhone):
        normalise_phone("01689123456")
