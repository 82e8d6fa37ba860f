"""Vietnamese letters, and CP1258: the Windows code page for Vietnamese, which Epson and
many clones offer as an ESC/POS code page.

CP1258 holds only some precomposed letters (à á â ă è é ê í ó ô ơ ù ú ư đ and capitals);
the others are a base letter followed by one of five combining tone marks (0xCC grave,
0xEC acute, 0xD2 hook, 0xDE tilde, 0xF2 dot below). Python's ``cp1258`` codec does not
decompose: ``"ế".encode("cp1258")`` fails. So a letter is sent precomposed when the code
page has it, else as its vowel (a, ă, â, e, ê, ... themselves in the code page) plus the
tone mark, which is what Windows sends too.
"""

from __future__ import annotations

import unicodedata

from printers.layout import nfc

VOWELS = "aăâeêioôơuưy"
#: combining marks of the five tones, in the order Vietnamese lists them
TONES = {
    "huyền": "\u0300",
    "sắc": "\u0301",
    "hỏi": "\u0309",
    "ngã": "\u0303",
    "nặng": "\u0323",
}
TONE_MARKS = frozenset(TONES.values())


def _alphabet() -> str:
    lower = [nfc(v + t) for v in VOWELS for t in ("", *TONES.values())] + ["đ"]
    return "".join(lower) + "".join(c.upper() for c in lower)


#: every Vietnamese letter: 12 vowels x (no tone + 5 tones) + đ, lower then upper case
ALPHABET = _alphabet()
#: a sentence with all of them, and ASCII, for round-trip checks
PANGRAM = "Tiếng Việt: " + ALPHABET + " 0123456789 ĐIỆN LỰC"

#: typographic punctuation some code pages lack, printed as its plain ASCII look-alike
#: (the same glyph shape, not a different word) instead of falling back to an image
STANDINS = {
    "\u2014": "-",
    "\u2013": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
}


class Unencodable(ValueError):
    """A character this code page cannot print; the renderer falls back to an image."""

    def __init__(self, char: str, encoding: str) -> None:
        super().__init__(f"{char!r} (U+{ord(char):04X}) has no form in {encoding}")
        self.char = char
        self.encoding = encoding


def split_tone(char: str) -> tuple[str, str]:
    """A letter as its toneless vowel (precomposed, e.g. "ê") and its tone mark ("" if none)."""
    parts = unicodedata.normalize("NFD", char)
    tones = "".join(c for c in parts if c in TONE_MARKS)
    base = nfc("".join(c for c in parts if c not in TONE_MARKS))
    return base, tones


def encode_cp1258(text: str) -> bytes:
    """Text as CP1258 bytes, precomposed where the code page allows, else base + tone mark."""
    out = bytearray()
    for char in nfc(text):
        if not _in_cp1258(char):
            char = STANDINS.get(char, char)
        if _in_cp1258(char):
            out += char.encode("cp1258")
            continue
        base, tone = split_tone(char)
        if len(tone) != 1 or not _in_cp1258(base):
            raise Unencodable(char, "CP1258")
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def decode_cp1258(data: bytes) -> str:
    """CP1258 bytes back to (NFC) text."""
    return nfc(data.decode("cp1258"))


def _in_cp1258(char: str) -> bool:
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True
