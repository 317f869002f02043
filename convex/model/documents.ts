import type { Doc } from "../_generated/dataModel";
import type { DatabaseReader, DatabaseWriter } from "../_generated/server";
import type { Order } from "../schema";

/** The stored document of an order, whatever its restaurant, or null. */
export async function findOrder(
  db: DatabaseReader,
  orderId: string,
): Promise<Doc<"orders"> | null> {
  // NOTE: an index range read, not a filter: it is in the mutation's read set even when no
  // document exists, so two concurrent first applies of one order conflict and are serialised.
  return await db
    .query("orders")
    .withIndex("by_order", (q) => q.eq("id", orderId))
    .unique();
}

/** Store `order` over `held` (its current document), or as a new document. */
export async function putOrder(
  db: DatabaseWriter,
  held: Doc<"orders"> | null,
  order: Order,
): Promise<void> {
  if (held === null) {
    await db.insert("orders", order);
  } else {
    await db.replace("orders", held._id, order);
  }
}

/** The order object as the API shows it: Convex's `_id` and `_creationTime` left out. */
export function toOrder(doc: Doc<"orders">): Order {
  const { _id, _creationTime, ...order } = doc;
  return order;
}
