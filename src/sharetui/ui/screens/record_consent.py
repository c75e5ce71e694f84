"""Consent dialogs: record an event (given, refused, withdrawn, not sought), withdraw the
consent of one scope in one step, and show one recorded event in full.

Consent is a history: nothing here edits an earlier event; every change is a new event.
No answer is preselected where it carries weight (what happened, who, how).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, time
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet, Static, TextArea

from sharetui.domain.clock import Clock
from sharetui.domain.consent import ConsentInput, validate_consent
from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus, NotSoughtReason
from sharetui.domain.errors import NotFound, ShareError, ValidationFailed
from sharetui.domain.person import parse_date
from sharetui.services.views import ConsentEventView, ConsentLine
from sharetui.ui.literal import lit, when
from sharetui.ui.screens.base import DraftSnapshot, KioskModal
from sharetui.ui.screens.dialogs import ConfirmDialog
from sharetui.ui.widgets.choice import ChoiceButton

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

E = TypeVar("E", bound=Enum)

STATUS_WORDS = {
    ConsentStatus.GIVEN: "Given: they agreed to the sharing",
    ConsentStatus.REFUSED: "Refused: they said no",
    ConsentStatus.WITHDRAWN: "Withdrawn: they took back consent given before",
    ConsentStatus.NOT_SOUGHT: "Not sought: consent was not asked for",
}

DRAFT_KIND = "consent"

RADIO_FIELDS: dict[str, list[Any]] = {
    "status": list(ConsentStatus),
    "not_sought_reason": list(NotSoughtReason),
    "given_by": list(ConsentGiver),
    "method": list(ConsentMethod),
}
TEXT_FIELDS = (
    "given_by_name",
    "scope_information",
    "scope_recipient",
    "scope_purpose",
    "effective_at",
)

DATE_FORMAT_ERROR = "Enter the date as day/month/year, for example 3/3/2026, or leave it blank"

DIALOG_CSS = """
{name} > .dialog {{
    height: 90%;
}}
{name} .form-body {{
    height: 1fr;
    max-height: 100%;
}}
{name} .form-label {{
    text-style: bold;
    margin: 1 0 0 0;
}}
{name} RadioSet {{
    width: 100%;
}}
{name} .form-body > Vertical {{
    height: auto;
}}
{name} TextArea {{
    height: 4;
}}
{name} .hidden {{
    display: none;
}}
"""


def radio_set(set_id: str, members: list[E], chosen: E | None = None) -> RadioSet:
    """A radio list of enum members, labelled in words; nothing chosen unless given."""
    return RadioSet(
        *(
            ChoiceButton(
                STATUS_WORDS.get(m, m.label) if isinstance(m, ConsentStatus) else m.label,  # type: ignore[attr-defined]
                value=m is chosen,
                id=f"{set_id}-{m.value}",
            )
            for m in members
        ),
        id=set_id,
    )


def chosen_member(radios: RadioSet, members: list[E]) -> E | None:
    pressed = radios.pressed_button
    if pressed is None or pressed.id is None:
        return None
    value = pressed.id.removeprefix(f"{radios.id}-")
    return next((m for m in members if m.value == value), None)


def effective_from(text: str, clock: Clock) -> tuple[datetime | None, str | None]:
    """A typed date as the moment it took effect (midday site time); blank or the site's
    today means now."""
    raw = text.strip()
    if not raw:
        return None, None
    day = parse_date(raw)
    if day is None:
        return None, DATE_FORMAT_ERROR
    if day == clock.today():
        return None, None
    return datetime.combine(day, time(12, 0), tzinfo=clock.tz), None


class _ConsentForm(KioskModal[ConsentEventView | None]):
    """Shared by the record and withdraw dialogs: error display on named fields."""

    FIELDS: tuple[str, ...] = ()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in self.FIELDS:
            message = errors.get(field, "")
            target = self.query(f"#{field}-error")
            if target:
                error = target.first(Static)
                error.update(lit(message))
                error.set_class(not message, "hidden")
            widget = self.query(f"#{field}")
            if widget:
                widget.first().set_class(bool(message), "-invalid")
        summary = self.query_one("#error-summary", Static)
        if errors:
            text = Text("There is a problem\n", style="bold")
            for message in errors.values():
                text.append("- ")
                text.append(lit(message))
                text.append("\n")
            text.rstrip()
            summary.update(text)
            first = next((f for f in self.FIELDS if f in errors), None)
            if first is not None and self.query(f"#{first}"):
                self.query_one(f"#{first}").focus()
        summary.set_class(not errors, "hidden")

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def _save(
        self, fn: Any, *args: object, dismiss: bool = True, **kwargs: object
    ) -> ConsentEventView | None:
        """Call the service; field errors go on the fields and nothing typed is lost."""
        try:
            saved: ConsentEventView = await self.call(fn, *args, **kwargs)
        except ValidationFailed as exc:
            self._show_errors(exc.field_errors)
            return None
        except ShareError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return None
        if dismiss:
            self.dismiss(saved)
        return saved


def _error(field: str) -> Static:
    return Static("", id=f"{field}-error", classes="error-message hidden")


class RecordConsentDialog(_ConsentForm):
    """Record what happened about consent for one scope (information, recipient, purpose)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="RecordConsentDialog")

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    FIELDS = (
        "status",
        "not_sought_reason",
        "given_by",
        "given_by_name",
        "method",
        "told",
        "scope_information",
        "scope_recipient",
        "scope_purpose",
        "effective_at",
    )

    FIELD_HELP = {
        "status": "Given, refused or withdrawn: what the person (or who speaks for them) said. "
        "Not sought: you did not ask, because asking would be unsafe, would prejudice the "
        "protection, or consent cannot be given or reasonably obtained. Rule 4: you may still "
        "share without consent when there is a lawful basis; say which in the decision.",
        "given_by": "The person themselves, a parent with parental responsibility, a child "
        "competent to decide, or someone else (say who in the name box).",
        "told": "Rule 2: what they were told about why, what, how and with whom information "
        "would be shared. Needed when consent is given.",
        "scope_information": "Consent is specific: which information it covers.",
        "scope_recipient": "Who the information may go to.",
        "scope_purpose": "What it may be used for.",
        "effective_at": "When it was given, refused or withdrawn. Blank means now.",
    }

    def __init__(
        self,
        person_id: int,
        person_label: str = "",
        *,
        values: dict[str, str] | None = None,
        draft_id: int | None = None,
    ) -> None:
        super().__init__()
        self.person_id = person_id
        self.person_label = person_label
        self.initial = values or {}
        self.draft_id = draft_id
        self.recorded = False  # saved as a record: nothing unfinished left to keep

    def _choice(self, field: str, members: list[E]) -> E | None:
        return next((m for m in members if m.value == self.initial.get(field)), None)

    def compose(self) -> ComposeResult:
        v = self.initial.get
        with Vertical(classes="dialog"):
            yield Static("Record consent", classes="dialog-title")
            if self.person_label:
                yield Static(lit(f"About {self.person_label}"), classes="hint")
            yield Static("", id="error-summary", classes="error-summary hidden")
            with VerticalScroll(classes="form-body"):
                yield Label("What happened?", classes="form-label")
                yield radio_set(
                    "status", list(ConsentStatus), self._choice("status", list(ConsentStatus))
                )
                yield _error("status")
                with Vertical(id="not-sought-part", classes="hidden"):
                    yield Label("Why was consent not sought?", classes="form-label")
                    yield radio_set(
                        "not_sought_reason",
                        list(NotSoughtReason),
                        self._choice("not_sought_reason", list(NotSoughtReason)),
                    )
                    yield _error("not_sought_reason")
                with Vertical(id="who-part"):
                    yield Label("Who gave, refused or withdrew it?", classes="form-label")
                    yield radio_set(
                        "given_by", list(ConsentGiver), self._choice("given_by", list(ConsentGiver))
                    )
                    yield _error("given_by")
                    yield Label("Their name (optional)", classes="form-label")
                    yield Input(v("given_by_name", ""), id="given_by_name", max_length=200)
                    yield _error("given_by_name")
                    yield Label("How?", classes="form-label")
                    yield radio_set(
                        "method", list(ConsentMethod), self._choice("method", list(ConsentMethod))
                    )
                    yield _error("method")
                yield Label("What were they told about the sharing?", classes="form-label")
                yield TextArea(v("told", ""), id="told", soft_wrap=True)
                yield _error("told")
                yield Label("Which information?", classes="form-label")
                yield Input(v("scope_information", ""), id="scope_information", max_length=200)
                yield _error("scope_information")
                yield Label("Shared with whom?", classes="form-label")
                yield Input(v("scope_recipient", ""), id="scope_recipient", max_length=200)
                yield _error("scope_recipient")
                yield Label("For what purpose?", classes="form-label")
                yield Input(v("scope_purpose", ""), id="scope_purpose", max_length=200)
                yield _error("scope_purpose")
                yield Label("Date (day/month/year; blank for today)", classes="form-label")
                yield Input(v("effective_at", ""), id="effective_at", max_length=20)
                yield _error("effective_at")
            yield Static("Ctrl+S: save   Esc: cancel   Tab: next question", classes="hint")

    def on_mount(self) -> None:
        self._status_changed()
        self.query_one("#status", RadioSet).focus()

    @on(RadioSet.Changed, "#status")
    def _status_changed(self) -> None:
        status = chosen_member(self.query_one("#status", RadioSet), list(ConsentStatus))
        not_sought = status is ConsentStatus.NOT_SOUGHT
        self.query_one("#not-sought-part").set_class(not not_sought, "hidden")
        self.query_one("#who-part").set_class(not_sought, "hidden")

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    # -- the answers ---------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        """Every answer as typed or chosen ('' when none): what a draft keeps."""
        out: dict[str, str] = {}
        for field, members in RADIO_FIELDS.items():
            chosen = chosen_member(self.query_one(f"#{field}", RadioSet), members)
            out[field] = chosen.value if chosen is not None else ""
        for field in TEXT_FIELDS:
            out[field] = self.query_one(f"#{field}", Input).value
        out["told"] = self.query_one("#told", TextArea).text
        return out

    def _input(self, values: dict[str, str], effective: datetime | None) -> ConsentInput:
        status = next((m for m in ConsentStatus if m.value == values["status"]), None)
        not_sought = status is ConsentStatus.NOT_SOUGHT

        def member(field: str) -> Any:
            return next((m for m in RADIO_FIELDS[field] if m.value == values[field]), None)

        return ConsentInput(
            person_id=self.person_id,
            status=status,
            not_sought_reason=member("not_sought_reason") if not_sought else None,
            given_by=None if not_sought else member("given_by"),
            given_by_name="" if not_sought else values["given_by_name"],
            method=None if not_sought else member("method"),
            told=values["told"],
            scope_information=values["scope_information"],
            scope_recipient=values["scope_recipient"],
            scope_purpose=values["scope_purpose"],
            effective_at=effective,
        )

    def action_save(self) -> None:
        values = self.values()
        effective, date_error = effective_from(values["effective_at"], self.share_app.clock)
        data = self._input(values, effective)
        if date_error:  # list every problem at once, not the date alone
            errors = validate_consent(data.cleaned())
            errors["effective_at"] = date_error
            self._show_errors(errors)
            return
        self._record(data)

    @work(exclusive=True, group="record-consent", exit_on_error=False)
    async def _record(self, data: ConsentInput) -> None:
        saved = await self._save(self.services.consent.record, self.actor, data, dismiss=False)
        if saved is None:
            return
        self.recorded = True
        if self.draft_id is not None:  # the draft became a record: it is no longer unfinished
            with contextlib.suppress(ShareError):
                await self.call(self.services.drafts.discard, self.actor, self.draft_id)
        self.dismiss(saved)

    # -- drafts ---------------------------------------------------------------------------
    def draft_snapshot(self) -> DraftSnapshot | None:
        """What was typed, kept when the user switches or signs out before saving."""
        values = self.values()
        if self.recorded or (self.draft_id is None and not any(v.strip() for v in values.values())):
            return None
        title = "Consent record"
        if self.person_label:
            title += f": {self.person_label}"
        return DraftSnapshot(
            kind=DRAFT_KIND,
            payload={"person_id": self.person_id, "values": values},
            page="consent",
            title=title,
            draft_id=self.draft_id,
        )

    def draft_saved(self, draft_id: int) -> None:
        self.draft_id = draft_id

    def action_cancel(self) -> None:
        """Esc with nothing typed closes; otherwise ask, and keeping is the default (Esc
        again): the answers as they are now go to My drafts, not only as first saved."""
        if self.draft_snapshot() is None:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._discard_draft()
            else:
                self._keep_draft()

        self.app.push_screen(
            ConfirmDialog(
                "Discard this unfinished consent record? No: keep it under My drafts.",
                yes="Discard",
                no="Keep the draft",
            ),
            answered,
        )

    @work(exclusive=True, group="record-consent", exit_on_error=False)
    async def _discard_draft(self) -> None:
        if self.draft_id is not None:
            with contextlib.suppress(NotFound):  # already gone: nothing to discard
                await self.call(self.services.drafts.discard, self.actor, self.draft_id)
        self.dismiss(None)

    @work(exclusive=True, group="record-consent", exit_on_error=False)
    async def _keep_draft(self) -> None:
        snap = self.draft_snapshot()
        if snap is None:
            self.dismiss(None)
            return
        save = self.services.drafts.save
        fields = {
            "kind": snap.kind,
            "payload": snap.payload,
            "page": snap.page,
            "title": snap.title,
        }
        try:
            try:
                saved = await self.call(save, self.actor, draft_id=snap.draft_id, **fields)
            except NotFound:  # discarded elsewhere meanwhile: keep the answers as a new draft
                saved = await self.call(save, self.actor, draft_id=None, **fields)
        except ShareError as exc:
            self.notify(
                f"The draft could not be saved: {exc.message}. Your answers are still here.",
                severity="error",
                markup=False,
            )
            return
        self.draft_id = saved.id
        self.notify("Kept as a draft under My drafts on your home screen.", markup=False)
        self.dismiss(None)


class WithdrawConsentDialog(_ConsentForm):
    """Withdraw the consent of one scope: confirm who withdrew it and how, then save."""

    DEFAULT_CSS = DIALOG_CSS.format(name="WithdrawConsentDialog")

    BINDINGS = [
        Binding("ctrl+s", "save", "Withdraw consent"),
        Binding("escape", "cancel", "Cancel"),
    ]

    FIELDS = ("given_by", "given_by_name", "method")

    def __init__(self, line: ConsentLine, description: str) -> None:
        super().__init__()
        self.line = line
        self.description = description

    def compose(self) -> ComposeResult:
        current = self.line.current
        with Vertical(classes="dialog"):
            yield Static("Withdraw consent", classes="dialog-title")
            yield Static("", id="error-summary", classes="error-summary hidden")
            with VerticalScroll(classes="form-body"):
                yield Static(lit(self.description))
                yield Label("Who withdrew it?", classes="form-label")
                yield radio_set("given_by", list(ConsentGiver), current.given_by)
                yield _error("given_by")
                yield Label("Their name (optional)", classes="form-label")
                yield Input(current.given_by_name, id="given_by_name", max_length=200)
                yield _error("given_by_name")
                yield Label("How?", classes="form-label")
                yield radio_set("method", list(ConsentMethod), current.method)
                yield _error("method")
            yield Button("Withdraw consent (Ctrl+S)", id="withdraw", variant="error")
            yield Static("Esc: cancel, nothing is changed", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#given_by", RadioSet).focus()

    @on(Button.Pressed, "#withdraw")
    def _pressed(self) -> None:
        self.action_save()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        giver = chosen_member(self.query_one("#given_by", RadioSet), list(ConsentGiver))
        method = chosen_member(self.query_one("#method", RadioSet), list(ConsentMethod))
        errors = {}
        if giver is None:
            errors["given_by"] = "Choose who withdrew consent"
        if method is None:
            errors["method"] = "Choose how consent was withdrawn"
        self._show_errors(errors)
        if giver is not None and method is not None:
            self._withdraw(giver, method, self.query_one("#given_by_name", Input).value)

    @work(exclusive=True, group="withdraw-consent", exit_on_error=False)
    async def _withdraw(self, giver: ConsentGiver, method: ConsentMethod, name: str) -> None:
        await self._save(
            self.services.consent.withdraw,
            self.actor,
            self.line.current.id,
            giver,
            method,
            name,
        )


def event_text(ev: ConsentEventView, tz: object) -> Text:
    """Every field of one consent event, labelled, values literal."""
    rows: list[tuple[str, str]] = [
        ("What happened", f"Consent {ev.status.label.lower()}"),
    ]
    if ev.not_sought_reason is not None:
        rows.append(("Why not sought", ev.not_sought_reason.label))
    rows += [
        ("Who", ev.given_by.label if ev.given_by else "Not recorded"),
        ("Their name", ev.given_by_name or "Not recorded"),
        ("How", ev.method.label if ev.method else "Not recorded"),
        ("What they were told", ev.told or "Not recorded"),
        ("Information", ev.scope_information),
        ("Shared with", ev.scope_recipient),
        ("Purpose", ev.scope_purpose),
        ("Took effect", when(ev.effective_at, tz)),  # type: ignore[arg-type]
        ("Recorded by", ev.recorded_by),
        ("Recorded at", when(ev.recorded_at, tz)),  # type: ignore[arg-type]
    ]
    text = Text()
    for i, (label, value) in enumerate(rows):
        if i:
            text.append("\n")
        text.append(f"{label}: ", style="bold")
        text.append(lit(value))
    return text


class ConsentEventDialog(KioskModal[None]):
    """One consent event in full. Opening it is recorded (the service writes the audit)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConsentEventDialog")

    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Consent record", classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield Static("Loading…", id="consent-event")
            yield Button("Close (Esc)", id="close", variant="primary")

    def on_mount(self) -> None:
        self._load()

    @work(exclusive=True, group="consent-event", exit_on_error=False)
    async def _load(self) -> None:
        body = self.query_one("#consent-event", Static)
        try:
            ev = await self.call(self.services.consent.get_event, self.actor, self.event_id)
        except ShareError as exc:
            body.update(lit(exc.message))
            return
        body.update(event_text(ev, self.share_app.settings.tz))

    @on(Button.Pressed, "#close")
    def _pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def resume_consent_draft(app: ShareApp, draft_id: int) -> None:
    """Carry on with a consent record kept as a draft: the person's record opens with the
    dialog on top, every answer as it was left."""
    app.run_worker(
        _resume(app, draft_id), group="consent-draft", exclusive=True, exit_on_error=False
    )


async def _resume(app: ShareApp, draft_id: int) -> None:
    from sharetui.ui.screens.person import PersonScreen

    services, actor = await app.wait_services(), app.actor
    assert actor is not None
    draft = await asyncio.to_thread(services.drafts.load, actor, draft_id)
    person_id = draft.payload.get("person_id")
    stored = draft.payload.get("values")
    if draft.kind != DRAFT_KIND or not isinstance(person_id, int) or not isinstance(stored, dict):
        raise NotFound("That draft is not a consent record this version can open")
    values = {str(k): v for k, v in stored.items() if isinstance(v, str)}
    if not app.lock_is_up:  # locked meanwhile: the draft stays under My drafts
        await app.push_screen(PersonScreen(person_id, consent_draft=(draft_id, values)))
