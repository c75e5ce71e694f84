"""Tables the database itself keeps append-only: no connection the app makes can change or
remove a row of them, whatever the code above it does.

The services never update or delete these rows (a correction is a new row pointing at the old
one); triggers make that a property of the database rather than of the app's good manners.
SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). PostgreSQL: the same as
row triggers plus a TRUNCATE trigger, and, on a site that follows
deploy/postgres-roles-append-only.sql, an app role holding only INSERT and SELECT on them
(the triggers belong to the owner role, which the app does not connect as, so the app cannot
drop them either).

Someone who can write the SQLite file can still drop a trigger: that is what the keyed audit
chain and its seal (services/audit.py) are for.
"""

from __future__ import annotations

from sqlalchemy import Connection

# Audit events, consent history, decision versions and the people each version names, and
# the history of each advice request (schema 0003); the earlier versions of people's details
# (0008); the receipt steps after a share (0006). Each migration installs the triggers of the
# tables that exist when it runs.
TABLES_SINCE: dict[str, tuple[str, ...]] = {
    "0003": (
        "audit_event",
        "consent_event",
        "sharing_decision",
        "decision_affected",
        "advice_event",
    ),
    "0008": ("person_version",),
    "0006": ("receipt_event",),
}
APPEND_ONLY_TABLES = tuple(t for tables in TABLES_SINCE.values() for t in tables)

PG_FUNCTION = "sharetui_append_only"
VERSION_TABLE = "alembic_version"  # only migrations, run by the owner, change it


def refusal(table: str) -> str:
    """The message the database gives for a refused UPDATE or DELETE."""
    return f"{table} is append-only: its rows cannot be changed or deleted"


def sqlite_statements(tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> list[str]:
    out = []
    for table in tables:
        for op in ("UPDATE", "DELETE"):
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{refusal(table)}'); END"
            )
    return out


def postgres_statements(tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> list[str]:
    out = [
        f"""CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = TG_TABLE_NAME || ' is append-only: its rows cannot be changed or deleted';
END
$$"""
    ]
    for table in tables:
        out.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        out.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )
        out.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        out.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
        )
    return out


def _existing(conn: Connection, tables: tuple[str, ...] | None) -> tuple[str, ...]:
    """Those of the append-only tables (all, or the ones named) that this database has: a
    migration before the one that made a table installs the triggers of the tables so far."""
    from sqlalchemy import inspect

    names = set(inspect(conn).get_table_names())
    return tuple(t for t in (tables or APPEND_ONLY_TABLES) if t in names)


def install(conn: Connection, tables: tuple[str, ...] | None = None) -> None:
    """Create the triggers (idempotent) on the append-only tables that exist (or those of
    them named); called by the migrations that make such tables (0003, 0006, 0008). SQLite
    drops a table's triggers when a migration rebuilds it, so they install them all again."""
    tables = _existing(conn, tables)
    if conn.dialect.name == "sqlite":
        statements = sqlite_statements(tables)
    elif conn.dialect.name == "postgresql":
        statements = postgres_statements(tables)
    else:  # pragma: no cover - only the two engines are supported
        raise ValueError(f"no append-only triggers for {conn.dialect.name}")
    for sql in statements:
        conn.exec_driver_sql(sql)
    if conn.dialect.name == "postgresql":
        _revoke_changes(conn, tables)


def _revoke_changes(conn: Connection, tables: tuple[str, ...]) -> None:
    """Take UPDATE, DELETE and TRUNCATE on these tables from every role but their owner (the
    app role of deploy/postgres-roles-append-only.sql received them by default privileges when
    the tables were created)."""
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT coalesce(r.rolname, 'PUBLIC'), c.relname FROM pg_class c "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%(tables)s) "
        "AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') "
        "AND a.grantee <> c.relowner "
        "AND (a.privilege_type <> 'INSERT' OR c.relname = 'alembic_version')",
        {"tables": [*tables, VERSION_TABLE]},
    ).all()
    for grantee, table in rows:
        rights = (
            "INSERT, UPDATE, DELETE, TRUNCATE"
            if table == VERSION_TABLE
            else "UPDATE, DELETE, TRUNCATE"
        )
        conn.exec_driver_sql(
            f'REVOKE {rights} ON "{table}" FROM '
            + ("PUBLIC" if grantee == "PUBLIC" else f'"{grantee}"')
        )


def remove(conn: Connection, tables: tuple[str, ...] = TABLES_SINCE["0003"]) -> None:
    """Drop the triggers (the migration's downgrade)."""
    for table in _existing(conn, tables):
        if conn.dialect.name == "sqlite":
            for op in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    if conn.dialect.name == "postgresql" and tables == TABLES_SINCE["0003"]:
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")


def is_refusal(exc: BaseException) -> bool:
    """True when a database error is one of these triggers refusing a change."""
    return "is append-only: its rows cannot be changed or deleted" in str(exc)
