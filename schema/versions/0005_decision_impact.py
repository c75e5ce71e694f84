"""rule 5 on every decision: the impact of not sharing and of sharing

Two nullable text columns on sharing_decision. Rows already held keep NULL, which reads as
"not recorded (before this question existed)": decision versions are append-only, so no
existing row is changed. Adding a column changes no row, so the append-only triggers stay
as they are.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("impact_if_not_shared", "impact_if_shared")


def upgrade() -> None:
    # A plain ALTER TABLE ... ADD COLUMN on both engines: a batch (copy-and-move) rebuild of
    # the table on SQLite would drop its append-only triggers.
    for name in COLUMNS:
        op.add_column("sharing_decision", sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_column("sharing_decision", name)
