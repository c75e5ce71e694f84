"""Every closed list of choices in the domain, with the words shown to people.

Values are stored in the database, labels are shown on screen. Keeping both here means the
screens, the services and the reports never disagree about what a choice is called.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A string enum whose members carry a human label (and optional hint)."""

    @property
    def label(self) -> str:
        return _LABELS.get((type(self), self.value), self.value.replace("_", " ").capitalize())

    @property
    def hint(self) -> str:
        return _HINTS.get((type(self), self.value), "")

    @classmethod
    def parse(cls, value: str) -> Self:
        """Accept a stored value or a label, case-insensitively; raise ValueError otherwise."""
        if not isinstance(value, str):  # nothing chosen (None) is not a choice
            raise ValueError(value)
        text = value.strip().lower().replace("-", "_").replace(" ", "_")
        for member in cls:
            if text in (member.value, member.label.lower().replace(" ", "_")):
                return member
        raise ValueError(value)


class Role(LabelledEnum):
    PRACTITIONER = "practitioner"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class AdviceRole(LabelledEnum):
    DSL = "dsl"
    CALDICOTT = "caldicott"
    SENIOR_LEADERSHIP = "senior_leadership"
    INFORMATION_GOVERNANCE = "information_governance"

    @property
    def short(self) -> str:
        """The role in a few letters, for a column of accounts at 80 columns (two roles in
        full were cut to "Designated safeguarding lea", the second one lost); the screen
        says what they stand for (ADVICE_ROLE_LEGEND)."""
        return _SHORT_ADVICE_ROLES[self.value]


_SHORT_ADVICE_ROLES = {
    "dsl": "DSL",
    "caldicott": "Caldicott",
    "senior_leadership": "SLT",
    "information_governance": "IG lead",
}
ADVICE_ROLE_LEGEND = (
    "Advice roles: DSL designated safeguarding lead, Caldicott guardian, SLT senior "
    "leadership, IG lead information governance lead"
)


class ConsentStatus(LabelledEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_SOUGHT = "not_sought"


class NotSoughtReason(LabelledEnum):
    UNSAFE = "unsafe"
    WOULD_PREJUDICE = "would_prejudice"
    CANNOT_BE_GIVEN = "cannot_be_given"
    NOT_REASONABLY_OBTAINABLE = "not_reasonably_obtainable"


class ConsentGiver(LabelledEnum):
    PERSON = "person"
    PARENT_WITH_PR = "parent_with_pr"
    COMPETENT_CHILD = "competent_child"
    OTHER = "other"


class ConsentMethod(LabelledEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    ELECTRONIC = "electronic"
    OTHER = "other"


class Relationship(LabelledEnum):
    PARENT_WITH_PR = "parent_with_pr"
    PARENT_WITHOUT_PR = "parent_without_pr"
    CARER_WITH_PR = "carer_with_pr"
    CARER_WITHOUT_PR = "carer_without_pr"
    PARENT_PR_NOT_RECORDED = "parent_pr_not_recorded"
    CHILD = "child"
    SIBLING = "sibling"
    HOUSEHOLD_MEMBER = "household_member"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


RELATIONSHIP_INVERSE: dict[Relationship, Relationship] = {
    Relationship.PARENT_WITH_PR: Relationship.CHILD,
    Relationship.PARENT_WITHOUT_PR: Relationship.CHILD,
    Relationship.CARER_WITH_PR: Relationship.CHILD,
    Relationship.CARER_WITHOUT_PR: Relationship.CHILD,
    Relationship.PARENT_PR_NOT_RECORDED: Relationship.CHILD,
    Relationship.CHILD: Relationship.PARENT_PR_NOT_RECORDED,
    Relationship.SIBLING: Relationship.SIBLING,
    Relationship.HOUSEHOLD_MEMBER: Relationship.HOUSEHOLD_MEMBER,
    Relationship.OTHER_RELATIVE: Relationship.OTHER_RELATIVE,
    Relationship.OTHER: Relationship.OTHER,
}


class RequestOrigin(LabelledEnum):
    INCOMING_REQUEST = "incoming_request"
    OWN_INITIATIVE = "own_initiative"


class CallerCheck(LabelledEnum):
    NOT_BY_PHONE = "not_by_phone"
    CALLED_BACK_KNOWN_NUMBER = "called_back_known_number"
    KNOWN_CONTACT = "known_contact"
    SECURE_EMAIL_DOMAIN = "secure_email_domain"
    NOT_VERIFIED = "not_verified"


class LawfulBasis(LabelledEnum):
    """UK GDPR Article 6(1)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


class Art9Condition(LabelledEnum):
    """UK GDPR Article 9(2) conditions as they usually arise, with DPA 2018 Schedule 1."""

    SCHEDULE1_PARA18_SAFEGUARDING = "sch1_para18"
    EXPLICIT_CONSENT = "explicit_consent"
    VITAL_INTERESTS = "vital_interests"
    HEALTH_OR_SOCIAL_CARE = "health_social_care"
    SCHEDULE1_PARA6_STATUTORY = "sch1_para6"
    LEGAL_CLAIMS = "legal_claims"


class ConsentPosition(LabelledEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_SOUGHT = "not_sought"


class Outcome(LabelledEnum):
    SHARE = "share"
    SHARE_IN_PART = "share_in_part"
    DO_NOT_SHARE = "do_not_share"
    PENDING_ADVICE = "pending_advice"


class ShareMethod(LabelledEnum):
    SECURE_EMAIL = "secure_email"
    PHONE = "phone"
    MEETING = "meeting"
    PORTAL = "portal"
    LETTER = "letter"
    OTHER = "other"


class Quality(LabelledEnum):
    """The qualities of rule 6: what every share must be."""

    NECESSARY_PROPORTIONATE = "necessary_proportionate"
    RELEVANT = "relevant"
    ADEQUATE = "adequate"
    ACCURATE = "accurate"
    TIMELY = "timely"
    SECURE = "secure"


class Urgency(LabelledEnum):
    URGENT = "urgent"
    TODAY = "today"
    ROUTINE = "routine"


URGENCY_ORDER: dict[Urgency, int] = {Urgency.URGENT: 0, Urgency.TODAY: 1, Urgency.ROUTINE: 2}


class AdviceStatus(LabelledEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    ADVISED = "advised"
    CLOSED = "closed"


class AdviceEventKind(LabelledEnum):
    RAISED = "raised"
    CLAIMED = "claimed"
    RELEASED = "released"
    ADVISED = "advised"
    REVEALED = "revealed"
    CLOSED = "closed"


class InfoCategory(LabelledEnum):
    CONTACT_DETAILS = "contact_details"
    EDUCATION = "education"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    FAMILY_CIRCUMSTANCES = "family_circumstances"
    BEHAVIOUR = "behaviour"
    CRIMINAL = "criminal"
    OTHER = "other"


def _by_member(pairs: list[tuple[LabelledEnum, str]]) -> dict[tuple[type, str], str]:
    """Key by enum class and value: members of different enums with the same value (such as
    LawfulBasis.VITAL_INTERESTS and Art9Condition.VITAL_INTERESTS) compare equal as strings,
    so a dict keyed by the members themselves would let one label overwrite the other."""
    return {(type(member), member.value): text for member, text in pairs}


_LABELS = _by_member(
    [
        (AdviceRole.DSL, "Designated safeguarding lead"),
        (AdviceRole.CALDICOTT, "Caldicott guardian"),
        (AdviceRole.SENIOR_LEADERSHIP, "Senior leadership"),
        (AdviceRole.INFORMATION_GOVERNANCE, "Information governance lead"),
        (NotSoughtReason.UNSAFE, "Seeking it would be unsafe"),
        (NotSoughtReason.WOULD_PREJUDICE, "Seeking it would prejudice the protection"),
        (NotSoughtReason.CANNOT_BE_GIVEN, "It cannot be given"),
        (NotSoughtReason.NOT_REASONABLY_OBTAINABLE, "It cannot reasonably be obtained"),
        (ConsentGiver.PERSON, "The person"),
        (ConsentGiver.PARENT_WITH_PR, "A parent with parental responsibility"),
        (ConsentGiver.COMPETENT_CHILD, "A competent child"),
        (ConsentGiver.OTHER, "Someone else"),
        (Relationship.PARENT_WITH_PR, "Parent (parental responsibility)"),
        (Relationship.PARENT_WITHOUT_PR, "Parent (no parental responsibility)"),
        (Relationship.PARENT_PR_NOT_RECORDED, "Parent (parental responsibility not recorded)"),
        (Relationship.CARER_WITH_PR, "Carer (parental responsibility)"),
        (Relationship.CARER_WITHOUT_PR, "Carer (no parental responsibility)"),
        (RequestOrigin.INCOMING_REQUEST, "An incoming request"),
        (RequestOrigin.OWN_INITIATIVE, "Our own initiative"),
        (CallerCheck.NOT_BY_PHONE, "Not taken by phone"),
        (CallerCheck.CALLED_BACK_KNOWN_NUMBER, "Called back on a known number"),
        (CallerCheck.KNOWN_CONTACT, "Known contact"),
        (CallerCheck.SECURE_EMAIL_DOMAIN, "Confirmed from a secure email domain"),
        (CallerCheck.NOT_VERIFIED, "Not verified"),
        (LawfulBasis.CONSENT, "Consent (Art 6(1)(a))"),
        (LawfulBasis.CONTRACT, "Contract (Art 6(1)(b))"),
        (LawfulBasis.LEGAL_OBLIGATION, "Legal obligation (Art 6(1)(c))"),
        (LawfulBasis.VITAL_INTERESTS, "Vital interests (Art 6(1)(d))"),
        (LawfulBasis.PUBLIC_TASK, "Public task (Art 6(1)(e))"),
        (LawfulBasis.LEGITIMATE_INTERESTS, "Legitimate interests (Art 6(1)(f))"),
        (
            Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING,
            ("Safeguarding of children and individuals at risk (DPA 2018 Sch 1 para 18)"),
        ),
        (Art9Condition.EXPLICIT_CONSENT, "Explicit consent (Art 9(2)(a))"),
        (Art9Condition.VITAL_INTERESTS, "Vital interests, consent impossible (Art 9(2)(c))"),
        (Art9Condition.HEALTH_OR_SOCIAL_CARE, "Health or social care (Art 9(2)(h))"),
        (Art9Condition.SCHEDULE1_PARA6_STATUTORY, "Statutory purposes (DPA 2018 Sch 1 para 6)"),
        (Art9Condition.LEGAL_CLAIMS, "Legal claims (Art 9(2)(f))"),
        (ConsentPosition.GIVEN, "Consent given"),
        (ConsentPosition.REFUSED, "Consent refused"),
        (ConsentPosition.WITHDRAWN, "Consent withdrawn"),
        (ConsentPosition.NOT_SOUGHT, "Consent not sought"),
        (Outcome.SHARE, "Share"),
        (Outcome.SHARE_IN_PART, "Share in part"),
        (Outcome.DO_NOT_SHARE, "Do not share"),
        (Outcome.PENDING_ADVICE, "Pending advice"),
        (ShareMethod.SECURE_EMAIL, "Secure email"),
        (Quality.NECESSARY_PROPORTIONATE, "Necessary and proportionate"),
        (Quality.ACCURATE, "Accurate, fact told apart from opinion"),
        (Quality.SECURE, "Shared securely"),
        (Urgency.URGENT, "Urgent (risk of harm now)"),
        (Urgency.TODAY, "Today"),
        (Urgency.ROUTINE, "Routine (three working days)"),
    ]
)

_HINTS = _by_member(
    [
        (
            LawfulBasis.PUBLIC_TASK,
            "Usual basis for a public body carrying out its safeguarding duties.",
        ),
        (LawfulBasis.LEGAL_OBLIGATION, "A law requires the share (for example a statutory duty)."),
        (
            LawfulBasis.VITAL_INTERESTS,
            "Needed to protect someone's life, when no other basis fits.",
        ),
        (LawfulBasis.CONSENT, "Only when you would not share if consent were refused."),
        (
            LawfulBasis.LEGITIMATE_INTERESTS,
            "Not usually available to public bodies in their tasks.",
        ),
        (LawfulBasis.CONTRACT, "Rarely fits safeguarding."),
        (
            Art9Condition.SCHEDULE1_PARA18_SAFEGUARDING,
            ("Usual condition: protects a child or adult at risk without consent."),
        ),
    ]
)
