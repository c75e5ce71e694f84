"""A signed-in person's own account, on both databases: a passphrase changed after the current
one, and a second factor set up by a practitioner whose role does not require one. A wrong
current passphrase counts like a failed sign-in."""

from __future__ import annotations

import pyotp
import pytest

from sharetui.domain.errors import SignInFailed, ValidationFailed
from sharetui.services.own_account import WRONG_PASSPHRASE
from sharetui.services.signin import FREE_FAILURES
from tests.conftest import PASSPHRASE
from tests.services.helpers import audit_actions, last_audit_id

NEW = "quiet harbour lantern"


def test_a_passphrase_is_changed_only_after_the_current_one(svc, actors):
    pat = actors.pat
    with pytest.raises(ValidationFailed) as wrong:
        svc.users.change_own_passphrase(pat, "not my passphrase", NEW, NEW)
    assert wrong.value.field_errors == {"current": WRONG_PASSPHRASE}
    with pytest.raises(ValidationFailed) as short:
        svc.users.change_own_passphrase(pat, PASSPHRASE, "short", "short")
    assert "passphrase" in short.value.field_errors
    with pytest.raises(ValidationFailed) as again:
        svc.users.change_own_passphrase(pat, PASSPHRASE, NEW, NEW + "x")
    assert again.value.field_errors == {"confirm": "Type the same passphrase again"}
    before = last_audit_id(svc)
    svc.users.change_own_passphrase(pat, PASSPHRASE, NEW, NEW)
    assert audit_actions(svc, before) == [("user.change_passphrase", "user", str(pat.user_id))]
    assert svc.users.sign_in("pat", NEW, "t").username == "pat"
    with pytest.raises(SignInFailed):
        svc.users.sign_in("pat", PASSPHRASE, "t")


def test_wrong_current_passphrases_slow_the_next_try_like_sign_in(svc, actors):
    for _ in range(FREE_FAILURES + 1):
        with pytest.raises(ValidationFailed):
            svc.users.change_own_passphrase(actors.pat, "a wrong guess here", NEW, NEW)
    with pytest.raises(ValidationFailed) as waiting:
        svc.users.change_own_passphrase(actors.pat, PASSPHRASE, NEW, NEW)  # even the right one
    assert "try again in 30 seconds" in waiting.value.field_errors["current"]
    failed = [a for a in audit_actions(svc) if a[0] == "account.passphrase_failed"]
    assert len(failed) == FREE_FAILURES + 1


def test_a_practitioner_sets_up_a_second_factor_of_their_own(svc, actors):
    pat = actors.pat
    mine = svc.users.own_account(pat)
    assert (mine.has_factor, mine.factor_required) == (False, False)
    with pytest.raises(ValidationFailed) as wrong:
        svc.users.start_own_enrolment(pat, "not my passphrase")
    assert wrong.value.field_errors == {"current": WRONG_PASSPHRASE}
    started = svc.users.start_own_enrolment(pat, PASSPHRASE)
    secret = pyotp.parse_uri(started.enrolment.uri).secret
    with pytest.raises(ValidationFailed) as bad:
        svc.users.finish_own_enrolment(pat, started.ticket, "000000")
    assert "does not match" in bad.value.field_errors["code"]
    before = last_audit_id(svc)
    codes = svc.users.finish_own_enrolment(pat, started.ticket, pyotp.TOTP(secret).now())
    assert len(codes) == 8
    assert audit_actions(svc, before) == [("user.factor_enrol", "user", str(pat.user_id))]
    mine = svc.users.own_account(pat)
    assert (mine.has_factor, mine.recovery_codes_left) == (True, 8)
    # from now on signing in asks for the code
    assert svc.users.begin("pat", PASSPHRASE, "t").needs == "code"
    with pytest.raises(ValidationFailed) as twice:
        svc.users.start_own_enrolment(pat, PASSPHRASE)
    assert "already set up" in twice.value.field_errors["current"]


def test_an_enrolment_ticket_is_only_its_owners(svc, actors):
    started = svc.users.start_own_enrolment(actors.pat, PASSPHRASE)
    secret = pyotp.parse_uri(started.enrolment.uri).secret
    with pytest.raises(SignInFailed):
        svc.users.finish_own_enrolment(actors.pip, started.ticket, pyotp.TOTP(secret).now())
    assert not svc.users.own_account(actors.pip).has_factor
