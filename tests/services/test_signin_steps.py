"""The sign-in steps in their order only, on both databases: a ticket is good for the step
it was given for and no other, so the passphrase alone never skips the second factor (by
setting up a new one over it) nor changes the passphrase without it."""

from __future__ import annotations

import pyotp
import pytest

from sharetui.domain.errors import SignInFailed
from tests.conftest import PASSPHRASE, totp_code
from tests.services.helpers import audit_actions, last_audit_id

NEW = "quiet harbour lantern"


def test_the_code_step_cannot_be_skipped_by_setting_up_a_new_factor(svc):
    """With sam's passphrase only: the code step's ticket used to take the enrolment steps,
    which made a new secret, kept it over sam's own and signed in, recovery codes and all."""
    step = svc.users.begin("sam", PASSPHRASE, "t")
    assert step.needs == "code"
    before = last_audit_id(svc)
    with pytest.raises(SignInFailed):
        svc.users.start_enrolment(step.ticket)
    with pytest.raises(SignInFailed):
        svc.users.finish_enrolment(step.ticket, "123456")
    assert audit_actions(svc, before) == []  # no factor set up, nobody signed in
    # sam's own authenticator still signs sam in
    assert svc.users.sign_in("sam", PASSPHRASE, "t", code=totp_code(svc, "sam")).username == "sam"


def test_the_passphrase_is_not_changed_before_the_code(svc):
    step = svc.users.begin("sam", PASSPHRASE, "t")
    with pytest.raises(SignInFailed):
        svc.users.choose_passphrase(step.ticket, NEW, NEW)
    with pytest.raises(SignInFailed):
        svc.users.sign_in("sam", NEW, "t", code=totp_code(svc, "sam"))
    assert svc.users.sign_in("sam", PASSPHRASE, "t", code=totp_code(svc, "sam")).username == "sam"


def test_a_sign_in_ticket_and_a_my_account_ticket_do_not_cross(svc, actors):
    """The enrolment of My account is not a sign-in step, and a sign-in's is not My account's."""
    started = svc.users.start_own_enrolment(actors.pat, PASSPHRASE)
    secret = pyotp.parse_uri(started.enrolment.uri).secret
    with pytest.raises(SignInFailed):
        svc.users.finish_enrolment(started.ticket, pyotp.TOTP(secret).now())
    svc.users.create_with_one_time_passphrase(
        None, "newsup", "New Supervisor", "supervisor", ["dsl"]
    )
    svc.users.set_passphrase(None, "newsup", NEW)  # must set up a factor at sign-in
    step = svc.users.begin("newsup", NEW, "t")
    assert step.needs == "enrol"
    enrolment = svc.users.start_enrolment(step.ticket)
    code = pyotp.TOTP(pyotp.parse_uri(enrolment.uri).secret).now()
    with pytest.raises(SignInFailed):
        svc.users.finish_own_enrolment(actors.pat, step.ticket, code)
    with pytest.raises(SignInFailed):  # a step taken out of turn ends that sign-in
        svc.users.give_code(step.ticket, code)
    with pytest.raises(SignInFailed):
        svc.users.finish_enrolment(step.ticket, code)
    # in turn, from the start, it works
    step = svc.users.begin("newsup", NEW, "t")
    enrolment = svc.users.start_enrolment(step.ticket)
    done = svc.users.finish_enrolment(
        step.ticket, pyotp.TOTP(pyotp.parse_uri(enrolment.uri).secret).now()
    )
    assert done.actor is not None and done.actor.username == "newsup"
