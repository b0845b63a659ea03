-- IR Portal's two PostgreSQL roles and its database (docs/operators/deployment.md, "Database roles").
-- Run once, as a superuser, on the database server:
--
--   psql -v owner_password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" \
--        -v app_password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" \
--        -f deploy/postgres-roles.sql
--
-- irportal_owner owns the schema and every table, the audit log and its triggers included: only migrations
-- and restores connect as it (/etc/irportal/irportal-owner.env). irportal_app is what web, worker and beat
-- connect as (DATABASE_URL in /etc/irportal/irportal.env): migrate grants it reading and writing the app's
-- tables and only reading and appending to the audit log, so it can neither rewrite audit rows nor drop the
-- triggers that keep them.

CREATE ROLE irportal_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE irportal_app LOGIN PASSWORD :'app_password';
CREATE DATABASE irportal OWNER irportal_owner;
\connect irportal
ALTER SCHEMA public OWNER TO irportal_owner;
-- Nobody else creates objects in the schema (PostgreSQL 15's default, made explicit for older servers).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
