"""Disposal: the one deliberate way rows of the append-only tables can go, and only rows about
a person whose disposal is under way.

How it is kept narrow:
- A disposal first inserts the person's id into `disposal_pending`, in its own transaction.
  The append-only triggers on consent history, decision versions, the people each names,
  advice history, the receipt steps of the person's shares (schema 0006) and the earlier
  versions of their details (0008) refuse every UPDATE, as before, and every DELETE *unless*
  the row is about a person with a pending row. Nothing else changed: an ordinary write, a stray DELETE, a
  TRUNCATE, anything on the audit trail, is refused exactly as before.
- Inserting a pending row for someone under an active legal hold is refused by a trigger, so
  the database itself will not dispose of a held record.
- The disposal deletes with the statements below, writes the tombstone (`disposal`, itself
  append-only) and deletes its pending row before commit. Once the person row is gone no new
  row can name that id (foreign keys), so nothing can use the pending row afterwards anyway.
- PostgreSQL: the app role has no DELETE right on the append-only tables at all
  (deploy/postgres-roles-append-only.sql). The same statements run inside
  `sharetui_dispose_person(id)`, a SECURITY DEFINER function owned by the owner role that
  refuses to run without the pending row. So the app role can dispose of a person only
  through that function, leaving a tombstone and an audit event, and still cannot delete any
  other append-only row.

The audit trail is never touched: its events hold ids and actions, never personal data, so
they stay, and `audit verify` passes after a disposal.
"""

from __future__ import annotations

from sqlalchemy import Connection

from sharetui.store.append_only import PG_FUNCTION, refusal, sqlite_statements

# Append-only tables whose rows a disposal may delete, and the person each row is about (SQL
# on OLD). Schema 0007 installed the first four; 0009 added the receipt steps of a person's
# shares and the earlier versions of their details, which had kept a disposal from removing
# the decisions (and the person) they point at.
DISPOSABLE_0007 = ("consent_event", "sharing_decision", "decision_affected", "advice_event")
DISPOSABLE = (*DISPOSABLE_0007, "receipt_event", "person_version")
PENDING = "disposal_pending"
TOMBSTONE = "disposal"
DISPOSE_FUNCTION = "sharetui_dispose_person"
HELD = "this record is under a legal hold: it cannot be disposed of until the hold is lifted"

_DECISIONS = "SELECT id FROM sharing_decision WHERE subject_id = {p}"
_ADVICE = f"SELECT id FROM advice_request WHERE person_id = {{p}} OR decision_id IN ({_DECISIONS})"

# In order: children before parents. {p} is the person's id.
STATEMENTS: tuple[tuple[str, str], ...] = (
    ("advice_event", f"DELETE FROM advice_event WHERE advice_id IN ({_ADVICE})"),
    (
        "advice_request",
        f"DELETE FROM advice_request WHERE person_id = {{p}} OR decision_id IN ({_DECISIONS})",
    ),
    (
        "decision_affected",
        f"DELETE FROM decision_affected WHERE person_id = {{p}} OR decision_id IN ({_DECISIONS})",
    ),
    ("receipt_event", f"DELETE FROM receipt_event WHERE decision_root_id IN ({_DECISIONS})"),
    ("sharing_decision", "DELETE FROM sharing_decision WHERE subject_id = {p}"),
    ("consent_event", "DELETE FROM consent_event WHERE person_id = {p}"),
    ("person_link", "DELETE FROM person_link WHERE from_person_id = {p} OR to_person_id = {p}"),
    ("person_name_key", "DELETE FROM person_name_key WHERE person_id = {p}"),
    ("person_version", "DELETE FROM person_version WHERE person_id = {p}"),
    ("person_import_key", "DELETE FROM person_import_key WHERE person_id = {p}"),
    ("person", "DELETE FROM person WHERE id = {p}"),
)

# Whether OLD is about a person being disposed of, per table.
_PENDING = f"SELECT 1 FROM {PENDING} WHERE person_id = "
_ABOUT: dict[str, str] = {
    "consent_event": f"EXISTS ({_PENDING}OLD.person_id)",
    "sharing_decision": f"EXISTS ({_PENDING}OLD.subject_id)",
    "decision_affected": (
        f"EXISTS ({_PENDING}OLD.person_id) OR EXISTS (SELECT 1 FROM sharing_decision d "
        f"JOIN {PENDING} p ON p.person_id = d.subject_id WHERE d.id = OLD.decision_id)"
    ),
    "advice_event": (
        "EXISTS (SELECT 1 FROM advice_request a LEFT JOIN sharing_decision d "
        f"ON d.id = a.decision_id JOIN {PENDING} p ON p.person_id = a.person_id "
        "OR p.person_id = d.subject_id WHERE a.id = OLD.advice_id)"
    ),
    "receipt_event": (
        f"EXISTS (SELECT 1 FROM sharing_decision d JOIN {PENDING} p "
        "ON p.person_id = d.subject_id WHERE d.id = OLD.decision_root_id)"
    ),
    "person_version": f"EXISTS ({_PENDING}OLD.person_id)",
}
_HOLD_ACTIVE = (
    "EXISTS (SELECT 1 FROM legal_hold h WHERE h.person_id = NEW.person_id AND h.lifted_at IS NULL)"
)


def sqlite_install(conn: Connection, tables: tuple[str, ...] = DISPOSABLE) -> None:
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN NOT ({_ABOUT[table]}) "
            f"BEGIN SELECT RAISE(ABORT, '{refusal(table)}'); END"
        )
    for sql in sqlite_statements((TOMBSTONE,)):
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql(
        f"CREATE TRIGGER IF NOT EXISTS {PENDING}_not_held BEFORE INSERT ON {PENDING} "
        f"WHEN {_HOLD_ACTIVE} BEGIN SELECT RAISE(ABORT, '{HELD}'); END"
    )


def sqlite_remove(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {PENDING}_not_held")
    for op in ("update", "delete"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TOMBSTONE}_no_{op}")
    sqlite_plain(conn, DISPOSABLE)


def sqlite_plain(conn: Connection, tables: tuple[str, ...]) -> None:
    """These tables back to refusing every DELETE."""
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    for sql in sqlite_statements(tables):
        if "_no_delete" in sql:
            conn.exec_driver_sql(sql)


def _pg_guard_function(table: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION sharetui_guard_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND ({_ABOUT[table]}) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = TG_TABLE_NAME || ' is append-only: its rows cannot be changed or deleted';
END
$$"""


def _pg_dispose_function() -> str:
    body = []
    for table, sql in STATEMENTS:
        body.append(f"    {sql.format(p='p_person')};")
        body.append("    GET DIAGNOSTICS n = ROW_COUNT;")
        body.append(f"    removed := removed || jsonb_build_object('{table}', n);")
    lines = "\n".join(body)
    return f"""CREATE OR REPLACE FUNCTION {DISPOSE_FUNCTION}(p_person integer) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n bigint;
    removed jsonb := '{{}}'::jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {PENDING} WHERE person_id = p_person) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'no disposal is under way for this person';
    END IF;
{lines}
    RETURN removed::text;
END
$$"""


def postgres_install(conn: Connection, tables: tuple[str, ...] = DISPOSABLE) -> None:
    from sharetui.store.append_only import postgres_statements

    for table in tables:
        conn.exec_driver_sql(_pg_guard_function(table))
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION sharetui_guard_{table}()"
        )
    for sql in postgres_statements((TOMBSTONE,)):
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql(
        f"""CREATE OR REPLACE FUNCTION sharetui_not_held() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF {_HOLD_ACTIVE} THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{HELD}';
    END IF;
    RETURN NEW;
END
$$"""
    )
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {PENDING}_not_held ON {PENDING}")
    conn.exec_driver_sql(
        f"CREATE TRIGGER {PENDING}_not_held BEFORE INSERT ON {PENDING} "
        "FOR EACH ROW EXECUTE FUNCTION sharetui_not_held()"
    )
    conn.exec_driver_sql(_pg_dispose_function())
    # The tombstones are kept like the other append-only tables: no role but the owner may
    # change or remove them.
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT coalesce(r.rolname, 'PUBLIC') FROM pg_class c "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = %(t)s "
        "AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') AND a.grantee <> c.relowner",
        {"t": TOMBSTONE},
    ).all()
    for (grantee,) in rows:
        who = "PUBLIC" if grantee == "PUBLIC" else f'"{grantee}"'
        conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TOMBSTONE} FROM {who}")


def postgres_remove(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {DISPOSE_FUNCTION}(integer)")
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {PENDING}_not_held ON {PENDING}")
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS sharetui_not_held()")
    postgres_plain(conn, DISPOSABLE)


def postgres_plain(conn: Connection, tables: tuple[str, ...]) -> None:
    """These tables back to refusing every UPDATE and DELETE."""
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS sharetui_guard_{table}()")


def install(conn: Connection, tables: tuple[str, ...] = DISPOSABLE) -> None:
    """The guards on these append-only tables (idempotent), the legal-hold trigger, the
    tombstone's protection and, on PostgreSQL, the disposal function."""
    if conn.dialect.name == "sqlite":
        sqlite_install(conn, tables)
    else:
        postgres_install(conn, tables)


def narrow(conn: Connection, tables: tuple[str, ...]) -> None:
    """Take these tables out of disposal: every DELETE refused again (a downgrade)."""
    if conn.dialect.name == "sqlite":
        sqlite_plain(conn, tables)
    else:
        postgres_plain(conn, tables)


def remove(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        sqlite_remove(conn)
    else:
        postgres_remove(conn)
