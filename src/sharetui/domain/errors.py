"""Typed errors the services raise; each carries words for the person at the desk."""

from __future__ import annotations


class ShareError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(ShareError):
    """Bad input: one instruction per field, in the order the form shows them."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        self.field_errors = dict(field_errors)
        summary = "; ".join(self.field_errors.values())
        super().__init__(summary or "Check your answers")


class NotAllowed(ShareError):
    """The acting user's role does not permit this action."""


class NotFound(ShareError):
    """The record asked for does not exist (or is not visible to the caller)."""


class Conflict(ShareError):
    """Someone else changed the record first (for example claimed an advice item)."""


class SignInFailed(ShareError):
    """Wrong username or passphrase, or a locked or disabled account."""


class AccountRevoked(NotAllowed):
    """The acting account was disabled (or removed) since it signed in: nothing more is done
    for it. Checked against the database in the transaction of every service call."""


class AccountChanged(NotAllowed):
    """An administrator changed the acting account's role or advice roles since it signed
    in: the call is refused, and the app shows the new role's home (ui/app.py)."""


class StoreFailed(ShareError):
    """The database could not do what was asked; nothing was saved. The message is for the
    screen (it says the typed answers are still there); command_line says the same cause
    without them, for the command line."""

    def __init__(self, message: str, command_line: str | None = None) -> None:
        super().__init__(message)
        self.command_line = command_line or message


class StoreUnavailable(StoreFailed):
    """The database could not be reached, stayed busy, or cannot be written (a full disk,
    a read-only or damaged file); nothing was saved."""


def check(errors: dict[str, str]) -> None:
    """Raise ValidationFailed when any field has an error."""
    if errors:
        raise ValidationFailed(errors)
