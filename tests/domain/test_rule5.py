"""Rule 5 on every decision: what could happen to the child, and to others affected, if the
information is shared and if it is not. One test per outcome, the urgent path (asked when
the record is completed), and the records that were made before the question existed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sharetui.domain.decision import (
    DecisionInput,
    impact_deferred,
    impact_to_complete,
    same_words,
    validate_decision,
)
from sharetui.domain.enums import Outcome
from sharetui.domain.text import LONG_TEXT
from tests.domain.test_decision_rules import NOW, full_share

REASONS = "Already known to social care; nothing new to add"


def errors(d: DecisionInput, *, amendment: bool = False) -> dict[str, str]:
    return validate_decision(d, now=NOW, amendment=amendment)


def held_back(outcome: Outcome, **changes: object) -> DecisionInput:
    """A complete 'do not share' or 'share in part', without its rule 5 answers."""
    d = full_share(outcome=outcome, reasons=REASONS, impact_if_not_shared="")
    if outcome is Outcome.DO_NOT_SHARE:
        d = DecisionInput(subject_id=1, urgent=False, outcome=outcome, reasons=REASONS)
    return replace(d, **changes)


# -- share --------------------------------------------------------------------------------------
def test_share_needs_a_short_answer_either_way() -> None:
    bare = full_share(impact_if_not_shared="", impact_if_shared="")
    e = errors(bare)
    assert set(e) == {"impact_if_not_shared"}
    assert "a few words are enough (rule 5)" in e["impact_if_not_shared"]
    assert errors(replace(bare, impact_if_not_shared="Child at risk")) == {}
    assert errors(replace(bare, impact_if_shared="Mother may be upset")) == {}


def test_a_share_may_say_the_same_as_its_reasons() -> None:
    d = full_share(reasons="Risk of harm", impact_if_not_shared="risk of harm.")
    assert errors(d) == {}


# -- do not share, share in part ------------------------------------------------------------
@pytest.mark.parametrize("outcome", [Outcome.DO_NOT_SHARE, Outcome.SHARE_IN_PART])
def test_holding_back_needs_the_impact_of_not_sharing(outcome: Outcome) -> None:
    e = errors(held_back(outcome))
    assert set(e) == {"impact_if_not_shared"}
    words = "what is held back" if outcome is Outcome.SHARE_IN_PART else "this"
    assert e["impact_if_not_shared"] == (
        f"Enter what could happen to the child and others if {words} is not shared (rule 5)"
    )
    # The impact of sharing alone is not an answer to what holding back could do.
    assert set(errors(held_back(outcome, impact_if_shared="The father would find out"))) == {
        "impact_if_not_shared"
    }
    assert errors(held_back(outcome, impact_if_not_shared="Nothing: they already know")) == {}


@pytest.mark.parametrize("outcome", [Outcome.DO_NOT_SHARE, Outcome.SHARE_IN_PART])
def test_holding_back_cannot_give_the_reasons_again_as_the_impact(outcome: Outcome) -> None:
    for copy in (REASONS, REASONS.upper(), "already known to social care - nothing new to add!"):
        e = errors(held_back(outcome, impact_if_not_shared=copy))
        assert e == {
            "impact_if_not_shared": "Say what could happen if it is not shared in words of its "
            "own: this repeats the reasons"
        }


def test_blank_answers_and_control_characters_count_as_nothing() -> None:
    d = held_back(Outcome.DO_NOT_SHARE, impact_if_not_shared=" \n\x1b\x07\u202e ")
    assert "impact_if_not_shared" in errors(d.cleaned())


def test_pending_advice_and_no_outcome_ask_nothing_yet() -> None:
    for outcome in (Outcome.PENDING_ADVICE, None):
        d = DecisionInput(subject_id=1, urgent=False, outcome=outcome, reasons="Asked the DSL")
        assert "impact_if_not_shared" not in errors(d)


def test_answers_have_the_long_text_limit() -> None:
    long = "x" * (LONG_TEXT + 1)
    e = errors(full_share(impact_if_not_shared=long, impact_if_shared=long))
    assert set(e) == {"impact_if_not_shared", "impact_if_shared"}


def test_same_words_ignores_case_spacing_and_punctuation_only() -> None:
    assert same_words("No need.", "no   NEED")
    assert not same_words("No need", "No need at all")
    assert not same_words("", "")  # nothing typed is not a repetition: it is missing


# -- the urgent path ------------------------------------------------------------------------
def urgent_share(**changes: object) -> DecisionInput:
    d = full_share(urgent=True, impact_if_not_shared="", impact_if_shared="")
    return replace(d, **changes)


@pytest.mark.parametrize("outcome", [Outcome.SHARE, Outcome.SHARE_IN_PART])
def test_urgent_share_is_saved_without_it_and_shows_to_complete(outcome: Outcome) -> None:
    d = urgent_share(outcome=outcome)
    assert impact_deferred(d)
    assert errors(d) == {}
    assert impact_to_complete(d)


@pytest.mark.parametrize("outcome", [Outcome.SHARE, Outcome.SHARE_IN_PART])
def test_completing_an_urgent_share_asks_it(outcome: Outcome) -> None:
    d = urgent_share(outcome=outcome)
    assert not impact_deferred(d, amendment=True)
    assert set(errors(d, amendment=True)) == {"impact_if_not_shared"}
    done = replace(d, impact_if_not_shared="She would have gone home to him tonight")
    assert errors(done, amendment=True) == {}
    assert not impact_to_complete(done)


def test_an_urgent_do_not_share_answers_it_at_once() -> None:
    d = DecisionInput(subject_id=1, urgent=True, outcome=Outcome.DO_NOT_SHARE, reasons=REASONS)
    assert not impact_deferred(d)
    assert set(errors(d)) == {"impact_if_not_shared"}


def test_a_normal_decision_is_never_to_complete() -> None:
    assert not impact_to_complete(full_share())
    assert not impact_to_complete(full_share(impact_if_not_shared=""))  # refused at save
