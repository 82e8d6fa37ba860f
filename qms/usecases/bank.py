"""Pay by VietQR, the use cases (docs/noncash.md): the bank's notification, checked and
taken once; the head cashier's reads (credits, exceptions, the statement, non-cash per
cashier); fetching the day's statement from the bank. The head cashier's decisions are
commands (``qms.domain.commands``) run by ``Hall.execute``."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import httpx
from sqlmodel import Session

from integrations.bank import signing
from qms.config import BankSettings
from qms.devices import qr as qr_image
from qms.domain import json_input
from qms.domain.bank import credits, statement, takings
from qms.domain.bank import qr as bank_qr
from qms.domain.commands import ImportStatement
from qms.domain.errors import DependencyFailed, NotFound, Unauthenticated
from qms.domain.tickets import row_by_number
from qms.domain.tx import Tx
from qms.usecases import follow
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)
#: the bank's statement download: a bank answers in seconds or not at all
STATEMENT_TIMEOUT_S = 15.0


def _settings(hall: Hall) -> BankSettings:
    """The bank section of config: one account for the company, the same on each branch."""
    return next(iter(hall.branches.values())).bank


def _refused(message: str, code: str) -> Unauthenticated:
    return Unauthenticated(message, code=code)


def check_signature(hall: Hall, raw: bytes, headers: Mapping[str, str]) -> None:
    """The notification is the bank's, and recent: signed with the shared secret over its
    timestamp and body, the timestamp within ``bank.max_age_s`` of the hall's clock."""
    bank = _settings(hall)
    if not bank.enabled or not bank.webhook_secret:
        raise NotFound("this hall takes no bank notifications", code="qr_disabled")
    stamp = headers.get(signing.TIMESTAMP, "")
    signature = headers.get(signing.SIGNATURE, "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12) or not signature:
        raise _refused("the notification is not signed", "bad_signature")
    if not signing.valid(bank.webhook_secret, int(stamp), raw, signature):
        log.warning("bank notification refused: bad signature")
        raise _refused("the notification's signature does not match", "bad_signature")
    age = abs(hall.clock.now().timestamp() - int(stamp))
    if age > bank.max_age_s:
        raise _refused(
            f"the notification was signed {int(age)} s ago, past the {bank.max_age_s} s window",
            "stale_notification",
        )


async def notify(hall: Hall, raw: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """The bank's notification of a credit: checked, then taken once in the transaction of
    the branch whose QR it names (applied, or an exception; a repeat changes nothing)."""
    check_signature(hall, raw, headers)
    n = credits.parse(json_input.loads(raw, code="malformed_json", what="notification"))
    first = next(iter(hall.branches))

    def which(session: Session) -> str:
        return credits.branch_of(session, n, first)

    # one branch: no read to learn whose QR it is (receive reads the QR again anyway)
    branch_id = first if len(hall.branches) == 1 else await hall.read(which)
    bank = Principal("device", "bank", "system", branch_id)
    # a burst of credits takes its turns after the staff's: no F4 waits behind a bank
    later = _settings(hall).credits_yield
    result: dict[str, Any] = await hall.change(
        bank, credits.receive, n, action="bank.notify", later=later
    )
    return result


def _day(hall: Hall, day: dt.date | None) -> dt.date:
    return day or hall.clock.business_day()


async def credits_of(
    hall: Hall, who: Principal, day: dt.date | None, status: str | None
) -> dict[str, Any]:
    """The bank's credits of a day (or every open exception, whatever its day)."""
    require(who, "bank.read")
    if status == "exception" and day is None:
        found = await hall.read(credits.listing, who.branch_id, None, status)
    else:
        found = await hall.read(credits.listing, who.branch_id, _day(hall, day), status)
    return {"credits": found}


async def day(hall: Hall, who: Principal, when: dt.date | None) -> dict[str, Any]:
    """The non-cash side of a day at a glance: per cashier, the statement's lines, the
    credits waiting for a decision, and what stands between it and the close."""
    require(who, "bank.read")
    d = _day(hall, when)

    def read(session: Session) -> dict[str, Any]:
        return {
            "business_day": d.isoformat(),
            **takings.noncash(session, who.branch_id, d),
            "statement": statement.of_day(session, who.branch_id, d),
            "exceptions": credits.listing(session, who.branch_id, None, "exception"),
            "blockers": [
                {"code": code, "message": text, "details": more}
                for code, text, more in statement.blockers(session, who.branch_id, d)
            ],
        }

    return await hall.read(read)


async def ticket_qr(hall: Hall, who: Principal, number: object) -> dict[str, Any]:
    """A ticket's QRs (the open one first): the cashier can show the printed one again."""
    require(who, "ticket.read")
    bank = hall.branch(who.branch_id).bank

    def read(tx: Tx) -> dict[str, Any]:
        t = row_by_number(tx, number)
        return {"number": t.number, "qr": bank_qr.of_ticket(tx.session, t, bank)}

    return await hall.peek(who, read)


def with_svg(shown: dict[str, Any]) -> dict[str, Any]:
    """A QR as a page draws it: its payload as SVG made here (segno), so no page carries a
    QR library and the domain stays free of images."""
    return {**shown, "svg": qr_image.svg(shown["payload"]).decode()}


async def qr_of(hall: Hall, who: Principal, ref: str) -> dict[str, Any]:
    """One QR by its reference, drawn: the customer display at a counter hears only the
    reference of the QR its cashier asked for (``qr.shown``), and fetches the rest here."""
    require(who, "view.display")

    def read(session: Session) -> dict[str, Any]:
        found = bank_qr.get(session, who.branch_id, ref)
        return bank_qr.public(found, hall.branch(who.branch_id).bank)

    return with_svg(await hall.read(read))


async def ticket_pay_svg(hall: Hall, token: str) -> bytes:
    """The follow page's payment QR: the ticket's own (printed) QR while it is unpaid. The
    follow token is the key, as for the follow link's QR."""

    def read(session: Session) -> dict[str, Any] | None:
        ticket = follow.find(session, token)
        bank = hall.branch(ticket.branch_id).bank
        return follow.open_ticket_qr(session, ticket, bank)

    shown = await hall.read(read)
    if shown is None:
        raise NotFound("this ticket has no QR waiting to be paid", code="qr_not_open")
    return qr_image.svg(shown["payload"])


async def fetch_statement(hall: Hall, who: Principal, when: dt.date | None) -> dict[str, Any]:
    """Fetch the day's statement from the bank (``bank.statement_url``) and import it; the
    bank down or answering garbage is a clear refusal, nothing imported."""
    require(who, "bank.resolve")
    url = _settings(hall).statement_url
    if not url:
        raise NotFound(
            "no bank statement address is configured: upload the CSV instead",
            code="statement_url_missing",
        )
    d = _day(hall, when)
    try:
        async with httpx.AsyncClient(timeout=STATEMENT_TIMEOUT_S) as client:
            where = f"{url.rstrip('/')}/statement"
            answer = await client.get(where, params={"date": d.isoformat()})
    except httpx.HTTPError as e:
        raise DependencyFailed(
            f"the bank did not answer ({type(e).__name__}): try again, or upload the CSV",
            code="bank_unavailable",
        ) from None
    if answer.status_code != 200:
        raise DependencyFailed(
            f"the bank answered {answer.status_code}: try again, or upload the CSV",
            code="bank_unavailable",
            status=answer.status_code,
        )
    try:
        text = answer.content.decode("utf-8")
    except UnicodeDecodeError:
        raise DependencyFailed(
            "the bank's statement is not UTF-8 text: upload the CSV instead",
            code="bank_unavailable",
        ) from None
    return await hall.execute(who, ImportStatement(csv=text))
