"""What every screen shares: an action allow-list, access to the services, drafts, F1 help."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, work
from textual._styles_cache import StylesCache
from textual.await_complete import AwaitComplete
from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from sharetui.services.drafts import DraftView
    from sharetui.services.facade import Services
    from sharetui.services.unit_of_work import Actor
    from sharetui.ui.app import ShareApp

T = TypeVar("T")

# Actions of Textual's own that a kiosk screen keeps: moving focus, dismissing.
FAILED_TITLE = "That did not work"

# The screen whose dismiss() is under way. App.pop_screen is not told which screen asks to
# close, and under the lock that decides which stack it closes (see ui/locking.py).
DISMISSING: ContextVar[object | None] = ContextVar("dismissing", default=None)

BASE_ACTIONS = frozenset({"focus_next", "focus_previous", "dismiss", "scroll_up", "scroll_down"})


def own_actions(obj: object) -> frozenset[str]:
    """Actions defined by sharetui classes: the only ones a key, click or markup may run.
    Worked out once per class: every binding and the key bar ask about each of a screen's
    actions whenever the screen changes."""
    kind = type(obj)
    found = _OWN_ACTIONS.get(kind)
    if found is None:
        names: set[str] = set()
        for cls in kind.__mro__:
            if cls.__module__.startswith("sharetui."):
                names.update(
                    n.removeprefix("action_") for n in vars(cls) if n.startswith("action_")
                )
        found = _OWN_ACTIONS[kind] = frozenset(names)
    return found


_OWN_ACTIONS: dict[type, frozenset[str]] = {}


@dataclass(frozen=True)
class DraftSnapshot:
    """An unfinished form, as a screen hands it over to be saved when the user switches."""

    kind: str
    payload: dict[str, Any]
    page: str = ""
    title: str = ""
    draft_id: int | None = None

    def save(self, services: Services, actor: Actor) -> DraftView:
        """Saved as the actor's draft, over `draft_id` when it has one. Blocking: the app
        runs it on a thread, except when it is stopping after a crash."""
        return services.drafts.save(
            actor,
            kind=self.kind,
            payload=self.payload,
            page=self.page,
            title=self.title,
            draft_id=self.draft_id,
        )


class SessionEnded(RuntimeError):
    """Work that needs the signed-in user ran after they signed out or switched (a screen
    reloading as it was being cleared away). Not a fault to show the next person."""


class ReportsWorkerFailures:
    """A failed worker becomes words on screen. Textual sends a worker's state only to the
    node that started it (the message does not bubble), so the app never hears of a screen's
    or a widget's failed worker: without this it vanished, and a save looked as if nothing
    happened. What was typed stays where it was."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        if isinstance(event.worker.error, SessionEnded):
            return  # its user signed out or switched meanwhile: nobody is waiting for it
        self.worker_failed(event.worker.error)

    def worker_failed(self, error: BaseException | None) -> None:
        """Say it in a message above this screen (the app's say_failed: its dialog is itself
        a screen on this base); a screen with a place of its own for errors (a field's
        message, the lock's line) overrides this."""
        self.app.say_failed(error)  # type: ignore[attr-defined]  # a mixin: the widget it joins has .app


class KioskMixin(ReportsWorkerFailures):
    """Shared by full screens and modals."""

    FIELD_HELP: dict[str, str] = {}
    # Worker groups that load what the screen needs before it can take input: keys typed
    # while one of them runs wait for it (ui/typeahead.py), then reach the screen in order.
    TYPEAHEAD_WAIT_GROUPS: frozenset[str] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Every screen's check_action answers "no" once the session has ended, instead of
        raising: the footer and the keys still ask a screen about its keys while sign-out
        clears it away, and a check that reads the actor (may this user amend?) then found
        nobody and stopped the app (found by the full random-keys run)."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("check_action")
        if own is None or getattr(own, "_session_safe", False):
            return

        @functools.wraps(own)
        def check_action(self: Any, action: str, parameters: tuple[object, ...]) -> bool | None:
            try:
                return own(self, action, parameters)
            except SessionEnded:
                return False

        check_action._session_safe = True  # type: ignore[attr-defined]  # a mark on a function object
        cls.check_action = check_action  # type: ignore[method-assign]  # wrapped on purpose, per class

    def typeahead_ready(self, event: events.Key | events.Paste) -> bool:
        """Whether a key typed ahead may reach this screen now (False: it waits its turn)."""
        from sharetui.ui.typeahead import loading

        return not loading(self, self.TYPEAHEAD_WAIT_GROUPS)  # type: ignore[arg-type]  # a mixin: self is a Screen at run time

    KEY_LABELS: dict[str, str] = {}  # an app key's words on this screen ("ctrl+q": "Quit")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's keys, with this screen's words for app keys that do something else
        here (Ctrl+Q quits before anyone signs in, and signs out after)."""
        bindings: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]  # a mixin: Screen supplies it after us in the MRO
        for key, label in self.KEY_LABELS.items():
            if key in bindings:
                active = bindings[key]
                bindings[key] = active._replace(binding=replace(active.binding, description=label))
        return bindings

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action in BASE_ACTIONS or action in own_actions(self)

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Textual's dismiss, noting which screen asked (see DISMISSING)."""
        token = DISMISSING.set(self)
        try:
            return super().dismiss(result)  # type: ignore[misc]  # a mixin: Screen comes later
        finally:
            DISMISSING.reset(token)

    @property
    def share_app(self) -> ShareApp:
        return self.app  # type: ignore[attr-defined]  # a mixin: Textual's .app, typed App[Any], is a ShareApp

    @property
    def services(self) -> Services:
        services = self.share_app.services
        assert services is not None, "services not ready"
        return services

    @property
    def actor(self) -> Actor:
        actor = self.share_app.actor
        if actor is None:
            raise SessionEnded("nobody is signed in")
        return actor

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a service call in a thread so the screen stays responsive."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    def draft_snapshot(self) -> DraftSnapshot | None:
        """Unfinished work to keep when the user switches or signs out. None: nothing."""
        return None

    def help_for(self, widget_id: str | None) -> str | None:
        from sharetui.ui.guidance import FIELD_HELP

        if not widget_id:
            return None
        return self.FIELD_HELP.get(widget_id) or FIELD_HELP.get(widget_id)


class KioskScreen(KioskMixin, Screen[Any]):
    """Base of every full screen."""

    def on_unmount(self) -> None:
        """Let go of the closed widgets that still watch the app. Textual's Header watches
        the app's title and sub-title, and Textual drops a closed widget's watcher only when
        that value next changes; the app's never do, so every screen closed kept its header
        (and its painted lines) for the rest of the session: memory that grew all day at the
        desk, and more for each garbage collection to walk while a record opened."""
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self.app, "__watchers", {})
        for watching in watchers.values():
            watching[:] = [(node, call) for node, call in watching if not node._closing]
        # Textual memoises a colour sum per widget's style cache (1,024 of them), and so
        # keeps the last 1,024 closed widgets' painted lines too: a colour sum is cheap to
        # work out again.
        getattr(StylesCache.get_inner_outer, "cache_clear", lambda: None)()


class LoadingScreen(KioskScreen):
    """A screen that fetches what it shows after it opens. `loaded` is set once the first
    load is on screen (after the repaint), so tests and snapshots wait for the screen's own
    signal instead of guessing how long a load takes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loaded = asyncio.Event()

    async def load_and_show(self, fetch: Awaitable[T], show: Callable[[T], object]) -> None:
        """The list screens' load: fetch, show it if the screen is still there, and settle
        the screen either way (shown, or failed and said so by the worker's handler)."""
        try:
            found = await fetch
            if self.is_attached:
                show(found)
        finally:
            if self.is_attached:
                self.mark_loaded()

    def mark_loaded(self) -> None:
        """The first load is shown: set `loaded` once the screen has repainted with it."""
        if not self.loaded.is_set():
            self.call_after_refresh(self._loaded_once_laid_out)

    def _loaded_once_laid_out(self, rounds: int = 0) -> None:
        """A table measures its new rows and columns later, when its own queue is idle; until
        then it paints the new rows in the old column widths. `loaded` waits for that and for
        the repaint after it, or a snapshot taken on a busy machine catches the table half
        laid out. Only tables on view count (a hidden one is measured when it is shown), and
        the wait is bounded: a signal for tests and snapshots must never hang a screen."""
        from sharetui.ui.widgets.table import Table  # here: the sign-in screen has no table

        waiting = [t for t in self.query(Table) if t.display and t.is_on_screen and not t.laid_out]
        if waiting and rounds < 50:
            self.set_timer(0.02, lambda: self._loaded_once_laid_out(rounds + 1))
        elif rounds:
            self.refresh()
            self.call_after_refresh(self.loaded.set)
        else:
            self.loaded.set()


class KioskModal(KioskMixin, ModalScreen[T]):
    """Base of every dialog."""


class SerialLoadMixin:
    """One load at a time: asked for again meanwhile, it loads once more when the current one
    ends, so a timed refresh never cancels a page or filter change typed quickly. The screen
    supplies _fetch_and_show()."""

    _loader: Worker[None] | None = None
    _again: bool = False
    _first_load_done: bool = False

    def action_reload(self) -> None:
        if self._loader is not None and not self._loader.is_finished:
            self._again = True
            return
        self._again = False
        self._loader = self._load()

    def _loaded(self) -> None:
        if self._again and self.is_attached:  # type: ignore[attr-defined]  # a mixin for screens: Textual's is_attached
            self.action_reload()

    @work(group="serial-load", exit_on_error=False)
    async def _load(self) -> None:
        try:
            await self._fetch_and_show()
        finally:
            self._first_load_done = True
            self.call_later(self._loaded)  # type: ignore[attr-defined]  # a mixin for screens: Textual's call_later

    def typeahead_ready(self, event: events.Key | events.Paste) -> bool:
        """Keys typed while the screen first loads wait for its rows; a timed refresh of a
        screen already shown does not hold them up."""
        return self._first_load_done

    async def _fetch_and_show(self) -> None:
        raise NotImplementedError
