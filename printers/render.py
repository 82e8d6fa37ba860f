"""Layout -> ESC/POS through python-escpos, in the printer's mode.

Text mode sends characters in a Vietnamese code page (CP1258 or TCVN-3) with the
printer's own font: small jobs, crisp text. A block holding a character the code page
cannot print is sent as an image of that block instead (never "?" or wrong letters), and
reported. Image mode draws everything with DejaVu Sans: any printer, any character.
The QR code is always an image (no reliance on the printer's QR support).
"""

from __future__ import annotations

import logging
from typing import Any

from escpos.constants import CODEPAGE_CHANGE, GS
from PIL import Image

from printers import raster
from printers.codepages import line_encoder, page_numbers
from printers.layout import (
    QR,
    Block,
    Cut,
    Document,
    Feed,
    Paper,
    Row,
    Rule,
    Text,
    narrowed,
    row_lines,
    wrap,
)
from printers.vietnamese import Unencodable

log = logging.getLogger(__name__)


def render(printer: Any, doc: Document, paper: Paper, mode: str) -> list[str]:
    """Send ``doc`` to ``printer`` (any ``escpos.escpos.Escpos``); return the texts of the
    blocks that went as images in text mode."""
    paper = fit_profile(printer, paper)
    printer.hw("INIT")
    if mode == "image":
        _image_mode(printer, doc, paper)
        return []
    return _TextMode(printer, paper, mode).run(doc)


def render_bytes(doc: Document, paper: Paper, mode: str, profile: str = "default") -> bytes:
    """The job's bytes, made before any device is touched, so one write sends all of it."""
    from escpos.printer import Dummy

    dummy = Dummy(profile=profile)
    render(dummy, doc, paper, mode)
    return bytes(dummy.output)


def fit_profile(printer: Any, paper: Paper) -> Paper:
    """The paper as this printer sees it: fewer dots on a 180-dpi head (TM-T88: 512).
    A profile that does not know its width is given the paper's, else python-escpos
    prints a note on stdout at every image."""
    data = printer.profile.profile_data
    width = data.get("media", {}).get("width", {})
    try:
        return narrowed(paper, int(width.get("pixels")))
    except (TypeError, ValueError):
        pass
    media = {**data.get("media", {}), "width": {"mm": paper.mm, "pixels": paper.dots}}
    cls = type(printer.profile)
    printer.profile = type(cls.__name__, (cls,), {"profile_data": {**data, "media": media}})()
    return paper


def segments(blocks: tuple[Block, ...]) -> list[tuple[list[Block], bool]]:
    """The blocks between cuts, each with whether a cut ends it."""
    out: list[tuple[list[Block], bool]] = []
    current: list[Block] = []
    for b in blocks:
        if isinstance(b, Cut):
            out.append((current, True))
            current = []
        else:
            current.append(b)
    if current:
        out.append((current, False))
    return out


#: python-escpos sends an image taller than this as several raster commands
FRAGMENT_ROWS = 960
_INVERTED = bytes(range(255, -1, -1))


def image(printer: Any, img: Image.Image) -> None:
    """A 1-bit image as GS v 0 raster commands: the bytes ``printer.image`` sends, made
    without its conversions (RGBA, grey, inverted, 1 bit, once for the whole image and
    again for each fragment), which cost more than drawing a ticket: Pillow's 1-bit rows
    are the raster's rows with white and black swapped."""
    if img.mode != "1" or img.width % 8:
        printer.image(img)  # padding bits would turn black: the library's way
        return
    row = img.width // 8
    data = img.tobytes().translate(_INVERTED)
    for top in range(0, img.height, FRAGMENT_ROWS):
        rows = min(FRAGMENT_ROWS, img.height - top)
        header = GS + b"v0\x00" + row.to_bytes(2, "little") + rows.to_bytes(2, "little")
        printer._raw(header + data[top * row : (top + rows) * row])


def _image_mode(printer: Any, doc: Document, paper: Paper) -> None:
    printer.set(align="left")
    for blocks, cut in segments(doc.blocks):
        if blocks:
            image(printer, raster.draw(blocks, paper))
        if cut:
            printer.cut()


class _TextMode:
    """One document in a text mode; remembers the code page last selected."""

    def __init__(self, printer: Any, paper: Paper, mode: str) -> None:
        self.printer = printer
        self.paper = paper
        self.encode = line_encoder(mode, printer.profile)
        self.pages = page_numbers(printer.profile)
        self.page: str | None = None
        self.fallbacks: list[str] = []

    def run(self, doc: Document) -> list[str]:
        for block in doc.blocks:
            self.block(block)
        return self.fallbacks

    def block(self, block: Block) -> None:
        p, cols = self.printer, self.paper.columns
        if isinstance(block, Text):
            lines = wrap(block.text, cols // block.width)
            self.lines(block, lines, block.align, block.bold, block.width, block.height)
        elif isinstance(block, Row):
            self.lines(block, row_lines(block.left, block.right, cols), "left", block.bold)
        elif isinstance(block, Rule):
            self.lines(block, [("=" if block.heavy else "-") * cols], "left", False)
        elif isinstance(block, QR):
            p.set(align="left")
            image(p, raster.qr_image(block, self.paper))
        elif isinstance(block, Feed):
            p.print_and_feed(block.lines)
        elif isinstance(block, Cut):
            p.cut()
        else:
            raise TypeError(f"not a block: {block!r}")

    def lines(
        self, block: Block, lines: list[str], align: str, bold: bool, w: int = 1, h: int = 1
    ) -> None:
        try:
            encoded = [self.encode(line) for line in lines]
        except Unencodable as exc:
            log.info("printed as an image (%s): %s", exc, lines)
            self.fallbacks.append(" ".join(lines))
            self.printer.set(align="left")
            image(self.printer, raster.draw([block], self.paper))
            return
        self.printer.set(align=align, bold=bold, custom_size=True, width=w, height=h)
        for runs in encoded:
            for page, data in runs:
                if page != self.page:
                    self.printer._raw(CODEPAGE_CHANGE + bytes((self.pages[page],)))
                    self.page = page
                self.printer._raw(data)
            self.printer._raw(b"\n")
