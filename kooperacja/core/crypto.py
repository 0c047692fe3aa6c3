"""Sealing values with FIELD_ENCRYPTION_KEY (Fernet: AES with an authentication tag).

Used wherever personal data or secrets would otherwise rest in clear outside their own
table: e-mails waiting in the task queue (addresses, invitation and reset links), and later
encrypted personal fields.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SealBroken(Exception):
    """The sealed value was not made with this deployment's key, or was changed."""


@functools.cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def seal(value: Any) -> str:
    """Encrypt a JSON-serialisable value into a printable token."""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(json.dumps(value).encode()).decode()


def unseal(token: str) -> Any:
    """The value sealed in `token`; SealBroken when it cannot be read with the key."""
    try:
        return json.loads(_fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()))
    except (InvalidToken, ValueError):
        raise SealBroken("the sealed value cannot be read with FIELD_ENCRYPTION_KEY") from None


def keyed_hash(purpose: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256 under FIELD_ENCRYPTION_KEY) for finding an encrypted value by
    its exact text without storing the text: without the key the hash cannot be recomputed
    from a guess. `purpose` keeps hashes of different kinds of value apart."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.FIELD_ENCRYPTION_KEY.encode(), message, hashlib.sha256).hexdigest()
