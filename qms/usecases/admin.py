"""Administration (docs/admin.md): staff accounts, the password policy, branches and their
halls, counters, printers and test buttons. Each change runs in one transaction under the
branch's lock and the organisation's (``ORG``: the last-admin count and the version
checks cannot race), is audited in the branch changed, and appends ``org.changed`` so
every worker reloads. A company admin acts anywhere; a branch admin in their branch."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.config import CounterSettings, PrinterSettings
from qms.devices import jobs
from qms.domain import org, passwords
from qms.domain.branch import Branch
from qms.domain.errors import BadRequest, Conflict, Forbidden, NotFound
from qms.domain.tx import Tx, any_day
from qms.storage.db import write_session
from qms.storage.models import (
    AuthSession,
    OrgBranch,
    OrgCounter,
    OrgPrinter,
    OrgState,
    Ticket,
    User,
)
from qms.storage.sequences import lock_branch
from qms.usecases import audit
from qms.usecases.auth import (
    COUNTER_KIND,
    ROLES,
    Principal,
    ended,
    hash_password,
    policy_of,
    require,
)
from qms.usecases.hall import Hall

#: the number a counter's test lights: every segment of a 4-digit board
TEST_NUMBER = 8888


def _public_user(u: User) -> dict[str, Any]:
    return {
        "username": u.username,
        "full_name": u.full_name,
        "role": u.role,
        "branch": u.branch_id,
        "counters": None if u.counters is None else json.loads(u.counters),
        "active": u.active,
        "must_change_password": u.must_change_password,
        "version": u.version,
    }


def _public_counter(c: OrgCounter) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "parity": c.parity,
        "printer": c.printer,
        "led": None if c.led is None else json.loads(c.led),
        "retired": c.retired_at is not None,
        "version": c.version,
    }


def _public_printer(p: OrgPrinter) -> dict[str, Any]:
    return {
        "id": p.id,
        "backend": json.loads(p.backend),
        "paper": p.paper,
        "mode": p.mode,
        "profile": p.profile,
        "retired": p.retired_at is not None,
        "version": p.version,
    }


def _public_branch(r: OrgBranch, b: Branch | None, s: Session) -> dict[str, Any]:
    counters = s.exec(
        select(OrgCounter)
        .where(OrgCounter.branch_id == r.id)
        .order_by(col(OrgCounter.position), col(OrgCounter.id))
    ).all()
    printers = s.exec(select(OrgPrinter).where(OrgPrinter.branch_id == r.id)).all()
    params = b.params.public() if b is not None else json.loads(r.params)
    return {
        "id": r.id,
        "name": r.name,
        "collection_point": r.collection_point,
        "cmis_version": r.cmis_version,
        "paper_invoices": r.paper_invoices,
        "slip_printer": r.slip_printer,
        "active": r.active,
        "version": r.version,
        "params": params,
        "counters": [_public_counter(c) for c in counters],
        "printers": [_public_printer(p) for p in printers],
    }


def _scope(who: Principal, branch: str) -> None:
    org.check_scope(who.role, who.branch_id, branch)


def _company(s: Session) -> OrgState:
    state = s.get(OrgState, 1)
    if state is None:  # a database the hall never started on (tests of one use case)
        state = OrgState(id=1)
        s.add(state)
        s.flush()
    return state


# --- reading ----------------------------------------------------------------------------


async def overview(hall: Hall, who: Principal) -> dict[str, Any]:
    """The organisation as the admin pages show it: a branch admin sees their branch."""
    require(who, "admin.read")

    def read(s: Session) -> dict[str, Any]:
        rows = s.exec(select(OrgBranch).order_by(col(OrgBranch.id))).all()
        mine = [r for r in rows if who.role == "admin" or r.id == who.branch_id]
        state = _company(s) if who.role == "admin" else s.get(OrgState, 1)
        return {
            "company": {
                "name": state.name if state else "",
                "version": state.version if state else 0,
            },
            "policy": passwords.loads(state.password_policy if state else "{}").public(),
            "branches": [_public_branch(r, hall.branches.get(r.id), s) for r in mine],
            "choices": {
                "roles": list(ROLES) if who.role == "admin" else _branch_roles(),
                "call_policies": list(org.CALL_POLICIES),
                "lookup_rules": list(org.LOOKUP_RULES),
                "counter_kinds": list(org.COUNTER_KINDS),
                "weekdays": list(range(7)),
            },
        }

    return await hall.read(read)


def _branch_roles() -> list[str]:
    return [r for r in ROLES if r not in org.COMPANY_ROLES]


async def staff(hall: Hall, who: Principal, branch: str | None) -> dict[str, Any]:
    require(who, "admin.read")
    if branch is not None:
        _scope(who, branch)
    elif who.role != "admin":
        branch = who.branch_id

    def read(s: Session) -> list[dict[str, Any]]:
        q = select(User).order_by(col(User.branch_id), col(User.username))
        if branch is not None:
            q = q.where(User.branch_id == branch)
        return [_public_user(u) for u in s.exec(q).all()]

    return {"staff": await hall.read(read)}


async def policy(hall: Hall, who: Principal) -> dict[str, Any]:
    require(who, "admin.read")

    def read(s: Session) -> dict[str, Any]:
        state = s.get(OrgState, 1)
        p = passwords.loads(state.password_policy if state else "{}")
        return {**p.public(), "version": state.version if state else 0}

    return await hall.read(read)


# --- staff ------------------------------------------------------------------------------


def _user(s: Session, username: object) -> User:
    found = (
        s.exec(select(User).where(User.username == username)).first()
        if isinstance(username, str)
        else None
    )
    if found is None:
        raise NotFound(f"no staff account {username}", code="unknown_user", user=str(username))
    return found


def _user_here(tx: Tx, username: str) -> User:
    user = _user(tx.session, username)
    if user.branch_id != tx.branch_id:
        raise NotFound(f"no staff account {username} in {tx.branch_id}", code="unknown_user",
                       user=username)  # fmt: skip
    return user


def staff_branch(s: Session, username: str) -> str:
    """The branch an account belongs to (its changes lock and audit there)."""
    return _user(s, username).branch_id


def _counters_for(branch: Branch, role: str, raw: object) -> str | None:
    """The counters a person may use, each of the kind their role signs in at."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise BadRequest("counters lists counter codes", code="invalid_request", field="counters")
    kind = COUNTER_KIND.get(role)
    for code in raw:
        c = branch.counter(code)
        if c is None:
            raise NotFound(
                f"no counter {code} in {branch.id}", code="unknown_counter", counter=code
            )
        if kind is None or c.kind != kind:
            raise BadRequest(
                f"a {role} does not sign in at counter {code}",
                code="invalid_request",
                field="counters",
            )
    return json.dumps(sorted(set(raw)))


def _active_admins(s: Session) -> int:
    return int(
        s.exec(
            select(func.count()).select_from(User).where(User.role == "admin", col(User.active))
        ).one()
    )


def _end_sessions(tx: Tx, user: User, why: str) -> int:
    gone = list(tx.session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all())
    for x in gone:
        tx.session.delete(x)
    if gone:
        tx.session.flush()
        tx.emitted.append(
            ended(
                tx.session, user.branch_id, user.username, [x.token_hash for x in gone], tx.now, why
            )
        )
    return len(gone)


def _changed(tx: Tx, what: str, **data: Any) -> None:
    tx.emitted.append(org.changed(tx.session, tx.now, what, branch=tx.branch_id, **data))


@any_day
def create_user(tx: Tx, who_role: str, data: dict[str, Any]) -> dict[str, Any]:
    lock_branch(tx.session, org.ORG)
    username = data.get("username")
    if not isinstance(username, str) or not org.USERNAME.match(username):
        raise BadRequest(
            "a username is 2 to 40 small letters, digits, dot, dash or underscore",
            code="invalid_request",
            field="username",
        )
    full_name = org.check_name(data.get("full_name"), "full_name", 100)
    role = org.check_role_given(who_role, str(data.get("role")), ROLES)
    if tx.session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(f"the username {username} is taken", code="user_exists", user=username)
    counters = _counters_for(tx.branch, role, data.get("counters"))
    temporary = passwords.temporary(policy_of(tx.session))
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        branch_id=tx.branch_id,
        password_hash=hash_password(temporary),
        counters=counters,
        must_change_password=True,
        password_changed_at=tx.now,
    )
    tx.session.add(user)
    tx.session.flush()
    _changed(tx, "staff", user=username)
    return {"user": _public_user(user), "temporary_password": temporary}


@any_day
def update_user(tx: Tx, who_role: str, username: str, data: dict[str, Any]) -> dict[str, Any]:
    lock_branch(tx.session, org.ORG)
    user = _user_here(tx, username)
    org.check_version(user.version, data.get("version"))
    role = user.role
    if "role" in data:
        role = org.check_role_given(who_role, str(data["role"]), ROLES)
        if user.role in org.COMPANY_ROLES and who_role != "admin":
            raise org_forbidden(user.role)
        org.check_not_last_admin(
            _active_admins(tx.session), user.role == "admin" and role != "admin" and user.active
        )
    if "full_name" in data:
        user.full_name = org.check_name(data["full_name"], "full_name", 100)
    moved = role != user.role
    user.role = role
    if "counters" in data or moved:
        user.counters = _counters_for(tx.branch, role, data.get("counters"))
    user.version += 1
    tx.session.add(user)
    tx.session.flush()
    ended_n = _end_sessions(tx, user, "account_changed") if moved else 0
    _changed(tx, "staff", user=username)
    return {"user": _public_user(user), "sessions_ended": ended_n}


def org_forbidden(role: str) -> Forbidden:
    return Forbidden(f"only the company's admin may change a {role} account", code="wrong_role")


@any_day
def set_active(
    tx: Tx, who_role: str, username: str, version: object, active: bool
) -> dict[str, Any]:
    """Disable (its sessions and sockets end at once, everywhere) or enable an account."""
    lock_branch(tx.session, org.ORG)
    user = _user_here(tx, username)
    if user.role in org.COMPANY_ROLES and who_role != "admin":
        raise org_forbidden(user.role)
    org.check_version(user.version, version)
    org.check_not_last_admin(
        _active_admins(tx.session), user.role == "admin" and user.active and not active
    )
    user.active = active
    user.version += 1
    tx.session.add(user)
    tx.session.flush()
    ended_n = 0 if active else _end_sessions(tx, user, "disabled")
    _changed(tx, "staff", user=username)
    return {"user": _public_user(user), "sessions_ended": ended_n}


@any_day
def reset_password(tx: Tx, who_role: str, username: str, version: object) -> dict[str, Any]:
    """A one-time password; the person chooses their own at the next sign-in."""
    lock_branch(tx.session, org.ORG)
    user = _user_here(tx, username)
    if user.role in org.COMPANY_ROLES and who_role != "admin":
        raise org_forbidden(user.role)
    org.check_version(user.version, version)
    temporary = passwords.temporary(policy_of(tx.session))
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.version += 1
    tx.session.add(user)
    tx.session.flush()
    ended_n = _end_sessions(tx, user, "password_reset")
    _changed(tx, "staff", user=username)
    return {"user": _public_user(user), "temporary_password": temporary, "sessions_ended": ended_n}


@any_day
def set_policy(tx: Tx, data: dict[str, Any]) -> dict[str, Any]:
    lock_branch(tx.session, org.ORG)
    state = _company(tx.session)
    org.check_version(state.version, data.get("version"))
    policy = passwords.from_form(
        {k: v for k, v in data.items() if k != "version"}, passwords.loads(state.password_policy)
    )
    state.password_policy = policy.dumps()
    state.version += 1
    tx.session.add(state)
    tx.session.flush()
    _changed(tx, "policy")
    return {**policy.public(), "version": state.version}


# --- branches, counters, printers -------------------------------------------------------


def _counter_row(s: Session, branch: str, code: str) -> OrgCounter:
    row = s.exec(
        select(OrgCounter).where(OrgCounter.branch_id == branch, OrgCounter.code == code)
    ).first()
    if row is None:
        raise NotFound(f"no counter {code} in {branch}", code="unknown_counter", counter=code)
    return row


def _checked_counter(data: dict[str, Any]) -> CounterSettings:
    """The same model config.yaml's counters are checked with (one rule, two doors)."""
    try:
        return CounterSettings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "counter"
        raise BadRequest(
            f"{where}: {first['msg']}", code="invalid_request", field=where.split(".")[0]
        ) from None


def _check_counter_fits(tx: Tx, c: CounterSettings, branch_row: OrgBranch) -> None:
    if c.printer is not None and c.printer not in tx.branch.printers:
        raise BadRequest(
            f"printer {c.printer} is not one of this hall's printers",
            code="invalid_request",
            field="printer",
        )
    if c.kind == "lookup" and not branch_row.paper_invoices:
        raise BadRequest(
            "this hall has no paper invoices: no lookup counter",
            code="invalid_request",
            field="kind",
        )


def _hall_changed(tx: Tx, what: str) -> None:
    """The hall's own pages hear of it (their counter lists, the kiosk's hours)."""
    tx.emit("hall.changed", {"what": what})
    _changed(tx, what)


@any_day
def add_counter(tx: Tx, data: dict[str, Any]) -> dict[str, Any]:
    lock_branch(tx.session, org.ORG)
    c = _checked_counter({k: v for k, v in data.items() if k != "version"})
    branch_row = tx.session.get(OrgBranch, tx.branch_id)
    assert branch_row is not None
    taken = tx.session.exec(
        select(OrgCounter).where(OrgCounter.branch_id == tx.branch_id, OrgCounter.code == c.code)
    ).first()
    if taken is not None:
        raise Conflict(
            f"counter {c.code} exists{' (retired)' if taken.retired_at else ''}: choose another"
            " code",
            code="counter_exists",
            counter=c.code,
        )
    _check_counter_fits(tx, c, branch_row)
    last = tx.session.exec(
        select(func.max(OrgCounter.position)).where(OrgCounter.branch_id == tx.branch_id)
    ).one()
    row = OrgCounter(
        branch_id=tx.branch_id,
        code=c.code,
        name=c.name,
        kind=c.kind,
        parity=c.parity,
        printer=c.printer,
        led=None if c.led is None else json.dumps(c.led),
        position=(last or 0) + 1,
    )
    tx.session.add(row)
    tx.session.flush()
    _hall_changed(tx, "counters")
    return _public_counter(row)


@any_day
def update_counter(tx: Tx, code: str, data: dict[str, Any]) -> dict[str, Any]:
    lock_branch(tx.session, org.ORG)
    row = _counter_row(tx.session, tx.branch_id, code)
    org.check_version(row.version, data.get("version"))
    if row.retired_at is not None:
        raise Conflict(f"counter {code} is retired", code="counter_retired", counter=code)
    if set(data) - {"version", "name", "printer", "led", "parity"}:
        raise BadRequest(
            "a counter's name, printer, LED board and parity can change; its code and kind"
            " stay (retire it and add another)",
            code="invalid_request",
            field="kind" if "kind" in data else "code",
        )
    merged = {**_public_counter(row), **{k: v for k, v in data.items() if k != "version"}}
    merged = {k: merged[k] for k in ("code", "name", "kind", "parity", "printer", "led")}
    c = _checked_counter(merged)
    branch_row = tx.session.get(OrgBranch, tx.branch_id)
    assert branch_row is not None
    _check_counter_fits(tx, c, branch_row)
    row.name, row.printer, row.parity = c.name, c.printer, c.parity
    row.led = None if c.led is None else json.dumps(c.led)
    row.version += 1
    tx.session.add(row)
    tx.session.flush()
    _hall_changed(tx, "counters")
    return _public_counter(row)


@any_day
def retire_counter(tx: Tx, code: str, version: object) -> dict[str, Any]:
    """Out of the hall, its history kept: refused while a ticket is served or parked at
    it; the people signed in there are signed out."""
    lock_branch(tx.session, org.ORG)
    row = _counter_row(tx.session, tx.branch_id, code)
    org.check_version(row.version, version)
    if row.retired_at is not None:
        raise Conflict(f"counter {code} is retired already", code="counter_retired")
    serving = tx.session.exec(
        select(Ticket.number).where(
            Ticket.branch_id == tx.branch_id,
            Ticket.counter_code == code,
            col(Ticket.status).in_(("serving", "parked")),
        )
    ).all()
    alike = [
        c
        for c in tx.branch.counters.values()
        if c.kind == row.kind and (row.kind != "lookup" or c.parity == row.parity)
    ]
    org.check_retire(list(serving), row.kind, len(alike))
    row.retired_at = tx.now
    row.version += 1
    tx.session.add(row)
    here = tx.session.exec(
        select(AuthSession, User)
        .join(User, col(User.id) == col(AuthSession.user_id))
        .where(AuthSession.counter_code == code, User.branch_id == tx.branch_id)
    ).all()
    for sess, _ in here:
        tx.session.delete(sess)
    tx.session.flush()
    for username in sorted({u.username for _, u in here}):
        hashes = [sess.token_hash for sess, u in here if u.username == username]
        tx.emitted.append(
            ended(tx.session, tx.branch_id, username, hashes, tx.now, "counter_retired")
        )
    _hall_changed(tx, "counters")
    return _public_counter(row)


@any_day
def test_device(tx: Tx, code: str, what: object) -> dict[str, Any]:
    """The admin's "print test page" / "show test number": a real job through the same
    queue as the hall's paper and light, so what works here works for customers."""
    counter = tx.branch.counter(code)
    if counter is None:
        raise NotFound(f"no counter {code} in {tx.branch_id}", code="unknown_counter", counter=code)
    if what == "print":
        if counter.printer is None:
            raise Conflict(f"counter {code} has no printer", code="no_printer", counter=code)
        setup = tx.session.get(OrgPrinter, (tx.branch_id, counter.printer))
        mode = setup.mode if setup else "image"
        job = jobs.add(
            tx, counter.printer, "print", "test-page", {"printer": counter.printer, "mode": mode}
        )
    elif what == "led":
        if not counter.has_led:
            raise Conflict(f"counter {code} has no LED board", code="no_led", counter=code)
        job = jobs.add(tx, code, "led", "number", {"number": TEST_NUMBER})
    else:
        raise BadRequest("what is print or led", code="invalid_request", field="what")
    return {"job": job, "counter": code, "what": what}


@any_day
def update_branch(tx: Tx, data: dict[str, Any]) -> dict[str, Any]:
    """The hall's name and operating parameters (call policy, lookup rule, reconnection
    deadline, priority fairness, business hours)."""
    lock_branch(tx.session, org.ORG)
    row = tx.session.get(OrgBranch, tx.branch_id)
    assert row is not None
    org.check_version(row.version, data.get("version"))
    if set(data) - {"version", "name", "params", "slip_printer"}:
        raise BadRequest(
            "a hall's name, slip printer and parameters can change",
            code="invalid_request",
            field="params",
        )
    if "name" in data:
        row.name = org.check_name(data["name"], "name", 120)
    if "params" in data:
        row.params = org.params_from(data["params"], tx.branch.params).dumps()
    if "slip_printer" in data:
        slip = data["slip_printer"]
        if slip is not None and slip not in tx.branch.printers:
            raise BadRequest(
                "slip_printer is one of the hall's printers",
                code="invalid_request",
                field="slip_printer",
            )
        row.slip_printer = slip
    row.version += 1
    row.updated_at, row.updated_by = tx.now, tx.actor.label
    tx.session.add(row)
    tx.session.flush()
    _hall_changed(tx, "params")
    return {
        "id": row.id,
        "version": row.version,
        "name": row.name,
        "params": json.loads(row.params),
    }


@any_day
def save_printer(tx: Tx, data: dict[str, Any]) -> dict[str, Any]:
    """Add a printer to the hall, or change one's connection (with its version)."""
    lock_branch(tx.session, org.ORG)
    try:
        p = PrinterSettings.model_validate({k: v for k, v in data.items() if k != "version"})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "printer"
        raise BadRequest(
            f"{where}: {first['msg']}", code="invalid_request", field=where.split(".")[0]
        ) from None
    row = tx.session.get(OrgPrinter, (tx.branch_id, p.id))
    if row is None:
        if data.get("version") is not None:
            raise NotFound(f"no printer {p.id}", code="unknown_printer")
        row = OrgPrinter(id=p.id, branch_id=tx.branch_id, backend="{}")
    else:
        org.check_version(row.version, data.get("version"))
        row.version += 1
    row.backend, row.paper, row.mode, row.profile = (
        json.dumps(p.backend),
        p.paper,
        p.mode,
        p.profile,
    )
    tx.session.add(row)
    tx.session.flush()
    _changed(tx, "printers", printer=p.id)
    return _public_printer(row)


def create_branch(
    s: Session, now: Any, by: str, data: dict[str, Any], base: org.Params
) -> dict[str, Any]:
    """A new branch and its hall, empty: counters, printers and staff are added next.
    The company admin's; under the organisation's lock."""
    lock_branch(s, org.ORG)
    bid = data.get("id")
    if not isinstance(bid, str) or not org.BRANCH_ID.match(bid):
        raise BadRequest(
            "a branch id is CMIS's MA_DVIQLY: two capitals and four digits, e.g. PE0100",
            code="invalid_request",
            field="id",
        )
    name = org.check_name(data.get("name"), "name", 120)
    point = org.check_name(data.get("collection_point"), "collection_point", 30)
    version = data.get("cmis_version", "2.0")
    if version not in ("2.0", "1.0"):
        raise BadRequest("cmis_version is 2.0 or 1.0", code="invalid_request", field="cmis_version")
    paper = data.get("paper_invoices", True)
    if not isinstance(paper, bool):
        raise BadRequest(
            "paper_invoices is true or false", code="invalid_request", field="paper_invoices"
        )
    if s.get(OrgBranch, bid) is not None:
        raise Conflict(f"branch {bid} exists", code="branch_exists", branch=bid)
    if s.exec(select(OrgBranch).where(OrgBranch.collection_point == point)).first():
        raise Conflict(f"hall {point} exists", code="branch_exists", field="collection_point")
    url = data.get("einvoice_lookup_url")
    if not paper:
        from qms.config import check_lookup_url

        if not isinstance(url, str):
            raise BadRequest(
                "an e-invoice hall needs einvoice_lookup_url",
                code="invalid_request",
                field="einvoice_lookup_url",
            )
        try:
            check_lookup_url(url)
        except ValueError as exc:
            raise BadRequest(
                str(exc), code="invalid_request", field="einvoice_lookup_url"
            ) from None
    row = OrgBranch(
        id=bid,
        name=name,
        collection_point=point,
        cmis_version=version,
        paper_invoices=paper,
        einvoice_lookup_url=url if not paper else None,
        params=base.dumps(),
        updated_at=now,
        updated_by=by,
    )
    s.add(row)
    s.flush()
    return {
        "id": bid,
        "name": name,
        "collection_point": point,
        "cmis_version": version,
        "paper_invoices": paper,
        "version": row.version,
    }


async def new_branch(
    hall: Hall, who: Principal, data: dict[str, Any], base: org.Params
) -> dict[str, Any]:
    require(who, "admin.company")

    def work() -> tuple[dict[str, Any], list[Any]]:
        now = hall.clock.now()
        try:
            with write_session(hall.engine) as s:
                out = create_branch(s, now, who.label, data, base)
                ev = org.changed(s, now, "branch", branch=out["id"])
                audit.add(
                    s,
                    audit.entry(
                        now,
                        out["id"],
                        who.label,
                        who.role,
                        who.via,
                        "admin.create_branch",
                        out["id"],
                    ),
                )
        except (BadRequest, Conflict) as exc:
            audit.write(
                hall.engine,
                audit.entry(
                    now,
                    who.branch_id,
                    who.label,
                    who.role,
                    who.via,
                    "admin.create_branch",
                    str(data.get("id")),
                    exc.code,
                ),
            )
            exc.audited = True
            raise
        return out, [ev]

    return await hall.commit(org.ORG, work)
