"""Tables. The database is the only source of truth; every change also appends an Event."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

#: an amount of đồng: 64-bit (PostgreSQL's ``integer`` stops at 2.147.483.647 đ, less than a
#: big hall's day in the head cashier's drawer); SQLite's INTEGER is 64-bit already
MONEY = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) and
    PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UtcDateTime, nullable=nullable)


class User(SQLModel, table=True):
    """A staff account; the password is stored only as an argon2 hash."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True)
    full_name: str
    role: str
    branch_id: str
    password_hash: str
    active: bool = True
    #: the counters the person may sign in at (JSON list of codes); None: any of their kind
    counters: str | None = None
    must_change_password: bool = False  # after a reset: a new one at the next sign-in
    password_changed_at: dt.datetime | None = _ts(nullable=True)
    version: int = 1  # an edit made on a stale copy is refused (``stale_edit``)


class AuthSession(SQLModel, table=True):
    """A staff login; only the token's hash is kept, so a leaked table opens nothing."""

    token_hash: str = Field(primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    counter_code: str | None = None
    created_at: dt.datetime = _ts()
    expires_at: dt.datetime = _ts()
    #: "BRANCH/COUNTER" while this session holds a cashier counter: unique, so two
    #: sign-ins at one counter cannot both win, on PostgreSQL as on SQLite
    holds: str | None = Field(default=None, unique=True, index=True)


class SeqCounter(SQLModel, table=True):
    """Last event seq per branch; bumped with an upsert inside each change's transaction."""

    branch_id: str = Field(primary_key=True)
    last_seq: int = 0


class TicketNumber(SQLModel, table=True):
    """Last ticket number per branch per business day (atomic upsert, never max+1)."""

    branch_id: str = Field(primary_key=True)
    business_day: dt.date = Field(primary_key=True)
    last_number: int = 0


class Event(SQLModel, table=True):
    """Append-only log: what clients replay from after a gap or a reconnect."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str
    seq: int
    type: str
    at: dt.datetime = _ts()
    payload: str = Field(sa_column=Column(Text, nullable=False))

    __table_args__ = (UniqueConstraint("branch_id", "seq"),)


class Ticket(SQLModel, table=True):
    """One visit: a number for the day, one or more customers, their invoices."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str
    business_day: dt.date
    number: int
    status: str = "waiting"  # waiting | serving | parked | no_show | done
    counter_code: str | None = None  # serving or parked at
    issued_at: dt.datetime = _ts()
    issued_by: str
    called_at: dt.datetime | None = _ts(nullable=True)
    finished_at: dt.datetime | None = _ts(nullable=True)
    recalls: int = 0
    #: why a ticket was finished (F8) with invoices still unpaid (cashier.FINISH_REASONS)
    finish_reason: str | None = None
    #: a priority customer (docs/priority.md): elderly | disabled | pregnant | child
    priority: str | None = None
    # the secret in the ticket's QR code: a customer follows the ticket with it, unsigned in
    follow_token: str = Field(default_factory=lambda: secrets.token_urlsafe(12), unique=True)

    __table_args__ = (
        UniqueConstraint("branch_id", "business_day", "number"),
        Index("ix_ticket_queue", "branch_id", "business_day", "status", "number"),
    )


class TicketCustomer(SQLModel, table=True):
    """A customer on a ticket, as CMIS described them at issue time."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    position: int
    code: str = Field(index=True)
    name: str
    address: str
    book_code: str
    supply: str
    debts: str = "fetched"  # fetched | pending (CMIS was down at issue) | unknown
    #: the later ticket that took this customer over (they came back after a no-show or
    #: a finish with debts left): this ticket no longer collects for them
    moved_to: int | None = None


class TicketInvoice(SQLModel, table=True):
    """A snapshot of one unpaid invoice, its paper's lookup and its money."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    customer_id: int = Field(foreign_key="ticketcustomer.id")
    customer_code: str
    invoice_id: int = Field(index=True)
    year: int
    month: int
    sub_period: int
    amount: int = Field(sa_type=MONEY)
    vat: int = Field(sa_type=MONEY)
    total: int = Field(sa_type=MONEY)
    series: str
    number: str = Field(index=True)  # a paper found at the inventory: is it out, or paid?
    book_code: str
    parity: str  # even | odd: which lookup counter pulls the paper
    lookup_status: str = "pending"  # pending | found | deferred | missing | none
    looked_up_at: dt.datetime | None = _ts(nullable=True)
    looked_up_by: str | None = None
    delivered_to: str | None = None  # cashier counter code holding the paper
    delivered_at: dt.datetime | None = _ts(nullable=True)
    pay_status: str = "unpaid"  # unpaid | paid | returned | paid_elsewhere | moved
    #: with pay_status moved: the number of the ticket now holding the invoice (and its paper)
    moved_to: int | None = None
    payment_txn: str | None = None
    returned_reason: str | None = None
    returned_at: dt.datetime | None = _ts(nullable=True)
    returned_by: str | None = None
    #: CMIS's due date (HAN_TT): a cut customer is reconnected once nothing past it is owed
    due: dt.date | None = None


class Payment(SQLModel, table=True):
    """A collection (F4) of one customer's invoices; also the outbox row CMIS is posted from."""

    id: int | None = Field(default=None, primary_key=True)
    txn_id: str = Field(unique=True)
    branch_id: str = Field(index=True)
    business_day: dt.date
    ticket_id: int = Field(foreign_key="ticket.id")
    counter_code: str
    cashier: str
    customer_code: str
    invoice_ids: str  # JSON list of CMIS invoice ids
    total: int = Field(sa_type=MONEY)
    created_at: dt.datetime = _ts()
    # pending -> confirmed | refused; confirmed -> reversal_pending -> reversed (or back)
    status: str = Field(default="pending", index=True)
    receipt_no: str | None = None
    attempts: int = 0  # sends of the current operation, counted before each send
    next_attempt_at: dt.datetime | None = _ts(nullable=True)
    last_error: str | None = None
    confirmed_at: dt.datetime | None = _ts(nullable=True)
    reversal_reason: str | None = None
    reversed_at: dt.datetime | None = _ts(nullable=True)
    # cash | vietqr: only cash goes into a drawer (docs/noncash.md)
    method: str = Field(default="cash", sa_column_kwargs={"server_default": "cash"})
    bank_txn: str | None = Field(default=None, index=True)  # the credit that paid it


class DeviceJob(SQLModel, table=True):
    """A print or LED job, written in the transaction of the change that causes it (the
    same outbox idea as payments), so a restart neither loses nor repeats it."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    target: str  # printer id, or the counter code for an LED board
    kind: str  # print | led
    document: str  # ticket | receipt | reconnection | money-out | money-in | money-cancel
    # | day-end | count-sheet | number
    payload: str = Field(sa_column=Column(Text, nullable=False))
    # queued -> sending -> done; a failure goes back to queued (with backoff);
    # sending found at start-up -> in_doubt (printed or not? a person decides)
    status: str = Field(default="queued", index=True)
    attempts: int = 0
    last_error: str | None = None
    created_at: dt.datetime = _ts()
    next_attempt_at: dt.datetime | None = _ts(nullable=True)
    done_at: dt.datetime | None = _ts(nullable=True)


class Drawer(SQLModel, table=True):
    """A cashier's cash drawer for one business day. Its expected balance is derived from
    the payments and movements of the day, never stored as a running total."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str
    business_day: dt.date
    cashier: str  # username
    cashier_name: str
    role: str  # cashier | head_cashier
    counter_code: str  # where it was opened
    float_amount: int = Field(sa_type=MONEY)
    opened_at: dt.datetime = _ts()
    # open -> closed, or open -> pending_approval (counted differs) -> closed
    status: str = "open"
    counted: int | None = Field(default=None, sa_type=MONEY)
    expected: int | None = Field(default=None, sa_type=MONEY)  # at closing
    difference: int | None = Field(default=None, sa_type=MONEY)  # counted - expected
    closed_at: dt.datetime | None = _ts(nullable=True)
    approved_by: str | None = None
    approved_at: dt.datetime | None = _ts(nullable=True)
    approval_note: str | None = None
    deposit_amount: int | None = Field(
        default=None, sa_type=MONEY
    )  # head cashier: taken to the bank
    deposit_bank: str | None = None
    deposit_ref: str | None = None  # the bank's deposit slip number
    #: the counts by note, JSON [[note, how many], ...] largest first (a count sheet each)
    counted_notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    deposit_notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    __table_args__ = (UniqueConstraint("branch_id", "business_day", "cashier"),)


class MoneyMovement(SQLModel, table=True):
    """Cash handed from one cashier to another, declared by both sides. It hangs until
    both declarations exist and agree."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    business_day: dt.date
    from_cashier: str  # usernames
    to_cashier: str
    out_amount: int | None = Field(default=None, sa_type=MONEY)  # the sender's declaration
    out_at: dt.datetime | None = _ts(nullable=True)
    in_amount: int | None = Field(default=None, sa_type=MONEY)  # the receiver's declaration
    in_at: dt.datetime | None = _ts(nullable=True)
    status: str = "hanging"  # hanging | mismatch | matched | cancelled
    #: how many times each side has declared: a slip carries it, so the slip of a
    #: withdrawn declaration never bears the number of the one that replaced it
    out_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    in_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class DayClosure(SQLModel, table=True):
    """A closed business day of a branch: nothing is issued or collected on it any more."""

    branch_id: str = Field(primary_key=True)
    business_day: dt.date = Field(primary_key=True)
    closed_at: dt.datetime = _ts()
    closed_by: str
    summary: str = Field(sa_column=Column(Text, nullable=False))  # JSON, as printed


class AuditEntry(SQLModel, table=True):
    """One state-changing action: who (``actor``, ``role``), from where (``via``: the
    counter signed in at, or the device), what, and whether it was done or refused."""

    #: a sign-in's look for the name's usual addresses, and one person's entries
    __table_args__ = (Index("ix_auditentry_actor_action_at", "actor", "action", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _ts()
    branch_id: str = Field(index=True)  # "" for a sign-in under an unknown name
    actor: str  # user:NAME, device:ID, or the name tried at a failed sign-in
    role: str
    via: str | None = None
    action: str  # e.g. closing.close_drawer, auth.login
    target: str | None = None
    outcome: str = "ok"  # ok, or the refusal's error code


class EnrolledDevice(SQLModel, table=True):
    """A kiosk, display or hall agent enrolled by a supervisor; only its token's hash is
    kept. Revoked, it is refused at once, its open connections closed."""

    id: str = Field(primary_key=True)  # also the device's name in the audit log
    branch_id: str = Field(index=True)
    kind: str  # kiosk | display | agent
    token_sha256: str = Field(unique=True)
    printer: str | None = None  # a kiosk's ticket printer
    enrolled_at: dt.datetime = _ts()
    enrolled_by: str
    revoked_at: dt.datetime | None = _ts(nullable=True)
    revoked_by: str | None = None


class SignInFailure(SQLModel, table=True):
    """A failed sign-in, counted against a name and an address for the limit's window.
    In the database, so every worker and host counts the same failures and a restart
    forgets none; rows older than the window are deleted as new failures come."""

    __table_args__ = (Index("ix_signinfailure_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str  # name:USERNAME or address:ADDRESS
    at: dt.datetime = _ts()


# --- field work: disconnection rounds, crews, orders, supply changes (docs/field.md) ------


class Crew(SQLModel, table=True):
    """A field crew (tổ công tác, usually two people with the ``crew`` role) of a branch."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    code: str  # short and stable: "T1"
    name: str  # as printed: "Tổ 1 - Quận 3"
    members: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of usernames
    active: bool = True
    created_at: dt.datetime = _ts()

    __table_args__ = (UniqueConstraint("branch_id", "code"),)


class FieldRound(SQLModel, table=True):
    """A business day's disconnection round: the list pulled from CMIS for chosen books,
    assigned to crews, closed by the supervisor at day end (no result after that)."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    business_day: dt.date
    books: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of book codes
    pulled_at: dt.datetime | None = _ts(nullable=True)  # the last pull CMIS answered
    stale: bool = False  # the last pull failed: the list shown is the one pulled before
    stale_since: dt.datetime | None = _ts(nullable=True)
    status: str = "open"  # open -> closed
    closed_at: dt.datetime | None = _ts(nullable=True)
    closed_by: str | None = None

    __table_args__ = (UniqueConstraint("branch_id", "business_day"),)


class FieldOrder(SQLModel, table=True):
    """One order to a crew: cut a customer's supply for overdue debt (from a round), or
    reconnect it once paid (created in the payment's transaction, with a deadline)."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    kind: str = Field(index=True)  # cut | reconnect
    round_id: int | None = Field(default=None, foreign_key="fieldround.id", index=True)
    business_day: dt.date  # the day it was created (a round's day; a payment's day)
    customer_code: str = Field(index=True)
    customer_name: str
    address: str
    unit: str
    book_code: str
    periods: int = 0  # periods owed when listed
    overdue: int = Field(default=0, sa_type=MONEY)  # overdue total when listed (cut) / paid
    oldest_due: dt.date | None = None
    # open (nobody's) -> assigned -> done | not_done; open/assigned -> cancelled
    status: str = Field(default="open", index=True)
    crew_id: int | None = Field(default=None, foreign_key="crew.id", index=True)
    route_no: int | None = None  # position in the crew's route
    assigned_at: dt.datetime | None = _ts(nullable=True)
    reason: str | None = None  # not_done: why; cancelled: why (words: statuses "field_reason")
    receipt_no: str | None = None  # not_done as paid_on_spot: the receipt the crew saw
    note: str | None = None
    done_at: dt.datetime | None = _ts(nullable=True)  # when the crew says it happened
    result_at: dt.datetime | None = _ts(nullable=True)  # when the server heard it
    result_key: str | None = Field(default=None, unique=True)  # the phone's idempotency key
    done_by: str | None = None  # user:NAME who sent the result
    created_at: dt.datetime = _ts()
    paid_at: dt.datetime | None = _ts(nullable=True)  # reconnect: when the debt was paid
    deadline: dt.datetime | None = _ts(nullable=True)  # reconnect: done by then
    payments: str | None = None  # reconnect: JSON list of txn ids that paid the debt
    cmis_error: str | None = None  # 062 on a reconnection: what CMIS still wants
    version: int = 0


class SupplyChange(SQLModel, table=True):
    """The outbox row of a cut or reconnection reported to CMIS, written in the
    transaction of the crew's result: CMIS hears of it exactly once (docs/field.md)."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    order_id: int = Field(foreign_key="fieldorder.id", index=True)
    key: str = Field(unique=True)  # idempotency key sent to CMIS 2.0
    customer_code: str = Field(index=True)
    supply: str  # CUT | CONNECTED
    at: dt.datetime = _ts()
    staff: str  # MA_NV: the crew member's username
    reason: str
    # pending -> posted | refused
    status: str = Field(default="pending", index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime | None = _ts(nullable=True)
    last_error: str | None = None
    error_code: str | None = None  # CMIS's 061 / 062 / 0017 / 0422 when refused
    posted_at: dt.datetime | None = _ts(nullable=True)


# --- the year-end inventory of paper invoices and cash (docs/inventory.md) -----------------


class Inventory(SQLModel, table=True):
    """An inventory session (kiểm kê): a committee counts the paper invoices of chosen
    books against CMIS's unpaid ones, and the cash, for the inventory record."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    title: str
    committee: str = Field(sa_column=Column(Text, nullable=False))  # JSON [{name, role}]
    status: str = "open"  # open -> closed
    opened_at: dt.datetime = _ts()
    opened_by: str
    compared_at: dt.datetime | None = _ts(nullable=True)  # CMIS's lists last compared
    #: CMIS's unpaid lists of the books kept (at the opening or a comparison): a scan is
    #: checked against them at once; None: CMIS was down at the opening
    listed_at: dt.datetime | None = _ts(nullable=True)
    closed_at: dt.datetime | None = _ts(nullable=True)
    closed_by: str | None = None


class InventoryBook(SQLModel, table=True):
    """One book of a session: who counts it (one clerk at a time) and how far."""

    id: int | None = Field(default=None, primary_key=True)
    inventory_id: int = Field(foreign_key="inventory.id", index=True)
    book_code: str
    clerk: str | None = None  # user:NAME counting it now
    status: str = "waiting"  # waiting -> counting -> counted
    started_at: dt.datetime | None = _ts(nullable=True)
    finished_at: dt.datetime | None = _ts(nullable=True)

    __table_args__ = (UniqueConstraint("inventory_id", "book_code"),)


class InventoryScan(SQLModel, table=True):
    """A paper invoice found in a rack: one row per invoice, however often scanned."""

    id: int | None = Field(default=None, primary_key=True)
    inventory_id: int = Field(foreign_key="inventory.id", index=True)
    book_code: str
    series: str
    number: str
    times: int = 1  # scanned more than once: listed once, as a double scan
    clerk: str
    at: dt.datetime = _ts()

    __table_args__ = (
        UniqueConstraint("inventory_id", "series", "number"),
        Index("ix_inventoryscan_book", "inventory_id", "book_code"),  # a book's progress
    )


class InventoryExpected(SQLModel, table=True):
    """CMIS's unpaid invoices of a session's book, as last fetched for the comparison."""

    id: int | None = Field(default=None, primary_key=True)
    inventory_id: int = Field(foreign_key="inventory.id", index=True)
    book_code: str
    invoice_id: int
    customer_code: str
    series: str
    number: str
    period: str  # MM/YYYY (sub-period after a dot when there are several)
    total: int = Field(sa_type=MONEY)
    due: dt.date | None = None

    __table_args__ = (
        Index("ix_inventoryexpected_paper", "inventory_id", "series", "number"),  # a scan
    )


class InventoryScanKey(SQLModel, table=True):
    """A clerk's page's key for one scan: the same key sent again (its answer was lost)
    answers the first scan again instead of counting a false double."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    inventory_id: int = Field(foreign_key="inventory.id")
    book_code: str
    series: str
    number: str
    times: int  # the paper's scans once this one was counted
    extra: str | None = None  # the scan's flag: not_listed | unknown (sessions.scan)
    at: dt.datetime = _ts()


class InventoryCash(SQLModel, table=True):
    """Cash counted at the inventory, by denomination, per holder (a drawer, the safe)."""

    id: int | None = Field(default=None, primary_key=True)
    inventory_id: int = Field(foreign_key="inventory.id", index=True)
    holder: str
    notes: str = Field(sa_column=Column(Text, nullable=False))  # JSON {"500000": 3, ...}
    total: int = Field(sa_type=MONEY)
    counted_by: str
    at: dt.datetime = _ts()

    __table_args__ = (UniqueConstraint("inventory_id", "holder"),)


class QrRequest(SQLModel, table=True):
    """A VietQR shown or printed for an amount: its reference names the ticket and the
    invoices the credit pays (docs/noncash.md)."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True)  # in the transfer's description; QMS + 8 letters/digits
    branch_id: str = Field(index=True)
    business_day: dt.date
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    invoice_ids: str  # JSON list of CMIS invoice ids
    amount: int = Field(sa_type=MONEY)
    source: str  # ticket (printed on it) | counter (on a cashier's screen)
    counter_code: str | None = None
    cashier: str | None = None  # who showed it: a counter's QR is that cashier's non-cash
    created_at: dt.datetime = _ts()
    status: str = "open"  # open | paid
    paid_by: str | None = None  # the bank transaction id


class BankCredit(SQLModel, table=True):
    """A credit the bank notified (or a statement line brought): applied to its QR's
    invoices, or an exception the head cashier resolves. Taken once per bank id."""

    id: int | None = Field(default=None, primary_key=True)
    bank_txn: str = Field(unique=True)
    branch_id: str = Field(index=True)
    business_day: dt.date  # the hall's day it arrived in
    account: str
    amount: int = Field(sa_type=MONEY)
    currency: str
    description: str
    ref: str | None = None  # the QR reference read off the description
    credited_at: dt.datetime = _ts()  # the bank's time
    received_at: dt.datetime = _ts()
    via: str  # notification | statement
    status: str = Field(default="applied", index=True)  # applied | exception | resolved
    reason: str | None = None  # why an exception: short, over, unknown_reference, ...
    payments: str = "[]"  # JSON list of our txn ids it paid
    resolution: str | None = None  # refunded | applied_by_hand | other
    note: str | None = None
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = _ts(nullable=True)


class StatementLine(SQLModel, table=True):
    """A credit line of an imported bank statement, matched to a credit by the bank's id."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    business_day: dt.date
    bank_txn: str
    booked_at: dt.datetime = _ts()
    amount: int = Field(sa_type=MONEY)
    description: str
    imported_at: dt.datetime = _ts()
    imported_by: str
    status: str = "unmatched"  # matched | unmatched | cleared
    credit_id: int | None = Field(default=None, foreign_key="bankcredit.id")
    note: str | None = None
    cleared_by: str | None = None
    cleared_at: dt.datetime | None = _ts(nullable=True)

    __table_args__ = (UniqueConstraint("branch_id", "bank_txn"),)


class CallStreak(SQLModel, table=True):
    """How many priority tickets were called in a row today: the fairness bound's count
    (docs/priority.md). Written under the branch's lock with the call it counts."""

    branch_id: str = Field(primary_key=True)
    business_day: dt.date = Field(primary_key=True)
    priority_in_row: int = 0


class TicketContact(SQLModel, table=True):
    """A phone number left at the kiosk for "your turn is near" (docs/notify.md), with
    the consent it was given under. The number is erased at day end or on withdrawal."""

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    branch_id: str = Field(index=True)
    business_day: dt.date
    phone: str | None = None  # E.164 without "+", e.g. 84912345678; None once erased
    channel: str = "sms"  # sms | zalo
    consent: str  # the consent text's version the customer agreed to
    consent_at: dt.datetime = _ts()
    withdrawn_at: dt.datetime | None = _ts(nullable=True)


class OutMessage(SQLModel, table=True):
    """One message to a customer's phone, queued in the transaction that made it due and
    sent by the notifier (docs/notify.md). ``key`` (ticket and kind) makes it once."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # "{branch}-{yyyymmdd}-{ticket_id}-{near|called}"
    branch_id: str = Field(index=True)
    business_day: dt.date
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    kind: str  # near | called
    channel: str  # sms | zalo
    phone: str | None = None  # erased at day end
    params: str = "{}"  # JSON: number, counter, ahead: what the text is made from
    status: str = Field(default="queued", index=True)  # queued | sent | failed | dropped
    attempts: int = 0
    next_attempt_at: dt.datetime | None = _ts(nullable=True)
    created_at: dt.datetime = _ts()
    sent_at: dt.datetime | None = _ts(nullable=True)
    gateway_ref: str | None = None
    last_error: str | None = None


class HourFigures(SQLModel, table=True):
    """One past hour of a hall: arrivals and service, the forecast's history
    (docs/forecast.md). Rolled up from the tickets once a day is over; the demo hall's
    simulated months are marked ``simulated``."""

    branch_id: str = Field(primary_key=True)
    day: dt.date = Field(primary_key=True)
    hour: int = Field(primary_key=True)  # 0-23 of the hall's clock
    arrivals: int = 0
    served: int = 0
    service_s: int = 0  # sum of service seconds of the ``served``
    wait_s: int = 0  # sum of waits (issued to called) of the tickets called in the hour
    called: int = 0
    simulated: bool = False


# --- the organisation and its administration (docs/admin.md) ------------------------------


class OrgBranch(SQLModel, table=True):
    """A branch and its hall (one hall per branch: the spine's ``seq`` is per branch),
    with the hall's operating parameters. Imported from config.yaml on the first start,
    then managed in the admin pages; ``version`` refuses an edit made on a stale copy."""

    id: str = Field(primary_key=True)  # e.g. PE0100
    name: str
    collection_point: str = Field(unique=True)  # the hall's code, e.g. PE0100-HALL1
    cmis_version: str = "2.0"
    paper_invoices: bool = True
    einvoice_lookup_url: str | None = None
    slip_printer: str | None = None
    device_agent: str | None = None
    params: str = "{}"  # JSON: the operating parameters (qms.domain.org.Params)
    active: bool = True
    version: int = 1
    updated_at: dt.datetime = _ts()
    updated_by: str = "config"


class OrgCounter(SQLModel, table=True):
    """A counter of a hall. Retired, never deleted: its tickets, payments and drawers keep
    naming it; ``retired_at`` takes it out of sign-in and of the call."""

    __table_args__ = (UniqueConstraint("branch_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str = Field(index=True)
    code: str
    name: str
    kind: str  # reception | lookup | cashier
    parity: str | None = None  # a lookup counter's even | odd
    printer: str | None = None  # a printer id of the branch in config.yaml
    led: str | None = None  # JSON: the LED board's {url, address, protocol}, or None
    position: int = 0  # the order the hall lists its counters in
    retired_at: dt.datetime | None = _ts(nullable=True)
    version: int = 1


class OrgPrinter(SQLModel, table=True):
    """A hall's printer: its python-escpos connection (``backend``, docs/printing.md).
    Counters, kiosks and the slip printer name it by ``id``."""

    branch_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # jobs name their printer (with their branch)
    backend: str  # JSON: {kind: network, host, port} and the like
    paper: int = 80
    mode: str = "image"
    profile: str = "default"
    retired_at: dt.datetime | None = _ts(nullable=True)
    version: int = 1


class OrgState(SQLModel, table=True):
    """The company's one row: its name, the password policy, and when config.yaml's
    organisation was imported (once: after that the database is the truth)."""

    id: int = Field(default=1, primary_key=True)
    name: str = "Tổng công ty Điện lực"
    password_policy: str = "{}"  # JSON: qms.domain.passwords.Policy
    imported_at: dt.datetime = _ts()
    version: int = 1


class AlertRule(SQLModel, table=True):
    """A threshold the hall is watched against (docs/alerts.md); ``branch_id`` None: every
    branch of the company."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: str | None = Field(default=None, index=True)
    kind: str  # wait_over | closed_while_queue | payment_unposted | device_offline | ...
    threshold: int = Field(sa_type=MONEY)  # minutes, tickets, đồng or an hour, by kind
    notify_phone: str | None = None  # also sent through the notification gateway
    enabled: bool = True
    version: int = 1
    created_by: str = ""
    created_at: dt.datetime = _ts()


class Alert(SQLModel, table=True):
    """A rule found broken. ``key`` (rule, branch, subject, day) raises it once; it is
    acknowledged by a person (audited) and cleared when the condition is gone."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    rule_id: int = Field(foreign_key="alertrule.id", index=True)
    branch_id: str = Field(index=True)
    kind: str
    subject: str = ""  # the counter, device or payment concerned, if any
    value: int = Field(default=0, sa_type=MONEY)  # what was measured, in its unit
    detail: str = "{}"  # JSON: what the words are made from
    raised_at: dt.datetime = _ts()
    cleared_at: dt.datetime | None = _ts(nullable=True)
    acked_at: dt.datetime | None = _ts(nullable=True)
    acked_by: str | None = None
    sent_at: dt.datetime | None = _ts(nullable=True)
