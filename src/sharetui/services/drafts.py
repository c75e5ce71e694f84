"""Drafts: one user's unfinished forms, saved at every page so nothing typed is ever lost.
Private to their owner; no audit event per keystroke save (they hold no shared record yet),
but creation and discarding are audited."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.domain.text import clean_line, scrub_json
from sharetui.services.audit import append
from sharetui.services.unit_of_work import Actor, UseCases
from sharetui.services.views import DraftView
from sharetui.store.models import AdviceRequest, Draft
from sharetui.store.types import utcnow

MAX_PAYLOAD = 1_000_000


def _view(d: Draft) -> DraftView:
    assert d.id is not None
    return DraftView(d.id, d.kind, d.title, d.page, d.status, dict(d.payload), d.updated_at)


class Drafts(UseCases):
    def save(
        self,
        actor: Actor,
        *,
        kind: str,
        payload: dict[str, Any],
        page: str = "",
        title: str = "",
        draft_id: int | None = None,
    ) -> DraftView:
        """Create or overwrite the caller's draft; committed before this returns."""
        try:  # characters no record may hold are dropped; NaN is not JSON a database takes
            text = json.dumps(scrub_json(payload), default=str, allow_nan=False)
        except (TypeError, ValueError):
            raise ValidationFailed(
                {"payload": "This form holds a value that cannot be saved"}
            ) from None
        if len(text) > MAX_PAYLOAD:
            raise ValidationFailed({"payload": "This form is too large to save as a draft"})
        safe = json.loads(text)
        kind = clean_line(kind)[:40]
        page = clean_line(page)[:40]

        def work(s: Session) -> DraftView:
            now = utcnow()
            if draft_id is not None:
                d = s.get(Draft, draft_id)
                if d is None or d.user_id != actor.user_id:
                    raise NotFound("That draft is gone")
                d.payload = safe
                d.page = page
                d.title = clean_line(title)[:200]
                d.updated_at = now
            else:
                d = Draft(
                    user_id=actor.user_id,
                    kind=kind,
                    title=clean_line(title)[:200],
                    page=page,
                    payload=safe,
                    created_at=now,
                    updated_at=now,
                )
            s.add(d)
            s.flush()
            if draft_id is None:
                append(s, actor, "draft.create", "draft", d.id, kind)
            return _view(d)

        # A disabled account keeps its own typed work (it sees no one else's): nothing typed
        # is lost when an administrator disables an account mid-call.
        return self.store.write(work, actor, allow_disabled=True)

    def mine(self, actor: Actor) -> list[DraftView]:
        return self.store.read(
            lambda s: [
                _view(d)
                for d in s.exec(
                    select(Draft)
                    .where(Draft.user_id == actor.user_id)
                    .order_by(col(Draft.updated_at).desc())
                ).all()
            ],
            actor,
        )

    def load(self, actor: Actor, draft_id: int) -> DraftView:
        def work(s: Session) -> DraftView:
            d = s.get(Draft, draft_id)
            if d is None or d.user_id != actor.user_id:
                raise NotFound("That draft is gone")
            return _view(d)

        return self.store.read(work, actor)

    def discard(self, actor: Actor, draft_id: int) -> None:
        def work(s: Session) -> None:
            d = s.get(Draft, draft_id)
            if d is None or d.user_id != actor.user_id:
                raise NotFound("That draft is gone")
            for adv in s.exec(
                select(AdviceRequest).where(AdviceRequest.draft_id == draft_id)
            ).all():
                adv.draft_id = None  # the id may go to a new draft: the advice must not follow
                s.add(adv)
            s.delete(d)
            append(s, actor, "draft.discard", "draft", draft_id)

        self.store.write(work, actor)
