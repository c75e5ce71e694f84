"""The seal: the audit chain's head, and a checkpoint every SEAL_EVERY events, written to a
file an administrator keeps away from the database (another machine, paper, a safe).

A chain kept inside the database proves nothing to someone who can rewrite the whole of it:
with a plain SHA-256 chain, every hash and the head can be recomputed. Each hash covers every
event before it, so one hash kept elsewhere pins the whole past; the checkpoints narrow a
mismatch to SEAL_EVERY events.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sharetui.domain.errors import ShareError

SEAL_EVERY = 100
FORMAT = "sharetui audit seal"
VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")


class SealError(ShareError):
    """A seal file that cannot be written, read, or is not a seal."""


@dataclass(frozen=True)
class Seal:
    events: int  # events on the app's chain when sealed
    last_event_id: int
    last_hash: str
    sealed_at: datetime
    keyed_from: int | None  # first event keyed with the site key, None: plain SHA-256
    checkpoints: dict[int, str] = field(default_factory=dict)  # event id -> hash

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "sealed_at": self.sealed_at.isoformat(),
                "events": self.events,
                "last_event_id": self.last_event_id,
                "last_hash": self.last_hash,
                "keyed_from": self.keyed_from,
                "checkpoint_every": SEAL_EVERY,
                "checkpoints": {str(k): v for k, v in sorted(self.checkpoints.items())},
            },
            indent=1,
        )


def write_seal(seal: Seal, path: Path, *, force: bool = False) -> Path:
    """Write the seal; never over an existing file unless forced (an old seal is evidence)."""
    target = path.expanduser()
    if not target.parent.is_dir():
        raise SealError(f"The folder {target.parent} does not exist")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(target, flags, 0o644)
    except FileExistsError:
        raise SealError(
            f"{target} already exists; keep old seals and choose a new file name"
        ) from None
    except OSError as exc:
        raise SealError(f"The seal cannot be written to {target}: {exc.strerror}") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(seal.to_json() + "\n")
        f.flush()
        os.fsync(f.fileno())
    return target


def read_seal(path: Path) -> Seal:
    target = path.expanduser()
    try:
        raw = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SealError(f"There is no seal file at {target}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SealError(f"The seal file {target} cannot be read: {exc}") from exc
    not_a_seal = SealError(f"{target} is not a sharetui audit seal")
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise not_a_seal
        checkpoints = {int(k): str(v) for k, v in data["checkpoints"].items()}
        seal = Seal(
            events=int(data["events"]),
            last_event_id=int(data["last_event_id"]),
            last_hash=str(data["last_hash"]),
            sealed_at=datetime.fromisoformat(data["sealed_at"]),
            keyed_from=None if data["keyed_from"] is None else int(data["keyed_from"]),
            checkpoints=checkpoints,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise not_a_seal from None
    hashes = [seal.last_hash, *checkpoints.values()] if seal.events else checkpoints.values()
    if not all(_HEX64.fullmatch(h) for h in hashes):
        raise not_a_seal
    return seal
