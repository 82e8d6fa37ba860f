"""Which events make paper or light: a ticket prints where it was issued, F4 prints a
receipt at its counter (and a reconnection slip for a supply cut for debt, once paid),
a call lights the counter's LED board. Jobs are rows in the change's own transaction."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from qms.domain import drawers, einvoice, events, movements
from qms.domain.clock import iso
from qms.domain.errors import Conflict, NotFound
from qms.domain.tx import Tx, any_day
from qms.storage import rows
from qms.storage.db import write_session
from qms.storage.models import DeviceJob, EnrolledDevice, Payment, User

if TYPE_CHECKING:
    from qms.domain.commands import Reprint


def _add(tx: Tx, target: str, kind: str, document: str, payload: dict[str, Any]) -> int:
    job = rows.new(
        DeviceJob,
        branch_id=tx.branch_id,
        target=target,
        kind=kind,
        document=document,
        payload=json.dumps(payload, ensure_ascii=False),
        created_at=tx.now,
    )
    key = rows.insert(tx.session, DeviceJob, job)
    if tx.branch.device_agent:  # the agent's connection hears of it and hands it over
        data = {"job": public(rows.view(job))}
        tx.emitted.append(events.append(tx.session, tx.branch_id, "device.job", data, tx.now))
    return key


def add(tx: Tx, target: str, kind: str, document: str, payload: dict[str, Any]) -> int:
    """A job asked for by hand (the admin's test page and test number, docs/admin.md)."""
    return _add(tx, target, kind, document, payload)


def _issuing_printer(tx: Tx) -> str | None:
    kind, _, name = tx.actor.label.partition(":")
    if kind == "device":
        if name in tx.branch.device_printers:
            return tx.branch.device_printers[name]
        enrolled = tx.session.get(EnrolledDevice, name)
        return enrolled.printer if enrolled else None
    counter = tx.branch.counter(tx.actor.counter or "")
    return counter.printer if counter else None


def _counter_printer(tx: Tx, code: str | None) -> str | None:
    counter = tx.branch.counter(code or "")
    return counter.printer if counter else None


def money_slip(tx: Tx, data: dict[str, Any]) -> None:
    """A declared movement prints its slip where it was declared (money out at the
    sender, money in at the receiver)."""
    printer = _counter_printer(tx, tx.actor.counter)
    m, side = data["movement"], data["side"]
    if printer:
        slip = {
            "id": m["id"],
            "at": m[f"{side}_at"],
            "from_cashier": data["names"][m["from_cashier"]],
            "to_cashier": data["names"][m["to_cashier"]],
            "amount": m[f"{side}_amount"],
            "side": side,
            "version": m[f"{side}_version"],
        }
        _add(tx, printer, "print", f"money-{side}", {**_base(tx), "movement": slip})


def cancel_slip(tx: Tx, data: dict[str, Any]) -> None:
    """A withdrawn declaration: its unprinted slip turns void, and a cancellation slip
    prints where it was withdrawn."""
    gone = data["withdrawn"]
    _void_unprinted(tx, gone)
    if printer := _counter_printer(tx, tx.actor.counter):
        _add(tx, printer, "print", "money-cancel", {**_base(tx), "movement": gone})


def day_end(tx: Tx, data: dict[str, Any]) -> None:
    """A closed day prints its summary for the head cashier."""
    printer = _counter_printer(tx, tx.actor.counter) or _counter_printer(
        tx, data.get("head_counter")
    )
    if printer:
        _add(tx, printer, "print", "day-end", {**_base(tx), "summary": data["day"]})


def _base(tx: Tx) -> dict[str, Any]:
    return {"branch": tx.branch.name, "at": tx.now.isoformat()}


#: jobs not printed yet: one of a withdrawn declaration prints as HUỶ / VOID
UNPRINTED = ("queued", "in_doubt")


def _void_unprinted(tx: Tx, gone: dict[str, Any]) -> None:
    """The slip of a withdrawn declaration that has not printed yet (printer offline, in
    doubt after a restart) prints marked void when it does."""
    document = f"money-{gone['side']}"
    waiting = tx.session.exec(
        select(DeviceJob).where(
            DeviceJob.branch_id == tx.branch_id,
            DeviceJob.document == document,
            col(DeviceJob.status).in_(UNPRINTED),
        )
    ).all()
    for job in waiting:
        payload = json.loads(job.payload)
        if _stands_void(tx, document, payload):
            job.payload = json.dumps(payload, ensure_ascii=False)
            tx.session.add(job)


def _stands_void(tx: Tx, document: str, payload: dict[str, Any]) -> bool:
    """Mark a money slip's ``payload`` void when its declaration no longer stands
    (withdrawn, or declared again since); whether it is void."""
    slip = {"side": document.removeprefix("money-"), **payload["movement"]}
    if not movements.declaration_live(tx.session, slip):
        payload["movement"] = {**payload["movement"], "void": True}
    return bool(payload["movement"].get("void"))


@any_day
def reprint(tx: Tx, cmd: Reprint) -> dict[str, Any]:
    """Print a document again, as a new job to the same printer. A money-out or money-in
    slip whose declaration was withdrawn since is reprinted marked HUỶ / VOID, so a
    reprint never looks like a valid slip; a receipt is reprinted marked BẢN SAO / COPY,
    with the receipt numbers CMIS has given since. Any day: the day-end summary is reprinted
    after the close."""
    job_id = cmd.job
    job = tx.session.get(DeviceJob, job_id)
    if job is None or job.branch_id != tx.branch_id:
        raise NotFound(f"no device job {job_id}", code="unknown_job", job=job_id)
    if job.kind != "print":
        raise Conflict(
            f"job {job_id} lights a board: nothing to reprint", code="not_printable", job=job_id
        )
    payload = json.loads(job.payload)
    void = job.document in ("money-out", "money-in") and _stands_void(tx, job.document, payload)
    if job.document == "receipt":
        _with_receipt_numbers(tx, payload)
    payload["reprint_of"] = job.id
    key = _add(tx, job.target, "print", job.document, payload)
    out = {"id": key, "reprint_of": job.id, "document": job.document, "target": job.target}
    return {**out, "void": void}


def ticket_printed(tx: Tx, data: dict[str, Any]) -> None:
    """A ticket prints where it was issued (a kiosk's printer, the reception's), with its
    VietQR when the issue made one: the customer pays from a bank app while waiting."""
    if printer := _issuing_printer(tx):
        payload = {**_base(tx), "ticket": data["ticket"]}
        if shown := data.get("qr"):
            payload["qr"] = {"payload": shown["payload"], "amount": shown["amount"]}
        _add(tx, printer, "print", "ticket", payload)


def number_lit(tx: Tx, data: dict[str, Any]) -> None:
    """A call lights the number on the counter's LED board."""
    ticket = data["ticket"]
    if ticket["status"] == "serving" and ticket["counter"]:
        counter = tx.branch.counter(ticket["counter"]["code"])
        if counter and counter.has_led:
            _add(tx, counter.code, "led", "number", {"number": ticket["number"]})


def cashier_name(tx: Tx, label: str | None = None) -> str:
    """The full name a paper prints for the acting cashier (or the one ``label`` names):
    as their drawer was opened (the day's name), else their account's, else the login."""
    name = (tx.actor.label if label is None else label).partition(":")[2]
    d = drawers.find(tx.session, tx.branch_id, tx.business_day, name)
    if d is not None:
        return d.cashier_name
    user = tx.session.exec(select(User).where(User.username == name)).first()
    return user.full_name if user and user.full_name else name


def receipt_printed(tx: Tx, data: dict[str, Any]) -> None:
    """F4 prints a receipt at its counter (the reconnection slip of a cut customer who
    settled is the reconnection order's: ``reconnection_ordered``)."""
    ticket = data["ticket"]
    # a VietQR credit names the counter and cashier of its QR (the bank is the actor);
    # paid while waiting, it names none and prints nowhere
    by_qr = data.get("method") == "vietqr"
    code = data.get("counter") if by_qr else tx.actor.counter
    label = (data.get("cashier") or "") if by_qr else tx.actor.label
    counter = tx.branch.counter(code or "")
    extra = {
        **_base(tx),
        "ticket": ticket,
        # a QR's payments print the bank's transaction id (printers.documents.receipt)
        "payments": [{**p, "bank_txn": data.get("bank_txn")} for p in data["payments"]]
        if by_qr
        else data["payments"],
        "counter": counter.name if counter else "",
        "cashier": label,
        "cashier_name": cashier_name(tx, label),
        "tendered": data.get("tendered"),
    }
    if found := einvoice.on_receipt(tx.branch, ticket, data["payments"]):
        extra["einvoices"] = found  # no paper: the receipt names the e-invoices
    if by_qr:
        extra["method"] = "vietqr"
        extra["bank_txn"] = data.get("bank_txn")
    if data.get("copy"):  # printed again (receipts.reprint): BẢN SAO / COPY, no second slip
        extra["copy"] = True
    if counter and counter.printer:
        _add(tx, counter.printer, "print", "receipt", extra)


def _with_receipt_numbers(tx: Tx, payload: dict[str, Any]) -> None:
    """A receipt printed again carries what CMIS has said since: its receipt numbers."""
    txns = [p["txn_id"] for p in payload.get("payments", [])]
    now = {
        p.txn_id: p
        for p in tx.session.exec(select(Payment).where(col(Payment.txn_id).in_(txns))).all()
    }
    payload["payments"] = [
        {**p, "status": now[p["txn_id"]].status, "receipt_no": now[p["txn_id"]].receipt_no}
        if p["txn_id"] in now
        else p
        for p in payload["payments"]
    ]


def count_sheets(tx: Tx, data: dict[str, Any]) -> None:
    """A drawer closed with a count by note prints its count sheet (bảng kê các loại
    tiền) at the counter; the head cashier's bank deposit counted by note prints one too."""
    d = data["drawer"]
    printer = _counter_printer(tx, tx.actor.counter) or _counter_printer(tx, d["counter"])
    if printer is None:
        return
    counter = tx.branch.counter(d["counter"])
    sheet = {
        "day": d["business_day"],
        "at": d["closed_at"],
        "cashier": d["cashier_name"],
        "counter": counter.name if counter else d["counter"],
    }
    if d["counted_notes"] is not None:
        count = {**sheet, "kind": "close", "notes": d["counted_notes"], "total": d["counted"]}
        _add(tx, printer, "print", "count-sheet", {**_base(tx), "sheet": count})
    deposit = d["deposit"]
    if deposit is not None and deposit["notes"] is not None:
        banked = {
            **sheet,
            "kind": "deposit",
            "notes": deposit["notes"],
            "total": deposit["amount"],
            "bank": deposit["bank"],
            "reference": deposit["reference"],
        }
        _add(tx, printer, "print", "count-sheet", {**_base(tx), "sheet": banked})


def public(j: DeviceJob) -> dict[str, Any]:
    return {
        "id": j.id,
        "target": j.target,
        "kind": j.kind,
        "document": j.document,
        "status": j.status,
        "attempts": j.attempts,
        "error": j.last_error,
        "created_at": iso(j.created_at),
        "done_at": iso(j.done_at),
    }


def listing(session: Session, branch_id: str, status: str | None) -> list[dict[str, Any]]:
    """The branch's latest 200 jobs, newest first."""
    q = select(DeviceJob).where(DeviceJob.branch_id == branch_id)
    if status:
        q = q.where(DeviceJob.status == status)
    return [public(j) for j in session.exec(q.order_by(col(DeviceJob.id).desc()).limit(200)).all()]


def retry(engine: Engine, branch_id: str, job_id: int) -> dict[str, Any]:
    """A supervisor's decision: print an in-doubt or failing job (again)."""
    with write_session(engine) as s:
        job = s.get(DeviceJob, job_id)
        if job is None or job.branch_id != branch_id:
            raise NotFound(f"no device job {job_id}", code="unknown_job", job=job_id)
        if job.status not in ("in_doubt", "queued"):
            raise Conflict(
                f"job {job_id} is {job.status}", code="not_retryable", job=job_id, status=job.status
            )
        job.status = "queued"
        job.next_attempt_at = None
        s.add(job)
        return {"id": job.id, "status": job.status, "document": job.document}


def reconnection_ordered(tx: Tx, data: dict[str, Any]) -> None:
    """A reconnection order prints its slip (phiếu đóng điện) on the branch's slip
    printer. It names the payments that settled the debt, so the cashier's list of the
    day shows the slip beside the payment that caused it."""
    if not tx.branch.slip_printer:
        return
    order = data["order"]
    code = order["customer_code"]
    payload = {
        **_base(tx),
        "order": order,
        "crew": data.get("crew"),
        "customer": {"code": code},
        "payments": [{"txn_id": t, "customer_code": code} for t in order["payments"]],
    }
    _add(tx, tx.branch.slip_printer, "print", "reconnection", payload)


def crew_papers(tx: Tx, crew: dict[str, Any], orders: list[dict[str, Any]]) -> list[int]:
    """A crew's papers on the slip printer: its list, then one slip per order (a cut
    slip, or a reconnection slip). The ids of the jobs queued."""
    if not tx.branch.slip_printer:
        raise Conflict(
            "this branch has no slip printer: download the PDF instead", code="no_slip_printer"
        )
    base = _base(tx)
    target = tx.branch.slip_printer
    day = tx.business_day.isoformat()
    ids = [
        _add(tx, target, "print", "crew-list", {**base, "day": day, "crew": crew, "orders": orders})
    ]
    for o in orders:
        doc = "cut-slip" if o["kind"] == "cut" else "reconnect-slip"
        ids.append(_add(tx, target, "print", doc, {**base, "order": o, "crew": crew}))
    return ids
