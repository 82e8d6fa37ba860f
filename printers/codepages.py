"""Which ESC/POS code page number a profile gives each encoding, and the line encoder of a
text mode. python-escpos's own "magic" encoding is not used: on a profile with only CP1258
it prints "?" for every letter CP1258 lacks precomposed, without a word (docs/printing.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from printers import tcvn3
from printers.vietnamese import encode_cp1258

MODES = ("image", "text:cp1258", "text:tcvn3")
Run = tuple[str, bytes]  # (escpos encoding name, bytes in it)
LineEncoder = Callable[[str], list[Run]]


def page_numbers(profile: Any) -> dict[str, int]:
    """Encoding name -> ESC t number; the lowest when a profile lists one name twice."""
    out: dict[str, int] = {}
    for number, name in profile.codePages.items():
        out[name] = min(int(number), out.get(name, 256))
    return out


def check_mode(mode: str, profile: Any) -> None:
    """Refuse a mode the printer profile cannot do, when the printer is configured."""
    if mode not in MODES:
        raise ValueError(f"print mode is one of {', '.join(MODES)}, not {mode!r}")
    pages = page_numbers(profile)
    need = {"text:cp1258": "CP1258", "text:tcvn3": tcvn3.LOWER_PAGE}.get(mode)
    if need and need not in pages:
        raise ValueError(
            f"printer profile {profile.profile_data.get('name', '?')!r} has no {need} code page;"
            " use mode 'image' or a profile that has it"
        )


def line_encoder(mode: str, profile: Any) -> LineEncoder:
    """The function turning one printed line into code page runs (raises Unencodable)."""
    check_mode(mode, profile)
    if mode == "text:cp1258":
        return lambda text: [("CP1258", encode_cp1258(text))]
    if mode == "text:tcvn3":
        available = frozenset(tcvn3.TABLES) & frozenset(page_numbers(profile))
        return lambda text: tcvn3.encode_tcvn3(text, available)
    raise ValueError(f"{mode!r} is not a text mode")
