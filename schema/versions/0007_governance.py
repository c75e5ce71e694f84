"""governance: subject access requests, retention schedule and reviews, legal holds, disposal
tombstones; append-only triggers that let a deliberate disposal (and nothing else) delete

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import sharetui.store.types
from sharetui.store import disposal_sql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
DT = sharetui.store.types.UTCDateTime


def _user(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("app_user.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "subject_access_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("requester_name", S(length=200), nullable=False),
        sa.Column("relationship", S(length=30), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("identity_confirmed_on", sa.Date(), nullable=True),
        sa.Column("extension_months", sa.Integer(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("extension_told_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", S(length=20), nullable=False),
        _user("handler_id", nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        _user("created_by_id"),
        sa.Column("created_at", DT(), nullable=False),
    )
    op.create_index("ix_subject_access_request_person_id", "subject_access_request", ["person_id"])
    op.create_index("ix_subject_access_request_due_on", "subject_access_request", ["due_on"])
    op.create_index("ix_subject_access_request_status", "subject_access_request", ["status"])
    op.create_table(
        "sar_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("subject_access_request.id"), nullable=False
        ),
        sa.Column("entry", S(length=200), nullable=False),
        sa.Column("choice", S(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _user("reviewed_by_id"),
        sa.Column("reviewed_at", DT(), nullable=False),
        sa.UniqueConstraint("request_id", "entry"),
    )
    op.create_index("ix_sar_review_request_id", "sar_review", ["request_id"])
    op.create_table(
        "sar_disclosure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("subject_access_request.id"), nullable=False
        ),
        sa.Column("made_at", DT(), nullable=False),
        _user("made_by_id"),
        sa.Column("format", S(length=10), nullable=False),
        sa.Column("sha256", S(length=64), nullable=False),
        sa.Column("withheld", sa.Integer(), nullable=False),
        sa.Column("released", sa.Integer(), nullable=False),
    )
    op.create_index("ix_sar_disclosure_request_id", "sar_disclosure", ["request_id"])
    # Only the site's own rules: the defaults and their sources live in domain/governance.py.
    op.create_table(
        "retention_rule",
        sa.Column("kind", S(length=30), primary_key=True),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("years_after", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        _user("changed_by_id", nullable=True),
        sa.Column("changed_at", DT(), nullable=True),
    )
    op.create_table(
        "person_retention",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("kind", S(length=30), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        _user("updated_by_id"),
        sa.Column("updated_at", DT(), nullable=False),
    )
    op.create_table(
        "retention_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("record_kind", S(length=30), nullable=False),
        sa.Column("choice", S(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        _user("reviewed_by_id"),
        sa.Column("reviewed_at", DT(), nullable=False),
    )
    op.create_index("ix_retention_review_person_id", "retention_review", ["person_id"])
    op.create_index("ix_retention_review_reviewed_at", "retention_review", ["reviewed_at"])
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _user("placed_by_id"),
        sa.Column("placed_at", DT(), nullable=False),
        _user("lifted_by_id", nullable=True),
        sa.Column("lifted_at", DT(), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_legal_hold_person_id", "legal_hold", ["person_id"])
    op.create_table(
        "disposal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("former_person_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", S(length=30), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("disposed_at", DT(), nullable=False),
        _user("disposed_by_id"),
        sa.Column("removed", sa.JSON(), nullable=False),
    )
    op.create_index("ix_disposal_former_person_id", "disposal", ["former_person_id"])
    op.create_index("ix_disposal_disposed_at", "disposal", ["disposed_at"])
    op.create_table(
        "disposal_pending",
        sa.Column("person_id", sa.Integer(), primary_key=True, autoincrement=False),
    )
    disposal_sql.install(op.get_bind(), disposal_sql.DISPOSABLE_0007)


def downgrade() -> None:
    disposal_sql.remove(op.get_bind())
    for table in (
        "disposal_pending",
        "disposal",
        "legal_hold",
        "retention_review",
        "person_retention",
        "retention_rule",
        "sar_disclosure",
        "sar_review",
        "subject_access_request",
    ):
        op.drop_table(table)
