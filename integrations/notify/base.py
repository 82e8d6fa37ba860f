"""The one notification gateway interface the hall speaks (docs/notify.md).

A send ends in one of four ways, and the notifier acts on each differently:
the gateway's id (taken), ``Rejected`` (permanent: a bad number, a bad template; the
message fails at once), ``Unavailable`` (nothing was taken: 5xx, 429, refused
connection; retried after a backoff, or after the gateway's Retry-After), ``Unknown`` (a
timeout or an unreadable answer: it may have been taken; sent again with the SAME key,
which the gateway deduplicates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the adapters need only the settings' shape
    from qms.config import NotifySettings


@dataclass(frozen=True, slots=True)
class Message:
    """One message as a gateway needs it; ``key`` is ours and makes it once."""

    key: str
    kind: str  # near | called
    channel: str  # sms | zalo: the customer's choice
    phone: str  # 84912345678
    text: str  # the Vietnamese text (with the English beside)
    plain: str  # the same without diacritics: what an SMS carries
    params: dict[str, Any] = field(default_factory=dict)  # a ZNS template's data


class GatewayError(Exception):
    """A send that did not end in the gateway's id; ``code``: the gateway's own, if any."""

    def __init__(self, message: str, *, gateway_code: str = "") -> None:
        super().__init__(message)
        self.code = gateway_code

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} ({self.code})" if self.code else text


class Rejected(GatewayError):
    """Permanent: sending the same again would be refused again."""


class Unavailable(GatewayError):
    """Nothing was taken; try later (``retry_after``: seconds the gateway asked for)."""

    def __init__(
        self, message: str, *, gateway_code: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(message, gateway_code=gateway_code)
        self.retry_after = retry_after


class Unknown(GatewayError):
    """It may have been taken: send again with the same key."""


class Gateway(Protocol):
    async def send(self, message: Message) -> str:
        """The gateway's id of the message; raises Rejected, Unavailable or Unknown."""
        ...

    async def aclose(self) -> None: ...


#: where the simulator serves each shape (integrations/notify/simulator)
SMS_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
ZNS_PATH = "/message/template"


class ByChannel:
    """One gateway per channel: the simulator serves both, a real hall uses one kind."""

    def __init__(self, gateways: dict[str, Gateway]) -> None:
        self.gateways = gateways

    async def send(self, message: Message) -> str:
        gateway = self.gateways.get(message.channel) or next(iter(self.gateways.values()))
        return await gateway.send(message)

    def channel_of(self, message: Message) -> str:
        """The channel a message actually goes by (a hall with SMS only sends SMS)."""
        return message.channel if message.channel in self.gateways else next(iter(self.gateways))

    async def aclose(self) -> None:
        for g in {id(g): g for g in self.gateways.values()}.values():
            await g.aclose()


def make_gateway(settings: NotifySettings, simulator_url: str | None) -> ByChannel:
    """The gateway of ``notify.gateway``: the simulator at ``simulator_url`` (both shapes,
    each message by its channel), or the configured SMS or ZNS gateway for every message."""
    from integrations.notify.sms import SmsGateway
    from integrations.notify.zalo import ZaloGateway

    timeout = settings.timeout_s
    if settings.gateway == "simulator":
        if not simulator_url:
            raise ValueError("notify.gateway is simulator but no simulator runs")
        base = simulator_url.rstrip("/")
        sms = SmsGateway(
            base + SMS_PATH, "sim-api-key", "sim-secret-key", settings.sms.brandname, timeout
        )
        zalo = ZaloGateway(
            base + ZNS_PATH,
            "sim-access-token",
            {"near": settings.zalo.template_near, "called": settings.zalo.template_called},
            timeout,
        )
        return ByChannel({"sms": sms, "zalo": zalo})
    if settings.gateway == "sms":
        s = settings.sms
        if not s.api_key or not s.secret_key:
            raise ValueError("notify.sms.api_key and secret_key are needed")
        return ByChannel({"sms": SmsGateway(s.url, s.api_key, s.secret_key, s.brandname, timeout)})
    z = settings.zalo
    if not z.access_token:
        raise ValueError("notify.zalo.access_token is needed")
    templates = {"near": z.template_near, "called": z.template_called}
    return ByChannel({"zalo": ZaloGateway(z.url, z.access_token, templates, timeout)})
