"""The notification gateway simulator on loopback, through the hall's own SMS and ZNS
adapters: the exact requests they send, dedupe by our key, and each fault."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from integrations.cmis.simulator.server import RunningSimulator, start_simulator
from integrations.notify.base import SMS_PATH, ZNS_PATH, Message, Rejected, Unavailable, Unknown
from integrations.notify.simulator.app import create_app
from integrations.notify.sms import SmsGateway
from integrations.notify.zalo import ZaloGateway
from tests.conftest import run_async
from tests.integrations.conftest import LoopThread

PHONE = "84912345678"
TEMPLATES = {"near": "301001", "called": "301002"}


@pytest.fixture
def sim(loop_thread: LoopThread) -> Iterator[RunningSimulator]:
    """A fresh gateway per test: its inbox and faults are the test's own."""
    running = loop_thread.run(start_simulator(create_app(), "127.0.0.1", 0))
    yield running
    loop_thread.run(running.stop(grace=3))  # a held answer ends first


def message(key: str, phone: str = PHONE, kind: str = "near") -> Message:
    return Message(
        key=key,
        kind=kind,
        channel="sms",
        phone=phone,
        text="EVNHCMC: Sắp đến lượt số 12 của bạn",
        plain="EVNHCMC: Sap den luot so 12 cua ban",
        params={"number": 12, "ahead": 2, "branch": "Điện lực thử"},
    )


def sms(sim: RunningSimulator, timeout: float = 2.0) -> SmsGateway:
    return SmsGateway(sim.url + SMS_PATH, "KEY-1", "SECRET-1", "EVNHCMC", timeout)


def zalo(sim: RunningSimulator, timeout: float = 2.0) -> ZaloGateway:
    return ZaloGateway(sim.url + ZNS_PATH, "TOKEN-1", TEMPLATES, timeout)


def send(gateway: SmsGateway | ZaloGateway, *messages: Message) -> list[Any]:
    """Each send's id, or the error it ended in."""

    async def go() -> list[Any]:
        out: list[Any] = []
        try:
            for m in messages:
                try:
                    out.append(await gateway.send(m))
                except (Rejected, Unavailable, Unknown) as e:
                    out.append(e)
        finally:
            await gateway.aclose()
        return out

    return run_async(go())


def inbox(sim: RunningSimulator, phone: str | None = None) -> dict[str, Any]:
    params = {"phone": phone} if phone else {}
    answer: dict[str, Any] = httpx.get(sim.url + "/messages", params=params).json()
    return answer


def faults(sim: RunningSimulator, **kw: Any) -> None:
    r = httpx.post(sim.url + "/faults", json=kw)
    assert r.status_code == 200, r.text


def test_the_sms_adapter_sends_esms_shape_and_a_repeat_is_delivered_once(
    sim: RunningSimulator,
) -> None:
    first, again = send(sms(sim), message("7:near"), message("7:near"))
    assert first == again and first.startswith("SMS-")
    got = inbox(sim, "0912345678")
    assert [m["key"] for m in got["messages"]] == ["7:near"]
    assert got["messages"][0]["request"] == {
        "ApiKey": "KEY-1",
        "SecretKey": "SECRET-1",
        "Phone": "0912345678",
        "Content": "EVNHCMC: Sap den luot so 12 cua ban",
        "Brandname": "EVNHCMC",
        "SmsType": "2",
        "IsUnicode": "0",
        "Sandbox": "0",
        "RequestId": "7:near",
    }
    assert got["counts"]["repeats"] == 1


def test_the_zns_adapter_sends_the_token_header_and_template_and_dedupes(
    sim: RunningSimulator,
) -> None:
    first, again = send(zalo(sim), message("8:called", kind="called"), message("8:called"))
    assert first == again and first.startswith("ZNS-")
    [got] = inbox(sim, PHONE)["messages"]
    assert got["credential"] == "TOKEN-1" and got["channel"] == "zalo"
    assert got["request"] == {
        "phone": PHONE,
        "template_id": "301002",
        "template_data": {"number": "12", "ahead": "2", "branch": "Điện lực thử"},
        "tracking_id": "8:called",
    }


def test_failing_then_recovering_takes_nothing_until_it_recovers(sim: RunningSimulator) -> None:
    faults(sim, fail_next=2)
    one, two, three = send(sms(sim), *(message("9:near") for _ in range(3)))
    assert isinstance(one, Unavailable) and one.code == "503"
    assert isinstance(two, Unavailable)
    assert isinstance(three, str)
    assert len(inbox(sim)["messages"]) == 1


def test_a_hang_takes_the_message_and_the_resend_with_the_same_key_is_not_delivered_again(
    sim: RunningSimulator,
) -> None:
    faults(sim, hang_next=1, hang_s=1)
    (lost,) = send(zalo(sim, timeout=0.3), message("10:near"))
    # sent again later with the same key, with the usual time to connect and answer (a
    # 0.3 s bound on the resend's connection too failed once on a loaded CI machine)
    (again,) = send(zalo(sim), message("10:near"))
    assert isinstance(lost, Unknown)  # the answer never came in time...
    assert isinstance(again, str)  # ...but it was taken: the resend answers its id
    assert [m["key"] for m in inbox(sim)["messages"]] == ["10:near"]


def test_above_its_rate_it_answers_429_with_retry_after(sim: RunningSimulator) -> None:
    faults(sim, rate_per_s=1)
    taken, limited = send(sms(sim), message("11:near"), message("12:near"))
    assert isinstance(taken, str)
    assert isinstance(limited, Unavailable) and limited.code == "429"
    assert limited.retry_after is not None and limited.retry_after >= 1
    assert [m["key"] for m in inbox(sim)["messages"]] == ["11:near"]


def test_a_rejected_number_is_refused_for_good_on_both_shapes(sim: RunningSimulator) -> None:
    faults(sim, reject=["0912345678"])
    [by_sms] = send(sms(sim), message("13:near"))
    [by_zns] = send(zalo(sim), message("14:near"))
    assert isinstance(by_sms, Rejected) and by_sms.code == "99"
    assert isinstance(by_zns, Rejected) and by_zns.code == "-108"
    assert inbox(sim)["messages"] == []


def test_an_unreachable_gateway_is_unavailable_and_bad_faults_are_refused(
    sim: RunningSimulator,
) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gone = SmsGateway(f"http://127.0.0.1:{port}{SMS_PATH}", "K", "S", "EVNHCMC", 1.0)
    [err] = send(gone, message("15:near"))
    assert isinstance(err, Unavailable)
    r = httpx.post(sim.url + "/faults", json={"fail_next": -1})
    assert r.status_code == 400 and "fail_next" in r.json()["error"]
    r = httpx.post(sim.url + SMS_PATH, json={"Phone": PHONE})
    assert r.json()["CodeResult"] == "101"  # no keys: the account is refused
