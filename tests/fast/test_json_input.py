"""The one JSON reader of bodies and frames: what ``json.loads`` accepts but no column,
page or printer can hold is refused with the caller's code and the reason, and what the
hall sends itself still reads."""

from __future__ import annotations

import pytest

from qms.domain import commands as c
from qms.domain import json_input
from qms.domain.errors import BadRequest

REFUSED = {
    "deep": ("[" * 100_000 + "]" * 100_000, "nested"),
    "deep_within_the_stack": ("[" * 33 + "]" * 33, "nested"),
    "deep_in_a_key's_value": ('{"a": ' + '{"a": ' * 40 + "1" + "}" * 41, "nested"),
    "lone_surrogate": ('{"name": "\\ud800"}', "surrogate"),
    "surrogate_in_a_key": ('{"\\udfff": 1}', "surrogate"),
    "nan": ('{"amount": NaN}', "NaN"),
    "infinity": ("[-Infinity]", "Infinity"),
    "huge_float": ("[1e400]", "finite"),
    "int_2_63": (str(2**63), "64-bit"),
    "int_below": (str(-(2**63) - 1), "64-bit"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_no_column_can_hold_is_refused_with_the_reason(case: str) -> None:
    raw, reason = REFUSED[case]
    with pytest.raises(BadRequest) as err:
        json_input.loads(raw, code="malformed_frame", what="frame")
    assert err.value.code == "malformed_frame"
    assert reason in err.value.details["reason"]


def test_what_the_hall_sends_reads_unchanged() -> None:
    body = (
        '{"counted": 0, "deposit": {"amount": 9223372036854775807, "bank": "Vietcombank",'
        ' "reference": "GD 1", "notes": {"500000": 3}}, "name": "Nguyễn Thị Ánh 🙂", "x": 1.5}'
    )
    got = json_input.loads(body.encode(), code="malformed_json")
    assert got["deposit"]["amount"] == 2**63 - 1 and got["name"] == "Nguyễn Thị Ánh 🙂"
    with pytest.raises(BadRequest) as err:
        json_input.loads(b"\xff{", code="malformed_json")
    assert err.value.code == "malformed_json" and "reason" not in err.value.details


@pytest.mark.parametrize("value", [2**31, -(2**31), 2**63, 0.5, True, "1"])
def test_ids_are_whole_and_fit_in_the_databases_integer_column(value: object) -> None:
    with pytest.raises(BadRequest):
        c.whole(value, "id")
    with pytest.raises(BadRequest):
        c.ticket_number(value, "number")


def test_counts_by_note_take_ascii_digits_only() -> None:
    with pytest.raises(BadRequest) as err:
        c.note_count({"5²": 1}, "notes")
    assert err.value.code == "invalid_note_count"
    assert c.note_count({"500000": 2}, "notes") == ((500_000, 2),)
