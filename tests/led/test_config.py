"""The ``led:`` mapping of a counter in config.yaml, as docs/led-boards.md shows it."""

from __future__ import annotations

import pytest

from qms.devices.led import AsciiProtocol, ModbusProtocol, close_boards, make_protocol, open_boards
from tests.led.helpers import BOUND


def test_defaults_are_the_common_ascii_board() -> None:
    proto = make_protocol({"url": "/dev/ttyUSB0", "address": 1})
    assert isinstance(proto, AsciiProtocol)
    assert proto.frame(1, 42) == b"$001,0042#"
    assert str(proto.serial_format) == "8N1"


def test_every_key() -> None:
    ascii_ = make_protocol(
        {"protocol": "ascii", "template": "#{addr:02d}{number:04d}\r", "blank": "#{addr:02d}\r"}
    )
    assert ascii_.frame(4, 12) == b"#040012\r" and ascii_.blank(4) == b"#04\r"
    modbus = make_protocol(
        {
            "protocol": "modbus",
            "register": 2,
            "blank_value": 65535,
            "confirm": False,
            "format": "8E1",
        }
    )
    assert isinstance(modbus, ModbusProtocol)
    assert (modbus.register, modbus.blank_value, modbus.confirm) == (2, 65535, False)
    assert str(modbus.serial_format) == "8E1"


@pytest.mark.parametrize(
    ("led", "match"),
    [
        ({"protocol": "dmx"}, "led.protocol"),
        ({"template": "{number:x}"}, "led.template"),
        ({"format": "9600"}, "8N1"),
        ({"protocol": "modbus", "register": 70000}, "register"),
    ],
)
def test_bad_settings_say_which(led: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_protocol(led)


def test_counters_on_one_url_must_agree() -> None:
    with pytest.raises(ValueError, match="shared with other settings"):
        open_boards(
            {
                "C1": {"url": "loop://", "address": 1},
                "C2": {"url": "loop://", "address": 2, "baudrate": 19200},
            }
        )
    with pytest.raises(ValueError, match="already has a board at address 1"):
        open_boards(
            {"C1": {"url": "loop://", "address": 1}, "C2": {"url": "loop://", "address": 1}}
        )


def test_open_boards_one_line_per_url() -> None:
    boards = open_boards(
        {
            "C1": {"url": "loop://", "address": 1},
            "C2": {"url": "loop://", "address": 2},
            "C3": {"url": "loop://?logging=debug", "address": 1, "protocol": "modbus"},
        }
    )
    try:
        assert boards["C1"].line is boards["C2"].line is not boards["C3"].line
        assert boards["C3"].wait_sent(boards["C3"].show(9), BOUND)  # loop:// echoes
        assert boards["C1"].wait_sent(boards["C1"].show(1), BOUND)
        assert boards["C1"].name == "C1"
    finally:
        assert close_boards(boards)
