"""Modbus RTU boards: the number is written to one holding register with function 06
(write single register), the slave id being the board address. The board echoes the
request as its answer, which tells a live board from a dead one on an RS-485 bus where
writes always "succeed". Hand-written: a frame is 8 bytes and the CRC ten lines, cheaper
than a dependency."""

from __future__ import annotations

from dataclasses import dataclass, field

from qms.devices.led.protocol import ReplyError, SerialFormat, check_int, check_number

WRITE_SINGLE_REGISTER = 0x06
BROADCAST = 0
MAX_SLAVE = 247
_EXCEPTIONS = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "slave device failure",
    6: "slave device busy",
}


def crc16(data: bytes) -> bytes:
    """CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), low byte first as sent."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc.to_bytes(2, "little")


def with_crc(pdu: bytes) -> bytes:
    return pdu + crc16(pdu)


def crc_ok(frame: bytes) -> bool:
    return len(frame) >= 4 and crc16(frame[:-2]) == frame[-2:]


def write_register(slave: int, register: int, value: int) -> bytes:
    """The full RTU frame of function 06: slave, 06, register, value, CRC."""
    check_int(slave, 0, MAX_SLAVE, "slave id")
    check_int(register, 0, 0xFFFF, "register")
    check_int(value, 0, 0xFFFF, "register value")
    return with_crc(
        bytes((slave, WRITE_SINGLE_REGISTER))
        + register.to_bytes(2, "big")
        + value.to_bytes(2, "big")
    )


def check_write_reply(request: bytes, reply: bytes) -> None:
    """A function 06 answer is the request echoed; an exception answer names the fault."""
    if not reply:
        raise ReplyError(f"slave {request[0]} did not answer")
    if not crc_ok(reply):
        raise ReplyError(f"slave {request[0]} answered with a bad CRC: {reply.hex(' ')}")
    if len(reply) == 5 and reply[1] == request[1] | 0x80:
        code = reply[2]
        why = _EXCEPTIONS.get(code, "unknown exception")
        raise ReplyError(f"slave {request[0]} refused: exception {code} ({why})")
    if reply != request:
        raise ReplyError(f"slave {request[0]} answered {reply.hex(' ')}, not the echo")


@dataclass(frozen=True)
class ModbusProtocol:
    """Writes the number (or ``blank_value``) to ``register`` of slave ``address``.

    ``confirm`` reads the echo; turn it off for boards wired receive-only. Slave 0 is
    broadcast: every board on the bus takes it and none answers."""

    register: int = 0
    blank_value: int = 0
    confirm: bool = True
    serial_format: SerialFormat = field(default_factory=SerialFormat)
    name: str = "modbus"

    def __post_init__(self) -> None:
        check_int(self.register, 0, 0xFFFF, "register")
        check_int(self.blank_value, 0, 0xFFFF, "blank value")

    def check_address(self, address: int) -> int:
        return check_int(address, 0, MAX_SLAVE, "slave id")

    def frame(self, address: int, number: int) -> bytes:
        return write_register(self.check_address(address), self.register, check_number(number))

    def blank(self, address: int) -> bytes:
        return write_register(self.check_address(address), self.register, self.blank_value)

    def reply_head(self, request: bytes) -> int:
        # an exception answer is 5 bytes, the echo 8: read 5, then the rest if any
        return 5 if self.confirm and request[0] != BROADCAST else 0

    def reply_rest(self, request: bytes, head: bytes) -> int:
        if len(head) < 5 or head[1] & 0x80:
            return 0
        return len(request) - len(head)

    def check_reply(self, request: bytes, reply: bytes) -> None:
        check_write_reply(request, reply)

    def gap(self, baudrate: int) -> float:
        """3.5 characters of silence end an RTU frame; 1.75 ms above 19200 baud."""
        if baudrate > 19200:
            return 0.00175
        return 3.5 * self.serial_format.char_bits() / baudrate
