"""Counter LED number boards on serial lines (RS-485 / RS-232, or anything pyserial opens
by URL). ``LedBoard.show(n)`` never blocks and never raises for the device: a thread per
line delivers the latest number, and retries while the board is offline.

Modules: protocol (the interface), ascii and modbus (frames, pure), line (port and
thread), board (the facade), status, config (from config.yaml's ``led:`` mappings).
"""

from qms.devices.led.ascii import DEFAULT_TEMPLATE, AsciiProtocol
from qms.devices.led.board import LedBoard
from qms.devices.led.config import close_boards, make_protocol, open_boards
from qms.devices.led.line import LedLine
from qms.devices.led.modbus import ModbusProtocol, crc16, write_register
from qms.devices.led.protocol import BoardProtocol, ReplyError, SerialFormat
from qms.devices.led.status import BoardOffline, BoardStatus

__all__ = [
    "DEFAULT_TEMPLATE",
    "AsciiProtocol",
    "BoardOffline",
    "BoardProtocol",
    "BoardStatus",
    "LedBoard",
    "LedLine",
    "ModbusProtocol",
    "ReplyError",
    "SerialFormat",
    "close_boards",
    "crc16",
    "make_protocol",
    "open_boards",
    "write_register",
]
