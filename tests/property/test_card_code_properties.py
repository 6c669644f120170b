"""Properties of the rotating card code: the acceptance window is exactly ±1 step, whatever the instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from loyalty_core import card_code as cc

instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2060, 1, 1),
                        timezones=st.just(UTC))
secrets = st.builds(lambda key, member, sid: cc.member_secret(key, member, sid),
                    st.binary(min_size=16, max_size=64), st.uuids(), st.text(min_size=1, max_size=20))


@given(secrets, instants, st.integers(min_value=-cc.SKEW_STEPS, max_value=cc.SKEW_STEPS),
       st.integers(min_value=0, max_value=59))
def test_a_code_shown_within_one_step_of_the_tills_clock_is_accepted(secret: bytes, shown_at: datetime,
                                                                      skew: int, second: int) -> None:
    checked_at = shown_at.replace(second=0, microsecond=0) + timedelta(minutes=skew, seconds=second)
    accepted = cc.verify(secret, cc.totp(secret, shown_at), checked_at)
    # The accepted step is the shown one unless the same digits also belong to a later step in the window.
    assert accepted.counter >= cc.counter_at(shown_at)
    assert abs(accepted.counter - cc.counter_at(checked_at)) <= cc.SKEW_STEPS


@given(secrets, instants, st.integers(min_value=2, max_value=cc.EXPIRED_LOOKBACK_STEPS))
def test_a_code_two_or_more_steps_old_is_refused_as_expired_unless_it_collides(secret: bytes, shown_at: datetime,
                                                                              steps_late: int) -> None:
    digits = cc.totp(secret, shown_at)
    checked_at = shown_at + timedelta(minutes=steps_late)
    now = cc.counter_at(checked_at)
    window = {cc.hotp(secret, c) for c in range(now - cc.SKEW_STEPS, now + cc.SKEW_STEPS + 1)}
    try:
        cc.verify(secret, digits, checked_at)
    except cc.CardCodeProblem as problem:
        assert problem.kind == "expired"
    else:  # only if another step in the window happens to have the same six digits (about 3 in a million)
        assert digits in window


@given(secrets, instants, st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_verify_accepts_exactly_the_digits_of_the_window(secret: bytes, at: datetime, digits: str) -> None:
    now = cc.counter_at(at)
    window = {cc.hotp(secret, c) for c in range(now - cc.SKEW_STEPS, now + cc.SKEW_STEPS + 1)}
    try:
        cc.verify(secret, digits, at)
        assert digits in window
    except cc.CardCodeProblem:
        assert digits not in window


@given(secrets, instants)
def test_every_code_is_six_digits_and_parses_back(secret: bytes, at: datetime) -> None:
    code = cc.card_code("M0123456Z", secret, at)
    assert cc.parse(code) == ("M0123456Z", cc.totp(secret, at))
