import { describe, expect, test } from "vitest";
import { isSnapshot, isTime } from "./model/snapshot";
import { anItem, anOrder } from "./orders.fixtures";
import { order } from "./schema";

// The hand-written check against the schema it mirrors: anything it lets through must be a
// document Convex stores, and every way a snapshot can be wrong must be caught here, before an
// insert could throw and fail a whole batch.

const without = (value: object, key: string) =>
  Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));

describe("isSnapshot", () => {
  test("accepts a whole, consistent order", () => {
    expect(isSnapshot(anOrder())).toBe(true);
    expect(
      isSnapshot(anOrder({ notes: "ring twice", deletedAt: "2024-02-29T23:59:59.999Z" })),
    ).toBe(true);
    expect(
      isSnapshot(anOrder({ items: [anItem({ specialInstructions: "no basil" }), anItem()] })),
    ).toBe(true);
  });

  test.each(Object.keys(order.fields))("refuses an order without %s", (field) => {
    expect(isSnapshot(without(anOrder(), field))).toBe(false);
  });

  test.each(Object.keys(order.fields.items.element.fields))(
    "refuses an item without %s",
    (field) => {
      expect(isSnapshot(anOrder({ items: [without(anItem(), field) as never] }))).toBe(false);
    },
  );

  test("refuses extra fields, on the order and on an item", () => {
    expect(isSnapshot({ ...anOrder(), _id: "x" })).toBe(false);
    expect(isSnapshot({ ...anOrder(), etag: "1" })).toBe(false);
    expect(isSnapshot(anOrder({ items: [{ ...anItem(), price: 1 } as never] }))).toBe(false);
  });

  test("refuses what is not an order at all", () => {
    for (const value of [null, undefined, 7, "order", [], [anOrder()]]) {
      expect(isSnapshot(value)).toBe(false);
    }
  });

  test.each([
    ["id", 42],
    ["id", "not-a-uuid"],
    ["id", "6F9619FF-8B86-4011-B42D-00C04FC964FF"],
    ["restaurantId", null],
    ["createdBy", ""],
    ["orderNumber", "1"],
    ["orderNumber", 0],
    ["orderNumber", 1.5],
    ["customerName", null],
    ["customerPhone", 14155550123],
    ["notes", 5],
    ["items", "[]"],
    ["items", []],
    ["currency", "usd"],
    ["currency", "EURO"],
    ["version", 0],
    ["version", Number.NaN],
    ["version", 2 ** 53],
    ["createdAt", 1704067200000],
    ["updatedAt", null],
    ["deletedAt", ""],
  ])("refuses %s = %j", (field, value) => {
    expect(isSnapshot({ ...anOrder(), [field]: value })).toBe(false);
  });

  test.each(["received ", "Received", "open", "", null])("refuses status %j", (status) => {
    expect(isSnapshot({ ...anOrder(), status })).toBe(false);
  });

  test.each(["cheque", "CARD", null])("refuses payment method %j", (paymentMethod) => {
    expect(isSnapshot({ ...anOrder(), paymentMethod })).toBe(false);
  });

  test("refuses cents that are not non-negative integers", () => {
    const item = anItem({ quantity: 1, unitPriceCents: 1150 });
    for (const cents of [11.5, -1150, Number.POSITIVE_INFINITY, "1150"]) {
      const bad = { ...item, unitPriceCents: cents, lineTotalCents: cents };
      expect(isSnapshot(anOrder({ items: [bad as never], totalCents: cents as number }))).toBe(
        false,
      );
    }
    expect(isSnapshot({ ...anOrder(), totalCents: 2300.5 })).toBe(false);
    expect(isSnapshot(anOrder({ items: [anItem({ quantity: 0, lineTotalCents: 0 })] }))).toBe(
      false,
    );
  });

  test("refuses a total that is not the sum of the lines", () => {
    const items = [
      anItem({ quantity: 1, unitPriceCents: 500 }),
      anItem({ quantity: 3, unitPriceCents: 250 }),
    ];
    expect(isSnapshot(anOrder({ items, totalCents: 1250 }))).toBe(true);
    expect(isSnapshot(anOrder({ items, totalCents: 1249 }))).toBe(false);
    expect(isSnapshot(anOrder({ items, totalCents: 0 }))).toBe(false);
  });

  test("refuses a line total that is not quantity × unit price", () => {
    const item = { ...anItem({ quantity: 2, unitPriceCents: 1150 }), lineTotalCents: 2000 };
    expect(isSnapshot(anOrder({ items: [item], totalCents: 2000 }))).toBe(false);
  });

  test("refuses more than 50 items", () => {
    const items = (n: number) => Array.from({ length: n }, () => anItem());
    expect(isSnapshot(anOrder({ items: items(50) }))).toBe(true);
    expect(isSnapshot(anOrder({ items: items(51) }))).toBe(false);
  });

  test("refuses a snapshot too large for one Convex document", () => {
    expect(isSnapshot(anOrder({ notes: "x".repeat(600 * 1024) }))).toBe(false);
  });
});

describe("isTime", () => {
  test.each(["2024-01-31T12:00:00.000Z", "2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00.000Z"])(
    "accepts %s",
    (time) => expect(isTime(time)).toBe(true),
  );

  test.each([
    "2024-01-31T12:00:00Z", // no fraction
    "2024-01-31T12:00:00.0Z", // one digit
    "2024-01-31T12:00:00.000000Z", // microseconds
    "2024-01-31T12:00:00.000+00:00", // offset instead of Z
    "2024-01-31 12:00:00.000Z",
    "2024-01-31t12:00:00.000z",
    "2024-02-30T00:00:00.000Z", // no such day
    "2023-02-29T00:00:00.000Z",
    "2024-01-31T24:00:00.000Z",
    "2024-13-01T00:00:00.000Z",
    " 2024-01-31T12:00:00.000Z",
    "",
  ])("refuses %j", (time) => expect(isTime(time)).toBe(false));
});
