"""A decision in words, grouped by part: check-your-answers and the decision record use the
same lines, with the labels of the domain enums, so what was checked is what is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text

from sharetui.domain.decision import IMPACT_NOT_ASKED, DecisionInput, impact_to_complete
from sharetui.domain.enums import ConsentPosition, ConsentStatus, InfoCategory, Outcome, Quality
from sharetui.ui.flow.state import PART_NAMES
from sharetui.ui.literal import plain

if TYPE_CHECKING:
    from sharetui.services.views import AdviceView, ConsentEventView

NOT_ANSWERED = "Not answered"
TO_COMPLETE = "Not recorded yet (urgent share): to complete"
IMPACT_ROWS = (
    ("impact_if_not_shared", "If not shared, what could happen (rule 5)"),
    ("impact_if_shared", "If shared, what could happen (rule 5)"),
)
WHEN_FORMAT = "%d/%m/%Y %H:%M"


@dataclass(frozen=True)
class Part:
    page: str
    title: str
    rows: list[tuple[str, str]]


def yes_no(value: bool | None) -> str:
    return NOT_ANSWERED if value is None else ("Yes" if value else "No")


def label(value: object) -> str:
    if value is None:
        return NOT_ANSWERED
    return str(getattr(value, "label", value))


def text(value: str) -> str:
    return value.strip() or NOT_ANSWERED


def category_label(value: str) -> str:
    try:
        return InfoCategory(value).label
    except ValueError:
        return value


def describe_when(value: datetime | None, tz: ZoneInfo) -> str:
    return NOT_ANSWERED if value is None else value.astimezone(tz).strftime(WHEN_FORMAT)


def parts(
    d: DecisionInput,
    *,
    person: Callable[[int], str],
    consent_record: Callable[[int], str],
    tz: ZoneInfo,
    urgent_path: bool = False,
    impact_asked: bool = True,
) -> list[Part]:
    """Every answer of the record, grouped as the flow asks them. impact_asked is False for
    a stored version saved before the rule 5 question existed."""
    sharing = d.is_sharing or d.outcome is None
    out: list[Part] = []
    urgency = [("Child at risk of significant harm", yes_no(d.urgent))]
    if d.urgent:
        urgency.append(("Path", "Urgent: consent not needed, advice must not delay the share"))
    out.append(Part("urgency", PART_NAMES["urgency"], urgency))
    others = ", ".join(person(i) for i in d.others_affected) or "None"
    out.append(
        Part(
            "who",
            PART_NAMES["who"],
            [
                ("About", person(d.subject_id) if d.subject_id is not None else NOT_ANSWERED),
                ("Others affected", others),
            ],
        )
    )
    recipient = []
    if not urgent_path:
        recipient.append(("Request", label(d.origin)))
        if d.caller_check is not None:
            check = d.caller_check.label
            if d.caller_unverified:
                check += " (CALLER NOT VERIFIED: flagged on the record)"
            recipient.append(("Caller's identity", check))
    recipient += [
        ("Organisation", text(d.recipient_org)),
        ("Role", text(d.recipient_role)),
        ("Name", text(d.recipient_name)),
        ("Contact", text(d.recipient_contact)),
        ("Purpose", text(d.purpose)),
    ]
    out.append(Part("recipient", PART_NAMES["recipient"], recipient))
    out.append(
        Part(
            "what",
            PART_NAMES["what"],
            [
                ("Information", text(d.information)),
                ("Categories", ", ".join(category_label(c) for c in d.categories) or "None"),
                ("Special category data", yes_no(d.special_category)),
                ("Criminal offence data", yes_no(d.criminal_offence)),
            ],
        )
    )
    consent: list[tuple[str, str]] = []
    if urgent_path:
        consent.append(("Consent", "Not needed: a child is at risk of significant harm"))
    else:
        consent.append(("Position", label(d.consent_position)))
    if d.consent_event_id is not None:
        consent.append(("Relies on", consent_record(d.consent_event_id)))
    if d.not_sought_reason is not None:
        consent.append(("Not sought because", d.not_sought_reason.label))
    asked = urgent_path or d.consent_position is not None or d.without_consent_reason.strip()
    if asked and d.consent_position is not ConsentPosition.GIVEN:
        consent.append(("Why share without consent", text(d.without_consent_reason)))
    out.append(Part("consent", PART_NAMES["consent"], consent))
    basis = [("Article 6 basis", label(d.lawful_basis))]
    if d.special_category or d.art9_condition is not None:
        basis.append(("Article 9 condition", label(d.art9_condition)))
    basis.append(("Why sharing is necessary", text(d.necessity)))
    out.append(Part("basis", PART_NAMES["basis"], basis))
    if not urgent_path:
        checks: list[tuple[str, str]] = []
        for quality in Quality:
            c = d.checks.get(quality.value)
            if c is None or c.confirmed is None:
                value = NOT_ANSWERED
            elif c.confirmed:
                value = "Confirmed"
            else:
                value = f"Not confirmed: {text(c.note)}"
            checks.append((quality.label, value))
        checks.append(("Identities protected", text(d.identities_protected)))
        told = yes_no(d.person_told)
        if d.person_told is False:
            told = f"No: {text(d.not_told_reason)}"
        checks.append(("Person told (rule 2)", told))
        out.append(Part("checks", PART_NAMES["checks"], checks))
    decision = [("Decision", label(d.outcome))]
    if sharing:
        decision.append(("How shared", label(d.share_method)))
        decision.append(("When shared", describe_when(d.shared_at, tz)))
    decision.append(("Reasons", text(d.reasons)))
    decision += impact_rows(d, impact_asked)
    out.append(Part("decision", PART_NAMES["decision"], decision))
    return out


def impact_rows(d: DecisionInput, asked: bool = True) -> list[tuple[str, str]]:
    """Rule 5's two answers, or why there are none."""
    if d.outcome is Outcome.PENDING_ADVICE:
        return []
    if not asked:
        return [(label, IMPACT_NOT_ASKED) for _, label in IMPACT_ROWS]
    waiting = impact_to_complete(d)
    return [
        (label, TO_COMPLETE if waiting and not getattr(d, name).strip() else text(getattr(d, name)))
        for name, label in IMPACT_ROWS
    ]


def consent_event_words(ev: ConsentEventView, tz: ZoneInfo) -> str:
    """One consent record in words, for the record and check-your-answers."""
    when = ev.effective_at.astimezone(tz).strftime("%d %B %Y")
    who = ev.given_by.label.lower() if ev.given_by else "someone"
    if ev.given_by_name:
        who = f"{ev.given_by_name} ({who})"
    verb = ev.status.label.lower()
    if ev.status is ConsentStatus.NOT_SOUGHT:
        return f"Consent not sought on {when}"
    return (
        f"Consent {verb} by {who} on {when}, for {ev.scope_information} to "
        f"{ev.scope_recipient} for {ev.scope_purpose} (record {ev.id})"
    )


def advice_given(advice: AdviceView, indent: str, advice_limit: int, outcome_limit: int) -> Text:
    """The advice given on a request and the outcome recorded after it, each on a line of
    its own under the question: the flow's advice panel and the decision record say them in
    the same words. Each gives its own indent and lengths (the panel stays short beside the
    page being answered). Nothing while no advice has been given."""
    out = Text()
    if advice.advice_text:
        out.append(f"\n{indent}Advice from ")
        out.append(plain(advice.advised_by, 60))
        out.append(": ")
        out.append(plain(advice.advice_text, advice_limit))
    if advice.outcome_text:
        out.append(f"\n{indent}Outcome: ")
        out.append(plain(advice.outcome_text, outcome_limit))
    return out
