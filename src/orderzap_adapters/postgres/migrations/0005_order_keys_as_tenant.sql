-- The id, version and updated_at of a page of orders, as the tenant: a single statement that
-- sets the tenant itself and then reads, so a read-only list of orders whose every order this
-- process already holds (known_orders.py) is one prepared statement instead of a pipeline of two
-- (docs/performance.md). SECURITY INVOKER: row-level security applies inside. The setting is
-- transaction-local, so it ends with the statement's implicit transaction.
--
-- The conditions and the order are those of PgOrders.page (SELECT_ORDERS with its filters, in
-- orders.py); a NULL argument is a filter not asked for. tests/adapters/postgres/test_order_keys_as_tenant.py
-- proves the two read the same rows in the same order for any query. Custom plans only: the
-- arguments are then constants, a filter not asked for folds away, and the keyset condition
-- bounds the index scan (a generic plan would scan from the first order to the cursor).
CREATE FUNCTION orderzap_order_keys_as_tenant(
    p_restaurant uuid, p_newest_first boolean, p_limit integer, p_include_deleted boolean,
    p_statuses text[], p_created_after timestamptz, p_created_before timestamptz, p_created_by uuid,
    p_after_created_at timestamptz, p_after_id uuid)
RETURNS TABLE (id uuid, version integer, updated_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    -- SECURITY: the tenant first; row-level security reads it in the queries below.
    PERFORM set_config('orderzap.restaurant_id', p_restaurant::text, true);
    -- Two whole queries, not one with a CASE in ORDER BY: each must read an index in its order
    -- for the scan to stop at the limit.
    IF p_newest_first THEN
        RETURN QUERY
        SELECT o.id, o.version, o.updated_at
        FROM orders AS o
        WHERE o.restaurant_id = p_restaurant
          AND (p_include_deleted OR o.deleted_at IS NULL)
          AND (p_statuses IS NULL OR o.status = ANY(p_statuses))
          AND (p_created_after IS NULL OR o.created_at > p_created_after)
          AND (p_created_before IS NULL OR o.created_at < p_created_before)
          AND (p_created_by IS NULL OR o.created_by = p_created_by)
          AND (p_after_created_at IS NULL OR (o.created_at, o.id) < (p_after_created_at, p_after_id))
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT p_limit;
    ELSE
        RETURN QUERY
        SELECT o.id, o.version, o.updated_at
        FROM orders AS o
        WHERE o.restaurant_id = p_restaurant
          AND (p_include_deleted OR o.deleted_at IS NULL)
          AND (p_statuses IS NULL OR o.status = ANY(p_statuses))
          AND (p_created_after IS NULL OR o.created_at > p_created_after)
          AND (p_created_before IS NULL OR o.created_at < p_created_before)
          AND (p_created_by IS NULL OR o.created_by = p_created_by)
          AND (p_after_created_at IS NULL OR (o.created_at, o.id) > (p_after_created_at, p_after_id))
        ORDER BY o.created_at, o.id
        LIMIT p_limit;
    END IF;
END
$$;

REVOKE ALL ON FUNCTION orderzap_order_keys_as_tenant(uuid, boolean, integer, boolean, text[], timestamptz,
                                                     timestamptz, uuid, timestamptz, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orderzap_order_keys_as_tenant(uuid, boolean, integer, boolean, text[], timestamptz,
                                                        timestamptz, uuid, timestamptz, uuid) TO orderzap_app;
