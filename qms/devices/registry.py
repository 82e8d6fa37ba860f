"""Devices enrolled at run time: a supervisor enrolls a kiosk, display or hall agent and
hands its token to the device once; revoking it refuses the token from then on, on every
worker, and closes the device's open connections (``device.revoked``).

Devices listed in ``config.yaml`` stay as they are: the bootstrap and the demo.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from qms.domain import org
from qms.domain.clock import iso
from qms.domain.errors import BadRequest, Conflict, NotFound
from qms.domain.tx import Tx, any_day
from qms.storage.models import EnrolledDevice

if TYPE_CHECKING:
    from qms.domain.commands import Enroll, Revoke


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def public(d: EnrolledDevice) -> dict[str, Any]:
    return {
        "id": d.id,
        "branch": d.branch_id,
        "kind": d.kind,
        "printer": d.printer,
        "enrolled_at": iso(d.enrolled_at),
        "enrolled_by": d.enrolled_by,
        "revoked_at": iso(d.revoked_at),
        "revoked_by": d.revoked_by,
    }


@any_day
def enroll(tx: Tx, cmd: Enroll) -> dict[str, Any]:
    """A new device of the branch; the answer carries its token, shown this once."""
    device_id, kind, printer = cmd.id, cmd.kind, cmd.printer
    if printer is not None and (kind != "kiosk" or printer not in {p for p in tx.branch.printers}):
        raise BadRequest(
            "printer: one of the branch's printers, for a kiosk", code="invalid_request",
            field="printer",
        )  # fmt: skip
    if (
        device_id in tx.branch.config_devices
        or tx.session.get(EnrolledDevice, device_id) is not None
    ):
        raise Conflict(f"device {device_id} exists already", code="device_exists", device=device_id)
    token = secrets.token_urlsafe(32)
    d = EnrolledDevice(
        id=device_id,
        branch_id=tx.branch_id,
        kind=str(kind),
        token_sha256=token_hash(token),
        printer=printer if isinstance(printer, str) else None,
        enrolled_at=tx.now,
        enrolled_by=tx.actor.label,
    )
    tx.session.add(d)
    tx.session.flush()
    out = public(d)
    tx.emit("device.enrolled", {"device": out})
    tx.emitted.append(org.changed(tx.session, tx.now, "device", id=device_id))
    return {**out, "token": token}


@any_day
def revoke(tx: Tx, cmd: Revoke) -> dict[str, Any]:
    device_id = cmd.id
    d = tx.session.get(EnrolledDevice, device_id)
    if d is None or d.branch_id != tx.branch_id:
        if device_id in tx.branch.config_devices:
            raise Conflict(
                f"device {device_id} is in config.yaml: remove it there",
                code="config_device",
                device=device_id,
            )
        raise NotFound(f"no enrolled device {device_id}", code="unknown_device", device=device_id)
    if d.revoked_at is not None:
        raise Conflict(f"device {device_id} is already revoked", code="device_revoked")
    d.revoked_at, d.revoked_by = tx.now, tx.actor.label
    tx.session.add(d)
    tx.session.flush()
    out = public(d)
    tx.emit("device.revoked", {"device": out})
    tx.emitted.append(org.changed(tx.session, tx.now, "device", id=device_id))
    return out


def active(session: Session, token: str) -> EnrolledDevice | None:
    """The enrolled device this token opens, unless it was revoked."""
    return session.exec(
        select(EnrolledDevice).where(
            EnrolledDevice.token_sha256 == token_hash(token),
            col(EnrolledDevice.revoked_at).is_(None),
        )
    ).first()


def listing(session: Session, branch_id: str) -> list[dict[str, Any]]:
    rows = session.exec(
        select(EnrolledDevice)
        .where(EnrolledDevice.branch_id == branch_id)
        .order_by(col(EnrolledDevice.enrolled_at))
    ).all()
    return [public(d) for d in rows]


def branch_of(session: Session, device_id: str) -> str | None:
    """The branch an enrolled device belongs to (None: no such device)."""
    d = session.get(EnrolledDevice, device_id)
    return d.branch_id if d else None
