"""The one reading of ESC/POS bytes that dissect (text) and replay (pictures) share: the
commands in order, text decoded in its code page, a style whole, and the same refusal
from both readers of a command neither knows."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from printers import dissect, replay
from printers.escpos_read import Cut, Feed, LineFeed, Raster, Style, Text, commands

PROFILE = Dummy(profile="TM-T20II").profile  # CP1258 is ESC t 52
ESC, GS = b"\x1b", b"\x1d"


def test_a_job_reads_as_its_commands() -> None:
    data = (
        ESC + b"@" + ESC + b"t\x34" + ESC + b"a\x01" + GS + b"!\x11" + b"\xd0\xe0 1\n"
        + ESC + b"d\x02" + GS + b"v0\x00\x01\x00\x02\x00\x80\x01" + GS + b"VA\x03"
    )  # fmt: skip
    assert list(commands(data, PROFILE)) == [
        Style(),
        Style(align="center"),
        Style(align="center", width=2, height=2),
        Text("Đà 1"),
        LineFeed(),
        Feed(2),
        Raster(8, 2, b"\x80\x01"),
        Cut(),
    ]


def test_after_a_cut_dissect_keeps_the_code_page_replay_starts_afresh() -> None:
    data = ESC + b"t\x34" + GS + b"V\x00" + b"\xd0"
    assert [c for c in commands(data, PROFILE) if isinstance(c, Text)] == [Text("Đ")]
    assert list(commands(data, PROFILE, cut_resets=True))[-1] == Text("╨")  # page 0, CP437


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ESC + b"@" + ESC + b"z\x01", "ESC 0x7A at 2"),
        (b"ab\n" + GS + b"Z\x00", "GS 0x5A at 3"),
        (b"ab\tc", "control byte 0x09 at 2"),
    ],
)
def test_both_readers_refuse_what_neither_knows(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dissect.readable(data, PROFILE)
    with pytest.raises(ValueError, match=message):
        replay.jobs(data, PROFILE)
