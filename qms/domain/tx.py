"""The unit of change: one transaction, the actor behind it, and the events it emits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session

from qms.domain import events
from qms.domain.branch import Branch
from qms.domain.events import EventRecord

F = TypeVar("F", bound=Callable[..., Any])


def any_day(fn: F) -> F:
    """Mark a use case a person may run on a closed business day too (``Hall.change``
    refuses every other change of a person then): work that is not of the day's queue or
    cash, such as enrolling a device."""
    fn.any_day = True  # type: ignore[attr-defined]
    return fn


def allowed_any_day(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, "any_day", False))


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: ``label`` goes into the records (user:NAME or device:ID)."""

    label: str
    counter: str | None = None
    role: str = ""


@dataclass
class Tx:
    session: Session
    branch: Branch
    now: dt.datetime
    business_day: dt.date
    actor: Actor
    emitted: list[EventRecord] = field(default_factory=list)

    @property
    def branch_id(self) -> str:
        return self.branch.id

    def today(self, **more: Any) -> dict[str, Any]:
        """Parameters of a prebuilt query about this branch's business day."""
        return {"branch": self.branch_id, "day": self.business_day, **more}

    def emit(self, type_: str, data: dict[str, Any]) -> None:
        """Append the event in this transaction; what it sets going (paper, light, a
        worker) is ``qms.usecases.followups``, run by the use case after the rule."""
        self.emitted.append(events.append(self.session, self.branch_id, type_, data, self.now))
