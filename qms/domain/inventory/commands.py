"""What the committee and the clerks ask of an inventory, as typed values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from qms.domain.commands import Command, NoteCount, Whole, note_count
from qms.domain.errors import BadRequest
from qms.domain.field.commands import books, result_key

#: what a paper invoice's barcode carries: its series (ký hiệu) and number (số), as
#: printed, e.g. "1K26TPE0012345" or "1K26TPE 0012345"
BARCODE = re.compile(r"\s*([0-9][A-Z][0-9]{2}[A-Z]{1,4})[\s/-]?([0-9]{7,8})\s*")


def committee(value: object, field: str) -> tuple[tuple[str, str], ...]:
    """One to ten members, each a name and their role in the committee."""
    ok = (
        isinstance(value, list)
        and 1 <= len(value) <= 10
        and all(
            isinstance(m, dict)
            and isinstance(m.get("name"), str)
            and isinstance(m.get("role"), str)
            and 2 <= len(m["name"].strip()) <= 80
            and 2 <= len(m["role"].strip()) <= 80
            for m in value
        )
    )
    if not ok:
        raise BadRequest(
            f"{field} is 1 to 10 members, each with a name and a role",
            code="invalid_committee",
            field=field,
        )
    assert isinstance(value, list)
    return tuple((m["name"].strip(), m["role"].strip()) for m in value)


def title(value: object, field: str) -> str:
    if not isinstance(value, str) or not 3 <= len(value.strip()) <= 120:
        raise BadRequest(f"{field}: 3 to 120 characters", code="invalid_request", field=field)
    return value.strip()


def book(value: object, field: str) -> str:
    return books([value], field)[0]


def barcode(value: object, field: str) -> tuple[str, str]:
    """The series and number a paper invoice's barcode (or a clerk's typing) gives."""
    m = BARCODE.fullmatch(value.upper()) if isinstance(value, str) and len(value) < 64 else None
    if m is None:
        raise BadRequest(
            "this is not an invoice's barcode: scan the code on the invoice, or type its "
            "series and number (e.g. 1K26TPE 0012345)",
            code="not_an_invoice",
            field=field,
        )
    return m.group(1), m.group(2)


def holder(value: object, field: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 60 or not value.isprintable():
        raise BadRequest(
            f"{field}: who holds the cash (a counter, a cashier, the safe)",
            code="invalid_request",
            field=field,
        )
    return value.strip()


def scan_key(value: object, field: str) -> str | None:
    """The page's key for one scan (as a crew phone's for a result): absent, no check."""
    return None if value is None else result_key(value, field)


def notes(value: object, field: str) -> NoteCount:
    count = note_count(value, field)
    if count is None:
        raise BadRequest("count the cash by note", code="invalid_note_count", field=field)
    return count


@dataclass(frozen=True, slots=True)
class OpenInventory(Command):
    action = "inventory.open"
    title: Annotated[str, title]
    books: Annotated[tuple[str, ...], books]
    committee: Annotated[tuple[tuple[str, str], ...], committee]


@dataclass(frozen=True, slots=True)
class TakeBook(Command):
    """A clerk starts (or resumes) counting one book: one clerk per book at a time."""

    action = "inventory.take_book"
    id: Whole
    book: Annotated[str, book]


@dataclass(frozen=True, slots=True)
class Scan(Command):
    """A paper found in the rack; ``key`` makes sending it again after a lost answer safe."""

    action = "inventory.scan"
    id: Whole
    book: Annotated[str, book]
    code: Annotated[tuple[str, str], barcode]
    key: Annotated[str | None, scan_key] = None


@dataclass(frozen=True, slots=True)
class FinishBook(Command):
    action = "inventory.finish_book"
    id: Whole
    book: Annotated[str, book]


@dataclass(frozen=True, slots=True)
class CountCash(Command):
    action = "inventory.count_cash"
    id: Whole
    holder: Annotated[str, holder]
    notes: Annotated[NoteCount, notes]


@dataclass(frozen=True, slots=True)
class CloseInventory(Command):
    action = "inventory.close"
    id: Whole
