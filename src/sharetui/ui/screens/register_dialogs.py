"""The register's forms: an organisation (add or correct), a contact (add or correct), and
"this is the same organisation as...": a merge. Every save is one audited change made by
the register service; nothing is changed without one."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from sharetui.domain.after_share import OrgKind
from sharetui.domain.text import SHORT_TEXT
from sharetui.services.register_keeping import OrgView, RecipientChoice
from sharetui.ui.forms import Choices, Field, ShortText
from sharetui.ui.forms.choices import enum_choices
from sharetui.ui.forms.dialog import FormDialog
from sharetui.ui.literal import lit
from sharetui.ui.widgets.org_chooser import OrgChooser

REGISTER_HELP = {
    "name": "The organisation's name as it is known, such as Northshire Children's Social "
    "Care. Spellings that differ only by case, accents, punctuation, '&' or a leading 'The' "
    "are one entry: the register refuses a second.",
    "kind": "School, social care, health, police, housing, early help or other: reports count "
    "shares by kind of recipient.",
    "secure_routes": "How to send to them securely: a secure email domain, a portal. Golden "
    "rule 6: share by a secure route, with those who need it (HM Government, Information "
    "sharing advice, 2018, revised 2024). The decision flow proposes secure email when an "
    "email route is given.",
    "role": "The contact's role, such as Duty social worker or Designated safeguarding lead: "
    "a role outlasts the person in it.",
    "contact_name": "The person's name, where the share goes to someone in particular.",
    "contact": "How to reach them: a secure email address, a telephone number.",
    "merge_into-filter": "Type part of the other entry's name and press Enter on it. This entry "
    "is merged into the one you choose: its contacts, earlier spellings and agreements move "
    "there and it leaves the register. Decisions that named it keep their own words, and the "
    "reports count them under the entry kept.",
}


class OrgDialog(FormDialog):
    """Add an organisation, or correct one (its name, kind and secure routes)."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("name", "kind", "secure_routes")
    FIELD_HELP = REGISTER_HELP

    def __init__(self, org: OrgView | None = None) -> None:
        values = (
            {"name": org.name, "kind": org.kind.value, "secure_routes": org.secure_routes}
            if org
            else None
        )
        super().__init__(values=values)
        self.org = org

    def heading(self) -> str:
        return "Add an organisation" if self.org is None else "Correct this organisation"

    def questions(self) -> ComposeResult:
        yield Field("name", "Name", ShortText(id="name", max_length=SHORT_TEXT))
        yield Field("kind", "Kind", Choices(enum_choices(list(OrgKind)), id="kind"))
        yield Field(
            "secure_routes",
            "Secure routes (optional)",
            ShortText(id="secure_routes", max_length=SHORT_TEXT),
            "A secure email domain or a portal, such as @northshire.gcsx.gov.uk",
        )

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {} if values["name"].strip() else {"name": "Enter the organisation's name"}
        if not values["kind"]:
            errors["kind"] = "Choose the kind of organisation"
        return errors

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        register, actor = self.services.register, self.actor
        if self.org is None:
            return await self.call(
                register.add_org, actor, values["name"], values["kind"], values["secure_routes"]
            )
        return await self.call(
            register.update_org,
            actor,
            self.org.id,
            name=values["name"],
            kind=values["kind"],
            secure_routes=values["secure_routes"],
        )


class ContactDialog(FormDialog):
    """Add a contact to an organisation, or correct one."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("role", "contact_name", "contact")
    FIELD_HELP = REGISTER_HELP

    def __init__(self, org: OrgView, contact: RecipientChoice | None = None) -> None:
        values = (
            {"role": contact.role, "contact_name": contact.name, "contact": contact.contact}
            if contact
            else None
        )
        super().__init__(values=values)
        self.org, self.contact = org, contact

    def heading(self) -> str:
        words = "Add a contact at " if self.contact is None else "Correct a contact at "
        return words + self.org.name

    def questions(self) -> ComposeResult:
        yield Field("role", "Role", ShortText(id="role", max_length=SHORT_TEXT))
        yield Field("contact_name", "Name", ShortText(id="contact_name", max_length=SHORT_TEXT))
        yield Field(
            "contact",
            "How to reach them",
            ShortText(id="contact", max_length=SHORT_TEXT),
            "A secure email address or a telephone number",
        )

    def field_of(self, error_key: str) -> str:
        return "contact_name" if error_key == "name" else error_key

    async def submit(self, values: dict[str, Any], **options: Any) -> Any:
        register, actor = self.services.register, self.actor
        words = {"role": values["role"], "name": values["contact_name"]}
        words["contact"] = values["contact"]
        if self.contact is None or self.contact.contact_id is None:
            return await self.call(register.add_contact, actor, self.org.id, **words)
        return await self.call(register.update_contact, actor, self.contact.contact_id, **words)


class MergeDialog(FormDialog):
    """This entry is another one, spelt differently: merge it into that one."""

    DEFAULT_CLASSES = "scrolling-form"
    FIELDS = ("merge_into",)
    FIELD_HELP = REGISTER_HELP

    def __init__(self, org: OrgView) -> None:
        super().__init__()
        self.org = org

    SAVE_HINT = "Ctrl+S: merge   Esc: cancel   F1: help"

    def heading(self) -> str:
        return f"{self.org.name}: which organisation is it?"

    def questions(self) -> ComposeResult:
        yield Static(
            lit(
                f"{self.org.name} is merged into the one you choose: its contacts, "
                "earlier spellings and agreements move there and it leaves the "
                "register. Decisions that named it keep their own words."
            ),
            classes="hint",
        )
        yield Field(
            "merge_into",
            "It is the same organisation as",
            OrgChooser(id="merge_into", exclude=(self.org.id,)),
        )

    def values(self) -> dict[str, Any]:
        return {"merge_into": self.query_one(OrgChooser).values}

    def focus_first(self) -> None:
        self.query_one(OrgChooser).focus()

    def field_of(self, error_key: str) -> str:
        return "merge_into" if error_key == "merge_id" else error_key

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        if values["merge_into"]:
            return {}
        return {"merge_into": "Choose the organisation it is the same as"}

    async def submit(self, values: dict[str, Any], **options: Any) -> OrgView:
        keep_id = values["merge_into"][0]
        kept: OrgView = await self.call(
            self.services.register.merge, self.actor, keep_id, self.org.id
        )
        self.notify(f"Merged into {kept.name}.", markup=False)
        return kept
