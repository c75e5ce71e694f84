"""Accounts and sign-in on both databases. Each passphrase check costs real argon2 time, so
the tests sign in only as often as the behaviour needs."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from sharetui.domain.enums import AdviceRole, Role
from sharetui.domain.errors import NotFound, SignInFailed, ValidationFailed
from sharetui.services.facade import Services
from sharetui.services.signin import CODE_NEEDED, DISABLED, FIRST_WAIT, WRONG_CODE, WRONG_PAIR
from sharetui.store.models import AuditEvent, SignInThrottle
from sharetui.store.types import replayed_clock, utcnow
from tests.conftest import PASSPHRASE, TOTP_SECRET, sign_in_as, totp_code
from tests.services.helpers import audit_actions, last_audit_id

NEW = "another long passphrase"


def test_sign_in_returns_the_actor_and_is_audited(svc):
    before = last_audit_id(svc)
    actor = svc.users.sign_in("  SAM ", PASSPHRASE, "desk-3", code=totp_code(svc, "sam"))
    assert (actor.username, actor.display_name, actor.role, actor.terminal) == (
        "sam",
        "Sam Supervisor",
        "supervisor",
        "desk-3",
    )
    assert actor.advice_roles == ("dsl", "caldicott")
    assert audit_actions(svc, before) == [("signin.ok", "user", str(actor.user_id))]


def test_a_supervisor_cannot_finish_signing_in_without_a_valid_code(svc):
    step = svc.users.begin("sam", PASSPHRASE, "t")
    assert (step.needs, step.actor) == ("code", None)
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("sam", PASSPHRASE, "t")
    assert err.value.message == CODE_NEEDED
    with pytest.raises(SignInFailed) as err:
        svc.users.give_code(step.ticket, "000000")
    assert err.value.message == WRONG_CODE
    code = totp_code(svc, "sam")
    assert svc.users.give_code(step.ticket, code).actor is not None
    with pytest.raises(SignInFailed) as err:  # the same code again, within its window
        svc.users.sign_in("sam", PASSPHRASE, "t", code=code)
    assert err.value.message == WRONG_CODE
    with pytest.raises(SignInFailed):  # a used ticket is gone
        svc.users.give_code(step.ticket, totp_code(svc, "sam"))


def test_wrong_pair_message_is_the_same_for_unknown_user_and_wrong_passphrase(svc):
    with pytest.raises(SignInFailed) as unknown:
        svc.users.sign_in("my secret passphrase typed here", PASSPHRASE)
    with pytest.raises(SignInFailed) as wrong:
        svc.users.sign_in("pat", PASSPHRASE + "!")
    assert unknown.value.message == wrong.value.message == WRONG_PAIR
    assert [a[0] for a in audit_actions(svc, last_audit_id(svc) - 2)] == [
        "signin.failed",
        "signin.failed",
    ]
    # The name typed is stored nowhere as typed.
    with svc.store.engine.connect() as conn:
        events = conn.execute(select(AuditEvent.username, AuditEvent.summary)).all()
        throttled = conn.execute(select(SignInThrottle.name_hash)).scalars().all()
    assert not any("secret" in f"{u} {s}" for u, s in events)
    assert ("(unknown account)", "unknown account") in events
    assert not any("secret" in h for h in throttled) and len(throttled) == 2


def _fail(svc, username: str, terminal: str = "desk-1") -> str:
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in(username, "wrong passphrase!", terminal)
    return err.value.message


def test_failures_slow_the_next_try_at_that_terminal_with_growing_waits(svc, actors):
    assert [_fail(svc, "pat") for _ in range(4)] == [WRONG_PAIR] * 4
    fifth = _fail(svc, "pat")
    assert fifth.startswith(WRONG_PAIR + ". Too many failed attempts") and "30 seconds" in fifth
    start = utcnow()
    with pytest.raises(SignInFailed) as err:  # the right passphrase waits too, here
        svc.users.sign_in("pat", PASSPHRASE, "desk-1")
    assert "try again in" in err.value.message
    # Another terminal is not slowed: a stranger cannot keep a colleague out.
    assert svc.users.sign_in("pat", PASSPHRASE, "desk-2").username == "pat"
    # After the wait the next failure waits twice as long.
    with replayed_clock(lambda: start + timedelta(seconds=FIRST_WAIT + 1)):
        assert "60 seconds" in _fail(svc, "pat")
    # An administrator clears it at once.
    assert (
        svc.users.list(actors.ada)[
            [u.username for u in svc.users.list(None)].index("pat")
        ].slowed_at
        == 1
    )  # noqa: E501
    svc.users.unlock(actors.ada, "pat")
    assert svc.users.sign_in("pat", PASSPHRASE, "desk-1").username == "pat"
    assert "user.unlock" in [a[0] for a in audit_actions(svc)]


def test_successful_sign_in_clears_the_failures_at_that_terminal(svc):
    for _ in range(2):
        _fail(svc, "pip")
    assert _failures(svc) == [2]
    svc.users.sign_in("pip", PASSPHRASE, "desk-1")
    assert _failures(svc) == []


def _failures(svc) -> list[int]:
    with svc.store.engine.connect() as conn:
        return list(conn.execute(select(SignInThrottle.failures)).scalars())


def test_disabled_account(svc, actors):
    svc.users.set_active(actors.ada, "pip", False)
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("pip", PASSPHRASE)
    assert err.value.message == DISABLED
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("pip", "not the passphrase")
    assert err.value.message == WRONG_PAIR  # no hint about the account to a guesser
    svc.users.set_active(actors.ada, "pip", True)
    assert svc.users.sign_in("pip", PASSPHRASE).username == "pip"


@pytest.mark.parametrize(
    ("passphrase", "why"),
    [
        ("elevenchars", "at least 12 characters"),
        (" " * 12, "at least 12 characters"),
        ("aaaaaaaaaaaa", "repeats"),
        ("123456789012", "people use most"),
        ("abcdefghijklmnop", "sequence"),
        ("newbie newbie newbie", "your username or your name"),
        ("Person New Person", "your username or your name"),
    ],
)
def test_passphrase_policy_says_why(svc, actors, passphrase, why):
    with pytest.raises(ValidationFailed) as err:
        svc.users.create(actors.ada, "newbie", "New Person", "practitioner", [], passphrase)
    assert why in err.value.field_errors["passphrase"]
    assert "three or more random words" in err.value.field_errors["passphrase"]


def test_set_passphrase_replaces_the_old_one(svc, actors):
    svc.users.set_passphrase(actors.ada, "pip", NEW)
    with pytest.raises(SignInFailed):
        svc.users.sign_in("pip", PASSPHRASE)
    assert svc.users.sign_in("pip", NEW).username == "pip"
    with pytest.raises(NotFound):
        svc.users.set_passphrase(actors.ada, "ghost", NEW)
    with pytest.raises(ValidationFailed) as err:
        svc.users.set_passphrase(actors.ada, "pip", "pip pip pip pip")
    assert set(err.value.field_errors) == {"passphrase"}


def test_a_reset_passphrase_is_for_one_sign_in(svc, actors):
    given = svc.users.reset_passphrase(actors.ada, "pip")
    assert given.user.must_change_passphrase and len(given.passphrase.split()) == 4
    step = svc.users.begin("pip", given.passphrase, "t")
    assert step.needs == "new_passphrase"
    with pytest.raises(SignInFailed, match="choose a new passphrase"):
        svc.users.sign_in("pip", given.passphrase, "t")
    with pytest.raises(ValidationFailed) as err:
        svc.users.choose_passphrase(step.ticket, given.passphrase, given.passphrase)
    assert err.value.field_errors == {
        "passphrase": "Choose a passphrase of your own, not the one you were given"
    }
    with pytest.raises(ValidationFailed) as err:
        svc.users.choose_passphrase(step.ticket, NEW, NEW + "x")
    assert set(err.value.field_errors) == {"confirm"}
    done = svc.users.choose_passphrase(step.ticket, NEW, NEW)
    assert done.actor is not None and done.actor.username == "pip"
    assert svc.users.sign_in("pip", NEW).username == "pip"


def test_a_new_account_from_the_app_has_a_one_time_passphrase_and_must_enrol(svc, actors):
    made = svc.users.create_with_one_time_passphrase(
        actors.ada, "jo", "Jo Lead", "supervisor", ["dsl"]
    )
    step = svc.users.begin("jo", made.passphrase, "t")
    assert step.needs == "new_passphrase"
    step = svc.users.choose_passphrase(step.ticket, NEW, NEW)
    assert step.needs == "enrol"  # a supervisor must set up a second factor
    enrolment = svc.users.start_enrolment(step.ticket)
    assert enrolment.uri.startswith("otpauth://totp/sharetui:jo?secret=" + enrolment.secret)
    with pytest.raises(ValidationFailed):
        svc.users.finish_enrolment(step.ticket, "123456")
    totp = pyotp.TOTP(enrolment.secret)
    done = svc.users.finish_enrolment(step.ticket, totp.now())
    assert done.actor is not None and len(done.recovery_codes) == 8
    # Next time the code is asked for; a recovery code works once.
    recovery = done.recovery_codes[0]
    assert svc.users.sign_in("jo", NEW, "t", code=recovery.upper()).username == "jo"
    with pytest.raises(SignInFailed):
        svc.users.sign_in("jo", NEW, "t", code=recovery)
    assert "user.factor_enrol" in [a[0] for a in audit_actions(svc)]


def test_an_administrator_resets_a_lost_second_factor(svc, actors):
    view = svc.users.reset_factor(actors.ada, "sam")
    assert not view.has_factor
    step = svc.users.begin("sam", PASSPHRASE, "t")
    assert step.needs == "enrol"
    with pytest.raises(ValidationFailed):
        svc.users.reset_factor(actors.ada, "sam")  # none to reset
    assert "user.reset_factor" in [a[0] for a in audit_actions(svc)]


def test_the_secret_is_sealed_under_the_site_key(tmp_path, svc):
    """With a site key the stored secret is AES-GCM sealed (the same on both engines: on
    SQLite the whole file is encrypted too) and still signs in."""
    from sharetui.services.unit_of_work import Store
    from sharetui.services.users import Users
    from sharetui.store.keys import create_key_file
    from sharetui.store.models import User

    key = create_key_file(tmp_path / "site.key")
    keyed = Users(Store(svc.store.engine, svc.store.settings.replace(key_file=str(key))))
    keyed.set_factor_secret(None, "sue", TOTP_SECRET)
    with svc.store.engine.connect() as conn:
        token = conn.execute(select(User.totp_secret).where(User.username == "sue")).scalar()
    assert token.startswith("aesgcm:") and TOTP_SECRET not in token
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert keyed.sign_in("sue", PASSPHRASE, "t", code=code).username == "sue"
    with pytest.raises(Exception, match="sealed with the site key"):
        svc.users.sign_in("sue", PASSPHRASE, "t", code=code)  # no key: it cannot be read


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


def test_unlocking_the_screen_checks_the_passphrase_and_the_account(svc, actors):
    svc.users.check_unlock(actors.pat, PASSPHRASE)
    with pytest.raises(SignInFailed, match="not right for this account"):
        svc.users.check_unlock(actors.pat, "wrong passphrase!")
    svc.users.set_active(actors.ada, "pat", False)
    with pytest.raises(SignInFailed) as err:
        svc.users.check_unlock(actors.pat, PASSPHRASE)
    assert err.value.message == DISABLED


def test_parallel_guesses_all_count(settings):
    """Five wrong attempts sent at once count as five: the next try at that terminal waits."""
    terminals = [Services.open(settings, migrate=False) for _ in range(5)]
    barrier = threading.Barrier(len(terminals))

    def guess(t: Services) -> None:
        barrier.wait()
        with contextlib.suppress(SignInFailed):
            t.users.sign_in("pat", "a wrong guess!!", "one-desk")

    threads = [threading.Thread(target=guess, args=(t,)) for t in terminals]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        assert _failures(terminals[0]) == [5]
        [pat] = [u for u in terminals[0].users.list(None) if u.username == "pat"]
        assert pat.slowed_at == 1
    finally:
        for t in terminals:
            t.close()


def test_the_last_active_administrator_cannot_be_disabled_or_demoted(svc, actors):
    with pytest.raises(ValidationFailed) as disabled:
        svc.users.set_active(actors.ada, "ada", False)
    assert "last active administrator" in disabled.value.field_errors["username"]
    with pytest.raises(ValidationFailed):
        svc.users.set_roles(actors.ada, "ada", "practitioner", [])
    assert [u.active for u in svc.users.list(actors.ada) if u.username == "ada"] == [True]
    svc.users.create(actors.ada, "ada2", "Second Admin", "admin", [], "another long passphrase")
    assert svc.users.set_active(actors.ada, "ada", False).active is False


def test_sign_in_as_helper_signs_in_every_seeded_account(svc):
    for name in ("pat", "sam", "ada"):
        assert sign_in_as(svc, name).username == name


def test_a_long_passphrase_is_judged_and_kept_whole(svc, actors):
    """The strength estimator refuses more than 72 characters; a long passphrase is judged on
    its start and stored whole: a weak start is refused with words, a strong one accepted."""
    with pytest.raises(ValidationFailed) as err:
        svc.users.create(actors.ada, "newbie", "New Person", "practitioner", [], "a" * 90)
    assert "repeats" in err.value.field_errors["passphrase"]
    long = "copper kettle marsh lantern violet harbour tractor pebble dune willow ferry"
    assert len(long) > 72
    svc.users.create(actors.ada, "newbie", "New Person", "practitioner", [], long)
    with pytest.raises(SignInFailed):
        svc.users.sign_in("newbie", long[:72])
    assert svc.users.sign_in("newbie", long).username == "newbie"
