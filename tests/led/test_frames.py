"""Frames byte for byte: the ASCII template and Modbus RTU function 06 with its CRC."""

from __future__ import annotations

import pytest

from qms.devices.led import AsciiProtocol, ModbusProtocol, SerialFormat, crc16, write_register
from qms.devices.led.modbus import check_write_reply, crc_ok
from qms.devices.led.protocol import ReplyError


@pytest.mark.parametrize(
    ("address", "number", "frame"),
    [
        (1, 42, b"$001,0042#"),
        (0, 0, b"$000,0000#"),
        (999, 9999, b"$999,9999#"),
        (12, 305, b"$012,0305#"),
    ],
)
def test_default_ascii_frame(address: int, number: int, frame: bytes) -> None:
    assert AsciiProtocol().frame(address, number) == frame


def test_default_blank_frame_keeps_the_width() -> None:
    assert AsciiProtocol().blank(7) == b"$007,    #"


def test_templates() -> None:
    stx = AsciiProtocol("\x02{addr:02d}{number:4}\x03\r\n")
    assert stx.frame(5, 42) == b"\x0205  42\x03\r\n"
    assert stx.blank(5) == b"\x0205    \x03\r\n"
    assert AsciiProtocol("N{number}{{ok}}").frame(3, 7) == b"N7{ok}"
    custom_blank = AsciiProtocol(blank_template="$CLR{addr:03d}#")
    assert custom_blank.blank(4) == b"$CLR004#"
    assert custom_blank.frame(4, 1) == b"$004,0001#"


@pytest.mark.parametrize(
    "template",
    ["", "$AAA,NNNN#", "{addr:03d}", "{num}", "{number!r}", "{number:x}", "{number", "số {number}"],
)
def test_bad_templates(template: str) -> None:
    with pytest.raises(ValueError):
        AsciiProtocol(template)


@pytest.mark.parametrize(("address", "number"), [(-1, 1), (1000, 1), (1, -1), (1, 10000)])
def test_ascii_ranges(address: int, number: int) -> None:
    with pytest.raises(ValueError):
        AsciiProtocol().frame(address, number)


def test_numbers_must_be_ints_and_fit_their_field() -> None:
    with pytest.raises(TypeError):
        AsciiProtocol().frame(1, "12")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        AsciiProtocol().frame(1, True)
    with pytest.raises(ValueError, match="does not fit"):
        AsciiProtocol("{addr:2}{number:3}").frame(1, 1234)
    with pytest.raises(ValueError, match="does not fit"):
        AsciiProtocol("{addr:2}{number:3}").frame(100, 1)


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        ("01 06 00 01 00 03", "98 0b"),
        ("01 03 00 00 00 0a", "c5 cd"),
        ("11 03 00 6b 00 03", "76 87"),
        ("31 32 33 34 35 36 37 38 39", "37 4b"),  # "123456789": the catalogue check value
    ],
)
def test_crc16_modbus_vectors(data: str, crc: str) -> None:
    assert crc16(bytes.fromhex(data)) == bytes.fromhex(crc)


def test_modbus_write_register_frames() -> None:
    assert write_register(1, 1, 3) == bytes.fromhex("01 06 00 01 00 03 98 0b")
    proto = ModbusProtocol(register=0x0010)
    frame = proto.frame(2, 1234)
    assert frame[:6] == bytes.fromhex("02 06 00 10 04 d2")
    assert crc_ok(frame)
    assert proto.blank(2)[:6] == bytes.fromhex("02 06 00 10 00 00")
    assert ModbusProtocol(blank_value=0xFFFF).blank(1)[4:6] == b"\xff\xff"


@pytest.mark.parametrize(("address", "number"), [(248, 1), (-1, 1), (1, 10000)])
def test_modbus_ranges(address: int, number: int) -> None:
    with pytest.raises(ValueError):
        ModbusProtocol().frame(address, number)


def test_modbus_replies() -> None:
    request = write_register(1, 1, 3)
    check_write_reply(request, request)
    with pytest.raises(ReplyError, match="did not answer"):
        check_write_reply(request, b"")
    with pytest.raises(ReplyError, match="bad CRC"):
        check_write_reply(request, request[:-1] + b"\x00")
    refusal = bytes.fromhex("01 86 02") + crc16(bytes.fromhex("01 86 02"))
    with pytest.raises(ReplyError, match="illegal data address"):
        check_write_reply(request, refusal)
    proto = ModbusProtocol()
    assert proto.reply_rest(request, refusal) == 0
    assert proto.reply_rest(request, request[:5]) == 3
    assert proto.reply_head(write_register(0, 1, 3)) == 0  # broadcast: nobody answers
    assert ModbusProtocol(confirm=False).reply_head(request) == 0


def test_serial_format() -> None:
    assert SerialFormat.parse("8n1") == SerialFormat()
    assert SerialFormat.parse("8E1").char_bits() == 11
    assert str(SerialFormat.parse("7O2")) == "7O2"
    with pytest.raises(ValueError):
        SerialFormat.parse("9600")
    assert ModbusProtocol().gap(9600) == pytest.approx(3.5 * 10 / 9600)
    assert ModbusProtocol().gap(115200) == pytest.approx(0.00175)
