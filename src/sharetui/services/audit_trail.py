"""The audit trail as a service of the facade: what screens and commands ask of it.

The trail's functions (`audit.verify_as`, `audit.seal_as`, `audit.viewed_by`) take the store;
a screen or a command holds only `Services`, so it reaches them here and never touches the
store itself (the layers' rule: nothing above the services opens a session or holds the store).
"""

from __future__ import annotations

from collections.abc import Callable

from sharetui.services import audit
from sharetui.services.audit_seal import Seal
from sharetui.services.audit_verify import VerifyResult
from sharetui.services.unit_of_work import Actor, Store


class AuditTrail:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def keyed(self) -> bool:
        """Whether this site has a key for the chain (SHARETUI_KEY_FILE): new events are then
        keyed with HMAC-SHA-256 rather than plain SHA-256."""
        return self._store.audit_key is not None

    def verify(
        self,
        actor: Actor,
        progress: Callable[[int, int], None] | None = None,
        seal: Seal | None = None,
    ) -> VerifyResult:
        """Check every event of the chain (and against a seal, given one); audited."""
        return audit.verify_as(self._store, actor, progress, seal)

    def seal(
        self, actor: Actor, progress: Callable[[int, int], None] | None = None
    ) -> tuple[VerifyResult, Seal | None]:
        """Verify, and when whole the seal of the chain's head; audited."""
        return audit.seal_as(self._store, actor, progress)

    def viewed_by(self, actor: Actor, person_id: int, limit: int = 50) -> list[audit.ViewRecord]:
        """Who read a person's details, newest first (supervisors and administrators)."""
        return audit.viewed_by(self._store, actor, person_id, limit)
