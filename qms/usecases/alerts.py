"""Alerts (docs/alerts.md): the rules' CRUD, a hall's evaluation against them, the
acknowledgement by a person, the listing, and what the watch sends by SMS.

An alert is raised once per key (rule, hall, subject, business day) and cleared when its
condition is gone; raised again the same day, the same row opens again (no second
message). Every change is one transaction in the hall's writer lane with its events
(``alert.raised``, ``alert.acked``, ``alert.cleared``) in the hall's stream, so the
pages update by push."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from qms import words
from qms.domain import alerts as rules
from qms.domain import notices, org
from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.errors import BadRequest, NotFound
from qms.domain.tx import Tx, any_day
from qms.storage.models import (
    Alert,
    AlertRule,
    AuthSession,
    DayClosure,
    DeviceJob,
    Drawer,
    Payment,
    Ticket,
)
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

LIST_LIMIT = 200
STUCK_LIMIT = 500  # device jobs looked at per hall and pass: the oldest
FILTERS = ("open", "all")  # the listing's: not cleared, or every one
RULE_FIELDS = ("branch", "kind", "threshold", "notify_phone", "enabled")


def _system(branch_id: str) -> Principal:
    return Principal("device", "alert-watch", "system", branch_id)


# --- what a hall looks like now: one function, one read --------------------------------------


def gather(session: Session, branch: Branch, now: dt.datetime, day: dt.date) -> rules.Figures:
    """The figures the rules read, for one hall, with a few cheap queries. The company
    view's ``hall_now`` may take its place: it reads the same things."""
    b = branch.id
    waiting = Ticket.branch_id == b, Ticket.business_day == day, Ticket.status == "waiting"
    count = session.exec(select(func.count()).select_from(Ticket).where(*waiting)).one()
    oldest = session.exec(
        select(Ticket.number, Ticket.issued_at).where(*waiting).order_by(col(Ticket.issued_at))
    ).first()
    held = session.exec(
        select(AuthSession.holds).where(
            col(AuthSession.holds).startswith(f"{b}/"), AuthSession.expires_at > now
        )
    ).all()
    pending = Payment.branch_id == b, Payment.status == "pending"
    unposted = session.exec(select(func.count()).select_from(Payment).where(*pending)).one()
    first_pay = session.exec(
        select(Payment.txn_id, Payment.created_at).where(*pending).order_by(col(Payment.id))
    ).first()
    jobs = session.exec(
        select(DeviceJob.target, DeviceJob.kind, DeviceJob.created_at, DeviceJob.last_error)
        .where(DeviceJob.branch_id == b, DeviceJob.status != "done")
        .order_by(col(DeviceJob.id))
        .limit(STUCK_LIMIT)
    ).all()
    drawers = session.exec(
        select(Drawer).where(
            Drawer.branch_id == b,
            Drawer.business_day == day,
            Drawer.status == "pending_approval",
            col(Drawer.difference).is_not(None),
        )
    ).all()
    worked = count > 0 or (
        session.exec(
            select(Ticket.id).where(Ticket.branch_id == b, Ticket.business_day == day).limit(1)
        ).first()
        is not None
        or session.exec(
            select(Drawer.id).where(Drawer.branch_id == b, Drawer.business_day == day).limit(1)
        ).first()
        is not None
    )

    def age(at: dt.datetime) -> int:
        return max(0, int((now - at).total_seconds()))

    return rules.Figures(
        branch_id=b,
        now=now,
        day=day,
        waiting=count,
        oldest_wait_s=age(oldest[1]) if oldest else None,
        oldest_number=oldest[0] if oldest else None,
        cashier_counters=tuple(c.code for c in branch.counters.values() if c.kind == "cashier"),
        held_counters=frozenset(h.split("/", 1)[1] for h in held if h),
        unposted=unposted,
        oldest_unposted_s=age(first_pay[1]) if first_pay else None,
        oldest_txn=first_pay[0] if first_pay else None,
        stuck_jobs=tuple(rules.StuckJob(t, k, age(at), e) for t, k, at, e in jobs),
        drawers=tuple(
            rules.ClosedDrawer(d.counter_code, d.cashier, d.cashier_name, d.difference or 0)
            for d in drawers
        ),
        day_worked=worked,
        day_closed=session.get(DayClosure, (b, day)) is not None,
    )


# --- the shapes people read ---------------------------------------------------------------------


def public(a: Alert) -> dict[str, Any]:
    detail = json.loads(a.detail)
    status = "cleared" if a.cleared_at else "acked" if a.acked_at else "open"
    return {
        "id": a.id,
        "rule_id": a.rule_id,
        "branch": a.branch_id,
        "kind": a.kind,
        "unit": rules.KINDS[a.kind].unit,
        "subject": a.subject,
        "value": a.value,
        "threshold": detail.get("threshold"),
        "detail": detail,
        "status": status,
        "raised_at": iso(a.raised_at),
        "cleared_at": iso(a.cleared_at),
        "acked_at": iso(a.acked_at),
        "acked_by": a.acked_by,
        "sent_at": iso(a.sent_at),
    }


def public_rule(r: AlertRule) -> dict[str, Any]:
    return {
        "id": r.id,
        "branch": r.branch_id,
        "kind": r.kind,
        "unit": rules.KINDS[r.kind].unit,
        "threshold": r.threshold,
        "notify_phone": r.notify_phone,
        "enabled": r.enabled,
        "version": r.version,
        "created_by": r.created_by,
        "created_at": iso(r.created_at),
    }


def says(a: Mapping[str, Any], lang: str = "vi") -> str:
    """What an alert says, in the hall's words (the pages render the same template)."""
    group = 0 if lang == "vi" else 1
    name = words.STATUSES["alert"][a["kind"]][group]
    fields = {**a["detail"], "subject": a["subject"], "value": a["value"]}
    text = words.render(words.STATUSES["alert_says"][a["kind"]][group], fields, lang)
    return f"{name}: {text}"


# --- evaluation -------------------------------------------------------------------------------


def _look(
    session: Session, branch: Branch, now: dt.datetime, day: dt.date
) -> tuple[list[rules.Rule], rules.Figures, set[str]]:
    found = session.exec(
        select(AlertRule).where(
            or_(col(AlertRule.branch_id).is_(None), col(AlertRule.branch_id) == branch.id),
            col(AlertRule.enabled).is_(True),
        )
    ).all()
    open_keys = session.exec(
        select(Alert.key).where(Alert.branch_id == branch.id, col(Alert.cleared_at).is_(None))
    ).all()
    active = [rules.Rule(r.id or 0, r.kind, r.threshold) for r in found if r.kind in rules.KINDS]
    return active, gather(session, branch, now, day), set(open_keys)


def _apply(tx: Tx, wanted: dict[str, rules.Breach]) -> dict[str, int]:
    """Raise what is new (or back), clear what is gone; one event for each."""
    s, now = tx.session, tx.now
    raised = cleared = 0
    for row in s.exec(
        select(Alert).where(Alert.branch_id == tx.branch_id, col(Alert.cleared_at).is_(None))
    ).all():
        if row.key not in wanted:
            row.cleared_at = now
            s.add(row)
            tx.emit("alert.cleared", {"alert": public(row)})
            cleared += 1
    known = {a.key: a for a in s.exec(select(Alert).where(col(Alert.key).in_(list(wanted)))).all()}
    for key, b in wanted.items():
        found = known.get(key)
        if found is not None and found.cleared_at is None:
            continue  # raised already, still open
        row = found or Alert(key=key, rule_id=b.rule_id, branch_id=tx.branch_id, kind=b.kind,
                             subject=b.subject)  # fmt: skip
        row.value, row.detail, row.raised_at = b.value, json.dumps(b.detail), now
        row.cleared_at = row.acked_at = row.acked_by = None
        s.add(row)
        s.flush()
        tx.emit("alert.raised", {"alert": public(row)})
        raised += 1
    return {"raised": raised, "cleared": cleared}


async def evaluate(hall: Hall, branch_id: str) -> dict[str, int]:
    """Look at one hall against its rules; write only when something is raised or cleared."""
    branch = hall.branch(branch_id)
    now, day = hall.clock.now(), hall.clock.business_day()
    active, figures, open_keys = await hall.read(_look, branch, now, day)
    wanted = {
        rules.key(b.rule_id, branch.id, b.subject, day): b for b in rules.evaluate(active, figures)
    }
    if set(wanted) == open_keys:
        return {"raised": 0, "cleared": 0}
    done: dict[str, int] = await hall.change(
        _system(branch.id), _apply, wanted, action="alerts.evaluate", later=True
    )
    return done


# --- sending by SMS (the watch) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outgoing:
    alert_id: int
    branch_id: str
    key: str
    phone: str
    text: str

    @property
    def plain(self) -> str:
        """Without diacritics: an SMS in GSM 7-bit, one message, not three."""
        out = self.text.replace("đ", "d").replace("Đ", "D")
        return "".join(c for c in unicodedata.normalize("NFD", out) if not unicodedata.combining(c))


def unsent(session: Session, limit: int = 100) -> list[Outgoing]:
    """Open alerts whose rule names a phone and that no message has carried yet."""
    rows = session.exec(
        select(Alert, AlertRule.notify_phone)
        .join(AlertRule, col(AlertRule.id) == col(Alert.rule_id))
        .where(
            col(Alert.sent_at).is_(None),
            col(Alert.cleared_at).is_(None),
            col(AlertRule.notify_phone).is_not(None),
        )
        .order_by(col(Alert.id))
        .limit(limit)
    ).all()
    out = []
    for a, phone in rows:
        shown = public(a)
        text = f"{a.branch_id}: {says(shown, 'vi')} / {says(shown, 'en')}"
        out.append(Outgoing(a.id or 0, a.branch_id, f"alert-{a.id}", phone or "", text))
    return out


def _sent(tx: Tx, alert_id: int) -> None:
    row = tx.session.get(Alert, alert_id)
    if row is not None and row.sent_at is None:
        row.sent_at = tx.now
        tx.session.add(row)


async def mark_sent(hall: Hall, alert_id: int, branch_id: str) -> None:
    await hall.change(_system(branch_id), _sent, alert_id, action="alerts.sent", later=True)


# --- people: listing and acknowledging -------------------------------------------------------


def _branches_of(hall: Hall, who: Principal, branch: object) -> list[str]:
    """The branches a listing covers: the asked one (in scope), else all the person sees."""
    if branch not in (None, ""):
        if not isinstance(branch, str) or branch not in hall.branches:
            raise NotFound(f"no branch {branch}", code="unknown_branch", branch=str(branch))
        rules.check_scope(who.role, who.branch_id, branch)
        return [branch]
    if who.role in rules.COMPANY_ROLES:
        return list(hall.branches)
    return [who.branch_id]


async def listing(
    hall: Hall, who: Principal, status: object = "open", branch: object = None
) -> dict[str, Any]:
    """Alerts newest first: the open ones (not cleared; acknowledged or not), or all."""
    require(who, "alerts.read")
    status = status or "open"
    if status not in FILTERS:
        raise BadRequest("status is open or all", code="invalid_request", field="status")
    branches = _branches_of(hall, who, branch)

    def read(session: Session) -> list[dict[str, Any]]:
        q = select(Alert).where(col(Alert.branch_id).in_(branches))
        if status == "open":
            q = q.where(col(Alert.cleared_at).is_(None))
        q = q.order_by(col(Alert.raised_at).desc(), col(Alert.id).desc()).limit(LIST_LIMIT)
        return [public(a) for a in session.exec(q).all()]

    return {"alerts": await hall.read(read)}


def _find(session: Session, alert_id: object) -> Alert:
    row = session.get(Alert, alert_id) if isinstance(alert_id, int) else None
    if row is None:
        raise NotFound(f"no alert {alert_id}", code="unknown_alert", alert=alert_id)
    return row


async def ack(hall: Hall, who: Principal, alert_id: int) -> dict[str, Any]:
    """A person acknowledges an alert (audited): it stays until its condition is gone."""
    require(who, "alerts.ack")

    def where(session: Session) -> str:
        return _find(session, alert_id).branch_id

    branch_id = await hall.read(where)
    rules.check_scope(who.role, who.branch_id, branch_id)  # before the alert's lane

    @any_day  # an alert of a closed day is still someone's to acknowledge
    def acknowledge(tx: Tx, alert_id: int) -> dict[str, Any]:
        row = _find(tx.session, alert_id)
        rules.check_scope(who.role, who.branch_id, row.branch_id)
        rules.check_ackable(row.acked_by, row.acked_at)
        row.acked_at, row.acked_by = tx.now, who.name
        tx.session.add(row)
        shown = public(row)
        tx.emit("alert.acked", {"alert": shown})
        return shown

    acting = dataclasses.replace(who, branch_id=branch_id)  # the alert's hall: its stream
    result: dict[str, Any] = await hall.change(acting, acknowledge, alert_id, action="alerts.ack")
    return result


# --- people: the rules ---------------------------------------------------------------------------


def _fields(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for name in body:
        if name not in allowed:
            raise BadRequest(f"unknown field {name}", code="invalid_request", field=name)


def _phone(value: object) -> str | None:
    if value in (None, ""):
        return None
    return notices.check_phone(value, "notify_phone")


def _enabled(value: object) -> bool:
    if not isinstance(value, bool):
        raise BadRequest("enabled is true or false", code="invalid_request", field="enabled")
    return value


def _branch_of_rule(hall: Hall, who: Principal, value: object) -> str | None:
    if value is None:
        rules.check_scope(who.role, who.branch_id, None)
        return None
    if not isinstance(value, str) or value not in hall.branches:
        raise NotFound(f"no branch {value}", code="unknown_branch", branch=str(value))
    rules.check_scope(who.role, who.branch_id, value)
    return value


def _lane(hall: Hall, who: Principal, branch: str | None) -> Principal:
    """The hall whose lane and audit a rule's change goes to: its own, or the person's."""
    own = who.branch_id if who.branch_id in hall.branches else next(iter(hall.branches))
    home = branch or own
    return dataclasses.replace(who, branch_id=home)


async def list_rules(hall: Hall, who: Principal) -> dict[str, Any]:
    require(who, "alerts.manage")
    company = who.role in rules.COMPANY_ROLES

    def read(session: Session) -> list[dict[str, Any]]:
        q = select(AlertRule).order_by(col(AlertRule.id))
        if not company:
            q = q.where(AlertRule.branch_id == who.branch_id)
        return [public_rule(r) for r in session.exec(q).all()]

    return {"rules": await hall.read(read), "kinds": {k: v.unit for k, v in rules.KINDS.items()}}


async def create_rule(hall: Hall, who: Principal, body: Mapping[str, Any]) -> dict[str, Any]:
    """A new rule: ``branch`` null is every branch (the company admin's)."""
    require(who, "alerts.manage")
    _fields(body, RULE_FIELDS)
    branch = _branch_of_rule(hall, who, body.get("branch", who.branch_id))
    kind = rules.check_kind(body.get("kind"))
    threshold = rules.check_threshold(kind, body.get("threshold"))
    phone = _phone(body.get("notify_phone"))
    enabled = _enabled(body.get("enabled", True))

    @any_day
    def make(tx: Tx) -> dict[str, Any]:
        row = AlertRule(branch_id=branch, kind=kind, threshold=threshold, notify_phone=phone,
                        enabled=enabled, created_by=who.name, created_at=tx.now)  # fmt: skip
        tx.session.add(row)
        tx.session.flush()
        return public_rule(row)

    result: dict[str, Any] = await hall.change(
        _lane(hall, who, branch), make, action="alerts.rule_create"
    )
    return result


async def update_rule(
    hall: Hall, who: Principal, rule_id: int, body: Mapping[str, Any]
) -> dict[str, Any]:
    """Change a rule's threshold, phone or on/off, on the version read (``stale_edit``)."""
    require(who, "alerts.manage")
    _fields(body, ("version", "threshold", "notify_phone", "enabled"))
    if "version" not in body:
        raise BadRequest("version is needed", code="invalid_request", field="version")
    phone = _phone(body["notify_phone"]) if "notify_phone" in body else None
    enabled = _enabled(body["enabled"]) if "enabled" in body else None

    def where(session: Session) -> str | None:
        row = session.get(AlertRule, rule_id)
        if row is None:
            raise NotFound(f"no alert rule {rule_id}", code="unknown_alert_rule", rule=rule_id)
        return row.branch_id

    branch = await hall.read(where)
    rules.check_scope(who.role, who.branch_id, branch)

    @any_day
    def change(tx: Tx) -> dict[str, Any]:
        row = tx.session.get(AlertRule, rule_id)
        if row is None:
            raise NotFound(f"no alert rule {rule_id}", code="unknown_alert_rule", rule=rule_id)
        rules.check_scope(who.role, who.branch_id, row.branch_id)
        org.check_version(row.version, body["version"])  # as the admin pages refuse it
        if "threshold" in body:
            row.threshold = rules.check_threshold(row.kind, body["threshold"])
        if "notify_phone" in body:
            row.notify_phone = phone
        if enabled is not None:
            row.enabled = enabled
        row.version += 1
        tx.session.add(row)
        return public_rule(row)

    result: dict[str, Any] = await hall.change(
        _lane(hall, who, branch), change, action="alerts.rule_update"
    )
    return result
