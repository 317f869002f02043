-- Row-level security: the second wall. Every tenant table is visible and writable only for the
-- restaurant named by the transaction-local setting orderzap.restaurant_id, which the unit of
-- work sets first. FORCE applies the policies to the tables' owner too (superusers still bypass
-- them, which is why the application never runs as one). A connection that never set the
-- tenant, or whose previous transaction set it, sees an empty string: nullif makes that NULL,
-- which matches no row.

ALTER TABLE restaurants ENABLE ROW LEVEL SECURITY;
ALTER TABLE restaurants FORCE ROW LEVEL SECURITY;
ALTER TABLE restaurant_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE restaurant_counters FORCE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE menu_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE menu_items FORCE ROW LEVEL SECURITY;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
ALTER TABLE order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_items FORCE ROW LEVEL SECURITY;
ALTER TABLE order_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_events FORCE ROW LEVEL SECURITY;
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant ON restaurants
    USING (id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON restaurant_counters
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON users
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON menu_items
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON orders
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON order_items
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON order_events
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON outbox
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);
CREATE POLICY tenant ON idempotency_keys
    USING (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid)
    WITH CHECK (restaurant_id = nullif(current_setting('orderzap.restaurant_id', true), '')::uuid);

-- The relay works across restaurants, on the outbox only (its grants name no other table).
CREATE POLICY relay ON outbox TO orderzap_relay USING (true) WITH CHECK (true);

-- The owner (the role running this migration) lists every restaurant (operators) and purges
-- expired idempotency keys; everything else it reaches only with the tenant set, like the app.
-- The two SECURITY DEFINER functions below run as the owner and rely on these policies when
-- the owner is no superuser.
DO $$
BEGIN
    EXECUTE format('CREATE POLICY directory ON restaurants FOR SELECT TO %I USING (true)', current_user);
    EXECUTE format('CREATE POLICY purge_read ON idempotency_keys FOR SELECT TO %I USING (true)', current_user);
    EXECUTE format('CREATE POLICY purge ON idempotency_keys FOR DELETE TO %I USING (true)', current_user);
END $$;

-- Grants: each role gets only what its work needs. orderzap_app may append to the outbox but
-- not read it; nothing is ever deleted by the application except expired idempotency keys
-- (through the function below).
REVOKE ALL ON restaurants, restaurant_counters, users, menu_items, orders, order_items,
              order_events, outbox, idempotency_keys FROM PUBLIC;
GRANT SELECT, INSERT ON restaurants TO orderzap_app;
GRANT SELECT, INSERT, UPDATE ON restaurant_counters TO orderzap_app;
GRANT SELECT, INSERT ON users TO orderzap_app;
GRANT SELECT, INSERT, UPDATE ON menu_items TO orderzap_app;
GRANT SELECT, INSERT, UPDATE ON orders TO orderzap_app;
GRANT SELECT, INSERT ON order_items, order_events TO orderzap_app;
GRANT INSERT ON outbox TO orderzap_app;
GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO orderzap_app;
GRANT SELECT, UPDATE, DELETE ON outbox TO orderzap_relay;

-- Login needs a restaurant's id before any tenant is known: this maps a slug to an id and
-- nothing else. Names are schema-qualified and the search path pinned, as SECURITY DEFINER
-- functions must.
CREATE FUNCTION orderzap_restaurant_id_for_slug(wanted text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.id FROM public.restaurants AS r WHERE r.slug = wanted
$$;
REVOKE ALL ON FUNCTION orderzap_restaurant_id_for_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orderzap_restaurant_id_for_slug(text) TO orderzap_app;

-- Idempotency records expire after 24 hours; this deletes those created before a given time,
-- across restaurants, and says how many.
CREATE FUNCTION orderzap_purge_idempotency(older_than timestamptz) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH gone AS (DELETE FROM public.idempotency_keys WHERE created_at < older_than RETURNING 1)
    SELECT count(*) FROM gone
$$;
REVOKE ALL ON FUNCTION orderzap_purge_idempotency(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orderzap_purge_idempotency(timestamptz) TO orderzap_app;
