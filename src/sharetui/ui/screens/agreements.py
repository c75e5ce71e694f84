"""Data sharing agreements, kept by supervisors and administrators (ICO, "Data sharing: a
code of practice", 2021, statutory under DPA 2018 s121; ICO 10 step guide to sharing
information to safeguard children, 2023): the list with the one under the cursor in full,
adding one, correcting one, and recording a review. The decision flow says whether one
covers a share; the home screen lists those due for review, and Enter there opens this
screen on that agreement."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from sharetui.domain.enums import LawfulBasis
from sharetui.domain.person import parse_date
from sharetui.domain.text import LONG_TEXT, SHORT_TEXT
from sharetui.services.agreements import AgreementInput, AgreementView
from sharetui.ui.forms import Choices, Field, LongText, ShortText, date_question
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.literal import day, lit, one_line, plain
from sharetui.ui.screens.kept_list import KeptList
from sharetui.ui.widgets.org_chooser import OrgChooser

DATE_ERROR = "Enter the date as day/month/year, such as 1/9/2026"
AGREEMENT_WHY = (
    "A data sharing agreement states the purpose, the parties, the data, the lawful basis "
    "and a review date. It is not compulsory, but it is good practice for routine sharing "
    "and the ICO takes it into account on a complaint; one-off or urgent sharing needs none "
    '(ICO, "Data sharing: a code of practice", 2021; ICO 10 step guide to sharing '
    "information to safeguard children, 2023). "
)
AGREEMENT_HELP = {
    "title": "The agreement's title as written on the signed copy.",
    "org_ids-filter": "The organisations of the register the agreement covers: type part of a "
    "name, Enter ticks or unticks it. The decision flow finds the agreement through these.",
    "parties": "The parties as the agreement names them (the signatories).",
    "purposes": "One purpose per line, precisely, as the agreement states them. The decision "
    "flow says an agreement covers a share when the share's purpose meets one of these.",
    "lawful_basis": "The UK GDPR Article 6 basis the agreement relies on.",
    "data_categories": "The categories of data shared under it (attendance, concerns, health).",
    "starts_on": "The day the agreement took effect (day/month/year).",
    "review_on": "When it must be reviewed; from 30 days before, it is on a supervisor's home, "
    "and a share under it past this date is marked so.",
    "signed_copy": "Where the signed copy is kept, so it can be shown on a complaint.",
    "next_review": "The next review date, after the current one.",
}


def agreement_detail(a: AgreementView, today: date) -> Text:
    text = Text(plain(a.title, 80), style="bold")
    text.append(f"\nFrom {day(a.starts_on)}; review by {day(a.review_on)}")
    if a.past_review(today):
        text.append("  PAST ITS REVIEW DATE", style="bold reverse")
    text.append(". Basis: " + (a.lawful_basis.label if a.lawful_basis else "not stated"))
    text.append("\nCovers: " + plain("; ".join(a.org_names) or "-", 150))
    text.append("\nPurposes: " + plain("; ".join(a.purposes), 150))
    text.append("\nSigned copy: " + plain(a.signed_copy or "not recorded", 80))
    return text


def lawful_basis_question() -> Field:
    """The lawful basis (UK GDPR Article 6) as an agreement and a child protection file's
    transfer both ask it: one wording and one list of bases, stored as `lawful_basis`."""
    return Field(
        "lawful_basis",
        "Lawful basis (UK GDPR Article 6)",
        Choices(enum_choices(list(LawfulBasis)), id="lawful_basis"),
    )


class AgreementsScreen(KeptList):
    HEADING = "Data sharing agreements"
    INTRO = "Review date first column; the agreement under the cursor is shown in full below."
    COLUMNS = ("Review by", "Agreement", "Covers")
    EMPTY = "No agreements: n adds one"
    ENTER_WORDS = "Correct"
    BINDINGS = [
        Binding("n", "add", "Add"),
        Binding("e", "edit", "Correct", show=False),  # Enter says it
        Binding("r", "reviewed", "Reviewed"),
        Binding("escape", "back", "Back"),
    ]
    FIELD_HELP = {
        "kept-table": AGREEMENT_WHY + "n adds an agreement; on the one under the cursor Enter "
        "or e corrects it, r records that it was reviewed and stays, with its next review date. "
        "Each change is audited; decisions keep the agreement they relied on."
    }

    def __init__(self, *, focus_id: int | None = None) -> None:
        super().__init__()
        self.focus_id = focus_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "reviewed"):
            return self.chosen() is not None
        return super().check_action(action, parameters)

    async def fetch(self) -> list[Any]:
        return await self.call(self.services.agreements.all, self.actor)

    def _show(self, cursor: int | None = None) -> None:
        super()._show(cursor)
        if self.focus_id is not None:
            wanted, self.focus_id = self.focus_id, None
            self.move_to(lambda a: a.id == wanted)

    def row(self, a: AgreementView) -> tuple[Any, ...]:
        today = self.share_app.clock.today()
        return (
            day(a.review_on) + (" (PAST)" if a.past_review(today) else ""),
            one_line(a.title, 36),
            one_line(", ".join(a.org_names), 24),
        )

    def detail(self, a: AgreementView) -> Text:
        return agreement_detail(a, self.share_app.clock.today())

    def open(self, a: AgreementView) -> None:
        self.action_edit()

    def action_add(self) -> None:
        self.app.push_screen(AgreementDialog(), self._saved)

    def action_edit(self) -> None:
        a = self.chosen()
        if a is not None:
            self.app.push_screen(AgreementDialog(a), self._saved)

    def action_reviewed(self) -> None:
        a = self.chosen()
        if a is not None:
            self.app.push_screen(ReviewedDialog(a), self._saved)

    def _saved(self, a: AgreementView | None) -> None:
        if a is not None:
            self.focus_id = a.id
            self.say(f"Saved: {a.title}, review by {day(a.review_on)}.")


def _date(values: dict[str, Any], name: str, errors: dict[str, str]) -> date | None:
    text = str(values.get(name) or "").strip()
    found = parse_date(text) if text else None
    if text and found is None:
        errors[name] = DATE_ERROR
    return found


class AgreementDialog(FormDialog):
    """Add an agreement or correct one: every field of the agreement on one form."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = (
        "title",
        "org_ids",
        "parties",
        "purposes",
        "lawful_basis",
        "data_categories",
        "starts_on",
        "review_on",
        "signed_copy",
    )
    FIELD_HELP = AGREEMENT_HELP

    def __init__(self, agreement: AgreementView | None = None) -> None:
        a = agreement
        values = (
            {
                "title": a.title,
                "parties": a.parties,
                "purposes": "\n".join(a.purposes),
                "lawful_basis": a.lawful_basis.value if a.lawful_basis else "",
                "data_categories": a.data_categories,
                "starts_on": f"{a.starts_on.day}/{a.starts_on.month}/{a.starts_on.year}",
                "review_on": f"{a.review_on.day}/{a.review_on.month}/{a.review_on.year}",
                "signed_copy": a.signed_copy,
            }
            if a
            else None
        )
        super().__init__(values=values)
        self.agreement = agreement

    def heading(self) -> str:
        return (
            "Add a data sharing agreement" if self.agreement is None else "Correct this agreement"
        )

    def questions(self) -> ComposeResult:
        a = self.agreement
        yield Field("title", "Title", ShortText(id="title", max_length=SHORT_TEXT))
        yield Field(
            "org_ids",
            "Organisations it covers (from the register)",
            OrgChooser(id="org_ids", multiple=True, chosen=a.org_ids if a else ()),
        )
        yield Field(
            "parties",
            "Parties, as the agreement names them",
            LongText(id="parties", max_length=LONG_TEXT),
        )
        yield Field(
            "purposes",
            "Purposes, one per line",
            LongText(id="purposes", max_length=LONG_TEXT),
            "Enter starts a new line.",
        )
        yield lawful_basis_question()
        yield Field(
            "data_categories",
            "Categories of data",
            LongText(id="data_categories", max_length=LONG_TEXT),
        )
        yield date_question(
            "starts_on",
            "Start (day/month/year)",
        )
        yield date_question(
            "review_on",
            "Review date (day/month/year)",
        )
        yield Field(
            "signed_copy",
            "Where the signed copy is kept",
            ShortText(id="signed_copy", max_length=SHORT_TEXT),
        )

    def values(self) -> dict[str, Any]:
        out = super().values()
        out["org_ids"] = self.query_one(OrgChooser).values
        return out

    def restore(self, values: dict[str, Any]) -> None:
        super().restore(values)
        ids = values.get("org_ids")
        if isinstance(ids, list):
            self.query_one(OrgChooser).set_values([i for i in ids if isinstance(i, int)])

    def _read(self, values: dict[str, Any]) -> tuple[AgreementInput, dict[str, str]]:
        errors: dict[str, str] = {}
        basis = values.get("lawful_basis") or ""
        data = AgreementInput(
            title=values["title"],
            parties=values["parties"],
            purposes=values["purposes"],
            lawful_basis=LawfulBasis(basis) if basis else None,
            data_categories=values["data_categories"],
            starts_on=_date(values, "starts_on", errors),
            review_on=_date(values, "review_on", errors),
            signed_copy=values["signed_copy"],
            org_ids=list(values["org_ids"]),
        )
        return data, errors

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        return self._read(values)[1]

    async def submit(self, values: dict[str, Any], **options: Any) -> AgreementView:
        data, _ = self._read(values)
        agreements, actor = self.services.agreements, self.actor
        if self.agreement is None:
            return await self.call(agreements.add, actor, data)
        return await self.call(agreements.update, actor, self.agreement.id, data)


class ReviewedDialog(FormDialog):
    """The agreement was reviewed and stays as it is: its next review date."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("next_review",)
    FIELD_HELP = AGREEMENT_HELP

    def __init__(self, agreement: AgreementView) -> None:
        super().__init__()
        self.agreement = agreement

    def heading(self) -> str:
        a = self.agreement
        return f"Reviewed: {a.title}"

    def questions(self) -> ComposeResult:
        a = self.agreement
        yield Static(
            lit(
                f"It was due for review by {day(a.review_on)}. If it changed, correct "
                "it instead (e), with its new review date."
            ),
            classes="hint",
        )
        yield date_question(
            "next_review",
            "Next review date (day/month/year)",
        )

    def field_of(self, error_key: str) -> str:
        return "next_review" if error_key == "review_on" else error_key

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if _date(values, "next_review", errors) is None and not errors:
            errors["next_review"] = "Enter the next review date"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> AgreementView:
        when = _date(values, "next_review", {})
        assert when is not None  # checked
        return await self.call(
            self.services.agreements.reviewed, self.actor, self.agreement.id, when
        )
