"""Row-level copy of a whole site between two databases of the same schema.

Used to move a site from SQLite to PostgreSQL (and back, as a restore drill). Every table of
the app's metadata is copied in foreign-key order, rows in primary-key order (a decision's
earlier version always has the smaller id), with the ids kept so that references and the
audit chain hold. Rows stream in batches: memory stays flat whatever the size of the site.
The audit chain head is a single row that the migrations create; its values are copied onto
it. PostgreSQL sequences are moved past the copied ids so the next insert does not collide.

This module moves rows and counts them; deciding whether a copy may start and whether it
succeeded is services/site_copy.py's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, Table, func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from sharetui.store import models  # noqa: F401 - registers every table on the metadata
from sharetui.store.models import AuditHead
from sharetui.store.types import table_of

BATCH_ROWS = 5_000
Progress = Callable[[int], None]  # rows copied so far, all tables together


class RowsRejected(Exception):
    """The target refused a batch of one table (a constraint, a type): which table, and why."""

    def __init__(self, table: str, reason: str) -> None:
        super().__init__(f"{table}: {reason}")
        self.table = table
        self.reason = reason


def site_tables() -> list[Table]:
    """Every table of the app, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _head_table() -> Table:
    return table_of(AuditHead)


def existing_tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def row_counts(conn: Connection, tables: list[Table] | None = None) -> dict[str, int]:
    """Rows per table, for the tables that exist on this connection."""
    present = existing_tables(conn)
    counts: dict[str, int] = {}
    for table in tables or site_tables():
        if table.name in present:
            counts[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    return counts


def tables_holding_data(conn: Connection) -> list[str]:
    """Tables with rows a copy would collide with. The chain head that the migrations create
    (event 0, no hash) does not count: a freshly migrated database is empty."""
    busy = []
    head = _head_table()
    for name, count in row_counts(conn).items():
        if name == head.name:
            row = conn.execute(select(head.c.last_event_id, head.c.last_hash)).first()
            if count > 1 or (row is not None and (row[0] or row[1])):
                busy.append(name)
        elif count:
            busy.append(name)
    return busy


def _batches(conn: Connection, table: Table, size: int) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=size).execute(select(table).order_by(*order))
    for partition in result.partitions(size):
        yield [dict(row._mapping) for row in partition]


def copy_rows(
    source: Connection,
    target: Connection,
    *,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> None:
    """Copy every table's rows from source to target, inside the callers' transactions."""
    head = _head_table()
    done = 0
    for table in site_tables():
        for rows in _batches(source, table, batch_rows):
            try:
                if table.name == head.name:
                    write_head(target, rows)
                else:
                    insert_batch(target, table, rows)
            except (DBAPIError, target.dialect.loaded_dbapi.Error) as exc:
                # COPY talks to the driver directly, so its errors come unwrapped.
                detail = exc.orig if isinstance(exc, DBAPIError) else exc
                reason = " ".join(str(detail).split())[:300]
                raise RowsRejected(table.name, reason) from exc
            done += len(rows)
            if progress:
                progress(done)


def insert_batch(target: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Write one batch: COPY on PostgreSQL (several times faster than INSERT for millions of
    rows), a multi-row insert elsewhere. Values go through each column's own type first, so
    both paths store exactly what the app would."""
    if target.dialect.name == "postgresql":
        _copy_batch(target, table, rows)
    else:
        target.execute(table.insert(), rows)


def _copy_batch(target: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    dialect = target.dialect
    columns = list(table.columns)
    convert = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    quoted = dialect.identifier_preparer.format_table(table)
    driver = target.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    row[c.name] if f is None else f(row[c.name])
                    for c, f in zip(columns, convert, strict=True)
                ]
            )


def write_head(target: Connection, rows: list[dict[str, Any]]) -> None:
    """The chain head exists already (the migrations made it): set it, insert only if not."""
    head = _head_table()
    for row in rows:
        updated = target.execute(
            head.update()
            .where(head.c.id == row["id"])
            .values(
                last_event_id=row["last_event_id"],
                last_hash=row["last_hash"],
                keyed_from=row.get("keyed_from"),  # where the site key starts keying the chain
            )
        )
        if updated.rowcount == 0:
            target.execute(head.insert(), [row])


def reset_sequences(target: Connection) -> None:
    """PostgreSQL: move each id sequence past the copied ids (SQLite needs nothing)."""
    if target.dialect.name != "postgresql":
        return
    for table in site_tables():
        if "id" not in table.c or len(table.primary_key.columns) != 1:
            continue
        target.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:name, 'id'), "
                f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
            ),
            {"name": table.name},
        )
