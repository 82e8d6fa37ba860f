"""Public follow-my-ticket routes: the page a ticket's QR code opens, the QR itself, the
JSON of its view, and the socket that pushes that view when it changes. No token of a
user or a device: the follow token is the key."""

from __future__ import annotations

import functools
import importlib.resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from qms.devices import qr
from qms.domain.errors import QmsError
from qms.live import follow_ws
from qms.usecases import follow, notify
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    hall: Hall = request.app.state.hall  # Starlette's State holds Any
    return hall


@functools.cache
def _page() -> bytes:
    return (importlib.resources.files("kiosk") / "follow.html").read_bytes()


def follow_url(request: Request, token: str) -> str:
    """``server.public_url`` if set (a kiosk opened as 127.0.0.1 would print a QR no phone
    can reach), else the address the connection came in on: never the ``Host`` header,
    which whoever sends the request writes (a QR to another site)."""
    base = request.app.state.settings.server.public_url or bound_url(request)
    return f"{base.rstrip('/')}/t/{token}"


def bound_url(request: Request) -> str:
    """The server's own address for this connection (the socket's, as the ASGI server
    reports it), with the scheme it was reached by."""
    server = request.scope.get("server")
    if not server:
        settings = request.app.state.settings.server
        server = (settings.host, settings.port)
    host, port = server[0], server[1]
    if ":" in host:  # IPv6
        host = f"[{host}]"
    scheme = str(request.scope.get("scheme", "http"))
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


async def _view(request: Request) -> dict[str, object]:
    hall = _hall(request)
    token = request.path_params["token"]
    clock = hall.clock
    return await hall.read(
        follow.public_view, hall.branches, token, clock.business_day(), clock.now()
    )


async def page(request: Request) -> Response:
    """The page; for an unknown token it still comes (with 404) and says so itself."""
    hall = _hall(request)
    try:
        await hall.read(follow.find, request.path_params["token"])
        status = 200
    except QmsError:
        status = 404
    return HTMLResponse(_page(), status_code=status, headers={"cache-control": "no-cache"})


async def qr_svg(request: Request) -> Response:
    token = request.path_params["token"]
    await _hall(request).read(follow.find, token)
    return Response(
        qr.svg(follow_url(request, token)),
        media_type="image/svg+xml",
        headers={"cache-control": "private, max-age=86400"},
    )


async def status(request: Request) -> Response:
    return JSONResponse(await _view(request))


async def stop_messages(request: Request) -> Response:
    """The holder withdraws consent: no more messages, the number erased."""
    hall = _hall(request)
    return JSONResponse(await notify.withdraw(hall, request.path_params["token"]))


routes = [
    Route("/t/{token}", page),
    Route("/t/{token}/qr.svg", qr_svg),
    Route("/api/follow/{token}", status),
    Route("/api/follow/{token}/stop", stop_messages, methods=["POST"]),
    WebSocketRoute("/t/{token}/ws", follow_ws.endpoint),
]
