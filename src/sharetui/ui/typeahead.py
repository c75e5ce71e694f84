"""Type-ahead that is never lost: keys typed faster than the app can follow wait their turn.

Why this is needed (measured on Textual 8.2.8): ``App.on_event`` forwards every key to the
widget that has focus *when the key arrives*, before the keys ahead of it have done their work.
A burst such as ``f Ell`` on home therefore sends ``Ell`` to the home table, because ``f`` only
opens the search screen once it has bubbled up to the app's bindings; keys that arrive while a
pushed screen is still mounting go to a screen with nothing focused and vanish; keys that arrive
while a screen is loading what it shows (search matches, a person's record, a decision draft)
act on an empty screen. Desk staff, barcode scanners and password managers type that fast.

The gate: a key (or paste) is let through at once only when the app is *settled*: nothing is
held already, no app-level navigation worker is running, the current screen is mounted and says
it is ready for that key, and no message is waiting or being handled by the app or by any
widget of the current screen (the key before has finished bubbling, its bindings and the
messages they posted have run, a focus change has landed, no after-refresh callback is
pending). Text for the text box that has focus may follow the text before it without that
wait (see ``_more_text``), so a password manager's burst is not slowed down. Otherwise the
key is held, and a short-lived app worker replays held keys one at a
time, in order, each once the app has settled again, to whatever has focus then.

Screens say when they are ready through ``typeahead_ready(event)`` (see
``screens/base.py``): by default, not while one of their ``TYPEAHEAD_WAIT_GROUPS`` workers
(the loads a screen needs before it can take input) is running.

Keys bound to ``IMMEDIATE_ACTIONS`` (the lock) are never held: they act at once and the keys
held before them are dropped, so nothing typed for the screen below is replayed into the lock's
passphrase box or shown above the lock. Other priority keys (F1, Ctrl+Q) keep their place in
the line, so help opens for the field the keys before it reached. A screen that stays busy past
``GIVE_UP_SECONDS`` gets its keys anyway, so a hung load can never freeze the keyboard.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.screen import Screen
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump
    from textual.widget import Widget

GIVE_UP_SECONDS = 10.0  # a screen still busy after this gets its keys anyway
POLL_SECONDS = 0.005  # how often a wait on a worker or a repaint looks again
YIELDS_BEFORE_SLEEP = 20

HeldEvent = events.Key | events.Paste


def loading(node: DOMNode, groups: Iterable[str]) -> bool:
    """Whether one of node's workers in these groups is still pending or running."""
    wanted = frozenset(groups)
    if not wanted:
        return False
    return any(w.node is node and w.group in wanted and not w.is_finished for w in node.app.workers)


def _busy(pump: MessagePump, *, handling_now: bool = False) -> bool:
    """Whether a widget (or the app) still has work in hand: messages queued, callbacks due,
    not mounted yet, or a handler under way. Textual's queue keeps no count of the message
    being handled, but an idle pump is always parked waiting on its queue's ready event.
    handling_now: the caller is this pump's own handler, which is not counted."""
    if pump._closed or pump._closing:
        return False  # nothing more will happen there
    queue: Any = pump._message_queue  # Textual internals (its ready event), read defensively
    if queue.qsize() or pump._next_callbacks or not pump._is_mounted:
        return True
    if handling_now:
        return False
    return not getattr(queue.ready_event, "_waiters", True)


def _is_text(event: HeldEvent) -> bool:
    return isinstance(event, events.Paste) or event.is_printable


def _takes_text(widget: Widget | None) -> bool:
    """A text box that takes printable keys itself (and stops them there)."""
    if widget is None or widget.disabled:
        return False
    # Textual's TextArea module is not imported until a screen uses one (cold start): until
    # then no widget can be one.
    text_area = sys.modules.get("textual.widgets._text_area")
    if text_area is not None and isinstance(widget, text_area.TextArea):
        return not widget.read_only
    return isinstance(widget, Input)


class TypeAhead:
    """Holds keys while the app is not settled and replays them in order (see module doc)."""

    def __init__(
        self,
        app: App[Any],
        *,
        wait_groups: Iterable[str] = (),
        immediate_keys: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.wait_groups = frozenset(wait_groups)
        self.immediate_keys = frozenset(immediate_keys)
        self._held: deque[HeldEvent] = deque()
        self._released: dict[int, HeldEvent] = {}
        self._pumping = False
        # the text box the last key let through went to, when it was text (None otherwise):
        # only text behind text for the same box may skip the wait
        self._text_to: Widget | None = None

    @property
    def held(self) -> int:
        """How many keys are waiting their turn."""
        return len(self._held)

    # -- called by the app ----------------------------------------------------------------
    def take(self, event: events.Event) -> bool:
        """Called first in App.on_event. True: the gate keeps the event for later."""
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            return False
        if self._released.pop(id(event), None) is not None:
            return False  # its turn came: dispatch it as Textual would
        if isinstance(event, events.Key) and event.key in self.immediate_keys:
            self._text_to = None
            return False  # the lock acts at once (it drops what was held itself)
        if not self._held and self._settled(event, in_app_handler=True):
            self._note_sent(event)
            return False
        self._held.append(event)
        self._start_pump()
        return True

    def drop_held(self) -> None:
        """Forget the keys waiting (the terminal is being locked: they are not replayed)."""
        self._held.clear()

    # -- replaying ------------------------------------------------------------------------
    def _start_pump(self) -> None:
        if self._pumping:
            return
        self._pumping = True
        self.app.run_worker(self._pump(), group="typeahead", exit_on_error=False)

    async def _pump(self) -> None:
        try:
            while self._held:
                await self._wait_settled(self._held[0])
                if not self._held:
                    break  # dropped while waiting (the lock came up)
                batch = [self._held.popleft()]
                if _is_text(batch[0]) and _takes_text(self.app.focused):
                    # the rest of a run of text goes to the same box, in order, at once
                    while self._held and _is_text(self._held[0]):
                        batch.append(self._held.popleft())
                for event in batch:
                    self._released[id(event)] = event
                    self.app.post_message(event)
                self._note_sent(batch[-1])
                # the next key waits at the top of the loop until these have done their work
        finally:
            self._pumping = False

    def _note_sent(self, event: HeldEvent) -> None:
        focused = self.app.focused
        self._text_to = focused if _is_text(event) and _takes_text(focused) else None

    async def _wait_settled(self, event: HeldEvent) -> None:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        spins = 0
        while time.monotonic() < deadline and self._held:
            if self._settled(event, in_app_handler=False):
                return
            # a few bare yields let the widgets finish a key's messages; a longer wait is
            # for a worker (a database read) or a repaint, so look again a little later
            spins += 1
            await asyncio.sleep(0 if spins < YIELDS_BEFORE_SLEEP else POLL_SECONDS)

    # -- what "settled" means -------------------------------------------------------------
    def _settled(self, event: HeldEvent, *, in_app_handler: bool) -> bool:
        app = self.app
        if loading(app, self.wait_groups):
            return False
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - no screen yet: nothing could take the key
            return False
        if not screen.is_mounted or screen.id == "_default" or screen._callbacks:
            return False  # still mounting, Textual's placeholder, or a repaint is due
        ready = getattr(screen, "typeahead_ready", None)
        if callable(ready) and not ready(event):
            return False
        if self._busy_pump(in_app_handler=in_app_handler) is None:
            return True
        return self._more_text(event, screen, in_app_handler=in_app_handler)

    def _more_text(self, event: HeldEvent, screen: Screen[Any], *, in_app_handler: bool) -> bool:
        """Text for the text box that has focus may follow text sent to that same box at
        once: the box takes its keys in order and stops them, so a printable key there can
        neither trigger a binding nor move focus. No focus change may be on its way (the
        last key sent was text for this box; the app's queue and the screen's after-repaint
        callbacks are empty)."""
        if not _is_text(event):
            return False
        if _busy(self.app, handling_now=in_app_handler) or screen._callbacks:
            return False
        focused = self.app.focused
        if focused is None or focused is not self._text_to or focused.screen is not screen:
            return False  # a key before this one (Tab, Enter) may still move the focus
        return _takes_text(focused)

    def _busy_pump(self, *, in_app_handler: bool) -> MessagePump | None:
        """The first of the app and the current screen's widgets that still has work in hand
        (when called from the app's own handler, the event being handled is not counted)."""
        app = self.app
        if _busy(app, handling_now=in_app_handler):
            return app
        try:
            screen: Screen[Any] = app.screen
        except Exception:  # noqa: BLE001
            return None
        for node in screen.walk_children(with_self=True):
            if _busy(node):
                return node
        return None
