"""ESC/POS bytes back to readable text: the console backend's output, and the tests'
proof that what a text mode sends decodes to the letters meant. It knows the commands
python-escpos and ``render`` send; anything else is an error, not a guess."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from printers import tcvn3
from printers.layout import Align, aligned, nfc

Decoder = Callable[[int], str]
#: ESC a n: the alignment it selects
ALIGN: dict[int, Align] = {
    0: "left",
    1: "center",
    2: "right",
    48: "left",
    49: "center",
    50: "right",
}
#: ESC x with one parameter byte that changes nothing readable
ESC_ONE_ARG = {ord(c) for c in "!-EGMV{3r"} | {0x20}


def page_decoders(profile: Any) -> dict[int, Decoder]:
    """ESC t number -> byte decoder, from the profile's code pages."""
    return {int(n): _decoder(name) for n, name in profile.codePages.items()}


def _decoder(name: str) -> Decoder:
    if name in tcvn3.TABLES:
        table = {code: c for c, code in tcvn3.TABLES[name].items()}
        return lambda b: chr(b) if b < 0x80 else table.get(b, "\ufffd")
    from escpos.codepages import CodePages  # loads the capabilities file: not at import

    data = CodePages.get_encoding(name) if name in CodePages.data else {}
    if "python_encode" in data:
        codec = codecs.lookup(data["python_encode"])
        return lambda b: codec.decode(bytes((b,)), "replace")[0]
    if "data" in data:
        upper = "".join(data["data"])
        return lambda b: chr(b) if b < 0x80 else upper[b - 0x80]
    return lambda b: chr(b) if b < 0x80 else "\ufffd"


def unknown_page(_b: int) -> str:
    return "\ufffd"


@dataclass
class _State:
    decoders: dict[int, Decoder]
    columns: int
    page: int = 0
    align: Align = "left"
    width: int = 1
    line: list[str] = field(default_factory=list)
    out: list[str] = field(default_factory=list)

    def flush(self, force: bool = True) -> None:
        if self.line or force:
            text = nfc("".join(self.line))
            cols = max(1, self.columns // self.width)
            self.out.append(aligned(text, cols, self.align) if self.columns else text)
        self.line = []


def readable(data: bytes, profile: Any, columns: int = 0) -> str:
    """The text a printer would print, one line per line; images as ``[image WxH]``, a cut
    as a dashed line. ``columns`` > 0 places centred and right-aligned lines."""
    st = _State(page_decoders(profile), columns)
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == 0x0A:
            st.flush()
            i += 1
        elif b == 0x1B:
            i = _esc(data, i, st)
        elif b == 0x1D:
            i = _gs(data, i, st)
        elif b < 0x20:
            raise ValueError(f"control byte 0x{b:02X} at {i}")
        else:
            st.line.append(st.decoders.get(st.page, unknown_page)(b))
            i += 1
    st.flush(force=False)
    return "\n".join(st.out) + "\n"


def _esc(data: bytes, i: int, st: _State) -> int:
    cmd = data[i + 1]
    if cmd == ord("@"):
        st.page, st.align, st.width = 0, "left", 1
        return i + 2
    if cmd == ord("2"):  # default line spacing: no parameter
        return i + 2
    arg = data[i + 2]
    if cmd == ord("t"):
        st.page = arg
    elif cmd == ord("a"):
        st.align = ALIGN[arg]
    elif cmd == ord("d"):
        st.flush(force=False)
        st.out.extend([""] * arg)
    elif cmd not in ESC_ONE_ARG:
        raise ValueError(f"ESC 0x{cmd:02X} at {i}")
    return i + 3


def _gs(data: bytes, i: int, st: _State) -> int:
    cmd = data[i + 1]
    if cmd == ord("!"):
        st.width = (data[i + 2] >> 4) + 1
        return i + 3
    if cmd == ord("V"):
        st.flush(force=False)
        st.out.append("- " * (max(st.columns, 16) // 2) + "(cut)")
        return i + (4 if data[i + 2] in (65, 66) else 3)
    if cmd == ord("v") and data[i + 2] == ord("0"):
        wb = data[i + 4] + 256 * data[i + 5]
        h = data[i + 6] + 256 * data[i + 7]
        st.flush(force=False)
        st.out.append(f"[image {wb * 8}x{h}]")
        return i + 8 + wb * h
    if cmd == ord("(") and data[i + 2] in (ord("k"), ord("L")):
        return i + 5 + data[i + 3] + 256 * data[i + 4]
    if cmd == ord("B"):
        return i + 3
    raise ValueError(f"GS 0x{cmd:02X} at {i}")
