"""Consent dialogs: record an event (given, refused, withdrawn, not sought), withdraw the
consent of one scope in one step, and show one recorded event in full.

Consent is a history: nothing here edits an earlier event; every change is a new event.
No answer is preselected where it carries weight (what happened, who, how).
"""

from __future__ import annotations

from datetime import datetime, time
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from sharetui.domain.clock import Clock
from sharetui.domain.consent import ConsentInput, validate_consent
from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus, NotSoughtReason
from sharetui.domain.errors import ShareError
from sharetui.domain.person import parse_date
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT
from sharetui.services.views import ConsentEventView, ConsentLine
from sharetui.ui.forms import Choices, ErrorSummary, Field, LongText, ShortText, date_question
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.dialog import FormDialog, saving_status
from sharetui.ui.literal import labelled_lines, lit, when
from sharetui.ui.screens.base import KioskModal

E = TypeVar("E", bound=Enum)

STATUS_WORDS = {
    ConsentStatus.GIVEN: "Given: they agreed to the sharing",
    ConsentStatus.REFUSED: "Refused: they said no",
    ConsentStatus.WITHDRAWN: "Withdrawn: they took back consent given before",
    ConsentStatus.NOT_SOUGHT: "Not sought: consent was not asked for",
}

DRAFT_KIND = "consent"

TEXT_FIELDS = ("given_by_name", "scope_information", "scope_recipient", "scope_purpose")

DATE_FORMAT_ERROR = "Enter the date as day/month/year, for example 3/3/2026, or leave it blank"


def member_of(members: list[E], value: object) -> E | None:
    return next((m for m in members if m.value == value), None)


def who_and_how(who_label: str) -> ComposeResult:
    """Who gave (or withdrew) consent, their name, and how: asked alike by the consent form
    and the withdrawal."""
    yield Field("given_by", who_label, Choices(enum_choices(list(ConsentGiver)), id="given_by"))
    yield Field(
        "given_by_name",
        "Their name (optional)",
        ShortText(id="given_by_name", max_length=SHORT_TEXT),
    )
    yield Field("method", "How?", Choices(enum_choices(list(ConsentMethod)), id="method"))


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


class RecordConsentDialog(FormDialog):
    """Record what happened about consent for one scope (information, recipient, purpose)."""

    DEFAULT_CLASSES = "scrolling-form"

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
    DRAFT_KIND = DRAFT_KIND
    TITLE_WORDS = "Record consent"

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
        values: dict[str, Any] | None = None,
        draft_id: int | None = None,
    ) -> None:
        super().__init__(values=values, draft_id=draft_id)
        self.person_id = person_id
        self.person_label = person_label

    @property
    def recorded(self) -> bool:
        return self.finished

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.TITLE_WORDS, classes="dialog-title")
            if self.person_label:
                yield Static(lit(f"About {self.person_label}"), classes="hint")
            yield ErrorSummary()
            with VerticalScroll(classes="form-body"):
                yield Field(
                    "status",
                    "What happened?",
                    Choices(enum_choices(list(ConsentStatus), STATUS_WORDS), id="status"),
                )
                yield Field(
                    "not_sought_reason",
                    "Why was consent not sought?",
                    Choices(enum_choices(list(NotSoughtReason)), id="not_sought_reason"),
                    id="not-sought-part",
                    shown=False,
                )
                with Vertical(id="who-part"):
                    yield from who_and_how("Who gave, refused or withdrew it?")
                yield Field(
                    "told",
                    "What were they told about the sharing?",
                    LongText(id="told", max_length=LONG_TEXT),
                    "Enter starts a new line; Tab goes to the next question.",
                )
                yield Field(
                    "scope_information",
                    "Which information?",
                    ShortText(id="scope_information", max_length=SHORT_TEXT),
                )
                yield Field(
                    "scope_recipient",
                    "Shared with whom?",
                    ShortText(id="scope_recipient", max_length=SHORT_TEXT),
                )
                yield Field(
                    "scope_purpose",
                    "For what purpose?",
                    ShortText(id="scope_purpose", max_length=SHORT_TEXT),
                )
                yield date_question(
                    "effective_at",
                    "Date (day/month/year; blank for today)",
                )
            yield saving_status()
            yield Static(
                "Ctrl+S: save   Esc: cancel   Ctrl+D: discard   Tab: next question",
                classes="hint",
            )

    def restored(self) -> None:
        self._status_changed()

    def draft_title(self) -> str:
        return "Consent record" + (f": {self.person_label}" if self.person_label else "")

    def draft_context(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "person_label": self.person_label}

    @on(Choices.Picked, "#status")
    def _status_changed(self) -> None:
        status = member_of(list(ConsentStatus), self.query_one("#status", Choices).value)
        not_sought = status is ConsentStatus.NOT_SOUGHT
        self.query_one("#not-sought-part").display = not_sought
        self.query_one("#who-part").display = not not_sought

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    # -- the answers ---------------------------------------------------------------------
    def _input(self, values: dict[str, Any], effective: datetime | None) -> ConsentInput:
        status = member_of(list(ConsentStatus), values["status"])
        not_sought = status is ConsentStatus.NOT_SOUGHT
        return ConsentInput(
            person_id=self.person_id,
            status=status,
            not_sought_reason=(
                member_of(list(NotSoughtReason), values["not_sought_reason"])
                if not_sought
                else None
            ),
            given_by=None if not_sought else member_of(list(ConsentGiver), values["given_by"]),
            given_by_name="" if not_sought else values["given_by_name"],
            method=None if not_sought else member_of(list(ConsentMethod), values["method"]),
            told=values["told"],
            scope_information=values["scope_information"],
            scope_recipient=values["scope_recipient"],
            scope_purpose=values["scope_purpose"],
            effective_at=effective,
        )

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        """A date the screen cannot read: list every problem at once, not the date alone."""
        _effective, date_error = effective_from(values["effective_at"], self.share_app.clock)
        if not date_error:
            return {}
        errors = validate_consent(self._input(values, None).cleaned())
        errors["effective_at"] = date_error
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> ConsentEventView:
        effective, _ = effective_from(values["effective_at"], self.share_app.clock)
        saved: ConsentEventView = await self.call(
            self.services.consent.record, self.actor, self._input(values, effective)
        )
        return saved


class WithdrawConsentDialog(FormDialog):
    """Withdraw the consent of one scope: confirm who withdrew it and how, then save."""

    DEFAULT_CLASSES = "scrolling-form"

    BINDINGS = [Binding("ctrl+s", "save", "Withdraw consent", priority=True)]

    FIELDS = ("given_by", "given_by_name", "method")
    DRAFT_KIND = "withdraw"
    DRAFT_TITLE = "Withdrawal of consent"

    def __init__(
        self,
        line: ConsentLine,
        description: str,
        *,
        values: dict[str, Any] | None = None,
        draft_id: int | None = None,
    ) -> None:
        current = line.current
        start = {
            "given_by": current.given_by.value if current.given_by else "",
            "given_by_name": current.given_by_name,
            "method": current.method.value if current.method else "",
        }
        super().__init__(values={**start, **(values or {})}, draft_id=draft_id)
        self.line = line
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Withdraw consent", classes="dialog-title")
            yield ErrorSummary()
            with VerticalScroll(classes="form-body"):
                yield Static(lit(self.description))
                yield from who_and_how("Who withdrew it?")
            yield saving_status()
            yield Button(
                "Withdraw consent (Ctrl+S)",
                id="withdraw",
                variant="error",
                classes="save-button",
                action="screen.save",
            )
            yield Static("Esc: cancel, nothing is changed", classes="hint")

    def draft_context(self) -> dict[str, Any]:
        return {"person_id": self.line.current.person_id, "event_id": self.line.current.id}

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if not values["given_by"]:
            errors["given_by"] = "Choose who withdrew consent"
        if not values["method"]:
            errors["method"] = "Choose how consent was withdrawn"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> ConsentEventView:
        saved: ConsentEventView = await self.call(
            self.services.consent.withdraw,
            self.actor,
            self.line.current.id,
            member_of(list(ConsentGiver), values["given_by"]),
            member_of(list(ConsentMethod), values["method"]),
            values["given_by_name"],
        )
        return saved


def event_text(ev: ConsentEventView, tz: ZoneInfo) -> Text:
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
        ("Took effect", when(ev.effective_at, tz)),
        ("Recorded by", ev.recorded_by),
        ("Recorded at", when(ev.recorded_at, tz)),
    ]
    return labelled_lines(rows)


class ConsentEventDialog(KioskModal[None]):
    """One consent event in full. Opening it is recorded (the service writes the audit)."""

    DEFAULT_CLASSES = "scrolling-form"

    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Consent record", classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield Static("Loading…", id="consent-event")
            yield Button("Close (Esc)", id="close", variant="primary", action="screen.close")

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

    def action_close(self) -> None:
        self.dismiss(None)
