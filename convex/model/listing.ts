import type { IndexRange, IndexRangeBuilder, NamedIndex, NamedTableInfo } from "convex/server";
import type { DataModel, Doc } from "../_generated/dataModel";
import type { DatabaseReader } from "../_generated/server";
import type { Status } from "../schema";

// PostgreSQL's keyset page over the mirror: order by (createdAt, id), filter, then the first
// `limit` rows strictly past the cursor. Every stream is an index range already in that order;
// several statuses are several streams, merged.

export type Position = { createdAt: string; id: string };

export type Listing = {
  restaurantId: string;
  /** Undefined: every status. Otherwise non-empty. */
  statuses?: readonly Status[];
  /** Exclusive bounds on createdAt (fixed-width strings compare as times). */
  createdAfter?: string;
  createdBefore?: string;
  includeDeleted: boolean;
  createdBy?: string;
  descending: boolean;
  /** Only rows strictly past this one, in the listing's order. */
  after?: Position;
  limit: number;
};

type OrderDoc = Doc<"orders">;

/** A run of one index: rows with createdAt strictly inside a window, or the ties of one createdAt. */
type Span = { kind: "window"; after?: string; before?: string } | { kind: "ties"; at: Position };

/** The orders `listing` selects, in its order, at most `limit`. */
export async function listOrders(db: DatabaseReader, listing: Listing): Promise<OrderDoc[]> {
  const keep = (doc: OrderDoc) =>
    (listing.includeDeleted || doc.deletedAt === null) &&
    (listing.createdBy === undefined || doc.createdBy === listing.createdBy);
  const perStatus = listing.statuses === undefined ? [undefined] : [...new Set(listing.statuses)];
  const streams = perStatus.map((status) =>
    filtered(concat(spans(listing).map((span) => read(db, listing, status, span))), keep),
  );
  return await merged(streams, listing.descending, listing.limit);
}

/**
 * The index runs past the cursor, in order. Ascending after (t, i): the ties (createdAt = t,
 * id > i), then createdAt > t. Descending mirrors it. Runs outside the window are left out.
 */
function spans({ createdAfter, createdBefore, after, descending }: Listing): Span[] {
  if (after === undefined) {
    return nonEmpty({ kind: "window", after: createdAfter, before: createdBefore });
  }
  const tiesInside =
    (createdAfter === undefined || after.createdAt > createdAfter) &&
    (createdBefore === undefined || after.createdAt < createdBefore);
  const ties: Span[] = tiesInside ? [{ kind: "ties", at: after }] : [];
  const rest = descending
    ? {
        kind: "window" as const,
        after: createdAfter,
        before: earlier(createdBefore, after.createdAt),
      }
    : {
        kind: "window" as const,
        after: later(createdAfter, after.createdAt),
        before: createdBefore,
      };
  return [...ties, ...nonEmpty(rest)];
}

// NOTE: an empty window is left out rather than sent as an inverted range: it saves a range read
// and relies on nothing about how the backend treats lower > upper.
function nonEmpty(span: Span & { kind: "window" }): Span[] {
  const empty = span.after !== undefined && span.before !== undefined && span.after >= span.before;
  return empty ? [] : [span];
}

const later = (a: string | undefined, b: string) => (a === undefined || b > a ? b : a);
const earlier = (a: string | undefined, b: string) => (a === undefined || b < a ? b : a);

/** One span of the status index (when `status` is given) or of the creation index. */
function read(
  db: DatabaseReader,
  listing: Listing,
  status: Status | undefined,
  span: Span,
): AsyncIterable<OrderDoc> {
  const order = listing.descending ? "desc" : "asc";
  const orders = db.query("orders");
  if (status === undefined) {
    return orders
      .withIndex("by_restaurant_created", (q) =>
        bounded(q.eq("restaurantId", listing.restaurantId), span, listing.descending),
      )
      .order(order);
  }
  return orders
    .withIndex("by_restaurant_status", (q) =>
      bounded(
        q.eq("restaurantId", listing.restaurantId).eq("status", status),
        span,
        listing.descending,
      ),
    )
    .order(order);
}

/**
 * Both indexes end in (createdAt, id): once the equality prefix is applied, a span bounds the same
 * two fields whichever index it reads.
 */
type Fields<Index extends "by_restaurant_created" | "by_restaurant_status"> = NamedIndex<
  NamedTableInfo<DataModel, "orders">,
  Index
>;
type AfterPrefix =
  | IndexRangeBuilder<OrderDoc, Fields<"by_restaurant_created">, 1>
  | IndexRangeBuilder<OrderDoc, Fields<"by_restaurant_status">, 2>;

function bounded(q: AfterPrefix, span: Span, descending: boolean): IndexRange {
  if (span.kind === "ties") {
    const sameTime = q.eq("createdAt", span.at.createdAt);
    return descending ? sameTime.lt("id", span.at.id) : sameTime.gt("id", span.at.id);
  }
  if (span.after === undefined) {
    return span.before === undefined ? q : q.lt("createdAt", span.before);
  }
  const lower = q.gt("createdAt", span.after);
  return span.before === undefined ? lower : lower.lt("createdAt", span.before);
}

async function* concat<T>(parts: AsyncIterable<T>[]): AsyncIterable<T> {
  for (const part of parts) {
    yield* part;
  }
}

async function* filtered<T>(items: AsyncIterable<T>, keep: (item: T) => boolean): AsyncIterable<T> {
  for await (const item of items) {
    if (keep(item)) {
      yield item;
    }
  }
}

function compare(a: OrderDoc, b: OrderDoc): number {
  if (a.createdAt !== b.createdAt) {
    return a.createdAt < b.createdAt ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The first `limit` rows of sorted streams, merged: it pulls at most limit + streams rows. */
async function merged(
  streams: AsyncIterable<OrderDoc>[],
  descending: boolean,
  limit: number,
): Promise<OrderDoc[]> {
  const sign = descending ? -1 : 1;
  const cursors = streams.map((stream) => stream[Symbol.asyncIterator]());
  const pull = async (i: number) => {
    const next = await cursors[i].next();
    return next.done ? undefined : next.value;
  };
  const heads = await Promise.all(cursors.map((_, i) => pull(i)));
  const out: OrderDoc[] = [];
  while (out.length < limit) {
    let first: OrderDoc | undefined;
    let from = -1;
    heads.forEach((head, i) => {
      if (head !== undefined && (first === undefined || sign * compare(head, first) < 0)) {
        first = head;
        from = i;
      }
    });
    if (first === undefined) {
      break;
    }
    out.push(first);
    heads[from] = await pull(from);
  }
  return out;
}
