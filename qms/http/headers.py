"""Security headers on every HTTP answer: pages load only the server's own assets, and
a redirect never sends the browser to the host a request's ``Host`` header named."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; connect-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*map(relative_location, message["headers"]), *HEADERS]
                if scope["path"].startswith("/api/"):
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def relative_location(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    """A ``Location`` made absolute from the request (Starlette's slash redirects, a
    page folder's) goes back to its path: the browser resolves it against the address it
    used, not against whatever the ``Host`` header said."""
    name, value = header
    if name.lower() != b"location" or not value.lower().startswith((b"http://", b"https://")):
        return header
    parts = urlsplit(value.decode("latin-1"))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return name, ("/" + path.lstrip("/")).encode("latin-1")
