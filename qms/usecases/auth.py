"""Who is asking: staff sessions (argon2-hashed passwords, hashed bearer tokens) and devices
(tokens from config, stored as SHA-256), and what each role may do."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, bindparam, or_
from sqlalchemy import select as core_select  # sqlmodel's types take at most 4 columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from qms.config import Settings
from qms.devices import registry as device_registry
from qms.domain import events, passwords
from qms.domain.branch import Branch
from qms.domain.errors import BadRequest, Conflict, Forbidden, NotFound, TooMany, Unauthenticated
from qms.domain.events import EventRecord
from qms.domain.org import ORG
from qms.storage import rows
from qms.storage.db import read_session, write_session
from qms.storage.models import AuditEntry, AuthSession, Crew, OrgBranch, OrgCounter, OrgState, User
from qms.storage.sequences import lock_branch
from qms.usecases import audit
from qms.usecases.ratelimit import FailureLimiter

ROLES = (
    "reception",
    "lookup",
    "cashier",
    "head_cashier",
    "supervisor",
    "admin",
    "field_leader",
    "crew",
    "branch_admin",
    "finance",
)
DEVICE_ROLES = ("kiosk", "display", "agent")
STAFF = frozenset(ROLES)

#: action -> roles allowed. The role x endpoint test matrix reads this table.
PERMISSIONS: dict[str, frozenset[str]] = {
    "ticket.issue": frozenset({"reception", "supervisor", "admin", "kiosk"}),
    # a priority customer (docs/priority.md): the kiosk's button, reception's mark at issue
    "ticket.priority": frozenset({"reception", "supervisor", "kiosk"}),
    # and a waiting ticket marked (or unmarked) afterwards, at reception's desk
    "ticket.priority.mark": frozenset({"reception", "supervisor"}),
    "ticket.read": STAFF,
    "ticket.reopen": frozenset({"head_cashier", "supervisor"}),
    "customer.read": frozenset({"reception", "supervisor", "admin", "kiosk"}),
    "lookup.mark": frozenset({"lookup"}),
    "cashier.act": frozenset({"cashier", "head_cashier"}),
    "payment.read": frozenset({"head_cashier", "supervisor", "admin", "finance", "branch_admin"}),
    "payment.reverse": frozenset({"cashier", "head_cashier", "supervisor"}),
    "cmis.read": frozenset({"head_cashier", "supervisor", "admin"}),
    "server.read": frozenset({"supervisor", "admin"}),
    "devices.read": frozenset({"head_cashier", "supervisor", "admin", "branch_admin"}),
    "devices.retry": frozenset({"supervisor", "admin", "branch_admin"}),
    "events.read": STAFF | {"display", "kiosk"},
    "view.display": STAFF | {"display", "kiosk"},
    "view.agent": frozenset({"agent"}),
    "view.lookup": frozenset({"lookup", "supervisor", "admin"}),
    "view.cashier": frozenset({"cashier", "head_cashier", "supervisor", "admin"}),
    "view.supervisor": frozenset({"head_cashier", "supervisor", "admin"}),
    "customer.search": frozenset({"reception", "supervisor", "admin"}),
    "stats.read": frozenset({"head_cashier", "supervisor", "admin"}),
    # the day's messages to customers' phones, numbers masked (docs/notify.md)
    "notify.read": frozenset({"head_cashier", "supervisor", "admin"}),
    "cash.own": frozenset({"cashier", "head_cashier"}),
    "cash.read": frozenset({"head_cashier", "supervisor", "admin", "finance", "branch_admin"}),
    "cash.approve": frozenset({"supervisor", "admin"}),
    "day.close": frozenset({"head_cashier", "supervisor"}),
    "delivery.read": frozenset({"lookup", "cashier", "head_cashier", "supervisor", "admin"}),
    "invoice.return": frozenset({"lookup", "cashier", "head_cashier", "supervisor"}),
    "reports.read": frozenset({"head_cashier", "supervisor", "admin", "finance", "branch_admin"}),
    "reports.company": frozenset({"admin", "finance"}),
    "audit.read": frozenset({"supervisor", "admin", "branch_admin"}),
    "devices.enroll": frozenset({"supervisor", "admin", "branch_admin"}),
    "session.end": frozenset({"supervisor", "admin", "branch_admin"}),
    "sign_in.unlock": frozenset({"supervisor", "admin", "branch_admin"}),
    # field work (docs/field.md): the team leader (or the supervisor) pulls and assigns
    # the day's disconnection list; a crew reports its own orders' results
    "field.read": frozenset({"field_leader", "supervisor", "head_cashier", "admin"}),
    "field.manage": frozenset({"field_leader", "supervisor"}),
    "field.crew": frozenset({"crew"}),
    # the year-end inventory (docs/inventory.md): the supervisor opens and closes it with
    # the committee; clerks count the racks; the cash is counted by those who keep it
    "inventory.read": frozenset({"supervisor", "head_cashier", "admin", "lookup"}),
    "inventory.manage": frozenset({"supervisor", "admin"}),
    "inventory.scan": frozenset({"lookup", "head_cashier", "supervisor"}),
    "inventory.cash": frozenset({"head_cashier", "supervisor"}),
    # the scanning page's live progress: the inventory.* events only (projections.py)
    "view.inventory": frozenset({"supervisor", "head_cashier", "admin", "lookup"}),
    "view.field": frozenset({"field_leader", "supervisor", "head_cashier", "admin"}),
    "view.crew": frozenset({"crew"}),
    # pay by VietQR (docs/noncash.md): the head cashier decides what the bank brought
    "bank.read": frozenset({"head_cashier", "supervisor", "admin"}),
    "bank.resolve": frozenset({"head_cashier", "supervisor"}),
    # administration (docs/admin.md): the company's admin everywhere, a branch admin in
    # their own branch only (qms.domain.org.check_scope); new branches and the password
    # policy are the company admin's
    "admin.read": frozenset({"admin", "branch_admin"}),
    "admin.manage": frozenset({"admin", "branch_admin"}),
    "admin.company": frozenset({"admin"}),
    # the company view (docs/company.md): every hall live; a branch admin sees their
    # branch's; the finance manager reads the money, centrally, at any time (seed 000)
    "company.read": frozenset({"admin", "branch_admin", "finance"}),
    "view.company": frozenset({"admin", "branch_admin", "finance"}),
    # alerts (docs/alerts.md): raised on thresholds, acknowledged by a person
    "alerts.read": frozenset({"admin", "branch_admin", "finance", "supervisor", "head_cashier"}),
    "alerts.ack": frozenset({"admin", "branch_admin", "supervisor", "head_cashier"}),
    "alerts.manage": frozenset({"admin", "branch_admin"}),
}

#: an address a name signed in from within these days is the name's own: the name's
#: failures from elsewhere do not hold it up (docs/security.md)
USUAL_DAYS = 30

#: the counters one person holds at a time: where the money is (docs/security.md)
HELD_KINDS = ("cashier",)

#: the kind of counter each role signs in at (None: no counter needed)
COUNTER_KIND = {
    "reception": "reception",
    "lookup": "lookup",
    "cashier": "cashier",
    "head_cashier": "cashier",
}

_hasher = PasswordHasher()
_S, _U = rows.table(AuthSession), rows.table(User)
#: who a staff token is, in one prebuilt query: asked on every staff request
_SIGNED_IN = (
    core_select(
        _S.c.expires_at,
        _S.c.counter_code,
        _U.c.username,
        _U.c.role,
        _U.c.branch_id,
        _U.c.full_name,
        _U.c.active,
        _U.c.must_change_password,
    )
    .join(_U, _U.c.id == _S.c.user_id)
    .where(_S.c.token_hash == bindparam("h"))
)


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this keeps an unknown username as slow as a wrong password; made
    at the first sign-in, not at import (a hash costs ~0.1 s of every start-up)."""
    return _hasher.hash("not-a-real-password")


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # staff | device
    name: str
    role: str
    branch_id: str
    counter: str | None = None
    full_name: str = ""
    #: a staff session's id (``session_id``) and end: a socket closes when either comes
    session: str | None = field(default=None, compare=False)
    expires_at: dt.datetime | None = field(default=None, compare=False)
    #: signed in with a one-time password: only a new password may follow
    must_change: bool = field(default=False, compare=False)

    @property
    def label(self) -> str:
        return f"{'user' if self.kind == 'staff' else 'device'}:{self.name}"

    @property
    def via(self) -> str | None:
        """Where the action comes from: the counter signed in at, or the device itself."""
        return self.counter if self.kind == "staff" else self.name

    def public(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "role": self.role,
            "branch": self.branch_id,
            "counter": self.counter,
            "full_name": self.full_name,
            "must_change_password": self.must_change,
        }


def require(principal: Principal, action: str) -> None:
    if principal.role not in PERMISSIONS[action]:
        raise Forbidden(f"role {principal.role} may not {action}", code="wrong_role", action=action)


def view_action(view: str) -> str:
    if view.startswith("lookup-"):
        return "view.lookup"
    if view.startswith("cashier:"):
        return "view.cashier"
    return f"view.{view}"


def check_view(principal: Principal, view: str) -> None:
    require(principal, view_action(view))
    if principal.role in ("lookup",) and principal.counter and view.startswith("lookup-"):
        return
    if principal.role in ("cashier", "head_cashier") and view.startswith("cashier:"):
        if view != f"cashier:{principal.counter}":
            raise Forbidden(
                f"you are signed in at {principal.counter or 'no counter'}",
                code="wrong_counter",
            )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_id(token_hash: str) -> str:
    """A session's name in a ``session.ended`` event: the start of its token's hash (the
    hash itself opens nothing, but an id need not be the key)."""
    return token_hash[:16]


def policy_of(s: Session) -> passwords.Policy:
    """The company's password policy (the admin pages set it; defaults before)."""
    state = s.get(OrgState, 1)
    return passwords.loads(state.password_policy if state else "{}")


def ended(
    s: Session, branch_id: str, username: str, hashes: list[str], now: dt.datetime, why: str
) -> EventRecord:
    """The event that closes these sessions' sockets in every worker and host
    (``session.ended``), in the transaction that ends them; a process that missed it on
    the bus finds it in the events table by its seq watch. The caller locked the branch
    before changing any row (``lock_branch``), as every writer does."""
    data = {"user": username, "sessions": sorted(session_id(h) for h in hashes), "reason": why}
    return events.append(s, branch_id, "session.ended", data, now)


def _sessions_of(s: Session, user_id: int | None) -> list[AuthSession]:
    return list(s.exec(select(AuthSession).where(AuthSession.user_id == user_id)).all())


@dataclass(frozen=True, slots=True)
class _ConfigDevice:
    id: str
    kind: str
    branch_id: str


class Authenticator:
    """Logs staff in and resolves bearer tokens (staff sessions or device tokens)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        branches: dict[str, Branch],
        devices: Mapping[str, Any] | None = None,
    ) -> None:
        """``devices``: the active devices by token hash (``qms.usecases.org.Org.devices``,
        reloaded in place when one is enrolled or revoked); None: config.yaml's."""
        self.engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self.session_ttl = dt.timedelta(hours=settings.auth.session_hours)
        self.branches = branches
        self.known: Mapping[str, Any] = (
            devices
            if devices is not None
            else {d.token_sha256: _ConfigDevice(d.id, d.kind, d.branch) for d in settings.devices}
        )
        a = settings.auth
        self.failures = FailureLimiter(
            {
                "pair": a.login_failures,
                "address": a.login_failures_per_address,
                "name": a.login_failures_per_name,
            },
            a.login_window_s,
            a.login_delay_s,
        )

    def login(
        self,
        username: str,
        password: str,
        counter: str | None,
        now: dt.datetime,
        address: str = "",
    ) -> tuple[str, Principal, list[EventRecord]]:
        """Sign a person in. Failed tries are counted per name from an address, per
        address and per name; past a limit the next try waits (429, a delay doubling
        with each failure; ``qms.usecases.ratelimit``). The name's count from everywhere
        does not hold up an address the name signed in from before: a guesser elsewhere
        does not lock the cashier out at their counter. Each try is audited."""
        name, where = username[:100], address[:100]
        keys = {"pair": f"{name}|{where}", "address": where, "name": name}
        with Session(self.engine) as s:
            checked = dict(keys)
            if self._usual(s, name, where, now):
                del checked["name"]
            wait = self.failures.retry_after(s, now, **checked)
            user = s.exec(select(User).where(User.username == username)).first()
            if wait:  # the entry goes to the name's branch
                self._audit_login(now, user, username, address, "too_many_requests", s)
                raise TooMany(
                    f"too many failed sign-ins: try again in {wait} s", retry_after_s=wait
                )
            try:
                _hasher.verify(user.password_hash if user else _dummy_hash(), password)
                right = user is not None and user.active
            except (VerificationError, InvalidHashError):
                right = False
            if not right or user is None:
                self.failures.failed(s, now, **keys)
                self._audit_login(now, user, username, address, "bad_credentials", s)
                bad = Unauthenticated("wrong username or password", code="bad_credentials")
                bad.audited = True
                raise bad
            if counter is not None:
                try:
                    self._check_counter(user, counter)
                except Forbidden as exc:
                    self._audit_login(now, user, username, address, exc.code, s)
                    exc.audited = True
                    raise
            holds = self._holds(user.branch_id, counter)
            replaced: list[EventRecord] = []
            if holds is not None:
                try:
                    replaced = self._free(s, user, holds, now)
                except Conflict as exc:
                    self._audit_login(now, user, username, address, exc.code, s)
                    exc.audited = True
                    raise
            self.failures.forget(s, pair=keys["pair"])
            token = secrets.token_urlsafe(32)
            s.add(
                AuthSession(
                    token_hash=_token_hash(token),
                    user_id=user.id or 0,
                    counter_code=counter,
                    created_at=now,
                    expires_at=now + self.session_ttl,
                    holds=holds,
                )
            )
            who = self._principal(user, counter)
            audit.add(
                s,
                audit.entry(
                    now,
                    who.branch_id,
                    who.label,
                    who.role,
                    counter or address,
                    "auth.login",
                    where or None,
                ),
            )
            try:
                s.commit()
            except IntegrityError:  # another sign-in took the counter meanwhile (PostgreSQL)
                s.rollback()
                assert holds is not None
                taken = self._taken(s, holds, counter or "")
                self._audit_login(now, user, username, address, taken.code, s)
                taken.audited = True
                raise taken from None
            return token, who, replaced

    @staticmethod
    def _usual(s: Session, name: str, address: str, now: dt.datetime) -> bool:
        """Whether ``name`` signed in from ``address`` in the last USUAL_DAYS days (the
        audit log's sign-ins name their address)."""
        if not address:
            return False
        found = s.exec(
            select(AuditEntry.id)
            .where(
                AuditEntry.actor == f"user:{name}",
                AuditEntry.action == "auth.login",
                AuditEntry.outcome == "ok",
                AuditEntry.target == address,
                col(AuditEntry.at) > now - dt.timedelta(days=USUAL_DAYS),
            )
            .limit(1)
        ).first()
        return found is not None

    def unlock(
        self, who: Principal, username: object, address: object, now: dt.datetime
    ) -> dict[str, object]:
        """A supervisor forgets a name's failed sign-ins (from every address, or from
        ``address`` with that address's own count), so its waits end now; audited."""
        require(who, "sign_in.unlock")
        if not isinstance(username, str) or not username:
            raise BadRequest("give the username", code="invalid_request", field="username")
        if address is not None and (not isinstance(address, str) or not address):
            raise BadRequest("address is an IP address", code="invalid_request", field="address")
        with write_session(self.engine) as s:
            user = s.exec(select(User).where(User.username == username)).first()
            if user is None or user.branch_id != who.branch_id:
                raise NotFound(f"no user {username} here", code="unknown_user", user=username)
            name = username[:100]
            if address is None:
                n = self.failures.forget(s, name=name)
                n += self.failures.forget(s, prefix=True, pair=f"{name}|")
            else:
                n = self.failures.forget(s, pair=f"{name}|{address[:100]}", address=address[:100])
            target = name if address is None else f"{name} {address[:100]}"
            audit.add(
                s,
                audit.entry(
                    now, who.branch_id, who.label, who.role, who.via, "auth.unlock", target
                ),
            )
        return {"username": username, "address": address, "forgotten": n}

    def _holds(self, branch_id: str, counter: str | None) -> str | None:
        """The key a session at ``counter`` holds: only cashier counters are held."""
        c = self.branches[branch_id].counter(counter or "")
        return f"{branch_id}/{c.code}" if c is not None and c.kind in HELD_KINDS else None

    def _free(self, s: Session, user: User, holds: str, now: dt.datetime) -> list[EventRecord]:
        """Make room at a counter: the person's own old session there and an expired one
        give way, and their sockets close (``session.ended``); a colleague's live session
        refuses the sign-in (``counter_taken``)."""
        lock_branch(s, user.branch_id)  # first, as every session ending does: no deadlock
        gone = s.exec(
            select(AuthSession, User.username)
            .join(User, col(User.id) == AuthSession.user_id)
            .where(
                col(AuthSession.holds) == holds,
                or_(col(AuthSession.user_id) == user.id, col(AuthSession.expires_at) <= now),
            )
        ).all()
        for sess, _ in gone:
            s.delete(sess)
        s.flush()
        if s.exec(select(AuthSession).where(AuthSession.holds == holds)).first() is not None:
            raise self._taken(s, holds, holds.partition("/")[2])
        out = []
        for name in sorted({n for _, n in gone}):
            hashes = [x.token_hash for x, n in gone if n == name]
            out.append(ended(s, user.branch_id, name, hashes, now, "replaced"))
        return out

    @staticmethod
    def _taken(s: Session, holds: str, counter: str) -> Conflict:
        holder = s.exec(
            select(User.username, User.full_name)
            .join(AuthSession, col(AuthSession.user_id) == User.id)
            .where(AuthSession.holds == holds)
        ).first()
        name, full = holder if holder is not None else ("", "")
        return Conflict(
            f"counter {counter} is held by {name or 'someone'}: they sign out first, or a "
            "supervisor signs their session out",
            code="counter_taken",
            counter=counter,
            held_by=name,
            held_by_name=full,
        )

    def end_counter_session(
        self, who: Principal, counter: object, reason: object, now: dt.datetime
    ) -> tuple[dict[str, object], list[EventRecord]]:
        """A supervisor signs out whoever holds a counter (a cashier gone home signed in,
        a lost token), so a colleague can take it over; audited with the reason. Their
        sockets close too (``session.ended``). Run in the branch's writer lane
        (``Hall.commit``), which publishes the event."""
        require(who, "session.end")
        if not isinstance(counter, str) or self.branches[who.branch_id].counter(counter) is None:
            raise NotFound(f"no counter {counter}", code="unknown_counter", counter=counter)
        if not isinstance(reason, str) or not 3 <= len(reason.strip()) <= 200:
            raise BadRequest("give the reason (3 to 200 characters)", code="invalid_reason")
        holds = self._holds(who.branch_id, counter)
        with write_session(self.engine) as s:
            lock_branch(s, who.branch_id)  # before any row changes, as every writer
            found = s.exec(
                select(AuthSession, User.username)
                .join(User, col(User.id) == AuthSession.user_id)
                .where(
                    User.branch_id == who.branch_id,
                    or_(
                        col(AuthSession.holds) == holds,
                        col(AuthSession.counter_code) == counter,
                    )
                    if holds
                    else col(AuthSession.counter_code) == counter,
                )
            ).all()
            names = sorted({name for _, name in found})
            emitted = []
            for name in names:
                hashes = [sess.token_hash for sess, n in found if n == name]
                emitted.append(ended(s, who.branch_id, name, hashes, now, "signed_out"))
            for sess, _ in found:
                s.delete(sess)
            target = f"{counter} {' '.join(names) or '-'}: {reason.strip()}"
            audit.add(
                s,
                audit.entry(
                    now,
                    who.branch_id,
                    who.label,
                    who.role,
                    who.via,
                    "auth.end_counter_session",
                    target[:200],
                ),
            )
        return {"counter": counter, "signed_out": names, "reason": reason.strip()}, emitted

    def _audit_login(
        self,
        now: dt.datetime,
        user: User | None,
        name: str,
        address: str,
        outcome: str,
        session: Session,
    ) -> None:
        """Record a refused sign-in in the sign-in's own ``session`` (a second writer would
        wait on it); under a name nobody has, the entry has no branch."""
        branch, role = (user.branch_id, user.role) if user else ("", "")
        actor = f"user:{name[:100]}"  # the name tried, whether it exists or not
        row = audit.entry(now, branch, actor, role, address, "auth.login", None, outcome)
        audit.add(session, row)
        session.commit()

    def _check_counter(self, user: User, code: str) -> None:
        branch = self.branches[user.branch_id]
        c = branch.counter(code)
        if c is None:
            raise Forbidden(f"no counter {code}", code="unknown_counter", counter=code)
        kind = COUNTER_KIND.get(user.role)
        if kind != c.kind:
            raise Forbidden(
                f"role {user.role} cannot work at the {c.kind} counter {code}",
                code="wrong_counter",
                counter=code,
            )
        allowed = json.loads(user.counters) if user.counters else None
        if allowed is not None and code not in allowed:  # the admin pages name their counters
            raise Forbidden(
                f"{user.username} may work at {', '.join(allowed)} only, not {code}",
                code="counter_not_allowed",
                counter=code,
            )

    @staticmethod
    def _principal(user: User, counter: str | None) -> Principal:
        return Principal(
            "staff",
            user.username,
            user.role,
            user.branch_id,
            counter,
            user.full_name,
            must_change=user.must_change_password,
        )

    def inline(self, token: str | None) -> bool:
        """Whether ``resolve`` may run on the event loop rather than in a thread: a
        configured device's token is a dict lookup, and on SQLite a session is one indexed
        read that never waits for a writer (WAL), cheaper than the hand-off to a thread
        and back. Elsewhere it is a round trip to the database server."""
        return self._sqlite or (token is not None and _token_hash(token) in self.known)

    def resolve(
        self, token: str | None, now: dt.datetime, *, changing_password: bool = False
    ) -> Principal:
        """Who the token is. A person whose password was reset may only choose a new one
        (``changing_password``) or sign out until they do (``password_change_required``)."""
        if not token:
            raise Unauthenticated("sign in first", code="unauthenticated")
        h = _token_hash(token)
        device = self.known.get(h)
        if device is not None:
            return Principal("device", device.id, device.kind, device.branch_id, None, device.id)
        with read_session(self.engine) as s:  # a read: it must not take the write lock
            found = s.connection().execute(_SIGNED_IN, {"h": h}).first()
            if found is None:
                enrolled = device_registry.active(s, token)
                if enrolled is not None:
                    return Principal(
                        "device", enrolled.id, enrolled.kind, enrolled.branch_id, None, enrolled.id
                    )
        if found is None or found.expires_at <= now:
            raise Unauthenticated(
                "session expired or unknown: sign in again", code="unauthenticated"
            )
        if not found.active:
            raise Unauthenticated("account disabled", code="unauthenticated")
        if found.must_change_password and not changing_password:
            raise Forbidden(
                "choose your own password first: the one you signed in with was for once",
                code="password_change_required",
            )
        return Principal(
            "staff",
            found.username,
            found.role,
            found.branch_id,
            found.counter_code,
            found.full_name,
            session_id(h),
            found.expires_at,
        )

    def logout(self, token: str, now: dt.datetime) -> tuple[None, list[EventRecord]]:
        """End this session, and its sockets wherever they are (``Hall.commit``)."""
        h = _token_hash(token)
        with write_session(self.engine) as s:
            sess = s.get(AuthSession, h)
            user = s.get(User, sess.user_id) if sess is not None else None
            if sess is None or user is None:
                return None, []
            lock_branch(s, user.branch_id)  # before any row changes, as every writer
            s.delete(sess)
            return None, [ended(s, user.branch_id, user.username, [h], now, "logout")]

    def change_password(
        self, who: Principal, current: object, new: object, now: dt.datetime
    ) -> tuple[dict[str, object], list[EventRecord]]:
        """A signed-in person changes their own password: their other sessions end, and
        their sockets; the session that asked goes on. Audited, never the passwords. A
        wrong current password counts as a failed sign-in of the name from this session
        (the same waits), so a token left open is no way to guess the password."""
        if not isinstance(current, str) or not isinstance(new, str):
            raise BadRequest(
                "give password and new_password", code="invalid_request", field="password"
            )
        if who.kind != "staff" or who.session is None:
            raise Forbidden("only a person changes a password", code="wrong_role")
        pair = f"{who.name[:100]}|session:{who.session}"
        with write_session(self.engine) as s:
            lock_branch(s, who.branch_id)  # before any row changes, as every writer
            wait = self.failures.retry_after(s, now, pair=pair)
            if wait:
                raise TooMany(
                    f"too many wrong passwords: try again in {wait} s", retry_after_s=wait
                )
            user = s.exec(select(User).where(User.username == who.name)).first()
            try:
                _hasher.verify(user.password_hash if user else _dummy_hash(), current)
            except (VerificationError, InvalidHashError):
                user = None
            if user is None:
                self.failures.failed(s, now, pair=pair)
                audit.add(
                    s,
                    audit.entry(
                        now,
                        who.branch_id,
                        who.label,
                        who.role,
                        who.via,
                        "auth.password",
                        who.name,
                        "wrong_password",
                    ),
                )
                s.commit()
                refused = Forbidden("the current password is wrong", code="wrong_password")
                refused.audited = True
                raise refused
            passwords.check(policy_of(s), new, user.username)  # after the current one
            if new == current:
                raise BadRequest(
                    "choose a password other than the one you have",
                    code="weak_password",
                    field="new_password",
                    min_length=policy_of(s).min_length,
                    needs=["new"],
                )
            user.password_hash = hash_password(new)
            user.must_change_password = False
            user.password_changed_at = now
            user.version += 1
            s.add(user)
            mine = who.session
            others = [x for x in _sessions_of(s, user.id) if session_id(x.token_hash) != mine]
            for x in others:
                s.delete(x)
            ev = ended(
                s,
                user.branch_id,
                user.username,
                [x.token_hash for x in others],
                now,
                "password_changed",
            )
            audit.add(
                s,
                audit.entry(
                    now, who.branch_id, who.label, who.role, who.via, "auth.password", who.name
                ),
            )
        return {"status": "password changed", "signed_out": len(others)}, [ev]


DEMO_PASSWORD = "demo123"
DEMO_STAFF = [
    ("reception", "Nguyễn Thị Lễ Tân", "reception"),
    ("lookup1", "Trần Văn Tra", "lookup"),
    ("lookup2", "Lê Thị Cứu", "lookup"),
    ("cashier1", "Phạm Thu Ngân", "cashier"),
    ("cashier2", "Hoàng Văn Thu", "cashier"),
    ("cashier3", "Võ Thị Tiền", "cashier"),
    ("head", "Đặng Văn Trưởng", "head_cashier"),
    ("supervisor", "Bùi Thị Giám Sát", "supervisor"),
    ("admin", "Quản Trị Viên", "admin"),
    ("qtchinhanh", "Quản Trị Chi Nhánh", "branch_admin"),
    ("taichinh", "Kế Toán Trưởng", "finance"),
    ("doitruong", "Trương Văn Đội", "field_leader"),
    ("crew1", "Lý Văn Cắt", "crew"),
    ("crew2", "Mai Văn Đóng", "crew"),
    ("crew3", "Đinh Công Điện", "crew"),
    ("crew4", "Hồ Văn Lưới", "crew"),
]
DEMO_CREWS = [("T1", "Tổ 1", ["crew1", "crew2"]), ("T2", "Tổ 2", ["crew3", "crew4"])]


def create_user(
    engine: Engine,
    username: str,
    full_name: str,
    role: str,
    branch_id: str,
    password: str,
    counters: list[str] | None = None,
) -> str | None:
    """``qms user add``: the same checks as the admin pages (role, policy, a taken name,
    the branch and its counters). An empty ``password``: a one-time one, returned, that
    the person replaces at their first sign-in."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    with Session(engine) as s:
        temporary = None
        if not password:
            temporary = password = passwords.temporary(policy_of(s))
        try:
            passwords.check(policy_of(s), password, username)
        except BadRequest as exc:
            raise ValueError(str(exc)) from None
        if s.exec(select(User).where(User.username == username)).first() is not None:
            raise ValueError(f"user {username} exists already")
        branch = s.get(OrgBranch, branch_id)
        if branch is None:
            raise ValueError(f"no branch {branch_id}")
        if counters:
            codes = {
                c.code
                for c in s.exec(
                    select(OrgCounter).where(
                        OrgCounter.branch_id == branch_id, col(OrgCounter.retired_at).is_(None)
                    )
                )
                if c.kind == COUNTER_KIND.get(role)
            }
            wrong = sorted(set(counters) - codes)
            if wrong:
                raise ValueError(f"a {role} of {branch_id} cannot work at {', '.join(wrong)}")
        user = _user(username, full_name, role, branch_id, hash_password(password))
        user.counters = json.dumps(sorted(set(counters))) if counters else None
        user.must_change_password = temporary is not None
        s.add(user)
        s.commit()
    return temporary


def reset_password(engine: Engine, username: str, now: dt.datetime) -> tuple[str, int]:
    """``qms user reset``: a one-time password (returned) and the person's sessions end;
    they choose their own at the next sign-in."""
    with Session(engine) as s:
        temporary = passwords.temporary(policy_of(s))
    ended_n = _change_user(
        engine, username, now, "password_reset", password_hash=temporary, must_change=True
    )
    return temporary, ended_n


def list_users(engine: Engine, branch_id: str | None = None) -> list[User]:
    with Session(engine) as s:
        q = select(User).order_by(col(User.branch_id), col(User.username))
        if branch_id is not None:
            q = q.where(User.branch_id == branch_id)
        return list(s.exec(q).all())


def set_password(engine: Engine, username: str, password: str, now: dt.datetime) -> int:
    """``qms user passwd``: a new password; every session of the person ends, and its
    sockets (``session.ended``, which servers find by their seq watch). Returns how
    many sessions ended."""
    with Session(engine) as s:
        try:
            passwords.check(policy_of(s), password, username)
        except BadRequest as exc:
            raise ValueError(str(exc)) from None
    return _change_user(engine, username, now, "password_changed", password_hash=password)


def set_active(engine: Engine, username: str, active: bool, now: dt.datetime) -> int:
    """``qms user disable`` / ``enable``: a disabled account signs in nowhere, and its
    sessions and sockets end at once. Returns how many sessions ended."""
    return _change_user(engine, username, now, "enabled" if active else "disabled", active=active)


def _change_user(
    engine: Engine,
    username: str,
    now: dt.datetime,
    why: str,
    *,
    password_hash: str | None = None,
    active: bool | None = None,
    must_change: bool = False,
) -> int:
    with write_session(engine) as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is None:
            raise ValueError(f"no user {username}")
        lock_branch(s, user.branch_id)  # before any row changes, as every writer
        lock_branch(s, ORG)  # the last admin's count cannot race an admin page
        if active is False and user.role == "admin" and user.active:
            admins = s.exec(select(User).where(User.role == "admin", col(User.active))).all()
            if len(admins) <= 1:
                raise ValueError("the last active admin account: make another admin first")
        if password_hash is not None:
            user.password_hash = hash_password(password_hash)
            user.must_change_password = must_change
            user.password_changed_at = now
        if active is not None:
            user.active = active
        user.version += 1
        s.add(user)
        gone = [] if active else _sessions_of(s, user.id)
        for x in gone:
            s.delete(x)
        if gone:
            ended(s, user.branch_id, username, [x.token_hash for x in gone], now, why)
        action = {
            "password_changed": "auth.password",
            "password_reset": "admin.reset_password",
        }.get(why, f"auth.{why}")
        audit.add(s, audit.entry(now, user.branch_id, "cli", "admin", None, action, username))
        return len(gone)


def _user(username: str, full_name: str, role: str, branch_id: str, password_hash: str) -> User:
    return User(
        username=username,
        full_name=full_name,
        role=role,
        branch_id=branch_id,
        password_hash=password_hash,
    )


def seed_demo_staff(engine: Engine, branch_id: str) -> list[str]:
    """Create demo accounts on an empty user table; returns the usernames created.
    They share one hash: the demo password is one and public (the banner prints it), so
    a salt of each account's own would hide nothing, and nine argon2 hashes took ~1.5 s
    of both cores at every start on a new database, starving the simulator's start-up
    beside them (the hall was ready ~1 s later)."""
    with Session(engine) as s:
        if s.exec(select(User).limit(1)).first() is not None:
            return []
    hashed = hash_password(DEMO_PASSWORD)
    with Session(engine) as s:
        for username, full_name, role in DEMO_STAFF:
            s.add(_user(username, full_name, role, branch_id, hashed))
        for code, name, members in DEMO_CREWS:  # the demo's field crews (docs/field.md)
            s.add(
                Crew(
                    branch_id=branch_id,
                    code=code,
                    name=name,
                    members=json.dumps(members),
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
        s.commit()
    return [u for u, _, _ in DEMO_STAFF]
