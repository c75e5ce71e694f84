"""people import: a school's identifiers on a person, earlier versions of a person's details
(append-only), and the keys that find an imported contact again

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import sharetui.store.types  # noqa: F401
from sharetui.store import append_only

revision: str = "0008"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "gender",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("upn", sqlmodel.sql.sqltypes.AutoString(length=13), nullable=True)
        )
        batch_op.add_column(
            sa.Column("other_details", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("details_changed_at", sharetui.store.types.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_person_upn"), ["upn"], unique=True)
    op.create_table(
        "person_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("family_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("given_names", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("other_names", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("gender", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("upn", sqlmodel.sql.sqltypes.AutoString(length=13), nullable=True),
        sa.Column("nhs_number", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("other_details", sa.JSON(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=False),
        sa.Column("replaced_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "version"),
    )
    with op.batch_alter_table("person_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_version_person_id"), ["person_id"])
    op.create_table(
        "person_import_key",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("person_import_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_import_key_person_id"), ["person_id"])
    append_only.install(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("person_import_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_import_key_person_id"))
    op.drop_table("person_import_key")
    with op.batch_alter_table("person_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_version_person_id"))
    op.drop_table("person_version")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_upn"))
        batch_op.drop_column("details_changed_at")
        batch_op.drop_column("version")
        batch_op.drop_column("other_details")
        batch_op.drop_column("upn")
        batch_op.drop_column("gender")
