/// <reference types="vite/client" />
// Shared by the Convex tests. The second dot in the name keeps Convex's bundler from deploying
// this file (it skips every file whose name has more than one dot, `*.test.ts` included).
import { convexTest } from "convex-test";
import { ConvexError, type Value } from "convex/values";
import { expect } from "vitest";
import schema, { type Order, type OrderItem } from "./schema";

// Every module of convex/, `_generated` included: convex-test finds the functions' root by it.
export const modules = import.meta.glob("./**/*.ts");

/** A fresh, empty mock backend that enforces Convex's per-transaction limits. */
export function newBackend() {
  return convexTest({ schema, modules, transactionLimits: true });
}

export type Backend = ReturnType<typeof newBackend>;

/** A seeded generator (mulberry32), so a failing random case can be replayed. */
export function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)];
  const hex = (digits: number) =>
    Array.from({ length: digits }, () => below(16).toString(16)).join("");
  const uuid = () =>
    `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
  return { next, below, pick, uuid };
}

const ids = randomSource(20240131);
/** A fresh lower-case UUID. */
export const newId = () => ids.uuid();

/** The mirror's time format for `ms` after 2024-01-01T00:00:00.000Z. */
export function at(ms: number): string {
  return new Date(Date.UTC(2024, 0, 1) + ms).toISOString();
}

export function anItem(overrides: Partial<OrderItem> = {}): OrderItem {
  const quantity = overrides.quantity ?? 2;
  const unitPriceCents = overrides.unitPriceCents ?? 1150;
  return {
    id: newId(),
    menuItemId: newId(),
    name: "Margherita",
    quantity,
    unitPriceCents,
    lineTotalCents: quantity * unitPriceCents,
    specialInstructions: null,
    ...overrides,
  };
}

/** A valid snapshot; `items` keeps totalCents consistent unless totalCents is given too. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  const items = overrides.items ?? [anItem()];
  const createdAt = overrides.createdAt ?? at(0);
  return {
    id: newId(),
    restaurantId: newId(),
    orderNumber: 1,
    customerName: "Ada",
    customerPhone: "+14155550123",
    status: "received",
    paymentMethod: "card",
    notes: null,
    items,
    totalCents: items.reduce((sum, item) => sum + item.lineTotalCents, 0),
    currency: "USD",
    version: 1,
    createdBy: newId(),
    createdAt,
    updatedAt: createdAt,
    deletedAt: null,
    ...overrides,
  };
}

/** The next version of `order`, with `changes`. */
export function next(order: Order, changes: Partial<Order> = {}): Order {
  return { ...order, version: order.version + 1, updatedAt: at(order.version * 1000), ...changes };
}

/** Every stored document, system fields included. */
export async function documents(t: Backend) {
  return await t.run(async (ctx) => await ctx.db.query("orders").collect());
}

/** The `data` of the ConvexError that `call` fails with. */
export async function refusal(call: Promise<unknown>): Promise<Value> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvexError);
  return (error as ConvexError<Value>).data;
}
