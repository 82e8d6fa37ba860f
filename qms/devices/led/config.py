"""From the ``led:`` mapping of a counter in config.yaml to boards. Counters naming the
same URL share one line (one RS-485 bus, one thread, frames never interleaved)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qms.devices.led.ascii import DEFAULT_TEMPLATE, AsciiProtocol
from qms.devices.led.board import LedBoard
from qms.devices.led.line import LedLine
from qms.devices.led.modbus import ModbusProtocol
from qms.devices.led.protocol import BoardProtocol, SerialFormat

#: keys of one counter's ``led:`` mapping and their defaults (docs/led-boards.md)
DEFAULTS: dict[str, Any] = {
    "protocol": "ascii",
    "baudrate": 9600,
    "format": "8N1",
    "template": None,  # ascii: DEFAULT_TEMPLATE
    "blank": None,  # ascii: the template with the number blanked
    "register": 0,  # modbus
    "blank_value": 0,  # modbus
    "confirm": True,  # modbus: read the echo
    "write_timeout": 1.0,
    "reply_timeout": 0.3,
}
_LINE_KEYS = ("protocol", "baudrate", "format", "template", "blank", "register", "blank_value",
              "confirm", "write_timeout", "reply_timeout")  # fmt: skip


def make_protocol(led: Mapping[str, Any]) -> BoardProtocol:
    """The protocol object for one ``led:`` mapping; ValueError names the bad key."""
    cfg = {**DEFAULTS, **{k: v for k, v in led.items() if v is not None}}
    fmt = SerialFormat.parse(str(cfg["format"]))
    if cfg["protocol"] == "ascii":
        try:
            return AsciiProtocol(cfg["template"] or DEFAULT_TEMPLATE, cfg["blank"], fmt)
        except ValueError as exc:
            raise ValueError(f"led.template: {exc}") from None
    if cfg["protocol"] == "modbus":
        return ModbusProtocol(cfg["register"], cfg["blank_value"], bool(cfg["confirm"]), fmt)
    raise ValueError(f"led.protocol: {cfg['protocol']!r} is not ascii or modbus")


def open_boards(leds: Mapping[str, Mapping[str, Any]], **line_options: Any) -> dict[str, LedBoard]:
    """One board per counter code; counters on the same URL must agree on the line's
    settings (protocol, speed, framing) and differ in address."""
    lines: dict[str, tuple[LedLine, dict[str, Any]]] = {}
    boards: dict[str, LedBoard] = {}
    try:
        for counter, led in leds.items():
            url = str(led["url"])
            settings = {k: led.get(k, DEFAULTS[k]) for k in _LINE_KEYS}
            if url in lines:
                line, first = lines[url]
                if settings != first:
                    raise ValueError(f"led of {counter}: {url} is shared with other settings")
            else:
                line = LedLine(
                    url,
                    make_protocol(led),
                    baudrate=int(settings["baudrate"]),
                    write_timeout=float(settings["write_timeout"]),
                    reply_timeout=float(settings["reply_timeout"]),
                    **line_options,
                )
                lines[url] = (line, settings)
            boards[counter] = LedBoard.on(line, int(led["address"]), name=counter)
    except Exception:
        for line, _ in lines.values():
            line.close()
        raise
    return boards


def close_boards(boards: Mapping[str, LedBoard], timeout: float = 2.0) -> bool:
    """Close every line once; False if a thread was stuck."""
    ok = True
    for line in {id(b.line): b.line for b in boards.values()}.values():
        ok = line.close(timeout) and ok
    return ok
