import { defineSchema, defineTable } from "convex/server";
import { type Infer, v } from "convex/values";

// One document per order: the api.md order object, nothing more. Money, versions and order numbers
// are v.number() (exact to 2^53): the HTTP API's "json" format has no plain form for v.int64().

export const statuses = ["received", "preparing", "ready", "completed", "cancelled"] as const;
export const paymentMethods = ["cash", "card", "online"] as const;

export const status = v.union(...statuses.map((s) => v.literal(s)));
export const paymentMethod = v.union(...paymentMethods.map((m) => v.literal(m)));

export const orderItem = v.object({
  id: v.string(),
  menuItemId: v.string(),
  name: v.string(),
  quantity: v.number(),
  unitPriceCents: v.number(),
  lineTotalCents: v.number(),
  specialInstructions: v.union(v.string(), v.null()),
});

export const order = v.object({
  id: v.string(),
  restaurantId: v.string(),
  orderNumber: v.number(),
  customerName: v.string(),
  customerPhone: v.string(),
  status,
  paymentMethod,
  notes: v.union(v.string(), v.null()),
  items: v.array(orderItem),
  totalCents: v.number(),
  currency: v.string(),
  version: v.number(),
  createdBy: v.string(),
  createdAt: v.string(),
  updatedAt: v.string(),
  deletedAt: v.union(v.string(), v.null()),
});

export type Status = Infer<typeof status>;
export type OrderItem = Infer<typeof orderItem>;
export type Order = Infer<typeof order>;

export default defineSchema({
  // Times are fixed-width UTC strings, so index order on createdAt is time order; `id` breaks ties
  // exactly as PostgreSQL's keyset does.
  orders: defineTable(order)
    .index("by_order", ["id"])
    .index("by_restaurant_created", ["restaurantId", "createdAt", "id"])
    .index("by_restaurant_status", ["restaurantId", "status", "createdAt", "id"]),
});
