"""The command palette (Ctrl+P) of a kiosk: only sharetui's own commands, by role.

Textual's palette offers its own system commands (themes, screenshots, quit) and would open
screens above the lock; here it lists what the signed-in person may do, nothing while the
lock is up but help, and never opens twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.command import CommandPalette

from sharetui.domain.permissions import Permission, allowed

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp


def system_commands(app: ShareApp) -> Iterable[SystemCommand]:
    """Only the app's own commands in the palette; none that opens a record while locked."""
    yield SystemCommand("Help: the seven golden rules", "Show guidance", app.action_help)
    if app.lock_is_up:
        return
    if app.actor is None:
        yield SystemCommand("Quit", "Close sharetui", app.action_sign_out)
        return
    yield SystemCommand("Lock now", "Lock this terminal", app.action_lock)
    yield SystemCommand("Sign out", "Save drafts and sign out", app.action_sign_out)
    yield SystemCommand(
        "High contrast", "Toggle the high-contrast theme", app.action_toggle_contrast
    )
    role = app.actor.role
    if allowed(role, Permission.WORK_WITH_PEOPLE):
        yield SystemCommand("Find a person", "Search people", app.open_search)
        yield SystemCommand("New decision", "Log a sharing decision", app.start_decision)
    if allowed(role, Permission.ADVISE):
        yield SystemCommand("Advice queue", "Open the advice queue", app.open_queue)
    if allowed(role, Permission.OVERSEE):
        yield SystemCommand("Reports", "Decisions and advice reports", app.open_reports)
    if allowed(role, Permission.ADMINISTER):
        yield SystemCommand("Accounts", "Add and change accounts", app.open_accounts)
    yield SystemCommand(
        "My account", "Change your passphrase or second factor", app.open_my_account
    )


def palette_open(app: App[None]) -> bool:
    """Whether a palette is on the stack already. Textual checks only the screen on top, so
    a palette under help or a question (Ctrl+P, F1, Ctrl+P) was opened a second time with
    the same id and the app crashed on DuplicateIds."""
    return any(isinstance(s, CommandPalette) for s in app.screen_stack)
