"""An SMS brandname gateway's JSON API, in eSMS.vn's shape (the common Vietnamese one;
docs/notify.md cites it): POST {ApiKey, SecretKey, Phone, Content, Brandname, SmsType,
IsUnicode, Sandbox, RequestId}, answered {CodeResult, SMSID, ErrorMessage} with HTTP 200.

``RequestId`` is our key: the gateway blocks a repeat of it (code 124, "Duplicate
RequestId"), so a resend after a timeout never reaches the phone twice; 124 is taken as
"already sent". The text goes without diacritics (GSM 7-bit: one SMS, not three)."""

from __future__ import annotations

from typing import Any

from integrations.notify.base import Message, Rejected, Unavailable, Unknown
from integrations.notify.wire import JsonPoster

#: 100: taken. 124: this RequestId was taken before (ours: a resend). The rest, by meaning:
OK, DUPLICATE = "100", "124"
#: the message itself is refused: blocked or malformed number, brandname, type, template
REJECTED = frozenset({"99", "104", "108", "118", "146", "177"})
#: the account is refused (keys, price list, balance, IP): an operator can fix it, so
#: the message waits for its retries; anything else unknown is retried too (same key)
SMS_TYPE = "2"  # customer care (chăm sóc khách hàng), the type a brandname notice goes by

#: GSM 03.38's basic characters: a text of only these is sent as 7-bit, 160 a message
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_LOOKALIKE = {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "·": "."}


def gsm7(text: str) -> str:
    """The text in GSM 7-bit (``IsUnicode`` 0): dashes and quotes as their plain
    lookalikes, anything else outside the alphabet as "?" (the branch's name may hold
    a "—"; one such character would make the gateway garble or split the message)."""
    out = "".join(_LOOKALIKE.get(ch, ch) for ch in text)
    return "".join(ch if ch in GSM7 else "?" for ch in out)


def local(phone: str) -> str:
    """84912345678 -> 0912345678, the form the gateway's examples use."""
    return "0" + phone[2:] if phone.startswith("84") else phone


class SmsGateway:
    def __init__(
        self, url: str, api_key: str, secret_key: str, brandname: str, timeout: float
    ) -> None:
        self.api_key = api_key
        self.secret_key = secret_key
        self.brandname = brandname
        self._http = JsonPoster(url, timeout)

    def body(self, message: Message) -> dict[str, Any]:
        return {
            "ApiKey": self.api_key,
            "SecretKey": self.secret_key,
            "Phone": local(message.phone),
            "Content": gsm7(message.plain),
            "Brandname": self.brandname,
            "SmsType": SMS_TYPE,
            "IsUnicode": "0",
            "Sandbox": "0",
            "RequestId": message.key,
        }

    async def send(self, message: Message) -> str:
        answer = await self._http.post(self.body(message), {})
        if not isinstance(answer, dict) or "CodeResult" not in answer:
            raise Unknown("SMS gateway answer without CodeResult")
        code = str(answer["CodeResult"])
        error = str(answer.get("ErrorMessage") or "")
        if code == OK:
            sms_id = answer.get("SMSID")
            if not isinstance(sms_id, str) or not sms_id:
                raise Unknown("SMS gateway answer without SMSID")
            return sms_id
        if code == DUPLICATE:
            return f"dup:{message.key}"  # taken by an earlier send of ours
        if code in REJECTED:
            raise Rejected(error or "SMS refused", gateway_code=code)
        raise Unavailable(error or "SMS gateway refused the account", gateway_code=code)

    async def aclose(self) -> None:
        await self._http.aclose()
