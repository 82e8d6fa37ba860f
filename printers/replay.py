"""ESC/POS bytes as a printer prints them, drawn as images: what a printer actually
received (``data/prints/*.bin``, one file a printer, every job appended) becomes one
picture a job, so a person checks the paper itself, not a sample.

The bytes are read by ``printers.escpos_read``, as ``printers.dissect`` reads them for text
(python-escpos's set, text in a code page, GS v 0 rasters, feeds, cuts; anything else is an
error, not a guess); text is drawn in a fixed-width font in font A's 12x24-dot cells,
magnified as the printer would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from printers import escpos_read as esc
from printers.layout import nfc
from printers.raster import FONT_DIR

CELL_W, CELL_H, LINE_GAP = 12, 24, 6  # font A, and the gap of the default line spacing
BASELINE = 19
WHITE = 255
MONO = {False: "DejaVuSansMono.ttf", True: "DejaVuSansMono-Bold.ttf"}
#: DejaVu Sans Mono lacks the Vietnamese letters with a circumflex or breve and a tone
#: (ề, ố, ẫ...): those come from DejaVu Sans Condensed, squeezed into the cell
WIDE = {False: "DejaVuSansCondensed.ttf", True: "DejaVuSansCondensed-Bold.ttf"}
_INVERTED = bytes(range(255, -1, -1))


@lru_cache(maxsize=4)
def _font(name: str) -> ImageFont.FreeTypeFont:
    # 20 px of DejaVu Sans Mono advances 12 px a character: one font A cell
    return ImageFont.truetype(str(FONT_DIR / name), 20, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=2)
def _mono_has(bold: bool) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # via fpdf2; previews only

    return frozenset(TTFont(str(FONT_DIR / MONO[bold])).getBestCmap())


def _cells(text: str, bold: bool) -> Image.Image:
    """A line of text in font A's cells, one character a cell."""
    line = Image.new("L", (max(1, CELL_W * len(text)), CELL_H), WHITE)
    pen = ImageDraw.Draw(line)
    mono, wide, has = _font(MONO[bold]), _font(WIDE[bold]), _mono_has(bold)
    for n, ch in enumerate(text):
        if ch == " ":
            continue
        if ord(ch) in has:
            pen.text((n * CELL_W, BASELINE), ch, font=mono, fill=0, anchor="ls")
            continue
        glyph = Image.new("L", (2 * CELL_W, CELL_H), WHITE)
        ImageDraw.Draw(glyph).text((0, BASELINE), ch, font=wide, fill=0, anchor="ls")
        w = max(1, min(2 * CELL_W, round(wide.getlength(ch))))
        squeezed = glyph.crop((0, 0, w, CELL_H)).resize((min(w, CELL_W), CELL_H))
        line.paste(squeezed, (n * CELL_W + (CELL_W - squeezed.width) // 2, 0))
    return line


@dataclass
class _Job:
    """The printed strips of one job, and the style its text is drawn in."""

    dots: int
    style: esc.Style = field(default_factory=esc.Style)
    line: list[str] = field(default_factory=list)
    strips: list[Image.Image] = field(default_factory=list)

    def text(self) -> None:
        """The line so far, printed (an empty one is a blank line)."""
        text = nfc("".join(self.line))
        self.line = []
        st = self.style
        w, h = CELL_W * st.width, CELL_H * st.height
        cell = _cells(text, st.bold)
        grown = cell.resize((max(1, w * len(text)), h)) if (w, h) != (CELL_W, CELL_H) else cell
        strip = Image.new("L", (self.dots, h + LINE_GAP * st.height), WHITE)
        room = self.dots - grown.width
        x = {"left": 0, "center": room // 2, "right": room}[st.align]
        strip.paste(grown, (max(0, x), 0))
        self.strips.append(strip.point(lambda v: 0 if v < 160 else 255).convert("1"))

    def image(self, img: Image.Image) -> None:
        strip = Image.new("1", (self.dots, img.height), WHITE)
        strip.paste(img, (0, 0))
        self.strips.append(strip)

    def feed(self, lines: int) -> None:
        if self.line:
            self.text()
        if lines:
            self.strips.append(Image.new("1", (self.dots, (CELL_H + LINE_GAP) * lines), WHITE))

    def picture(self) -> Image.Image:
        height = sum(s.height for s in self.strips)
        out = Image.new("1", (self.dots, max(1, height)), WHITE)
        y = 0
        for s in self.strips:
            out.paste(s, (0, y))
            y += s.height
        return out


def jobs(data: bytes, profile: Any, dots: int = 576) -> list[Image.Image]:
    """Each job of ``data`` (the printed part up to its cut) as a 1-bit image ``dots``
    wide; a job printed without a cut at the end is the last picture."""
    out: list[Image.Image] = []
    job = _Job(dots)
    for cmd in esc.commands(data, profile, cut_resets=True):
        match cmd:
            case esc.Text(text):
                job.line.append(text)
            case esc.LineFeed():
                job.text()
            case esc.Feed(lines):
                job.feed(lines)
            case esc.Style():
                job.style = cmd
            case esc.Raster(width, height, bits):
                job.image(Image.frombytes("1", (width, height), bits.translate(_INVERTED)))
            case esc.Cut():  # this job is done
                if job.line:
                    job.text()
                out.append(job.picture())
                job = _Job(dots)
    if job.strips or job.line:
        job.feed(0)
        out.append(job.picture())
    return out
