"""How the hall writes money, time and amounts in words on screens and paper."""

from __future__ import annotations

import pytest

from qms.words import datetime_, error_text, money
from qms.words.in_words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (2002089, "Hai triệu không trăm lẻ hai nghìn không trăm tám mươi chín đồng"),
        (105000, "Một trăm lẻ năm nghìn đồng"),
        (21000, "Hai mươi mốt nghìn đồng"),
        (115, "Một trăm mười lăm đồng"),
        (1000050, "Một triệu không trăm năm mươi đồng"),
        (
            1234567890,
            "Một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi đồng",
        ),
        (0, "Không đồng"),
        (-3000, "Âm ba nghìn đồng"),
    ],
)
def test_amount_in_words_as_a_cash_document_writes_it(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_money_and_time_as_the_hall_writes_them() -> None:
    assert money(2002089) == "2.002.089 đ"
    assert money(0) == "0 đ"
    assert datetime_("2026-12-07T01:00:52") == "07/12/2026 01:00"


def test_a_refusal_reads_with_the_amounts_formatted() -> None:
    text = error_text("tendered_short", {"tendered": 2000000, "amount": 2002089})
    assert text is not None and "2.000.000 đ" in text and "2.002.089 đ" in text


def test_a_moment_on_the_wire_reads_in_the_halls_time() -> None:
    """Times travel as UTC; a person reads the hall's clock."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from qms.words import format as words_format

    words_format.use_zone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert datetime_("2026-12-06T18:00:52+00:00") == "07/12/2026 01:00"
    assert datetime_(dt.datetime(2026, 12, 6, 18, 0, tzinfo=dt.UTC)) == "07/12/2026 01:00"
