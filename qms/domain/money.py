"""Amounts as the hall takes them: whole đồng (no minor unit), never a float or a string,
and within what one hall can hold (a number past that is a typo, and past 2**63 no
database column could keep it)."""

from __future__ import annotations

from qms.domain.errors import BadRequest

MAX_VND = 10**12  # a thousand billion đồng


def vnd(value: object, field: str, *, zero_ok: bool = False) -> int:
    """A whole number of đồng: positive, or non-negative with ``zero_ok``."""
    low = 0 if zero_ok else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_VND:
        what = "non-negative" if zero_ok else "positive"
        raise BadRequest(
            f"{field} is a {what} whole number of đồng, at most {MAX_VND}",
            code="invalid_amount",
            field=field,
        )
    return value
