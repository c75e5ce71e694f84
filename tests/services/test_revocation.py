"""Revocation at once: every service call reads the acting account in its own transaction,
so a disabled or changed account's cached Actor does nothing more (both engines)."""

from __future__ import annotations

import pytest

from sharetui.domain.errors import AccountChanged, AccountRevoked
from sharetui.services.unit_of_work import CHANGED, REVOKED
from tests.services.helpers import last_audit_id
from tests.services.test_role_matrix import ACTIONS, Ctx


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_disabled_account_can_do_nothing_more(svc, actors, name):
    ctx = Ctx(svc, actors)
    _, call = ACTIONS[name]
    actor = actors.ada if name in _ADMIN_ACTIONS else actors.sam
    if actor is actors.ada:  # the last active administrator cannot be disabled
        svc.users.create(None, "ada2", "Second Admin", "admin", [], "lantern pebble violet")
    svc.users.set_active(None, actor.username, False)
    before = last_audit_id(svc)
    with pytest.raises(AccountRevoked) as err:
        call(ctx, actor)
    assert err.value.message == REVOKED
    assert last_audit_id(svc) == before  # nothing written, nothing read on the trail


_ADMIN_ACTIONS = {n for n, (perm, _) in ACTIONS.items() if perm.value == "administer"}


def test_a_demoted_supervisor_is_refused_at_once(svc, actors):
    ctx = Ctx(svc, actors)
    svc.users.set_roles(None, "sam", "practitioner", [])
    with pytest.raises(AccountChanged) as err:
        svc.advice.claim(actors.sam, ctx.advice.id)
    assert err.value.message == CHANGED
    with pytest.raises(AccountChanged):
        svc.advice.queue(actors.sam)


def test_removed_advice_roles_are_refused_at_once(svc, actors):
    svc.users.set_roles(None, "sam", "supervisor", ["dsl"])  # caldicott taken away
    with pytest.raises(AccountChanged):
        svc.advice.counts(actors.sam)


def test_the_app_check_reads_the_new_state(svc, actors):
    assert svc.users.state(actors.sam).actor == actors.sam
    svc.users.set_roles(None, "sam", "supervisor", ["dsl"])
    now = svc.users.state(actors.sam)
    assert now.active and now.actor is not None and now.actor.advice_roles == ("dsl",)
    svc.users.set_active(None, "sam", False)
    assert svc.users.state(actors.sam).actor is None


def test_a_disabled_account_still_keeps_its_own_typed_work_as_a_draft(svc, actors):
    svc.users.set_active(None, "pat", False)
    saved = svc.drafts.save(actors.pat, kind="decision", payload={"a": 1}, page="p", title="t")
    assert saved.id
    with pytest.raises(AccountRevoked):
        svc.drafts.mine(actors.pat)


def test_a_disabled_account_cannot_finish_setting_up_a_second_factor(svc, actors):
    """My account's enrolment started, then the account disabled: the first code used to
    store the factor anyway (the write read the account without asking if it was active)."""
    import pyotp
    from sqlmodel import Session, select

    from sharetui.domain.errors import SignInFailed
    from sharetui.store.models import User
    from tests.conftest import PASSPHRASE

    started = svc.users.start_own_enrolment(actors.pat, PASSPHRASE)
    svc.users.set_active(None, "pat", False)
    before = last_audit_id(svc)
    code = pyotp.TOTP(pyotp.parse_uri(started.enrolment.uri).secret).now()
    with pytest.raises((AccountRevoked, SignInFailed)):
        svc.users.finish_own_enrolment(actors.pat, started.ticket, code)
    with Session(svc.store.engine) as s:
        assert s.exec(select(User.totp_secret).where(User.username == "pat")).one() == ""
    assert last_audit_id(svc) == before


def test_a_disabled_account_cannot_choose_its_passphrase_half_way_through_signing_in(svc):
    made = svc.users.create_with_one_time_passphrase(None, "newp", "New Person", "practitioner", [])
    step = svc.users.begin("newp", made.passphrase, "t")
    assert step.needs == "new_passphrase"
    svc.users.set_active(None, "newp", False)
    before = last_audit_id(svc)
    from sharetui.domain.errors import SignInFailed
    from sharetui.services.signin import DISABLED

    with pytest.raises(SignInFailed) as err:
        svc.users.choose_passphrase(step.ticket, "quiet harbour lantern", "quiet harbour lantern")
    assert err.value.message == DISABLED
    assert last_audit_id(svc) == before  # no passphrase change on the trail
