"""The chain itself: how one audit event's hash is made (SHA-256, or HMAC-SHA-256 under the
site's audit key), over the previous hash and the event's fields with the time in one
canonical form. Shared by the appends (audit.py) and the check (audit_verify.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from json.encoder import encode_basestring
from typing import cast

from sharetui.store.models import AuditEvent, AuditHead
from sharetui.store.types import table_of

GENESIS = "0" * 64
EVENTS = table_of(AuditEvent)
HEAD = table_of(AuditHead)


def canonical_time(at: datetime) -> str:
    """'YYYY-MM-DD HH:MM:SS.ffffff' of the wall time, zone dropped. isoformat's first 26
    characters are exactly that and cost a third of strftime, which matters to verify()."""
    if at.year < 1000:  # strftime does not pad such years; keep their hashes as they were
        return at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return at.isoformat(" ", "microseconds")[:26]


# The canonical text of an event's fields: a JSON array, no spaces, non-ASCII kept. json.dumps
# with options builds a new encoder per call, and even one encoder's encode() builds its C
# iterator per call; fields_text writes the array itself, for the fields' usual types.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# A JSON string, non-ASCII kept: what _encode writes for a str. Given any other value it
# raises TypeError, which fields_text relies on.
_quote = cast(Callable[[object], str], encode_basestring)
_int = int.__repr__


def fields_text(f: Sequence[object]) -> str:
    """_encode(list(f)) of the nine fields (id, time, user id, username, terminal, action,
    entity type, entity id, summary), written directly when they have their usual types
    (ints, an int or None, strings); any other value goes through the JSON encoder itself, so
    the text is the encoder's in every case. verify() spends most of its time here."""
    eid, user_id = f[0], f[2]
    if type(eid) is int and (user_id is None or type(user_id) is int):
        try:
            return (
                f"[{_int(eid)},{_quote(f[1])},{'null' if user_id is None else _int(user_id)},"
                f"{_quote(f[3])},{_quote(f[4])},{_quote(f[5])},{_quote(f[6])},{_quote(f[7])},"
                f"{_quote(f[8])}]"
            )
        except TypeError:  # a field that is not a str: the encoder says how it is written
            pass
    return _encode(list(f[:9]))


def event_hash(
    prev_hash: str,
    event_id: int,
    at: datetime,
    user_id: int | None,
    username: str,
    terminal: str,
    action: str,
    entity_type: str,
    entity_id: str,
    summary: str,
    *,
    key: bytes | None = None,
) -> str:
    """One event's hash: HMAC-SHA-256 under the audit key where the site has one, else
    SHA-256. Either way it covers the previous hash, so each hash vouches for all before it."""
    return event_digest(
        prev_hash,
        [
            event_id,
            canonical_time(at),
            user_id,
            username,
            terminal,
            action,
            entity_type,
            entity_id,
            summary,
        ],
        keyed_mac(key),
    )


def keyed_mac(key: bytes | None) -> hmac.HMAC | None:
    """A keyed hash prepared once; each event hashes a copy (cheaper than a new HMAC)."""
    return hmac.new(key, digestmod=hashlib.sha256) if key else None


def event_digest(prev_hash: str, fields: Sequence[object], mac: hmac.HMAC | None = None) -> str:
    """The hash of one event: its fields (time already canonical) after the previous hash."""
    data = (prev_hash + fields_text(fields)).encode("utf-8")
    if mac is None:
        return hashlib.sha256(data).hexdigest()
    keyed = mac.copy()
    keyed.update(data)
    return keyed.hexdigest()
