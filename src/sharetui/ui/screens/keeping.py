"""What supervisors and administrators keep after the share, in the app (a locked-down
terminal has no shell): the recipient register and its review list, the data sharing
agreements, the school's term dates, and (for supervisors, who work with people's records)
child protection file transfers. Reached with k on the home screen.

Each is a KeptList (ui/screens/kept_list.py). The lists are loaded when first opened, not
with the home screen that reaches this hub.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from sharetui.domain.permissions import Permission, allowed
from sharetui.ui.literal import lit
from sharetui.ui.screens.kept_list import KeptList


# -- the hub --------------------------------------------------------------------------------
def open_keeping(app: Any) -> None:
    app.push_screen(KeepingScreen())


def open_agreement(app: Any, agreement_id: int) -> None:
    """From an agreement due for review on the home screen: the agreements, on that one."""
    from sharetui.ui.screens.agreements import AgreementsScreen

    app.push_screen(AgreementsScreen(focus_id=agreement_id))


class KeepingScreen(KeptList):
    """Where each list stands, one key (or Enter) to each."""

    HEADING = "After the share: the register, agreements, term dates and transfers"
    INTRO = "What supervisors and administrators keep. Enter or the key opens a list."
    COLUMNS = ("Key", "List", "Where it stands")
    BINDINGS = [
        Binding("o", "open_list('register')", "Organisations"),
        Binding("w", "open_list('review')", "To review"),
        Binding("a", "open_list('agreements')", "Agreements"),
        Binding("t", "open_list('terms')", "Term dates"),
        Binding("c", "open_list('transfers')", "CP file transfers"),
        Binding("escape", "back", "Home"),
    ]
    FIELD_HELP = {
        "kept-table": "The recipient register: organisations information goes to, with their "
        "secure routes and contacts, so a share goes only to those who need it, securely "
        "(golden rule 6). Data sharing agreements: not compulsory, but good practice for "
        "routine sharing, and the ICO takes them into account on a complaint (ICO data "
        "sharing code, 2021). Term dates: school days for child protection file transfers "
        "(Keeping Children Safe in Education, annex C). Transfers: the DSL's record of "
        "files sent to and received from other settings."
    }

    @property
    def works_with_people(self) -> bool:
        actor = self.share_app.actor  # None while signing out: nothing is offered
        return actor is not None and allowed(actor.role, Permission.WORK_WITH_PEOPLE)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_list" and parameters == ("transfers",):
            return self.works_with_people
        return super().check_action(action, parameters)

    async def fetch(self) -> list[Any]:
        svc, actor = self.services, self.actor
        today = self.share_app.clock.today()
        orgs = await self.call(svc.register.orgs, actor)
        review = sum(1 for o in orgs if o.to_review)
        agreements = await self.call(svc.agreements.all, actor)
        due = await self.call(svc.agreements.due_for_review, actor, today)
        terms = await self.call(svc.calendar.terms, actor)
        items = [
            ("o", "register", "The recipient register", f"{len(orgs)} organisations"),
            ("w", "review", "To review", f"{review} to check or merge" if review else "none"),
            (
                "a",
                "agreements",
                "Data sharing agreements",
                f"{len(agreements)}, {len(due)} due for review",
            ),
            (
                "t",
                "terms",
                "School term dates",
                f"{len(terms)}, the last ends {terms[-1][1].last_day:%d %b %Y}"
                if terms
                else "None: every working day counts",
            ),
        ]
        if self.works_with_people:
            moves = await self.call(svc.receipts.transfer_list, actor, today)
            open_ = sum(1 for v in moves if v.state.value != "confirmed")
            items.append(("c", "transfers", "CP file transfers", f"{open_} not confirmed"))
        return items

    def row(self, item: Any) -> tuple[Any, ...]:
        key, _, what, stands = item
        return (key, what, lit(stands))

    def open(self, item: Any) -> None:
        self.action_open_list(item[1])

    def action_open_list(self, name: str) -> None:
        from sharetui.ui.screens.agreements import AgreementsScreen
        from sharetui.ui.screens.register import RegisterScreen
        from sharetui.ui.screens.terms import TermsScreen
        from sharetui.ui.screens.transfers import TransfersScreen

        screens: dict[str, Any] = {
            "register": lambda: RegisterScreen(),
            "review": lambda: RegisterScreen(review=True),
            "agreements": lambda: AgreementsScreen(),
            "terms": lambda: TermsScreen(),
            "transfers": lambda: TransfersScreen(),
        }
        if name == "transfers" and not self.works_with_people:
            return
        self.app.push_screen(screens[name]())
