import { ConvexError, type Infer, v } from "convex/values";
import { internalMutation, internalQuery, type DatabaseWriter } from "./_generated/server";
import { findOrder, putOrder, toOrder } from "./model/documents";
import { listOrders } from "./model/listing";
import { requireLimit, requireNonEmpty, requireTime } from "./model/refusals";
import { claimedId, isSnapshot } from "./model/snapshot";
import { order, status } from "./schema";

// The server-side face of the mirror. Every function here is internal: only a holder of the
// deployment's admin or deploy key (the API server, the relay, `cache verify`) can call it.

const MAX_BATCH = 1000;
const MAX_LIST = 201; // the API's 200, plus one row that tells whether a next page exists
const MAX_PAGE = 1000;

const applied = v.literal("applied");
const rejected = v.literal("rejected");

const delivery = v.object({
  orderId: v.union(v.string(), v.null()),
  outcome: v.union(applied, v.literal("stale"), rejected),
  code: v.optional(v.string()),
});
type Delivery = Infer<typeof delivery>;

const repaired = v.object({
  outcome: v.union(applied, v.literal("conflict"), rejected),
  code: v.optional(v.string()),
});

const removal = v.object({
  outcome: v.union(v.literal("removed"), v.literal("conflict"), v.literal("missing")),
});

/** Write each snapshot whose version is newer than the stored one; one result per snapshot. */
export const applySnapshots = internalMutation({
  args: { snapshots: v.array(v.any()) },
  returns: v.array(delivery),
  handler: async (ctx, { snapshots }) => {
    if (snapshots.length > MAX_BATCH) {
      throw new ConvexError({ code: "BATCH_TOO_LARGE", max: MAX_BATCH });
    }
    const results = [];
    // One at a time: a second snapshot of the same order is judged against the first one's write.
    for (const snapshot of snapshots) {
      results.push(await applyOne(ctx.db, snapshot));
    }
    return results;
  },
});

async function applyOne(db: DatabaseWriter, snapshot: unknown): Promise<Delivery> {
  if (!isSnapshot(snapshot)) {
    return { orderId: claimedId(snapshot), outcome: "rejected", code: "INVALID_SNAPSHOT" };
  }
  const orderId = snapshot.id;
  const held = await findOrder(db, orderId);
  if (held !== null && held.restaurantId !== snapshot.restaurantId) {
    // SECURITY: an order id never moves between restaurants; refusing keeps one tenant's
    // snapshot from overwriting another's document.
    return { orderId, outcome: "rejected", code: "RESTAURANT_MISMATCH" };
  }
  if (held !== null && held.version >= snapshot.version) {
    return { orderId, outcome: "stale" };
  }
  await putOrder(db, held, snapshot);
  return { orderId, outcome: "applied" };
}

/** One order of the restaurant as stored (tombstones included), or null. */
export const get = internalQuery({
  args: { restaurantId: v.string(), orderId: v.string() },
  returns: v.union(order, v.null()),
  handler: async (ctx, { restaurantId, orderId }) => {
    const held = await findOrder(ctx.db, orderId);
    return held !== null && held.restaurantId === restaurantId ? toOrder(held) : null;
  },
});

/** A keyset page of the restaurant's orders, as PostgreSQL's `GET /v1/orders` query returns it. */
export const list = internalQuery({
  args: {
    restaurantId: v.string(),
    statuses: v.optional(v.array(status)),
    createdAfter: v.optional(v.string()),
    createdBefore: v.optional(v.string()),
    includeDeleted: v.boolean(),
    createdBy: v.optional(v.string()),
    sort: v.union(v.literal("createdAt"), v.literal("-createdAt")),
    after: v.optional(v.object({ createdAt: v.string(), id: v.string() })),
    limit: v.number(),
  },
  returns: v.array(order),
  handler: async (ctx, args) => {
    requireTime("after.createdAt", args.after?.createdAt);
    const docs = await listOrders(ctx.db, {
      restaurantId: args.restaurantId,
      statuses: requireNonEmpty("statuses", args.statuses),
      createdAfter: requireTime("createdAfter", args.createdAfter),
      createdBefore: requireTime("createdBefore", args.createdBefore),
      includeDeleted: args.includeDeleted,
      createdBy: args.createdBy,
      descending: args.sort === "-createdAt",
      after: args.after,
      limit: requireLimit("limit", args.limit, MAX_LIST),
    });
    return docs.map(toOrder);
  },
});

/** Every stored document, tombstones included, page by page (for `cache verify`). */
export const page = internalQuery({
  args: {
    restaurantId: v.optional(v.string()),
    cursor: v.optional(v.union(v.string(), v.null())),
    limit: v.number(),
  },
  returns: v.object({ page: v.array(order), isDone: v.boolean(), continueCursor: v.string() }),
  handler: async (ctx, { restaurantId, cursor, limit }) => {
    const orders = ctx.db.query("orders");
    const query =
      restaurantId === undefined
        ? orders
        : orders.withIndex("by_restaurant_created", (q) => q.eq("restaurantId", restaurantId));
    const result = await query.paginate({
      cursor: cursor ?? null,
      numItems: requireLimit("limit", limit, MAX_PAGE),
    });
    return {
      page: result.page.map(toOrder),
      isDone: result.isDone,
      continueCursor: result.continueCursor,
    };
  },
});

/**
 * Compare-and-set for `cache verify --repair`: write the snapshot when the stored version is still
 * `expectedVersion` (null: nothing stored), even when it is not newer.
 */
export const repair = internalMutation({
  args: { snapshot: v.any(), expectedVersion: v.union(v.number(), v.null()) },
  returns: repaired,
  handler: async (ctx, { snapshot, expectedVersion }): Promise<Infer<typeof repaired>> => {
    if (!isSnapshot(snapshot)) {
      return { outcome: "rejected", code: "INVALID_SNAPSHOT" };
    }
    const held = await findOrder(ctx.db, snapshot.id);
    if (held !== null && held.restaurantId !== snapshot.restaurantId) {
      return { outcome: "rejected", code: "RESTAURANT_MISMATCH" };
    }
    if ((held?.version ?? null) !== expectedVersion) {
      return { outcome: "conflict" };
    }
    await putOrder(ctx.db, held, snapshot);
    return { outcome: "applied" };
  },
});

/** Delete a stored document PostgreSQL does not have, unless it changed since it was seen. */
export const remove = internalMutation({
  args: { orderId: v.string(), expectedVersion: v.number() },
  returns: removal,
  handler: async (ctx, { orderId, expectedVersion }): Promise<Infer<typeof removal>> => {
    const held = await findOrder(ctx.db, orderId);
    if (held === null) {
      return { outcome: "missing" };
    }
    if (held.version !== expectedVersion) {
      return { outcome: "conflict" };
    }
    await ctx.db.delete("orders", held._id);
    return { outcome: "removed" };
  },
});
