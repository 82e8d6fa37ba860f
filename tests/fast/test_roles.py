"""Who may run which command: the one table (``USE_CASES`` and the permissions it names),
checked in the use case layer for every command, before anything is read or written."""

from __future__ import annotations

import dataclasses

import pytest

from qms.domain import commands as c
from qms.domain import events
from qms.domain.errors import Forbidden
from qms.domain.field import commands as fc
from qms.domain.inventory import commands as ic
from qms.usecases.auth import DEVICE_ROLES, PERMISSIONS, ROLES, Principal
from qms.usecases.hall import USE_CASES
from tests.fast.conftest import BRANCH, Rig

EVERY_ROLE = (*ROLES, *DEVICE_ROLES)


def someone(role: str) -> Principal:
    kind = "device" if role in DEVICE_ROLES else "staff"
    return Principal(kind, f"{role}-1", role, BRANCH, None)


def blank(kind: type[c.Command]) -> c.Command:
    """The command with every field None: a role check that came after the fields, or
    did not come at all, would trip over them instead of saying ``wrong_role``."""
    return kind(**{f.name: None for f in dataclasses.fields(kind)})  # type: ignore[call-overload, no-any-return]


def test_every_command_has_its_line_in_the_table() -> None:
    """A new command without a permission would run for anyone who can send it."""
    kinds = [
        k
        for module in (c, fc, ic)
        for k in vars(module).values()
        if isinstance(k, type) and issubclass(k, c.Command)
    ]
    assert set(kinds) - {c.Command} == set(USE_CASES)
    for permission, _ in USE_CASES.values():
        assert PERMISSIONS[permission], permission


@pytest.mark.parametrize("kind", list(USE_CASES), ids=lambda k: k.__name__)
def test_a_role_without_the_permission_is_refused_before_anything_happens(
    rig: Rig, kind: type[c.Command]
) -> None:
    permission, _ = USE_CASES[kind]
    outsiders = [r for r in EVERY_ROLE if r not in PERMISSIONS[permission]]
    assert outsiders, f"{kind.__name__}: every role may {permission}?"
    for role in outsiders:
        with pytest.raises(Forbidden) as err:
            rig.run(rig.hall.execute(someone(role), blank(kind)))
        assert (err.value.code, err.value.details["action"]) == ("wrong_role", permission), role
        with pytest.raises(Forbidden) as err:  # as sent: the role first, then the input
            rig.run(rig.hall.run(someone(role), kind, {}))
        assert err.value.code == "wrong_role", role
    assert rig.read(events.current_seq, BRANCH) == 0, "a refused role changed nothing"


@pytest.mark.parametrize(
    ("role", "command"),
    [
        ("lookup", c.IssueTicket(("PE01000000001",))),
        ("reception", c.LookupMark(1, 1, "found")),
        ("lookup", c.CallNext("LE")),
        ("supervisor", c.Collect("C1", (1,), 1000)),
        ("cashier", c.Approve(1, "because")),
        ("cashier", c.CloseDay()),
        ("cashier", c.Reopen(1)),
        ("head_cashier", c.Enroll("kiosk-9", "kiosk")),
        ("admin", c.OpenDrawer(0)),
        ("display", c.Declare("out", "head", 1000)),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)
def test_staff_outside_their_job_are_told_wrong_role(
    rig: Rig, role: str, command: c.Command
) -> None:
    with pytest.raises(Forbidden) as err:
        rig.run(rig.hall.execute(someone(role), command))
    assert err.value.code == "wrong_role"


def test_roles_allowed_by_the_table_get_past_it(rig: Rig) -> None:
    """The other side of the table: a kiosk issues, a head cashier opens a drawer, the
    supervisor's close of the day reaches the rule (and its blockers)."""
    code = rig.cmis.customer()
    kiosk = Principal("device", "kiosk-1", "kiosk", BRANCH, None)
    assert rig.run(rig.hall.execute(kiosk, c.IssueTicket((code,))))["number"] == 1
    assert rig.do("head", c.OpenDrawer(0))["status"] == "open"
    rig.refused("sup", c.CloseDay(), "close_refused")
