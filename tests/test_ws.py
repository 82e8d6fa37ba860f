"""The websocket protocol: snapshot then events in seq order, replay after loss or
reconnect, trimmed views, and bad frames answered in the error shape."""

from __future__ import annotations

import contextlib
import json
import random
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import Customers, HallServer
from tests.hallclient import Staff
from tests.wsclient import ViewClient

SCALE_OUT = True  # runs on SQLite + in-process bus and on PostgreSQL + Redis


def current_seq(staff: dict[str, Staff]) -> int:
    return int(staff["sup"].get("/api/snapshot?view=supervisor")["seq"])


def busy_hall(staff: dict[str, Staff], customers: Customers, rounds: int) -> None:
    """Issue, find, call, collect: a stream of every kind of event."""
    for _ in range(rounds):
        t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
        inv = t["customers"][0]["invoices"][0]
        who = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        who.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/deferred")
        who.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
        staff["c1"].act("call", number=t["number"])
        staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])


def test_snapshot_then_events_in_order(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    client = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    snap = client.recv()
    assert snap["type"] == "snapshot" and snap["view"] == "supervisor"
    client.apply(snap)
    start = client.last
    busy_hall(staff, customers, 2)
    client.until_seq(current_seq(staff))
    seqs = [f["seq"] for f in client.frames if f["type"] == "event"]
    assert seqs == list(range(start + 1, client.last + 1))
    # the workers' news (CMIS confirmations, printed tickets) interleave at their own pace
    kinds = [
        f["event"]
        for f in client.frames
        if f["type"] == "event" and f["event"] not in ("payment.confirmed", "device.job")
    ]
    one = [
        "ticket.issued",
        "invoice.deferred",
        "invoice.found",
        "ticket.called",
        "payment.collected",
    ]
    assert kinds == one * 2
    assert client.tickets[max(client.tickets)]["status"] == "done"
    client.close()


def test_client_that_drops_messages_converges(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    rng = random.Random(7)
    lossy = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    lossy.apply(lossy.recv())
    first = lossy.last + 1
    lossy.drop = {s for s in range(first, first + 60) if rng.random() < 0.3}
    dropped = len(lossy.drop)
    busy_hall(staff, customers, 8)
    fresh = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    fresh.apply(fresh.recv())
    lossy.until_seq(fresh.last)
    assert dropped > 0 and lossy.gaps > 0, "the test must really lose messages"
    for number, ticket in fresh.tickets.items():
        assert lossy.tickets[number] == ticket
    for number, ticket in lossy.tickets.items():
        if number not in fresh.tickets:
            assert ticket["status"] == "done"
    lossy.close()
    fresh.close()


def test_reconnect_replays_exactly_what_was_missed(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    client = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    client.apply(client.recv())
    left_at = client.last
    client.close()
    busy_hall(staff, customers, 2)  # happens while the client is away
    final = current_seq(staff)
    client.frames.clear()
    client.connect(since=left_at)
    client.until_seq(final)
    replayed = [f["seq"] for f in client.frames if f["type"] in ("event", "snapshot")]
    assert replayed == list(range(left_at + 1, final + 1))
    client.close()


def test_far_behind_or_unknown_since_gets_a_snapshot(
    hall: HallServer, staff: dict[str, Staff]
) -> None:
    before = current_seq(staff)
    client = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect(since=10**9)
    msg = client.recv()
    # the workers (CMIS confirmations, printing) may add events meanwhile
    assert msg["type"] == "snapshot" and before <= msg["seq"] <= current_seq(staff)
    client.close()


def test_display_view_carries_no_names_codes_or_amounts(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, demo: Any
) -> None:
    display = ViewClient(hall.ws_url, "demo-display-1", "display").connect()
    display.apply(display.recv())
    code = customers.take(invoices=2)
    t = staff["reception"].post("/api/tickets", {"customers": [code]})
    staff["c3"].act("call", number=t["number"])
    staff["c3"].act("recall")
    staff["c3"].act("park")
    display.until_event("ticket.parked", t["number"])
    called = [f for f in display.frames if f.get("event") == "ticket.called"]
    assert called and called[-1]["data"]["ticket"]["number"] == t["number"]
    assert called[-1]["data"]["ticket"]["counter"] == {"code": "C3", "name": "Quầy 3"}
    recalled = [f for f in display.frames if f.get("event") == "ticket.recalled"]
    assert recalled[-1]["data"]["ticket"]["recalls"] == 1
    text = json.dumps(display.frames, ensure_ascii=False)
    c = demo.customers[code]
    for secret in (
        c.name,
        c.code,
        c.address,
        str(c.invoices[0].total),
        '"total',
        '"customers"',
        '"address"',
    ):
        assert secret not in text
    display.close()


def test_lookup_view_shows_only_its_parity(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    even = ViewClient(hall.ws_url, staff["even"].token, "lookup-even").connect()
    even.apply(even.recv())
    e_code, o_code = customers.take(parity="even"), customers.take(parity="odd")
    t = staff["reception"].post("/api/tickets", {"customers": [e_code, o_code]})
    even.until_event("ticket.issued", t["number"])
    mine = even.tickets[t["number"]]
    assert mine["invoices"] and {i["customer_code"] for i in mine["invoices"]} == {e_code}
    assert all("total" not in i for i in mine["invoices"])
    assert "customers" not in mine
    even.close()


def test_lookup_views_hear_payments_without_their_money(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    """A lookup clerk learns that a paper was paid, never how much, by whom, nor its receipt."""
    even = ViewClient(hall.ws_url, staff["even"].token, "lookup-even").connect()
    even.apply(even.recv())
    sup = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    sup.apply(sup.recv())
    t = staff["reception"].post("/api/tickets", {"customers": [customers.take(parity="even")]})
    inv = t["customers"][0]["invoices"][0]
    staff["even"].post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    staff["c2"].act("call", number=t["number"])
    paid = staff["c2"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    txn = paid["payments"][0]["txn_id"]
    while True:  # the supervisor hears CMIS's answer: its seq bounds what lookup must see
        msg = sup.recv(timeout=30)
        sup.apply(msg)
        if msg.get("event") == "payment.confirmed" and msg["data"]["payment"]["txn_id"] == txn:
            break
    even.until_seq(msg["seq"], timeout=30)
    heard = [f for f in even.frames if str(f.get("event", "")).startswith("payment.")]
    assert {f["event"] for f in heard} >= {"payment.collected", "payment.confirmed"}
    collected = next(f for f in heard if f["event"] == "payment.collected")
    assert collected["data"]["ticket"]["invoices"][0]["pay_status"] == "paid"
    text = json.dumps(heard, ensure_ascii=False)
    for secret in (txn, '"total"', '"cashier"', '"receipt_no"', '"payment"', '"payments"'):
        assert secret not in text, secret
    even.close()
    sup.close()


def frames(hall: HallServer, token: str | None, *sent: Any) -> list[dict[str, Any]]:
    """Send raw frames and collect the answers until the server has answered a final ping."""
    out = []
    with connect(hall.ws_url, open_timeout=10) as ws:
        if token:
            ws.send(json.dumps({"type": "auth", "token": token}))
            out.append(json.loads(ws.recv(timeout=10)))
        # the server may close (4401) before the last frame is even sent: its answers
        # before the close are still read below
        with contextlib.suppress(ConnectionClosed):
            for frame in sent:
                ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))
            ws.send(json.dumps({"type": "ping"}))
        try:
            while True:
                msg = json.loads(ws.recv(timeout=10))
                out.append(msg)
                if msg["type"] == "pong":
                    break
        except ConnectionClosed as closed:
            out.append({"type": "closed", "code": closed.rcvd.code if closed.rcvd else None})
    return out


def test_bad_frames_get_errors_and_the_connection_lives(
    hall: HallServer, staff: dict[str, Staff]
) -> None:
    got = frames(
        hall,
        staff["sup"].token,
        "{oops",
        "[1]",
        {"type": "dance"},
        {"type": []},  # found by the fuzzer: an unhashable type once dropped the connection
        b"\x00binary",
        {"type": "subscribe", "view": "everything"},
        {"type": "resume", "since": 3},
        {"type": "subscribe", "view": "supervisor", "since": -1},
        json.dumps({"type": "auth", "token": "x" * 5000}),
    )
    assert got[0]["type"] == "ready"
    codes = [m["code"] for m in got if m["type"] == "error"]
    assert codes == [
        "malformed_frame",
        "unknown_message",
        "unknown_message",
        "unknown_message",
        "malformed_frame",
        "invalid_view",
        "not_subscribed",
        "invalid_since",
        "frame_too_large",
    ]
    for m in got:
        if m["type"] == "error":
            assert set(m) == {"type", "code", "message", "message_en", "details"}
    assert got[-1]["type"] == "pong"


def test_views_are_checked_against_the_role(hall: HallServer, staff: dict[str, Staff]) -> None:
    got = frames(
        hall,
        "demo-display-1",
        {"type": "subscribe", "view": "supervisor"},
        {"type": "subscribe", "view": "cashier:C1"},
        {"type": "subscribe", "view": "lookup-odd"},
    )
    assert [m.get("code") for m in got[1:-1]] == ["wrong_role", "wrong_role", "wrong_role"]
    got = frames(hall, staff["c1"].token, {"type": "subscribe", "view": "cashier:C2"})
    assert got[1]["code"] == "wrong_counter"
    got = frames(hall, staff["c1"].token, {"type": "subscribe", "view": "cashier:C1"})
    assert got[1]["type"] == "snapshot"


def test_no_auth_closes_4401(hall: HallServer) -> None:
    got = frames(hall, None, {"type": "subscribe", "view": "display"})
    assert got[0]["code"] == "unauthenticated"
    assert got[-1] == {"type": "closed", "code": 4401}
    got = frames(hall, None, {"type": "auth", "token": "forged"})
    assert got[0]["code"] == "unauthenticated" and got[-1]["code"] == 4401


def test_permessage_deflate_is_declined(hall: HallServer) -> None:
    """Browsers offer it; the server answers without it (docs/protocol.md): small JSON on
    a LAN gains nothing, and each connection's zlib state cost the server ~40 KiB."""
    with connect(hall.ws_url, open_timeout=10, compression="deflate") as ws:
        assert ws.response is not None
        assert "Sec-WebSocket-Extensions" not in ws.response.headers
        ws.send(json.dumps({"type": "auth", "token": "demo-display-1"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
