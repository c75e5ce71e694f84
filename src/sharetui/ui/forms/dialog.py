"""The base of every dialog that takes typed answers (consent, withdraw, add a person, link
a person, ask for advice, advice, outcome, reveal reason).

What it gives each of them, once:
- answers read from and written back to the kit's widgets by field name (values / restore);
- single-flight saving (Ctrl+S or the save button runs the save once; "Saving…" meanwhile);
- errors on the fields and in the summary at the top, typed text never cleared;
- drafts: what was typed is kept when the user locks, switches or signs out, and offered
  back at the next sign-in (ShareApp.save_all_drafts asks draft_snapshot); Esc on typed text
  asks before discarding, and keeping saves a draft (staying on the form, with the reason,
  if the draft cannot be saved); Ctrl+D discards the draft, after a confirmation. A form
  opened and left untouched keeps no draft.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Static

from sharetui.domain.errors import NotFound, ShareError
from sharetui.ui.forms.choices import Choices
from sharetui.ui.forms.field import ErrorSummary, refusal_errors, show_field_errors, shown_within
from sharetui.ui.forms.saving import SingleFlight
from sharetui.ui.forms.text import LongText, ShortText
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import DraftSnapshot, KioskModal
from sharetui.ui.screens.dialogs import ConfirmDialog, LeaveDialog

# submit() returns this when the form must stay open without an error (a possible
# duplicate is shown and the person chooses what to do).
KEEP_OPEN = object()


class FormDialog(KioskModal[Any]):
    """Subclasses give a heading() and the questions() (Fields: the kit's widgets with ids =
    field names), list the names in FIELDS, and implement submit(values) (a service call; raises ValidationFailed with
    field errors) and draft_context() (what is needed to open the form again)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+d", "discard_draft", "Discard draft"),
        Binding("escape", "cancel", "Cancel"),
    ]

    FIELDS: ClassVar[tuple[str, ...]] = ()
    SAVE_HINT: ClassVar[str] = "Ctrl+S: save   Esc: cancel   F1: help"
    DRAFT_KIND: ClassVar[str] = ""
    DRAFT_TITLE: ClassVar[str] = "Unfinished form"
    SAVED_WORDS: ClassVar[str] = ""  # said after a save ("" for nothing)

    def __init__(
        self, *, values: dict[str, Any] | None = None, draft_id: int | None = None
    ) -> None:
        super().__init__()
        self.initial: dict[str, Any] = dict(values or {})
        self.draft_id = draft_id
        self.finished = False  # saved as a record (or discarded): nothing left to keep
        self.saving = SingleFlight(self)
        self._baseline: dict[str, Any] = {}

    # -- the form on screen ----------------------------------------------------------------
    def heading(self) -> str:
        """The form's title line, shown literally (it may name a stored person or setting)."""
        return self.DRAFT_TITLE

    def questions(self) -> ComposeResult:
        """The fields and their notes, in the part of the form that scrolls."""
        raise NotImplementedError
        yield  # pragma: no cover - a generator for the type checker

    def compose(self) -> ComposeResult:
        """Every form's one frame: its title, the error summary, the questions, the saving
        line and the keys; a form with another shape composes its own."""
        with Vertical(classes="dialog"):
            yield Static(lit(self.heading()), classes="dialog-title")
            yield ErrorSummary()
            with VerticalScroll(classes="form-body"):
                yield from self.questions()
            yield saving_status()
            yield Static(self.SAVE_HINT, classes="hint")

    # -- answers --------------------------------------------------------------------------
    def _widget(self, name: str) -> Widget | None:
        found = self.query(f"#{name}")
        return found.first() if found else None

    def values(self) -> dict[str, Any]:
        """Every answer as typed or chosen ('' / [] when none)."""
        out: dict[str, Any] = {}
        for name in self.FIELDS:
            widget = self._widget(name)
            if isinstance(widget, Choices):
                out[name] = widget.values if widget.multiple else (widget.value or "")
            elif isinstance(widget, ShortText | LongText):
                out[name] = widget.value
        return out

    def restore(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            widget = self._widget(name)
            if isinstance(widget, Choices):
                if widget.multiple and isinstance(value, list):
                    for item in value:
                        widget.choose(str(item), announce=False)
                elif isinstance(value, str) and value:
                    widget.choose(value, announce=False)
            elif isinstance(widget, ShortText) and isinstance(value, str):
                widget.value = value
            elif isinstance(widget, LongText) and isinstance(value, str):
                widget.load_text(value)

    def on_mount(self) -> None:
        self.restore(self.initial)
        self._baseline = self.values()
        self.restored()
        self.call_after_refresh(self.focus_first)

    def restored(self) -> None:
        """The answers (a draft's, or none) are on the form: show what depends on them.
        Subclasses put this here, not in an on_mount of their own: Textual runs every
        class's on_mount, the subclass's first, so there the answers are not restored yet,
        and calling this on_mount again from it would restore them twice (a tick box
        restored twice is unticked)."""

    def focus_first(self) -> None:
        for name in self.FIELDS:
            widget = self._widget(name)
            if widget is not None and widget.focusable and shown_within(widget, self):
                widget.focus()
                return

    @on(Choices.Picked)
    def _next_question(self, event: Choices.Picked) -> None:
        """After a choice the next question has the focus (a tick box keeps it, for more)."""
        if not event.control.multiple:
            self.call_after_refresh(self.focus_next)

    @property
    def typed(self) -> bool:
        """Anything changed since the form opened (a resumed draft counts as a start)."""
        return self.is_mounted and self.values() != self._baseline

    # -- saving ---------------------------------------------------------------------------
    def action_save(self) -> None:
        self.save_with()

    def save_with(self, **options: Any) -> None:
        """Check, then save once (options go to submit, e.g. a confirmation)."""
        if self.finished or self.saving.in_flight:
            return
        values = self.values()
        errors = self.check(values)
        self.show_errors(errors)
        if errors:
            return
        self.saving.run(lambda: self._save_now(values, **options))

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        """Problems the screen can see before the service is asked (none by default)."""
        return {}

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        raise NotImplementedError

    async def _save_now(self, values: dict[str, Any], **options: Any) -> None:
        try:
            result = await self.submit(values, **options)
        except ShareError as exc:
            self.show_errors(refusal_errors(exc))
            return
        if result is KEEP_OPEN:
            return
        self.finished = True
        if self.draft_id is not None:  # the draft became a record: no longer unfinished
            with contextlib.suppress(ShareError):
                await self.call(self.services.drafts.discard, self.actor, self.draft_id)
        if self.SAVED_WORDS:
            self.notify(self.SAVED_WORDS, markup=False)
        self.dismiss(result)

    # -- errors ---------------------------------------------------------------------------
    def field_of(self, error_key: str) -> str:
        """The field an error from the service belongs to (subclasses map other names)."""
        return error_key

    def show_errors(self, errors: dict[str, str]) -> None:
        """The summary at the top lists every problem; each field shows its own."""
        by_field: dict[str, str] = {}
        for key, message in errors.items():
            by_field.setdefault(self.field_of(key), message)
        first = next((n for n in self.FIELDS if n in by_field), None)
        show_field_errors(self, by_field, self._widget(first) if first else None)

    @on(ErrorSummary.Jump)
    def _jump(self, event: ErrorSummary.Jump) -> None:
        widget = self._widget(event.name)
        if widget is not None:
            widget.focus()

    # -- drafts ---------------------------------------------------------------------------
    def draft_context(self) -> dict[str, Any]:
        """What is needed to open this form again (ids, labels); JSON-safe."""
        return {}

    def draft_title(self) -> str:
        return self.DRAFT_TITLE

    def draft_snapshot(self) -> DraftSnapshot | None:
        if self.finished or not self.DRAFT_KIND or not self.is_mounted:
            return None
        if self.draft_id is None and not self.typed:
            return None
        return DraftSnapshot(
            kind=self.DRAFT_KIND,
            payload={"context": self.draft_context(), "values": self.values()},
            page=self.DRAFT_KIND,
            title=self.draft_title(),
            draft_id=self.draft_id,
        )

    def draft_saved(self, draft_id: int) -> None:
        self.draft_id = draft_id

    def action_cancel(self) -> None:
        """Esc with nothing typed closes; otherwise ask: discard, keep as a draft, or stay."""
        if not self.typed:
            self.dismiss(None)
            return
        if not self.DRAFT_KIND:  # a form that keeps no draft (passphrases): never offer one

            def leave() -> None:
                self.finished = True
                self.dismiss(None)

            ConfirmDialog(
                "Leave this form? What was typed here is not kept.",
                yes="Leave",
                no="Keep typing",
            ).ask(self.app, leave)
            return

        def answered(choice: str | None) -> None:
            if choice == "discard":
                self._discard()
            elif choice == "keep":
                self.saving.run(self._keep_draft, label="Keeping a draft…")

        self.app.push_screen(
            LeaveDialog(f"Leave this {self.draft_title().lower()}? Nothing has been saved yet."),
            answered,
        )

    def action_discard_draft(self) -> None:
        ConfirmDialog(
            "Discard this form and its draft? What was typed cannot be brought back.",
            yes="Discard",
            no="Keep it",
        ).ask(self.app, lambda: self._discard())

    def _discard(self) -> None:
        async def discard() -> None:
            if self.draft_id is not None:
                try:
                    await self.call(self.services.drafts.discard, self.actor, self.draft_id)
                except NotFound:
                    pass  # already gone: nothing to discard
                except ShareError as exc:
                    self.show_errors({"": f"The draft could not be discarded: {exc.message}"})
                    return
            self.finished = True
            self.dismiss(None)

        self.saving.run(discard, label="Discarding…")

    async def _keep_draft(self) -> None:
        snap = self.draft_snapshot()
        if snap is None:
            self.dismiss(None)
            return
        try:
            try:
                saved = await self.call(snap.save, self.services, self.actor)
            except NotFound:  # discarded elsewhere meanwhile: keep the answers as a new one
                new = replace(snap, draft_id=None)
                saved = await self.call(new.save, self.services, self.actor)
        except ShareError as exc:
            self.show_errors(
                {"": f"The draft could not be saved: {exc.message}. Your answers are still here."}
            )
            return
        self.draft_id = saved.id
        self.finished = True
        self.notify("Kept as a draft under My drafts on your home screen.", markup=False)
        self.dismiss(None)


def saving_status() -> Static:
    """The line that says "Saving…" while a save is in flight."""
    status = Static("", id="saving-status", classes="saving-status")
    status.display = False
    return status


def save_buttons(save_words: str = "Save", save_id: str = "save") -> Horizontal:
    """A dialog's row of buttons for the mouse: save (single-flight, disabled while a save is in
    flight, as the save-button class tells SingleFlight) and cancel, which run the dialog's
    own save and cancel actions, so a click and Ctrl+S or Esc take the one path."""
    return Horizontal(
        Button(
            f"{save_words} (Ctrl+S)",
            id=save_id,
            variant="primary",
            classes="save-button",
            action="screen.save",
        ),
        Button("Cancel (Esc)", id="cancel", classes="cancel-button", action="screen.cancel"),
        classes="save-buttons",
    )
