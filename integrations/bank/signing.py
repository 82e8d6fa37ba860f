"""How a bank notification is signed: HMAC-SHA256 over ``"{timestamp}.{raw body}"`` with
the secret the bank and the hall share, sent as ``X-Bank-Signature: sha256=<hex>`` beside
``X-Bank-Timestamp: <unix seconds>``.

The timestamp is inside the signature so an old notification cannot be sent again with a
new time; the hall refuses one older than its window (``bank.max_age_s``) and takes a
bank transaction id once, so a replay inside the window changes nothing either.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE = "X-Bank-Signature"
TIMESTAMP = "X-Bank-Timestamp"
_PREFIX = "sha256="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for this body sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return _PREFIX + mac.hexdigest()


def headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        TIMESTAMP: str(timestamp),
        SIGNATURE: sign(secret, timestamp, body),
        "Content-Type": "application/json",
    }


def valid(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """Compared in constant time: a forger learns nothing from how long a refusal took."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
