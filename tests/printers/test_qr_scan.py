"""The QR printed on a ticket scans as its follow link: the raster images of the job's
ESC/POS bytes (``GS v 0``), as the printer would draw them, read by zbar's ``zbarimg``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from printers import raster
from printers.layout import PAPER_58, PAPER_80, QR, Paper
from printers.render import render_bytes
from printers.samples import FOLLOW_URL, all_documents
from tests.conftest import require_service
from tests.procs import fresh_python

RASTER = b"\x1dv0"


def printed_images(data: bytes) -> Image.Image:
    """Every raster image of a job, stacked top to bottom (black where the printer burns)."""
    parts: list[Image.Image] = []
    at = data.find(RASTER)
    while at >= 0:
        wb = data[at + 4] + 256 * data[at + 5]
        h = data[at + 6] + 256 * data[at + 7]
        bits = data[at + 8 : at + 8 + wb * h]
        parts.append(ImageChops.invert(Image.frombytes("1", (wb * 8, h), bits)))
        at = data.find(RASTER, at + 8 + wb * h)
    assert parts, "no raster image in the job"
    out = Image.new("1", (max(p.width for p in parts), sum(p.height for p in parts)), 1)
    y = 0
    for p in parts:
        out.paste(p, (0, y))
        y += p.height
    return out


def scan(img: Image.Image, tmp_path: Path) -> list[str]:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        require_service("zbarimg", "apt-get install -y zbar-tools")
    path = tmp_path / "job.png"
    img.convert("L").save(path)
    out = subprocess.run(
        [str(zbarimg), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return out.stdout.splitlines()


@pytest.mark.parametrize("mode", ["image", "text:cp1258", "text:tcvn3"])
@pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
def test_the_printed_ticket_qr_scans_as_its_follow_link(
    paper: Paper, mode: str, tmp_path: Path
) -> None:
    data = render_bytes(all_documents()["ticket"], paper, mode, "TM-T20II")
    assert scan(printed_images(data), tmp_path) == [FOLLOW_URL]


@pytest.mark.parametrize("size", [10, 60, 140])
def test_a_longer_link_makes_a_larger_qr_that_still_scans(size: int, tmp_path: Path) -> None:
    url = "http://hall-7.example:8000/t/" + "k" * size
    img = raster.qr_image(QR(url), PAPER_80)
    assert scan(img, tmp_path) == [url]
    assert img.width == PAPER_80.dots


def test_printing_loads_no_network_stack() -> None:
    """segno's SVG writer brings in urllib.request and ssl (~8 MiB in the renderer
    process); the printed QR is drawn without them."""
    code = (
        "import sys; from printers.render import render_bytes;"
        "from printers.samples import all_documents; from printers.layout import PAPER_80;"
        "[render_bytes(d, PAPER_80, 'image') for d in all_documents().values()];"
        "print([m for m in ('ssl', 'segno', 'urllib.request') if m in sys.modules])"
    )
    assert fresh_python(code) == "[]"


@pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
def test_the_tickets_vietqr_scans_as_its_payload_beside_the_follow_link(
    paper: Paper, tmp_path: Path
) -> None:
    """A bank app reads the printed payload exactly (its CRC covers every character)."""
    from printers import documents
    from printers.samples import BRANCH, TICKET
    from qms.domain.vietqr import payload

    pay = payload("970436", "0071000123456", 2_678_217, "QMSABCDEFGH")
    doc = documents.ticket(
        TICKET, branch=BRANCH, follow_url=FOLLOW_URL, pay={"payload": pay, "amount": 2_678_217}
    )
    data = render_bytes(doc, paper, "image", "TM-T20II")
    assert sorted(scan(printed_images(data), tmp_path)) == sorted([pay, FOLLOW_URL])
