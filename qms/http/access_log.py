"""The access log without secrets: a kiosk or display opened as ``/kiosk/?token=…``
carries its device token in the query, and uvicorn's access log writes the whole path."""

from __future__ import annotations

import logging
import re

#: ``token=VALUE`` in a query string (``?token=`` or ``&token=``, any case)
_TOKEN = re.compile(r"([?&][^=&#\s]*token=)[^&#\s]*", re.IGNORECASE)
ACCESS_LOGGER = "uvicorn.access"


def redact(text: str) -> str:
    return _TOKEN.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Rewrites the path argument of uvicorn's access records (``%s - "%s %s HTTP/%s"
    %d``); every record still passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """Once per process (again is harmless): on the logger itself, so it holds whatever
    handlers the server's logging config gives it."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
