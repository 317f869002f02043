import { ConvexError, v } from "convex/values";
import { query } from "./_generated/server";
import { toOrder } from "./model/documents";
import { listOrders } from "./model/listing";
import { requireNonEmpty } from "./model/refusals";
import { order, type Status, status } from "./schema";

// What kitchen screens subscribe to with a realtime token. The restaurant comes from the token
// alone: there is no restaurantId argument a screen could change.

const OPEN: readonly Status[] = ["received", "preparing", "ready"];
const MAX_ORDERS = 500;
const ROLES = ["admin", "staff", "customer"];

/** The caller's restaurant's live orders in those statuses, oldest first, at most 500. */
export const orders = query({
  args: { statuses: v.optional(v.array(status)) },
  returns: v.array(order),
  handler: async (ctx, args) => {
    const identity = await ctx.auth.getUserIdentity();
    if (identity === null) {
      throw new ConvexError({ code: "UNAUTHENTICATED" });
    }
    const { restaurantId, role } = identity;
    // SECURITY: fail closed. A token without a restaurant, or with a role this function does not
    // know, sees nothing rather than the whole restaurant.
    if (typeof restaurantId !== "string" || typeof role !== "string" || !ROLES.includes(role)) {
      throw new ConvexError({ code: "FORBIDDEN" });
    }
    const docs = await listOrders(ctx.db, {
      restaurantId,
      statuses: requireNonEmpty("statuses", args.statuses) ?? OPEN,
      includeDeleted: false,
      createdBy: role === "customer" ? identity.subject : undefined,
      descending: false,
      limit: MAX_ORDERS,
    });
    return docs.map(toOrder);
  },
});
