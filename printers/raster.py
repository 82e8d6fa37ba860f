"""The layout drawn as a 1-bit image with Pillow and DejaVu Sans, which has every
Vietnamese glyph: what image mode prints, what text mode prints for a line its code page
cannot encode, and what the PNG previews show.

Pillow's BASIC layout engine is forced: with libraqm present Pillow would shape through
HarfBuzz, whose version would then change the bytes of the golden files. Text is NFC, so
every Vietnamese letter is one precomposed glyph and needs no shaping.

The QR's modules come from python-qrcode, which python-escpos already loads: segno (the
server's SVG QR) imports ``xml.sax.saxutils``, and with it ``urllib.request`` and ``ssl``,
~8 MiB in the renderer process for nothing it prints.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from printers.layout import QR, Block, Cut, Feed, Paper, Row, Rule, Text, nfc

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
#: pixel size of DejaVu Sans for one line at 203 dpi: about font A's 24-dot height,
#: and a 48-character Vietnamese line fits 576 dots
BASE_SIZE = 22
#: a line box, as multiples of the font size: room above the baseline for a tone mark
#: over a circumflex on a capital (Ễ), below it for descenders and the dot below
ABOVE, BELOW = 1.2, 0.32
RULE_HEIGHT = 16
QR_BORDER = 4  # quiet zone, in modules
WHITE, BLACK = 255, 0
INK_LEVEL = 176


@lru_cache(maxsize=32)
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / FONTS[bold]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: install Debian's fonts-dejavu-core")
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def line_height(size: int) -> int:
    return math.ceil(size * ABOVE) + math.ceil(size * BELOW)


def text_width(text: str, bold: bool = False, size: int = BASE_SIZE) -> int:
    return math.ceil(font(bold, size).getlength(nfc(text)))


def wrap_pixels(text: str, width: int, bold: bool = False, size: int = BASE_SIZE) -> list[str]:
    """Greedy word wrap to ``width`` pixels, keeping a leading indent ("  Kỳ 01/2026");
    a word wider than a line is broken."""
    f = font(bold, size)
    text = nfc(text)
    line = text[: len(text) - len(text.lstrip(" "))]
    lines: list[str] = []
    for word in text.split():
        candidate = f"{line} {word}" if line.strip() else line + word
        if f.getlength(candidate) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(line)
        while f.getlength(word) > width:
            cut = max((i for i in range(2, len(word)) if f.getlength(word[:i]) <= width), default=1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    return [*lines, line] if line.strip() or not lines else lines


def draw(blocks: list[Block] | tuple[Block, ...], paper: Paper) -> Image.Image:
    """The blocks stacked into one image ``paper.dots`` wide (mode "1"); a Cut draws nothing."""
    strips = [s for b in blocks for s in _strips(b, paper)]
    height = sum(s.height for s in strips)
    out = Image.new("1", (paper.dots, max(1, height)), WHITE)
    y = 0
    for s in strips:
        out.paste(s, (0, y))
        y += s.height
    return out


def _strips(block: Block, paper: Paper) -> tuple[Image.Image, ...]:
    """A QR code is drawn afresh (its data is one ticket's own); any other block is drawn
    once per paper: a document's heading, rules and labels come back on every ticket."""
    if isinstance(block, QR):
        return (qr_image(block, paper),)
    return _drawn(block, paper)


@lru_cache(maxsize=512)
def _drawn(block: Block, paper: Paper) -> tuple[Image.Image, ...]:
    """The strips of a block (never changed once drawn: they are only pasted)."""
    if isinstance(block, Text):
        return tuple(_text(block, paper))
    if isinstance(block, Row):
        return tuple(_row(block, paper))
    if isinstance(block, Rule):
        return (_rule(block, paper),)
    if isinstance(block, Feed):
        return (_blank(paper, line_height(BASE_SIZE) * block.lines),)
    if isinstance(block, Cut):
        return ()
    raise TypeError(f"not a block: {block!r}")


def _blank(paper: Paper, height: int) -> Image.Image:
    return Image.new("1", (paper.dots, height), WHITE)


def _line(paper: Paper, size: int) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    """A grey canvas one line high (thresholded to 1 bit later) and its baseline."""
    canvas = Image.new("L", (paper.dots, line_height(size)), WHITE)
    return canvas, ImageDraw.Draw(canvas), math.ceil(size * ABOVE)


_INK = [BLACK if v < INK_LEVEL else WHITE for v in range(256)]


def _bits(canvas: Image.Image) -> Image.Image:
    """Anti-aliased grey to 1 bit; a grey edge counts as ink up to INK_LEVEL, so thin tone
    marks keep two dots of width and do not fade on thermal paper."""
    return canvas.point(_INK).convert("1")


def _text(block: Text, paper: Paper) -> list[Image.Image]:
    size = BASE_SIZE * block.height
    stretch = block.width / block.height
    room = int(paper.dots / stretch)
    f = font(block.bold, size)
    out = []
    for line in wrap_pixels(block.text, room, block.bold, size):
        canvas, pen, baseline = _line(Paper(paper.mm, paper.columns, room), size)
        w = f.getlength(line)
        x = {"left": 0, "center": (room - w) / 2, "right": room - w}[block.align]
        pen.text((round(x), baseline), line, font=f, fill=BLACK, anchor="ls")
        if stretch != 1:
            canvas = canvas.resize((paper.dots, canvas.height), Image.Resampling.LANCZOS)
        out.append(_bits(canvas))
    return out


def _row(block: Row, paper: Paper) -> list[Image.Image]:
    f = font(block.bold, BASE_SIZE)
    gap = f.getlength("  ")
    right = nfc(block.right)
    rw = f.getlength(right)
    lefts = wrap_pixels(block.left, paper.dots, block.bold)
    if f.getlength(lefts[-1]) + gap + rw > paper.dots:
        lefts.append("")
    out = []
    for i, left in enumerate(lefts):
        canvas, pen, baseline = _line(paper, BASE_SIZE)
        pen.text((0, baseline), left, font=f, fill=BLACK, anchor="ls")
        if i == len(lefts) - 1:
            pen.text((paper.dots, baseline), right, font=f, fill=BLACK, anchor="rs")
        out.append(_bits(canvas))
    return out


def _rule(block: Rule, paper: Paper) -> Image.Image:
    strip = _blank(paper, RULE_HEIGHT)
    pen = ImageDraw.Draw(strip)
    mid = RULE_HEIGHT // 2
    if block.heavy:
        pen.rectangle((0, mid - 3, paper.dots - 1, mid - 2), fill=BLACK)
        pen.rectangle((0, mid + 1, paper.dots - 1, mid + 2), fill=BLACK)
    else:
        for x in range(0, paper.dots, 12):
            pen.rectangle((x, mid - 1, min(x + 7, paper.dots - 1), mid), fill=BLACK)
    return strip


def qr_matrix(data: str) -> list[list[bool]]:
    """A full-size QR's modules (the smallest version that holds ``data``, error level M,
    byte mode), without its quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data, optimize=0)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(block: QR, paper: Paper) -> Image.Image:
    """The QR code centred on a strip as wide as the paper (error level M, like the kiosk)."""
    matrix = qr_matrix(block.data)
    n = len(matrix) + 2 * QR_BORDER
    module = max(1, min(block.module, paper.dots // n))
    side = n * module
    dots = bytes(BLACK if dark else WHITE for row in matrix for dark in row)
    modules = Image.frombytes("L", (len(matrix),) * 2, dots)
    grown = modules.resize((side - 2 * QR_BORDER * module,) * 2, Image.Resampling.NEAREST)
    strip = _blank(paper, side)
    quiet = QR_BORDER * module
    strip.paste(grown.convert("1"), ((paper.dots - side) // 2 + quiet, quiet))
    return strip
