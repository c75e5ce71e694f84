"""Accounts, for administrators: a locked-down terminal has no shell, so everything the
`sharetui user` commands do is here too. Add an account (with a one-time passphrase), disable
or enable it, reset its passphrase, set its roles, reset its second factor, clear the waits
after failed sign-ins. The services audit each change and refuse any that would leave no
active administrator; the refusal is said on screen in their words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from sharetui.domain.enums import ADVICE_ROLE_LEGEND, AdviceRole, Role
from sharetui.domain.errors import ShareError
from sharetui.services.users import OneTime, UserView
from sharetui.ui.forms import Field, ShortText
from sharetui.ui.forms.choices import Choices, enum_choices
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.literal import lit, one_line
from sharetui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from sharetui.ui.screens.list_screen import ListScreen


def _role_fields(role: str = "", advice_roles: tuple[str, ...] = ()) -> ComposeResult:
    yield Field(
        "role",
        "",
        Choices(enum_choices(list(Role)), id="role", value=role or None, prompt="Role"),
    )
    yield Field(
        "advice_roles",
        "",
        Choices(
            enum_choices(list(AdviceRole)),
            id="advice_roles",
            values=advice_roles,
            multiple=True,
            prompt="Advice roles (supervisors only; tick each it answers for)",
        ),
    )


class AddAccountDialog(FormDialog):
    """A new account; the result is the one-time passphrase to hand over."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("username", "display_name", "role", "advice_roles")

    SAVE_HINT = "Ctrl+S: add the account (a one-time passphrase is shown)   Esc: cancel"

    def heading(self) -> str:
        return "Add an account"

    def questions(self) -> ComposeResult:
        yield Field(
            "username",
            "Username",
            ShortText(id="username", max_length=64),
            "Letters, digits, dots, dashes or underscores",
        )
        yield Field(
            "display_name",
            "Name",
            ShortText(id="display_name", max_length=200),
            "As colleagues know them",
        )
        yield from _role_fields()

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        return {} if values["role"] else {"role": "Choose practitioner, supervisor or admin"}

    async def submit(self, values: dict[str, Any], **options: Any) -> OneTime:
        return await self.call(
            self.services.users.create_with_one_time_passphrase,
            self.actor,
            values["username"],
            values["display_name"],
            values["role"],
            list(values["advice_roles"]),
        )


class RolesDialog(FormDialog):
    """The role and advice roles of one account."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("role", "advice_roles")

    def __init__(self, user: UserView) -> None:
        super().__init__()
        self.user = user

    SAVE_HINT = "Ctrl+S: save the roles   Esc: cancel"

    def heading(self) -> str:
        return f"Roles of {self.user.username}"

    def questions(self) -> ComposeResult:
        yield from _role_fields(
            self.user.role.value, tuple(r.value for r in self.user.advice_roles)
        )

    def field_of(self, error_key: str) -> str:
        return "role" if error_key == "username" else error_key

    async def submit(self, values: dict[str, Any], **options: Any) -> UserView:
        return await self.call(
            self.services.users.set_roles,
            self.actor,
            self.user.username,
            values["role"],
            list(values["advice_roles"]),
        )


class AccountsScreen(ListScreen[UserView]):
    """Every account, with the keys that change the one under the cursor."""

    HEADING = "Accounts"
    # What decides whether someone can work (state, second factor) before the advice roles,
    # which are the longest: at 80 columns the row is cut at the right.
    COLUMNS = ("Username", "Name", "Role", "State", "2nd factor", "Advice roles")
    TABLE_ID = "accounts-table"
    STATUS_ID = "accounts-status"
    LOAD_GROUP = "accounts-load"
    LOAD_ON_RESUME = False

    BINDINGS = [
        Binding("n", "add", "Add"),
        Binding("e", "toggle_active", "Disable/enable"),
        Binding("p", "reset_passphrase", "New passphrase"),
        Binding("r", "roles", "Roles"),
        Binding("f", "reset_factor", "Reset 2nd factor"),
        Binding("o", "unlock", "Unlock"),
        Binding("escape", "back", "Home"),
    ]
    FIELD_HELP = {
        "accounts-table": "n adds an account; on the account under the cursor: e disables or "
        "enables it, p gives it a new one-time passphrase, r sets its roles, f resets a lost "
        "second factor, o clears the waits after failed sign-ins. Each change is audited.",
    }

    def compose_below(self) -> ComposeResult:
        yield Static(ADVICE_ROLE_LEGEND, classes="hint", markup=False)

    async def fetch(self) -> list[UserView]:
        return await self.call(self.services.users.list, self.actor)

    def row(self, u: UserView) -> tuple[Any, ...]:
        return (
            lit(u.username),
            one_line(u.display_name, 20),
            u.role.label,
            lit(u.state_words),
            "set up" if u.has_factor else "-",
            one_line(", ".join(r.short for r in u.advice_roles) or "-", 30),
        )

    # -- the actions ------------------------------------------------------------------------
    def action_add(self) -> None:
        def added(made: OneTime | None) -> None:
            if made is not None:
                self._handed_over(made, "Account added")

        self.app.push_screen(AddAccountDialog(), added)

    def _handed_over(self, made: OneTime, title: str) -> None:
        self.say(f"{title}: {made.user.username}")
        self.app.push_screen(
            MessageDialog(
                title,
                f"Give {made.user.display_name} ({made.user.username}) this one-time "
                f"passphrase, in person or by a channel only they read:\n\n"
                f"    {made.passphrase}\n\n"
                "It works for one sign-in, where they choose their own"
                + (
                    " and set up their second factor."
                    if made.user.role is not Role.PRACTITIONER and not made.user.has_factor
                    else "."
                ),
            )
        )
        self.reload()

    def action_roles(self) -> None:
        user = self.chosen()
        if user is None:
            return

        def saved(view: UserView | None) -> None:
            if view is not None:
                self.say(f"Roles saved for {view.username}: {view.role.label}")
                self.reload()

        self.app.push_screen(RolesDialog(user), saved)

    def action_toggle_active(self) -> None:
        user = self.chosen()
        if user is None:
            return
        if user.active:
            question = (
                f"Disable {user.username}? Their open sessions lock within seconds; "
                "their records stay."
            )
            self._confirm(question, "Disable", lambda u: self._call("set_active", u, False))
        else:
            self._confirm(
                f"Enable {user.username} again?",
                "Enable",
                lambda u: self._call("set_active", u, True),
            )

    def action_reset_passphrase(self) -> None:
        self._confirm(
            "Give {name} a new one-time passphrase? Their old one stops working.",
            "New passphrase",
            lambda u: self._call("reset_passphrase", u),
        )

    def action_reset_factor(self) -> None:
        self._confirm(
            "Reset {name}'s second factor (a lost phone)? They set up a new one at their "
            "next sign-in; their recovery codes stop working.",
            "Reset",
            lambda u: self._call("reset_factor", u),
        )

    def action_unlock(self) -> None:
        self._confirm(
            "Clear the waits after failed sign-ins for {name}, at every terminal?",
            "Unlock",
            lambda u: self._call("unlock", u),
        )

    def _confirm(self, question: str, yes: str, then: Callable[[UserView], object]) -> None:
        user = self.chosen()
        if user is None:
            return

        ConfirmDialog(question.replace("{name}", user.username), yes=yes, no="Cancel").ask(
            self.app, lambda: then(user)
        )

    @work(group="accounts-change", exit_on_error=False)
    async def _call(self, name: str, user: UserView, *args: Any) -> None:
        words = {
            "set_active": "Enabled" if args and args[0] else "Disabled",
            "reset_factor": "Second factor reset for",
            "unlock": "Waits cleared for",
        }
        try:
            result = await self.call(
                getattr(self.services.users, name), self.actor, user.username, *args
            )
        except ShareError as exc:
            self.app.push_screen(MessageDialog.refused("Not changed", exc))
            return
        if isinstance(result, OneTime):
            self._handed_over(result, "New one-time passphrase")
            return
        self.say(f"{words.get(name, 'Changed')} {user.username}")
        self.reload()
