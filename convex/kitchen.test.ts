import type { UserIdentity } from "convex/server";
import { describe, expect, test } from "vitest";
import { api, internal } from "./_generated/api";
import { type Backend, anOrder, at, newBackend, newId, refusal } from "./orders.fixtures";
import type { Order, Status } from "./schema";

const screen = (t: Backend, claims: Partial<UserIdentity>, statuses?: Status[]) =>
  t.withIdentity(claims).query(api.kitchen.orders, statuses === undefined ? {} : { statuses });
const ids = (orders: Order[]) => orders.map((o) => o.id);

/** Two restaurants with orders in every status, a tombstone each, and two customers in A. */
async function twoRestaurants() {
  const t = newBackend();
  const a = newId();
  const b = newId();
  const [ada, grace] = [newId(), newId()];
  const orders = [
    anOrder({ restaurantId: a, status: "received", createdAt: at(3000), createdBy: ada }),
    anOrder({ restaurantId: a, status: "preparing", createdAt: at(1000), createdBy: grace }),
    anOrder({ restaurantId: a, status: "ready", createdAt: at(2000), createdBy: ada }),
    anOrder({ restaurantId: a, status: "completed", createdAt: at(500), createdBy: ada }),
    anOrder({ restaurantId: a, status: "cancelled", createdAt: at(600), createdBy: grace }),
    anOrder({
      restaurantId: a,
      status: "received",
      version: 2,
      deletedAt: at(9000),
      createdBy: ada,
    }),
    anOrder({ restaurantId: b, status: "received", createdAt: at(1500), createdBy: ada }),
    anOrder({ restaurantId: b, status: "ready", createdAt: at(2500) }),
  ];
  await t.mutation(internal.orders.applySnapshots, { snapshots: orders });
  const of = (restaurantId: string, keep: (o: Order) => boolean = () => true) =>
    orders
      .filter((o) => o.restaurantId === restaurantId && o.deletedAt === null && keep(o))
      .sort((x, y) => (x.createdAt < y.createdAt ? -1 : 1));
  return { t, a, b, ada, grace, orders, of };
}

const open = (o: Order) => ["received", "preparing", "ready"].includes(o.status);

describe("kitchen:orders", () => {
  test("without an identity it is UNAUTHENTICATED", async () => {
    const { t } = await twoRestaurants();
    expect(await refusal(t.query(api.kitchen.orders, {}))).toEqual({ code: "UNAUTHENTICATED" });
  });

  test("an identity without a string restaurantId, or with an unknown role, is FORBIDDEN", async () => {
    const { t, a } = await twoRestaurants();
    for (const claims of [
      { subject: newId(), role: "staff" },
      { subject: newId(), role: "staff", restaurantId: 42 },
      { subject: newId(), role: "staff", restaurantId: [a] },
      { subject: newId(), restaurantId: a },
      { subject: newId(), restaurantId: a, role: "owner" },
    ]) {
      expect(await refusal(screen(t, claims)), JSON.stringify(claims)).toEqual({
        code: "FORBIDDEN",
      });
    }
  });

  test("staff see their restaurant's open orders, oldest first, never another's", async () => {
    const { t, a, b, of } = await twoRestaurants();
    for (const role of ["staff", "admin"]) {
      const seen = await screen(t, { subject: newId(), restaurantId: a, role });
      expect(ids(seen)).toEqual(ids(of(a, open)));
      expect(seen.every((o) => o.restaurantId === a)).toBe(true);
    }
    expect(ids(await screen(t, { subject: newId(), restaurantId: b, role: "staff" }))).toEqual(
      ids(of(b, open)),
    );
  });

  test("the statuses argument picks the statuses; deleted orders never show", async () => {
    const { t, a, of } = await twoRestaurants();
    const staff = { subject: newId(), restaurantId: a, role: "staff" };
    expect(ids(await screen(t, staff, ["completed", "cancelled"]))).toEqual(
      ids(of(a, (o) => o.status === "completed" || o.status === "cancelled")),
    );
    const everything = await screen(t, staff, [
      "received",
      "preparing",
      "ready",
      "completed",
      "cancelled",
    ]);
    expect(ids(everything)).toEqual(ids(of(a)));
    expect(everything.every((o) => o.deletedAt === null)).toBe(true);
  });

  test("a customer sees only the orders it created", async () => {
    const { t, a, ada, grace, of } = await twoRestaurants();
    const mine = await screen(t, { subject: ada, restaurantId: a, role: "customer" });
    expect(ids(mine)).toEqual(ids(of(a, (o) => open(o) && o.createdBy === ada)));
    expect(mine.length).toBe(2);
    const hers = await screen(t, { subject: grace, restaurantId: a, role: "customer" });
    expect(ids(hers)).toEqual(ids(of(a, (o) => open(o) && o.createdBy === grace)));
  });

  test("a restaurant with no orders sees an empty list", async () => {
    const { t } = await twoRestaurants();
    expect(await screen(t, { subject: newId(), restaurantId: newId(), role: "staff" })).toEqual([]);
  });

  test("at most 500 orders, the oldest", async () => {
    const t = newBackend();
    const restaurantId = newId();
    const orders = Array.from({ length: 520 }, (_, i) =>
      anOrder({
        restaurantId,
        status: (["received", "ready"] as const)[i % 2],
        createdAt: at(520 - i),
      }),
    );
    await t.mutation(internal.orders.applySnapshots, { snapshots: orders.slice(0, 260) });
    await t.mutation(internal.orders.applySnapshots, { snapshots: orders.slice(260) });
    const seen = await screen(t, { subject: newId(), restaurantId, role: "staff" });
    expect(seen).toHaveLength(500);
    expect(ids(seen)).toEqual(ids([...orders].reverse().slice(0, 500)));
  });

  test("arguments are validated", async () => {
    const { t, a } = await twoRestaurants();
    const staff = { subject: newId(), restaurantId: a, role: "staff" };
    expect(await refusal(screen(t, staff, []))).toMatchObject({
      code: "INVALID_ARGUMENT",
      argument: "statuses",
    });
    await expect(screen(t, staff, ["lost" as Status])).rejects.toThrow(/Validator error/);
    await expect(
      t.withIdentity(staff).query(api.kitchen.orders, { restaurantId: a } as never),
    ).rejects.toThrow(/Validator error/);
  });
});
