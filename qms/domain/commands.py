"""What a person asks of the hall, as typed values.

The edge (an HTTP handler) builds a command from what it was sent with ``parse``: each
field's check turns a JSON value into the typed value the rule needs, or refuses it in
the one error shape with a stable code. The rules then take the command and never see
raw input; the use case layer (``qms.usecases.hall``) decides who may run which.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, ClassVar, TypeGuard, TypeVar

from qms.domain import delivery, money, notices, priority
from qms.domain.errors import BadRequest, NotFound
from qms.domain.tickets import check_codes

C = TypeVar("C", bound="Command")
Check = Callable[[object, str], Any]
#: a number written in ASCII digits (``str.isdigit`` also takes "²" and "①")
ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


class Command:
    """A change a person asks for; ``action`` names it in the audit log (stable)."""

    action: ClassVar[str]


def parse(cls: type[C], data: Mapping[str, object], **path: object) -> C:
    """The command ``cls`` from a JSON body and the path's parameters. A field missing
    from both is None, which its check refuses unless the field is optional."""
    given = {**data, **path}
    values = {}
    for name, checks in _checks(cls):  # type: ignore[arg-type]  # a class is hashable
        raw = given.get(name)
        for check in checks:
            raw = check(raw, name)
        values[name] = raw
    command = cls(**values)
    _check_whole(command)
    return command


def _check_whole(command: Command) -> None:
    """Rules across fields: a number left without the consent box ticked is refused."""
    if isinstance(command, IssueTicket) and command.phone is not None and not command.consent:
        raise BadRequest(
            "tick the consent box to leave a phone number", code="consent_required",
            field="consent",
        )  # fmt: skip


def field_checks(cls: type[Command]) -> tuple[tuple[str, tuple[Check, ...]], ...]:
    """Each field of ``cls`` with its checks (the API's document reads them too)."""
    return _checks(cls)  # type: ignore[arg-type]  # a class is hashable


@cache
def _checks(cls: type[Command]) -> tuple[tuple[str, tuple[Check, ...]], ...]:
    """Each field of ``cls`` in order, with the checks its annotation carries (read once:
    the annotations are strings until resolved)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple(
        (f.name, tuple(m for m in getattr(hints[f.name], "__metadata__", ()) if callable(m)))
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
    )


# --- field checks: a JSON value to a typed one, or a clear refusal ----------------------


def text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise BadRequest(f"give {field}", code="invalid_request", field=field)
    return value


def optional_text(value: object, field: str) -> str | None:
    return None if value is None else text(value, field)


#: the largest id or number every database keeps: ids, ticket and invoice numbers are
#: PostgreSQL ``integer`` columns (signed 32-bit); a path or a body may say more
MAX_ID = 2**31 - 1


def _is_id(value: object, low: int) -> TypeGuard[int]:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= MAX_ID


def whole(value: object, field: str) -> int:
    """An id or a number: a whole number the database can store (JSON's true is not 1)."""
    if not _is_id(value, -MAX_ID):
        raise BadRequest(
            f"{field} is a whole number of at most {MAX_ID}", code="invalid_request", field=field
        )
    return value


def ticket_number(value: object, field: str) -> int:
    if not _is_id(value, 1):
        raise BadRequest(
            "a ticket number is a positive integer", code="invalid_ticket_number", field=field
        )
    return value


def amount(value: object, field: str) -> int:
    return money.vnd(value, field)


def amount_or_zero(value: object, field: str) -> int:
    return money.vnd(value, field, zero_ok=True)


def optional_amount(value: object, field: str) -> int | None:
    return None if value is None else money.vnd(value, field)


def invoice_ids(value: object, field: str) -> tuple[int, ...]:
    """A non-empty list of distinct invoice ids."""
    if not isinstance(value, list) or not value or not all(_is_id(v, -MAX_ID) for v in value):
        raise BadRequest(
            f"{field} is a non-empty list of invoice ids", code="invalid_request", field=field
        )
    if len(set(value)) != len(value):
        raise BadRequest(f"{field} lists an invoice twice", code="invalid_request", field=field)
    return tuple(value)


def customer_codes(value: object, field: str) -> tuple[str, ...]:
    return tuple(check_codes(value))  # type: ignore[arg-type]


def optional_bool(value: object, field: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise BadRequest(f"{field} is true or false", code="invalid_request", field=field)
    return value


def priority_kind(value: object, field: str) -> str | None:
    return priority.check_kind(value)


def optional_phone(value: object, field: str) -> str | None:
    """A number left for messages; "" is no number (the kiosk's empty field)."""
    return None if value is None or value == "" else notices.check_phone(value, field)


def notice_channel(value: object, field: str) -> str:
    if value is None:
        return "sms"
    if not isinstance(value, str) or value not in notices.CHANNELS:
        raise BadRequest(
            f"{field} is one of " + ", ".join(notices.CHANNELS), code="invalid_request", field=field
        )
    return value


def return_reason(value: object, field: str) -> str:
    return delivery.check_reason(value)


class OneOf:
    """A word from a fixed list (its words are public: the API's document lists them)."""

    __slots__ = ("allowed", "code", "missing")

    def __init__(self, allowed: tuple[str, ...], code: str, missing: type) -> None:
        self.allowed, self.code, self.missing = allowed, code, missing

    def __call__(self, value: object, field: str) -> str:
        if not isinstance(value, str) or value not in self.allowed:
            raise self.missing(
                f"{field} is one of " + ", ".join(self.allowed), code=self.code, field=field
            )
        return value


def one_of(*allowed: str, code: str = "invalid_request", missing: type = BadRequest) -> Check:
    return OneOf(allowed, code, missing)


def note(value: object, field: str) -> str:
    """A person's words kept with a decision: 3 to 200 characters."""
    if not isinstance(value, str) or not 3 <= len(value.strip()) <= 200:
        raise BadRequest(f"{field}: 3 to 200 characters", code="invalid_request", field=field)
    return value.strip()


def anything(value: object, field: str) -> object:
    """Passed on as sent: the rule that reads it knows more (a deposit, a finish reason)."""
    return value


Text = Annotated[str, text]
Whole = Annotated[int, whole]
Number = Annotated[int, ticket_number]
Amount = Annotated[int, amount]
Invoices = Annotated[tuple[int, ...], invoice_ids]


# --- the queue ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueTicket(Command):
    action = "tickets.issue"
    customers: Annotated[tuple[str, ...], customer_codes]
    #: a priority customer (docs/priority.md); a role that may not mark one is refused
    priority: Annotated[str | None, priority_kind] = None
    #: "your turn is near" (docs/notify.md): a Vietnamese mobile, given with consent
    phone: Annotated[str | None, optional_phone] = None
    channel: Annotated[str, notice_channel] = "sms"
    consent: Annotated[bool | None, optional_bool] = None

    @property
    def contact(self) -> tuple[str, str] | None:
        """(phone, channel) when a number was left; its consent is checked at parse."""
        return (self.phone, self.channel) if self.phone is not None else None


@dataclass(frozen=True, slots=True)
class MarkPriority(Command):
    """Reception marks (or unmarks: null) a waiting ticket as a priority customer."""

    action = "tickets.priority"
    number: Number
    priority: Annotated[str | None, priority_kind] = None


@dataclass(frozen=True, slots=True)
class Reopen(Command):
    action = "cashier.reopen"
    number: Number


@dataclass(frozen=True, slots=True)
class LookupMark(Command):
    action = "lookup.mark"
    number: Number
    invoice_id: Whole
    mark: Annotated[
        str,
        one_of("found", "deferred", "missing", "unfound", code="unknown_action", missing=NotFound),
    ]


def customer_code(value: object, field: str) -> str:
    (code,) = check_codes([value])
    return code


@dataclass(frozen=True, slots=True)
class LookupCustomerFound(Command):
    """One key: every paper of one customer on the ticket found (six periods, one press)."""

    action = "lookup.found_customer"
    number: Number
    customer: Annotated[str, customer_code]


@dataclass(frozen=True, slots=True)
class LookupUndo(Command):
    """The last F9 (one paper or a customer's bundle) undone, until its paper is delivered."""

    action = "lookup.undo"
    number: Number
    invoices: Invoices


@dataclass(frozen=True, slots=True)
class CallNext(Command):
    action = "cashier.call_next"
    counter: Text


@dataclass(frozen=True, slots=True)
class CallNumber(Command):
    action = "cashier.call_number"
    counter: Text
    number: Number


@dataclass(frozen=True, slots=True)
class Recall(Command):
    action = "cashier.recall"
    counter: Text


@dataclass(frozen=True, slots=True)
class Park(Command):
    action = "cashier.park"
    counter: Text


@dataclass(frozen=True, slots=True)
class NoShow(Command):
    action = "cashier.no_show"
    counter: Text


@dataclass(frozen=True, slots=True)
class Transfer(Command):
    action = "cashier.transfer"
    counter: Text
    to: Text


@dataclass(frozen=True, slots=True)
class Finish(Command):
    """F8; with invoices unpaid, ``confirm`` and a ``reason`` (the rule checks which)."""

    action = "cashier.finish"
    counter: Text
    confirm: Annotated[bool | None, optional_bool] = None
    reason: Annotated[str | None, optional_text] = None


@dataclass(frozen=True, slots=True)
class Collect(Command):
    """F4: the chosen invoices, the amount due for them, and what the customer gave."""

    action = "collect.collect"
    counter: Text
    invoices: Invoices
    amount: Amount
    tendered: Annotated[int | None, optional_amount] = None


@dataclass(frozen=True, slots=True)
class ReturnInvoices(Command):
    action = "collect.return_invoices"
    counter: Text
    ticket: Number
    invoices: Invoices
    reason: Annotated[str, return_reason]


# --- payments after F4 --------------------------------------------------------------------


def reversal_reason(value: object, field: str) -> str:
    if not isinstance(value, str) or not 3 <= len(value.strip()) <= 200:
        raise BadRequest("give the reason (3 to 200 characters)", code="invalid_reason")
    return value.strip()


@dataclass(frozen=True, slots=True)
class Reverse(Command):
    action = "payments.request_reversal"
    txn: Text
    reason: Annotated[str, reversal_reason]


# --- cash --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenDrawer(Command):
    action = "drawers.open_drawer"
    float: Annotated[int, amount_or_zero]


#: a count by note: (note, how many), largest note first
NoteCount = tuple[tuple[int, int], ...]
MAX_NOTES = 1_000_000  # of one note in one count: more is a typo


def note_count(value: object, field: str) -> NoteCount | None:
    """A count by note as a page sends it, ``{"500000": 3, "10000": 2}``: each key a note
    in đồng, each value how many, a whole number not below 0. Which notes are in use is
    config's; the rule checks that and that the count adds up."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise BadRequest(
            f'{field} is the notes counted, e.g. {{"500000": 3, "10000": 2}}',
            code="invalid_note_count",
            field=field,
        )
    out: dict[int, int] = {}
    for key, n in value.items():
        where = f"{field}.{key}"
        if (
            not isinstance(key, str)
            or not ASCII_DIGITS.fullmatch(key)
            or not 0 < int(key) <= MAX_ID
        ):
            raise BadRequest(
                f"{where}: a note is a positive amount in đồng",
                code="invalid_note_count",
                field=where,
            )
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_NOTES:
            raise BadRequest(
                f"{where}: how many notes, a whole number from 0 to {MAX_NOTES}",
                code="invalid_note_count",
                field=where,
            )
        out[int(key)] = out.get(int(key), 0) + n
    return tuple(sorted(out.items(), reverse=True))


@dataclass(frozen=True, slots=True)
class Deposit:
    """The head cashier's cash taken to the bank, with the bank's slip number and, when
    counted so, the notes in it."""

    amount: int
    bank: str
    reference: str
    notes: NoteCount | None = None


def deposit_of(value: object, field: str) -> Deposit | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest(
            "the head cashier closes with the bank deposit: {amount, bank, reference}",
            code="deposit_required",
        )
    return Deposit(
        money.vnd(value.get("amount"), f"{field}.amount", zero_ok=True),
        note(value.get("bank"), f"{field}.bank"),
        note(value.get("reference"), f"{field}.reference"),
        note_count(value.get("notes"), f"{field}.notes"),
    )


@dataclass(frozen=True, slots=True)
class CloseDrawer(Command):
    """The cash counted, and how (``notes``: a count by note that must add up to it); a
    head cashier adds the bank deposit (the rule checks it is there)."""

    action = "closing.close_drawer"
    counted: Annotated[int, amount_or_zero]
    deposit: Annotated[Deposit | None, deposit_of] = None
    notes: Annotated[NoteCount | None, note_count] = None


@dataclass(frozen=True, slots=True)
class Declare(Command):
    action = "movements.declare"
    side: Annotated[
        str, one_of("out", "in", code="invalid_side")
    ]  # out: you hand over; in: you receive
    cashier: Text
    amount: Amount


@dataclass(frozen=True, slots=True)
class Withdraw(Command):
    action = "movements.withdraw"
    id: Whole


@dataclass(frozen=True, slots=True)
class Approve(Command):
    action = "closing.approve"
    id: Whole
    note: Annotated[str, note]


@dataclass(frozen=True, slots=True)
class Recount(Command):
    action = "closing.recount"
    id: Whole


@dataclass(frozen=True, slots=True)
class CloseDay(Command):
    action = "closing.close_day"


@dataclass(frozen=True, slots=True)
class ReturnPapers(Command):
    action = "delivery.return_papers"
    ticket: Number
    invoices: Invoices
    reason: Annotated[str, return_reason]


# --- devices -----------------------------------------------------------------------------


DEVICE_ID = re.compile(r"^[a-z0-9-]{1,40}$")
DEVICE_KINDS = ("kiosk", "display", "agent")


def device_id(value: object, field: str) -> str:
    if not isinstance(value, str) or not DEVICE_ID.match(value):
        raise BadRequest("id: 1 to 40 of a-z, 0-9 and -", code="invalid_request", field=field)
    return value


@dataclass(frozen=True, slots=True)
class Enroll(Command):
    """A kiosk may print on one of the branch's printers (the rule knows which)."""

    action = "device_registry.enroll"
    id: Annotated[str, device_id]
    kind: Annotated[str, one_of(*DEVICE_KINDS)]
    printer: Annotated[str | None, optional_text] = None


@dataclass(frozen=True, slots=True)
class Revoke(Command):
    action = "device_registry.revoke"
    id: Text


@dataclass(frozen=True, slots=True)
class ReprintReceipt(Command):
    """A copy of a payment's receipt, at the counter that took it."""

    action = "receipts.reprint"
    counter: Text
    txn: Text


@dataclass(frozen=True, slots=True)
class Reprint(Command):
    action = "device_jobs.reprint"
    job: Whole


# --- non-cash: VietQR, the bank's credits, the statement (docs/noncash.md) ----------------

#: a statement upload's size: a busy hall's month is a few thousand lines
MAX_STATEMENT_CHARS = 4_000_000


def statement_text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(
            "send the statement's CSV text",
            code="invalid_statement",
            field=field,
            reason="no CSV text was sent",
        )
    if len(value) > MAX_STATEMENT_CHARS:
        raise BadRequest(
            f"a statement is at most {MAX_STATEMENT_CHARS} characters: import it a day at a time",
            code="invalid_statement",
            field=field,
            reason="the file is too large: export one day at a time",
        )
    return value


@dataclass(frozen=True, slots=True)
class ShowQr(Command):
    """A VietQR on the cashier's screen for the invoices about to be paid."""

    action = "bank.show_qr"
    counter: Text
    invoices: Invoices
    amount: Amount


@dataclass(frozen=True, slots=True)
class ResolveCredit(Command):
    """The head cashier's decision on a bank credit that was not applied."""

    action = "bank.resolve"
    id: Whole
    resolution: Annotated[str, one_of("refunded", "other")]
    note: Annotated[str, note]


@dataclass(frozen=True, slots=True)
class ApplyCredit(Command):
    """A credit kept as an exception, applied to its QR after all by the head cashier."""

    action = "bank.apply"
    id: Whole
    note: Annotated[str, note]


@dataclass(frozen=True, slots=True)
class ImportStatement(Command):
    action = "bank.import_statement"
    csv: Annotated[str, statement_text]


@dataclass(frozen=True, slots=True)
class ReceiveLine(Command):
    """A statement line the bank never notified, taken as its notification."""

    action = "bank.receive_line"
    id: Whole


@dataclass(frozen=True, slots=True)
class ClearLine(Command):
    """A statement line that is no customer's payment, with what it is."""

    action = "bank.clear_line"
    id: Whole
    note: Annotated[str, note]


__all__ = ["Command", "parse"]
