"""F1 help for every question of the decision flow, in one place.

Kept apart from the screen (ui/screens/decision_flow.py) because it is guidance, not
behaviour: it is read and corrected by people who know the law rather than the code, and the
pages' own help (the lawful basis, Article 9, rule 5's impact) joins it here so the screen asks
for one table.
"""

from __future__ import annotations

from sharetui.ui.flow.impact_part import IMPACT_HELP
from sharetui.ui.flow.pages_consent import ART9_HELP, BASIS_HELP

FLOW_HELP: dict[str, str] = {
    "f-urgent": "Answer yes when a child is suffering, or likely to suffer, significant harm. "
    "Then follow your procedures without delay: consent is not needed, and waiting for advice "
    "must never hold up the share. Advice can be asked for and recorded afterwards.",
    "f-subject-id": "The person the information is about. Search by name, date of birth or "
    "reference; Ctrl+N adds someone new without leaving this decision.",
    "f-origin": "An incoming request: someone asked us. Our own initiative: we decided to "
    "share (for example a referral).",
    "f-caller-check": "Before giving information over the phone, make sure the caller is who "
    "they say: call back on a number you already hold, or recognise a known contact. An "
    "unverified caller is flagged on the record.",
    "f-recipient-search": "The recipient register: organisations and their contacts, with "
    "their secure routes, kept by supervisors. Type any part of the organisation, role, name "
    "or contact; Up/Down and Enter take one. A name the register lacks is added for review "
    "(Ctrl+N). Share only with those who need it, securely (rule 6). Under the purpose: "
    "whether a data sharing agreement covers this recipient and purpose (ICO data sharing "
    "code, 2021). None is needed for a one-off or urgent share; it never stops one.",
    "f-purpose": "What the recipient will use the information for. Share only what that "
    "purpose needs (rule 6).",
    "f-information": "What you share. Keep fact apart from opinion, and leave out details "
    "that could identify someone at risk (a carer, a neighbour).",
    "f-special-category": "Health, sex life or orientation, ethnicity, religion, political "
    "opinions, union membership, genetics or biometrics. It needs an Article 9 condition.",
    "f-consent-position": "Given: the person (or someone able to) agreed to this share. "
    "Refused or withdrawn: you may still share where there is a lawful basis and you record "
    "why. Not sought: asking would be unsafe, would prejudice the protection, or consent "
    "cannot be given or reasonably obtained. Never ask for consent you would override.",
    "f-consent-event-id": "Consent covers a particular information, recipient and purpose. "
    "Choose the record that covers this share, or record consent now if it was just given.",
    "f-without-consent-reason": "Why sharing without consent is justified, for example a "
    "child is at risk of significant harm (rule 4).",
    "f-necessity": "Why this share is needed to achieve the purpose, and why less would not do.",
    "f-person-told": "Rule 2: be open with the person (and family where appropriate) about "
    "what is shared, unless telling them would be unsafe or inappropriate.",
    "f-identities-protected": "Protect the identity of anyone who could be harmed if their "
    "details reached an abuser (2024 guidance).",
    "f-outcome": "Share, share part of it, or do not share. Rule 7: record the reasons "
    "whatever you decide.",
    "f-reasons": "The reasons for your decision, in plain words: they should stand up at a "
    "review months from now.",
    "f-shared-at": "When the information was (or will be) shared. It cannot be in the future.",
    "f-amend-reason": "Why the record is being corrected. The earlier version stays visible.",
}


def flow_help() -> dict[str, str]:
    """Every question's help, by field id, as the flow screen's F1 reads it."""
    return {
        **FLOW_HELP,
        "f-lawful-basis": BASIS_HELP,
        "f-art9-condition": ART9_HELP,
        **IMPACT_HELP,
    }
