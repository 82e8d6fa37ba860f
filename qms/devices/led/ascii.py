"""The common ASCII board frame, ``$AAA,NNNN#`` by default: most counter number boards sold
in Vietnam take a text line with the board address and the number, at 9600 8N1.

The template is Python's format syntax restricted to two fields, so a manual's frame can
be copied almost as written: ``{addr}`` the board address, ``{number}`` the called
number, each with an optional ``0N`` zero padding or ``N`` space padding and an optional
``d`` (``{addr:03d}``). Literal braces are doubled. Any other ASCII is sent as written,
control characters too (YAML ``"\\x02...\\x03"`` for STX/ETX framed boards).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from qms.devices.led.protocol import SerialFormat, check_int, check_number

DEFAULT_TEMPLATE = "${addr:03d},{number:04d}#"
MAX_ADDRESS = 999
_SPEC = re.compile(r"(0?)([1-9]?)d?")


@dataclass(frozen=True)
class _Field:
    name: str  # "addr" or "number"
    zero: bool
    width: int

    def render(self, value: int) -> str:
        text = str(value)
        if self.width and len(text) > self.width:
            raise ValueError(f"{self.name} {value} does not fit {self.width} characters")
        return text.rjust(self.width, "0" if self.zero else " ")


Part = str | _Field


def parse_template(template: str, *, need_number: bool = True) -> tuple[Part, ...]:
    """Split a template into literals and fields; ValueError names what is wrong."""
    if not isinstance(template, str) or not template:
        raise ValueError("template must be a non-empty string")
    if not template.isascii():
        raise ValueError(f"template {template!r} has non-ASCII characters")
    parts: list[Part] = []
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"template {template!r}: {exc}") from None
    for literal, name, spec, conversion in pieces:
        if literal:
            parts.append(literal)
        if name is None:
            continue
        if name not in ("addr", "number") or conversion:
            raise ValueError(f"template field {{{name}}} is not {{addr}} or {{number}}")
        m = _SPEC.fullmatch(spec or "")
        if not m:
            raise ValueError(f"template field {{{name}:{spec}}}: use like 04d, 4 or nothing")
        parts.append(_Field(name, m[1] == "0", int(m[2] or 0)))
    if need_number and not any(isinstance(p, _Field) and p.name == "number" for p in parts):
        raise ValueError(f"template {template!r} has no {{number}}")
    return tuple(parts)


def render(parts: tuple[Part, ...], address: int, number: int | None) -> bytes:
    """One frame; ``number=None`` blanks the number fields to spaces of their width."""
    out: list[str] = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        elif p.name == "addr":
            out.append(p.render(address))
        elif number is None:
            out.append(" " * p.width)
        else:
            out.append(p.render(number))
    return "".join(out).encode("ascii")


@dataclass(frozen=True)
class AsciiProtocol:
    """Text frames; the board never answers. ``blank_template`` (same syntax) overrides
    the default blank frame, the template with spaces in place of the number."""

    template: str = DEFAULT_TEMPLATE
    blank_template: str | None = None
    serial_format: SerialFormat = field(default_factory=SerialFormat)
    name: str = "ascii"
    _parts: tuple[Part, ...] = field(init=False, repr=False, compare=False)
    _blank_parts: tuple[Part, ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parts", parse_template(self.template))
        blank = (
            parse_template(self.blank_template, need_number=False)
            if self.blank_template is not None
            else None
        )
        object.__setattr__(self, "_blank_parts", blank)

    def check_address(self, address: int) -> int:
        check_int(address, 0, MAX_ADDRESS, "address")
        render(self._parts, address, None)  # the address must fit its field
        return address

    def frame(self, address: int, number: int) -> bytes:
        return render(self._parts, self.check_address(address), check_number(number))

    def blank(self, address: int) -> bytes:
        parts = self._blank_parts or self._parts
        return render(parts, self.check_address(address), None)

    def reply_head(self, request: bytes) -> int:
        return 0

    def reply_rest(self, request: bytes, head: bytes) -> int:
        return 0

    def check_reply(self, request: bytes, reply: bytes) -> None:
        return None

    def gap(self, baudrate: int) -> float:
        return 0.0
