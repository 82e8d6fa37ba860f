"""The notifier's rules that need no gateway: the pacing (sends start at most
``rate_per_s`` a second, a gateway's Retry-After holds them all; on a clock the test
moves, nothing waits), the backoff, and the reasons kept without phone numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.notify.base import make_gateway
from integrations.notify.sms import gsm7
from qms.config import NotifySettings
from qms.domain import commands as c
from qms.domain import notice_sends, notices
from qms.domain.notice_sends import backoff, reason
from qms.storage.models import OutMessage
from qms.usecases.auth import Principal
from qms.workers.notifier import Pace
from tests.fast.conftest import BRANCH, Rig


class Ticks:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_sends_are_spaced_at_the_rate_and_a_hold_pushes_them_all_back() -> None:
    now = Ticks()
    pace = Pace(4.0, now)
    assert [pace.slot() for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]  # 4 a second, no more
    now.t += 5  # idle a while: the next goes at once, no burst credit is saved up
    assert pace.slot() == 0.0
    assert pace.slot() == 0.25
    pace.hold(2.0)  # a 429 asked for two seconds
    assert pace.slot() == 2.0


def test_a_gateways_reason_never_keeps_a_phone_number() -> None:
    assert reason("Phone 0912 345 678 blocked (99)") == "Phone … blocked (99)"
    assert reason("+84912345678 invalid (-108)") == "… invalid (-108)"


def test_backoff_doubles_to_its_bound() -> None:
    assert [backoff(a, 1.0, 5.0).total_seconds() for a in (1, 2, 3, 4)] == [1, 2, 4, 5]
    assert dt.timedelta(0) < backoff(1, 0.5, 60) < dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("gateway", "missing"),
    [("simulator", "no simulator"), ("sms", "api_key"), ("zalo", "access_token")],
)
def test_a_gateway_without_what_it_needs_is_refused_at_start(gateway: str, missing: str) -> None:
    with pytest.raises(ValueError, match=missing):
        make_gateway(NotifySettings(gateway=gateway), None)  # type: ignore[arg-type]


def test_an_sms_is_gsm_7bit_even_with_a_dash_in_the_branchs_name() -> None:
    branch = "Điện lực Sài Gòn — Phòng thu tiền"
    text = gsm7(notices.text("near", {"number": 12, "ahead": 2}, branch, plain=True))
    assert "Dien luc Sai Gon - Phong thu tien" in text and "?" not in text
    assert len(text) <= 160  # one message
    assert gsm7("Số “12” → quầy 2") == 'S? "12" ? qu?y 2'  # never sent unplain: still safe


def test_a_send_whose_outcome_is_never_recorded_goes_again_then_fails(rig: Rig) -> None:
    """A crash between the claim and the outcome: the claim's time brings the message
    back with the same key; after ``tries`` claims with no outcome it fails."""
    rig.open_drawers("c1")
    t = rig.find(
        rig.do(
            "reception",
            c.IssueTicket(customers=(rig.cmis.customer(),), phone="84912345678", consent=True),
        )
    )
    rig.do("c1", c.CallNumber(counter="C1", number=t["number"]))
    system = Principal("device", "notifier", "system", BRANCH)
    [(message_id, _)] = rig.read(notice_sends.due, rig.clock.now(), 10)
    later = dt.timedelta(seconds=6)

    def claim() -> notice_sends.Claimed | None:
        got = rig.run(rig.hall.change(system, notice_sends.claim, message_id, later, 2))
        return got  # type: ignore[no-any-return]

    first = claim()
    assert (
        first is not None
        and first.attempts == 1
        and first.key == f"PE0100-{rig.day:%Y%m%d}-{t['id']}-called"
    )
    assert claim() is None  # not due again before its time
    rig.clock.move(seconds=6)
    second = claim()
    assert second is not None and second.key == first.key and second.attempts == 2
    rig.clock.move(seconds=6)
    assert claim() is None
    m = rig.read(lambda s: s.get(OutMessage, message_id))
    assert (m.status, m.attempts) == ("failed", 2)
