"""The hall's account at the bank: every credit and debit, in the order the bank booked
them, with a running balance, and the day's statement (sao kê) as its internet banking
exports it.

An optional journal (JSON lines) keeps the entries across restarts, so a restarted bank
never hands out a transaction id the hall already has and still serves yesterday's
statement.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")  # the statement's dates are UTC+7
#: the header row exactly as the bank exports it
STATEMENT_HEADER = ("Ngày giao dịch", "Số tham chiếu", "Ghi nợ", "Ghi có", "Số dư", "Nội dung")
STATEMENT_TIME = "%d/%m/%Y %H:%M:%S"
BOM = "\ufeff"


class LedgerError(ValueError):
    """A booking the bank refuses (``code`` for the error shape)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Entry:
    """One booked line: ``amount`` above zero, ``kind`` credit (in) or debit (out)."""

    transaction_id: str
    kind: str  # "credit" | "debit"
    amount: int
    description: str
    booked_at: str  # ISO 8601 with +07:00
    balance: int  # after this line
    refund_of: str | None = None
    currency: str = "VND"  # what the notification says (a test may send another)

    @property
    def time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.booked_at)


def amount_text(amount: int) -> str:
    """``1234000`` → ``"1,234,000"``; zero is an empty cell, as the bank prints it."""
    return f"{amount:,}" if amount else ""


class Ledger:
    """The account's lines; thread-safe (the sender reads it from the loop, admin too)."""

    def __init__(
        self,
        account: str,
        *,
        opening_balance: int = 0,
        journal: Path | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.account = account
        self.opening_balance = opening_balance
        self._clock = clock or (lambda: dt.datetime.now(VN))
        self._lock = threading.Lock()
        self._journal = journal
        self.entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._issued = 0  # ids given so far, across resets: none is ever given twice
        if journal is not None and journal.exists():
            for line in journal.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    if "issued" in row:  # a reset's mark
                        self._issued = row["issued"]
                    else:
                        self._add(Entry(**row))

    def _add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self._by_id[entry.transaction_id] = entry
        self._issued += 1

    def reset(self) -> None:
        """Forget every line (the journal too), but not how many ids were given."""
        with self._lock:
            self.entries.clear()
            self._by_id.clear()
            self._write({"issued": self._issued}, mode="w")

    def _write(self, row: dict[str, object], mode: str = "a") -> None:
        if self._journal is not None:
            self._journal.parent.mkdir(parents=True, exist_ok=True)
            with self._journal.open(mode, encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")

    @property
    def balance(self) -> int:
        return self.entries[-1].balance if self.entries else self.opening_balance

    def get(self, transaction_id: str) -> Entry | None:
        return self._by_id.get(transaction_id)

    def _new_id(self, now: dt.datetime) -> str:
        """``FT`` + year, day of the year + a sequence: ``FT26341000123``. The sequence runs
        over the whole journal, so an id is never given twice."""
        return f"FT{now:%y}{now.timetuple().tm_yday:03d}{self._issued + 1:06d}"

    def _book(
        self, kind: str, amount: int, description: str, refund_of: str | None, currency: str
    ) -> Entry:
        now = self._clock().astimezone(VN).replace(microsecond=0)
        balance = self.balance + (amount if kind == "credit" else -amount)
        entry = Entry(
            self._new_id(now),
            kind,
            amount,
            description,
            now.isoformat(),
            balance,
            refund_of,
            currency,
        )
        self._write(asdict(entry))
        self._add(entry)
        return entry

    def credit(self, amount: int, description: str, currency: str = "VND") -> Entry:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise LedgerError("bad_amount", "a transfer is a whole number of đồng above zero")
        with self._lock:
            return self._book("credit", amount, description, None, currency)

    def refund(self, transaction_id: str, amount: int) -> Entry:
        """Money sent back for (part of) a credit; never more than is left of it."""
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise LedgerError("bad_amount", "a refund is a whole number of đồng above zero")
        with self._lock:
            credit = self._by_id.get(transaction_id)
            if credit is None or credit.kind != "credit":
                raise LedgerError("unknown_transaction", f"no credit {transaction_id}")
            refunded = sum(e.amount for e in self.entries if e.refund_of == transaction_id)
            if amount > credit.amount - refunded:
                raise LedgerError(
                    "refund_too_large",
                    f"{transaction_id} has {credit.amount - refunded} đồng left to refund",
                )
            text = f"HOAN TIEN {transaction_id}"
            return self._book("debit", amount, text, transaction_id, credit.currency)

    def day(self, date: dt.date) -> list[Entry]:
        with self._lock:
            return [e for e in self.entries if e.time.astimezone(VN).date() == date]

    def statement_csv(self, date: dt.date) -> str:
        """The day's lines, credits and debits, in booking order; UTF-8 with a BOM."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(STATEMENT_HEADER)
        for e in self.day(date):
            debit, credit = (e.amount, 0) if e.kind == "debit" else (0, e.amount)
            w.writerow(
                (
                    e.time.astimezone(VN).strftime(STATEMENT_TIME),
                    e.transaction_id,
                    amount_text(debit),
                    amount_text(credit),
                    f"{e.balance:,}",
                    e.description,
                )
            )
        return BOM + out.getvalue()
