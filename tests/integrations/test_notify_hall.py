"""The notifier against the real gateway simulator on loopback, in an in-process hall
(tests/fast's Rig: real SQLite, a clock that moves only when told): messages queued by
real calls, sent exactly once per key through failures, hangs, rate limits, refusals,
withdrawals and the day's end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from integrations.cmis.simulator.server import RunningSimulator, start_simulator
from integrations.notify.base import SMS_PATH, ZNS_PATH, make_gateway
from integrations.notify.simulator.app import create_app
from qms.config import (
    NotifyRetrySettings,
    NotifySettings,
    SmsGatewaySettings,
    ZaloGatewaySettings,
)
from qms.domain import commands as c
from qms.storage.models import Event, OutMessage, TicketContact
from qms.usecases import notify
from qms.workers.notifier import Notifier
from tests.conftest import LoopThread
from tests.fast.conftest import Rig

PASSES = 60  # a bound on the notifier's passes: every test's messages settle well before


@pytest.fixture
def sim(loop_thread: LoopThread) -> Iterator[RunningSimulator]:
    running = loop_thread.run(start_simulator(create_app(), "127.0.0.1", 0))
    yield running
    loop_thread.run(running.stop(grace=3))


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path, "2.0")
    r.open_drawers("c1", "c2")
    r.gateways = []  # type: ignore[attr-defined]
    yield r
    for g in r.gateways:  # type: ignore[attr-defined]
        r.run(g.aclose())
    r.close()


def notifier(rig: Rig, sim: RunningSimulator, **kw: Any) -> Notifier:
    settings = NotifySettings(
        rate_per_s=kw.pop("rate_per_s", 100),
        timeout_s=kw.pop("timeout_s", 2.0),
        retry=NotifyRetrySettings(tries=kw.pop("tries", 8), first_s=1, max_s=60),
    )
    n = Notifier(rig.hall, make_gateway(settings, sim.url), settings)
    rig.gateways.append(n.gateway)
    return n


def faults(sim: RunningSimulator, **kw: Any) -> None:
    assert httpx.post(sim.url + "/faults", json=kw).status_code == 200


def phone(n: int) -> str:
    """As the kiosk's check stores it (the Rig builds commands unparsed)."""
    return f"849123456{n:02d}"


def queue(rig: Rig, n: int = 5, channel: str = "sms") -> list[dict[str, Any]]:
    """``n`` customers leave their numbers; the first is called: 1 "called" and the
    "near" of the next ones (near_ahead 3) are queued."""
    tickets = []
    for i in range(n):
        issue = c.IssueTicket(
            customers=(rig.cmis.customer(),), phone=phone(i), channel=channel, consent=True
        )
        tickets.append(rig.find(rig.do("reception", issue)))
    rig.do("c1", c.CallNumber(counter="C1", number=tickets[0]["number"]))
    return tickets


def key(rig: Rig, ticket: dict[str, Any], kind: str) -> str:
    """A message's key, as the gateway dedupes it: branch, day, ticket and kind."""
    return f"{rig.branch.id}-{rig.day:%Y%m%d}-{ticket['id']}-{kind}"


def messages(rig: Rig) -> list[OutMessage]:
    return rig.read(lambda s: list(s.exec(select(OutMessage).order_by(col(OutMessage.id))).all()))


def drain(rig: Rig, n: Notifier) -> None:
    """Run passes until nothing is queued, moving the hall's clock to each retry."""
    for _ in range(PASSES):
        wait = rig.run(n.run_once())
        if not any(m.status == "queued" for m in messages(rig)):
            return
        rig.clock.move(seconds=max(wait, 0.001))
    raise AssertionError(f"still queued after {PASSES} passes: {messages(rig)}")


def inbox(sim: RunningSimulator) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(sim.url + "/messages").json()
    return answer


def deliveries(sim: RunningSimulator) -> dict[str, int]:
    """key -> times it reached a phone."""
    out: dict[str, int] = {}
    for m in inbox(sim)["messages"]:
        out[m["key"]] = out.get(m["key"], 0) + 1
    return out


def events(rig: Rig, type_: str) -> list[dict[str, Any]]:
    rows = rig.read(lambda s: list(s.exec(select(Event).where(Event.type == type_)).all()))
    return [json.loads(e.payload) for e in rows]


def test_the_gateway_failing_then_recovering_delivers_each_message_exactly_once(
    rig: Rig, sim: RunningSimulator
) -> None:
    tickets = queue(rig)
    queued = messages(rig)
    assert sorted(m.kind for m in queued) == ["called", "near", "near", "near", "near"]
    faults(sim, fail_next=3)
    n = notifier(rig, sim)
    rig.run(n.run_once())  # the first three sends meet the outage
    assert sum(m.status == "sent" for m in messages(rig)) == 2
    # the queue of tickets goes on meanwhile
    rig.do("c2", c.CallNumber(counter="C2", number=tickets[1]["number"]))
    drain(rig, n)
    # 2's "near" was dropped by its call ("called" says more): every other one, once
    done = [m for m in messages(rig) if m.status != "dropped"]
    assert [m.key for m in messages(rig) if m.status == "dropped"] == [key(rig, tickets[1], "near")]
    assert deliveries(sim) == {m.key: 1 for m in done}
    assert {m.status for m in done} == {"sent"} and all(m.gateway_ref for m in done)
    # every attempt either met the outage (3) or delivered
    assert inbox(sim)["counts"]["failed"] == 3
    assert sum(m.attempts for m in messages(rig)) == len(done) + 3
    sent = events(rig, "notice.sent")
    assert len(sent) == len(done)
    assert all(set(e) == {"number", "kind", "channel"} for e in sent)  # never the phone
    # the sms carries the plain text, the ticket's number in it
    first = next(m for m in inbox(sim)["messages"] if m["key"] == key(rig, tickets[0], "called"))
    assert f"so {tickets[0]['number']}" in first["text"].lower()


def test_a_hang_is_resent_with_the_same_key_and_reaches_the_phone_once(
    rig: Rig, sim: RunningSimulator
) -> None:
    queue(rig, 2)
    faults(sim, hang_next=1, hang_s=1)
    drain(rig, notifier(rig, sim, timeout_s=0.3))
    assert inbox(sim)["counts"]["repeats"] == 1  # the resend, answered by its first id
    assert deliveries(sim) == {m.key: 1 for m in messages(rig)}
    assert sorted(m.attempts for m in messages(rig)) == [1, 2]


def test_a_rejected_number_fails_at_once_without_retry(rig: Rig, sim: RunningSimulator) -> None:
    queue(rig, 3)
    faults(sim, reject=[phone(1)])
    drain(rig, notifier(rig, sim))
    bad = [m for m in messages(rig) if m.phone == phone(1)]
    assert [(m.status, m.attempts) for m in bad] == [("failed", 1)]
    assert "99" in (bad[0].last_error or "")
    assert len(events(rig, "notice.failed")) == 1
    assert bad[0].key not in deliveries(sim)


def test_out_of_tries_the_message_fails(rig: Rig, sim: RunningSimulator) -> None:
    queue(rig, 1)
    faults(sim, fail_next=100)
    drain(rig, notifier(rig, sim, tries=3))
    [m] = messages(rig)
    assert (m.status, m.attempts) == ("failed", 3)
    assert deliveries(sim) == {}


def test_the_rate_limit_holds_the_notifier_back_and_all_is_delivered(
    rig: Rig, sim: RunningSimulator
) -> None:
    queue(rig, 5)
    faults(sim, rate_per_s=2)
    drain(rig, notifier(rig, sim, rate_per_s=100))  # faster than the gateway allows
    assert inbox(sim)["counts"]["rate_limited"] >= 1
    assert deliveries(sim) == {m.key: 1 for m in messages(rig)}


def test_zalo_chosen_goes_by_zns(rig: Rig, sim: RunningSimulator) -> None:
    queue(rig, 1, channel="zalo")
    drain(rig, notifier(rig, sim))
    [got] = inbox(sim)["messages"]
    assert got["channel"] == "zalo" and got["template_id"] == "called"
    assert got["template_data"]["branch"] == rig.branch.name


@pytest.mark.parametrize("gateway", ["sms", "zalo"])
def test_a_real_gateways_config_sends_every_message_its_way(
    rig: Rig, sim: RunningSimulator, gateway: str
) -> None:
    """notify.gateway sms (or zalo) as a hall configures it, pointed at the simulator:
    both customers' messages go by that one gateway, whatever channel they chose."""
    settings = NotifySettings(
        gateway=gateway,  # type: ignore[arg-type]
        sms=SmsGatewaySettings(url=sim.url + SMS_PATH, api_key="K", secret_key="S"),
        zalo=ZaloGatewaySettings(url=sim.url + ZNS_PATH, access_token="T", template_called="9"),
    )
    n = Notifier(rig.hall, make_gateway(settings, None), settings)
    rig.gateways.append(n.gateway)  # type: ignore[attr-defined]
    queue(rig, 2, channel="zalo" if gateway == "sms" else "sms")
    drain(rig, n)
    got = inbox(sim)["messages"]
    assert {m["channel"] for m in got} == {gateway} and len(got) == 2
    assert {m.channel for m in messages(rig)} == {gateway}  # as it went
    assert {e["channel"] for e in events(rig, "notice.sent")} == {gateway}


def test_withdrawn_between_queue_and_send_is_not_sent(rig: Rig, sim: RunningSimulator) -> None:
    tickets = queue(rig, 3)
    rig.run(notify.withdraw(rig.hall, tickets[1]["follow_token"]))
    drain(rig, notifier(rig, sim))
    gone = [m for m in messages(rig) if m.ticket_id == tickets[1]["id"]]
    assert [(m.status, m.phone, m.attempts) for m in gone] == [("dropped", None, 0)]
    assert gone[0].key not in deliveries(sim)
    assert len(deliveries(sim)) == len(messages(rig)) - 1


def test_the_next_day_the_numbers_are_erased_and_yesterdays_queue_dropped(
    rig: Rig, sim: RunningSimulator
) -> None:
    queue(rig, 2)
    rig.clock.move(days=1)
    rig.run(notifier(rig, sim).run_once())
    assert {(m.status, m.phone) for m in messages(rig)} == {("dropped", None)}
    contacts = rig.read(lambda s: list(s.exec(select(TicketContact)).all()))
    assert contacts and all(k.phone is None for k in contacts)
    assert deliveries(sim) == {}
