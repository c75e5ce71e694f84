-- sharetui on PostgreSQL: two roles and the site's database.
--
--   sharetui_owner  owns the database and its tables: runs the migrations
--                   (`sharetui db upgrade`, `sharetui db copy`). Used by the technician only.
--   sharetui_app    what the app connects as, for every terminal: reads and adds records;
--                   changes only the rows the app changes (accounts, a person's last activity,
--                   a decision's first-version link, advice requests, drafts, the audit chain
--                   head); deletes only drafts; never alters the audit trail or the schema.
--
-- Run as a superuser, once before the schema exists and again after every schema upgrade
-- (it is safe to repeat; the second run grants the app role its rights on the tables):
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 -f deploy/postgres-roles.sql
--
-- Other names: -v db=NAME -v owner=ROLE -v app=ROLE. Neither role gets a password here:
-- docs/deployment.md uses peer authentication on the server's socket (or set one with
-- \password ROLE). Append-only triggers on the audit trail, where installed, are separate.

\if :{?db}
\else
  \set db sharetui
\endif
\if :{?owner}
\else
  \set owner sharetui_owner
\endif
\if :{?app}
\else
  \set app sharetui_app
\endif

SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER ROLE :"app" NOSUPERUSER NOCREATEDB NOCREATEROLE;
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec

REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"owner", :"app";

\connect :"db"

-- The schema belongs to the owner; nobody else may create anything in it.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Rights on the tables that exist now (none before the first migration).
SELECT format('REVOKE ALL ON %I FROM %I', tablename, :'app')
FROM pg_tables WHERE schemaname = 'public' \gexec
SELECT format('GRANT SELECT ON %I TO %I', tablename, :'app')
FROM pg_tables WHERE schemaname = 'public' \gexec
SELECT format('GRANT INSERT ON %I TO %I', tablename, :'app')
FROM pg_tables WHERE schemaname = 'public'
  AND tablename NOT IN ('alembic_version', 'audit_head') \gexec
SELECT format('GRANT UPDATE ON %I TO %I', tablename, :'app')
FROM pg_tables WHERE schemaname = 'public'
  AND tablename IN ('app_user', 'person', 'sharing_decision', 'advice_request', 'draft',
                    'audit_head', 'recipient_org', 'recipient_contact', 'agreement',
                    'signin_throttle') \gexec
SELECT format('GRANT DELETE ON %I TO %I', tablename, :'app')
FROM pg_tables WHERE schemaname = 'public'
  AND tablename IN ('draft', 'agreement_party', 'site_term', 'signin_throttle') \gexec
SELECT format('GRANT USAGE ON SEQUENCE %I TO %I', sequencename, :'app')
FROM pg_sequences WHERE schemaname = 'public' \gexec
