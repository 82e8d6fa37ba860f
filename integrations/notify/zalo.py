"""Zalo ZNS, send by phone number (docs/notify.md cites what this relies on): POST the
template URL with header ``access_token``, JSON {phone, template_id, template_data,
tracking_id}; answered {"error": 0, "message", "data": {"msg_id", "sent_time"}}.

A nonzero ``error`` is a refusal of the message (bad number, template, data, a user who
cannot receive ZNS, quota) except -100, "unknown error, try again later". ``tracking_id``
is our key; Zalo documents it for reconciliation, not as a duplicate guard, so a resend
after a timeout may reach the phone twice on the real ZNS (the simulator dedupes by it)."""

from __future__ import annotations

from typing import Any

from integrations.notify.base import Message, Rejected, Unavailable, Unknown
from integrations.notify.wire import JsonPoster

RETRY_LATER = frozenset({-100})  # "Unknown error": Zalo says try again later


class ZaloGateway:
    def __init__(self, url: str, access_token: str, templates: dict[str, str], timeout: float):
        self.access_token = access_token
        self.templates = templates  # kind -> ZNS template id
        self._http = JsonPoster(url, timeout)

    def body(self, message: Message) -> dict[str, Any]:
        return {
            "phone": message.phone,
            "template_id": self.templates[message.kind],
            "template_data": {k: str(v) for k, v in message.params.items()},
            "tracking_id": message.key,
        }

    async def send(self, message: Message) -> str:
        answer = await self._http.post(self.body(message), {"access_token": self.access_token})
        if not isinstance(answer, dict) or not isinstance(answer.get("error"), int):
            raise Unknown("ZNS answer without an error code")
        error = answer["error"]
        text = str(answer.get("message") or "")
        if error == 0:
            data = answer.get("data")
            msg_id = data.get("msg_id") if isinstance(data, dict) else None
            if not isinstance(msg_id, str) or not msg_id:
                raise Unknown("ZNS answer without msg_id")
            return msg_id
        if error in RETRY_LATER:
            raise Unavailable(text or "ZNS unknown error", gateway_code=str(error))
        raise Rejected(text or "ZNS refused", gateway_code=str(error))

    async def aclose(self) -> None:
        await self._http.aclose()
