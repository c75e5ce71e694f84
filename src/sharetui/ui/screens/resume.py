"""Carry on with a draft from My drafts: each kind of form knows how to open itself again.

A decision draft opens the decision flow; every dialog kept as a draft (FormDialog) opens
over the screen it belongs to, with every answer as it was left. A draft this version
cannot read says so in words and stays under My drafts.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import TYPE_CHECKING, Any

from sharetui.domain.errors import NotFound

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

# The information governance forms' kinds: each module of them opens its own again
# (governance_forms.reopener).
SAR_DRAFT_KINDS = (
    "sar-new",
    "sar-identity",
    "sar-extend",
    "sar-review",
    "sar-disclose",
    "sar-answer",
)
RETENTION_DRAFT_KINDS = ("retention-keep", "retention-hold", "retention-lift")

# The module whose reopen(app, draft_id, context, values) opens each kind again.
REOPENERS = {
    "consent": "sharetui.ui.screens.person",
    "withdraw": "sharetui.ui.screens.person",
    "link": "sharetui.ui.screens.person",
    "add-person": "sharetui.ui.screens.add_person",
    "advice-question": "sharetui.ui.screens.raise_advice",
    "advice-text": "sharetui.ui.screens.advice_item",
    "receipt-step": "sharetui.ui.screens.receipt",
    "cp-transfer": "sharetui.ui.screens.transfer_dialogs",
    "incoming-file": "sharetui.ui.screens.transfer_dialogs",
    **dict.fromkeys(SAR_DRAFT_KINDS, "sharetui.ui.screens.sar_forms"),
    **dict.fromkeys(RETENTION_DRAFT_KINDS, "sharetui.ui.screens.retention_forms"),
}


def resume_draft(app: ShareApp, draft_id: int, kind: str) -> None:
    """Open the draft again (in an app worker: the home screen may be covered meanwhile)."""
    if kind == "decision":
        app.start_decision(draft_id=draft_id)
        return
    app.run_worker(_resume(app, draft_id), group="resume-draft", exit_on_error=False)


async def _resume(app: ShareApp, draft_id: int) -> None:
    services, actor = await app.wait_services(), app.actor
    assert actor is not None
    draft = await asyncio.to_thread(services.drafts.load, actor, draft_id)
    context, values = _parts(draft.kind, draft.payload)
    module = REOPENERS.get(draft.kind)
    if module is None or context is None or values is None:
        raise NotFound(f"That draft is not a {_words(draft.kind)} this version can open")
    if app.lock_is_up:  # locked meanwhile: the draft stays under My drafts
        return
    await importlib.import_module(module).reopen(app, draft_id, context, values)


def _parts(
    kind: str, payload: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(context, answers) of a stored draft; consent drafts of the first release kept the
    person's id beside the answers rather than in a context."""
    values = payload.get("values")
    context = payload.get("context")
    if kind == "consent" and context is None and "person_id" in payload:
        context = {"person_id": payload.get("person_id")}
    if not isinstance(context, dict) or not isinstance(values, dict):
        return None, None
    return context, {str(k): v for k, v in values.items()}


def _words(kind: str) -> str:
    return {"consent": "consent record"}.get(kind, "form")
