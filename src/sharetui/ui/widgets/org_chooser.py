"""Choose one or several organisations of the register by typing part of a name.

Used where the people who keep the register choose its entries (the organisations an
agreement covers, the entry one is the same as). Supervisors and administrators both keep
the register, so it reads the register's list (services.register.orgs), not the decision
flow's search, which is for those who record decisions. The focus stays in the box: each
keystroke narrows the list, Up and Down move, Enter takes (or, for several, ticks and
unticks) the organisation highlighted. What is chosen is said under the list in words.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sharetui.domain.after_share import fold_name
from sharetui.domain.errors import ShareError
from sharetui.services.register_keeping import OrgView
from sharetui.ui.control_message import ControlMessage
from sharetui.ui.literal import lit, plain
from sharetui.ui.screens.base import ReportsWorkerFailures
from sharetui.ui.widgets.picker import arrows_through_matches

if TYPE_CHECKING:
    from sharetui.ui.app import ShareApp


class _Matches(OptionList, can_focus=False):
    """The organisations; the box keeps the focus and moves the highlight."""


class OrgChooser(ReportsWorkerFailures, Vertical):
    DEFAULT_CSS = """
    OrgChooser { height: auto; }
    OrgChooser > .chooser-list { height: auto; max-height: 6; }
    OrgChooser > .chooser-chosen { height: auto; }
    """

    @dataclass
    class Picked(ControlMessage["OrgChooser"]):
        """An organisation was chosen (or ticked or unticked)."""

        org_id: int

    def __init__(
        self,
        *,
        multiple: bool = False,
        chosen: tuple[int, ...] = (),
        exclude: tuple[int, ...] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.multiple = multiple
        self.chosen: list[int] = list(chosen)
        self.exclude = set(exclude)
        self.orgs: list[OrgView] = []
        self.shown: list[OrgView] = []

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Type part of the organisation's name",
            max_length=200,
            classes="chooser-input",
            id=f"{self.id}-filter" if self.id else None,
        )
        yield _Matches(classes="chooser-list")
        yield Static("", classes="chooser-chosen")

    @property
    def input(self) -> Input:
        return self.query_one(".chooser-input", Input)

    @property
    def values(self) -> list[int]:
        return list(self.chosen)

    @property
    def value(self) -> int | None:
        return self.chosen[0] if self.chosen else None

    def set_values(self, ids: list[int]) -> None:
        self.chosen = list(ids) if self.multiple else list(ids[:1])
        self._say()

    def focus(self, scroll_visible: bool = True) -> OrgChooser:
        self.input.focus(scroll_visible)
        return self

    def on_mount(self) -> None:
        self._load()

    @work(group="org-chooser", exit_on_error=False)
    async def _load(self) -> None:
        app: ShareApp = self.app  # type: ignore[assignment]  # Textual types .app as App[Any]; it is a ShareApp
        services, actor = app.services, app.actor
        if services is None or actor is None:
            return
        try:
            orgs = await asyncio.to_thread(services.register.orgs, actor)
        except ShareError as exc:
            self.query_one(".chooser-chosen", Static).update(lit(exc.message))
            return
        if self.is_attached:
            self.orgs = [o for o in orgs if o.id not in self.exclude]
            self._filter(self.input.value)

    @on(Input.Changed, ".chooser-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter(event.value)

    def _filter(self, text: str) -> None:
        words = fold_name(text).split()
        self.shown = [o for o in self.orgs if all(w in fold_name(o.name) for w in words)]
        matches = self.query_one(".chooser-list", OptionList)
        matches.clear_options()
        matches.add_options([Option(self._line(o), id=f"o{o.id}") for o in self.shown])
        if self.shown:
            matches.highlighted = 0
        self._say()

    def _line(self, org: OrgView) -> Text:
        mark = ("[x] " if org.id in self.chosen else "[ ] ") if self.multiple else ""
        text = Text(mark)
        text.append(plain(org.name, 60), style="bold")
        text.append(f"  {org.kind.label}", style="dim")
        return text

    def _say(self) -> None:
        names = {o.id: o.name for o in self.orgs}
        chosen = [plain(names.get(i, f"entry {i}"), 60) for i in self.chosen]
        if not self.orgs and not chosen:
            words = "The register is empty: add the organisation first."
        elif chosen:
            words = "Chosen: " + "; ".join(chosen)
        elif not self.shown:
            words = "No organisation in the register has that name."
        else:
            words = "Up/Down, then Enter " + (
                "ticks or unticks it." if self.multiple else "takes it."
            )
        self.query_one(".chooser-chosen", Static).update(lit(words))

    def on_key(self, event: events.Key) -> None:
        arrows_through_matches(event, self.input, self.query_one(".chooser-list", OptionList))

    @on(Input.Submitted, ".chooser-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.query_one(".chooser-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.shown):
            return
        org_id = self.shown[index].id
        if not self.multiple:
            self.chosen = [org_id]
        elif org_id in self.chosen:
            self.chosen.remove(org_id)
        else:
            self.chosen.append(org_id)
        matches = self.query_one(".chooser-list", OptionList)
        matches.replace_option_prompt_at_index(index, self._line(self.shown[index]))
        self._say()
        self.post_message(self.Picked(self, org_id))
