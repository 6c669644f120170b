"""Message templates: per program and kind, in Vietnamese and English, rendered with Jinja2.

A program's file (`messaging/templates/<PROGRAM>.yaml`) overrides `default.yaml` kind by kind, and also
names the program's brand and its fallback order of channels. Each kind has three faces: a Zalo ZNS
template (its id at Zalo and the parameters it declares; Zalo holds the wording), an SMS text, and an
email (subject, text, HTML). Amounts render as `1.234.567 ₫`, points as `1.234`, dates as dd/mm/yyyy in
Ho Chi Minh time (`faces.format`). SMS go out without diacritics: a Vietnamese text with accents is sent as
Unicode, where a part holds 70 characters instead of 160 and costs the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, TemplateError
from unidecode import unidecode

from faces.format import day, points, vnd

HERE = Path(__file__).resolve().parent / "templates"
LANGS = ("vi", "en")
FACES = ("sms", "subject", "text", "html")
MARKETING_LABEL = "[QC] "
"""Decree 91/2020 asks advertising messages to be labelled; brandname gateways expect this prefix."""
ZNS_PARAM_LENGTH = 30
"""Zalo's limit for name-like template parameters."""


class TemplateProblem(ValueError):
    """A template that is missing or does not render: its program, kind and language are named."""


@dataclass(frozen=True)
class Rendered:
    kind: str
    lang: str
    sms: str
    subject: str
    text: str
    html: str
    zns_template_id: str | None
    zns_data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgramTemplates:
    program_code: str
    brand: str
    channels: tuple[str, ...]
    kinds: dict[str, dict[str, Any]]


def _environment(autoescape: bool) -> Environment:
    env = Environment(undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=False)
    env.filters.update(vnd=vnd, points=points, day=day)
    return env


_TEXT, _HTML = _environment(False), _environment(True)


def _read(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateProblem(f"cannot read templates {path.name}: {exc}") from None
    if not isinstance(loaded, dict):
        raise TemplateProblem(f"templates {path.name} must be a mapping")
    return loaded


@lru_cache(maxsize=64)
def for_program(program_code: str, directory: Path = HERE) -> ProgramTemplates:
    base = _read(directory / "default.yaml")
    own_path = directory / f"{program_code}.yaml"
    own = _read(own_path) if program_code.replace("_", "").replace("-", "").isalnum() and own_path.exists() else {}
    kinds = {**base.get("kinds", {}), **own.get("kinds", {})}
    channels = tuple(own.get("channels") or base.get("channels") or ("zns", "sms", "email"))
    return ProgramTemplates(program_code, str(own.get("brand") or base.get("brand") or program_code), channels, kinds)


def render(program_code: str, kind: str, lang: str, context: dict[str, Any], *, marketing: bool = False,
           directory: Path = HERE) -> Rendered:
    templates = for_program(program_code, directory)
    spec = templates.kinds.get(kind)
    if spec is None:
        raise TemplateProblem(f"program {program_code} has no template for {kind}")
    words = spec.get(lang if lang in LANGS else "vi") or spec.get("vi")
    if not words:
        raise TemplateProblem(f"{program_code}/{kind} has no {lang} wording")
    values = {"brand": templates.brand, **context}
    try:
        faces = {face: (_HTML if face == "html" else _TEXT).from_string(str(words[face])).render(values)
                 for face in FACES}
    except (TemplateError, KeyError, TypeError, ValueError) as exc:
        raise TemplateProblem(f"{program_code}/{kind}/{lang} does not render: {exc}") from None
    sms = sms_text(faces["sms"])
    if marketing:
        sms, faces["subject"] = MARKETING_LABEL + sms, MARKETING_LABEL + faces["subject"]
    zns = spec.get("zns") or {}
    return Rendered(kind, lang, sms, faces["subject"], faces["text"], faces["html"],
                    str(zns["template_id"]) if zns.get("template_id") else None,
                    zns_params(zns.get("params") or [], values))


def sms_text(text: str) -> str:
    """The SMS as the gateway gets it: no diacritics (one part holds 160 characters, not 70)."""
    return unidecode(text.replace("₫", "VND")).strip()


def zns_params(names: list[str], values: dict[str, Any]) -> dict[str, str]:
    """The parameters a ZNS template declares, from the message's values, as Zalo wants them (text)."""
    known = {
        "customer_name": values.get("name"), "tier": values.get("to_tier") or values.get("tier"),
        "member_code": values.get("member_code"), "points": _maybe(points, values.get("points")),
        "balance": _maybe(points, values.get("balance")), "expiry_date": _maybe(day, values.get("expires_at")),
        "discount": _maybe(vnd, values.get("discount_vnd")), "voucher_code": values.get("voucher_code"),
        "gift": values.get("voucher_code") or _maybe(points, values.get("points")),
        "downgrade_date": _maybe(day, values.get("downgrade_at")), "otp": values.get("code"),
    }
    return {name: str(known.get(name) or values.get(name) or "")[:ZNS_PARAM_LENGTH] for name in names}


def _maybe(fmt: Any, value: Any) -> str | None:
    return None if value in (None, "") else fmt(value)
