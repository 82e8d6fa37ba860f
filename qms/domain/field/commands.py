"""What the team leader and the crews ask of the field work, as typed values (parsed
like the hall's commands: ``qms.domain.commands.parse``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from qms.domain.commands import Command, Whole, one_of
from qms.domain.errors import BadRequest

CREW_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,9}")
BOOK_CODE = re.compile(r"[A-Z]{2}[0-9]{4}[A-Z0-9]{1,10}")
USERNAME = re.compile(r"[A-Za-z0-9._-]{1,40}")
#: a phone's key for one result: long enough to be unique, short enough to store
RESULT_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_IDS = 5000


def crew_code(value: object, field: str) -> str:
    if not isinstance(value, str) or not CREW_CODE.fullmatch(value):
        raise BadRequest(
            "a crew code is 1 to 10 capital letters, digits or -",
            code="invalid_crew_code",
            field=field,
        )
    return value


def optional_crew_code(value: object, field: str) -> str | None:
    return None if value is None else crew_code(value, field)


def default_true(value: object, field: str) -> bool:
    if value is None:
        return True
    if not isinstance(value, bool):
        raise BadRequest(f"{field} is true or false", code="invalid_request", field=field)
    return value


def crew_name(value: object, field: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 60:
        raise BadRequest(f"{field}: 1 to 60 characters", code="invalid_request", field=field)
    return value.strip()


def members(value: object, field: str) -> tuple[str, ...]:
    """One to four distinct usernames."""
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= 4
        or not all(isinstance(v, str) and USERNAME.fullmatch(v) for v in value)
        or len(set(value)) != len(value)
    ):
        raise BadRequest(
            f"{field} is a list of 1 to 4 distinct usernames", code="invalid_request", field=field
        )
    return tuple(value)


def books(value: object, field: str) -> tuple[str, ...]:
    """A non-empty list of distinct book codes (MA_SOGCS)."""
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= 1000
        or not all(isinstance(v, str) and BOOK_CODE.fullmatch(v) for v in value)
    ):
        raise BadRequest(
            f"{field} is a list of book codes such as PE0100A012",
            code="invalid_book_code",
            field=field,
        )
    return tuple(dict.fromkeys(value))


def order_ids(value: object, field: str) -> tuple[int, ...]:
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= MAX_IDS
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value)
    ):
        raise BadRequest(f"{field} is a list of order ids", code="invalid_request", field=field)
    return tuple(dict.fromkeys(value))


def optional_crew_codes(value: object, field: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise BadRequest(f"{field} is a list of crew codes", code="invalid_request", field=field)
    return tuple(dict.fromkeys(crew_code(v, field) for v in value))


def result_key(value: object, field: str) -> str:
    if not isinstance(value, str) or not RESULT_KEY.fullmatch(value):
        raise BadRequest(
            f"{field} is 8 to 64 letters, digits, - or _", code="invalid_request", field=field
        )
    return value


def moment(value: object, field: str) -> dt.datetime:
    """A time with its offset, as the phone read its clock (ISO 8601)."""
    if isinstance(value, str) and len(value) <= 40:
        try:
            at = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if at.tzinfo is not None:
                return at
    raise BadRequest(
        f"{field} is a time with its offset, e.g. 2026-12-07T09:30:00+07:00",
        code="invalid_time",
        field=field,
    )


def short_text(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value.strip()) > 200:
        raise BadRequest(f"{field}: at most 200 characters", code="invalid_request", field=field)
    return value.strip() or None


@dataclass(frozen=True, slots=True)
class SaveCrew(Command):
    action = "field.save_crew"
    code: Annotated[str, crew_code]
    name: Annotated[str, crew_name]
    members: Annotated[tuple[str, ...], members]
    active: Annotated[bool, default_true] = True


@dataclass(frozen=True, slots=True)
class Assign(Command):
    """Orders to one crew, by hand."""

    action = "field.assign"
    orders: Annotated[tuple[int, ...], order_ids]
    crew: Annotated[str, crew_code]


@dataclass(frozen=True, slots=True)
class Unassign(Command):
    action = "field.unassign"
    orders: Annotated[tuple[int, ...], order_ids]


@dataclass(frozen=True, slots=True)
class AutoAssign(Command):
    """The round's unassigned orders over the named crews (all active ones if none)."""

    action = "field.auto_assign"
    crews: Annotated[tuple[str, ...] | None, optional_crew_codes] = None


@dataclass(frozen=True, slots=True)
class Report(Command):
    """A crew's result for one of its orders, typed at the door (maybe without signal)."""

    action = "field.report"
    order: Whole
    key: Annotated[str, result_key]
    outcome: Annotated[str, one_of("done", "not_done", code="invalid_outcome")]
    at: Annotated[dt.datetime, moment]
    reason: Annotated[str | None, short_text] = None
    receipt_no: Annotated[str | None, short_text] = None
    note: Annotated[str | None, short_text] = None


@dataclass(frozen=True, slots=True)
class CloseRound(Command):
    action = "field.close_round"


@dataclass(frozen=True, slots=True)
class RetrySupply(Command):
    """Send a refused supply change again (after the customer settled with CMIS)."""

    action = "field.retry_supply"
    id: Whole
