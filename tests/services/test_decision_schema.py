"""The decision's schema and its table agree: every answer the schema keeps in the record's
own columns has its column, and every column of the table is an answer, worked out by the
service, or the version's own bookkeeping. A field added to one and not the other fails here
before it fails a save."""

from __future__ import annotations

from sharetui.domain.decision import RECORD_FIELDS
from sharetui.services.decisions import DERIVED_FIELDS
from sharetui.store.models import SharingDecision

# Columns that describe the version, not an answer on the form.
BOOKKEEPING = {
    "id",
    "root_id",
    "version",
    "supersedes_id",
    "amend_reason",
    "decided_by_id",
    "decided_at",
    "caller_unverified",
}
# Answers kept in a shape of their own: the subject is the record's key, the checks are JSON,
# the others affected live in decision_affected.
APART_COLUMNS = {"subject_id", "checks"}


def test_every_column_is_an_answer_worked_out_or_bookkeeping() -> None:
    columns = set(SharingDecision.__table__.columns.keys())  # type: ignore[attr-defined]
    answers = set(RECORD_FIELDS) | APART_COLUMNS
    assert answers <= columns, answers - columns
    assert columns - answers == BOOKKEEPING | set(DERIVED_FIELDS)
