-- sharetui on PostgreSQL: an owner role that runs migrations and an app role that may only
-- INSERT and SELECT on the append-only tables (audit events, consent history, decision
-- versions, the people each version names, advice history, earlier versions of people's
-- details). See docs/append-only.md.
--
-- Run as a superuser, connected to the sharetui database, before the first `sharetui db
-- upgrade` (and safely again at any time):
--   psql -v ON_ERROR_STOP=1 -d sharetui -f deploy/postgres-roles-append-only.sql
-- Then run `sharetui db upgrade` as sharetui_owner, and sharetui itself as sharetui_app.
-- Replace the two passphrases below (or authenticate another way in pg_hba.conf).

-- The roles. The app role owns nothing, so it can neither drop nor disable the append-only
-- triggers the migrations install.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sharetui_owner') THEN
        CREATE ROLE sharetui_owner LOGIN PASSWORD 'replace with the owner passphrase';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sharetui_app') THEN
        CREATE ROLE sharetui_app LOGIN PASSWORD 'replace with the app passphrase';
    END IF;
END
$roles$;

ALTER SCHEMA public OWNER TO sharetui_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO sharetui_app;

-- Tables and sequences the owner creates from now on: the app may read and write them...
ALTER DEFAULT PRIVILEGES FOR ROLE sharetui_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sharetui_app;
ALTER DEFAULT PRIVILEGES FOR ROLE sharetui_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO sharetui_app;

-- ...except the append-only tables (only INSERT and SELECT) and the schema version (SELECT).
-- The migration that installs the triggers revokes these rights from every other role as
-- well, so an upgrade cannot hand them back; this block covers tables that already exist.
DO $rights$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_event', 'consent_event', 'sharing_decision',
                             'decision_affected', 'advice_event', 'person_version',
                             'receipt_event', 'disposal'] LOOP
        IF to_regclass('public.' || t) IS NOT NULL THEN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM sharetui_app', t);
        END IF;
    END LOOP;
    IF to_regclass('public.alembic_version') IS NOT NULL THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM sharetui_app;
    END IF;
END
$rights$;
