"""The second factor: TOTP (RFC 6238, pyotp) secrets sealed under the site key, codes that
are taken once, and one-time recovery codes kept only as keyed hashes.

Sealing: AES-256-GCM under a key derived from the site key (store/keys.py factor_key), the
account's id as associated data, so a sealed secret copied to another account does not
open. A site without a key file stores the secret as it is ("plain:"), like the rest of its
plain database; it is sealed at the next enrolment once the site has a key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass

from sharetui.domain.errors import ShareError

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after is taken too (clocks drift)
DIGITS = 6
RECOVERY_CODES = 8
ISSUER = "sharetui"
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class FactorUnreadable(ShareError):
    """A sealed secret cannot be opened (the site key is missing or another one)."""


@dataclass(frozen=True)
class Enrolment:
    """A new secret shown once: as text and as an otpauth:// URI for a QR code."""

    secret: str
    uri: str


def new_secret() -> str:
    import pyotp

    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def enrolment(secret: str, username: str, site: str = ISSUER) -> Enrolment:
    import pyotp

    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=site
    )
    return Enrolment(secret, uri)


def seal(secret: str, user_id: int, key: bytes | None) -> str:
    if key is None:
        return "plain:" + secret
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode("ascii"), _aad(user_id))
    return "aesgcm:" + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(token: str, user_id: int, key: bytes | None) -> str:
    kind, _, body = token.partition(":")
    if kind == "plain":
        return body
    if kind != "aesgcm":
        raise FactorUnreadable("This account's second factor is not in a form sharetui reads")
    if key is None:
        raise FactorUnreadable(
            "This account's second factor is sealed with the site key: set SHARETUI_KEY_FILE"
        )
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], _aad(user_id)).decode("ascii")
    except InvalidTag:
        raise FactorUnreadable(
            "This account's second factor does not open with this site key"
        ) from None


def _aad(user_id: int) -> bytes:
    return f"sharetui user {user_id}".encode("ascii")


def current_step(now: float) -> int:
    return int(now // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float, last_step: int | None) -> int | None:
    """The time step whose code this is, within the drift allowed and after the last step
    taken (a code is never taken twice, nor one older than a code already taken)."""
    import pyotp

    typed = "".join(ch for ch in code if ch.isdigit())
    if len(typed) != DIGITS:
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(totp.at(candidate * STEP_SECONDS), typed):
            return candidate
    return None


def looks_like_recovery_code(code: str) -> bool:
    return len(_normal(code)) == 10


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch in _RECOVERY_ALPHABET)


def new_recovery_codes() -> list[str]:
    """Codes for when the phone is lost, each good for one sign-in: 10 characters (50 bits),
    written xxxxx-xxxxx."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(code: str, user_id: int, key: bytes | None) -> str:
    """High-entropy codes need no slow hash; keyed with the site's factor key where there
    is one, and bound to the account."""
    data = f"{user_id}:{_normal(code)}".encode("ascii")
    return hmac.new(key or b"sharetui recovery code", data, hashlib.sha256).hexdigest()


def hashes_json(codes: list[str], user_id: int, key: bytes | None) -> str:
    return json.dumps([recovery_hash(c, user_id, key) for c in codes])


def take_recovery_code(stored: str, code: str, user_id: int, key: bytes | None) -> str | None:
    """The stored list without the code used, or None when the code is not one of them."""
    hashes: list[str] = json.loads(stored) if stored else []
    wanted = recovery_hash(code, user_id, key)
    for h in hashes:
        if hmac.compare_digest(h, wanted):
            return json.dumps([x for x in hashes if x != h])
    return None


def recovery_left(stored: str) -> int:
    return len(json.loads(stored)) if stored else 0
