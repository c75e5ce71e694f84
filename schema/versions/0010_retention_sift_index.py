"""an index on a person's opening and birth dates, for the records due for review

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-06 09:00:00

The count of records due for review (the information governance lead's home, each time it
is shown) asks for child protection records opened before a date and held for someone born
before another. With only the date of birth indexed, the database read every adult's entry
of that index (65 ms on 100,000 people); with both dates in one index, opening date first,
it reads the few opened that long ago (under 1 ms).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_person_opened_born", "person", ["created_at", "date_of_birth"])


def downgrade() -> None:
    op.drop_index("ix_person_opened_born", table_name="person")
