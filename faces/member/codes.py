"""A code as pictures a till can scan: a QR code (segno) and a Code 128 barcode (python-barcode), each an
inline SVG string, so the card page needs no image request and no JavaScript library to draw them."""

from __future__ import annotations

import io
import re

import barcode
import segno
from barcode.writer import SVGWriter
from markupsafe import Markup

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SIZE = re.compile(r'width="([\d.]+)mm" height="([\d.]+)mm"')
_MM = re.compile(r'([\d.])mm"')


def qr_svg(text: str, label: str) -> Markup:
    """A QR code with a 4-module quiet zone, scaled by CSS (viewBox, no fixed size)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", xmldecl=False, svgns=True, border=4, omitsize=True,
                                     title=label, svgclass="qr", lineclass=None, dark="#000", light="#fff")
    return Markup(out.getvalue().decode().replace("<svg ", '<svg role="img" ', 1))


def code128_svg(text: str, label: str) -> Markup:
    """A Code 128 barcode; python-barcode draws in millimetres, rewritten here to a scalable viewBox."""
    out = io.BytesIO()
    barcode.get("code128", text, writer=SVGWriter()).write(
        out, options={"module_height": 14.0, "module_width": 0.3, "quiet_zone": 4.0, "write_text": False})
    svg = _PROLOGUE.sub("", out.getvalue().decode(), count=1)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = _SIZE.sub(lambda m: f'viewBox="0 0 {m.group(1)} {m.group(2)}" class="barcode" role="img" '
                              f'aria-label="{_attr(label)}" preserveAspectRatio="none"', svg, count=1)
    return Markup(_MM.sub(r'\1"', svg))


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
