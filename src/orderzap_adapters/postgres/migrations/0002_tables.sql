-- The tables. Every tenant table carries restaurant_id, and its primary key, unique keys and
-- foreign keys include it: an order item cannot reference another restaurant's menu item, and
-- every table can be distributed by restaurant_id (Citus) unchanged.
-- Check constraints repeat the domain's rules, so a bug in the core cannot store what the API
-- would refuse. Text may hold newline and tab but no other control character; PostgreSQL text
-- cannot hold NUL at all. Times are timestamptz (microseconds, UTC on the wire).

CREATE TABLE restaurants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL
                CHECK (char_length(name) BETWEEN 1 AND 100 AND name !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]'),
    slug        text NOT NULL CONSTRAINT restaurants_slug_key UNIQUE
                CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at  timestamptz NOT NULL
);

-- The next order number of each restaurant: UPDATE ... RETURNING in the order's own transaction,
-- so numbers are gapless and only orders of the same restaurant wait for each other.
CREATE TABLE restaurant_counters (
    restaurant_id     uuid PRIMARY KEY REFERENCES restaurants (id),
    last_order_number integer NOT NULL DEFAULT 0 CHECK (last_order_number >= 0)
);

CREATE TABLE users (
    restaurant_id  uuid NOT NULL REFERENCES restaurants (id),
    id             uuid NOT NULL,
    email          text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    role           text NOT NULL CHECK (role IN ('admin', 'staff', 'customer')),
    password_hash  text NOT NULL CHECK (char_length(password_hash) BETWEEN 1 AND 1000),
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT users_email_key UNIQUE (restaurant_id, email)
);

CREATE TABLE menu_items (
    restaurant_id  uuid NOT NULL REFERENCES restaurants (id),
    id             uuid NOT NULL,
    name           text NOT NULL
                   CHECK (char_length(name) BETWEEN 1 AND 100 AND name !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]'),
    price_cents    integer NOT NULL CHECK (price_cents BETWEEN 0 AND 10000000),
    is_available   boolean NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    deleted_at     timestamptz,
    PRIMARY KEY (restaurant_id, id)
);
-- A name is unique among the live items only: a deleted item's name may be used again.
CREATE UNIQUE INDEX menu_items_name_key ON menu_items (restaurant_id, name) WHERE deleted_at IS NULL;
-- GET /v1/menu-items: oldest first, keyset on (created_at, id).
CREATE INDEX menu_items_page ON menu_items (restaurant_id, created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE orders (
    restaurant_id   uuid NOT NULL REFERENCES restaurants (id),
    id              uuid NOT NULL,
    order_number    integer NOT NULL CHECK (order_number >= 1),
    customer_name   text NOT NULL CHECK (char_length(customer_name) BETWEEN 1 AND 100
                                         AND customer_name !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]'),
    customer_phone  text NOT NULL CHECK (customer_phone ~ '^\+[1-9][0-9]{1,14}$'),
    status          text NOT NULL
                    CHECK (status IN ('received', 'preparing', 'ready', 'completed', 'cancelled')),
    payment_method  text NOT NULL CHECK (payment_method IN ('cash', 'card', 'online')),
    notes           text CHECK (char_length(notes) <= 500 AND notes !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]'),
    total_cents     bigint NOT NULL CHECK (total_cents >= 0),
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    version         integer NOT NULL CHECK (version >= 1),
    created_by      uuid NOT NULL,   -- a user, or the operator (all zeros): no foreign key
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT orders_number_key UNIQUE (restaurant_id, order_number),
    CHECK (updated_at >= created_at)
);
-- GET /v1/orders, keyset on (created_at, id) in either direction: all orders, by status, and a
-- customer's own. Not partial, so includeDeleted=true is served by the same indexes.
CREATE INDEX orders_page ON orders (restaurant_id, created_at, id);
CREATE INDEX orders_page_by_status ON orders (restaurant_id, status, created_at, id);
CREATE INDEX orders_page_by_creator ON orders (restaurant_id, created_by, created_at, id);

CREATE TABLE order_items (
    restaurant_id         uuid NOT NULL,
    order_id              uuid NOT NULL,
    line_index            smallint NOT NULL CHECK (line_index BETWEEN 0 AND 49),
    id                    uuid NOT NULL,
    menu_item_id          uuid NOT NULL,
    name                  text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    quantity              integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    unit_price_cents      integer NOT NULL CHECK (unit_price_cents BETWEEN 0 AND 10000000),
    line_total_cents      bigint NOT NULL CHECK (line_total_cents = quantity::bigint * unit_price_cents),
    special_instructions  text CHECK (char_length(special_instructions) <= 500
                                      AND special_instructions !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]'),
    PRIMARY KEY (restaurant_id, order_id, line_index),
    CONSTRAINT order_items_id_key UNIQUE (restaurant_id, id),
    CONSTRAINT order_items_order_fkey FOREIGN KEY (restaurant_id, order_id)
        REFERENCES orders (restaurant_id, id),
    CONSTRAINT order_items_menu_item_fkey FOREIGN KEY (restaurant_id, menu_item_id)
        REFERENCES menu_items (restaurant_id, id)
);
CREATE INDEX order_items_menu_item ON order_items (restaurant_id, menu_item_id);

CREATE TABLE order_events (
    restaurant_id  uuid NOT NULL,
    order_id       uuid NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    type           text NOT NULL
                   CHECK (type IN ('created', 'updated', 'status_changed', 'deleted', 'restored')),
    from_status    text CHECK (from_status IN ('received', 'preparing', 'ready', 'completed', 'cancelled')),
    to_status      text CHECK (to_status IN ('received', 'preparing', 'ready', 'completed', 'cancelled')),
    actor_id       uuid NOT NULL,
    at             timestamptz NOT NULL,
    reason         text CHECK (char_length(reason) <= 500 AND reason !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]'),
    PRIMARY KEY (restaurant_id, order_id, version),
    CONSTRAINT order_events_order_fkey FOREIGN KEY (restaurant_id, order_id)
        REFERENCES orders (restaurant_id, id)
);

-- Every change appends the order's full snapshot here, in the change's own transaction; the
-- relay delivers it later. id orders the rows of all restaurants.
CREATE TABLE outbox (
    restaurant_id  uuid NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    order_id       uuid NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    snapshot       jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    attempts       integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error     text,
    parked_at      timestamptz,
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT outbox_order_fkey FOREIGN KEY (restaurant_id, order_id) REFERENCES orders (restaurant_id, id)
);
-- The relay's claim (pending rows, oldest first) and the operators' parked list.
CREATE INDEX outbox_pending ON outbox (id) WHERE parked_at IS NULL;
CREATE INDEX outbox_parked ON outbox (id) WHERE parked_at IS NOT NULL;

-- The first successful answer to an Idempotency-Key, replayed for 24 hours.
CREATE TABLE idempotency_keys (
    restaurant_id  uuid NOT NULL REFERENCES restaurants (id),
    key            text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255 AND key ~ '^[ -~]+$'),
    fingerprint    text NOT NULL,
    order_id       uuid NOT NULL,
    response       jsonb NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (restaurant_id, key),
    CONSTRAINT idempotency_keys_order_fkey FOREIGN KEY (restaurant_id, order_id)
        REFERENCES orders (restaurant_id, id)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (created_at);

-- Fails the statement (and so the whole pipeline and transaction) when an UPDATE that must
-- change exactly one row changed none: the adapter raises KeyError, like the memory fakes.
CREATE FUNCTION orderzap_expect_one(affected bigint, what text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF affected <> 1 THEN
        RAISE EXCEPTION '% not found', what USING ERRCODE = 'no_data_found';
    END IF;
    RETURN true;
END
$$;
