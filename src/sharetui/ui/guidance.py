"""Guidance shown on F1, in our own words, summarising the public guidance it names."""

from __future__ import annotations

SOURCE = (
    'Summarised from HM Government, "Information sharing: advice for practitioners providing '
    'safeguarding services to children, young people, parents and carers" (2018, revised 2024) '
    'and the ICO "Data sharing: a code of practice" (2021).'
)

GOLDEN_RULES: list[tuple[str, str]] = [
    (
        "Data protection is not a barrier",
        "The law does not stop you sharing when sharing is justified; it tells you how to share well.",
    ),
    (
        "Be open and honest",
        "Tell the person (and the family where appropriate) why, what, how and with whom you will "
        "share, and seek their agreement, unless doing so would be unsafe or inappropriate.",
    ),
    (
        "If in doubt, seek advice",
        "Ask your designated safeguarding lead, Caldicott guardian, information governance lead or "
        "senior leadership. You can ask without naming the person. Never let waiting for advice "
        "delay an urgent share.",
    ),
    (
        "Consent where appropriate, a clear basis always",
        "Share with consent where that is right and respect refusals where you can. You may share "
        "without consent when you judge there is a lawful basis, for example when someone's safety "
        "is at risk. Say which basis you rely on.",
    ),
    (
        "Safety and well-being first",
        "Base your decision on the safety and well-being of the person and of others affected. "
        "Protecting a child from harm comes before privacy.",
    ),
    (
        "Necessary, proportionate, relevant, adequate, accurate, timely, secure",
        "Share only what is needed, with those who need it, accurately (keep fact apart from "
        "opinion), on time and by a secure route. Protect the identity of anyone who could be "
        "harmed if their details reached an abuser.",
    ),
    (
        "Keep a record",
        "Record your decision and your reasons whether or not you share. If you share, record what, "
        "with whom, when and why.",
    ),
]

FIELD_HELP: dict[str, str] = {
    "username": "Your own username. Never sign in for someone else: every record shows who made it.",
    "passphrase": "Your passphrase. From the fifth wrong try at this terminal the next one "
    "waits (30 seconds, doubling up to 15 minutes); another terminal works, and an "
    "administrator can clear the wait.",
    "confirm": "Type the passphrase again so a typing slip does not lock you out.",
    "display_name": "Your name as colleagues know it; it is shown on the records you make.",
}


# After the share: the register, agreements, receipts and transfers, in our own words.
AFTER_THE_SHARE: list[tuple[str, str]] = [
    (
        "The recipient register",
        "Choose who the information goes to from the register of organisations and contacts, "
        "with their secure routes, so it goes only to those who need it, securely (rule 6). "
        "Supervisors and administrators keep the register (k on the home screen); a name "
        "added at the desk, or brought in from decisions recorded as free text, is checked "
        "by them: merged into the entry it is, or kept as a new one.",
    ),
    (
        "Data sharing agreements",
        "An agreement states the purpose, the parties, the data, the lawful basis and a "
        "review date. It is not compulsory, but it is good practice for routine sharing and "
        "the ICO takes it into account on a complaint. One-off or urgent sharing needs none: "
        "no agreement never stops an urgent share. The record keeps the agreement it relied "
        "on (ICO data sharing code, 2021; ICO 10 step guide to sharing information to "
        "safeguard children, 2023).",
    ),
    (
        "Receipt confirmed",
        "Record how the information was sent and, when the recipient confirms they have it, "
        "who confirmed, when and how. If it failed, say so and send it again. A share left "
        "unconfirmed is listed for its sender to chase, and then for the DSL.",
    ),
    (
        "Child protection file transfers",
        "When a child moves setting, the DSL sends the child protection file within 5 school "
        "days of an in-year move, or within the first 5 school days of a new term; "
        "separately from the main pupil file; securely, never by ordinary post or with "
        "parents; and gets confirmation of receipt, chasing when none comes (Keeping Children "
        "Safe in Education 2024 and 2025, annex C). School days skip weekends, bank holidays "
        "and the holidays between the terms the site has entered (k, then t, on the home "
        "screen). The DSL records files sent and received with k, then c.",
    ),
]


def rules_text() -> str:
    lines = ["The seven golden rules of information sharing", ""]
    for i, (title, body) in enumerate(GOLDEN_RULES, 1):
        lines.append(f"{i}. {title}")
        lines.append(f"   {body}")
        lines.append("")
    lines.append(SOURCE)
    lines += ["", "After the share", ""]
    for title, body in AFTER_THE_SHARE:
        lines.append(title)
        lines.append(f"   {body}")
        lines.append("")
    return "\n".join(lines).rstrip()
