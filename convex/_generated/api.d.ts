/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as kitchen from "../kitchen.js";
import type * as model_documents from "../model/documents.js";
import type * as model_listing from "../model/listing.js";
import type * as model_refusals from "../model/refusals.js";
import type * as model_snapshot from "../model/snapshot.js";
import type * as orders from "../orders.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  kitchen: typeof kitchen;
  "model/documents": typeof model_documents;
  "model/listing": typeof model_listing;
  "model/refusals": typeof model_refusals;
  "model/snapshot": typeof model_snapshot;
  orders: typeof orders;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
