"""Every screen works on a site copied to PostgreSQL by `sharetui db copy`: the demo site
(made through the services) is copied, and the app, on the copy, is taken through home, person
search, a person's record and its tabs, a decision, the decision flow, the advice queue and an
item, reports, what is kept after the share (the register, its review list, agreements, term
dates, transfers), and the administrator's home, with no error shown on the way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from textual import events

from sharetui.config import Settings
from sharetui.store.engine import make_engine
from sharetui.store.models import SharingDecision
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.screens.home import HomeScreen
from tests.cli.conftest import (  # noqa: F401 - fixture
    DEMO_PASSPHRASES,
    demo_db,
    run_cli,
    site_key_file,
)
from tests.fresh_pg import fresh_pg_database
from tests.ui.conftest import give_code, settle


@pytest.fixture
def pg_copy(demo_db, pg_template: str) -> Iterator[str]:  # type: ignore[no-untyped-def]  # noqa: F811
    with fresh_pg_database("screens") as url:
        ran = run_cli("db", "copy", "--from", str(demo_db.path), "--to", url)
        assert ran.code == 0, ran.err
        yield url


async def test_every_screen_works_on_the_copy(pg_copy: str) -> None:
    engine = make_engine(pg_copy, pool=False)
    with engine.connect() as conn:
        decision = conn.execute(select(func.max(SharingDecision.id))).scalar_one()
        subject = conn.execute(
            select(SharingDecision.subject_id).where(SharingDecision.id == decision)
        ).scalar_one()
    engine.dispose()
    app = ShareApp(  # the site key of the encrypted demo keys the copied audit trail
        Settings(
            database_url=pg_copy,
            terminal="copy-ui",
            idle_lock_seconds=3600,
            key_file=str(site_key_file()),
        )
    )
    seen: list[str] = []

    async with app.run_test(size=(110, 36)) as pilot:

        async def step(*keys: str) -> None:
            """Press each key (or none), let the screen load, and check it shows no error."""
            for key in keys or (None,):
                if key is not None:
                    await pilot.press(key)
                await settle(pilot)
                assert not isinstance(app.screen, MessageDialog), (seen, key)
                seen.append(type(app.screen).__name__)

        async def home() -> None:
            for _ in range(8):
                if isinstance(app.screen, HomeScreen):
                    return
                await step("escape")
            raise AssertionError(f"could not get home from {type(app.screen).__name__}")

        await settle(pilot)
        await app.sign_in("sam", DEMO_PASSPHRASES["sam"])
        await step()
        await give_code(pilot, "sam")
        assert isinstance(app.screen, HomeScreen)
        await step("f")
        app.screen.query_one("#search").value = "a"  # type: ignore[attr-defined]
        await step("pagedown")
        await home()
        app.open_person(subject)
        await step("pagedown", "c", "p", "d", "v", "t")
        await home()
        app.open_decision(decision)
        await step()
        await home()
        await step("n", "n", "enter")  # decision flow: not urgent, on to who
        app.post_message(events.Paste("a"))
        await step("enter")
        await home()
        await step("a", "pagedown", "enter")  # advice queue, then an item
        await home()
        await step("r")  # reports
        await home()
        await step("k", "o", "enter")  # the register, an organisation's contacts
        await home()
        await step("k", "w", "escape", "a", "escape", "t", "escape", "c", "i")
        await home()
        await app.switch_user()
        await app.sign_in("alex", DEMO_PASSPHRASES["alex"])
        await step()
        await give_code(pilot, "alex")
        assert isinstance(app.screen, HomeScreen)
    for screen in (
        "PersonSearchScreen",
        "PersonScreen",
        "DecisionScreen",
        "DecisionFlowScreen",
        "AdviceQueueScreen",
        "AdviceItemScreen",
        "ReportsScreen",
        "KeepingScreen",
        "RegisterScreen",
        "OrgScreen",
        "AgreementsScreen",
        "TermsScreen",
        "TransfersScreen",
    ):
        assert screen in seen, (screen, seen)
