""" "Your turn is near" (docs/notify.md): a phone number left at the kiosk under consent,
and the messages it is owed, queued in the transaction of the call that made them due.

Two messages at most per ticket, each once: ``near`` when ``near_ahead`` or fewer tickets
are ahead in the call order (``priority.call_order``), and ``called`` when it is called.
The key (branch, day, ticket, kind) is unique, so no move of the queue can queue one twice; the
notifier (qms/workers/notifier.py) sends what is queued. Withdrawing consent erases the
number and drops what is not sent; the day's numbers are erased at day end.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

import phonenumbers
from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from qms.domain import priority
from qms.domain.clock import iso
from qms.domain.errors import BadRequest, NotFound
from qms.domain.tx import Tx
from qms.storage.models import OutMessage, Ticket, TicketContact

#: the consent text's version a contact was given under (the kiosk shows it: kiosk/texts.js)
CONSENT = "2026-12"
CHANNELS = ("sms", "zalo")
KINDS = ("near", "called")
#: a message's life: queued, then sent or failed by the notifier; dropped when no longer due
STATUSES = ("queued", "sent", "failed", "dropped")
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def check_phone(value: object, field: str = "phone") -> str:
    """A Vietnamese mobile number (0912 345 678, +84 912 345 678...) as 84912345678;
    anything else is refused: messages go to Vietnamese mobiles only."""
    number = None
    if isinstance(value, str) and 8 <= len(value) <= 20:
        try:
            number = phonenumbers.parse(value, "VN")
        except phonenumbers.NumberParseException:
            number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != "VN"
        or phonenumbers.number_type(number) not in _MOBILE
    ):
        raise BadRequest(
            "a Vietnamese mobile number, e.g. 0912 345 678", code="invalid_phone", field=field
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def masked(phone: str | None) -> str | None:
    """What a page may show of a number: 0912***678."""
    if not phone:
        return None
    local = "0" + phone[2:]
    return local[:4] + "***" + local[-3:]


def leave(tx: Tx, ticket_id: int, phone: str, channel: str) -> None:
    """The customer's number for this ticket, under today's consent text."""
    tx.session.add(
        TicketContact(
            ticket_id=ticket_id,
            branch_id=tx.branch_id,
            business_day=tx.business_day,
            phone=phone,
            channel=channel,
            consent=CONSENT,
            consent_at=tx.now,
        )
    )


def contact_of(session: Session, ticket_id: int | None) -> TicketContact | None:
    return session.get(TicketContact, ticket_id) if ticket_id is not None else None


def active(contact: TicketContact | None) -> bool:
    return contact is not None and contact.phone is not None and contact.withdrawn_at is None


def withdraw(tx: Tx, ticket: Ticket) -> dict[str, Any]:
    """Consent withdrawn: the number is erased now and nothing more is sent (what is
    queued is dropped). A second withdrawal changes nothing."""
    contact = contact_of(tx.session, ticket.id)
    if contact is None:
        raise NotFound("this ticket has no phone number to stop", code="no_contact")
    if contact.withdrawn_at is None:
        contact.withdrawn_at = tx.now
        contact.phone = None
        tx.session.add(contact)
        dropped = _drop(tx.session, [ticket.id], erase=True)
        tx.emit("notice.withdrawn", {"number": ticket.number, "dropped": dropped})
    return {"number": ticket.number, "withdrawn_at": iso(contact.withdrawn_at)}


def _drop(session: Session, ticket_ids: list[int | None], *, erase: bool, kind: str = "") -> int:
    """Queued messages of these tickets are dropped (and their numbers erased)."""
    q = update(OutMessage).where(
        col(OutMessage.ticket_id).in_(ticket_ids), col(OutMessage.status) == "queued"
    )
    if kind:
        q = q.where(col(OutMessage.kind) == kind)
    values: dict[str, Any] = {"status": "dropped"}
    if erase:
        values["phone"] = None
    return int(session.connection().execute(q.values(**values)).rowcount or 0)


_K = TicketContact.__table__  # type: ignore[attr-defined]
_CONTACTS = select(_K.c.ticket_id, _K.c.phone, _K.c.channel).where(
    _K.c.branch_id == bindparam("branch"),
    _K.c.business_day == bindparam("day"),
    _K.c.phone.is_not(None),
    _K.c.withdrawn_at.is_(None),
)


_T = Ticket.__table__  # type: ignore[attr-defined]
#: the day's waiting tickets, as the call order needs them
_WAITING = select(_T.c.id, _T.c.number, _T.c.priority).where(
    _T.c.branch_id == bindparam("branch"),
    _T.c.business_day == bindparam("day"),
    _T.c.status == "waiting",
)


def on_call(tx: Tx, called: Ticket) -> list[str]:
    """Queue what this call made due: ``called`` for the called ticket, ``near`` for the
    waiting ones now ``near_ahead`` or fewer from their turn. The keys queued."""
    queued = _due(tx, called)
    _announce(tx, queued)
    return queued


def _due(tx: Tx, called: Ticket) -> list[str]:
    n = tx.branch.near_ahead
    if n <= 0:
        return []
    found = tx.session.connection().execute(_CONTACTS, tx.today()).all()
    contacts = {r.ticket_id: r for r in found}
    if not contacts:
        return []
    queued: list[str] = []
    if called.id in contacts:
        _drop(tx.session, [called.id], erase=False, kind="near")  # "called" says more now
        counter = tx.branch.counter_names.get(called.counter_code or "", "")
        params = {"number": called.number, "counter": called.counter_code, "name": counter}
        queued += _queue(tx, contacts[called.id], called, "called", params)
    waiting = tx.session.connection().execute(_WAITING, tx.today()).all()
    mine = [w for w in waiting if w.id in contacts]
    if not mine:
        return queued
    order = priority.call_order(
        [(w.number, w.priority is not None) for w in waiting],
        priority.streak(tx.session, tx.branch_id, tx.business_day),
        tx.branch.priority_max_in_row,
    )
    ahead = priority.ahead(order)
    for w in mine:
        if ahead[w.number] <= n:
            params = {"number": w.number, "ahead": ahead[w.number]}
            queued += _queue(tx, contacts[w.id], w, "near", params)
    return queued


def _announce(tx: Tx, queued: list[str]) -> None:
    if queued:  # wakes the notifier; the keys name tickets by id, never a number's owner
        tx.emit("notice.queued", {"messages": queued})


def _queue(tx: Tx, contact: Any, ticket: Any, kind: str, params: dict[str, Any]) -> list[str]:
    # the gateway's dedupe key too: the branch and day keep it unique beyond this database
    key = f"{tx.branch_id}-{tx.business_day:%Y%m%d}-{ticket.id}-{kind}"
    if tx.session.exec(select(OutMessage.id).where(OutMessage.key == key)).first() is not None:
        return []
    tx.session.add(
        OutMessage(
            key=key,
            branch_id=tx.branch_id,
            business_day=tx.business_day,
            ticket_id=ticket.id,
            kind=kind,
            channel=contact.channel,
            phone=contact.phone,
            params=json.dumps(params, ensure_ascii=False),
            created_at=tx.now,
            next_attempt_at=tx.now,
        )
    )
    return [key]


def erase_until(session: Session, branch_id: str, day: dt.date) -> int:
    """Day end: the numbers of ``day`` and earlier are erased, and what is still queued
    for them is dropped (a message about yesterday's queue helps no one)."""
    done = session.connection().execute(
        update(TicketContact)
        .where(
            col(TicketContact.branch_id) == branch_id,
            col(TicketContact.business_day) <= day,
            col(TicketContact.phone).is_not(None),
        )
        .values(phone=None)
    )
    session.connection().execute(
        update(OutMessage)
        .where(
            col(OutMessage.branch_id) == branch_id,
            col(OutMessage.business_day) <= day,
            col(OutMessage.status) == "queued",
        )
        .values(status="dropped")
    )
    session.connection().execute(
        update(OutMessage)
        .where(
            col(OutMessage.branch_id) == branch_id,
            col(OutMessage.business_day) <= day,
            col(OutMessage.phone).is_not(None),
            col(OutMessage.status) != "sending",
        )
        .values(phone=None)
    )
    return int(done.rowcount or 0)


#: the messages, Vietnamese (with the English beside: the gateway sends one text)
TEXTS = {
    "near": (
        "EVNHCMC: Sắp đến lượt số {number} của bạn tại {branch}, còn {ahead} số nữa. "
        "Vui lòng có mặt tại quầy thu. / Your turn ({number}) is near: {ahead} ahead."
    ),
    "called": (
        "EVNHCMC: Mời số {number} đến {name} ({counter}) tại {branch}. "
        "/ Number {number}, please go to counter {counter}."
    ),
}


def text(kind: str, params: dict[str, Any], branch: str, *, plain: bool = False) -> str:
    """The message of ``kind``; ``plain``: without diacritics (a brandname SMS is sent in
    GSM 7-bit: a Vietnamese text with marks costs two or three messages)."""
    out = TEXTS[kind].format(branch=branch, **{"ahead": 0, "name": "", "counter": "", **params})
    if plain:
        out = out.replace("đ", "d").replace("Đ", "D")
        out = "".join(
            c for c in unicodedata.normalize("NFD", out) if unicodedata.category(c) != "Mn"
        )
    return out
