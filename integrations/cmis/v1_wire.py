"""CMIS 1.0 wire values: dotted amounts, ``dd/MM/yyyy`` dates, ``MM/YYYY`` periods, safe XML.

Shared by the 1.0 adapter and the simulator's 1.0 endpoint, so both speak one format. Every
parser is strict (ASCII digits only, exact shapes) and raises ``ValueError``: the caller
turns that into its own error (``CmisBadAnswer`` in the adapter, ``0400`` in the simulator).

XML is parsed with ``defusedxml`` and ``forbid_dtd=True``: CMIS has no use for a DTD, so
any DOCTYPE (and with it every entity trick: billion laughs, external entities) is refused
before expat expands anything; documents are also capped in size by the callers.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

VN = dt.timezone(dt.timedelta(hours=7), "+07:00")

# Codes of the 1.0 ``<code>`` element (rule codes are those of 2.0).
OK = "000"
NO_DEBT = "0025"
UNKNOWN_CUSTOMER = "0017"
MALFORMED = "0400"
BUSY = "096"
UNKNOWN_TXN = "2006"
NOT_SAME_DAY = "2007"
RULE_CODES = frozenset({"021", "022", "031", "051"})
NOTHING_OVERDUE = "061"  # SUPPLY-CHANGE: a cut of a customer with nothing overdue
STILL_OVERDUE = "062"  # SUPPLY-CHANGE: a reconnection while an overdue invoice is unpaid
SUPPLY_CODES = frozenset({NOTHING_OVERDUE, STILL_OVERDUE})

# CHECK-TRANS ``<status>`` values.
STATUS_BILLING = "BILLING"
STATUS_REVERT = "REVERT"
STATUS_TIMEOUT = "TIMEOUT"
STATUS_NOT_FOUND = "NOT_FOUND"
STATUSES = (STATUS_BILLING, STATUS_REVERT, STATUS_TIMEOUT, STATUS_NOT_FOUND)

_AMOUNT = re.compile(r"0|[1-9][0-9]{0,2}(?:\.[0-9]{3})*")
_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_TIME = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_MINUTE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4}) ([0-9]{2}):([0-9]{2})")
_PERIOD = re.compile(r"(0[1-9]|1[0-2])/([0-9]{4})")
# XML 1.0 cannot carry these at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def format_amount(amount: int) -> str:
    """``1234567`` -> ``"1.234.567"``; negative amounts do not exist on the wire."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"amount must be a non-negative integer, got {amount!r}")
    return f"{amount:,}".replace(",", ".")


def parse_amount(text: str) -> int:
    """``"1.234.567"`` -> ``1234567``; refuses ``1234``, ``1.2.3.``, ``-1.000``, ``1,000``."""
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"not a dotted amount: {text!r}")
    return int(text.replace(".", ""))


def format_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def parse_date(text: str) -> dt.date:
    """``dd/MM/yyyy``, a real calendar day (``31/02/2026`` is refused)."""
    m = _DATE.fullmatch(text)
    if not m:
        raise ValueError(f"not a dd/MM/yyyy date: {text!r}")
    d, mo, y = (int(g) for g in m.groups())
    return dt.date(y, mo, d)


def format_time(t: dt.datetime) -> str:
    """``dd/MM/yyyy HH:mm:ss`` in UTC+7 (1.0 times carry no offset: they are CMIS's local)."""
    local = t.astimezone(VN)
    return f"{format_date(local.date())} {local:%H:%M:%S}"


def parse_time(text: str) -> dt.datetime:
    m = _TIME.fullmatch(text)
    if not m:
        raise ValueError(f"not a dd/MM/yyyy HH:mm:ss time: {text!r}")
    d, mo, y, h, mi, s = (int(g) for g in m.groups())
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=VN)


def format_minute(t: dt.datetime) -> str:
    """``dd/MM/yyyy HH:mm`` in UTC+7 (``SUPPLY-CHANGE``'s ``<time>``)."""
    local = t.astimezone(VN)
    return f"{format_date(local.date())} {local:%H:%M}"


def parse_minute(text: str) -> dt.datetime:
    m = _MINUTE.fullmatch(text)
    if not m:
        raise ValueError(f"not a dd/MM/yyyy HH:mm time: {text!r}")
    d, mo, y, h, mi = (int(g) for g in m.groups())
    return dt.datetime(y, mo, d, h, mi, tzinfo=VN)


def format_period(year: int, month: int) -> str:
    return f"{month:02d}/{year:04d}"


def parse_period(text: str) -> tuple[int, int]:
    """``MM/YYYY`` -> ``(year, month)``."""
    m = _PERIOD.fullmatch(text)
    if not m:
        raise ValueError(f"not an MM/YYYY period: {text!r}")
    return int(m.group(2)), int(m.group(1))


def xml_text(text: str) -> str:
    """Text that XML 1.0 can carry: the few characters it cannot (C0 controls other than
    tab/CR/LF, lone surrogates, U+FFFE/U+FFFF) become spaces."""
    return _NOT_XML.sub(" ", text)


def add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    """Append ``<tag>text</tag>`` to ``parent`` and return it."""
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = xml_text(text)
    return child


def to_xml(root: ET.Element) -> bytes:
    """UTF-8 with a declaration; ElementTree escapes ``<``, ``&`` and ``>``."""
    # typeshed types the result of a named encoding as Any: only "unicode" gives a str
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml


def parse_xml(raw: bytes, *, limit: int) -> ET.Element:
    """The root element of a document of at most ``limit`` bytes, without any DTD."""
    if len(raw) > limit:
        raise ValueError(f"XML document over {limit} bytes")
    try:
        return fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException) as e:
        raise ValueError(f"not acceptable XML: {e}") from None
