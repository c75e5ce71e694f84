"""The recipient register, kept by supervisors and administrators: every organisation (its
kind, secure routes and contacts), and the review list: entries brought in from decisions
recorded as free text that the upgrade could not merge on its own, and names added at a
desk. For each of those, "this is organisation X" merges it into X; "keep as new" marks it
checked. One organisation opens on its own screen with its contacts."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widgets import Static

from sharetui.domain.errors import ShareError
from sharetui.services.register_keeping import OrgView, RecipientChoice
from sharetui.ui.literal import lit, one_line, plain
from sharetui.ui.screens.dialogs import ConfirmDialog
from sharetui.ui.screens.kept_list import KeptList
from sharetui.ui.screens.register_dialogs import ContactDialog, MergeDialog, OrgDialog

REGISTER_WHY = (
    "The recipient register: who information goes to, with their secure routes, so it goes "
    "only to those who need it, securely (golden rule 6; HM Government, Information sharing "
    "advice, 2018, revised 2024). The decision flow chooses from it by search as you type. "
)


def contact_words(c: RecipientChoice) -> str:
    parts = [p for p in (c.role, c.name) if p]
    text = " - ".join(parts) or "(no role or name)"
    return text + (f"  {c.contact}" if c.contact else "")


def org_detail(org: OrgView, *, in_full: bool = True) -> Text:
    """The entry in a few lines: with its name and first contacts on the list, without
    them above its own list of contacts."""
    text = Text(plain(org.name) + "  " if in_full else "", style="bold")
    text.append(org.kind.label)
    text.append("  secure routes: " + (plain(org.secure_routes, 60) or "none recorded"))
    shown = org.contacts[:2] if in_full else ()
    for c in shown:
        text.append("\n  " + plain(contact_words(c), 74))
    if len(org.contacts) > len(shown) and in_full:
        text.append(f"\n  and {len(org.contacts) - 2} more contact(s): Enter lists them")
    if org.to_review:
        text.append("\nTo review: " + plain(org.review_note or "check it", 200), style="bold")
    return text


def why_listed(org: OrgView) -> str:
    """The review note in a few words, for its column (the note in full is below)."""
    note = org.review_note
    if "Possibly the same organisation as: " in note:
        return "Same as " + note.split("Possibly the same organisation as: ")[1].split(".")[0] + "?"
    if note.startswith("Added from a decision"):
        return "Added at a desk"
    if note.startswith("Brought in from decisions"):
        return "From free text"
    return note or "Check it"


class RegisterScreen(KeptList):
    """Every organisation in use, or (review=True) those to check or merge."""

    BINDINGS = [
        Binding("n", "add", "Add"),
        Binding("e", "edit", "Correct"),
        Binding("m", "merge", "Same as another"),
        Binding("s", "same_as", "This is organisation…"),
        Binding("k", "keep", "Keep as new"),
        Binding("w", "review", "To review"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, *, review: bool = False) -> None:
        super().__init__()
        self.review = review
        self._focus_after: int | None = None
        if review:
            self.HEADING = "Register: to review"
            self.INTRO = (
                "Brought in from free text or added at a desk. s: it is another entry "
                "(merge); k: keep it as a new organisation."
            )
            self.COLUMNS = ("Organisation", "Kind", "Why it is listed")
            self.EMPTY = "Nothing to review"
        else:
            self.HEADING = "The recipient register"
            self.INTRO = "Organisations information goes to, by name. Enter lists contacts."
            self.COLUMNS = ("Organisation", "Kind", "Secure routes", "Contacts")
            self.EMPTY = "The register is empty: n adds an organisation"
        self.FIELD_HELP = {
            "kept-table": REGISTER_WHY
            + (
                "Entries here came from decisions recorded as free text before the register "
                "(spellings that differ only by case or punctuation were merged on upgrade; "
                "names that may be one body are listed with each other named) or were added "
                "at a desk. s merges one into the entry it is; k keeps it as a new one. Each "
                "is an audited change; decisions keep their own words."
                if review
                else "n adds an organisation; on the one under the cursor e corrects it, m "
                "merges it into the entry it duplicates, Enter lists its contacts. The "
                "entries to review (to check or merge) are listed with w."
            )
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        review_only = {"add": False, "review": False, "merge": False, "keep": True, "same_as": True}
        if action in review_only and review_only[action] != self.review:
            return False
        if action in ("edit", "merge", "same_as", "keep"):
            return self.chosen() is not None
        return super().check_action(action, parameters)

    async def fetch(self) -> list[Any]:
        return await self.call(self.services.register.orgs, self.actor, to_review=self.review)

    def row(self, org: OrgView) -> tuple[Any, ...]:
        if self.review:  # the note in full is under the list
            return (one_line(org.name, 34), org.kind.label, one_line(why_listed(org), 24))
        return (
            one_line(org.name, 32),
            org.kind.label,
            one_line(org.secure_routes or "-", 18),
            str(len(org.contacts)),
        )

    def detail(self, org: OrgView) -> Text:
        return org_detail(org)

    def open(self, org: OrgView) -> None:
        self.app.push_screen(OrgScreen(org.id))

    # -- actions --------------------------------------------------------------------------
    def action_add(self) -> None:
        def added(made: RecipientChoice | None) -> None:
            if made is not None:
                self.say(f"Added {made.org}. Enter lists its contacts; n on it adds one.")
                self.move_to_later(made.org_id)

        self.app.push_screen(OrgDialog(), added)

    def move_to_later(self, org_id: int) -> None:
        """After the reload the screen's return starts, the cursor goes to this entry."""
        self._focus_after = org_id

    def _show(self, cursor: int | None = None) -> None:
        super()._show(cursor)
        target = self._focus_after
        if target is not None:
            self._focus_after = None
            self.move_to(lambda o: o.id == target)

    def action_edit(self) -> None:
        org = self.chosen()
        if org is not None:
            self.app.push_screen(
                OrgDialog(org), lambda v: self.say(f"Saved {v.name}.") if v else None
            )

    def action_same_as(self) -> None:
        self.action_merge()

    def action_merge(self) -> None:
        org = self.chosen()
        if org is not None:
            self.app.push_screen(
                MergeDialog(org),
                lambda kept: self.say(f"{org.name} merged into {kept.name}.") if kept else None,
            )

    def action_keep(self) -> None:
        org = self.chosen()
        if org is None:
            return

        ConfirmDialog(
            f"Keep {org.name} as an organisation of its own, checked? (Correct its "
            "name or kind first with e if they are wrong.)",
            yes="Keep as new",
            no="Cancel",
        ).ask(self.app, lambda: self._reviewed(org))

    @work(group="register-change", exit_on_error=False)
    async def _reviewed(self, org: OrgView) -> None:
        try:
            await self.call(self.services.register.update_org, self.actor, org.id, reviewed=True)
        except ShareError as exc:
            self.say(f"Not changed: {exc.message}")
            return
        self.say(f"{org.name} kept as a new organisation: checked.")
        self.reload()

    def action_review(self) -> None:
        self.app.push_screen(RegisterScreen(review=True))


class OrgScreen(KeptList):
    """One organisation: what the register says of it, and its contacts."""

    HEADING = "Organisation"
    COLUMNS = ("Role", "Name", "How to reach them")
    EMPTY = "No contacts: n adds one (meanwhile the organisation itself can be chosen)"
    ENTER_WORDS = "Correct contact"
    BINDINGS = [
        Binding("n", "add_contact", "Add contact"),
        Binding("d", "remove_contact", "Remove contact"),
        Binding("e", "edit", "Correct organisation"),
        Binding("m", "merge", "Same as another"),
        Binding("k", "keep", "Checked"),
        Binding("escape", "back", "Back"),
    ]
    FIELD_HELP = {
        "kept-table": "The contacts the decision flow offers for this organisation. A role "
        "outlasts the person in it. n adds a contact; Enter corrects the one under the cursor; "
        "d removes one who has left (kept on record: decisions may name them). e corrects the "
        "organisation, m merges it into the entry it duplicates, k marks it checked. "
        + REGISTER_WHY
    }

    def __init__(self, org_id: int) -> None:
        super().__init__()
        self.org_id = org_id
        self.org: OrgView | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "merge", "add_contact"):
            return self.org is not None
        if action == "keep":
            return self.org is not None and self.org.to_review
        if action == "remove_contact":
            return self.chosen() is not None
        return super().check_action(action, parameters)

    async def fetch(self) -> list[Any]:
        self.org = await self.call(self.services.register.org, self.actor, self.org_id)
        return list(self.org.contacts)

    def _show(self, cursor: int | None = None) -> None:
        super()._show(cursor)
        if self.org is not None:
            self.query_one("#kept-title", Static).update(lit(self.org.name))
            self.sub_title = "Register"
            self.query_one("#kept-intro", Static).update(org_detail(self.org, in_full=False))

    def row(self, c: RecipientChoice) -> tuple[Any, ...]:
        return (one_line(c.role or "-", 28), one_line(c.name or "-", 22), one_line(c.contact, 30))

    def open(self, contact: RecipientChoice) -> None:
        if self.org is not None:
            self.app.push_screen(
                ContactDialog(self.org, contact),
                lambda v: self.say("Contact corrected.") if v else None,
            )

    def action_add_contact(self) -> None:
        if self.org is not None:
            self.app.push_screen(
                ContactDialog(self.org), lambda v: self.say("Contact added.") if v else None
            )

    def action_edit(self) -> None:
        if self.org is not None:
            self.app.push_screen(
                OrgDialog(self.org), lambda v: self.say("Organisation corrected.") if v else None
            )

    def action_merge(self) -> None:
        if self.org is None:
            return

        def merged(kept: OrgView | None) -> None:
            if kept is not None:
                self.dismiss()  # this entry has left the register

        self.app.push_screen(MergeDialog(self.org), merged)

    def action_keep(self) -> None:
        if self.org is not None:
            self._change("update_org", self.org_id, "Marked as checked.", reviewed=True)

    def action_remove_contact(self) -> None:
        contact = self.chosen()
        if contact is None or contact.contact_id is None:
            return

        ConfirmDialog(
            f"Remove {contact_words(contact)}? They are no longer offered; decisions "
            "that named them keep their words.",
            yes="Remove",
            no="Cancel",
        ).ask(
            self.app, lambda: self._change("remove_contact", contact.contact_id, "Contact removed.")
        )

    @work(group="register-change", exit_on_error=False)
    async def _change(self, name: str, ident: int, words: str, **changes: Any) -> None:
        try:
            await self.call(getattr(self.services.register, name), self.actor, ident, **changes)
        except ShareError as exc:
            self.say(f"Not changed: {exc.message}")
            return
        self.say(words)
        self.reload()
