"""Accounts and sign-in on both databases. Each passphrase check costs real argon2 time, so
the tests sign in only as often as the behaviour needs."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from sharetui.domain.enums import AdviceRole, Role
from sharetui.domain.errors import NotFound, SignInFailed, ValidationFailed
from sharetui.services.facade import Services
from sharetui.services.users import LOCKOUT, MAX_FAILURES, WRONG_PAIR
from sharetui.store.models import User
from sharetui.store.types import replayed_clock, utcnow
from tests.conftest import PASSPHRASE
from tests.services.helpers import audit_actions, last_audit_id

NEW = "another long passphrase"


def test_sign_in_returns_the_actor_and_is_audited(svc):
    before = last_audit_id(svc)
    actor = svc.users.sign_in("  SAM ", PASSPHRASE, "desk-3")
    assert (actor.username, actor.display_name, actor.role, actor.terminal) == (
        "sam",
        "Sam Supervisor",
        "supervisor",
        "desk-3",
    )
    assert actor.advice_roles == ("dsl", "caldicott")
    assert audit_actions(svc, before) == [("signin.ok", "user", str(actor.user_id))]


def test_wrong_pair_message_is_the_same_for_unknown_user_and_wrong_passphrase(svc):
    with pytest.raises(SignInFailed) as unknown:
        svc.users.sign_in("nobody", PASSPHRASE)
    with pytest.raises(SignInFailed) as wrong:
        svc.users.sign_in("pat", PASSPHRASE + "!")
    assert unknown.value.message == wrong.value.message == WRONG_PAIR
    assert [a[0] for a in audit_actions(svc, last_audit_id(svc) - 2)] == [
        "signin.failed",
        "signin.failed",
    ]


def test_fifth_failure_locks_for_15_minutes_even_against_the_right_passphrase(svc, settings):
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInFailed) as err:
            svc.users.sign_in("pat", "wrong passphrase!")
        assert err.value.message == WRONG_PAIR
    start = utcnow()
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("pat", "wrong passphrase!")
    [pat] = [u for u in svc.users.list(None) if u.username == "pat"]
    assert pat.locked_until is not None
    assert timedelta(minutes=14) < pat.locked_until - start <= LOCKOUT + timedelta(seconds=5)
    until = pat.locked_until.astimezone(settings.tz)
    assert err.value.message == (
        f"Too many failed attempts: this account is locked for 15 minutes, until {until:%H:%M}"
    )
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("pat", PASSPHRASE)  # the right passphrase does not help
    assert err.value.message == (
        f"This account is locked until {until:%H:%M} after too many failed attempts; "
        "try again then or ask an administrator"
    )
    assert "signin.locked" in [a[0] for a in audit_actions(svc)]
    # Fifteen minutes later the right passphrase works again.
    later = pat.locked_until + timedelta(seconds=1)
    with replayed_clock(lambda: later):
        assert svc.users.sign_in("pat", PASSPHRASE).username == "pat"


def test_successful_sign_in_resets_the_failure_count(svc):
    for _ in range(2):
        with pytest.raises(SignInFailed):
            svc.users.sign_in("pip", "wrong passphrase!")
    assert _failures(svc, "pip") == 2
    svc.users.sign_in("pip", PASSPHRASE)
    assert _failures(svc, "pip") == 0


def _failures(svc, username: str) -> int:
    t = User.__table__
    with svc.store.engine.connect() as conn:
        return conn.execute(select(t.c.failed_signins).where(t.c.username == username)).scalar_one()


def test_disabled_account(svc, actors):
    svc.users.set_active(actors.ada, "pip", False)
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("pip", PASSPHRASE)
    assert err.value.message == "This account is disabled; ask an administrator"
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("pip", "not the passphrase")
    assert err.value.message == WRONG_PAIR  # no hint about the account to a guesser
    svc.users.set_active(actors.ada, "pip", True)
    assert svc.users.sign_in("pip", PASSPHRASE).username == "pip"


def test_passphrase_minimum(svc, actors):
    with pytest.raises(ValidationFailed) as err:
        svc.users.create(actors.ada, "newbie", "New Person", "practitioner", [], "elevenchars")
    assert err.value.field_errors == {"passphrase": "Enter a passphrase of at least 12 characters"}
    with pytest.raises(ValidationFailed) as err:
        svc.users.set_passphrase(actors.ada, "pat", "short")
    assert set(err.value.field_errors) == {"passphrase"}


def test_set_passphrase_replaces_the_old_one(svc, actors):
    svc.users.set_passphrase(actors.ada, "pip", NEW)
    with pytest.raises(SignInFailed):
        svc.users.sign_in("pip", PASSPHRASE)
    assert svc.users.sign_in("pip", NEW).username == "pip"
    with pytest.raises(NotFound):
        svc.users.set_passphrase(actors.ada, "ghost", NEW)


def test_set_roles(svc, actors):
    view = svc.users.set_roles(actors.ada, "pip", "supervisor", ["caldicott", "dsl", "dsl"])
    assert view.role is Role.SUPERVISOR
    assert view.advice_roles == (AdviceRole.CALDICOTT, AdviceRole.DSL)
    with pytest.raises(ValidationFailed) as err:
        svc.users.set_roles(actors.ada, "pip", "supervisor", [])
    assert err.value.field_errors == {
        "advice_roles": "Choose at least one advice role for a supervisor"
    }
    with pytest.raises(ValidationFailed) as err:
        svc.users.set_roles(actors.ada, "pip", "practitioner", ["dsl"])
    assert err.value.field_errors == {"advice_roles": "Only supervisors answer advice requests"}
    with pytest.raises(ValidationFailed) as err:
        svc.users.set_roles(actors.ada, "pip", "wizard", [])
    assert set(err.value.field_errors) == {"role"}
    back = svc.users.set_roles(actors.ada, "pip", "practitioner", [])
    assert (back.role, back.advice_roles) == (Role.PRACTITIONER, ())


def test_create_user_checks_and_cleans(svc, actors):
    view = svc.users.create(
        actors.ada, " New.Person ", "New\x1b[1m Person\u202e", "Supervisor", ["DSL"], NEW
    )
    assert (view.username, view.display_name, view.role, view.advice_roles) == (
        "new.person",
        "New[1m Person",
        Role.SUPERVISOR,
        (AdviceRole.DSL,),
    )
    with pytest.raises(ValidationFailed) as err:
        svc.users.create(actors.ada, "NEW.PERSON", "Twin", "practitioner", [], NEW)
    assert err.value.field_errors == {"username": "The username new.person is taken"}
    with pytest.raises(ValidationFailed) as err:
        svc.users.create(actors.ada, "bad name!", "", "nobody", ["oracle"], NEW)
    assert set(err.value.field_errors) == {"username", "display_name", "role", "advice_roles"}


def test_first_admin_only_on_an_empty_database(svc):
    with pytest.raises(ValidationFailed) as err:
        svc.users.create_first_admin("root", "Root", NEW)
    assert err.value.field_errors == {"username": "An administrator already exists; sign in"}


def test_verify_passphrase_for_unlocking(svc, actors):
    assert svc.users.verify_passphrase(actors.pat, PASSPHRASE) is True
    assert svc.users.verify_passphrase(actors.pat, "wrong passphrase!") is False


def test_parallel_guesses_still_lock_the_account(settings):
    """Five wrong attempts sent at once from five terminals count as five."""
    terminals = [Services.open(settings, migrate=False) for _ in range(MAX_FAILURES)]
    barrier = threading.Barrier(len(terminals))

    def guess(t: Services) -> None:
        barrier.wait()
        with contextlib.suppress(SignInFailed):
            t.users.sign_in("pat", "a wrong guess!!")

    threads = [threading.Thread(target=guess, args=(t,)) for t in terminals]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        [pat] = [u for u in terminals[0].users.list(None) if u.username == "pat"]
        assert pat.locked_until is not None
    finally:
        for t in terminals:
            t.close()


def test_the_last_active_administrator_cannot_be_disabled_or_demoted(svc, actors):
    import pytest

    from sharetui.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as disabled:
        svc.users.set_active(actors.ada, "ada", False)
    assert "last active administrator" in disabled.value.field_errors["username"]
    with pytest.raises(ValidationFailed):
        svc.users.set_roles(actors.ada, "ada", "practitioner", [])
    assert [u.active for u in svc.users.list(actors.ada) if u.username == "ada"] == [True]
    svc.users.create(actors.ada, "ada2", "Second Admin", "admin", [], "another long passphrase")
    assert svc.users.set_active(actors.ada, "ada", False).active is False
