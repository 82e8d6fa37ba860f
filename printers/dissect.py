"""ESC/POS bytes back to readable text: the console backend's output, and the tests'
proof that what a text mode sends decodes to the letters meant. The bytes are read by
``escpos_read`` (shared with ``replay``); this module only lays the commands out as lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from printers import escpos_read as esc
from printers.escpos_read import ALIGN, ESC_ONE_ARG, Decoder, page_decoders, unknown_page
from printers.layout import aligned, nfc

# still importable from here, as when replay took them from this module
__all__ = ["ALIGN", "ESC_ONE_ARG", "Decoder", "page_decoders", "readable", "unknown_page"]


@dataclass
class _Lines:
    columns: int
    style: esc.Style = field(default_factory=esc.Style)
    line: list[str] = field(default_factory=list)
    out: list[str] = field(default_factory=list)

    def flush(self, force: bool = True) -> None:
        if self.line or force:
            text = nfc("".join(self.line))
            cols = max(1, self.columns // self.style.width)
            out = aligned(text, cols, self.style.align) if self.columns else text
            self.out.append(out)
        self.line = []


def readable(data: bytes, profile: Any, columns: int = 0) -> str:
    """The text a printer would print, one line per line; images as ``[image WxH]``, a cut
    as a dashed line. ``columns`` > 0 places centred and right-aligned lines."""
    st = _Lines(columns)
    for cmd in esc.commands(data, profile):
        match cmd:
            case esc.Text(text):
                st.line.append(text)
            case esc.LineFeed():
                st.flush()
            case esc.Feed(lines):
                st.flush(force=False)
                st.out.extend([""] * lines)
            case esc.Style():
                st.style = cmd
            case esc.Raster(width, height):
                st.flush(force=False)
                st.out.append(f"[image {width}x{height}]")
            case esc.Cut():
                st.flush(force=False)
                st.out.append("- " * (max(columns, 16) // 2) + "(cut)")
    st.flush(force=False)
    return "\n".join(st.out) + "\n"
