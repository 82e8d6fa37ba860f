"""The bank statement (sao kê) of the hall's account, imported as the bank exports it, and
reconciled with the credits the hall took: every non-cash payment must be on it, and every
credit line on it must be the hall's (matched) or explained (cleared with a note) before
the day closes (docs/noncash.md).

A line whose notification never came (lost on the way) is received from the statement
itself, by the same rule as a notification: applied, or an exception.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from qms.domain.bank import credits
from qms.domain.clock import iso
from qms.domain.errors import BadRequest, Conflict, NotFound
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import BankCredit, StatementLine

if TYPE_CHECKING:
    from qms.domain.commands import ClearLine, ImportStatement, ReceiveLine

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: the columns a Vietnamese bank's export names, and the English some banks use
COLUMNS = {
    "date": ("ngày giao dịch", "transaction date", "ngày gd"),
    "ref": ("số tham chiếu", "reference", "số bút toán", "mã giao dịch"),
    "debit": ("ghi nợ", "debit", "số tiền ghi nợ"),
    "credit": ("ghi có", "credit", "số tiền ghi có"),
    "description": ("nội dung", "description", "mô tả", "nội dung chi tiết"),
}
MAX_LINES = 20000
_AMOUNT = re.compile(r"[0-9]{1,3}([,.][0-9]{3})*|[0-9]+")
STATUSES = ("matched", "unmatched", "cleared")


@dataclass(frozen=True, slots=True)
class Line:
    row: int
    booked_at: dt.datetime
    bank_txn: str
    amount: int  # credited; debits (refunds, fees) are not the hall's takings
    description: str


def _refuse(row: int, message: str) -> BadRequest:
    return BadRequest(
        f"statement line {row}: {message}", code="invalid_statement", row=row, reason=message
    )


def _amount(raw: str, row: int) -> int:
    text = raw.strip().replace(" ", "")
    if not text:
        return 0
    if not _AMOUNT.fullmatch(text):
        raise _refuse(row, f"amount {raw!r} is not a whole number of đồng")
    return int(re.sub(r"[,.]", "", text))


def _when(raw: str, row: int) -> dt.datetime:
    text = raw.strip()
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=VN)
        except ValueError:
            continue
    raise _refuse(row, f"date {raw!r} is not dd/MM/yyyy HH:mm:ss")


def parse(text: str) -> list[Line]:
    """The credit lines of a statement CSV (UTF-8, a BOM allowed), or a refusal naming the
    first line the hall cannot read. Debit lines are skipped."""
    if "\x00" in text:  # no database keeps it, no bank exports it
        raise BadRequest(
            "the statement holds NUL characters", code="invalid_statement", reason="not a CSV"
        )
    try:
        return _parse(text)
    except csv.Error as e:  # a field past the csv module's limit, a broken quote
        raise BadRequest(
            f"the statement is not a CSV the hall can read: {e}",
            code="invalid_statement",
            reason="not a CSV",
        ) from None


def _parse(text: str) -> list[Line]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise BadRequest(
            "the statement is empty", code="invalid_statement", reason="the file is empty"
        )
    names = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        at = next((i for i, h in enumerate(names) if h in aliases), None)
        if at is None:
            raise BadRequest(
                f"the statement has no column {aliases[0]!r}",
                code="invalid_statement",
                column=aliases[0],
                reason=f"no column {aliases[0]!r}",
            )
        where[key] = at
    out: list[Line] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(names):
            raise _refuse(n, "fewer cells than columns")
        if len(out) >= MAX_LINES:
            raise _refuse(n, f"more than {MAX_LINES} lines")
        amount = _amount(cells[where["credit"]], n)
        _amount(cells[where["debit"]], n)  # checked, not kept
        if amount == 0:
            continue
        ref = cells[where["ref"]].strip()
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", ref):
            raise _refuse(n, f"reference {ref!r} is not a bank transaction id")
        out.append(
            Line(n, _when(cells[where["date"]], n), ref, amount, cells[where["description"]][:500])
        )
    return out


def public(line: StatementLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "business_day": line.business_day.isoformat(),
        "bank_txn": line.bank_txn,
        "booked_at": iso(line.booked_at),
        "amount": line.amount,
        "description": line.description,
        "status": line.status,
        "credit_id": line.credit_id,
        "note": line.note,
        "cleared_by": line.cleared_by,
        "cleared_at": iso(line.cleared_at),
    }


def import_lines(tx: Tx, cmd: ImportStatement) -> dict[str, Any]:
    """Add a statement's credit lines (a line already imported is skipped: importing the
    same export twice, or a later export of the same day, adds only what is new) and match
    each to the credit with its bank id."""
    lines = parse(cmd.csv)
    txns = [line.bank_txn for line in lines]
    imported = _known_lines(tx, txns)  # earlier imports; a line twice in one file too
    found = _credits_of(tx, txns)
    added, known = [], 0
    for line in lines:
        if line.bank_txn in imported:
            known += 1
            continue
        imported.add(line.bank_txn)
        credit = found.get(line.bank_txn)
        row = rows.new(
            StatementLine,
            branch_id=tx.branch_id,
            business_day=line.booked_at.astimezone(VN).date(),
            bank_txn=line.bank_txn,
            booked_at=line.booked_at,
            amount=line.amount,
            description=line.description,
            imported_at=tx.now,
            imported_by=tx.actor.label,
            status="unmatched" if credit is None or credit[1] != line.amount else "matched",
            credit_id=None if credit is None else credit[0],
        )
        row["id"] = rows.insert(tx.session, StatementLine, row)
        added.append(public(rows.view(row)))
    out = {
        "lines": len(lines),
        "added": len(added),
        "already_imported": known,
        "matched": sum(1 for a in added if a["status"] == "matched"),
        "unmatched": [a for a in added if a["status"] == "unmatched"],
    }
    tx.emit("bank.statement_imported", {"import": out})
    return out


#: ids per IN (...) query: far below any database's limit on a statement's parameters
_CHUNK = 1000


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _known_lines(tx: Tx, txns: list[str]) -> set[str]:
    """Of these bank ids, those a statement of this branch already brought."""
    out: set[str] = set()
    for part in _chunks(txns):
        out.update(
            tx.session.exec(
                select(StatementLine.bank_txn).where(
                    StatementLine.branch_id == tx.branch_id, col(StatementLine.bank_txn).in_(part)
                )
            ).all()
        )
    return out


def _credits_of(tx: Tx, txns: list[str]) -> dict[str, tuple[int, int]]:
    """The credits the hall took with these bank ids: (id, amount) by bank id."""
    out: dict[str, tuple[int, int]] = {}
    for part in _chunks(txns):
        for txn, key, amount in tx.session.exec(
            select(BankCredit.bank_txn, BankCredit.id, BankCredit.amount).where(
                col(BankCredit.bank_txn).in_(part)
            )
        ).all():
            out[txn] = (key or 0, amount)
    return out


def _unmatched(tx: Tx, line_id: int) -> StatementLine:
    line = tx.session.get(StatementLine, line_id)
    if line is None or line.branch_id != tx.branch_id:
        raise NotFound(f"no statement line {line_id}", code="unknown_line", line=line_id)
    if line.status != "unmatched":
        raise Conflict(
            f"statement line {line_id} is {line.status} already",
            code="line_not_open",
            line=line_id,
            status=line.status,
        )
    return line


def receive_line(tx: Tx, cmd: ReceiveLine) -> dict[str, Any]:
    """A line the bank never notified: take it as the notification it should have been
    (applied to its QR, or an exception), and match it."""
    line = _unmatched(tx, cmd.id)
    if credits.find(tx.session, line.bank_txn) is not None:
        raise Conflict(
            "a credit with this bank id exists with another amount: resolve it with a note",
            code="line_amount_differs",
            line=line.id,
        )
    got = credits.receive(
        tx,
        credits.Notification(
            bank_txn=line.bank_txn,
            account=tx.branch.bank.account,  # the statement is of the hall's account
            amount=line.amount,
            currency="VND",
            description=line.description,
            credited_at=line.booked_at,
            via="statement",
        ),
    )
    line.status = "matched"
    line.credit_id = got["credit"]["id"]
    tx.session.add(line)
    tx.session.flush()
    shown = public(line)
    tx.emit("bank.line_matched", {"line": shown, "credit": got["credit"]})
    return {"line": shown, "credit": got["credit"]}


def clear_line(tx: Tx, cmd: ClearLine) -> dict[str, Any]:
    """A line that is not a customer's payment (the day's cash deposit, a transfer between
    the company's accounts): cleared with a note saying what it is."""
    line = _unmatched(tx, cmd.id)
    line.status = "cleared"
    line.note = cmd.note
    line.cleared_by = tx.actor.label
    line.cleared_at = tx.now
    tx.session.add(line)
    tx.session.flush()
    shown = public(line)
    tx.emit("bank.line_cleared", {"line": shown})
    return shown


def of_day(session: Session, branch_id: str, day: dt.date) -> list[dict[str, Any]]:
    found = session.exec(
        select(StatementLine)
        .where(StatementLine.branch_id == branch_id, StatementLine.business_day == day)
        .order_by(col(StatementLine.booked_at), col(StatementLine.id))
    ).all()
    return [public(x) for x in found]


def blockers(
    session: Session, branch_id: str, day: dt.date
) -> list[tuple[str, str, dict[str, Any]]]:
    """Why the day cannot close on the bank's side: exceptions undecided, statement lines
    unexplained, non-cash credits the statement does not show yet."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    waiting = session.exec(
        select(BankCredit.id).where(
            BankCredit.branch_id == branch_id,
            BankCredit.business_day == day,
            BankCredit.status == "exception",
        )
    ).all()
    if waiting:
        out.append(
            (
                "bank_exceptions_open",
                f"{len(waiting)} bank credit(s) wait for the head cashier's decision",
                {"credits": list(waiting)},
            )
        )
    lines = session.exec(
        select(StatementLine.bank_txn).where(
            StatementLine.branch_id == branch_id,
            StatementLine.business_day == day,
            StatementLine.status == "unmatched",
        )
    ).all()
    if lines:
        out.append(
            (
                "statement_unmatched",
                f"{len(lines)} line(s) of the bank statement match no credit of the hall",
                {"bank_txns": list(lines)},
            )
        )
    on_statement = select(StatementLine.credit_id).where(
        StatementLine.branch_id == branch_id, col(StatementLine.credit_id).is_not(None)
    )
    missing = session.exec(
        select(BankCredit.bank_txn).where(
            BankCredit.branch_id == branch_id,
            BankCredit.business_day == day,
            BankCredit.status != "exception",
            col(BankCredit.id).not_in(on_statement),
        )
    ).all()
    if missing:
        out.append(
            (
                "statement_missing",
                f"{len(missing)} non-cash credit(s) are not on an imported bank statement "
                "yet: import today's statement",
                {"bank_txns": list(missing)},
            )
        )
    return out
