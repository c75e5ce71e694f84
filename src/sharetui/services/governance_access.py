"""Who may do information governance work: the information governance lead (a supervisor who
answers for that advice role) and administrators. Subject access requests, retention reviews,
legal holds and disposal all pass through require_governance()."""

from __future__ import annotations

from typing import TypeVar

from sharetui.domain.enums import LabelledEnum
from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.domain.governance import may_govern
from sharetui.domain.text import clean, clean_line
from sharetui.services.unit_of_work import Actor

L = TypeVar("L", bound=LabelledEnum)

GOVERNANCE_DENIED = "Only the information governance lead and administrators can do this"


def is_governance(actor: Actor) -> bool:
    return may_govern(actor.role, actor.advice_roles)


def require_governance(actor: Actor) -> None:
    if not is_governance(actor):
        raise NotAllowed(GOVERNANCE_DENIED)


def reason_text(value: str | None, field: str = "reason", what: str = "the reason") -> str:
    """A required reason: cleaned, at most 2,000 characters."""
    text = clean(value)
    if not text:
        raise ValidationFailed({field: f"Enter {what}"})
    if len(text) > 2000:
        raise ValidationFailed({field: f"Shorten {what} to 2,000 characters or fewer"})
    return text


def short_text(value: str | None, field: str, what: str, limit: int = 200) -> str:
    text = clean_line(value)
    if not text:
        raise ValidationFailed({field: f"Enter {what}"})
    if len(text) > limit:
        raise ValidationFailed({field: f"Shorten {what} to {limit} characters or fewer"})
    return text


def choice_of(kind: type[L], value: str, field: str, prompt: str) -> L:
    """One of a closed list, by its stored value or its label. Refused with the choices listed
    after the prompt, since the command line passes on whatever was typed."""
    try:
        return kind.parse(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise ValidationFailed({field: f"{prompt}: {choices}"}) from None
