"""Every closed list of choices in the domain, with the words shown to people.

Values are stored in the database, labels are shown on screen. Keeping both here means the
screens, the services and the reports never disagree about what a choice is called.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A string enum whose members carry the words shown for them, declared beside the value:
    `SHARE_IN_PART = "share_in_part"` (the label is the value in words: "Share in part"),
    `NOT_SOUGHT = "not_sought", "Consent not sought"` where the words differ, or with a hint
    for a choice that needs a line of help as a third part. Every closed list in the domain
    declares its words this way, whichever module it lives in, so none keeps a table of
    labels apart from its members."""

    _value_: str
    _label: str
    _hint: str

    def __new__(cls, value: str, label: str = "", hint: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label or value.replace("_", " ").capitalize()
        member._hint = hint
        return member

    @property
    def label(self) -> str:
        return self._label

    @property
    def hint(self) -> str:
        return self._hint

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
    DSL = "dsl", "Designated safeguarding lead"
    CALDICOTT = "caldicott", "Caldicott guardian"
    SENIOR_LEADERSHIP = "senior_leadership"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance lead"

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
    UNSAFE = "unsafe", "Seeking it would be unsafe"
    WOULD_PREJUDICE = "would_prejudice", "Seeking it would prejudice the protection"
    CANNOT_BE_GIVEN = "cannot_be_given", "It cannot be given"
    NOT_REASONABLY_OBTAINABLE = "not_reasonably_obtainable", "It cannot reasonably be obtained"


class ConsentGiver(LabelledEnum):
    PERSON = "person", "The person"
    PARENT_WITH_PR = "parent_with_pr", "A parent with parental responsibility"
    COMPETENT_CHILD = "competent_child", "A competent child"
    OTHER = "other", "Someone else"


class ConsentMethod(LabelledEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    ELECTRONIC = "electronic"
    OTHER = "other"


class Relationship(LabelledEnum):
    PARENT_WITH_PR = "parent_with_pr", "Parent (parental responsibility)"
    PARENT_WITHOUT_PR = "parent_without_pr", "Parent (no parental responsibility)"
    CARER_WITH_PR = "carer_with_pr", "Carer (parental responsibility)"
    CARER_WITHOUT_PR = "carer_without_pr", "Carer (no parental responsibility)"
    PARENT_PR_NOT_RECORDED = (
        "parent_pr_not_recorded",
        "Parent (parental responsibility not recorded)",
    )
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
    INCOMING_REQUEST = "incoming_request", "An incoming request"
    OWN_INITIATIVE = "own_initiative", "Our own initiative"


class CallerCheck(LabelledEnum):
    NOT_BY_PHONE = "not_by_phone", "Not taken by phone"
    CALLED_BACK_KNOWN_NUMBER = "called_back_known_number", "Called back on a known number"
    KNOWN_CONTACT = "known_contact"
    SECURE_EMAIL_DOMAIN = "secure_email_domain", "Confirmed from a secure email domain"
    NOT_VERIFIED = "not_verified"


class LawfulBasis(LabelledEnum):
    """UK GDPR Article 6(1)."""

    CONSENT = (
        "consent",
        "Consent (Art 6(1)(a))",
        "Only when you would not share if consent were refused.",
    )
    CONTRACT = "contract", "Contract (Art 6(1)(b))", "Rarely fits safeguarding."
    LEGAL_OBLIGATION = (
        "legal_obligation",
        "Legal obligation (Art 6(1)(c))",
        "A law requires the share (for example a statutory duty).",
    )
    VITAL_INTERESTS = (
        "vital_interests",
        "Vital interests (Art 6(1)(d))",
        "Needed to protect someone's life, when no other basis fits.",
    )
    PUBLIC_TASK = (
        "public_task",
        "Public task (Art 6(1)(e))",
        "Usual basis for a public body carrying out its safeguarding duties.",
    )
    LEGITIMATE_INTERESTS = (
        "legitimate_interests",
        "Legitimate interests (Art 6(1)(f))",
        "Not usually available to public bodies in their tasks.",
    )


class Art9Condition(LabelledEnum):
    """UK GDPR Article 9(2) conditions as they usually arise, with DPA 2018 Schedule 1."""

    SCHEDULE1_PARA18_SAFEGUARDING = (
        "sch1_para18",
        "Safeguarding of children and individuals at risk (DPA 2018 Sch 1 para 18)",
        "Usual condition: protects a child or adult at risk without consent.",
    )
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (Art 9(2)(a))"
    VITAL_INTERESTS = "vital_interests", "Vital interests, consent impossible (Art 9(2)(c))"
    HEALTH_OR_SOCIAL_CARE = "health_social_care", "Health or social care (Art 9(2)(h))"
    SCHEDULE1_PARA6_STATUTORY = "sch1_para6", "Statutory purposes (DPA 2018 Sch 1 para 6)"
    LEGAL_CLAIMS = "legal_claims", "Legal claims (Art 9(2)(f))"


class ConsentPosition(LabelledEnum):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    WITHDRAWN = "withdrawn", "Consent withdrawn"
    NOT_SOUGHT = "not_sought", "Consent not sought"


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

    NECESSARY_PROPORTIONATE = "necessary_proportionate", "Necessary and proportionate"
    RELEVANT = "relevant"
    ADEQUATE = "adequate"
    ACCURATE = "accurate", "Accurate, fact told apart from opinion"
    TIMELY = "timely"
    SECURE = "secure", "Shared securely"


class Urgency(LabelledEnum):
    URGENT = "urgent", "Urgent (risk of harm now)"
    TODAY = "today"
    ROUTINE = "routine", "Routine (three working days)"


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
