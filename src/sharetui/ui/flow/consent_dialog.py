"""Record consent that was just given, without leaving the decision: who gave it, how, what
they were told, and what it covers (filled in from the share being recorded)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from sharetui.domain.consent import ConsentInput
from sharetui.domain.enums import ConsentGiver, ConsentMethod, ConsentStatus
from sharetui.domain.errors import ShareError, ValidationFailed
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT
from sharetui.ui.flow.choices import Choice, Choices
from sharetui.ui.literal import lit, plain
from sharetui.ui.screens.base import KioskModal
from sharetui.ui.screens.dialogs import cancel_asking_first

ORDER = (
    "given_by",
    "given_by_name",
    "method",
    "told",
    "scope_information",
    "scope_recipient",
    "scope_purpose",
)


class ConsentNowDialog(KioskModal["ConsentEventView | None"]):
    """Returns the consent event recorded, or None when cancelled."""

    DEFAULT_CSS = """
    ConsentNowDialog > .dialog { height: 90%; }
    ConsentNowDialog #consent-now-body { height: 1fr; }
    ConsentNowDialog .error-message { display: none; }
    ConsentNowDialog .error-message.-shown { display: block; }
    ConsentNowDialog #consent-now-summary { display: none; }
    ConsentNowDialog #consent-now-summary.-shown { display: block; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save consent", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    FIELD_HELP = {
        "given_by": "Who gave consent: the person, a parent with parental responsibility, a "
        "competent child, or someone else. Press the number shown.",
        "told": "What they were told about why, what, how and with whom it will be shared "
        "(rule 2). Consent is only valid when they knew what they agreed to.",
        "scope_information": "Consent covers only this information, this recipient and this "
        "purpose. A later share outside it needs its own basis.",
    }

    def __init__(self, person_id: int, information: str, recipient: str, purpose: str) -> None:
        super().__init__()
        self.person_id = person_id
        self.prefill = {
            "scope_information": information,
            "scope_recipient": recipient,
            "scope_purpose": purpose,
        }

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Record consent given now", classes="dialog-title")
            with VerticalScroll(id="consent-now-body"):
                yield Static("", classes="error-summary", id="consent-now-summary")
                yield Label("Who gave it?", classes="field-label")
                yield Choices(
                    [Choice(str(i), g.value, g.label) for i, g in enumerate(ConsentGiver, 1)],
                    id="given_by",
                )
                yield Static("", classes="error-message", id="given_by-error")
                yield Label("Their name (optional)", classes="field-label")
                yield Input(id="given_by_name", max_length=SHORT_TEXT)
                yield Static("", classes="error-message", id="given_by_name-error")
                yield Label("How was it given?", classes="field-label")
                yield Choices(
                    [Choice(str(i), m.value, m.label) for i, m in enumerate(ConsentMethod, 1)],
                    id="method",
                )
                yield Static("", classes="error-message", id="method-error")
                yield Label("What were they told about the sharing?", classes="field-label")
                yield Input(id="told", max_length=LONG_TEXT)
                yield Static("", classes="error-message", id="told-error")
                for name, label in (
                    ("scope_information", "Consent covers this information"),
                    ("scope_recipient", "Going to"),
                    ("scope_purpose", "For this purpose"),
                ):
                    yield Label(label, classes="field-label")
                    yield Input(
                        value=self.prefill[name][:SHORT_TEXT], id=name, max_length=SHORT_TEXT
                    )
                    yield Static("", classes="error-message", id=f"{name}-error")
                yield Static("Ctrl+S saves it on the person's record. Esc cancels.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#given_by").focus()

    @on(Choices.Picked)
    def _next(self, event: Choices.Picked) -> None:
        event.stop()
        self.call_after_refresh(self.focus_next)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        """Esc closes at once only when nothing was typed beyond what the share filled in."""
        cancel_asking_first(
            self, self._typed(), "Discard the consent you typed? Nothing has been recorded."
        )

    def _typed(self) -> bool:
        if any(self.query_one(f"#{name}", Choices).value for name in ("given_by", "method")):
            return True
        return any(
            self.query_one(f"#{name}", Input).value.strip()
            != self.prefill.get(name, "")[:SHORT_TEXT].strip()
            for name in ORDER
            if name not in ("given_by", "method")
        )

    def action_save(self) -> None:
        given_by = self.query_one("#given_by", Choices).value
        method = self.query_one("#method", Choices).value
        data = ConsentInput(
            person_id=self.person_id,
            status=ConsentStatus.GIVEN,
            given_by=ConsentGiver(given_by) if given_by else None,
            given_by_name=self.query_one("#given_by_name", Input).value,
            method=ConsentMethod(method) if method else None,
            told=self.query_one("#told", Input).value,
            scope_information=self.query_one("#scope_information", Input).value,
            scope_recipient=self.query_one("#scope_recipient", Input).value,
            scope_purpose=self.query_one("#scope_purpose", Input).value,
        )
        self._save(data)

    @work(exclusive=True, group="consent-now", exit_on_error=False)
    async def _save(self, data: ConsentInput) -> None:
        try:
            event = await self.call(self.services.consent.record, self.actor, data)
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return
        except ShareError as exc:
            self.show_errors({"": exc.message})
            return
        self.dismiss(event)

    def show_errors(self, errors: dict[str, str]) -> None:
        summary = self.query_one("#consent-now-summary", Static)
        for name in ORDER:
            target = self.query_one(f"#{name}-error", Static)
            target.update(lit(errors.get(name, "")))
            target.set_class(name in errors, "-shown")
        text = Text("There is a problem", style="bold")
        for message in errors.values():
            text.append("\n- " + plain(message))
        summary.update(text)
        summary.set_class(bool(errors), "-shown")
        first = next((name for name in ORDER if name in errors), None)
        if first is not None:
            self.query_one(f"#{first}").focus()
