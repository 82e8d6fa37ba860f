"""QR codes as SVG (segno, pure Python): the follow link on a kiosk screen or a ticket.

segno loads at the first QR a kiosk asks for, not with the server (~1 MiB idle)."""

from __future__ import annotations

import io

SCALE = 8  # px per module: about 300 px for a follow link, readable from a phone
BORDER = 4  # the quiet zone the QR standard asks for


def svg(text: str) -> bytes:
    """A full-size QR (never a Micro QR, which phones do not read), error level M, dark on
    white so it scans on any background. The same text always gives the same bytes."""
    import segno

    code = segno.make_qr(text, error="m", boost_error=False)
    buf = io.BytesIO()
    code.save(buf, kind="svg", scale=SCALE, border=BORDER, xmldecl=False, dark="#000", light="#fff")
    out = buf.getvalue()
    # a viewBox lets CSS scale the image instead of clipping it
    size = code.symbol_size(scale=SCALE, border=BORDER)[0]
    return out.replace(b"<svg ", f'<svg viewBox="0 0 {size} {size}" '.encode(), 1)
