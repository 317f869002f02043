import { type Order, type OrderItem, paymentMethods, statuses } from "../schema";

// The hand-written twin of the `order` validator in schema.ts. Snapshots arrive as v.any() so that
// one bad snapshot is answered `rejected` instead of failing argument validation for the whole
// batch; this check must therefore accept only what the schema (and Convex's limits) accept, or an
// insert would throw and fail the batch after all. The Record<keyof …> tables make a field added
// to or removed from the schema a type error here.

type Check = (value: unknown) => boolean;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURRENCY = /^[A-Z]{3}$/;

// api.md: an order has 1–50 items.
const MAX_ITEMS = 50;
// Convex refuses documents over 1 MiB; its size accounting differs from JSON's, so stay well below
// (a 50-item order is about 20 KB).
const MAX_SNAPSHOT_BYTES = 512 * 1024;

const isString: Check = (value) => typeof value === "string";
const orNull =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
const oneOf =
  (allowed: readonly string[]): Check =>
  (value) =>
    typeof value === "string" && allowed.includes(value);
const matches =
  (pattern: RegExp): Check =>
  (value) =>
    typeof value === "string" && pattern.test(value);
// Lower case only: ids are compared as strings (lookups, keyset tie-breaks), and lower-case
// hex sorts like PostgreSQL's uuid order.
const isUuid = matches(UUID);
const isCents: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const isPositive: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 1;

/** A `YYYY-MM-DDTHH:MM:SS.mmmZ` string naming a real instant (no 30 February, no hour 24). */
export function isTime(value: unknown): value is string {
  if (typeof value !== "string" || !TIME.test(value)) {
    return false;
  }
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
}

const itemFields: Record<keyof OrderItem, Check> = {
  id: isUuid,
  menuItemId: isUuid,
  name: isString,
  quantity: isPositive,
  unitPriceCents: isCents,
  lineTotalCents: isCents,
  specialInstructions: orNull(isString),
};

const orderFields: Record<keyof Order, Check> = {
  id: isUuid,
  restaurantId: isUuid,
  orderNumber: isPositive,
  customerName: isString,
  customerPhone: isString,
  status: oneOf(statuses),
  paymentMethod: oneOf(paymentMethods),
  notes: orNull(isString),
  items: (value) =>
    Array.isArray(value) && value.length >= 1 && value.length <= MAX_ITEMS && value.every(isItem),
  totalCents: isCents,
  currency: matches(CURRENCY),
  version: isPositive,
  createdBy: isUuid,
  createdAt: isTime,
  updatedAt: isTime,
  deletedAt: orNull(isTime),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Exactly the table's keys, each passing its check: a missing or an extra field fails. */
function hasFields(
  value: unknown,
  fields: Record<string, Check>,
): value is Record<string, unknown> {
  if (!isRecord(value)) {
    return false;
  }
  const names = Object.keys(fields);
  return (
    Object.keys(value).length === names.length &&
    names.every((name) => Object.hasOwn(value, name) && fields[name](value[name]))
  );
}

function isItem(value: unknown): boolean {
  return (
    hasFields(value, itemFields) &&
    value.lineTotalCents === (value.quantity as number) * (value.unitPriceCents as number)
  );
}

/** Whether `value` is a whole, consistent order document the mirror may store. */
export function isSnapshot(value: unknown): value is Order {
  if (!hasFields(value, orderFields)) {
    return false;
  }
  const items = value.items as OrderItem[];
  const sum = items.reduce((total, item) => total + item.lineTotalCents, 0);
  return (
    value.totalCents === sum &&
    new TextEncoder().encode(JSON.stringify(value)).length <= MAX_SNAPSHOT_BYTES
  );
}

/** The order id a rejected snapshot is reported under: its `id` when that is a string. */
export function claimedId(value: unknown): string | null {
  return isRecord(value) && typeof value.id === "string" ? value.id : null;
}
