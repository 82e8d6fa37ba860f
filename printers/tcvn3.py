"""TCVN-3 (TCVN 5712:1993, table VN3, the "ABC" fonts): an 8-bit Vietnamese encoding with
no Python codec, so the table is here.

VN3 keeps ASCII and puts the 134 precomposed lower-case letters in 0xA8-0xFE; of the
capitals it has only the toneless Ă Â Ê Ô Ơ Ư Đ (0xA1-0xA7): "Ế" has no code. Printers
that offer TCVN-3 (Epson and the escpos-printer-db profiles: code pages 30 and 31) pair
it with a second, capitals page where the lower-case codes print as capitals (the
"VnTimeH" idea). Per escpos-printer-db, page 30 ("TCVN-3-1") leaves 0xA1-0xA7 blank and
page 31 ("TCVN-3-2") has Ă 0xA1, Â 0xA2, Đ 0xA7 and Ê Ô Ơ Ư at 0xAA-0xAD. So a line is
encoded as runs, each on its page: capitals on page 31, everything else on page 30.
ASCII always goes on page 30: what page 31 does to ASCII is not documented.
"""

from __future__ import annotations

from printers.layout import nfc
from printers.vietnamese import STANDINS, Unencodable

LOWER_PAGE = "TCVN-3-1"
UPPER_PAGE = "TCVN-3-2"

#: VN3 codes of each vowel with its tones, in the order of the standard's table:
#: huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot below)
_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TONE_ORDER = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_LOWER_PLAIN = {"ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE}
#: the standard's capitals (VN3 0xA1-0xA7), not on the printers' page 30
VN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}


def _lower_table() -> dict[str, int]:
    table = dict(_LOWER_PLAIN)
    for vowel, codes in _TONED.items():
        for tone, code in zip(_TONE_ORDER, codes, strict=True):
            table[nfc(vowel + tone)] = code
    return table


#: page 30: the VN3 lower-case letters
LOWER = _lower_table()
#: page 31: capitals of the toned letters at their lower-case codes, and the toneless ones
UPPER = {
    **{c.upper(): code for c, code in LOWER.items() if c not in _LOWER_PLAIN},
    "Ă": 0xA1,
    "Â": 0xA2,
    "Đ": 0xA7,
    "Ê": 0xAA,
    "Ô": 0xAB,
    "Ơ": 0xAC,
    "Ư": 0xAD,
}
TABLES = {LOWER_PAGE: LOWER, UPPER_PAGE: UPPER}
BOTH_PAGES = frozenset(TABLES)
_DECODE = {page: {code: c for c, code in t.items()} for page, t in TABLES.items()}

Run = tuple[str, bytes]


def encode_tcvn3(text: str, pages: frozenset[str] = BOTH_PAGES) -> list[Run]:
    """Text as runs of (code page name, bytes); raises Unencodable for a character no
    available page has (e.g. a capital when the printer has no page 31)."""
    runs: list[Run] = []
    for char in nfc(text):
        page, code = _locate(STANDINS.get(char, char), pages)
        if runs and runs[-1][0] == page:
            runs[-1] = (page, runs[-1][1] + bytes((code,)))
        else:
            runs.append((page, bytes((code,))))
    return runs


def _locate(char: str, pages: frozenset[str]) -> tuple[str, int]:
    if ord(char) < 0x80 and LOWER_PAGE in pages:
        return LOWER_PAGE, ord(char)
    for page in (LOWER_PAGE, UPPER_PAGE):
        if page in pages and char in TABLES[page]:
            return page, TABLES[page][char]
    raise Unencodable(char, "TCVN-3")


def decode_tcvn3(data: bytes, page: str) -> str:
    """Bytes printed on one TCVN-3 page back to text; an unmapped byte raises."""
    table = _DECODE[page]
    out = []
    for b in data:
        if b < 0x80:
            out.append(chr(b))
        elif b in table:
            out.append(table[b])
        else:
            raise ValueError(f"byte 0x{b:02X} prints nothing known on {page}")
    return "".join(out)
