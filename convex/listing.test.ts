import { describe, expect, test } from "vitest";
import { internal } from "./_generated/api";
import {
  type Backend,
  anOrder,
  at,
  newBackend,
  newId,
  randomSource,
  refusal,
} from "./orders.fixtures";
import { type Order, type Status, statuses } from "./schema";

// orders:list against a plain reference: PostgreSQL's keyset page written as filter, sort, slice.

type ListArgs = {
  restaurantId: string;
  statuses?: Status[];
  createdAfter?: string;
  createdBefore?: string;
  includeDeleted: boolean;
  createdBy?: string;
  sort: "createdAt" | "-createdAt";
  after?: { createdAt: string; id: string };
  limit: number;
};

function reference(orders: Order[], q: ListArgs): Order[] {
  const key = (o: { createdAt: string; id: string }) => [o.createdAt, o.id] as const;
  const cmp = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) => {
    const [x, y] = [key(a), key(b)];
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
  };
  const sign = q.sort === "createdAt" ? 1 : -1;
  return orders
    .filter(
      (o) =>
        o.restaurantId === q.restaurantId &&
        (q.statuses === undefined || q.statuses.includes(o.status)) &&
        (q.createdAfter === undefined || o.createdAt > q.createdAfter) &&
        (q.createdBefore === undefined || o.createdAt < q.createdBefore) &&
        (q.includeDeleted || o.deletedAt === null) &&
        (q.createdBy === undefined || o.createdBy === q.createdBy) &&
        (q.after === undefined || sign * cmp(o, q.after) > 0),
    )
    .sort((a, b) => sign * cmp(a, b))
    .slice(0, q.limit);
}

const list = (t: Backend, args: ListArgs) => t.query(internal.orders.list, args);
const ids = (orders: Order[]) => orders.map((o) => o.id);

// Few distinct creation times, so that ties on createdAt are the rule and bounds meet cursors.
const TIMES = 12;

/** Orders of one restaurant with many ties on createdAt, plus a neighbour's, all stored. */
async function populated(seed: number) {
  const random = randomSource(seed);
  const restaurantId = newId();
  const users = [newId(), newId(), newId()];
  const mine = Array.from({ length: 160 }, (_, i) =>
    anOrder({
      id: random.uuid(),
      restaurantId,
      orderNumber: i + 1,
      status: random.pick(statuses),
      createdBy: random.pick(users),
      createdAt: at(1000 * random.below(TIMES)),
      deletedAt: random.below(5) === 0 ? at(99_000) : null,
    }),
  );
  // The neighbour shares times, statuses and even a user id: only restaurantId tells them apart.
  const theirs = Array.from({ length: 40 }, () =>
    anOrder({
      createdBy: users[0],
      status: random.pick(statuses),
      createdAt: at(1000 * random.below(TIMES)),
    }),
  );
  const t = newBackend();
  await t.mutation(internal.orders.applySnapshots, { snapshots: [...mine, ...theirs] });
  return { t, random, restaurantId, users, mine, all: [...mine, ...theirs] };
}

describe("orders:list", () => {
  test("matches the reference on random queries: filters, sorts, cursors, limits", async () => {
    const { t, random, restaurantId, users, mine, all } = await populated(7);
    const maybe = <T>(value: () => T) => (random.below(2) === 0 ? undefined : value());
    for (let round = 0; round < 150; round++) {
      const picked = statuses.filter(() => random.below(2) === 0);
      const anchor = random.pick(mine);
      const args: ListArgs = {
        restaurantId,
        statuses: picked.length > 0 && random.below(3) > 0 ? picked : undefined,
        // Bounds on stored times (exclusive edges) and just beside them.
        createdAfter: maybe(() => at(1000 * random.below(TIMES) + random.pick([-1, 0, 0]))),
        createdBefore: maybe(() => at(1000 * random.below(TIMES) + random.pick([1, 0, 0]))),
        includeDeleted: random.below(2) === 0,
        createdBy: maybe(() => random.pick(users)),
        sort: random.pick(["createdAt", "-createdAt"] as const),
        // Cursors sit on stored rows (mid-tie) and between them.
        after: maybe(() =>
          random.below(2) === 0
            ? { createdAt: anchor.createdAt, id: anchor.id }
            : { createdAt: at(1000 * random.below(TIMES)), id: random.uuid() },
        ),
        limit: random.pick([1, 2, 7, 50, 201]),
      };
      const expected = reference(all, args);
      expect(ids(await list(t, args)), JSON.stringify(args)).toEqual(ids(expected));
    }
  });

  test("a cursor walk returns every matching order exactly once, in order, across ties", async () => {
    const { t, restaurantId, all } = await populated(11);
    for (const sort of ["createdAt", "-createdAt"] as const) {
      for (const query of [
        { statuses: undefined },
        { statuses: ["received", "ready", "cancelled"] as Status[] },
        { statuses: ["preparing"] as Status[], createdAfter: at(4000), createdBefore: at(20_000) },
      ]) {
        const base = { restaurantId, includeDeleted: true, sort, limit: 3, ...query };
        const walked: Order[] = [];
        let after: ListArgs["after"];
        // Bounded: a cursor that fails to advance must fail the test, not hang it.
        for (let pages = 0; pages < 100; pages++) {
          const page = await list(t, { ...base, after });
          walked.push(...page);
          if (page.length < base.limit) {
            break;
          }
          const last = page[page.length - 1];
          after = { createdAt: last.createdAt, id: last.id };
        }
        const expected = reference(all, { ...base, limit: 1000 });
        expect(expected.length).toBeGreaterThan(10);
        expect(ids(walked)).toEqual(ids(expected));
      }
    }
  });

  test("a cursor on the window's edge leaves out the ties at that edge", async () => {
    const t = newBackend();
    const restaurantId = newId();
    const orders = [0, 0, 0, 1000, 1000, 1000, 2000, 2000].map((ms) =>
      anOrder({ restaurantId, createdAt: at(ms) }),
    );
    await t.mutation(internal.orders.applySnapshots, { snapshots: orders });
    const sorted = reference(orders, {
      restaurantId,
      includeDeleted: false,
      sort: "createdAt",
      limit: 10,
    });
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    for (const args of [
      {
        sort: "createdAt",
        createdAfter: at(0),
        after: { createdAt: first.createdAt, id: first.id },
      },
      {
        sort: "-createdAt",
        createdBefore: at(2000),
        after: { createdAt: last.createdAt, id: last.id },
      },
      { sort: "createdAt", createdBefore: at(1000), after: { createdAt: at(1000), id: "" } },
      { sort: "-createdAt", createdAfter: at(1000), after: { createdAt: at(1000), id: "g" } },
    ] as const) {
      const query: ListArgs = { restaurantId, includeDeleted: false, limit: 10, ...args };
      expect(ids(await list(t, query)), JSON.stringify(args)).toEqual(
        ids(reference(orders, query)),
      );
    }
    expect(
      reference(orders, {
        restaurantId,
        includeDeleted: false,
        limit: 10,
        sort: "createdAt",
        createdAfter: at(0),
        after: { createdAt: first.createdAt, id: first.id },
      }),
    ).toHaveLength(5);
  });

  test("several statuses are merged into one (createdAt, id) order", async () => {
    const t = newBackend();
    const restaurantId = newId();
    const orders = ["ready", "received", "ready", "preparing", "received", "completed"].map(
      (status, i) =>
        anOrder({ restaurantId, status: status as Status, createdAt: at(1000 * (i % 3)) }),
    );
    await t.mutation(internal.orders.applySnapshots, { snapshots: orders });
    const args: ListArgs = {
      restaurantId,
      statuses: ["received", "ready", "ready"],
      includeDeleted: false,
      sort: "createdAt",
      limit: 10,
    };
    const found = await list(t, args);
    expect(found.map((o) => o.status).sort()).toEqual(["ready", "ready", "received", "received"]);
    expect(ids(found)).toEqual(ids(reference(orders, args)));
    expect(ids(await list(t, { ...args, sort: "-createdAt" }))).toEqual(ids(found).reverse());
  });

  test("returns whole order objects and hides tombstones unless asked", async () => {
    const t = newBackend();
    const restaurantId = newId();
    const live = anOrder({ restaurantId, notes: "extra cheese" });
    const gone = anOrder({ restaurantId, version: 2, deletedAt: at(5000) });
    await t.mutation(internal.orders.applySnapshots, { snapshots: [live, gone] });
    const base = { restaurantId, sort: "createdAt" as const, limit: 10 };
    expect(await list(t, { ...base, includeDeleted: false })).toEqual([live]);
    expect(ids(await list(t, { ...base, includeDeleted: true })).sort()).toEqual(
      [live.id, gone.id].sort(),
    );
  });

  test("refuses what validators cannot express", async () => {
    const t = newBackend();
    const base: ListArgs = {
      restaurantId: newId(),
      includeDeleted: false,
      sort: "createdAt",
      limit: 10,
    };
    const cases: [Partial<ListArgs>, string][] = [
      [{ limit: 0 }, "limit"],
      [{ limit: 202 }, "limit"],
      [{ limit: 1.5 }, "limit"],
      [{ statuses: [] }, "statuses"],
      [{ createdAfter: "2024-01-01" }, "createdAfter"],
      [{ createdBefore: "2024-01-01T00:00:00+00:00" }, "createdBefore"],
      [{ after: { createdAt: "yesterday", id: newId() } }, "after.createdAt"],
    ];
    for (const [change, argument] of cases) {
      expect(await refusal(list(t, { ...base, ...change }))).toMatchObject({
        code: "INVALID_ARGUMENT",
        argument,
      });
    }
  });

  test("validates argument types", async () => {
    const t = newBackend();
    const base = { restaurantId: newId(), includeDeleted: false, sort: "createdAt", limit: 10 };
    for (const bad of [
      { ...base, sort: "newest" },
      { ...base, statuses: ["lost"] },
      { ...base, includeDeleted: undefined },
      { ...base, limit: "10" },
      { ...base, after: { createdAt: at(0) } },
      { ...base, unknown: 1 },
    ]) {
      await expect(list(t, bad as never), JSON.stringify(bad)).rejects.toThrow(/Validator error/);
    }
  });
});
