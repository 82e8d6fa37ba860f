"""The VietQR payload (NAPAS 247, EMVCo merchant-presented mode) a customer's banking app
scans to pay an exact amount to the hall's account with a reference.

A payload is a string of tag-length-value fields: two-digit tag, two-digit length, value;
field 38 nests the NAPAS identifier, the beneficiary (acquirer BIN and account) and the
service (transfer to an account); field 62-08 carries the reference the bank puts in the
transfer's description; field 63 is a CRC-16/CCITT-FALSE of everything before it,
``6304`` included. Written here rather than taken from PyPI: the packages that build it
are young single-author projects, and the format is these forty lines over the standard
library's CRC (``binascii.crc_hqx``).
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

NAPAS = "A000000727"
TO_ACCOUNT = "QRIBFTTA"  # inter-bank fund transfer 24/7 to an account
VND = "704"  # ISO 4217
#: what a reference may hold: banks strip everything but letters, digits and spaces from a
#: transfer's description, so a reference that survives them is letters and digits
REFERENCE = re.compile(r"[A-Z0-9]{6,25}")
_FIELD = re.compile(r"[0-9]{2}")


class PayloadError(ValueError):
    """A payload that is not a well-formed VietQR (bad length, bad CRC, missing field)."""


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise PayloadError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc(data: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF) as four capital hex digits."""
    return f"{binascii.crc_hqx(data.encode(), 0xFFFF):04X}"


def payload(bank_bin: str, account: str, amount: int, reference: str) -> str:
    """A dynamic QR for exactly ``amount`` đồng to ``account`` at the bank ``bank_bin``,
    with ``reference`` as the transfer's description."""
    if amount <= 0:
        raise PayloadError("a dynamic QR carries an amount above zero")
    if not REFERENCE.fullmatch(reference):
        raise PayloadError("a reference is 6 to 25 capital letters and digits")
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    body = (
        _tlv("00", "01")
        + _tlv("01", "12")  # 12: dynamic, for one payment; 11 would be a static QR
        + _tlv("38", _tlv("00", NAPAS) + _tlv("01", beneficiary) + _tlv("02", TO_ACCOUNT))
        + _tlv("53", VND)
        + _tlv("54", str(amount))
        + _tlv("58", "VN")
        + _tlv("62", _tlv("08", reference))
        + "6304"
    )
    return body + crc(body)


def fields(text: str) -> dict[str, str]:
    """Split one level of tag-length-value fields (``PayloadError`` if it does not add up)."""
    out: dict[str, str] = {}
    i = 0
    while i < len(text):
        tag, size = text[i : i + 2], text[i + 2 : i + 4]
        if not (_FIELD.fullmatch(tag) and _FIELD.fullmatch(size)):
            raise PayloadError(f"no field at position {i}")
        end = i + 4 + int(size)
        if end > len(text):
            raise PayloadError(f"field {tag} runs past the end")
        out[tag] = text[i + 4 : end]
        i = end
    return out


@dataclass(frozen=True, slots=True)
class Scanned:
    """What a banking app reads off a VietQR."""

    bank_bin: str
    account: str
    amount: int | None
    currency: str
    reference: str | None
    dynamic: bool


def read(text: str) -> Scanned:
    """A VietQR as a banking app reads it; ``PayloadError`` for a bad CRC or shape."""
    if len(text) < 8 or text[-8:-4] != "6304" or crc(text[:-4]) != text[-4:].upper():
        raise PayloadError("the CRC does not match")
    top = fields(text[:-4] + "0000")  # the CRC's own field parses as four characters
    try:
        merchant = fields(top["38"])
        if merchant.get("00") != NAPAS:
            raise PayloadError("not a NAPAS VietQR")
        beneficiary = fields(merchant["01"])
        extra = fields(top.get("62", ""))
        amount = top.get("54")
        return Scanned(
            bank_bin=beneficiary["00"],
            account=beneficiary["01"],
            amount=int(amount) if amount and amount.isdigit() else None,
            currency=top["53"],
            reference=extra.get("08"),
            dynamic=top.get("01") == "12",
        )
    except KeyError as missing:
        raise PayloadError(f"field {missing} is missing") from None
