"""accounts that hold: one-time passphrases, a second factor, sign-in throttling per terminal

Revision ID: 0004
Revises: 0009
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import sharetui.store.types  # noqa: F401

revision: str = "0004"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (each with a constant default): SQLite adds these in place, where a
    # batch copy of app_user would trip over the foreign keys that point at it.
    op.add_column(
        "app_user",
        sa.Column(
            "must_change_passphrase", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.add_column(
        "app_user", sa.Column("totp_secret", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("app_user", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.add_column(
        "app_user",
        sa.Column("totp_enrolled_at", sharetui.store.types.UTCDateTime(), nullable=True),
    )
    op.add_column(
        "app_user", sa.Column("recovery_codes", sa.Text(), nullable=False, server_default="")
    )
    op.create_table(
        "signin_throttle",
        sa.Column("name_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("terminal", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sharetui.store.types.UTCDateTime(), nullable=True),
        sa.Column("last_failure_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name_hash", "terminal"),
    )


def downgrade() -> None:
    op.drop_table("signin_throttle")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        for column in (
            "recovery_codes",
            "totp_enrolled_at",
            "totp_last_step",
            "totp_secret",
            "must_change_passphrase",
        ):
            batch_op.drop_column(column)
