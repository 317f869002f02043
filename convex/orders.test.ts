import { describe, expect, test } from "vitest";
import { internal } from "./_generated/api";
import {
  type Backend,
  anItem,
  anOrder,
  at,
  documents,
  newBackend,
  newId,
  next,
  refusal,
} from "./orders.fixtures";
import type { Order } from "./schema";

const apply = (t: Backend, snapshots: unknown[]) =>
  t.mutation(internal.orders.applySnapshots, { snapshots });
const get = (t: Backend, order: Pick<Order, "id" | "restaurantId">) =>
  t.query(internal.orders.get, { restaurantId: order.restaurantId, orderId: order.id });

describe("orders:applySnapshots", () => {
  test("stores a new order and answers applied", async () => {
    const t = newBackend();
    const order = anOrder();
    expect(await apply(t, [order])).toEqual([{ orderId: order.id, outcome: "applied" }]);
    expect(await get(t, order)).toEqual(order);
  });

  test("a newer version replaces the stored one, in place", async () => {
    const t = newBackend();
    const v1 = anOrder();
    const v2 = next(v1, { status: "preparing" });
    await apply(t, [v1]);
    const [before] = await documents(t);
    expect(await apply(t, [v2])).toEqual([{ orderId: v1.id, outcome: "applied" }]);
    const after = await documents(t);
    expect(after).toHaveLength(1);
    expect(after[0]._id).toBe(before._id);
    expect(await get(t, v1)).toEqual(v2);
  });

  test("an equal or older version is stale and writes nothing", async () => {
    const t = newBackend();
    const v1 = anOrder();
    const v2 = next(v1, { status: "preparing" });
    const v3 = next(v2, { status: "ready" });
    await apply(t, [v3]);
    const stored = await documents(t);
    const sameVersionOtherContent = { ...v3, customerName: "Grace" };
    expect(await apply(t, [v1, v2, sameVersionOtherContent])).toEqual([
      { orderId: v1.id, outcome: "stale" },
      { orderId: v1.id, outcome: "stale" },
      { orderId: v1.id, outcome: "stale" },
    ]);
    expect(await documents(t)).toEqual(stored);
  });

  test("a tombstone is kept against a late older live snapshot", async () => {
    const t = newBackend();
    const v1 = anOrder();
    const v2 = next(v1, { status: "preparing" });
    const deleted = next(v2, { deletedAt: at(5000) });
    expect(await apply(t, [v1, deleted])).toEqual([
      { orderId: v1.id, outcome: "applied" },
      { orderId: v1.id, outcome: "applied" },
    ]);
    expect(await apply(t, [v2])).toEqual([{ orderId: v1.id, outcome: "stale" }]);
    expect(await get(t, v1)).toEqual(deleted);
  });

  test("a newer snapshot with deletedAt null restores a tombstone", async () => {
    const t = newBackend();
    const v1 = anOrder();
    const deleted = next(v1, { deletedAt: at(5000) });
    const restored = next(deleted, { deletedAt: null });
    await apply(t, [v1, deleted]);
    expect(await apply(t, [restored])).toEqual([{ orderId: v1.id, outcome: "applied" }]);
    expect(await get(t, v1)).toEqual(restored);
  });

  test("a batch mixing new, stale and rejected snapshots answers each in order", async () => {
    const t = newBackend();
    const held = anOrder({ version: 3 });
    await apply(t, [held]);
    const fresh = anOrder();
    const newer = next(held);
    const bad = { ...anOrder(), totalCents: 1 };
    const results = await apply(t, [fresh, { ...held, version: 2 }, bad, "junk", newer, { id: 7 }]);
    expect(results).toEqual([
      { orderId: fresh.id, outcome: "applied" },
      { orderId: held.id, outcome: "stale" },
      { orderId: bad.id, outcome: "rejected", code: "INVALID_SNAPSHOT" },
      { orderId: null, outcome: "rejected", code: "INVALID_SNAPSHOT" },
      { orderId: held.id, outcome: "applied" },
      { orderId: null, outcome: "rejected", code: "INVALID_SNAPSHOT" },
    ]);
    expect((await documents(t)).map((d) => d.id).sort()).toEqual([fresh.id, held.id].sort());
    expect(await get(t, held)).toEqual(newer);
  });

  test("the same order twice in a batch: the second is judged against the first", async () => {
    const t = newBackend();
    const v1 = anOrder();
    const v2 = next(v1, { status: "preparing" });
    expect(await apply(t, [v2, v1])).toEqual([
      { orderId: v1.id, outcome: "applied" },
      { orderId: v1.id, outcome: "stale" },
    ]);
    expect(await apply(t, [next(v2), next(next(v2))])).toEqual([
      { orderId: v1.id, outcome: "applied" },
      { orderId: v1.id, outcome: "applied" },
    ]);
    expect((await get(t, v1))?.version).toBe(4);
    expect(await documents(t)).toHaveLength(1);
  });

  test("an order id held by another restaurant is RESTAURANT_MISMATCH, and stays theirs", async () => {
    const t = newBackend();
    const theirs = anOrder();
    await apply(t, [theirs]);
    const mine = next(theirs, { restaurantId: newId() });
    expect(await apply(t, [mine])).toEqual([
      { orderId: theirs.id, outcome: "rejected", code: "RESTAURANT_MISMATCH" },
    ]);
    expect(await get(t, theirs)).toEqual(theirs);
    expect(await get(t, mine)).toBeNull();
  });

  test("each kind of invalid snapshot is rejected with its id, and nothing is stored", async () => {
    const t = newBackend();
    const { notes: _, ...missing } = anOrder();
    const kinds = [
      missing,
      { ...anOrder(), extra: true },
      { ...anOrder(), orderNumber: "1" },
      { ...anOrder(), createdAt: "2024-01-01T00:00:00Z" },
      { ...anOrder(), status: "lost" },
      anOrder({
        items: [anItem({ quantity: 1, unitPriceCents: 99.5, lineTotalCents: 99.5 })],
        totalCents: 99.5,
      }),
      { ...anOrder(), totalCents: 1 },
    ];
    const results = await apply(t, kinds);
    expect(results).toEqual(
      kinds.map((s) => ({ orderId: s.id, outcome: "rejected", code: "INVALID_SNAPSHOT" })),
    );
    expect(await documents(t)).toEqual([]);
  });

  test("more than 1000 snapshots is BATCH_TOO_LARGE, and nothing is written", async () => {
    const t = newBackend();
    const snapshots = Array.from({ length: 1001 }, () => anOrder());
    expect(await refusal(apply(t, snapshots))).toEqual({ code: "BATCH_TOO_LARGE", max: 1000 });
    expect(await documents(t)).toEqual([]);
  });

  test("the relay's batch of 500 fits in one transaction, new and then updated", async () => {
    const t = newBackend();
    const restaurantId = newId();
    const batch = Array.from({ length: 500 }, (_, i) =>
      anOrder({
        restaurantId,
        orderNumber: i + 1,
        items: Array.from({ length: 1 + (i % 4) }, () => anItem({ quantity: 1 + (i % 3) })),
      }),
    );
    const first = await apply(t, batch);
    expect(first.every((r) => r.outcome === "applied")).toBe(true);
    const second = await apply(
      t,
      batch.map((o, i) => (i % 2 === 0 ? next(o) : o)),
    );
    expect(second.map((r) => r.outcome)).toEqual(
      batch.map((_, i) => (i % 2 === 0 ? "applied" : "stale")),
    );
    expect(await documents(t)).toHaveLength(500);
  });

  test("the mock backend enforces Convex's transaction limits", async () => {
    // Without them, the batch-size tests above would prove nothing.
    const t = newBackend();
    const tooManyRanges = t.run(async (ctx) => {
      for (let i = 0; i < 4097; i++) {
        await ctx.db
          .query("orders")
          .withIndex("by_order", (q) => q.eq("id", `${i}`))
          .first();
      }
    });
    await expect(tooManyRanges).rejects.toThrow(/Too many index ranges/);
  });

  test("a batch of 1000 new orders is within the transaction limits too", async () => {
    const t = newBackend();
    const batch = Array.from({ length: 1000 }, () => anOrder());
    expect((await apply(t, batch)).filter((r) => r.outcome === "applied")).toHaveLength(1000);
  });

  test("arguments are validated", async () => {
    const t = newBackend();
    await expect(t.mutation(internal.orders.applySnapshots, {} as never)).rejects.toThrow(
      /snapshots/,
    );
    await expect(
      t.mutation(internal.orders.applySnapshots, { snapshots: anOrder() } as never),
    ).rejects.toThrow(/Validator error/);
  });
});

describe("orders:get", () => {
  test("returns exactly the order object, no system fields", async () => {
    const t = newBackend();
    const order = anOrder({ notes: "by the window" });
    await apply(t, [order]);
    const found = await get(t, order);
    expect(found).toEqual(order);
    expect(Object.keys(found ?? {}).sort()).toEqual(Object.keys(order).sort());
  });

  test("returns tombstones", async () => {
    const t = newBackend();
    const deleted = anOrder({ version: 2, deletedAt: at(1000) });
    await apply(t, [deleted]);
    expect(await get(t, deleted)).toEqual(deleted);
  });

  test("is null for an unknown order and for another restaurant's", async () => {
    const t = newBackend();
    const order = anOrder();
    await apply(t, [order]);
    expect(await get(t, { id: newId(), restaurantId: order.restaurantId })).toBeNull();
    expect(await get(t, { id: order.id, restaurantId: newId() })).toBeNull();
  });

  test("arguments are validated", async () => {
    const t = newBackend();
    await expect(t.query(internal.orders.get, { restaurantId: newId() } as never)).rejects.toThrow(
      /orderId/,
    );
    await expect(
      t.query(internal.orders.get, { restaurantId: newId(), orderId: 7 } as never),
    ).rejects.toThrow(/Validator error/);
  });
});

describe("orders:page", () => {
  const walk = async (t: Backend, limit: number, restaurantId?: string) => {
    const seen: Order[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const result: { page: Order[]; isDone: boolean; continueCursor: string } = await t.query(
        internal.orders.page,
        { restaurantId, cursor, limit },
      );
      expect(result.page.length).toBeLessThanOrEqual(limit);
      seen.push(...result.page);
      if (result.isDone) {
        return seen;
      }
      cursor = result.continueCursor;
    }
    throw new Error("the walk did not end");
  };

  test("walks every stored document exactly once, tombstones included", async () => {
    const t = newBackend();
    const restaurantA = newId();
    const restaurantB = newId();
    const orders = Array.from({ length: 23 }, (_, i) =>
      anOrder({
        restaurantId: i % 3 === 0 ? restaurantB : restaurantA,
        createdAt: at(i % 5),
        deletedAt: i % 4 === 0 ? at(9000) : null,
      }),
    );
    await apply(t, orders);
    const ids = (list: Order[]) => list.map((o) => o.id).sort();

    for (const limit of [1, 4, 1000]) {
      const everything = await walk(t, limit);
      expect(ids(everything)).toEqual(ids(orders));
      const onlyA = await walk(t, limit, restaurantA);
      expect(ids(onlyA)).toEqual(ids(orders.filter((o) => o.restaurantId === restaurantA)));
    }
    const [sample] = await walk(t, 1000, restaurantB);
    expect(sample).toEqual(orders.find((o) => o.id === sample.id));
  });

  test("an empty mirror is one empty, done page", async () => {
    const t = newBackend();
    const result = await t.query(internal.orders.page, { limit: 10 });
    expect(result.page).toEqual([]);
    expect(result.isDone).toBe(true);
  });

  test.each([0, 1001, 2.5, -1])("limit %d is INVALID_ARGUMENT", async (limit) => {
    const t = newBackend();
    expect(await refusal(t.query(internal.orders.page, { limit }))).toMatchObject({
      code: "INVALID_ARGUMENT",
      argument: "limit",
    });
  });
});

describe("orders:repair", () => {
  const repair = (t: Backend, snapshot: unknown, expectedVersion: number | null) =>
    t.mutation(internal.orders.repair, { snapshot, expectedVersion });

  test("writes when nothing is stored and null was expected", async () => {
    const t = newBackend();
    const order = anOrder({ version: 4 });
    expect(await repair(t, order, null)).toEqual({ outcome: "applied" });
    expect(await get(t, order)).toEqual(order);
  });

  test("writes an older snapshot over the expected version", async () => {
    const t = newBackend();
    const v1 = anOrder();
    const wrongV5 = { ...v1, version: 5, customerName: "Mallory" };
    await apply(t, [wrongV5]);
    expect(await repair(t, v1, 5)).toEqual({ outcome: "applied" });
    expect(await get(t, v1)).toEqual(v1);
  });

  test("a version that moved on is a conflict and writes nothing", async () => {
    const t = newBackend();
    const v1 = anOrder();
    await apply(t, [v1]);
    const stored = await documents(t);
    expect(await repair(t, next(v1), 2)).toEqual({ outcome: "conflict" });
    expect(await repair(t, next(v1), null)).toEqual({ outcome: "conflict" });
    expect(await repair(t, anOrder(), 1)).toEqual({ outcome: "conflict" });
    expect(await documents(t)).toEqual(stored);
  });

  test("an invalid snapshot or another restaurant's order is rejected", async () => {
    const t = newBackend();
    const theirs = anOrder();
    await apply(t, [theirs]);
    expect(await repair(t, { ...anOrder(), version: 0 }, null)).toEqual({
      outcome: "rejected",
      code: "INVALID_SNAPSHOT",
    });
    expect(await repair(t, { ...theirs, restaurantId: newId() }, 1)).toEqual({
      outcome: "rejected",
      code: "RESTAURANT_MISMATCH",
    });
    expect(await get(t, theirs)).toEqual(theirs);
  });

  test("arguments are validated", async () => {
    const t = newBackend();
    await expect(
      t.mutation(internal.orders.repair, { snapshot: anOrder() } as never),
    ).rejects.toThrow(/expectedVersion/);
    await expect(
      t.mutation(internal.orders.repair, { snapshot: anOrder(), expectedVersion: "1" } as never),
    ).rejects.toThrow(/Validator error/);
  });
});

describe("orders:remove", () => {
  const remove = (t: Backend, orderId: string, expectedVersion: number) =>
    t.mutation(internal.orders.remove, { orderId, expectedVersion });

  test("removes the document when the version is still the one seen", async () => {
    const t = newBackend();
    const extra = anOrder({ version: 3 });
    const other = anOrder();
    await apply(t, [extra, other]);
    expect(await remove(t, extra.id, 3)).toEqual({ outcome: "removed" });
    expect((await documents(t)).map((d) => d.id)).toEqual([other.id]);
    expect(await remove(t, extra.id, 3)).toEqual({ outcome: "missing" });
  });

  test("a version that moved on is a conflict and keeps the document", async () => {
    const t = newBackend();
    const order = anOrder({ version: 3 });
    await apply(t, [order]);
    expect(await remove(t, order.id, 2)).toEqual({ outcome: "conflict" });
    expect(await remove(t, order.id, 4)).toEqual({ outcome: "conflict" });
    expect(await get(t, order)).toEqual(order);
  });

  test("an unknown order is missing", async () => {
    const t = newBackend();
    expect(await remove(t, newId(), 1)).toEqual({ outcome: "missing" });
  });

  test("arguments are validated", async () => {
    const t = newBackend();
    await expect(t.mutation(internal.orders.remove, { orderId: newId() } as never)).rejects.toThrow(
      /expectedVersion/,
    );
  });
});
