"""The one JSON reader for what the hall is sent (HTTP bodies, websocket frames).

``json.loads`` accepts more than the hall can hold: nesting deep enough to exhaust the
stack, lone surrogates no database or printer can encode, ``NaN``, and integers past
what a 64-bit column stores. Each would surface later as a crash; here each is a refusal
in the one error shape, before anything reads the value.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from qms.domain.errors import BadRequest

#: nesting a request may use: the deepest body the hall reads is three levels
MAX_DEPTH = 32
#: the integers a database column stores (signed 64-bit)
MAX_INT = 2**63 - 1
MIN_INT = -(2**63)
_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(raw: str | bytes, *, code: str, what: str = "request body") -> Any:
    """``raw`` as JSON, or ``BadRequest(code)`` saying why not (``details.reason``)."""
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    except _Refused as e:
        _refuse(what, code, str(e))
    except RecursionError:
        _refuse(what, code, f"nested deeper than {MAX_DEPTH} levels")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(f"{what} is not valid JSON", code=code) from None
    _check(value, what, code)
    return value


def _refuse(what: str, code: str, reason: str) -> NoReturn:
    raise BadRequest(f"{what} is not accepted: {reason}", code=code, reason=reason) from None


class _Refused(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number the hall accepts")


def _int(text: str) -> int:
    value = int(text)
    if not MIN_INT <= value <= MAX_INT:
        raise _Refused("an integer outside the signed 64-bit range")
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("a number too large to be finite")
    return value


def _check(value: Any, what: str, code: str) -> None:
    """Depth and text, walked without recursion (the value may be 2,000 levels deep)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                _refuse(what, code, "text with a lone surrogate (not UTF-8)")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            _refuse(what, code, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        else:
            stack.extend((v, depth + 1) for v in item)
