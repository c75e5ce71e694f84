"""after the share: recipient register, agreements, receipt steps, term dates, transfers

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-05 22:57:51

Free-text recipients already recorded are brought into the register
(store/register_import.py): obvious duplicates merged, the rest marked for review. The
receipt steps are append-only from the start (store/append_only.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import sharetui.store.types  # noqa: F401
from sharetui.store import append_only
from sharetui.store.register_import import import_free_text

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("lawful_basis", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("data_categories", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("signed_copy", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "recipient_org",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("secure_routes", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("to_review", sa.Boolean(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recipient_org", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipient_org_name_key"), ["name_key"], unique=True)

    op.create_table(
        "site_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "agreement_party",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["recipient_org.id"],
        ),
        sa.PrimaryKeyConstraint("agreement_id", "org_id"),
    )
    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_party_org_id"), ["org_id"], unique=False)

    op.create_table(
        "incoming_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=True),
        sa.Column("from_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("confirmed_back_at", sharetui.store.types.UTCDateTime(), nullable=True),
        sa.Column(
            "confirmed_back_method", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_org_id"],
            ["recipient_org.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incoming_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incoming_file_person_id"), ["person_id"], unique=False)

    op.create_table(
        "recipient_alias",
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["recipient_org.id"],
        ),
        sa.PrimaryKeyConstraint("name_key"),
    )
    with op.batch_alter_table("recipient_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipient_alias_org_id"), ["org_id"], unique=False)

    op.create_table(
        "recipient_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["recipient_org.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recipient_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipient_contact_org_id"), ["org_id"], unique=False)

    op.create_table(
        "receipt_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_root_id", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("who", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sharetui.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_root_id"],
            ["sharing_decision.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("receipt_event", schema=None) as batch_op:
        batch_op.create_index("ix_receipt_decision", ["decision_root_id", "id"], unique=False)

    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="share",
            )
        )
        batch_op.add_column(sa.Column("recipient_org_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recipient_contact_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agreement_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("agreement_cover", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        batch_op.add_column(
            sa.Column("transfer_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("moved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("pupil_file_separate", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("receipt_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            batch_op.f("ix_sharing_decision_recipient_org_id"), ["recipient_org_id"], unique=False
        )

    # SQLite rebuilds sharing_decision to add its columns, losing its triggers: install
    # every append-only table's triggers again (idempotent), the new receipt steps' too.
    append_only.install(op.get_bind(), append_only.APPEND_ONLY_TABLES)
    import_free_text(op.get_bind())


def downgrade() -> None:
    append_only.remove(op.get_bind(), append_only.TABLES_SINCE["0006"])
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_decision_recipient_org_id"))
        batch_op.drop_column("receipt_required")
        batch_op.drop_column("pupil_file_separate")
        batch_op.drop_column("moved_on")
        batch_op.drop_column("transfer_reason")
        batch_op.drop_column("agreement_cover")
        batch_op.drop_column("agreement_id")
        batch_op.drop_column("recipient_contact_id")
        batch_op.drop_column("recipient_org_id")
        batch_op.drop_column("kind")

    with op.batch_alter_table("receipt_event", schema=None) as batch_op:
        batch_op.drop_index("ix_receipt_decision")

    op.drop_table("receipt_event")
    with op.batch_alter_table("recipient_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_contact_org_id"))

    op.drop_table("recipient_contact")
    with op.batch_alter_table("recipient_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_alias_org_id"))

    op.drop_table("recipient_alias")
    with op.batch_alter_table("incoming_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incoming_file_person_id"))

    op.drop_table("incoming_file")
    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_party_org_id"))

    op.drop_table("agreement_party")
    op.drop_table("site_term")
    with op.batch_alter_table("recipient_org", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_org_name_key"))

    op.drop_table("recipient_org")
    op.drop_table("agreement")
