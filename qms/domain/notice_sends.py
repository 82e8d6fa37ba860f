"""A queued message's way out (docs/notify.md): claimed, then sent, retried or failed.

Each step is its own short transaction, after the call that queued the message has
committed, so a gateway in trouble never holds up the queue of tickets. The claim counts
the attempt before the send leaves and re-checks that the message is still queued (a
withdrawal or the day's end may have dropped it a moment ago); it also sets when the
message goes again if no answer is ever recorded (a crash mid-send), with the same key,
which the gateway deduplicates."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from qms.domain import notices
from qms.domain.tx import Tx
from qms.storage.models import OutMessage


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message on its way, with what the gateway needs."""

    id: int
    key: str
    kind: str
    channel: str
    phone: str
    params: dict[str, Any]
    text: str
    plain: str
    attempts: int


#: a run of digits as long as a phone number (a gateway's reason may quote the number)
_NUMBER = re.compile(r"\+?\d[\d .-]{6,}\d")


def reason(error: str) -> str:
    """A gateway's reason as the hall keeps and shows it: short, and never a number."""
    return _NUMBER.sub("…", error)[:500]


def backoff(attempts: int, first_s: float, max_s: float) -> dt.timedelta:
    """``first_s`` after the first failed send, doubling, at most ``max_s``."""
    return dt.timedelta(seconds=min(max_s, first_s * 2 ** max(0, attempts - 1)))


def due(session: Session, now: dt.datetime, limit: int) -> list[tuple[int, str]]:
    """Queued messages whose time has come, oldest first: (id, branch)."""
    rows = session.exec(
        select(OutMessage.id, OutMessage.branch_id)
        .where(OutMessage.status == "queued", col(OutMessage.next_attempt_at) <= now)
        .order_by(col(OutMessage.id))
        .limit(limit)
    ).all()
    return [(int(i), b) for i, b in rows if i is not None]


def next_due(session: Session) -> dt.datetime | None:
    """When the next queued message is due (None: nothing queued)."""
    return session.exec(
        select(func.min(OutMessage.next_attempt_at)).where(OutMessage.status == "queued")
    ).one()


def claim(tx: Tx, message_id: int, unanswered: dt.timedelta, tries: int) -> Claimed | None:
    """Count this attempt; None when the message is no longer to be sent (or not yet).
    ``unanswered``: when it goes again if no outcome is ever recorded; after ``tries``
    such attempts it fails (no outcome recorded ``tries`` times is an outcome too)."""
    m = tx.session.get(OutMessage, message_id)
    if m is None or m.status != "queued":
        return None
    if m.phone is None:  # its number was erased: nothing to send it to, ever
        m.status = "dropped"
        tx.session.add(m)
        return None
    if m.next_attempt_at is not None and m.next_attempt_at > tx.now:
        return None  # another pass took it a moment ago
    if m.attempts >= tries:
        _fail(tx, m, m.last_error or "no outcome recorded for its sends")
        return None
    m.attempts += 1
    m.next_attempt_at = tx.now + unanswered
    tx.session.add(m)
    params = json.loads(m.params)
    name = tx.branch.name
    return Claimed(
        id=message_id,
        key=m.key,
        kind=m.kind,
        channel=m.channel,
        phone=m.phone,
        params={**params, "branch": name},
        text=notices.text(m.kind, params, name),
        plain=notices.text(m.kind, params, name, plain=True),
        attempts=m.attempts,
    )


def _event(m: OutMessage, **more: Any) -> dict[str, Any]:
    """What an event says of a message: never the phone number."""
    number = json.loads(m.params).get("number")
    return {"number": number, "kind": m.kind, "channel": m.channel, **more}


def sent(tx: Tx, message_id: int, gateway_ref: str, channel: str) -> None:
    """The gateway took it. Recorded even if it was dropped meanwhile: it did go."""
    m = tx.session.get(OutMessage, message_id)
    if m is None or m.status in ("sent", "failed"):
        return
    m.status = "sent"
    m.sent_at = tx.now
    m.gateway_ref = gateway_ref
    m.channel = channel
    m.next_attempt_at = None
    m.last_error = None
    tx.session.add(m)
    tx.emit("notice.sent", _event(m))


def failed(tx: Tx, message_id: int, error: str) -> None:
    """Refused for good (a bad number, a template): no retry."""
    m = tx.session.get(OutMessage, message_id)
    if m is None or m.status != "queued":
        return
    _fail(tx, m, error)


def _fail(tx: Tx, m: OutMessage, error: str) -> None:
    m.status = "failed"
    m.last_error = reason(error)
    m.next_attempt_at = None
    tx.session.add(m)
    tx.emit("notice.failed", _event(m, attempts=m.attempts, error=m.last_error))


def retry(tx: Tx, message_id: int, error: str, wait: dt.timedelta, tries: int) -> None:
    """Not taken, or not known to be: again after ``wait`` with the same key, unless
    this was the last of ``tries``."""
    m = tx.session.get(OutMessage, message_id)
    if m is None or m.status != "queued":
        return
    if m.attempts >= tries:
        _fail(tx, m, error)
        return
    m.last_error = reason(error)
    m.next_attempt_at = tx.now + wait
    tx.session.add(m)


def erase_until(tx: Tx, day: dt.date) -> int:
    """The numbers of ``day`` and before erased (the notifier's daily sweep, in case no
    one closed a day)."""
    return notices.erase_until(tx.session, tx.branch_id, day)
