"""The preview of what a printer received: bytes back to one picture a job, the same
pixels image mode sent, every text-mode job drawn, an unknown command refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from escpos.printer import Dummy

from printers import preview, raster, replay
from printers.layout import PAPER_58, PAPER_80
from printers.render import render_bytes, segments
from printers.samples import all_documents

PROFILE = "TM-T20II"
DOCS = all_documents()


def look() -> object:
    return Dummy(profile=PROFILE).profile


@pytest.mark.parametrize("name", ["receipt", "count-close", "day-end", "ticket"])
def test_an_image_mode_job_replays_to_the_pixels_sent(name: str) -> None:
    doc = DOCS[name]
    (picture,) = replay.jobs(render_bytes(doc, PAPER_80, "image", PROFILE), look())
    printed = [raster.draw(blocks, PAPER_80) for blocks, _ in segments(doc.blocks) if blocks]
    top = 0
    for part in printed:
        assert picture.crop((0, top, part.width, top + part.height)).tobytes() == part.tobytes()
        top += part.height


def test_a_printer_file_holds_one_picture_a_job_in_any_mode(tmp_path: Path) -> None:
    names = ["receipt", "receipt-copy", "count-deposit", "money-out-void"]
    modes = ["text:cp1258", "text:tcvn3", "image", "text:cp1258"]
    data = b"".join(
        render_bytes(DOCS[n], PAPER_58, m, PROFILE) for n, m in zip(names, modes, strict=True)
    )
    file = tmp_path / "receipt-c1.bin"
    file.write_bytes(data)
    pictures = replay.jobs(data, look(), PAPER_58.dots)
    assert len(pictures) == 4
    for p in pictures:  # each has ink, and is as wide as the paper
        assert p.width == PAPER_58.dots and p.convert("L").getextrema() == (0, 255)
    made = preview.printed([file], tmp_path / "out", PAPER_58, PROFILE, last=2)
    assert [p.name for p in made] == ["receipt-c1-0003.png", "receipt-c1-0004.png"]
    assert all(p.stat().st_size > 0 for p in made)


def test_bytes_it_does_not_know_are_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="ESC 0x7A"):
        replay.jobs(b"\x1b@\x1bz\x01", look())
