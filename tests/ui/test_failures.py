"""Every failure is said, in words, where it happened, and what was typed stays: real faults
(a closed port, a trigger that refuses, a unique index, SQLite's own full and read-only
errors) rather than mocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from textual.widgets import Input, Static

from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Store
from sharetui.store.engine import make_engine
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.add_person import AddPersonDialog
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.screens.home import HomeScreen
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.search import PersonSearchScreen
from sharetui.ui.screens.signin import SignInScreen
from tests.ui.conftest import PASSPHRASE, settle, sign_in
from tests.ui.screen import screen_text

CLOSED_PORT = "postgresql://nobody@127.0.0.1:1/nothing"
UNREACHABLE = (
    "The database cannot be reached: nothing was saved, your answers are still here. "
    "Try again in a moment, or tell your administrator"
)


def _on_every_connection(services: Services, pragma: str) -> None:
    """From now on every connection runs the pragma, and SQLite fails by itself with its
    own error code (the tests run as root, which a chmod would not stop)."""

    @event.listens_for(services.store.engine, "connect")
    def _set(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(pragma)

    services.store.engine.dispose()


def _fill_until_full(services: Services) -> None:
    """Take up the last free pages with one-character rows, as a busy day would."""
    from sharetui.domain.errors import StoreUnavailable
    from sharetui.domain.person import PersonInput

    pat = services.users.sign_in("pat", PASSPHRASE, "t")
    for n in range(5000):
        try:
            services.people.create(
                pat, PersonInput("F", "F", reference=f"fill{n}"), confirm_not_duplicate=True
            )
        except StoreUnavailable:
            return
    raise AssertionError("the database never filled up")


def _toasts(app: ShareApp) -> str:
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def _add_person_dialog(pilot: Any) -> AddPersonDialog:
    await sign_in(pilot, "pat")
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PersonSearchScreen)
    await pilot.press(*"Quist Ada")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, AddPersonDialog)
    for name, value in (
        ("family_name", "Quist"),
        ("given_names", "Ada"),
        ("date_of_birth", "4/3/2016"),
    ):
        dialog.query_one(f"#{name}", Input).value = value
    return dialog


def _typed(dialog: AddPersonDialog) -> tuple[str, str, str]:
    return tuple(  # type: ignore[return-value]
        dialog.query_one(f"#{name}", Input).value
        for name in ("family_name", "given_names", "date_of_birth")
    )


async def test_unlock_while_the_database_refuses_connections(
    make_app: Callable[..., ShareApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        await pilot.press("f", *"mcgregor")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        working = app.services
        app.services = Services(Store(make_engine(CLOSED_PORT)))  # the server goes away
        app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert str(app.screen.query_one("#unlock-error", Static).render()) == UNREACHABLE
        app.services.close()
        app.services = working  # it is back: unlocking works and the search is as it was
        app.screen.query_one("#unlock-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonSearchScreen)
        assert app.screen.query_one("#search", Input).value == "mcgregor"


async def test_sign_in_when_the_audit_insert_fails(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    with ui_services.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER no_audit BEFORE INSERT ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        assert isinstance(app.screen, SignInScreen) and app.actor is None
        said = str(app.screen.query_one("#signin-error", Static).render())
        assert said.startswith("The database refused this change: nothing was saved")
        assert app.screen.query_one("#username", Input).value == "pat"


def _said_on(dialog: object) -> str:
    """The problem as the form's error summary shows it, at the top of the dialog."""
    from sharetui.ui.forms import ErrorSummary

    summary = dialog.query_one(ErrorSummary)  # type: ignore[attr-defined]
    assert summary.shown
    return " ".join(str(summary.render()).split())


async def test_add_person_clashing_with_a_unique_index(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    """An IntegrityError from the database: said on the dialog, the answers kept."""
    from sharetui.domain.person import PersonInput

    with ui_services.store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE UNIQUE INDEX one_family ON person (family_name)")
    pat = ui_services.users.sign_in("pat", PASSPHRASE, "t")
    ui_services.people.create(pat, PersonInput("Quist", "Bo"), confirm_not_duplicate=True)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await _add_person_dialog(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        if "Possible duplicate" in screen_text(pilot):
            await pilot.press("ctrl+n")  # a different person: save anyway
            await settle(pilot)
        assert app.screen is dialog
        assert "This clashes with a record saved meanwhile: nothing was saved" in _said_on(dialog)
        assert _typed(dialog) == ("Quist", "Ada", "4/3/2016")


async def test_add_person_on_a_full_disk(make_app: Callable[..., ShareApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await _add_person_dialog(pilot)
        assert app.services is not None
        with app.services.store.engine.connect() as conn:
            pages = conn.execute(text("PRAGMA page_count")).scalar_one()
        _on_every_connection(app.services, f"PRAGMA max_page_count = {pages + 2}")
        _fill_until_full(app.services)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "The disk that holds the database is full: nothing was saved" in _said_on(dialog)
        assert _typed(dialog) == ("Quist", "Ada", "4/3/2016")


async def test_add_person_on_a_read_only_database(make_app: Callable[..., ShareApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await _add_person_dialog(pilot)
        assert app.services is not None
        _on_every_connection(app.services, "PRAGMA query_only = ON")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "The database is read-only for this account: nothing was saved" in _said_on(dialog)
        assert _typed(dialog) == ("Quist", "Ada", "4/3/2016")


async def test_a_screen_worker_that_fails_is_said_on_that_screen(
    make_app: Callable[..., ShareApp],
) -> None:
    """A fault no screen expected, in a screen's own worker: Textual tells only that screen,
    so it used to vanish. The shared handler says it; the app keeps running."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "pat")
        home = app.screen
        assert isinstance(home, HomeScreen)

        async def broken() -> None:
            raise LookupError("not for the screen")

        home.run_worker(broken(), exit_on_error=False)
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        said = str(app.screen.query_one("#message-body", Static).render())
        assert said.startswith("Something went wrong (LookupError): nothing was saved, your")
        assert "not for the screen" not in said
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is home and app.is_running
