"""``python -m printers.preview OUTDIR [--paper 80]``: every sample document as a PNG, drawn
from the same layout and the same raster code as image mode, dressed as a thermal roll
(paper margins, slightly grey ink, a cut edge) so a person can judge it.

``python -m printers.preview OUTDIR data/prints/*.bin [--last N]``: what the printers
actually received instead, one PNG a job (``receipt-c1-0007.png``), read back from the
bytes (``printers.replay``): the paper as printed, text mode or image mode alike."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from printers import raster
from printers.layout import Document, Paper, paper
from printers.render import segments
from printers.samples import all_documents

PAPER_RGB = (252, 251, 246)
INK_RGB = (38, 38, 42)
DESK_RGB = (222, 224, 228)
MARGIN_DOTS = 32  # 80 mm roll: 640 dots, 576 printable
TOP, BOTTOM, DESK, TEETH = 28, 40, 36, 10


def receipt_png(doc: Document, p: Paper) -> Image.Image:
    """The document's printed part on its paper, on a desk; one strip per cut-off piece."""
    pieces = [raster.draw(blocks, p) for blocks, _ in segments(doc.blocks) if blocks]
    return on_desk(pieces, p)


def on_desk(pieces: list[Image.Image], p: Paper) -> Image.Image:
    """Printed pieces (1-bit, black ink) as slips of paper on a desk."""
    slips = [_slip(piece, p) for piece in pieces]
    width = max(s.width for s in slips) + 2 * DESK
    height = sum(s.height for s in slips) + DESK * (len(slips) + 1)
    desk = Image.new("RGB", (width, height), DESK_RGB)
    y = DESK
    for s in slips:
        shadow = Image.new("L", desk.size, 0)
        shadow.paste(s.getchannel("A"), (DESK + 4, y + 5))
        desk.paste((190, 192, 198), (0, 0), shadow.filter(ImageFilter.GaussianBlur(5)))
        desk.paste(s, (DESK, y), s)
        y += s.height + DESK
    return desk


def _slip(printed: Image.Image, p: Paper) -> Image.Image:
    margin = MARGIN_DOTS if p.mm == 80 else 12
    w, h = printed.width + 2 * margin, printed.height + TOP + BOTTOM
    slip = Image.new("RGBA", (w, h), (*PAPER_RGB, 255))
    ink = Image.new("RGBA", printed.size, (*INK_RGB, 255))
    slip.paste(ink, (margin, TOP), printed.point(lambda v: 255 - v).convert("L"))
    mask = Image.new("L", (w, h), 255)
    pen = ImageDraw.Draw(mask)
    rng = random.Random(w * 7919 + h)  # a torn edge, the same at every run
    x, top_edge, bottom_edge = 0, [(0, 0)], [(0, h)]
    while x < w:
        x += rng.randint(6, 12)
        top_edge.append((x, rng.randint(0, 3)))
        bottom_edge.append((x, h - rng.randint(0, 3) - (TEETH // 2 if len(bottom_edge) % 2 else 0)))
    pen.polygon([(0, 0), *top_edge, (w, 0)], fill=0)
    pen.polygon([(0, h), *bottom_edge, (w, h)], fill=0)
    slip.putalpha(mask)
    return slip


def printed(files: list[Path], outdir: Path, p: Paper, profile: str, last: int) -> list[Path]:
    """Each job in each printer file as a PNG in ``outdir``, numbered from the file's
    first job (the last ``last`` only, when > 0); the PNGs' paths."""
    from escpos.printer import Dummy

    from printers.replay import jobs

    made = []
    outdir.mkdir(parents=True, exist_ok=True)
    look = Dummy(profile=profile).profile
    for f in files:
        pictures = jobs(f.read_bytes(), look, p.dots)
        first = max(0, len(pictures) - last) if last > 0 else 0
        for n, picture in enumerate(pictures[first:], start=first + 1):
            path = outdir / f"{f.stem}-{n:04d}.png"
            on_desk([picture], p).save(path, optimize=True)
            made.append(path)
    return made


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m printers.preview",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("outdir", type=Path)
    ap.add_argument("files", type=Path, nargs="*", help="printer files (data/prints/*.bin)")
    ap.add_argument("--paper", type=int, default=80, choices=(58, 80))
    ap.add_argument("--profile", default="default", help="the printers' python-escpos profile")
    ap.add_argument("--last", type=int, default=0, help="only each file's last N jobs")
    args = ap.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    p = paper(args.paper)
    if args.files:
        for path in printed(args.files, args.outdir, p, args.profile, args.last):
            print(path)
        return
    suffix = "" if args.paper == 80 else f"-{args.paper}mm"
    for name, doc in all_documents().items():
        path = args.outdir / f"{name}{suffix}.png"
        receipt_png(doc, p).save(path, optimize=True)
        print(path)


if __name__ == "__main__":
    main()
