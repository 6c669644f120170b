"""Templates: every kind renders in both languages, amounts and dates the Vietnamese way, SMS without
diacritics, marketing labelled, ZNS parameters within Zalo's limits, and a bad template named, not raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from messaging.kinds import KINDS
from messaging.templates import TemplateProblem, for_program, render

FACTS = {"name": "Nguyễn Thị Hà", "tier": "gold", "member_code": "M0000001", "balance": 1234567, "points": 25,
         "expires_at": "2026-12-31T17:30:00+00:00", "discount_vnd": "1234567", "voucher_code": "VC-1", "days": 7,
         "from_tier": "silver", "to_tier": "gold", "downgrade_at": "2026-03-01T00:00:00+00:00", "code": "482913"}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_kind_renders_in_both_languages_for_every_program(kind, lang):
    for program in ("CPSG", "ANY"):
        rendered = render(program, kind, lang, FACTS)
        assert rendered.sms and rendered.subject and rendered.text and rendered.html
        assert rendered.sms.isascii() and rendered.zns_template_id
        assert all(len(v) <= 30 for v in rendered.zns_data.values())


def test_money_points_and_dates_are_written_the_vietnamese_way():
    redemption = render("ANY", "redemption", "vi", FACTS)
    assert "1.234.567 ₫" in redemption.text and "1.234.567 điểm" in redemption.text
    assert "1.234.567 VND" in redemption.sms
    assert "01/01/2027" in render("ANY", "points_expiring", "vi", FACTS).text  # 17:30 UTC is 00:30 the next day in HCM


def test_a_program_file_overrides_default_kind_by_kind_and_names_its_brand():
    cpsg = for_program("CPSG")
    assert cpsg.brand == "Cà Phê Sài Gòn" and cpsg.channels == ("zns", "sms", "email")
    assert render("CPSG", "points_earned", "vi", FACTS).zns_template_id == "412001"
    assert "Cà Phê Sài Gòn" in render("CPSG", "welcome", "vi", FACTS).text  # default wording, program brand


def test_marketing_is_labelled_in_the_sms_and_the_subject():
    birthday = render("CPSG", "birthday", "vi", FACTS, marketing=True)
    assert birthday.sms.startswith("[QC] ") and birthday.subject.startswith("[QC] ")


def test_html_is_escaped_and_text_is_not():
    rendered = render("ANY", "welcome", "en", {**FACTS, "name": "<b>Hà</b> & co"})
    assert "&lt;b&gt;" in rendered.html and "<b>Hà</b> & co" in rendered.text


def test_a_template_that_does_not_render_is_a_named_problem(tmp_path: Path):
    (tmp_path / "default.yaml").write_text("kinds:\n  welcome:\n    vi: {sms: '{{ nope }}', subject: s, text: t, "
                                           "html: h}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="welcome"):
        render("X", "welcome", "vi", FACTS, directory=tmp_path)
    with pytest.raises(TemplateProblem, match="no template"):
        render("X", "otp", "vi", FACTS, directory=tmp_path)
    (tmp_path / "default.yaml").write_text(": : not yaml [", encoding="utf-8")
    for_program.cache_clear()
    with pytest.raises(TemplateProblem):
        render("Y", "welcome", "vi", FACTS, directory=tmp_path)


def test_a_program_code_cannot_name_a_file_outside_the_templates():
    assert for_program("../../etc/passwd").brand != "" and for_program("../x").kinds == for_program("ANY").kinds
