"""The organisation's rules: a hall's operating parameters and business hours, who may
administer which branch, edits on a stale copy, counters retired with their history.
Plain values in, decisions out: the admin use cases run them in the change's transaction."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from qms.domain import events
from qms.domain.errors import BadRequest, Conflict, Forbidden
from qms.domain.events import EventRecord

#: the event stream of the organisation itself: a change there reloads every worker
ORG = "ORG"
CALL_POLICIES = ("lowest_number", "ready_first")
LOOKUP_RULES = ("book_code_last_digit", "invoice_number_last_digit")
COUNTER_KINDS = ("reception", "lookup", "cashier")
PARITIES = ("even", "odd")
COUNTER_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
BRANCH_ID = re.compile(r"^[A-Z]{2}[0-9]{4}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
#: the roles that administer: a company admin everywhere, a branch admin in one branch
ADMIN_ROLES = ("admin", "branch_admin")
#: roles only a company admin may give: a branch admin cannot make someone above them
COMPANY_ROLES = frozenset({"admin", "finance"})
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


@dataclass(frozen=True, slots=True)
class Hours:
    """When the hall serves: ``open``-``close`` local time on ``days`` (0 = Monday)."""

    open: dt.time
    close: dt.time
    days: frozenset[int]

    def is_open(self, local: dt.datetime) -> bool:
        return local.weekday() in self.days and self.open <= local.time() < self.close

    def public(self) -> dict[str, Any]:
        return {
            "open": self.open.strftime("%H:%M"),
            "close": self.close.strftime("%H:%M"),
            "days": sorted(self.days),
        }


@dataclass(frozen=True, slots=True)
class Params:
    """A hall's operating parameters, set in the admin pages (config.yaml gives the first
    values). ``hours`` None: the hall never refuses a ticket for the hour."""

    call_policy: str = "lowest_number"
    lookup_rule: str = "book_code_last_digit"
    reconnect_hours: int = 24
    priority_max_in_row: int = 3  # 0: no priority lane
    hours: Hours | None = None

    def public(self) -> dict[str, Any]:
        out = asdict(self)
        out["hours"] = None if self.hours is None else self.hours.public()
        return out

    def dumps(self) -> str:
        return json.dumps(self.public(), sort_keys=True)


def _bad(message: str, field: str, code: str = "invalid_request") -> BadRequest:
    return BadRequest(message, code=code, field=field)


def _choice(value: object, choices: tuple[str, ...], field: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _bad(f"{field} is one of {', '.join(choices)}", field)
    return value


def _int(value: object, low: int, high: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(f"{field} is a whole number from {low} to {high}", field)
    return value


def _time(value: object, field: str) -> dt.time:
    m = _HHMM.match(value) if isinstance(value, str) else None
    if m is None:
        raise _bad(f"{field} is a time HH:MM, e.g. 07:30", field)
    return dt.time(int(m[1]), int(m[2]))


def hours_from(raw: object) -> Hours | None:
    """Business hours from a form or the stored JSON; None (or null) clears them."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"open", "close", "days"}:
        raise _bad("hours is {open: HH:MM, close: HH:MM, days: [0..6]}", "hours")
    opens, closes = _time(raw.get("open"), "hours.open"), _time(raw.get("close"), "hours.close")
    if closes <= opens:
        raise _bad("the hall closes after it opens", "hours.close", "hours_inverted")
    days = raw.get("days", list(range(6)))
    if not isinstance(days, list) or not days:
        raise _bad("hours.days lists the weekdays the hall serves (0 = Monday)", "hours.days")
    return Hours(opens, closes, frozenset(_int(d, 0, 6, "hours.days") for d in days))


def params_from(raw: object, base: Params) -> Params:
    """``base`` with the keys ``raw`` names, each checked; an unknown key is refused
    rather than ignored (a typo would otherwise look saved)."""
    if not isinstance(raw, dict):
        raise _bad("params is an object", "params")
    unknown = set(raw) - set(Params.__dataclass_fields__)
    if unknown:
        raise _bad(f"unknown parameter {sorted(unknown)[0]}", "params")
    changes: dict[str, Any] = {}
    if "call_policy" in raw:
        changes["call_policy"] = _choice(raw["call_policy"], CALL_POLICIES, "call_policy")
    if "lookup_rule" in raw:
        changes["lookup_rule"] = _choice(raw["lookup_rule"], LOOKUP_RULES, "lookup_rule")
    if "reconnect_hours" in raw:
        changes["reconnect_hours"] = _int(raw["reconnect_hours"], 1, 720, "reconnect_hours")
    if "priority_max_in_row" in raw:
        changes["priority_max_in_row"] = _int(
            raw["priority_max_in_row"], 0, 20, "priority_max_in_row"
        )
    if "hours" in raw:
        changes["hours"] = hours_from(raw["hours"])
    return replace(base, **changes)


def params_loads(stored: str, base: Params) -> Params:
    """The stored JSON over the config's defaults (a key added later keeps its default)."""
    return params_from(json.loads(stored or "{}"), base)


# --- who may change what --------------------------------------------------------------


def check_scope(role: str, own_branch: str, branch: str) -> None:
    """A branch admin administers their own branch only; a company admin any."""
    if role != "admin" and branch != own_branch:
        raise Forbidden(
            f"you administer branch {own_branch} only, not {branch}",
            code="wrong_branch",
            branch=branch,
        )


def check_company(role: str, what: str) -> None:
    if role != "admin":
        raise Forbidden(f"only the company's admin may {what}", code="wrong_role")


def check_version(current: int, given: object) -> None:
    """An edit names the version it was made on; another admin's save in between refuses
    it, so the second is told and nothing the first saved is lost."""
    if isinstance(given, bool) or not isinstance(given, int):
        raise _bad("give the record's version (from the list you edited)", "version")
    if given != current:
        raise Conflict(
            "someone else changed this record since you opened it: reload and edit again",
            code="stale_edit",
            version=current,
        )


def check_role_given(by_role: str, role: str, roles: tuple[str, ...]) -> str:
    role = _choice(role, roles, "role")
    if role in COMPANY_ROLES and by_role != "admin":
        raise Forbidden(f"only the company's admin may give the role {role}", code="wrong_role")
    return role


def check_not_last_admin(active_admins: int, losing: bool) -> None:
    """The company keeps at least one active company admin: nobody else can undo a lock-out."""
    if losing and active_admins <= 1:
        raise Conflict(
            "this is the last active admin account: make another admin first",
            code="last_admin",
        )


def check_counter_code(code: object) -> str:
    if not isinstance(code, str) or not COUNTER_CODE.match(code):
        raise _bad("a counter code is a capital letter then up to 7 capitals or digits", "code")
    return code


def check_name(name: object, field: str = "name", most: int = 60) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > most:
        raise _bad(f"{field} is 1 to {most} characters", field)
    return name.strip()


def check_retire(serving: list[int], kind: str, active_of_kind: int) -> None:
    """A counter leaves the hall only when no ticket is at it, and never the hall's last
    counter of a kind the day needs (a cashier, a lookup counter of a parity)."""
    if serving:
        raise Conflict(
            f"ticket {serving[0]} is being served at this counter: finish or hand it back first",
            code="counter_serving",
            ticket=serving[0],
        )
    if active_of_kind <= 1 and kind in ("cashier", "lookup"):
        raise Conflict(
            "the hall's last counter of this kind: add another before retiring it",
            code="last_counter",
        )


def changed(session: Any, now: dt.datetime, what: str, **data: Any) -> EventRecord:
    """Append ``org.changed`` to the organisation's stream in the change's transaction:
    after commit it reaches every worker, which reloads (``qms.usecases.org.Org``)."""
    return events.append(session, ORG, "org.changed", {"what": what, **data}, now)


def refuse_if_closed(hours: Hours | None, local: dt.datetime) -> None:
    """A kiosk issues no ticket outside business hours (reception staff still may, for a
    customer let in before closing)."""
    if hours is not None and not hours.is_open(local):
        raise Conflict(
            f"the hall is closed: open {hours.open:%H:%M}-{hours.close:%H:%M}",
            code="hall_closed",
            hours=hours.public(),
        )
