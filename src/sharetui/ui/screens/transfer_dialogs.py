"""The forms of child protection file transfers (Keeping Children Safe in Education, annex
C, the DSL's role): a file sent to the new setting, a file received from another setting,
and our confirmation of receipt back to the setting that sent one.

A transfer asks only its own questions (the person, the new setting from the register, the
reason and day of the move, sent separately from the main pupil file, how and when it went,
the lawful basis and any Article 9 condition, what could happen if it were not sent); the
service writes the rest of the decision record, which is the same for every transfer. Both
forms with a person keep a draft when the user locks, switches or signs out."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from sharetui.domain.after_share import ReceiptMethod
from sharetui.domain.calendar import WorkingCalendar
from sharetui.domain.decision import DecisionInput
from sharetui.domain.enums import Art9Condition, LawfulBasis, ShareMethod
from sharetui.domain.person import parse_date
from sharetui.domain.text import LONG_TEXT
from sharetui.services.register_keeping import RecipientChoice
from sharetui.ui.flow.pages_end import WHEN_ERROR
from sharetui.ui.flow.summary import WHEN_FORMAT
from sharetui.ui.forms import (
    Choice,
    Choices,
    ErrorSummary,
    Field,
    LongText,
    ShortText,
    date_question,
)
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.dialog import FormDialog, saving_status
from sharetui.ui.literal import day, lit, plain
from sharetui.ui.screens.agreements import DATE_ERROR, lawful_basis_question
from sharetui.ui.widgets.person_picker import PersonPicker
from sharetui.ui.widgets.person_text import chosen, person_line
from sharetui.ui.widgets.recipient_picker import RecipientPicker, choice_line

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp

SECURE_WAYS = [
    Choice("1", ShareMethod.SECURE_EMAIL.value, "Secure email"),
    Choice("2", ShareMethod.PORTAL.value, "Secure portal or transfer system"),
    Choice("3", ShareMethod.MEETING.value, "By hand, to the new setting's DSL"),
    Choice("4", ShareMethod.OTHER.value, "Another secure way"),
]
YES_NO = [Choice("y", "yes", "Yes"), Choice("n", "no", "No")]
SEPARATE = [Choice("y", "yes", "Sent separately from the main pupil file")]
BACK = [Choice("0", "", "Not yet"), *enum_choices(list(ReceiptMethod))]
TRANSFER_HELP = {
    "person": "The child whose file it is: type part of a name, a date of birth or a "
    "reference, then Down and Enter.",
    "org": "The setting, from the recipient register: type part of its name, Enter takes the "
    "one highlighted. A setting the register lacks is added (Ctrl+N) for a supervisor to "
    "check.",
    "transfer_reason": "Why the child moved (a move of house, a change of carer, a managed "
    "move): in a line or two.",
    "moved_on": "The day the child left us (or joined the new setting). The file is due 5 "
    "school days after an in-year move, or by the fifth school day of the new term (Keeping "
    "Children Safe in Education, annex C); the due date is shown under the box.",
    "pupil_file_separate": "KCSIE: the child protection file goes separately from the main "
    "pupil file, so that it reaches the DSL and not the admissions office. Tick once it has.",
    "share_method": "Securely: secure email, a portal, or by hand to the new setting's DSL. "
    "Never by ordinary post and never with the parents.",
    "shared_at": "When the file was sent (day/month/year hours:minutes). Receipt is chased from "
    "this time, in school days.",
    "lawful_basis": "The UK GDPR Article 6 basis: a school sending the file under KCSIE "
    "usually relies on legal obligation or public task. Choose; nothing is assumed.",
    "special_category": "Health, ethnicity, religion, sex life or sexual orientation: a child "
    "protection file usually holds some.",
    "art9_condition": "For special category data, the Article 9 condition: usually DPA 2018 "
    "Schedule 1 paragraph 18, safeguarding of children and individuals at risk.",
    "impact_if_not_shared": "Golden rule 5: what could happen to the child, or others, if the "
    "file did not reach the new setting. A few words are enough.",
    "received_on": "The day the file arrived (day/month/year).",
    "confirmed_back": "How we told the sending setting that the file arrived, or not yet. KCSIE "
    "asks the sender to get confirmation of receipt: give it promptly.",
    "note": "Anything to record about the file: how it came, what was missing.",
}


def _day_text(value: date) -> str:
    return f"{value.day}/{value.month}/{value.year}"


class _ChoosesPeople(FormDialog):
    """A form with a person and a register entry, kept beside the kit's answers."""

    PERSON_PICKER = ""

    def __init__(self, *, values: dict[str, Any] | None = None, draft_id: int | None = None):
        super().__init__(values=values, draft_id=draft_id)
        self.person: tuple[int, str] | None = None
        self.org: tuple[int, int | None, str] | None = None

    def people_questions(self, org_question: str, *, allow_add: bool) -> ComposeResult:
        """The first two questions of both forms, the child and the other setting, each
        with the line saying who is chosen."""
        yield Field("person", "The child", PersonPicker(page_size=4, allow_add=allow_add))
        yield Static("Nobody chosen yet", id="chosen-person")
        yield Field("org", org_question, RecipientPicker())
        yield Static("No setting chosen yet", id="chosen-org")

    def values(self) -> dict[str, Any]:
        out = super().values()
        out["person"] = list(self.person) if self.person else None
        out["org"] = list(self.org) if self.org else None
        return out

    def restore(self, values: dict[str, Any]) -> None:
        super().restore(values)
        person, org = values.get("person"), values.get("org")
        if isinstance(person, list) and len(person) == 2 and isinstance(person[0], int):
            self._chose_person(int(person[0]), Text(plain(person[1])))
        if isinstance(org, list) and len(org) == 3 and isinstance(org[0], int):
            contact = org[1] if isinstance(org[1], int) else None
            self._chose_org(org[0], contact, Text(plain(org[2])))

    def _widget(self, name: str) -> Widget | None:
        """The pickers' search boxes stand for their questions (focus, errors)."""
        if name == "person":
            return self.query_one(PersonPicker).input
        if name == "org":
            return self.query_one(RecipientPicker).input
        return super()._widget(name)

    def help_for(self, widget_id: str | None) -> str | None:
        focused = self.app.focused
        for node in focused.ancestors_with_self if focused is not None else []:
            if isinstance(node, PersonPicker):
                return TRANSFER_HELP["person"]
            if isinstance(node, RecipientPicker):
                return TRANSFER_HELP["org"]
        return super().help_for(widget_id)

    def focus_first(self) -> None:
        if self.person is None:
            self.query_one(PersonPicker).focus_input()
        else:
            self.query_one(RecipientPicker).input.focus()

    def _chose_person(self, person_id: int, words: Text) -> None:
        self.person = (person_id, words.plain)
        self.query_one("#chosen-person", Static).update(chosen(words))

    def _chose_org(self, org_id: int, contact_id: int | None, words: Text) -> None:
        self.org = (org_id, contact_id, words.plain)
        self.query_one("#chosen-org", Static).update(chosen(words))

    @on(PersonPicker.Picked)
    def _picked_person(self, event: PersonPicker.Picked) -> None:
        event.stop()
        self._chose_person(event.person.id, person_line(event.person))
        self.query_one(RecipientPicker).input.focus()

    @on(RecipientPicker.Picked)
    def _picked_org(self, event: RecipientPicker.Picked) -> None:
        event.stop()
        c: RecipientChoice = event.choice
        self._chose_org(c.org_id, c.contact_id, choice_line(c))
        self.focus_after_org()

    @on(RecipientPicker.Continue)
    def _continue(self, event: RecipientPicker.Continue) -> None:
        event.stop()
        self.focus_after_org()

    def focus_after_org(self) -> None:
        raise NotImplementedError

    def field_of(self, error_key: str) -> str:
        if error_key in ("subject_id", "person_id"):
            return "person"
        if error_key in ("recipient_org", "recipient_org_id", "recipient_contact_id"):
            return "org"
        if error_key == "from_org_id":
            return "org"
        return error_key

    def check_people(self, errors: dict[str, str], org_words: str) -> None:
        if self.person is None:
            errors["person"] = "Choose the child: search, then Down and Enter"
        if self.org is None:
            errors["org"] = f"Choose {org_words} from the register"


class StartTransferDialog(_ChoosesPeople):
    """A child protection file sent to the new setting."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = (
        "person",
        "org",
        "transfer_reason",
        "moved_on",
        "pupil_file_separate",
        "share_method",
        "shared_at",
        "lawful_basis",
        "special_category",
        "art9_condition",
        "impact_if_not_shared",
    )
    DRAFT_KIND = "cp-transfer"
    DRAFT_TITLE = "Child protection file transfer"
    FIELD_HELP = TRANSFER_HELP

    def __init__(self, *, values: dict[str, Any] | None = None, draft_id: int | None = None):
        super().__init__(values=values, draft_id=draft_id)
        self.calendar: WorkingCalendar | None = None

    SAVE_HINT = "Ctrl+S: record the transfer   Esc: cancel   F1: help"

    def heading(self) -> str:
        return "Send a child protection file to the new setting"

    def questions(self) -> ComposeResult:
        app = self.share_app
        now = app.clock.now().astimezone(app.settings.tz).strftime(WHEN_FORMAT)
        yield from self.people_questions("The new setting", allow_add=False)
        yield Field(
            "transfer_reason",
            "Reason for the move",
            LongText(id="transfer_reason", max_length=LONG_TEXT),
        )
        yield date_question(
            "moved_on",
            "Day the child left (day/month/year)",
        )
        yield Field(
            "pupil_file_separate",
            "Sent separately from the main pupil file?",
            Choices(SEPARATE, id="pupil_file_separate", multiple=True),
        )
        yield Field("share_method", "How was it sent?", Choices(SECURE_WAYS, id="share_method"))
        yield Field(
            "shared_at",
            "When was it sent? (day/month/year hours:minutes)",
            ShortText(now, id="shared_at", max_length=40),
            "Now, unless you change it.",
        )
        yield lawful_basis_question()
        yield Field(
            "special_category",
            "Does the file hold special category data (such as health)?",
            Choices(YES_NO, id="special_category"),
        )
        yield Field(
            "art9_condition",
            "Article 9 condition",
            Choices(enum_choices(list(Art9Condition)), id="art9_condition"),
            shown=False,
        )
        yield Field(
            "impact_if_not_shared",
            "What could happen if the file did not reach the new setting? (rule 5)",
            LongText(id="impact_if_not_shared", max_length=LONG_TEXT),
            "A few words are enough. Ctrl+S saves.",
        )

    def on_mount(self) -> None:
        # FormDialog's own on_mount runs after this one (Textual calls each class's), and
        # restores the answers: calling it here too would tick a restored tick box twice.
        self.run_worker(self._load_calendar(), group="transfer-calendar", exit_on_error=False)

    def restore(self, values: dict[str, Any]) -> None:
        super().restore(values)
        self._show_art9(values.get("special_category") == "yes")

    async def _load_calendar(self) -> None:
        self.calendar = await self.call(self.services.calendar.current)
        self._due()

    def focus_after_org(self) -> None:
        self.query_one("#transfer_reason").focus()

    def _show_art9(self, shown: bool) -> None:
        row = self.query_one("#art9_condition").parent  # the field's labelled row
        if row is not None:
            row.display = shown

    @on(Choices.Picked, "#special_category")
    def _special(self, event: Choices.Picked) -> None:
        """Yes: the Article 9 question appears and is next (the form's own move to the next
        question would pass it, since it is not laid out yet)."""
        event.prevent_default()
        special = event.value == "yes"
        self._show_art9(special)
        box = self.query_one("#art9_condition" if special else "#impact_if_not_shared")
        self.call_after_refresh(box.focus)

    @on(Input.Changed, "#moved_on")
    def _due(self) -> None:
        """The due date, said as soon as the day of the move reads as a date."""
        moved = parse_date(self.query_one("#moved_on", Input).value)
        field = self.query_one("#moved_on").parent
        if not isinstance(field, Field):
            return
        hint = ""
        if moved is not None and self.calendar is not None:
            due = self.calendar.transfer_due(moved)
            hint = f"Due at the new setting by {due:%A} {day(due)} (5 school days, KCSIE)."
        field.head.set_label("Day the child left (day/month/year)", hint)

    def _read(self, values: dict[str, Any]) -> tuple[DecisionInput, dict[str, str]]:
        errors: dict[str, str] = {}
        self.check_people(errors, "the new setting")
        moved_text = values["moved_on"].strip()
        moved = parse_date(moved_text) if moved_text else None
        if moved_text and moved is None:
            errors["moved_on"] = DATE_ERROR
        sent: datetime | None = None
        try:
            sent = datetime.strptime(" ".join(values["shared_at"].split()), WHEN_FORMAT)
            sent = sent.replace(tzinfo=self.share_app.settings.tz)
        except ValueError:
            errors["shared_at"] = WHEN_ERROR.replace("shared", "sent")
        special = values["special_category"]
        d = DecisionInput(
            subject_id=self.person[0] if self.person else None,
            recipient_org_id=self.org[0] if self.org else None,
            recipient_contact_id=self.org[1] if self.org else None,
            transfer_reason=values["transfer_reason"],
            moved_on=moved,
            pupil_file_separate=True if values["pupil_file_separate"] else None,
            share_method=ShareMethod(values["share_method"]) if values["share_method"] else None,
            shared_at=sent,
            lawful_basis=LawfulBasis(values["lawful_basis"]) if values["lawful_basis"] else None,
            special_category={"yes": True, "no": False}.get(special),
            art9_condition=Art9Condition(values["art9_condition"])
            if special == "yes" and values["art9_condition"]
            else None,
            impact_if_not_shared=values["impact_if_not_shared"],
        )
        return d, errors

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        return self._read(values)[1]

    def field_of(self, error_key: str) -> str:
        if error_key == "impact_if_shared":
            return "impact_if_not_shared"
        return super().field_of(error_key)

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        d, _ = self._read(values)
        return await self.call(self.services.transfers.start, self.actor, d)


class IncomingFileDialog(_ChoosesPeople):
    """A child protection file received from another setting."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("person", "org", "received_on", "confirmed_back", "note")
    DRAFT_KIND = "incoming-file"
    DRAFT_TITLE = "Child protection file received"
    FIELD_HELP = TRANSFER_HELP

    SAVE_HINT = "Ctrl+S: record the file   Esc: cancel   F1: help"

    def heading(self) -> str:
        return "Record a child protection file received"

    def questions(self) -> ComposeResult:
        today = self.share_app.clock.today()
        yield from self.people_questions("The setting it came from", allow_add=True)
        yield date_question(
            "received_on",
            "Day received (day/month/year)",
            "Today, unless you change it.",
            value=_day_text(today),
        )
        yield Field(
            "confirmed_back",
            "Receipt confirmed back to them?",
            Choices(BACK, id="confirmed_back"),
        )
        yield Field("note", "Note (optional)", LongText(id="note", max_length=LONG_TEXT))

    def focus_after_org(self) -> None:
        self.query_one("#received_on").focus()

    def draft_context(self) -> dict[str, Any]:
        return {"incoming": True}

    def field_of(self, error_key: str) -> str:
        return "note" if error_key == "from_name" else super().field_of(error_key)

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        self.check_people(errors, "the setting it came from")
        if parse_date(values["received_on"]) is None:
            errors["received_on"] = DATE_ERROR
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> int:
        assert self.person is not None and self.org is not None  # checked
        return await self.call(
            self.services.transfers.record_incoming,
            self.actor,
            self.person[0],
            from_org_id=self.org[0],
            received_on=parse_date(values["received_on"]),
            confirmed_back=values["confirmed_back"] or None,
            note=values["note"],
        )


class ConfirmBackDialog(FormDialog):
    """We told the setting that sent a file that it arrived."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("confirmed_back",)
    FIELD_HELP = TRANSFER_HELP

    def __init__(self, file_id: int, from_name: str) -> None:
        super().__init__()
        self.file_id, self.from_name = file_id, from_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(lit(f"Receipt confirmed back to {self.from_name}"), classes="dialog-title")
            yield ErrorSummary()
            yield Field("confirmed_back", "How?", Choices(BACK[1:], id="confirmed_back"))
            yield saving_status()
            yield Static("Ctrl+S: save   Esc: cancel   F1: help", classes="hint")

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        return await self.call(
            self.services.transfers.confirm_back,
            self.actor,
            self.file_id,
            values["confirmed_back"] or None,
        )


async def reopen(
    app: ShareApp, draft_id: int, context: dict[str, Any], values: dict[str, Any]
) -> None:
    """A transfer or an incoming file kept as a draft, opened again as it was left."""
    kind = IncomingFileDialog if context.get("incoming") else StartTransferDialog
    await app.push_screen(kind(values=values, draft_id=draft_id))
