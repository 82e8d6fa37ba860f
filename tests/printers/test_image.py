"""Image mode: what is drawn fits the paper, at the dots the printer really has."""

from __future__ import annotations

import random

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageOps

from printers import raster
from printers.dissect import readable
from printers.layout import PAPER_58, PAPER_80, QR, Document, Paper, Row, Text
from printers.render import image, render, segments
from printers.samples import all_documents
from printers.vietnamese import PANGRAM


def ink_box(img: Image.Image) -> tuple[int, int, int, int] | None:
    return ImageOps.invert(img.convert("L")).getbbox()


@pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
@pytest.mark.parametrize("name", sorted(all_documents()))
def test_every_document_fits_the_paper(name: str, paper: Paper) -> None:
    for blocks, _ in segments(all_documents()[name].blocks):
        img = raster.draw(blocks, paper)
        assert img.width == paper.dots and img.mode == "1"
        box = ink_box(img)
        assert box is not None and box[0] >= 0 and box[2] <= paper.dots


@pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
def test_long_lines_wrap_within_the_dots(paper: Paper) -> None:
    long_word = "PE0100-" + "9" * 80  # no space to break at
    for bold in (False, True):
        lines = raster.wrap_pixels(f"{PANGRAM} {long_word} {PANGRAM}", paper.dots, bold)
        assert len(lines) > 3
        assert all(raster.text_width(line, bold) <= paper.dots for line in lines)
        assert "".join(lines).replace(" ", "") == f"{PANGRAM}{long_word}{PANGRAM}".replace(" ", "")


def test_large_text_and_rows_stay_inside() -> None:
    blocks = [
        Text("10423", align="right", bold=True, width=6, height=6),
        Row("Nguyễn Thị Ánh Tuyết, 123/4 Nguyễn Thị Minh Khai, Quận 1", "123.456.789 đ"),
        QR("https://qms.example/f/" + "x" * 200),
    ]
    img = raster.draw(blocks, PAPER_58)
    box = ink_box(img)
    assert box is not None and box[2] <= PAPER_58.dots


def test_a_180_dpi_printer_gets_512_dot_images_and_42_columns() -> None:
    printer = Dummy(profile="TM-T88V")  # 80 mm paper, 512 dots
    doc = Document("t", (Text("Điện lực"), Row("Tổng", "1.000 đ")))
    render(printer, doc, PAPER_80, "image")
    assert readable(printer.output, printer.profile).strip() == "[image 512x70]"
    text = Dummy(profile="TM-T88V")
    render(text, doc, PAPER_80, "text:cp1258")
    lines = readable(text.output, text.profile).splitlines()
    assert lines[1] == "Tổng" + " " * (42 - 4 - 7) + "1.000 đ"


def test_a_profile_without_a_width_prints_no_note(capsys: pytest.CaptureFixture[str]) -> None:
    """python-escpos prints a note on stdout at each image when the profile has no width."""
    printer = Dummy(profile="default")
    render(printer, Document("t", (Text("Điện"),)), PAPER_58, "image")
    assert capsys.readouterr().out == ""
    assert printer.profile.profile_data["media"]["width"]["pixels"] == 384


@pytest.mark.parametrize("size", [(576, 1), (576, 960), (512, 2000), (384, 961), (100, 40)])
def test_images_send_what_python_escpos_sends(size: tuple[int, int]) -> None:
    """Our raster path (no RGBA/grey round trips) is byte for byte the library's, through
    fragments of 960 rows and for a width that is not a whole number of bytes."""
    rng = random.Random(size[0] * size[1])
    picture = Image.frombytes(
        "L", size, bytes(rng.choice((0, 255)) for _ in range(size[0] * size[1]))
    ).convert("1")
    ours, theirs = Dummy(), Dummy()
    image(ours, picture)
    theirs.image(picture)
    assert bytes(ours.output) == bytes(theirs.output)
    assert bytes(ours.output).count(b"\x1dv0") == -(-size[1] // 960)
