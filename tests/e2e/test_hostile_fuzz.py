"""Hypothesis throws any text (control characters, surrogates, every script) and any instant with any
offset (years 1 to 9999) at the routes that take them: no answer is ever a 5xx, and every refusal is a
problem with a code."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import ApiHarness, new_phone

offsets = st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23, minutes=-59),
                                             max_value=timedelta(hours=23, minutes=59)).map(
    lambda d: timedelta(minutes=int(d.total_seconds() // 60))))
instants = st.builds(lambda d, tz: d.replace(tzinfo=tz).isoformat(),
                     st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
                     offsets)
texts = st.text(st.characters(exclude_categories=()), max_size=40)  # lone surrogates included
url_texts = st.text(max_size=40)  # a URL cannot carry a lone surrogate at all
days = st.dates().map(lambda d: d.isoformat())


def _refused_or_done(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(name=texts, birthday=days, reason=texts, at=instants, expiry=instants, ref=texts, q=url_texts)
def _fuzz(api: ApiHarness, member_id: str, name: str, birthday: str, reason: str, at: str, expiry: str,
          ref: str, q: str) -> None:
    _refused_or_done(api.post("/v1/members", {"phone": new_phone(), "name": name or None, "birthday": birthday},
                              key="pos"))
    _refused_or_done(api.post(f"/v1/members/{member_id}/adjustments",
                              {"points": 1, "reason": reason or "x", "expires_at": expiry}, key="staff"))
    _refused_or_done(api.post("/v1/transactions", {"transaction_ref": ref or uuid.uuid4().hex[:8],
                                                   "member": {"member_id": member_id}, "total": "10000",
                                                   "occurred_at": at}, key="pos"))
    _refused_or_done(api.post("/v1/transactions/simulate", {"transaction_ref": uuid.uuid4().hex[:8],
                                                            "member": {"member_id": member_id}, "total": "10000",
                                                            "occurred_at": at}, key="pos"))
    _refused_or_done(api.post(f"/v1/members/{member_id}/activities",
                              {"kind": "check_in", "reference": uuid.uuid4().hex[:8], "occurred_at": at},
                              key="pos"))
    _refused_or_done(api.get("/v1/members/search", params={"q": q or "a"}, key="staff"))


def test_no_text_or_instant_makes_a_5xx(api: ApiHarness) -> None:
    _fuzz(api, api.member_with(10))
