"""The forms of a subject access request (UK GDPR Articles 12 and 15; ICO right of access
guidance): log a request as it arrives, record the day identity was confirmed (the clock
starts), extend it, decide an entry marked for review, make the reviewed file to give out,
and record the day it was answered. The services check every rule (the calendar-month clock,
an extension only if the requester was told within the first month) and audit each step;
their words are shown on the field they concern."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Static

from sharetui.domain.governance import RequesterRelationship, ReviewChoice
from sharetui.services.export import REVIEW_GUIDE, REVIEW_SHORT
from sharetui.ui.forms import Choice, Choices, Field, ShortText, date_question
from sharetui.ui.forms.file_dialog import FileDialog
from sharetui.ui.forms.person_question import PersonQuestion
from sharetui.ui.literal import lit
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.screens.governance_forms import (
    DATE_HINT,
    GovernanceForm,
    day_text,
    reason_question,
    reopener,
)
from sharetui.ui.widgets.person_picker import PersonPicker

if TYPE_CHECKING:
    from sharetui.services.sar import SarView
    from sharetui.services.unit_of_work import Actor
    from sharetui.ui.screens.base import LoadingScreen

RELATIONSHIP_CHOICES = [
    Choice(
        "1",
        RequesterRelationship.PERSON.value,
        RequesterRelationship.PERSON.label,
        "A child can ask for their own records when they understand what they are asking "
        "for; in Scotland a child of 12 or over is presumed able to",
    ),
    Choice(
        "2",
        RequesterRelationship.PARENT_WITH_PR.value,
        RequesterRelationship.PARENT_WITH_PR.label,
        "Asking for the child: the information is the child's, so consider whether the child "
        "could ask, or should be asked, themselves",
    ),
    Choice(
        "3",
        RequesterRelationship.ACTING_FOR.value,
        RequesterRelationship.ACTING_FOR.label,
        "A solicitor, advocate or relative: check their written authority",
    ),
]
MONTH_CHOICES = [Choice("1", "1", "One further month"), Choice("2", "2", "Two further months")]
REVIEW_CHOICES = [
    Choice("w", ReviewChoice.WITHHOLD.value, "Withhold: it is removed from the file given out"),
    Choice("r", ReviewChoice.RELEASE.value, "Release: it is given out as it is"),
]
FORMAT_CHOICES = [
    Choice("p", "pdf", "PDF (to print or send)"),
    Choice("j", "json", "JSON"),
    Choice("c", "csv", "CSV (opens in a spreadsheet)"),
]


def _today(form: GovernanceForm) -> str:
    return f"{DATE_HINT}; today is {day_text(form.share_app.clock.today())}"


class NewRequestDialog(PersonQuestion, GovernanceForm):
    """Log a request as it arrives: who it is about, who asks, their relationship, when."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("person", "requester", "relationship", "received", "identity")
    DATE_FIELDS = ("received", "identity")
    DRAFT_KIND = "sar-new"
    DRAFT_TITLE = "Subject access request"
    SAVED_WORDS = "Subject access request logged."
    NEXT = "requester"
    FIELD_HELP = {
        "requester": "Who made the request: their name as they gave it. A request need not "
        "use any form of words, and can be made by letter, email or in person (ICO).",
        "received": "The day the request reached anyone in the organisation: the clock runs "
        "from that day, or from the day identity is confirmed when that comes later.",
        "identity": "Ask for proof of identity only when you need it, and promptly; the "
        "month to answer starts once you have it (ICO right of access guidance).",
    }

    def __init__(self, context: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(context or {}, **kwargs)

    def questions(self) -> ComposeResult:
        yield Field(
            "person",
            "Who is the request about? Type to search, Down and Enter to choose",
            PersonPicker(id="sar-picker", page_size=4, allow_add=False),
        )
        yield Static("Nobody chosen yet", id="chosen")
        yield Field(
            "requester", "Who is asking? Their name", ShortText(id="requester", max_length=200)
        )
        yield Field(
            "relationship",
            "",
            Choices(RELATIONSHIP_CHOICES, id="relationship", prompt="What are they to them?"),
        )
        yield date_question(
            "received",
            "Date the request was received",
            _today(self),
        )
        yield date_question(
            "identity",
            "Date their identity was confirmed (leave blank if not yet)",
            "The clock starts when identity is confirmed",
        )

    def draft_context(self) -> dict[str, Any]:
        person = {"person_id": self.chosen_person.id} if self.chosen_person else {}
        return {**super().draft_context(), **person}

    def field_of(self, error_key: str) -> str:
        return "person" if error_key == "reference" else error_key

    def show_errors(self, errors: dict[str, str]) -> None:
        super().show_errors(errors)
        if "person" in {self.field_of(k) for k in errors}:  # the first question: its box
            self.query_one(PersonPicker).focus_input()

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = super().check(values)
        if self.chosen_person is None:
            errors["person"] = "Choose who the request is about: search, then Down and Enter"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        assert self.chosen_person is not None
        return await self.call(
            self.services.sar.log,
            self.actor,
            self.chosen_person.reference,
            requester_name=values["requester"],
            relationship=values["relationship"],
            received_on=self.day(values, "received"),
            identity_confirmed_on=self.day(values, "identity"),
        )


class _DayDialog(GovernanceForm):
    """A step of a request that is only the day it happened (identity confirmed, answered):
    its one date question, FIELDS[0], offers today in its hint, and the day goes to the
    service's step with the request's id."""

    DEFAULT_CLASSES = "scrolling-form"
    DAY_LABEL: ClassVar[str] = ""

    def step(self) -> Callable[[Actor, int, date | None], SarView]:
        """The service call that records the day."""
        raise NotImplementedError

    def questions(self) -> ComposeResult:
        yield date_question(self.FIELDS[0], self.DAY_LABEL, _today(self))

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        return await self.call(
            self.step(), self.actor, self.context["sar_id"], self.day(values, self.FIELDS[0])
        )


class IdentityDialog(_DayDialog):
    """The day the requester's identity was confirmed: the clock starts."""

    FIELDS = ("identity",)
    DATE_FIELDS = ("identity",)
    DRAFT_KIND = "sar-identity"
    DRAFT_TITLE = "Identity confirmed"
    SAVED_WORDS = "Identity confirmed: the clock has started."
    DAY_LABEL = "Date identity was confirmed"

    def questions(self) -> ComposeResult:
        yield Static(
            "The month to answer runs from the later of the day the request arrived and the "
            "day identity was confirmed.",
            classes="hint",
        )
        yield from super().questions()

    def step(self) -> Callable[[Actor, int, date | None], SarView]:
        return self.services.sar.confirm_identity


class ExtendDialog(GovernanceForm):
    """One or two further months, for a complex request or many requests from the same
    person, if the requester is told, with the reasons, within the first month."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("months", "reason", "told")
    DATE_FIELDS = ("told",)
    DRAFT_KIND = "sar-extend"
    DRAFT_TITLE = "Extension"
    SAVED_WORDS = "Extension recorded: the due date has moved."
    FIELD_HELP = {
        "reason": "Why the request needs longer: it is complex, or the person has made "
        "several requests. Tell the requester these reasons (ICO right of access guidance).",
        "told": "The day you told the requester of the extension and why: it must be within "
        "the first month, or no extension can be made.",
    }

    def questions(self) -> ComposeResult:
        yield Field(
            "months",
            "",
            Choices(MONTH_CHOICES, id="months", inline=True, prompt="Extend by"),
        )
        yield reason_question("Why it needs longer (complex, or many requests)")
        told_by = self.context.get("told_by")
        yield date_question(
            "told",
            "Date the requester was told of the extension and why",
            f"Within the first month: by {told_by}" if told_by else DATE_HINT,
        )

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = super().check(values)
        if not values["months"]:
            errors["months"] = "Choose one or two further months"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        return await self.call(
            self.services.sar.extend,
            self.actor,
            self.context["sar_id"],
            int(values["months"]),
            values["reason"],
            self.day(values, "told"),
        )


class AnswerDialog(_DayDialog):
    """The day the reviewed file was given to the requester."""

    FIELDS = ("answered",)
    DATE_FIELDS = ("answered",)
    DRAFT_KIND = "sar-answer"
    DRAFT_TITLE = "Answered"
    SAVED_WORDS = "Request marked answered."
    DAY_LABEL = "Date the answer was sent"

    def step(self) -> Callable[[Actor, int, date | None], SarView]:
        return self.services.sar.answer


@dataclass(frozen=True)
class Decided:
    """One review decision, for the review screen to show without reading the record again."""

    entry: str  # an entry's name, or "mark:NAME" for every entry of a mark
    choice: ReviewChoice
    reason: str


class ReviewDialog(GovernanceForm):
    """Withhold or release one entry marked for review (or every entry of its mark not
    decided on its own), with the reason."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("choice", "reason")
    DRAFT_KIND = "sar-review"
    DRAFT_TITLE = "Review decision"
    FIELD_HELP = {
        "choice": "Withhold what identifies someone else unless they agree or it is "
        "reasonable to disclose without their agreement; staff acting in their role are "
        "usually named, unless that could put them at risk (ICO right of access guidance).",
        "reason": "Why: the file given out keeps no trace of what was withheld, so this reason "
        "is the record of the decision.",
    }

    def heading(self) -> str:
        mark = str(self.context.get("mark", ""))
        if str(self.context.get("entry", "")).startswith("mark:"):
            return f"Every entry marked {REVIEW_SHORT.get(mark, mark)} not decided on its own"
        return f"Withhold or release: {self.context.get('where', '')}"

    def questions(self) -> ComposeResult:
        mark = str(self.context.get("mark", ""))
        value = str(self.context.get("value", ""))
        if value and not str(self.context.get("entry", "")).startswith("mark:"):
            yield Static(lit(value, limit=600), id="review-value")
        yield Static(lit(REVIEW_GUIDE.get(mark, "")), classes="hint")
        yield Field("choice", "", Choices(REVIEW_CHOICES, id="choice", prompt="Decision"))
        yield reason_question("The reason")

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        return {} if values["choice"] else {"choice": "Choose withhold (w) or release (r)"}

    async def submit(self, values: dict[str, Any], **options: Any) -> Decided:
        entry = str(self.context["entry"])
        await self.call(
            self.services.sar_reviews.review,
            self.actor,
            self.context["sar_id"],
            entry,
            values["choice"],
            values["reason"],
        )
        return Decided(entry, ReviewChoice(values["choice"]), values["reason"].strip())


@dataclass(frozen=True)
class Disclosed:
    path: Path
    withheld: int
    released: int
    sha256: str


class DiscloseDialog(FileDialog, GovernanceForm):
    """Make the file to give out: the export with what was withheld removed (not only
    marked), once every marked entry is decided. Its SHA-256 is kept with the request."""

    DEFAULT_CLASSES = "scrolling-form"
    FORMATS = FORMAT_CHOICES
    NO_FORMAT = "Choose PDF (p), JSON (j) or CSV (c)"
    FOLDER_KIND = "disclosures"
    DRAFT_KIND = "sar-disclose"
    DRAFT_TITLE = "File to give out"
    SAVE_HINT = "Ctrl+S: make the file   Esc: cancel   F1: help"
    FIELD_HELP = {
        "folder": "The folder on this machine the file is written to; its name says the "
        "request and the day. It holds personal data: move it only by a secure route.",
    }

    def questions(self) -> ComposeResult:
        yield Static(
            "The file given out leaves out what was withheld, and the review marks.",
            classes="hint",
        )
        yield from self.file_questions()

    def field_of(self, error_key: str) -> str:
        return "folder" if error_key == "out" else error_key

    async def submit(self, values: dict[str, Any], **options: Any) -> Disclosed:
        folder = await self.ready_folder(values)
        made = await self.call(
            self.services.sar_reviews.disclose, self.actor, self.context["sar_id"], values["format"]
        )
        stem = f"subject-access-{self.context['sar_id']}-{self.share_app.clock.today():%Y-%m-%d}"
        path = await self.write(folder, stem, values, made.data)
        return Disclosed(path, made.withheld, made.released, made.sha256)


def disclose(screen: LoadingScreen, v: SarView, then: Any) -> None:
    """Ask for the format and folder, make the reviewed file, and say where it was written
    (from the list and from the review screen alike)."""

    def made(result: Disclosed | None) -> None:
        if result is None:
            return
        words = (
            f"Written to {result.path}\n\n"
            f"{result.withheld} entries withheld (removed from the file), {result.released} "
            f"released. SHA-256 {result.sha256}, kept with request {v.id}.\n\n"
            "Give it to the requester by a secure route, then record the day it was sent "
            "(a on the list of requests)."
        )
        screen.query_one("#sar-status", Static).update(lit(f"Written to {result.path}"))
        screen.app.push_screen(MessageDialog("The file to give out", words))
        then()

    context = {"sar_id": v.id, "person_id": v.person_id, "label": f"request {v.id}"}
    values = {"format": "pdf", "folder": str(DiscloseDialog.default_folder())}
    screen.app.push_screen(DiscloseDialog(context, values=values), made)


FORMS = (NewRequestDialog, IdentityDialog, ExtendDialog, ReviewDialog, DiscloseDialog, AnswerDialog)
reopen = reopener(*FORMS)
