"""search keys: person_name_key replaces person_token, filled for everyone already held

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:50:00

The keys (exact word forms, phonetic codes, short-form groups, one-letter deletions) are
computed by sharetui.domain.name_match.person_keys, the same function the people service
uses when it writes a person. Run from the command line (`sharetui db upgrade`), the backfill
reports its progress through the callable the command puts in the Alembic config attributes
under "progress" (called with done, total).
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import context, op

from sharetui.domain.name_match import person_keys

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2_000


def upgrade() -> None:
    op.create_table(
        "person_name_key",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("key", "person_id"),
    )
    backfill(op.get_bind(), context.config.attributes.get("progress"))
    # The index by person is built after the rows are in: quicker than keeping it up to date.
    with op.batch_alter_table("person_name_key", schema=None) as batch_op:
        batch_op.create_index("ix_person_name_key_person_id_key", ["person_id", "key"])
    with op.batch_alter_table("person_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_token_person_id"))
    op.drop_table("person_token")


def backfill(conn: sa.Connection, progress: Callable[[int, int], None] | None) -> None:
    """Every person's keys, a batch of people at a time, in id order."""
    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("family_name", sa.String),
        sa.column("given_names", sa.String),
        sa.column("other_names", sa.String),
    )
    keys = sa.table("person_name_key", sa.column("key", sa.String), sa.column("person_id"))
    total = conn.execute(sa.select(sa.func.count()).select_from(person)).scalar_one()
    done, last = 0, 0
    if progress is not None:
        progress(0, total)
    while True:
        rows = conn.execute(
            sa.select(person.c.id, person.c.family_name, person.c.given_names, person.c.other_names)
            .where(person.c.id > last)
            .order_by(person.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        batch = [
            {"key": k, "person_id": pid}
            for pid, family, given, other in rows
            for k in sorted(person_keys(family, given, other or ""))
        ]
        conn.execute(keys.insert(), batch)
        done += len(rows)
        last = rows[-1][0]
        if progress is not None:
            progress(done, total)


def downgrade() -> None:
    from sharetui.domain.text import name_tokens

    op.create_table(
        "person_token",
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("token", "person_id"),
    )
    with op.batch_alter_table("person_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_token_person_id"), ["person_id"], unique=False)
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, family_name, given_names, other_names FROM person")
    ).all()
    token = sa.table("person_token", sa.column("token", sa.String), sa.column("person_id"))
    batch = [
        {"token": t[:200], "person_id": pid}
        for pid, family, given, other in rows
        for t in name_tokens(family, given, other or "")
    ]
    if batch:
        conn.execute(token.insert(), batch)
    with op.batch_alter_table("person_name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_person_name_key_person_id_key")
    op.drop_table("person_name_key")
