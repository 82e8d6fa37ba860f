"""A document as a list of blocks, independent of ESC/POS: the same blocks become text-mode
bytes, a raster image or a PNG preview, so the three cannot drift apart."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Paper:
    """A roll: width in characters of the printer's font A (12 dots) and in dots."""

    mm: int
    columns: int
    dots: int


PAPER_58 = Paper(58, 32, 384)
PAPER_80 = Paper(80, 48, 576)
PAPERS = {58: PAPER_58, 80: PAPER_80}
FONT_A_DOTS = 12


def paper(mm: int) -> Paper:
    """The paper of a roll width in mm (58 or 80)."""
    try:
        return PAPERS[mm]
    except KeyError:
        raise ValueError(f"paper is 58 or 80 (mm), not {mm!r}") from None


def narrowed(p: Paper, dots: int) -> Paper:
    """The paper as a printer with fewer dots sees it (180 dpi heads: 512 dots on 80 mm)."""
    if dots >= p.dots:
        return p
    return Paper(p.mm, dots // FONT_A_DOTS, dots)


@dataclass(frozen=True)
class Text:
    """A paragraph; ``width``/``height`` magnify the font 1-8 times (2 = double)."""

    text: str
    align: Align = "left"
    bold: bool = False
    width: int = 1
    height: int = 1

    def __post_init__(self) -> None:
        if not (1 <= self.width <= 8 and 1 <= self.height <= 8):
            raise ValueError("text width and height are 1 to 8")
        if "\n" in self.text:
            raise ValueError("one Text block per paragraph: no newline inside")


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the paper; ``heavy`` for totals and titles."""

    heavy: bool = False


@dataclass(frozen=True)
class Row:
    """Two columns: ``left`` from the left edge, ``right`` flush with the right edge."""

    left: str
    right: str
    bold: bool = False


@dataclass(frozen=True)
class QR:
    """A QR code, centred; ``module`` is the size of one module in dots."""

    data: str
    module: int = 6


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut."""


Block = Text | Rule | Row | QR | Feed | Cut


@dataclass(frozen=True)
class Document:
    """What a print job carries: a name (for logs and files) and its blocks."""

    name: str
    blocks: tuple[Block, ...]


def nfc(text: str) -> str:
    """Vietnamese from CMIS or a keyboard may come decomposed; one form everywhere."""
    return unicodedata.normalize("NFC", text)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+")
_SPACES = re.compile(r" {2,}")


def plain(text: object) -> str:
    """Text from outside (CMIS's names and addresses, a keyboard) as one printable line:
    control characters (a tab, a bell, a line break, bidi overrides) would reach the
    printer as commands or break a ``Text``, and a lone surrogate (valid JSON) cannot be
    encoded: they become spaces; NFC."""
    spaced = _CONTROLS.sub(" ", nfc("" if text is None else str(text)))
    return _SPACES.sub(" ", spaced).strip()


def wrap(text: str, columns: int) -> list[str]:
    """Word-wrap to ``columns`` characters (NFC: one character per printed cell);
    a word longer than a line is broken."""
    text = nfc(text)
    if columns < 1:
        raise ValueError("no room for text")
    return textwrap.wrap(text, columns, break_long_words=True, drop_whitespace=True) or [""]


def row_lines(left: str, right: str, columns: int) -> list[str]:
    """A two-column row in ``columns`` characters: the left text wraps, the right text
    stays whole on the last line, flush right."""
    left, right = nfc(left), nfc(right)
    if len(right) >= columns:
        return [*wrap(left, columns), right.rjust(columns)]
    room = columns - len(right) - 1
    lines = wrap(left, columns)
    if len(lines[-1]) > room:
        return [*lines, right.rjust(columns)]
    return [*lines[:-1], lines[-1] + " " * (columns - len(lines[-1]) - len(right)) + right]


def aligned(line: str, columns: int, align: Align) -> str:
    """A line padded to its place, for renderings without alignment commands."""
    if align == "center":
        return line.center(columns).rstrip()
    if align == "right":
        return line.rjust(columns)
    return line
