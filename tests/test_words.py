"""The catalogue of words is complete: every error code the server can answer with, and
every status it stores or shows, has Vietnamese and English words, and every field a
refusal's words need is among the details its raise sites pass. Found by reading the
source (AST), so a new ``raise Conflict(..., code="new_thing")`` without words fails here.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.cmis.base import PaymentState, Supply
from qms.config import CounterSettings
from qms.domain import (
    alerts,
    cashier,
    delivery,
    errors,
    movements,
    notices,
    payments,
    priority,
    reconcile,
)
from qms.domain.bank import credits as bank_credits
from qms.domain.bank import statement as bank_statement
from qms.domain.bank import takings
from qms.domain.field import orders as field_orders
from qms.domain.inventory import record as inventory_record
from qms.domain.inventory import sessions as inventory_sessions
from qms.http.errors import _HTTP_CODES
from qms.usecases import auth, queries, reports, stats
from qms.words import ERRORS, STATUSES, error_text
from qms.words.fields import FIELDS
from qms.words.format import KINDS

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for d in ("qms", "integrations", "printers") for p in sorted((ROOT / d).rglob("*.py"))]

#: the hall's refusals and the code each kind answers with when a raise names none
DEFAULT_CODE = {
    name: cls.code
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, errors.QmsError)
}
#: CMIS's own errors carry CMIS's codes (MA_LOI, e.g. "0400"); the use cases turn them
#: into the hall's (unknown_customer, cmis_unavailable...), which are checked
CMIS_ERRORS = {"CmisError", "CustomerNotFound", "PaymentRefused", "PaymentUnknown", "SupplyRefused"}
CMIS_ERRORS |= {"CmisUnavailable", "CmisBadAnswer", "bad"}


def _statuses_of(comment_of: str) -> list[str]:
    """The values a model's column documents: ``status: str = "x"  # a | b | c``."""
    text = (ROOT / "qms/storage/models.py").read_text(encoding="utf-8")
    found = re.findall(
        rf"^\s*{re.escape(comment_of)}[^#\n]*#\s*([a-z_]+(?:\s*\|\s*[a-z_]+)+)", text, re.M
    )
    assert found, f"no documented values for {comment_of} in models.py"
    return [v.strip() for v in found[0].split("|")]


def _assigned(attribute: str, *modules: str) -> set[str]:
    """String constants the domain assigns to ``x.<attribute>``."""
    out: set[str] = set()
    for m in modules:
        tree = ast.parse((ROOT / f"qms/domain/{m}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == attribute for t in node.targets
            ):
                out |= {
                    c.value
                    for c in ast.walk(node.value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    return out


TICKET = _statuses_of('status: str = "waiting"')
LOOKUP = _statuses_of("lookup_status")
PAY = _statuses_of("pay_status")
MOVEMENT = _statuses_of('status: str = "hanging"')
DRAWER = sorted({"none", "open"} | _assigned("status", "closing", "drawers"))

#: an f-string code: its prefix and the values its hole can take there
EXPANSIONS = {
    "already_": [s for s in PAY if s != "unpaid"],  # only an invoice no longer unpaid
    "movement_": MOVEMENT,
    "drawer_": [s for s in DRAWER if s not in ("none", "closed")],  # a drawer not closed
}


@dataclasses.dataclass(frozen=True)
class Site:
    where: str
    code: str
    details: frozenset[str] | None  # None: not known statically (**kwargs)


def _codes(node: ast.expr, expansions: dict[str, list[str]] = EXPANSIONS) -> list[str]:
    """The codes an expression can be: a literal, either side of a conditional, or an
    f-string with a known prefix."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body, expansions) + _codes(node.orelse, expansions)
    if isinstance(node, ast.JoinedStr):
        head = node.values[0]
        prefix = head.value if isinstance(head, ast.Constant) else ""
        assert prefix in expansions, f"a code built at run time, prefix {prefix!r}: list it"
        return [prefix + v for v in expansions[str(prefix)]]
    if isinstance(node, ast.Call) and _name(node.func) == "get":  # _HTTP_CODES.get(s, "http_error")
        return [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
    return []


def _name(func: ast.expr) -> str:
    return (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )


def raise_sites() -> Iterator[Site]:
    """Every refusal the source can make, with the details it passes."""
    for path in SOURCES:
        rel = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) not in CMIS_ERRORS:
                kw = {k.arg: k.value for k in node.keywords}
                details = (
                    None if None in kw else frozenset(k for k in kw if k not in ("code", "missing"))
                )
                where = f"{rel}:{node.lineno}"
                if "code" in kw:
                    for code in _codes(kw["code"]):
                        yield Site(where, code, details)
                elif _name(node.func) in DEFAULT_CODE:
                    yield Site(where, DEFAULT_CODE[_name(node.func)], details)
            elif isinstance(node, ast.ClassDef):  # class X(QmsError): code = "..."
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "code" for t in stmt.targets)
                        and str(rel).startswith("qms")
                    ):
                        for code in _codes(stmt.value):
                            yield Site(f"{rel}:{stmt.lineno}", code, None)
    for code in _HTTP_CODES.values():
        yield Site("qms/http/errors.py _HTTP_CODES", code, None)


def dict_codes() -> Iterator[tuple[str, str, str]]:
    """``{"code": "..."}`` dicts (notices) and ``_blocker("...")`` calls: (where, kind, code).
    A blocker names a movement still open (``movements.OPEN``)."""
    blockers = {**EXPANSIONS, "movement_": list(movements.OPEN)}
    for path in (p for p in SOURCES if p.is_relative_to(ROOT / "qms")):
        rel = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == "code" and v is not None:
                        for code in _codes(v):
                            yield f"{rel}:{node.lineno}", "notice", code
            elif isinstance(node, ast.Call) and _name(node.func) == "_blocker":
                for code in _codes(node.args[0], blockers):
                    yield f"{rel}:{node.lineno}", "blocker", code


SITES = list(raise_sites())


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def specs(template: str) -> set[str]:
    return {s for _, f, s, _ in string.Formatter().parse(template) if f and s}


def test_the_scan_finds_the_refusals_it_should() -> None:
    """The scan itself works: the refusals of the issue are among what it finds."""
    found = {s.code for s in SITES}
    assert len(found) > 80
    assert {"tendered_short", "day_closed", "unknown_customer", "bad_credentials"} <= found
    assert {"invalid_amount", "deposit_required", "method_not_allowed", "internal_error"} <= found
    assert {"already_paid", "movement_hanging", "malformed_frame", "store_unavailable"} <= found


def test_every_code_raised_has_words_in_both_languages() -> None:
    missing = sorted({f"{s.code} ({s.where})" for s in SITES if s.code not in ERRORS})
    assert not missing, f"error codes with no words in qms/words/errors.py: {missing}"
    for code, (vi, en) in ERRORS.items():
        assert vi.strip() and en.strip(), f"{code}: empty words"
        assert vi != en, f"{code}: the Vietnamese is the English"
        assert fields(vi) == fields(en), f"{code}: vi and en use different fields"


def test_every_template_field_is_passed_by_each_raise_site() -> None:
    """A field the words need and a raise does not pass would show as "?"."""
    short = []
    for s in SITES:
        if s.code in ERRORS and s.details is not None:
            need = fields(ERRORS[s.code][0]) - s.details
            if need:
                short.append(f"{s.where} {s.code} lacks {sorted(need)}")
    assert not short, "raise sites lacking details their words need:\n" + "\n".join(short)


def test_every_kind_in_a_template_is_known() -> None:
    known = set(KINDS) | set(STATUSES) | {"field"}
    for code, pair in ERRORS.items():
        for template in pair:
            assert specs(template) <= known, f"{code}: unknown kind in {template!r}"


def test_no_refusal_shows_a_raw_status_or_field_name() -> None:
    """A status in a refusal's words is shown in words (``{status:payment}``), a field by
    its name for a person (``{field:field}``), never as the code."""
    raw = []
    for code, pair in ERRORS.items():
        for template in pair:
            for _, name, spec, _ in string.Formatter().parse(template):
                if name and (name == "status" or name.endswith("_status")):
                    if spec not in STATUSES:
                        raw.append(f"{code}: {{{name}}} with no status group")
                if name == "field" and spec != "field":
                    raw.append(f"{code}: {{field}} is not {{field:field}}")
    assert not raw, raw


def test_every_field_a_refusal_names_has_words() -> None:
    """``details.field`` is shown in the person's words ("số tiền nộp ngân hàng")."""
    checks = {"vnd"}  # the field checks: def check(value, field) in commands.py, money.vnd
    commands_tree = ast.parse((ROOT / "qms/domain/commands.py").read_text(encoding="utf-8"))
    for node in ast.walk(commands_tree):
        if isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args] == [
            "value",
            "field",
        ]:
            checks.add(node.name)
    named: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for k in node.keywords:
                    if k.arg == "field" and isinstance(k.value, ast.Constant):
                        named.add(str(k.value.value))
                given = node.args[1] if len(node.args) > 1 else None
                if _name(node.func) in checks and isinstance(given, ast.Constant):
                    named.add(str(given.value))  # note(value.get("bank"), "deposit.bank")
    commands = ROOT / "qms/domain/commands.py"
    for cls in ast.walk(ast.parse(commands.read_text(encoding="utf-8"))):
        for node in cls.body if isinstance(cls, ast.ClassDef) else ():
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                named.add(node.target.id)  # a command's field
    named |= {"since", "limit", "level", "format", "from", "to", "date", "status"}
    named -= {"action"}  # class attributes of the commands, not fields
    missing = sorted(n for n in named if n not in FIELDS)
    assert not missing, f"fields with no words in qms/words/fields.py: {missing}"


def test_notices_and_blockers_have_words() -> None:
    missing = sorted(
        f"{kind}.{code} ({where})"
        for where, kind, code in dict_codes()
        if code not in STATUSES[kind] and code not in ERRORS
    )
    assert not missing, f"codes with no words: {missing}"


STORED = {
    "ticket": TICKET,
    "lookup": LOOKUP,
    "pay": PAY,
    "payment": list(payments.STATUSES),
    "taken_by": [takings.WHILE_WAITING],
    "cmis_state": [s.value for s in PaymentState],
    "drawer": DRAWER,
    "movement": MOVEMENT,
    "reason": [*delivery.RETURN_REASONS, *cashier.FINISH_REASONS, "paid_qr"],
    "blocker": [code for _, kind, code in dict_codes() if kind == "blocker"],
    "reconcile": [k for k, v in reconcile.reconcile([], []).items() if isinstance(v, list)],
    "why": sorted(
        {
            c.value
            for n in ast.walk(ast.parse((ROOT / "qms/domain/reconcile.py").read_text()))
            if isinstance(n, ast.Dict)
            for k, v in zip(n.keys, n.values, strict=True)
            if isinstance(k, ast.Constant) and k.value == "why" and v is not None
            for c in ast.walk(v)
            if isinstance(c, ast.Constant)
        }
    ),
    "counter_kind": [
        *CounterSettings.model_fields["kind"].annotation.__args__,  # type: ignore[union-attr]
        "lookup_even",
        "lookup_odd",
    ],
    "parity": ["even", "odd"],
    "priority": list(priority.KINDS),
    "lane": list(stats.LANES),
    "message": list(notices.STATUSES),
    "message_kind": list(notices.KINDS),
    "role": list(auth.ROLES) + list(auth.DEVICE_ROLES),
    "job": list(queries.JOB_STATUSES),
    "print_job": list(queries.JOB_STATUSES),
    "job_kind": _statuses_of("kind: str"),
    "level": list(reports.LEVELS),
    "notice": [code for _, kind, code in dict_codes() if kind == "notice" and code not in ERRORS],
    "bool": ["true", "false"],
    # why a payment is not (yet) confirmed: the codes the poster writes first
    "payment_error": [*payments.ERROR_CODES, "refused"],
    "field_kind": list(field_orders.KINDS),
    "field_status": list(field_orders.STATUSES),
    "field_reason": [*field_orders.NOT_DONE_REASONS, *field_orders.CANCEL_REASONS],
    "field_round": list(field_orders.ROUND_STATUSES),
    "supply_change": list(field_orders.SUPPLY_STATUSES),
    "supply": [s.value for s in Supply],
    "inventory": list(inventory_sessions.STATUSES),
    "inventory_book": list(inventory_sessions.BOOK_STATUSES),
    "inventory_difference": list(inventory_record.DIFFERENCES),
    "inventory_action": list(inventory_record.DIFFERENCES),
    "method": ["cash", "vietqr"],
    "credit": list(bank_credits.STATUSES),
    "credit_reason": list(bank_credits.REASONS),
    "credit_resolution": list(bank_credits.RESOLUTIONS),
    "statement_line": list(bank_statement.STATUSES),
    "qr_source": ["ticket", "counter"],
    "qr_status": ["open", "paid"],
    # alerts (docs/alerts.md): each kind's name and what it says; an alert's state
    "alert": list(alerts.KINDS),
    "alert_says": list(alerts.KINDS),
    "alert_status": list(alerts.STATES),
}


@pytest.mark.parametrize("group", sorted(STORED))
def test_every_status_the_hall_stores_or_shows_has_words(group: str) -> None:
    values = STORED[group]
    assert values, f"{group}: the scan found no value"
    words = STATUSES.get(group, {})
    missing = sorted(v for v in values if v not in words)
    assert not missing, f"{group}: statuses with no words in qms/words/statuses.py: {missing}"
    for status, (vi, en) in words.items():
        assert vi.strip() and en.strip(), f"{group}.{status}: empty words"


def test_every_status_group_is_checked_against_the_code() -> None:
    assert set(STATUSES) == set(STORED), "a group in statuses.py no test takes values for"


def test_the_issues_refusals_read_as_the_hall_writes() -> None:
    vi = error_text("tendered_short", {"tendered": 2000000, "amount": 2002089})
    assert vi == (
        "Tiền khách đưa 2.000.000 đ ít hơn số phải thu 2.002.089 đ. Nhập lại số tiền khách đưa."
    )
    assert "07/12/2026" in (error_text("day_closed", {"day": "2026-12-07"}) or "")
    deposit = error_text("invalid_amount", {"field": "deposit.amount"}) or ""
    assert deposit.startswith("Nhập số tiền nộp ngân hàng")
    assert error_text("bad_credentials", {}, "en") == "Wrong username or password. Type them again."
