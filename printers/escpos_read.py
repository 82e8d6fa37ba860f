"""ESC/POS bytes back to the commands they are, in order: the one walk over the bytes that
``dissect`` (text) and ``replay`` (pictures) each render their own way. It knows the
commands python-escpos and ``render`` send; anything else is an error, not a guess."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from printers import tcvn3
from printers.layout import Align

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
#: ESC x with one parameter byte; of these the readers show only E (bold)
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


@dataclass(frozen=True)
class Text:
    """Printable bytes in a row, decoded in the code page selected when they came."""

    text: str


@dataclass(frozen=True)
class LineFeed:
    """0x0A: the line so far is printed; with nothing on it, a blank line."""


@dataclass(frozen=True)
class Feed:
    """ESC d n: the line so far is printed if it holds anything, then ``lines`` blank."""

    lines: int


@dataclass(frozen=True)
class Style:
    """The look of the text from now on, whole (ESC @, ESC a, ESC E and GS ! each change
    part of it): a reader keeps the last one and uses the parts it shows."""

    align: Align = "left"
    bold: bool = False
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class Raster:
    """GS v 0: an image ``width`` dots wide, rows of ``width // 8`` bytes, a set bit inked.
    ``bits`` is what followed the header, short if the bytes end early."""

    width: int
    height: int
    bits: bytes


@dataclass(frozen=True)
class Cut:
    """GS V: the paper is cut, the job so far is done."""


Command = Text | LineFeed | Feed | Style | Raster | Cut


def commands(data: bytes, profile: Any, cut_resets: bool = False) -> Iterator[Command]:
    """The commands of ``data`` in order, as a printer with ``profile``'s code pages reads
    them; a byte sequence it does not know raises ValueError where it stands.

    A printer keeps its code page and style across a cut (``dissect`` reads so);
    ``cut_resets`` starts each job afresh instead, as ``replay`` has always drawn them (the
    same for ``render``'s jobs, which each begin with ESC @)."""
    decoders = page_decoders(profile)
    page, style = 0, Style()
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == 0x0A:
            yield LineFeed()
            i += 1
        elif b == 0x1B:
            cmd = data[i + 1]
            if cmd == ord("@"):
                page, style = 0, Style()
                yield style
                i += 2
                continue
            if cmd == ord("2"):  # default line spacing: no parameter
                i += 2
                continue
            arg = data[i + 2]
            if cmd == ord("t"):
                page = arg
            elif cmd == ord("a"):
                style = replace(style, align=ALIGN[arg])
                yield style
            elif cmd == ord("E"):
                style = replace(style, bold=bool(arg))
                yield style
            elif cmd == ord("d"):
                yield Feed(arg)
            elif cmd not in ESC_ONE_ARG:
                raise ValueError(f"ESC 0x{cmd:02X} at {i}")
            i += 3
        elif b == 0x1D:
            cmd = data[i + 1]
            if cmd == ord("!"):
                size = data[i + 2]
                style = replace(style, width=(size >> 4) + 1, height=(size & 0x0F) + 1)
                yield style
                i += 3
            elif cmd == ord("V"):
                i += 4 if data[i + 2] in (65, 66) else 3
                yield Cut()
                if cut_resets:
                    page, style = 0, Style()
            elif cmd == ord("v") and data[i + 2] == ord("0"):
                wb = data[i + 4] + 256 * data[i + 5]
                h = data[i + 6] + 256 * data[i + 7]
                yield Raster(wb * 8, h, data[i + 8 : i + 8 + wb * h])
                i += 8 + wb * h
            elif cmd == ord("(") and data[i + 2] in (ord("k"), ord("L")):  # QR, graphics
                i += 5 + data[i + 3] + 256 * data[i + 4]
            elif cmd == ord("B"):  # reverse printing: not drawn
                i += 3
            else:
                raise ValueError(f"GS 0x{cmd:02X} at {i}")
        elif b < 0x20:
            raise ValueError(f"control byte 0x{b:02X} at {i}")
        else:
            end = i + 1
            while end < n and data[end] >= 0x20:
                end += 1
            decode = decoders.get(page, unknown_page)
            yield Text("".join(decode(c) for c in data[i:end]))
            i = end
