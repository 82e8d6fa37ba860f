"""A customer's messages (docs/notify.md), as the follow page's holder changes them:
withdrawing consent. The follow token is the only credential, as for the follow view."""

from __future__ import annotations

from typing import Any

from qms.domain import notices
from qms.domain.tx import Tx
from qms.usecases import follow
from qms.usecases.auth import Principal
from qms.usecases.hall import Hall


def _withdraw(tx: Tx, token: str) -> dict[str, Any]:
    return notices.withdraw(tx, follow.find(tx.session, token))


async def withdraw(hall: Hall, token: str) -> dict[str, Any]:
    """Stop the messages of the ticket behind ``token``: the number is erased at once,
    whatever the day (a closed day erased it already: the answer says withdrawn)."""
    branch_id = await hall.read(follow.branch_of, token)
    holder = Principal("device", "follow", "system", branch_id)
    result: dict[str, Any] = await hall.change(holder, _withdraw, token, action="notify.withdraw")
    return result
