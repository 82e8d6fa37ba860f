"""One error shape for every refusal:
``{"error": {"code", "message", "message_en", "details"}}``.

Domain code raises these; HTTP and websocket layers translate them unchanged, so a
refusal reads the same to a kiosk, a console and a test. ``code`` and ``details`` are for
programs; ``message`` (Vietnamese) and ``message_en`` are the hall's words for the code
(qms/words), filled from the details. The English given to the constructor is for logs.
"""

from __future__ import annotations

from typing import Any

from qms.words import error_text


class QmsError(Exception):
    """Base of every refusal the hall explains to its user."""

    status = 400
    code = "bad_request"
    audited = False  # set once the refusal is in the audit log

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        vi = error_text(self.code, self.details, "vi")
        en = error_text(self.code, self.details, "en")
        return {
            "error": {
                "code": self.code,
                "message": vi or self.message,
                "message_en": en or self.message,
                "details": self.details,
            }
        }


class BadRequest(QmsError):
    """The request itself is malformed (JSON, fields, types)."""


class Unauthenticated(QmsError):
    status = 401
    code = "unauthenticated"


class Forbidden(QmsError):
    """Right credentials, wrong role or wrong counter."""

    status = 403
    code = "forbidden"


class NotFound(QmsError):
    status = 404
    code = "not_found"


class Conflict(QmsError):
    """The action does not fit the current state (F4 twice, counter busy...)."""

    status = 409
    code = "conflict"


class Unprocessable(QmsError):
    """Well-formed but refused by a rule (periods out of order, amount mismatch)."""

    status = 422
    code = "refused"


class TooLarge(QmsError):
    status = 413
    code = "body_too_large"


class UnsupportedMediaType(QmsError):
    status = 415
    code = "unsupported_media_type"


class TooMany(QmsError):
    status = 429
    code = "too_many_requests"


class DependencyFailed(QmsError):
    """CMIS could not answer usefully; nothing was changed on our side."""

    status = 424
    code = "cmis_unavailable"


class StoreUnavailable(QmsError):
    """The database dropped the connection or is not answering. ``applied`` says whether
    the change is known not to have happened ("no") or cannot be known ("unknown": the
    connection went during the commit)."""

    status = 503
    code = "store_unavailable"
