"""The first pages: urgency, who, request and recipient, what information."""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from sharetui.domain.enums import CallerCheck, InfoCategory, RequestOrigin, ShareMethod
from sharetui.domain.errors import ShareError
from sharetui.domain.text import LONG_TEXT
from sharetui.services.register import RecipientChoice
from sharetui.services.views import PersonSummary
from sharetui.ui.flow.messages import ContinueAsked
from sharetui.ui.flow.page import FlowPage, FocusText, bool_value, field_id, to_bool
from sharetui.ui.forms import FieldHead, LongText
from sharetui.ui.forms.choices import Choice, Choices, enum_choices
from sharetui.ui.literal import plain
from sharetui.ui.widgets.person_picker import PersonPicker
from sharetui.ui.widgets.person_text import person_line
from sharetui.ui.widgets.recipient_picker import RecipientPicker

YES_NO = [Choice("y", "yes", "Yes"), Choice("n", "no", "No")]

URGENT_NOTE = (
    "URGENT PATH. Consent is not needed to share when a child is at risk of significant "
    "harm. Do not let seeking consent or advice delay the share: advice can be asked for "
    "afterwards. Only what you need to share now will be asked, and the record is marked "
    "urgent."
)


class UrgencyPage(FlowPage):
    PAGE = "urgency"
    HINT = "Press y or n, then Enter. Protecting a child from harm comes before privacy."

    def body(self) -> ComposeResult:
        yield self.field(
            "urgent",
            "",
            Choices(
                [
                    Choice(
                        "y",
                        "yes",
                        "Yes",
                        "Urgent path: share now. Consent is not needed; advice must not delay it.",
                    ),
                    Choice("n", "no", "No", "Go through each step of the golden rules."),
                ],
                value=bool_value(self.data.urgent),
                id=field_id("urgent"),
            ),
        )
        note = Static(URGENT_NOTE, classes="urgent-banner", id="urgent-note")
        note.display = bool(self.data.urgent)
        yield note

    def picked(self, choices: Choices, value: str) -> Widget | bool | None:
        self.query_one("#urgent-note").display = value == "yes"
        return None

    def collect(self) -> dict[str, str]:
        self.data.urgent = to_bool(self.choice("urgent"))
        return {}


class WhoPage(FlowPage):
    PAGE = "who"
    HINT = (
        "Search by name, date of birth or reference: Enter moves to the matches, Enter picks. "
        "Ctrl+N adds someone new. Then add anyone else affected, or press Enter to go on."
    )
    BINDINGS = [Binding("f8", "remove_person", "Remove last person")]

    def body(self) -> ComposeResult:
        yield self.field(
            "subject_id",
            "Person",
            FocusText(self._chosen_text(), id=field_id("subject_id")),
        )
        yield Static(self._others_text(), id="others-affected")
        yield Static(self._search_label(), classes="field-label", id="search-label")
        yield PersonPicker(id="who-picker", page_size=6)
        yield FieldHead("others_affected", "", "")

    def _chosen_text(self) -> Text:
        if self.data.subject_id is None:
            return Text("No one chosen yet: search below.")
        person = self.flow.people.get(self.data.subject_id)
        text = person_line(person) if person else Text(f"Person {self.data.subject_id}")
        if self.flow.state.amend_of is not None:
            text.append("  (an amendment keeps the same person)")
        else:
            text.append("  (F8 removes)")
        return text

    def _others_text(self) -> Text:
        if not self.data.others_affected:
            return Text("Others affected (siblings, carers): none added", style="dim")
        text = Text("Others affected:", style="bold")
        for pid in self.data.others_affected:
            text.append("\n  ")
            person = self.flow.people.get(pid)
            text.append_text(person_line(person) if person else Text(f"Person {pid}"))
        return text

    def _search_label(self) -> str:
        if self.data.subject_id is None:
            return "Find the person"
        return "Add someone else affected (optional)"

    def _refresh(self) -> None:
        self.query_one(f"#{field_id('subject_id')}", FocusText).update(self._chosen_text())
        self.query_one("#others-affected", Static).update(self._others_text())
        self.query_one("#search-label", Static).update(self._search_label())

    def focus_first(self) -> None:
        if self.data.subject_id is not None:
            self.query_one(f"#{field_id('subject_id')}").focus()
        else:
            self.query_one(PersonPicker).focus_input()

    @on(PersonPicker.Picked)
    def _picked_person(self, event: PersonPicker.Picked) -> None:
        event.stop()
        person: PersonSummary = event.person
        self.flow.people[person.id] = person
        if self.data.subject_id is None:
            self.data.subject_id = person.id
        elif person.id != self.data.subject_id and person.id not in self.data.others_affected:
            self.data.others_affected.append(person.id)
        picker = self.query_one(PersonPicker)
        picker.search("")
        self._refresh()
        self.query_one(f"#{field_id('subject_id')}").focus()

    def on_key(self, event: events.Key) -> None:
        """Enter in an empty search box goes on, as it does everywhere else."""
        if event.key != "enter":
            return
        picker = self.query_one(PersonPicker)
        if self.screen.focused is picker.input and not picker.query_text.strip():
            event.stop()
            event.prevent_default()
            self.post_message(ContinueAsked())

    def action_remove_person(self) -> None:
        if self.data.others_affected:
            self.data.others_affected.pop()
        elif self.flow.state.amend_of is None:
            self.data.subject_id = None
        self._refresh()
        self.focus_first()

    def collect(self) -> dict[str, str]:
        self.flow.state.extras["who_search"] = self.query_one(PersonPicker).query_text
        return {}

    def on_mount(self) -> None:
        typed = self.flow.state.extras.get("who_search", "")
        if typed:
            self.query_one(PersonPicker).search(typed)


class RecipientPage(FlowPage):
    PAGE = "recipient"
    HINT = (
        "Choose the recipient from the register by typing: Enter takes the one highlighted. "
        "Whether a data sharing agreement covers it is shown under the purpose."
    )

    def body(self) -> ComposeResult:
        d = self.data
        urgent = self.flow.state.urgent_path
        yield self.field(
            "origin",
            "Was this an incoming request or our own initiative?",
            Choices(
                [
                    Choice(
                        "1",
                        RequestOrigin.INCOMING_REQUEST.value,
                        "An incoming request",
                        "Someone asked us for the information.",
                    ),
                    Choice(
                        "2",
                        RequestOrigin.OWN_INITIATIVE.value,
                        "Our own initiative",
                        "We decided to share.",
                    ),
                ],
                value=d.origin.value if d.origin else None,
                id=field_id("origin"),
            ),
            shown=not urgent,
        )
        yield self.field(
            "caller_check",
            "If the request came by phone, how did you check who was calling?",
            Choices(
                [
                    Choice(str(i), c.value, c.label, _CALLER_HINTS.get(c, ""))
                    for i, c in enumerate(CallerCheck, 1)
                ],
                value=d.caller_check.value if d.caller_check else None,
                id=field_id("caller_check"),
            ),
            shown=not urgent and d.origin is RequestOrigin.INCOMING_REQUEST,
        )
        warn = Static(
            "Caller not verified: this will be flagged on the record. Call back on a known "
            "number before sharing if you can.",
            classes="warning",
            id="unverified-warning",
        )
        warn.display = d.caller_check is CallerCheck.NOT_VERIFIED
        yield warn
        yield self.field(
            "recipient_org",
            "Recipient, from the register",
            Static(self._chosen_text(), id=field_id("recipient_org")),
        )
        yield RecipientPicker(chosen=bool(d.recipient_org), id="recipient-picker")
        yield self.field(
            "purpose",
            "Purpose of sharing",
            self.long_text("purpose", d.purpose, LONG_TEXT),
            "What the recipient will use it for.",
        )
        yield Static(self._cover_text(), classes="agreement-cover", id="agreement-cover")

    def picked(self, choices: Choices, value: str) -> Widget | bool | None:
        if choices.id == field_id("origin"):
            self.show_group("caller_check", value == RequestOrigin.INCOMING_REQUEST.value)
        elif choices.id == field_id("caller_check"):
            warning = self.query_one("#unverified-warning")
            warning.display = value == CallerCheck.NOT_VERIFIED.value
        return None

    def collect(self) -> dict[str, str]:
        d = self.data
        if self.flow.state.urgent_path:
            d.origin = None
            d.caller_check = None
        else:
            origin = self.choice("origin")
            d.origin = RequestOrigin(origin) if origin else None
            check = self.choice("caller_check")
            incoming = d.origin is RequestOrigin.INCOMING_REQUEST
            d.caller_check = CallerCheck(check) if check and incoming else None
        d.purpose = self.text_of("purpose")
        self.flow.state.extras["recipient_search"] = self.query_one(RecipientPicker).query_text
        return {}

    def on_mount(self) -> None:
        typed = self.flow.state.extras.get("recipient_search", "")
        if typed:  # what was typed in the search box comes back with the draft
            self.query_one(RecipientPicker).input.value = typed

    # -- the register ---------------------------------------------------------------------
    def _chosen_text(self) -> Text:
        d = self.data
        if not d.recipient_org:
            return Text("No recipient chosen yet: search the register below.", style="dim")
        text = Text()
        text.append(plain(d.recipient_org, 80), style="bold")
        for part in (d.recipient_role, d.recipient_name):
            if part:
                text.append(" - " + plain(part, 60))
        if d.recipient_contact:
            text.append("  " + plain(d.recipient_contact, 60))
        if d.recipient_org_id is None:
            text.append(
                "\n(recorded as typed, not from the register: choose it below)", style="dim"
            )
        return text

    def _cover_text(self) -> Text:
        words = self.flow.state.extras.get("agreement_cover", "")
        return Text("Agreement: " + words, style="italic") if words else Text("")

    @on(RecipientPicker.Picked)
    def _picked_recipient(self, event: RecipientPicker.Picked) -> None:
        event.stop()
        c = event.choice
        d = self.data
        d.recipient_org_id, d.recipient_contact_id = c.org_id, c.contact_id
        d.recipient_org, d.recipient_role = c.org, c.role
        d.recipient_name, d.recipient_contact = c.name, c.contact
        if d.share_method is None:
            d.share_method = secure_route(c)
        self.query_one(f"#{field_id('recipient_org')}", Static).update(self._chosen_text())
        self._refresh_cover()
        self.query_one(f"#{field_id('purpose')}").focus()

    @on(RecipientPicker.Continue)
    def _continue(self, event: RecipientPicker.Continue) -> None:
        event.stop()
        self.post_message(ContinueAsked())

    @on(LongText.Changed, f"#{field_id('purpose')}")
    def _purpose_changed(self, event: LongText.Changed) -> None:
        if self.data.recipient_org_id is not None:
            self._refresh_cover()

    @work(exclusive=True, group="agreement-cover", exit_on_error=False)
    async def _refresh_cover(self) -> None:
        """Whether an agreement covers this recipient and purpose (ICO data sharing code):
        said, never required; the record keeps the one it relied on when saved."""
        app = self.flow.share_app
        purpose = self.text_of("purpose")
        today = app.clock.today()
        try:
            cover = await self.flow.call(
                self.flow.services.agreements.cover,
                self.flow.actor,
                self.data.recipient_org_id,
                purpose,
                today,
            )
        except ShareError:
            return
        if self.is_attached:
            self.flow.state.extras["agreement_cover"] = cover.words(today)
            self.query_one("#agreement-cover", Static).update(self._cover_text())


_CALLER_HINTS = {
    CallerCheck.NOT_BY_PHONE: "In writing, in person or by secure email.",
    CallerCheck.CALLED_BACK_KNOWN_NUMBER: "You rang them back on a number you already had.",
    CallerCheck.KNOWN_CONTACT: "You know the caller and recognised them.",
    CallerCheck.SECURE_EMAIL_DOMAIN: "They confirmed from a secure organisational email.",
    CallerCheck.NOT_VERIFIED: "Flagged on the record. Call back if you can.",
}


def secure_route(c: RecipientChoice) -> ShareMethod | None:
    """How the share will go, proposed from the register's secure route for the recipient
    (shown on the decision page and on check your answers, where it can be changed)."""
    routes = c.secure_routes.lower()
    if "@" in c.contact or "@" in routes or "email" in routes:
        return ShareMethod.SECURE_EMAIL
    if "portal" in routes:
        return ShareMethod.PORTAL
    return None


class WhatPage(FlowPage):
    PAGE = "what"
    HINT = "Share only what is needed (rule 6), and keep fact apart from opinion."

    def body(self) -> ComposeResult:
        """The two yes/no questions first, then the information: answering them moves
        straight into the text box (no Tab), and typing the information can never change
        them (as on the decision page)."""
        d = self.data
        yield self.yes_no(
            "special_category",
            YES_NO,
            "Special category data (health, sex life, ethnicity, religion)?",
            d.special_category,
        )
        yield self.yes_no(
            "criminal_offence",
            YES_NO,
            "Criminal offence data (offences, allegations, convictions)?",
            d.criminal_offence,
        )
        yield self.field(
            "information",
            "The information",
            self.long_text("information", d.information, LONG_TEXT),
        )
        if not self.flow.state.urgent_path:
            yield self.field(
                "categories",
                "Categories (optional: press each number to tick or untick)",
                Choices(
                    enum_choices(list(InfoCategory)),
                    multiple=True,
                    values=d.categories,
                    id=field_id("categories"),
                ),
            )

    def picked(self, choices: Choices, value: str) -> Widget | bool | None:
        return False if choices.multiple else None  # ticking several: stay until Tab or Enter

    def collect(self) -> dict[str, str]:
        d = self.data
        d.information = self.text_of("information")
        d.special_category = to_bool(self.choice("special_category"))
        d.criminal_offence = to_bool(self.choice("criminal_offence"))
        if not self.flow.state.urgent_path:
            d.categories = self.query_one(f"#{field_id('categories')}", Choices).values
        return {}
