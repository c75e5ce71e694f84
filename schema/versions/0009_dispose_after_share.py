"""disposal reaches the receipt steps of a person's shares and their earlier details

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06 10:00:00

Schema 0007 let a disposal delete a person's rows from four append-only tables. Two more hold
rows about a person: the receipt steps of their shares (0006) and the earlier versions of
their details (0008). While those refused every DELETE, disposing of a person with either
failed on the foreign key to the decision or to the person. Their guards now let a row go
only while that person's disposal is under way, like the other four, and the PostgreSQL
disposal function (owned by the owner role) deletes them (store/disposal_sql.py).
"""

from collections.abc import Sequence

from alembic import op

from sharetui.store import disposal_sql

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADDED = ("receipt_event", "person_version")


def upgrade() -> None:
    disposal_sql.install(op.get_bind(), ADDED)


def downgrade() -> None:
    disposal_sql.narrow(op.get_bind(), ADDED)
