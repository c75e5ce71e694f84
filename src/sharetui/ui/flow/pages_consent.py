"""Consent and lawful basis: the pages where the law is chosen, so nothing is chosen for the
practitioner and every choice says what it means."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from sharetui.domain.enums import (
    Art9Condition,
    ConsentPosition,
    ConsentStatus,
    LawfulBasis,
    NotSoughtReason,
)
from sharetui.domain.text import LONG_TEXT, fold
from sharetui.services.consent import describe
from sharetui.services.views import ConsentLine
from sharetui.ui.flow.messages import ConsentNowAsked
from sharetui.ui.flow.page import FlowPage, field_id
from sharetui.ui.forms.choices import Choice, Choices
from sharetui.ui.literal import plain
from sharetui.ui.widgets.person_text import person_name

RECORD_NOW = "record"

POSITION_HINTS = {
    ConsentPosition.GIVEN: "Choose the consent record it relies on, or record it now.",
    ConsentPosition.REFUSED: "You may still share with a lawful basis and a reason (rule 4).",
    ConsentPosition.WITHDRAWN: "As for a refusal: say why you share without consent.",
    ConsentPosition.NOT_SOUGHT: "Unsafe to ask, would prejudice the protection, or cannot be "
    "given or obtained.",
}

# Art 6 bases, most usual for safeguarding first. The order is advice, not a default.
BASIS_ORDER = (
    LawfulBasis.PUBLIC_TASK,
    LawfulBasis.LEGAL_OBLIGATION,
    LawfulBasis.VITAL_INTERESTS,
    LawfulBasis.CONSENT,
    LawfulBasis.LEGITIMATE_INTERESTS,
    LawfulBasis.CONTRACT,
)
ART9_ORDER = (
    Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING,
    Art9Condition.HEALTH_OR_SOCIAL_CARE,
    Art9Condition.VITAL_INTERESTS,
    Art9Condition.SCHEDULE1_PARA6_STATUTORY,
    Art9Condition.EXPLICIT_CONSENT,
    Art9Condition.LEGAL_CLAIMS,
)
ART9_HINTS = {
    Art9Condition.HEALTH_OR_SOCIAL_CARE: "Health or social care purposes, by or under a "
    "professional's duty of confidentiality.",
    Art9Condition.VITAL_INTERESTS: "Life at risk and the person cannot consent.",
    Art9Condition.SCHEDULE1_PARA6_STATUTORY: "Needed for a function given by law.",
    Art9Condition.EXPLICIT_CONSENT: "Only when consent was given, explicitly, for this.",
    Art9Condition.LEGAL_CLAIMS: "Legal proceedings or advice.",
}

BASIS_HELP = (
    "Choose the Article 6 basis you rely on. Public task (1): usual for a public body doing its "
    "safeguarding duties. Legal obligation (2): a law requires the share. Vital interests (3): "
    "needed to protect someone's life when no other basis fits. Consent (4): only when you would "
    "not share if consent were refused; never when it was refused or withdrawn. Legitimate "
    "interests (5): not usually open to public bodies in their tasks. Contract (6): rarely fits "
    "safeguarding. Asking for consent when you would share anyway misleads the person: name the "
    "basis you really rely on."
)
ART9_HELP = (
    "Special category data (health, sex life, ethnicity, religion...) needs an Article 9 "
    "condition too. In safeguarding it is usually DPA 2018 Schedule 1 paragraph 18 (1): "
    "necessary to protect a child or an adult at risk from harm, without consent because it "
    "cannot be given, cannot reasonably be obtained, or asking would prejudice the protection. "
    "Health or social care (2), vital interests when consent is impossible (3), statutory "
    "purposes (4), explicit consent (5, only when given) and legal claims (6) fit less often."
)


def line_matches(line: ConsentLine, org: str) -> bool:
    """Does a consent scope name the recipient of this share?"""
    a, b = fold(line.current.scope_recipient), fold(org)
    return bool(a and b) and (a in b or b in a)


class ConsentPage(FlowPage):
    PAGE = "consent"
    HINT = (
        "Consent is one basis among others. Do not ask for consent when you would share "
        "anyway: say why you share without it."
    )

    @property
    def question(self) -> str:
        from sharetui.ui.flow.state import QUESTIONS

        return QUESTIONS["urgent_consent" if self.flow.state.urgent_path else "consent"]

    def body(self) -> ComposeResult:
        d = self.data
        if self.flow.state.urgent_path:
            yield self.field(
                "without_consent_reason",
                "Reason",
                self.long_text("without_consent_reason", d.without_consent_reason, LONG_TEXT),
                "For example: a child is at risk of significant harm and cannot wait.",
            )
            return
        yield Static(self.consent_text(), id="consent-on-record")
        position = d.consent_position
        yield self.field(
            "consent_position",
            "",
            Choices(
                [
                    Choice(str(i), p.value, p.label, POSITION_HINTS[p])
                    for i, p in enumerate(ConsentPosition, 1)
                ],
                value=position.value if position else None,
                id=field_id("consent_position"),
            ),
        )
        stopped = Static(Text(self.stopped_text()), classes="warning", id="consent-stopped")
        stopped.display = position is ConsentPosition.GIVEN and not self.given_lines()
        yield stopped
        yield self.field(
            "consent_event_id",
            "Which consent does this share rely on?",
            Choices(
                self.record_options(),
                value=str(d.consent_event_id) if d.consent_event_id else None,
                id=field_id("consent_event_id"),
            ),
            shown=position is ConsentPosition.GIVEN,
        )
        yield self.enum_question(
            "not_sought_reason",
            "Why was consent not sought?",
            NotSoughtReason,
            d.not_sought_reason,
            shown=position is ConsentPosition.NOT_SOUGHT,
        )
        yield self.field(
            "without_consent_reason",
            "Why are you sharing without consent?",
            self.long_text("without_consent_reason", d.without_consent_reason, LONG_TEXT),
            shown=position not in (None, ConsentPosition.GIVEN),
        )

    # -- the consent on record ------------------------------------------------------------
    def given_lines(self) -> list[ConsentLine]:
        return [ln for ln in self.flow.consent_lines if ln.current.status is ConsentStatus.GIVEN]

    def consent_text(self) -> Text:
        person = self.flow.people.get(self.data.subject_id or 0)
        who = person_name(person) if person else "this person"
        lines = self.flow.consent_lines
        text = Text()
        text.append("Consent on record for ", style="bold")
        text.append(plain(who), style="bold")
        if not lines:
            text.append("\nNone recorded.")
            return text
        org = self.data.recipient_org
        tz = self.flow.share_app.settings.tz
        for line in sorted(lines, key=lambda ln: not line_matches(ln, org)):
            text.append("\n")
            text.append(line.current.status.label.upper(), style="bold")
            if line_matches(line, org):
                text.append(" (this recipient)")
            text.append(": ")
            text.append(plain(describe(line, tz), 300))
        return text

    def record_options(self) -> list[Choice]:
        tz = self.flow.share_app.settings.tz
        options = []
        for i, line in enumerate(self.given_lines()[:9], 1):
            ev = line.current
            when = ev.effective_at.astimezone(tz).strftime("%d %b %Y")
            options.append(
                Choice(
                    str(i),
                    str(ev.id),
                    f"Given {when}: {plain(ev.scope_information, 30)} to "
                    f"{plain(ev.scope_recipient, 30)}",
                    f"for {plain(ev.scope_purpose, 60)}",
                )
            )
        options.append(Choice("r", RECORD_NOW, "Record consent given now", "If it was just given."))
        return options

    def stopped_text(self) -> str:
        refused = [
            ln
            for ln in self.flow.consent_lines
            if ln.current.status in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN)
        ]
        if not refused:
            return "No consent is on record: record it now (r) if it has just been given."
        ev = refused[0].current
        when = ev.effective_at.astimezone(self.flow.share_app.settings.tz).strftime("%d %B %Y")
        return (
            f"You cannot rely on consent: it was {ev.status.label.lower()} on {when}. Choose "
            f"{'refused' if ev.status is ConsentStatus.REFUSED else 'withdrawn'} and say why "
            "you share without consent, or record new consent now (r) if it has just been given."
        )

    def refresh_records(self, chosen: int | None = None) -> None:
        """After consent was recorded from the flow: offer it, chosen."""
        self.query_one("#consent-on-record", Static).update(self.consent_text())
        box = self.query_one(f"#{field_id('consent_event_id')}", Choices)
        box.set_options(self.record_options(), str(chosen) if chosen else None)
        self.query_one("#consent-stopped").display = False

    # -- reacting -------------------------------------------------------------------------
    def picked(self, choices: Choices, value: str) -> Widget | bool | None:
        if choices.id == field_id("consent_event_id") and value == RECORD_NOW:
            choices.clear()
            self.post_message(ConsentNowAsked())
            return False
        if choices.id != field_id("consent_position"):
            return None
        position = ConsentPosition(value)
        self.show_group("consent_event_id", position is ConsentPosition.GIVEN)
        self.show_group("not_sought_reason", position is ConsentPosition.NOT_SOUGHT)
        self.show_group("without_consent_reason", position is not ConsentPosition.GIVEN)
        stopped = self.query_one("#consent-stopped", Static)
        stopped.update(Text(self.stopped_text()))
        stopped.display = position is ConsentPosition.GIVEN and not self.given_lines()
        return None

    def collect(self) -> dict[str, str]:
        d = self.data
        d.without_consent_reason = self.text_of("without_consent_reason")
        if self.flow.state.urgent_path:
            d.consent_position = None
            d.consent_event_id = None
            d.not_sought_reason = None
            return {}
        position = self.choice("consent_position")
        d.consent_position = ConsentPosition(position) if position else None
        event = self.choice("consent_event_id")
        given = d.consent_position is ConsentPosition.GIVEN
        d.consent_event_id = int(event) if given and event and event.isdigit() else None
        reason = self.choice("not_sought_reason")
        not_sought = d.consent_position is ConsentPosition.NOT_SOUGHT
        d.not_sought_reason = NotSoughtReason(reason) if reason and not_sought else None
        if given:
            d.without_consent_reason = ""
        return {}

    def extra_errors(self) -> dict[str, str]:
        """Rule 4: consent that was refused or withdrawn cannot be relied on."""
        d = self.data
        if self.flow.state.urgent_path or d.consent_position is not ConsentPosition.GIVEN:
            return {}
        given_ids = {ln.current.id for ln in self.given_lines()}
        if d.consent_event_id is None and not given_ids:
            return {"consent_event_id": self.stopped_text()}
        if d.consent_event_id is not None and d.consent_event_id not in given_ids:
            return {
                "consent_event_id": "That consent is no longer given (it was refused or "
                "withdrawn since): you cannot rely on it. Choose another position and say why "
                "you share without consent"
            }
        return {}


class BasisPage(FlowPage):
    PAGE = "basis"
    HINT = (
        "Usual for safeguarding: public task (1), and for special category data DPA 2018 "
        "Schedule 1 paragraph 18 (1). F1 explains each choice. Nothing is chosen for you."
    )

    def body(self) -> ComposeResult:
        d = self.data
        yield self.field(
            "lawful_basis",
            "Article 6 basis",
            Choices(
                [Choice(str(i), b.value, b.label, b.hint) for i, b in enumerate(BASIS_ORDER, 1)],
                value=d.lawful_basis.value if d.lawful_basis else None,
                id=field_id("lawful_basis"),
            ),
        )
        yield self.field(
            "art9_condition",
            "Article 9 condition (special category data is shared)",
            Choices(
                [
                    Choice(str(i), c.value, c.label, c.hint or ART9_HINTS.get(c, ""))
                    for i, c in enumerate(ART9_ORDER, 1)
                ],
                value=d.art9_condition.value if d.art9_condition else None,
                id=field_id("art9_condition"),
            ),
            shown=bool(d.special_category),
        )
        yield self.field(
            "necessity",
            "Why is sharing necessary? (optional)",
            self.long_text("necessity", d.necessity, LONG_TEXT),
        )

    def collect(self) -> dict[str, str]:
        d = self.data
        basis = self.choice("lawful_basis")
        d.lawful_basis = LawfulBasis(basis) if basis else None
        condition = self.choice("art9_condition")
        special = bool(d.special_category)
        d.art9_condition = Art9Condition(condition) if condition and special else None
        d.necessity = self.text_of("necessity")
        return {}
