-- The runtime roles. Roles belong to the whole cluster, so they are created only when missing
-- (another OrderZap database on the same server may have created them already).
--   orderzap_app    serves requests: owns nothing, no superuser, no BYPASSRLS.
--   orderzap_relay  reads, parks and deletes outbox rows of every restaurant, and nothing else.
-- Both may log in (the embedded server trusts local logins; elsewhere give them a password).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orderzap_app') THEN
        CREATE ROLE orderzap_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orderzap_relay') THEN
        CREATE ROLE orderzap_relay LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'the role running migrations may not create roles'
        USING HINT = 'ask an administrator to run: CREATE ROLE orderzap_app LOGIN; '
                     'CREATE ROLE orderzap_relay LOGIN; (see docs/database.md)';
END $$;

-- Row-level security is the second wall only if the runtime roles cannot step over it.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles
               WHERE rolname IN ('orderzap_app', 'orderzap_relay') AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'orderzap_app and orderzap_relay must be neither superuser nor BYPASSRLS';
    END IF;
END $$;

-- With only an owner login (DATABASE_URL), the pools switch to the runtime roles on connect
-- (SET ROLE), which needs membership. A superuser has it already; a role that cannot grant it
-- must be given DATABASE_APP_URL instead.
DO $$
BEGIN
    IF NOT pg_catalog.pg_has_role(current_user, 'orderzap_app', 'MEMBER') THEN
        EXECUTE format('GRANT orderzap_app TO %I', current_user);
    END IF;
    IF NOT pg_catalog.pg_has_role(current_user, 'orderzap_relay', 'MEMBER') THEN
        EXECUTE format('GRANT orderzap_relay TO %I', current_user);
    END IF;
EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
    RAISE NOTICE '% cannot switch to orderzap_app/orderzap_relay: log in as them instead '
                 '(DATABASE_APP_URL)', current_user;
END $$;
